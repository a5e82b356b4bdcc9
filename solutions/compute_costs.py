"""Compute costs: data, arithmetic, time, energy and CO2 (reference solution)."""

from __future__ import annotations

import math
import numbers

BYTES_PER_BOOK = 450_000
SECONDS_PER_YEAR = 365 * 24 * 3600


def _positive(value, name: str) -> float:
    """``value`` as a float, after checking it is a finite positive real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite positive number, got {value}")
    return value


def training_flops(n_params: float, n_tokens: float) -> float:
    return 6.0 * _positive(n_params, "n_params") * _positive(n_tokens, "n_tokens")


def inference_flops_per_token(n_params: float) -> float:
    return 2.0 * _positive(n_params, "n_params")


def training_time_years(flops: float, flops_per_second: float, utilization: float = 1.0) -> float:
    flops = _positive(flops, "flops")
    flops_per_second = _positive(flops_per_second, "flops_per_second")
    utilization = _positive(utilization, "utilization")
    if utilization > 1:
        raise ValueError(f"utilization must be in (0, 1], got {utilization}")
    seconds = flops / (flops_per_second * utilization)
    return seconds / SECONDS_PER_YEAR


def energy_kwh(gpu_hours: float, watts_per_gpu: float, pue: float = 1.0) -> float:
    gpu_hours = _positive(gpu_hours, "gpu_hours")
    watts_per_gpu = _positive(watts_per_gpu, "watts_per_gpu")
    pue = _positive(pue, "pue")
    if pue < 1:
        raise ValueError(f"pue (power usage effectiveness) must be at least 1.0, got {pue}")
    return gpu_hours * watts_per_gpu / 1000.0 * pue


def co2_tonnes(kwh: float, kg_per_kwh: float) -> float:
    return _positive(kwh, "kwh") * _positive(kg_per_kwh, "kg_per_kwh") / 1000.0


def books_equivalent(n_bytes: float, bytes_per_book: float) -> float:
    return _positive(n_bytes, "n_bytes") / _positive(bytes_per_book, "bytes_per_book")
