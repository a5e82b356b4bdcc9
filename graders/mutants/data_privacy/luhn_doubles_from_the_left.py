"""Luhn check doubling every second digit counted from the LEFT (wrong for odd lengths: Amex, 13-digit Visa)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_privacy", (
    "    for i, d in enumerate(reversed(digits)):\n"
    "        if i % 2 == 1:\n",
    "    for i, d in enumerate(digits):\n"
    "        if i % 2 == 0:\n",
)))
