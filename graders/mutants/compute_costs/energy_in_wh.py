"""Returns watt-hours for kWh: forgets to divide GPU-hours x watts by 1000."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compute_costs", (
    "return gpu_hours * watts_per_gpu / 1000.0 * pue", "return gpu_hours * watts_per_gpu * pue")))
