"""Hidden graders for compute_costs."""

import math

import pytest

from kit.checks import expect_close, expect_raises, expect_type

SECONDS_PER_YEAR = 365 * 24 * 3600


def close(impl_value, expected, what, hint=None, rtol=1e-9):
    __tracebackhide__ = True
    expect_type(impl_value, float, what, hint="return a float (e.g. 6.0 * n * d)")
    expect_close(impl_value, expected, what, rtol=rtol, atol=0.0, hint=hint)


# --------------------------------------------------------------------------- the course's figures


@pytest.mark.points(2)
def test_course_355_years(impl):
    close(impl.training_time_years(3.14e23, 28e12), 3.14e23 / 28e12 / SECONDS_PER_YEAR,
          "training_time_years(3.14e23, 28e12) [GPT-3 on one V100]",
          "a year here is 365 days of 24 x 3600 s (not 360 days, not a leap-year average)")
    assert round(impl.training_time_years(3.14e23, 28e12)) == 356, \
        "GPT-3 on one V100 should take about 355.6 years"


@pytest.mark.points(2)
def test_gpt3_flops_from_parameters_and_tokens(impl):
    flops = impl.training_flops(175e9, 300e9)
    close(flops, 3.15e23, "training_flops(175e9, 300e9)",
          "6 N D: forward 2 FLOPs per parameter per token, backward about twice that")
    assert abs(flops / 3.14e23 - 1) < 0.01, "6 N D should be within 1 % of GPT-3's reported 3.14e23"


@pytest.mark.points(1)
def test_patterson_552_tonnes(impl):
    close(impl.co2_tonnes(1_287_000, 0.429), 552.123, "co2_tonnes(1,287,000 kWh, 0.429 kg/kWh)",
          "kg = kWh x kg/kWh; tonnes = kg / 1000 (1,287 MWh is 1,287,000 kWh)")


@pytest.mark.points(2)
def test_patterson_energy_from_its_inputs(impl):
    # Patterson et al. 2021, table 4, GPT-3: 10,000 V100s for 14.8 days, 330 W, PUE 1.10.
    kwh = impl.energy_kwh(10_000 * 14.8 * 24, 330, pue=1.1)
    close(kwh, 1_289_376.0, "energy_kwh(GPT-3's GPU-hours in Patterson et al., 330 W, their PUE)",
          "kWh = GPU-hours x watts / 1000, times the PUE")
    assert abs(kwh / 1_287_000 - 1) < 0.005, "should be within 0.5 % of the paper's 1,287 MWh"


@pytest.mark.points(1)
def test_570_gb_in_books(impl):
    books = impl.books_equivalent(570e9, 450_000)
    close(books, 570e9 / 450_000, "books_equivalent(570e9, 450_000)")
    assert round(books / 1e6, 1) == 1.3, "570 GB should be about 1.3 million books"


# --------------------------------------------------------------------------- the formulas


@pytest.mark.points(1)
@pytest.mark.parametrize("n,d", [(1e6, 2e7), (7, 11), (1.3e9, 1e12)], ids=["1M-20M", "ints", "1.3B-1T"])
def test_training_flops(impl, n, d):
    close(impl.training_flops(n, d), 6.0 * n * d, "training_flops [a hidden case]",
          "6 N D (2 N D is the forward pass only)")


@pytest.mark.points(1)
@pytest.mark.parametrize("n", [1e6, 3, 175e9], ids=["1M", "int", "175B"])
def test_inference_flops_per_token(impl, n):
    close(impl.inference_flops_per_token(n), 2.0 * n, "inference_flops_per_token [a hidden case]",
          "forward pass only: 2 N (one multiply and one add per parameter)")


@pytest.mark.points(1)
def test_training_is_three_times_inference_per_token(impl):
    ratio = impl.training_flops(1e9, 1.0) / impl.inference_flops_per_token(1e9)
    assert abs(ratio - 3.0) < 1e-9, \
        f"training costs 3x the forward pass per token (6N vs 2N); got a ratio of {ratio:.3g}"


@pytest.mark.points(2)
@pytest.mark.parametrize("utilization", [0.5, 0.3, 1.0], ids=["half", "30pc", "full"])
def test_utilization_lengthens_the_run(impl, utilization):
    close(impl.training_time_years(1e21, 1e12, utilization),
          1e21 / (1e12 * utilization) / SECONDS_PER_YEAR,
          "training_time_years [a hidden utilization below 1, or 1]",
          "the useful FLOP/s are flops_per_second x utilization: at half utilization the run "
          "takes twice as long (divide by utilization, do not multiply)")


