"""Public tests for positional_encoding (run: pytest -m positional_encoding)."""

import math

import pytest
import torch

from kit.checks import expect_close, expect_raises, expect_tensor


@pytest.mark.points(1)
def test_shape_and_dtype(impl):
    pe = impl.sinusoidal_positional_encoding(10, 8)
    expect_tensor(pe, "sinusoidal_positional_encoding(10, 8)", shape=(10, 8), dtype=torch.float32)


@pytest.mark.points(2)
def test_small_table(impl):
    pe = impl.sinusoidal_positional_encoding(3, 4)
    expected = torch.tensor([[0.0, 1.0, 0.0, 1.0],
                             [math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)],
                             [math.sin(2), math.cos(2), math.sin(0.02), math.cos(0.02)]])
    expect_close(pe, expected, "sinusoidal_positional_encoding(3, 4)",
                 hint="even columns sin, odd columns cos, of p / 10000^(2i / d_model)")


@pytest.mark.points(1)
def test_odd_d_model(impl):
    with expect_raises(ValueError, "sinusoidal_positional_encoding(5, 7)", arg="d_model"):
        impl.sinusoidal_positional_encoding(5, 7)
