"""Uses 360-day years (12 x 30 days) when converting seconds to years."""
from solutions.compute_costs import *  # noqa: F401,F403
from solutions.compute_costs import _positive


def training_time_years(flops, flops_per_second, utilization=1.0):
    flops = _positive(flops, "flops")
    flops_per_second = _positive(flops_per_second, "flops_per_second")
    utilization = _positive(utilization, "utilization")
    if utilization > 1:
        raise ValueError(f"utilization must be in (0, 1], got {utilization}")
    return flops / (flops_per_second * utilization) / (360 * 24 * 3600)
