"""Clusters the original vectors: the direction is never neutralised away."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "points = _unit(vectors) if direction is None else neutralize(vectors, direction)",
    "points = _unit(vectors)",
)))
