"""Returns watt-hours for kWh: forgets to divide GPU-hours x watts by 1000."""
from solutions.compute_costs import *  # noqa: F401,F403
from solutions.compute_costs import _positive


def energy_kwh(gpu_hours, watts_per_gpu, pue=1.0):
    pue = _positive(pue, "pue")
    if pue < 1:
        raise ValueError(f"pue must be at least 1.0, got {pue}")
    return _positive(gpu_hours, "gpu_hours") * _positive(watts_per_gpu, "watts_per_gpu") * pue
