"""Ignores the utilization argument (assumes the GPU is always busy)."""
from solutions.compute_costs import *  # noqa: F401,F403
from solutions.compute_costs import _positive


def training_time_years(flops, flops_per_second, utilization=1.0):
    return _positive(flops, "flops") / _positive(flops_per_second, "flops_per_second") / SECONDS_PER_YEAR
