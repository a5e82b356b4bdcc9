"""Trapezoid weights 1/n on points spaced 1/(n-1) (as Captum's riemann_trapezoid): they sum to (n-1)/n."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "weights = [1 / (steps - 1)] * steps", "weights = [1 / steps] * steps")))
