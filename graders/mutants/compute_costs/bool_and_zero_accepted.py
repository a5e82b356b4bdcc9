"""Checks only `< 0` with isinstance(x, (int, float)): accepts True/False, and zero divides by zero."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "compute_costs",
    ("if isinstance(value, bool) or not isinstance(value, numbers.Real):",
     "if not isinstance(value, (int, float)):"),
    ("if not math.isfinite(value) or value <= 0:", "if value < 0:"),
))
