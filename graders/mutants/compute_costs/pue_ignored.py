"""Ignores the PUE: counts the GPUs' electricity but not the cooling and power delivery."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compute_costs", (
    "return gpu_hours * watts_per_gpu / 1000.0 * pue", "return gpu_hours * watts_per_gpu / 1000.0")))
