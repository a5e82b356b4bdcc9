"""Checks only `< 0` with isinstance(x, (int, float)): accepts True/False, and zero divides by zero."""
from solutions.compute_costs import *  # noqa: F401,F403


def _loose(value, name):
    if not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number")
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return float(value)


def books_equivalent(n_bytes, bytes_per_book):
    return _loose(n_bytes, "n_bytes") / _loose(bytes_per_book, "bytes_per_book")
