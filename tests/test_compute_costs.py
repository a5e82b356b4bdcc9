"""Public tests for compute_costs (run: pytest -m compute_costs)."""

import pytest

from kit.checks import expect_close, expect_raises, expect_type


@pytest.mark.points(2)
def test_gpt3_355_years_on_one_gpu(impl):
    # Brown et al. 2020: 3.14e23 FLOPs; one V100 at 28 TFLOP/s; 365-day years.
    years = impl.training_time_years(3.14e23, 28e12)
    expect_type(years, float, "training_time_years(3.14e23, 28e12)")
    expect_close(years, 355.6027, "training_time_years(3.14e23, 28e12)", rtol=1e-5,
                 hint="seconds = FLOPs / (FLOP/s); a year is 365 x 24 x 3600 seconds")


@pytest.mark.points(1)
def test_gpt3_training_flops(impl):
    # 175e9 parameters, 300e9 tokens: 6 N D = 3.15e23, the paper reports 3.14e23.
    expect_close(impl.training_flops(175e9, 300e9), 3.15e23, "training_flops(175e9, 300e9)",
                 rtol=1e-9, hint="6 N D: 2 FLOPs per parameter per token forward, 4 backward")


@pytest.mark.points(1)
def test_patterson_co2(impl):
    # Patterson et al. 2021: 1,287 MWh at 0.429 kg CO2e/kWh -> about 552 t.
    expect_close(impl.co2_tonnes(1_287_000, 0.429), 552.123, "co2_tonnes(1,287,000 kWh, 0.429)",
                 rtol=1e-9, hint="kg = kWh x kg/kWh; 1 tonne = 1000 kg")


@pytest.mark.points(1)
def test_energy_with_pue(impl):
    expect_close(impl.energy_kwh(1000, 300, pue=1.5), 450.0, "energy_kwh(1000, 300, pue=1.5)",
                 rtol=1e-9, hint="GPU-hours x W / 1000 = kWh, then x PUE")


@pytest.mark.points(1)
def test_570_gb_is_about_1_3_million_books(impl):
    books = impl.books_equivalent(570e9, 450_000)
    expect_close(books, 1_266_666.67, "books_equivalent(570e9, 450_000)", rtol=1e-6)
    assert round(books / 1e6, 1) == 1.3, "570 GB should be about 1.3 million books"


@pytest.mark.points(1)
def test_non_positive_is_a_value_error(impl):
    with expect_raises(ValueError, "training_flops(0, 300e9)", arg="n_params"):
        impl.training_flops(0, 300e9)
