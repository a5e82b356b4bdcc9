"""The kit's public helpers: how tests reach an implementation, teaching checks,
timing, data. Shipped to students together with ``exercises/`` and ``tests/``."""
