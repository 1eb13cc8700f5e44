"""The benchmark of issue 9 (`make bench`): volume, latency, query counts, PDF, CSV, storm."""
