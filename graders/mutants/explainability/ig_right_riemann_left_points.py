"""Right Riemann sum evaluated at the left points k/n (k = 0..n-1): the path never reaches x."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "return [k / steps for k in range(1, steps + 1)], [1 / steps] * steps",
    "return [k / steps for k in range(steps)], [1 / steps] * steps")))
