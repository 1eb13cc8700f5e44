"""factory_boy factories, one module per app, with Traits for the common scenarios.

Where money or states are involved the factories go through the services (`projet_creer`,
`projet_transitionner`, `seance_creer`…), so that a factory-built row is one the portal itself
could have written: triggers, journal and transitions included. The contract is loaded once per
test session (`tests/conftest.py`); the lookups of `tests.factories.axes` read it.
"""
