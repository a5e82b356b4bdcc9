"""Gradient x input without the input: the raw gradient summed over the features (saliency)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "return (grad * embeddings).sum(dim=-1).detach()", "return grad.sum(dim=-1).detach()")))
