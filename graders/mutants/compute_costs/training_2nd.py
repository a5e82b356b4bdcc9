"""Training FLOPs as 2 N D: counts the forward pass only (6 N D and 2 N mixed up)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compute_costs", (
    "return 6.0 * _positive(n_params", "return 2.0 * _positive(n_params")))
