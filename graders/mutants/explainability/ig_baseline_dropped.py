"""Integrated gradients multiplied by x instead of (x - baseline): the baseline term dropped."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "return (difference * averaged_grad).sum(dim=-1)", "return (embeddings * averaged_grad).sum(dim=-1)")))
