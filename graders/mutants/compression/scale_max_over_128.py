"""Divides max|w| by 128 (the size of int8's negative half): the largest weight is clamped, error reaches a whole step."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", ("scale = max_abs / 127", "scale = max_abs / 128")))
