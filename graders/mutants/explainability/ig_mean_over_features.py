"""Integrated gradients averaged over the features instead of summed: completeness lost by a factor D."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "return (difference * averaged_grad).sum(dim=-1)", "return (difference * averaged_grad).mean(dim=-1)")))
