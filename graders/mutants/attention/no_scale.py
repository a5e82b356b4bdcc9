"""Forgets the 1/sqrt(E) scale: raw dot products go into the softmax (scale=None means 1)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("attention", ("scale = 1.0 / math.sqrt(q.shape[-1])", "scale = 1.0")))
