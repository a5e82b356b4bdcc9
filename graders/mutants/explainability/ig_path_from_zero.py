"""Walks the path a * x from zero instead of baseline + a * (x - baseline)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "point = baseline + alpha * difference", "point = alpha * embeddings")))
