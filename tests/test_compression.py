"""Public tests for compression (run: pytest -m compression)."""

import pytest
import torch
import torch.nn.functional as F

from kit.checks import expect_close, expect_equal, expect_raises, expect_tensor


@pytest.mark.points(2)
def test_worked_example(impl):
    q, scale = impl.quantize_int8(torch.tensor([[0.5, -1.27], [0.0, 0.0]]))
    expect_tensor(q, "q", shape=(2, 2), dtype=torch.int8)
    expect_tensor(scale, "scale", shape=(2,), dtype=torch.float32,
                  hint="one float32 scale per row (dim=0)")
    expect_equal(q.tolist(), [[50, -127], [0, 0]], "q",
                 hint="q = round(w / scale), scale = max|row| / 127")
    expect_close(scale, torch.tensor([0.01, 1.0]), "scale",
                 hint="an all-zero row gets scale 1 (not 0: that would divide by zero)")


@pytest.mark.points(2)
def test_round_trip_error_at_most_half_a_step(impl):
    w = torch.randn(16, 24, generator=torch.Generator().manual_seed(0))
    q, scale = impl.quantize_int8(w)
    expect_tensor(q, "q", shape=(16, 24), dtype=torch.int8)
    expect_tensor(scale, "scale", shape=(16,), dtype=torch.float32)
    w_hat = impl.dequantize(q, scale)
    expect_tensor(w_hat, "dequantize(q, scale)", shape=(16, 24), dtype=torch.float32)
    error = (w_hat - w).abs() / (scale[:, None] / 2)
    assert error.max() <= 1 + 1e-5, (
        f"the round-trip error reaches {error.max():.3f} half-steps (at most 1 expected) -- "
        "round (do not truncate) and use scale = max|w| / 127 per row")


@pytest.mark.points(1)
def test_prune_example(impl):
    got = impl.magnitude_prune(torch.tensor([0.1, -3.0, 0.2, 2.0]), 0.5)
    expect_close(got, torch.tensor([0.0, -3.0, 0.0, 2.0]), "magnitude_prune([0.1, -3, 0.2, 2], 0.5)",
                 hint="zero the entries with the smallest |w|, not the smallest w")


@pytest.mark.points(1)
def test_size_of_a_linear_layer(impl):
    layer = torch.nn.Linear(1000, 1000)  # 1,000,000 weights + 1,000 biases
    expect_equal(impl.model_size_bytes(layer), 4_004_000, "model_size_bytes(Linear(1000, 1000))",
                 hint="parameters x bits / 8")
    expect_equal(impl.model_size_bytes(layer, bits_per_param=8), 1_001_000,
                 "model_size_bytes(Linear(1000, 1000), bits_per_param=8)")


@pytest.mark.points(2)
def test_distillation_matches_kl_div(impl):
    g = torch.Generator().manual_seed(0)
    student, teacher = torch.randn(4, 10, generator=g), torch.randn(4, 10, generator=g)
    expected = 4.0 * F.kl_div(F.log_softmax(student / 2, -1), F.softmax(teacher / 2, -1),
                              reduction="batchmean")
    expect_close(impl.distillation_loss(student, teacher, 2.0), expected,
                 "distillation_loss(student, teacher, 2.0)",
                 hint="KL(teacher || student) of the softened distributions, times T**2")


@pytest.mark.points(1)
def test_zero_temperature_is_a_value_error(impl):
    logits = torch.zeros(2, 3)
    with expect_raises(ValueError, "distillation_loss(..., temperature=0)", arg="temperature"):
        impl.distillation_loss(logits, logits, 0.0)
