"""Sums gradient x input over the tokens (axis 0) instead of the features: one score per feature."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "return (grad * embeddings).sum(dim=-1).detach()", "return (grad * embeddings).sum(dim=0).detach()")))
