"""bias_score divides by male + female without checking: no pronouns at all raises ZeroDivisionError."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_bias", ("    if male + female == 0:\n        return 0.0\n", "")))
