"""Multiplies the time by the utilization: a half-busy GPU finishes twice as fast."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compute_costs", (
    "seconds = flops / (flops_per_second * utilization)", "seconds = flops / flops_per_second * utilization")))
