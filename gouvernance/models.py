"""Committees, sessions, the analysis grid, votes and decisions (Article 3, part VI.2)."""
