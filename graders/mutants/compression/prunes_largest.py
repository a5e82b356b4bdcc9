"""Zeroes the largest-magnitude weights instead of the smallest."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", ("largest=False", "largest=True")))
