"""Zeroes the weights of the tensor it was given (in place) and returns it."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "pruned = w.detach().clone()", "pruned = w.detach()  # w's own storage")))
