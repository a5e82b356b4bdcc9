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


def _variant(max_len: int, d_model: int, base: float, mistake: str) -> torch.Tensor:
    """The table a known mistake gives (float64), to name the mistake a wrong table shows."""
    p = torch.arange(max_len, dtype=torch.float64)[:, None]
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)
    angle = p * base ** (-two_i / d_model)
    table = torch.empty(max_len, d_model, dtype=torch.float64)
    if mistake == "swapped":
        table[:, 0::2], table[:, 1::2] = torch.cos(angle), torch.sin(angle)
    elif mistake == "halves":
        table[:, :d_model // 2], table[:, d_model // 2:] = torch.sin(angle), torch.cos(angle)
    elif mistake == "column exponent":
        table[:, 0::2], table[:, 1::2] = torch.sin(angle), torch.cos(p * base ** (-(two_i + 1) / d_model))
    elif mistake == "base ignored":
        return _variant(max_len, d_model, 10000.0, "none")
    else:
        table[:, 0::2], table[:, 1::2] = torch.sin(angle), torch.cos(angle)
    return table


DIAGNOSES = {
    "swapped": "sines and cosines are swapped: sin goes in the even columns (0, 2, ...), cos in the odd ones",
    "halves": "sines and cosines must be interleaved (sin, cos, sin, cos, ...), not all sines in the first "
              "half of the columns and all cosines in the second",
    "column exponent": "columns 2i and 2i+1 share one angle p / base^(2i / d_model): i counts pairs of "
                       "columns, so the cosine column does not get an exponent of its own",
    "base ignored": "use the base argument instead of the constant 10000",
}


def hint_for(table, max_len: int, d_model: int, base: float = 10000.0) -> str:
    """Name the mistake the table actually shows (looked up among the known ones), else the formula."""
    if not isinstance(table, torch.Tensor) or tuple(table.shape) != (max_len, d_model):
        return HINT
    got = table.detach().to(torch.float64)
    for mistake, text in DIAGNOSES.items():
        if mistake == "base ignored" and float(base) == 10000.0:
            continue
        if bool(torch.allclose(got, _variant(max_len, d_model, float(base), mistake), atol=1e-4, rtol=0)):
            return text
    return HINT


@pytest.mark.points(1)
@pytest.mark.parametrize("max_len,d_model", [(1, 2), (10, 6), (50, 16), (128, 64)])
def test_matches_the_paper(impl, max_len, d_model):
    pe = impl.sinusoidal_positional_encoding(max_len, d_model)
    expect_tensor(pe, f"sinusoidal_positional_encoding({max_len}, {d_model})", shape=(max_len, d_model),
                  dtype=torch.float32, device="cpu", hint="return a float32 tensor of shape (max_len, d_model)")
    expect_close(pe, paper_formula(max_len, d_model).float(),
                 f"sinusoidal_positional_encoding({max_len}, {d_model})", hint=hint_for(pe, max_len, d_model))


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
                 f"sinusoidal_positional_encoding(20, 10, base={base})", hint=hint_for(pe, 20, 10, base))


@pytest.mark.points(1)
def test_base_is_positional_too(impl):
    pe = impl.sinusoidal_positional_encoding(6, 4, 50.0)
    expect_close(pe, paper_formula(6, 4, 50.0).float(), "sinusoidal_positional_encoding(6, 4, 50.0)",
                 hint=hint_for(pe, 6, 4, 50.0))


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
