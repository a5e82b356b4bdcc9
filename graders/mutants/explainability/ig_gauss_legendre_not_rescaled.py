"""Uses numpy's Gauss-Legendre points and weights on [-1, 1] without mapping them to [0, 1]."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "return (0.5 * (nodes + 1)).tolist(), (0.5 * weights).tolist()",
    "return nodes.tolist(), weights.tolist()")))
