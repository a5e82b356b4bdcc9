"""Luhn check that silently drops every non-digit ("4111.1111.1111.1111" passes) instead of returning False."""
from solutions.data_privacy import *  # noqa: F401,F403
from solutions.data_privacy import luhn_valid as _reference


def luhn_valid(number):
    if not isinstance(number, str):
        raise TypeError("number must be a str")
    return _reference("".join(ch for ch in number if ch in "0123456789"))
