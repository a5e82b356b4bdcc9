"""Hidden graders for positional_encoding: the paper's formula, computed independently."""

import math

import pytest
import torch

from kit.checks import expect_close, expect_raises, expect_tensor


def paper_formula(max_len: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """Vaswani et al. (2017), section 3.5, element by element in float64 (Python's math)."""
    table = [[0.0] * d_model for _ in range(max_len)]
    for p in range(max_len):
        for i in range(d_model // 2):
            angle = p / base ** (2 * i / d_model)
            table[p][2 * i] = math.sin(angle)
            table[p][2 * i + 1] = math.cos(angle)
    return torch.tensor(table, dtype=torch.float64).reshape(max_len, d_model)


HINT = ("PE[p, 2i] = sin(p / base^(2i / d_model)) and PE[p, 2i+1] = cos(same angle): sines in the even "
        "columns, cosines in the odd ones, interleaved; i counts PAIRS of columns")


@pytest.mark.points(1)
@pytest.mark.parametrize("max_len,d_model", [(1, 2), (10, 6), (50, 16), (128, 64)])
def test_matches_the_paper(impl, max_len, d_model):
    pe = impl.sinusoidal_positional_encoding(max_len, d_model)
    expect_tensor(pe, f"sinusoidal_positional_encoding({max_len}, {d_model})", shape=(max_len, d_model),
                  dtype=torch.float32, device="cpu", hint="return a float32 tensor of shape (max_len, d_model)")
    expect_close(pe, paper_formula(max_len, d_model).float(),
                 f"sinusoidal_positional_encoding({max_len}, {d_model})", hint=HINT)


@pytest.mark.points(1)
def test_accurate_at_large_positions(impl):
    pe = impl.sinusoidal_positional_encoding(4096, 32)
    expect_tensor(pe, "sinusoidal_positional_encoding(4096, 32)", shape=(4096, 32), dtype=torch.float32)
    reference = paper_formula(4096, 32)
    expect_close(pe.double(), reference, "sinusoidal_positional_encoding(4096, 32)", atol=1e-5, rtol=0.0,
                 hint="in float32 the angle p * w of a large position loses digits: compute the angles "
                      "in float64 and convert the table to float32 at the end")


@pytest.mark.points(1)
@pytest.mark.parametrize("base", [100.0, 500, 1e5], ids=["100", "int-500", "1e5"])
def test_base_argument(impl, base):
    pe = impl.sinusoidal_positional_encoding(20, 10, base=base)
    expect_tensor(pe, f"sinusoidal_positional_encoding(20, 10, base={base})", shape=(20, 10), dtype=torch.float32)
    expect_close(pe, paper_formula(20, 10, float(base)).float(),
                 f"sinusoidal_positional_encoding(20, 10, base={base})",
                 hint="use the base argument instead of the constant 10000")


@pytest.mark.points(1)
def test_base_is_positional_too(impl):
    pe = impl.sinusoidal_positional_encoding(6, 4, 50.0)
    expect_close(pe, paper_formula(6, 4, 50.0).float(), "sinusoidal_positional_encoding(6, 4, 50.0)", hint=HINT)


@pytest.mark.points(1)
def test_first_row_and_range(impl):
    pe = impl.sinusoidal_positional_encoding(64, 12)
    expect_tensor(pe, "sinusoidal_positional_encoding(64, 12)", shape=(64, 12), dtype=torch.float32)
    assert torch.equal(pe[0], torch.tensor([0.0, 1.0] * 6)), \
        "row 0 must be [0, 1, 0, 1, ...]: sin(0) in even columns, cos(0) in odd columns"
    assert pe.abs().max() <= 1.0 + 1e-6, "values of sines and cosines stay in [-1, 1]"


@pytest.mark.points(1)
def test_zero_positions(impl):
    pe = impl.sinusoidal_positional_encoding(0, 8)
    expect_tensor(pe, "sinusoidal_positional_encoding(0, 8)", shape=(0, 8), dtype=torch.float32)


@pytest.mark.points(1)
@pytest.mark.parametrize("args,kwargs,exc", [
    ((10, 7), {}, ValueError), ((10, 1), {}, ValueError), ((10, 0), {}, ValueError),
    ((-1, 8), {}, ValueError), ((10, 8), {"base": 0.0}, ValueError), ((10, 8), {"base": -5.0}, ValueError),
    ((10.0, 8), {}, TypeError), ((10, "8"), {}, TypeError), ((10, True), {}, TypeError),
    ((10, 8), {"base": "10000"}, TypeError),
], ids=["odd", "one", "zero", "negative-len", "base-zero", "base-negative", "float-len", "str-d",
        "bool-d", "str-base"])
def test_errors(impl, args, kwargs, exc):
    with expect_raises(exc, f"sinusoidal_positional_encoding{args!r} {kwargs!r}"):
        impl.sinusoidal_positional_encoding(*args, **kwargs)


@pytest.mark.points(1)
def test_odd_d_model_message_names_it(impl):
    with expect_raises(ValueError, "sinusoidal_positional_encoding(4, 7)", arg="d_model"):
        impl.sinusoidal_positional_encoding(4, 7)
