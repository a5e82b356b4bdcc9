"""Luhn check doubling every second digit counted from the LEFT (wrong for odd lengths: Amex, 13-digit Visa)."""
from solutions.data_privacy import *  # noqa: F401,F403


def luhn_valid(number):
    if not isinstance(number, str):
        raise TypeError("number must be a str")
    digits = []
    for ch in number:
        if ch in " -":
            continue
        if ch not in "0123456789":
            return False
        digits.append(int(ch))
    if not digits:
        return False
    total = 0
    for i, d in enumerate(digits):
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0