@pytest.mark.points(1)
def test_one_year_exactly(impl):
    close(impl.training_time_years(float(SECONDS_PER_YEAR), 1.0), 1.0,
          "training_time_years(31,536,000 FLOPs, 1 FLOP/s)", "365 x 24 x 3600 seconds per year")


@pytest.mark.points(1)
@pytest.mark.parametrize("hours,watts,pue", [(1.0, 1000, 1.0), (250, 400, 1.0), (10, 250, 1.58)],
                         ids=["1kWh", "no-pue", "pue1.58"])
def test_energy_kwh(impl, hours, watts, pue):
    close(impl.energy_kwh(hours, watts, pue=pue), hours * watts / 1000 * pue,
          "energy_kwh [a hidden case]",
          "watts x hours = watt-hours; / 1000 = kWh; x PUE for cooling and power delivery")


@pytest.mark.points(1)
def test_energy_default_pue_is_one(impl):
    close(impl.energy_kwh(100, 300), 30.0, "energy_kwh(100, 300)")


@pytest.mark.points(1)
@pytest.mark.parametrize("kwh,kg", [(1000, 1.0), (2.5e5, 0.2)], ids=["1t", "250MWh"])
def test_co2_tonnes(impl, kwh, kg):
    close(impl.co2_tonnes(kwh, kg), kwh * kg / 1000, "co2_tonnes [a hidden case]",
          "kWh x kg/kWh gives kilograms; a tonne is 1000 kg")


@pytest.mark.points(1)
def test_books_equivalent(impl):
    close(impl.books_equivalent(3e6, 1.5e6), 2.0, "books_equivalent [a hidden case]")
    close(impl.books_equivalent(1, 4), 0.25, "books_equivalent(1, 4)",
          "return the exact ratio as a float, not a whole number of books")


# --------------------------------------------------------------------------- errors


CALLS = {
    "training_flops": (1e9, 1e9),
    "inference_flops_per_token": (1e9,),
    "training_time_years": (1e21, 1e12, 0.5),
    "energy_kwh": (10.0, 300.0, 1.2),
    "co2_tonnes": (100.0, 0.4),
    "books_equivalent": (1e9, 4e5),
}
NAMES = {
    "training_flops": ("n_params", "n_tokens"),
    "inference_flops_per_token": ("n_params",),
    "training_time_years": ("flops", "flops_per_second", "utilization"),
    "energy_kwh": ("gpu_hours", "watts_per_gpu", "pue"),
    "co2_tonnes": ("kwh", "kg_per_kwh"),
    "books_equivalent": ("n_bytes", "bytes_per_book"),
}


def _with(fn, i, value):
    args = list(CALLS[fn])
    args[i] = value
    return args


@pytest.mark.points(1)
@pytest.mark.parametrize("fn", list(CALLS))
def test_non_positive_is_a_value_error(impl, fn):
    for i, name in enumerate(NAMES[fn]):
        for bad in (0, -1.0, math.nan, math.inf):
            with expect_raises(ValueError, f"{fn}({name}={bad!r})", arg=name):
                getattr(impl, fn)(*_with(fn, i, bad))


@pytest.mark.points(1)
@pytest.mark.parametrize("fn", list(CALLS))
def test_non_numbers_are_a_type_error(impl, fn):
    for i, name in enumerate(NAMES[fn]):
        for bad in ("1e9", None, True, [1.0]):
            with expect_raises(TypeError, f"{fn}({name}={bad!r})", arg=name,
                               hint="bool is a subclass of int: reject it explicitly" if bad is True
                               else "only int and float are numbers here"):
                getattr(impl, fn)(*_with(fn, i, bad))


@pytest.mark.points(1)
def test_utilization_above_one_is_a_value_error(impl):
    with expect_raises(ValueError, "training_time_years(..., utilization=1.5)", arg="utilization"):
        impl.training_time_years(1e21, 1e12, 1.5)


@pytest.mark.points(1)
def test_pue_below_one_is_a_value_error(impl):
    with expect_raises(ValueError, "energy_kwh(..., pue=0.9)", arg="pue",
                       hint="PUE = total facility power / IT power, so it is never below 1"):
        impl.energy_kwh(10, 300, pue=0.9)
