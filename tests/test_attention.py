"""Public tests for attention (run: pytest -m attention)."""

import pytest
import torch
import torch.nn.functional as F

from kit.checks import expect_close, expect_raises, expect_tensor


def _randn(*shape, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=dtype)


def _torch_mha(d_model, n_heads, seed):
    """A torch.nn.MultiheadAttention with every weight and bias drawn from a seeded generator."""
    ref = torch.nn.MultiheadAttention(d_model, n_heads, batch_first=True).eval()
    with torch.no_grad():
        for i, p in enumerate(ref.parameters()):
            p.copy_(_randn(*p.shape, seed=seed + i) / d_model ** 0.5)
    return ref


def _mha_state_dict(torch_mha):
    """torch.nn.MultiheadAttention's weights under our names (in_proj is q, k, v stacked)."""
    sd = torch_mha.state_dict()
    wq, wk, wv = sd["in_proj_weight"].chunk(3)
    bq, bk, bv = sd["in_proj_bias"].chunk(3)
    return {"q_proj.weight": wq, "q_proj.bias": bq, "k_proj.weight": wk, "k_proj.bias": bk,
            "v_proj.weight": wv, "v_proj.bias": bv,
            "out_proj.weight": sd["out_proj.weight"], "out_proj.bias": sd["out_proj.bias"]}


@pytest.mark.points(1)
def test_worked_example_each_token_attends_to_itself(impl):
    q = torch.eye(2)[None]
    out, w = impl.scaled_dot_product_attention(q, q, q, scale=100.0)
    expect_tensor(w, "weights", shape=(1, 2, 2), dtype=torch.float32)
    expect_close(w, torch.eye(2)[None], "weights of two orthogonal tokens, scale=100", atol=1e-6,
                 hint="scores = q @ k^T * scale, then a softmax over the keys (last axis)")
    expect_close(out, torch.eye(2)[None], "output of two orthogonal tokens, scale=100", atol=1e-6)


@pytest.mark.points(2)
def test_matches_pytorch(impl):
    q, k, v = _randn(2, 3, 4, 8, seed=1), _randn(2, 3, 6, 8, seed=2), _randn(2, 3, 6, 5, seed=3)
    out, w = impl.scaled_dot_product_attention(q, k, v)
    expect_tensor(w, "weights", shape=(2, 3, 4, 6), dtype=torch.float32,
                  hint="weights are (..., L, S): one row per query, one column per key")
    expect_close(w.sum(-1), torch.ones(2, 3, 4), "weights summed over the keys",
                 hint="is the softmax over the last axis (the keys)?")
    expect_close(out, F.scaled_dot_product_attention(q, k, v), "output vs PyTorch's SDPA",
                 hint="did you scale the scores by 1/sqrt(E)?")


@pytest.mark.points(1)
def test_causal_matches_pytorch(impl):
    q = _randn(1, 2, 5, 4, seed=4)
    out, w = impl.scaled_dot_product_attention(q, q, q, is_causal=True)
    expect_close(w[0, 0].triu(1), torch.zeros(5, 5), "causal weights above the diagonal",
                 hint="query i may only attend to keys 0..i (torch.tril)")
    expect_close(out, F.scaled_dot_product_attention(q, q, q, is_causal=True),
                 "causal output vs PyTorch's SDPA", hint="mask the scores before the softmax")


@pytest.mark.points(1)
def test_fully_masked_row_is_zero_not_nan(impl):
    q = _randn(3, 4, seed=5)
    mask = torch.tensor([[True, False, True], [False, False, False], [True, True, True]])
    out, w = impl.scaled_dot_product_attention(q, q, q, mask)
    expect_close(w[1], torch.zeros(3), "weights of a query that may attend to no key",
                 hint="softmax of a row of -inf is 0/0 = NaN: set such rows to 0")
    expect_close(out[1], torch.zeros(4), "output of a query that may attend to no key")


@pytest.mark.points(1)
def test_split_and_merge_heads(impl):
    x = torch.arange(12.).view(1, 1, 12)
    heads = impl.split_heads(x, 3)
    expect_close(heads, torch.arange(12.).view(1, 3, 1, 4), "split_heads(arange(12), 3)",
                 hint="head h gets consecutive features h*D/H .. (h+1)*D/H - 1")
    expect_close(impl.merge_heads(heads), x, "merge_heads(split_heads(x))")


@pytest.mark.points(2)
def test_multi_head_attention_matches_pytorch(impl):
    ref = _torch_mha(16, 4, seed=10)
    mha = impl.MultiHeadAttention(16, 4)
    mha.load_state_dict(_mha_state_dict(ref))
    x = _randn(2, 5, 16, seed=6)
    out, w = mha(x)
    with torch.no_grad():
        ref_out, ref_w = ref(x, x, x, need_weights=True, average_attn_weights=False)
    expect_tensor(w, "per-head weights", shape=(2, 4, 5, 5))
    expect_close(out, ref_out, "output vs torch.nn.MultiheadAttention",
                 hint="project, split the heads, attend, merge the heads, project")
    expect_close(w, ref_w, "per-head weights vs torch.nn.MultiheadAttention")


@pytest.mark.points(1)
def test_mask_and_is_causal_together_is_a_value_error(impl):
    q = _randn(4, 8)
    with expect_raises(ValueError, "scaled_dot_product_attention(mask=..., is_causal=True)",
                       arg=("mask", "is_causal")):
        impl.scaled_dot_product_attention(q, q, q, torch.ones(4, 4, dtype=torch.bool), is_causal=True)


@pytest.mark.points(1)
def test_d_model_not_divisible_by_heads_is_a_value_error(impl):
    with expect_raises(ValueError, "MultiHeadAttention(10, 3)", arg=("d_model", "n_heads")):
        impl.MultiHeadAttention(10, 3)
