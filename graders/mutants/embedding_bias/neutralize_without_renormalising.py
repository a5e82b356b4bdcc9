"""Removes the component along the direction but does not scale the rest back to length 1."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", ("    rest = rest / norms\n", "")))
