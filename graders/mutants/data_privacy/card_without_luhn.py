"""Every card-shaped number is redacted as a card: the Luhn check is skipped."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_privacy", ('    if kind == "CARD":\n        return luhn_valid(text)\n', "")))
