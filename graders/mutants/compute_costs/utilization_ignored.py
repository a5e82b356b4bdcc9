"""Ignores the utilization argument (assumes the GPU is always busy)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compute_costs", (
    "    utilization = _positive(utilization, \"utilization\")\n"
    "    if utilization > 1:\n"
    "        raise ValueError(f\"utilization must be in (0, 1], got {utilization}\")\n"
    "    seconds = flops / (flops_per_second * utilization)\n",
    "    seconds = flops / flops_per_second\n",
)))
