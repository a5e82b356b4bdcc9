"""Hidden graders for flash_attention_backward.

On the CPU the kernels run through Triton's interpreter (small sizes); on a CUDA GPU the
same tests run on the compiled kernels, plus the throughput tests (bf16 and fp16,
(4, 16, 4096, 64) and (2, 16, 4096, 128), causal and not, against the backward pass of
PyTorch's SDPA flash backend timed in the same run). Expected values: float64 attention
and autograd (``graders.attention_reference``); gradients within ``grad_tolerance`` (the
dtype's tolerance with ``atol`` scaled by the largest expected gradient).
"""

import math

import pytest
import torch

from graders.attention_reference import attention_with_grads, row_logsumexp
from kit.attention_checks import expect_gradients, random_attention_inputs
from kit.checks import expect_close, expect_raises, expect_tensor
from kit.perf import attention_backward_flops, check_throughput, device_name, sdpa, sdpa_backward
from kit.remote import call_with_grad, count_torch_ops, inspect_call, run_kit

pytestmark = pytest.mark.triton

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
F32, F16, BF16 = torch.float32, torch.float16, torch.bfloat16

DELTA = ("through the softmax: ds = p * (dp - delta) with delta_i = sum_d do_id * out_id "
         "(the given _delta_kernel); without delta the gradients of q and k are wrong")
LSE = ("recompute p = exp2(s * qk_scale - lse * log2(e)): the saved lse is a natural log, "
       "the scores are in the log2 domain")
SCALE = ("ds is the gradient of the scaled scores: multiply the finished dq and dk by scale "
         "(not qk_scale); dv has no scale")
CAUSAL = ("causal: query i sees key j when j <= i (top-left aligned); in _dkdv_kernel start "
          "at the query block holding start_n and mask above the diagonal, in _dq_kernel stop "
          "at the block's last query")
LOWP = ("accumulate dq, dk, dv in float32; cast p and ds to the input dtype only as "
        "operands of tl.dot, the gradients only at the store")
MASK = ("load the query rows past L and the key rows past S masked, with other=0.0, and give "
        "the missing keys -inf scores (a zero key still gets p = exp(0 - lse) > 0)")


def make_inputs(B, H, L, S, D, dtype=F32, seed=0, spread=1.0):
    """q, k, v and an output gradient, on the test device."""
    return random_attention_inputs(B, H, L, S, D, dtype=dtype, seed=seed, spread=spread,
                                   device=DEVICE, grad_out=True)


def backward_of(impl, q, k, v, do, what, **kwargs):
    """(got, expected): flash_attention_backward from the exact out and lse, and float64."""
    ref = attention_with_grads(q, k, v, do, **kwargs)
    got = impl.flash_attention_backward(do, q, k, v, ref["out"].to(DEVICE), ref["lse"].to(DEVICE),
                                        **kwargs)
    assert isinstance(got, (tuple, list)) and len(got) == 3, (
        f"{what} should return a tuple (dq, dk, dv), got {type(got).__name__}")
    for name, grad, like in zip(("dq", "dk", "dv"), got, (q, k, v)):
        expect_tensor(grad, f"{name} of {what}", shape=tuple(like.shape), dtype=like.dtype,
                      device=like.device.type)
    return got, ref


def check_backward(impl, q, k, v, do, what, hint=None, **kwargs):
    got, ref = backward_of(impl, q, k, v, do, what, **kwargs)
    expect_gradients(got, ref, what, hint=hint)
    return got


# --------------------------------------------------------------------------- values

CASES = [
    # (B, H, L, S, D, causal, dtype, label, hint)
    (2, 3, 64, 64, 16, False, F32, "block-aligned lengths", DELTA),
    (1, 2, 256, 256, 64, False, F32, "several blocks", DELTA),
    (1, 2, 256, 256, 64, True, F32, "causal, several blocks", CAUSAL),
    (2, 2, 100, 100, 32, True, F32, "causal, ragged length", MASK),
    (1, 2, 77, 200, 32, False, F32, "L < S", MASK),
    (1, 2, 200, 77, 32, False, F32, "L > S", MASK),
    (1, 2, 77, 200, 64, True, F32, "causal, L < S", CAUSAL),
    (1, 2, 200, 77, 16, True, F32, "causal, L > S", CAUSAL),
    (1, 1, 1, 1, 16, True, F32, "one query, one key", None),
    (1, 1, 64, 96, 128, True, F32, "D = 128", None),
    (1, 2, 1, 256, 64, False, F16, "one query, many keys (fp16)", LOWP),
    (1, 2, 130, 130, 64, True, F16, "fp16, causal", LOWP),
    (3, 1, 33, 33, 32, True, F16, "fp16, three sequences", LOWP),
    (1, 2, 130, 130, 64, True, BF16, "bf16, causal", LOWP),
    (1, 2, 160, 96, 32, False, BF16, "bf16, L > S", LOWP),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("B,H,L,S,D,causal,dtype,label,hint", CASES, ids=[c[7] for c in CASES])
def test_matches_autograd(impl, B, H, L, S, D, causal, dtype, label, hint):
    q, k, v, do = make_inputs(B, H, L, S, D, dtype=dtype, seed=L * 7 + S)
    check_backward(impl, q, k, v, do, f"flash_attention_backward({label}; B={B}, H={H}, L={L}, "
                   f"S={S}, D={D}, {dtype}, is_causal={causal})", hint=hint, is_causal=causal)


@pytest.mark.points(1)
@pytest.mark.parametrize("scale,causal", [(0.5, True), (0.0, True), (-0.3, False), (2, True)],
                         ids=["0.5 causal", "zero causal", "negative", "int 2 causal"])
def test_explicit_scale(impl, scale, causal):
    q, k, v, do = make_inputs(1, 2, 70, 90, 32, seed=11)
    check_backward(impl, q, k, v, do, f"flash_attention_backward(scale={scale!r}, "
                   f"is_causal={causal})", hint=SCALE + ("; mask after scaling (-inf times a "
                                                         "negative scale is +inf)"
                                                         if scale < 0 else ""),
                   scale=scale, is_causal=causal)


@pytest.mark.points(1)
def test_value_gradient_needs_no_delta(impl):
    # dv = p^T do only: right dv with wrong dq/dk points at delta or the scale.
    q, k, v, do = make_inputs(1, 2, 90, 90, 32, seed=12)
    got, ref = backward_of(impl, q, k, v, do, "flash_attention_backward")
    expect_gradients(got, ref, "flash_attention_backward", hint=LSE, names=("dv",))


@pytest.mark.points(1)
def test_keys_after_every_query_get_zero_gradients(impl):
    # Causal with L < S: keys L..S-1 come after every query; no query sees them.
    q, k, v, do = make_inputs(1, 2, 40, 130, 32, seed=13)
    _, dk, dv = impl.flash_attention_backward(
        do, q, k, v, *_exact_out_lse(q, k, v, is_causal=True), is_causal=True)
    for name, grad in (("dk", dk), ("dv", dv)):
        expect_tensor(grad, name, shape=tuple(k.shape), dtype=k.dtype)
        expect_close(grad[:, :, 40:], torch.zeros(1, 2, 90, 32),
                     f"{name} of the keys 40..129, which no query sees (causal, L=40, S=130)",
                     hint=CAUSAL)


@pytest.mark.points(1)
def test_large_scores_use_the_saved_lse(impl):
    # Scores up to ~150 (scale 1): exp of them overflows float32; exp(s - lse) does not.
    q, k, v, do = make_inputs(1, 2, 64, 96, 32, dtype=F16, seed=14, spread=3.0)
    check_backward(impl, q, k, v, do, "flash_attention_backward(scores up to ~150, scale=1)",
                   hint=LSE, scale=1.0)


@pytest.mark.points(1)
@pytest.mark.parametrize("scale,causal,dtype", [(-0.3, True, F32), (-0.3, False, BF16),
                                                (0.5, True, F16)],
                         ids=["negative causal", "negative bf16", "causal fp16"])
def test_large_scores_with_masks_and_negative_scales(impl, scale, causal, dtype):
    # Scaled scores span a few hundred: a masked (future or missing) key's score can be far
    # above its row's lse, so exp2 of it is inf; it must be -inf before exp2, not zeroed after.
    q, k, v, do = make_inputs(1, 2, 70, 90, 32, dtype=dtype, seed=15, spread=4.0)
    check_backward(impl, q, k, v, do, f"flash_attention_backward(scale={scale}, large scores, "
                   f"is_causal={causal}, {dtype})",
                   hint=MASK + "; mask after scaling and before exp2 (inf * 0 is NaN)",
                   scale=scale, is_causal=causal)


@pytest.mark.points(1)
def test_value_gradient_sums_many_queries_in_float32(impl):
    # One key, so p = 1 for every query and dv is the sum of all 4096 output gradients:
    # 20000 from the first query, 0.05 from each of the others (about 20205 in all). A
    # float16 running sum (ulp 16 near 20000) drops every block's share of the small ones
    # (under half an ulp for any block of up to 128 queries): about 1 % too small.
    q = torch.zeros(1, 1, 4096, 16, dtype=F16, device=DEVICE)
    k = torch.ones(1, 1, 1, 16, dtype=F16, device=DEVICE)
    v = torch.ones(1, 1, 1, 16, dtype=F16, device=DEVICE)
    do = torch.full((1, 1, 4096, 16), 0.05, dtype=F16, device=DEVICE)
    do[:, :, 0] = 20000.0
    check_backward(impl, q, k, v, do, "flash_attention_backward(fp16, one key, 4096 queries)",
                   hint=LOWP)


@pytest.mark.points(1)
def test_inputs_are_not_modified(impl):
    q, k, v, do = make_inputs(1, 2, 40, 50, 16, seed=16)
    out, lse = _exact_out_lse(q, k, v, is_causal=True, scale=0.25)
    names = ("grad_out", "q", "k", "v", "out", "lse")
    _, changed = inspect_call(impl.flash_attention_backward, do, q, k, v, out, lse, is_causal=True,
                              scale=0.25)
    assert not changed, ("flash_attention_backward modified its input(s) "
                         f"{', '.join(names[i] for i in sorted(changed))}")


@pytest.mark.points(1)
def test_non_contiguous_inputs(impl):
    # Views of (B, L, H, D) tensors, and the output gradient autograd gives for out.sum():
    # a single 1 expanded (every stride 0).
    g = torch.Generator().manual_seed(17)
    q, k, v = (torch.randn(2, n, 3, 32, generator=g).to(DEVICE).transpose(1, 2)
               for n in (70, 90, 90))
    for label, do in (("transposed", torch.randn(2, 70, 3, 32, generator=g).to(DEVICE)
                       .transpose(1, 2)),
                      ("expanded", torch.ones(1, 1, 1, 1, device=DEVICE).expand(2, 3, 70, 32))):
        check_backward(impl, q, k, v, do, f"flash_attention_backward(transposed q, k, v; "
                       f"{label} grad_out)", is_causal=True,
                       hint="use the strides the launcher passes; do not assume contiguous "
                            "(B, H, L, D) inputs")


@pytest.mark.points(1)
def test_no_keys_gives_zero_gradients(impl):
    q, _, _, do = make_inputs(1, 2, 5, 1, 16)
    k = torch.zeros(1, 2, 0, 16, device=DEVICE)
    out = torch.zeros_like(q)
    lse = torch.full((1, 2, 5), float("-inf"), device=DEVICE)
    dq, dk, dv = impl.flash_attention_backward(do, q, k, k.clone(), out, lse)
    expect_tensor(dk, "dk with S = 0", shape=(1, 2, 0, 16), dtype=q.dtype)
    expect_tensor(dv, "dv with S = 0", shape=(1, 2, 0, 16), dtype=q.dtype)
    expect_close(dq, torch.zeros(1, 2, 5, 16), "dq with S = 0",
                 hint="with no keys the output is zeros whatever q is: dq is zeros (do not "
                      "launch the kernels)")


@pytest.mark.points(1)
def test_no_queries_gives_zero_key_gradients(impl):
    _, k, v, _ = make_inputs(2, 3, 1, 7, 32)
    q = torch.zeros(2, 3, 0, 32, device=DEVICE)
    lse = torch.zeros(2, 3, 0, device=DEVICE)
    dq, dk, dv = impl.flash_attention_backward(q.clone(), q, k, v, q.clone(), lse, is_causal=True)
    expect_tensor(dq, "dq with L = 0", shape=(2, 3, 0, 32), dtype=q.dtype)
    for name, grad in (("dk", dk), ("dv", dv)):
        expect_close(grad, torch.zeros(2, 3, 7, 32), f"{name} with L = 0",
                     hint="no query, no output, no gradient: zeros of k's shape")


COMPUTE_OPS = {"mm", "bmm", "matmul", "baddbmm", "addmm", "einsum", "mul", "div", "add", "sub",
               "exp", "exp2", "softmax", "_softmax", "_softmax_backward_data", "amax", "max",
               "sum", "where", "masked_fill", "tril", "triu", "linear", "logsumexp", "dot",
               "mv", "tensordot"}


@pytest.mark.feedback
def test_the_kernels_do_the_work(impl):
    q, k, v, do = make_inputs(1, 1, 40, 40, 16, seed=18)
    for kwargs in ({"is_causal": False}, {"is_causal": True, "scale": 0.3}):
        out, lse = _exact_out_lse(q, k, v, **kwargs)
        ops = count_torch_ops(impl.flash_attention_backward, do, q, k, v, out, lse, **kwargs)
        used = sorted(op for op in ops if op in COMPUTE_OPS or "scaled_dot_product" in op)
        assert not used, (f"flash_attention_backward({kwargs}) called PyTorch's {used}: the "
                          "gradients must be computed by the Triton kernels")


@pytest.mark.slow
@pytest.mark.points(2)
@pytest.mark.parametrize("L,S,causal,dtype", [(512, 512, True, F16), (384, 640, False, BF16)],
                         ids=["512 causal fp16", "384x640 bf16"])
def test_longer_sequences(impl, L, S, causal, dtype):
    q, k, v, do = make_inputs(1, 2, L, S, 64, dtype=dtype, seed=19)
    check_backward(impl, q, k, v, do, f"flash_attention_backward(L={L}, S={S}, {dtype}, "
                   f"is_causal={causal})", hint=DELTA, is_causal=causal)


def _exact_out_lse(q, k, v, **kwargs):
    ref = attention_with_grads(q, k, v, **kwargs)
    return ref["out"].to(DEVICE), ref["lse"].to(DEVICE)


# --------------------------------------------------------------------------- autograd


@pytest.mark.points(1)
@pytest.mark.parametrize("causal,scale,dtype", [(False, 0.5, F32), (True, None, F16)],
                         ids=["full, scale 0.5", "causal fp16"])
def test_forward_saves_the_log_sum_exp(impl, causal, scale, dtype):
    q, k, v, _ = make_inputs(2, 2, 100, 60, 64, dtype=dtype, seed=24)
    out, lse = impl.flash_attention_forward(q, k, v, is_causal=causal, scale=scale)
    ref = attention_with_grads(q, k, v, is_causal=causal, scale=scale)
    expect_tensor(lse, "lse of flash_attention_forward", shape=(2, 2, 100), dtype=torch.float32)
    expect_close(lse, ref["lse"], f"lse of flash_attention_forward(is_causal={causal}, "
                 f"scale={scale}, {dtype})",
                 hint="the lse store the flash_attention stub gives (after its output store) computes "
                      "(m_i + log2(l_i)) * ln(2): it needs m_i as the running max of the "
                      "log2-domain scores (q . k * qk_scale) and l_i as the sum of exp2(s - m_i), "
                      "as the stub's TODOs describe")


@pytest.mark.points(2)
@pytest.mark.parametrize("causal,scale,dtype", [(False, None, F32), (True, 0.2, F32),
                                                (True, None, F16)],
                         ids=["full", "causal, scale 0.2", "causal fp16"])
def test_autograd_matches(impl, causal, scale, dtype):
    q, k, v, _ = make_inputs(2, 2, 70, 60, 32, dtype=dtype, seed=20)
    out, grads = call_with_grad(impl.flash_attention, q, k, v, is_causal=causal, scale=scale,
                                wrt=(0, 1, 2))
    ref = attention_with_grads(q, k, v, torch.ones(q.shape), is_causal=causal, scale=scale)
    expect_close(out, ref["out"], f"flash_attention(is_causal={causal}, scale={scale})",
                 hint="FlashAttentionFunction.forward returns the output of "
                      "flash_attention_forward")
    expect_gradients(grads, ref, f"out.sum().backward() (is_causal={causal}, scale={scale})",
                     hint="forward saves q, k, v, out, lse and the settings on ctx; backward "
                          "passes them all to flash_attention_backward and returns "
                          "(dq, dk, dv, None, None) in that order (when the tests of "
                          "flash_attention_backward itself fail too, fix the kernels first)")


@pytest.mark.feedback
def test_autograd_saves_no_score_matrix(impl):
    # What autograd keeps for the backward pass: q, k, v, out (L*D or S*D each) and lse
    # (L); never anything of L * S elements.
    q, k, v, _ = make_inputs(1, 1, 128, 160, 16, seed=21)
    sizes = run_kit(impl, "kit.attention_checks:saved_tensor_sizes", impl.flash_attention,
                    q, k, v, is_causal=True)
    biggest = max(sizes, default=0)
    assert sizes, ("flash_attention saved nothing for the backward pass: "
                   "FlashAttentionFunction.forward must ctx.save_for_backward(q, k, v, out, lse)")
    assert biggest < 128 * 160, (
        f"flash_attention saved a tensor of {biggest} elements for the backward pass (the "
        f"score matrix has 128 * 160 = {128 * 160}): save q, k, v, out and lse, and let the "
        "backward kernels recompute p")


# --------------------------------------------------------------------------- errors


@pytest.mark.points(1)
def test_non_tensor_is_a_type_error(impl):
    q, k, v, do = make_inputs(1, 1, 4, 4, 16)
    out, lse = _exact_out_lse(q, k, v)
    for name, args in (("grad_out", (do.tolist(), q, k, v, out, lse)),
                       ("k", (do, q, None, v, out, lse)),
                       ("lse", (do, q, k, v, out, lse.tolist()))):
        with expect_raises(TypeError, f"flash_attention_backward({name} not a tensor)",
                           arg=name):
            impl.flash_attention_backward(*args)


@pytest.mark.points(1)
def test_mismatched_shapes_are_value_errors(impl):
    q, k, v, do = make_inputs(1, 2, 6, 8, 16)
    out, lse = _exact_out_lse(q, k, v)
    for name, args in (("grad_out", (do[:, :, :5], q, k, v, out, lse)),
                       ("out", (do, q, k, v, out[:, :1], lse)),
                       ("lse", (do, q, k, v, out, lse[..., :5])),
                       ("v", (do, q, k, v[:, :, :7], out, lse))):
        with expect_raises(ValueError, f"flash_attention_backward({name} of the wrong shape)",
                           arg=name):
            impl.flash_attention_backward(*args)


@pytest.mark.points(1)
def test_mismatched_dtypes_are_type_errors(impl):
    q, k, v, do = make_inputs(1, 1, 4, 4, 16)
    out, lse = _exact_out_lse(q, k, v)
    for name, args in (("grad_out", (do.half(), q, k, v, out, lse)),
                       ("lse", (do, q, k, v, out, lse.double()))):
        with expect_raises(TypeError, f"flash_attention_backward({name} of another dtype)",
                           arg=name):
            impl.flash_attention_backward(*args)


@pytest.mark.points(1)
def test_bad_settings(impl):
    q, k, v, do = make_inputs(1, 1, 4, 4, 16)
    out, lse = _exact_out_lse(q, k, v)
    with expect_raises(TypeError, "flash_attention_backward(is_causal=1)", arg="is_causal"):
        impl.flash_attention_backward(do, q, k, v, out, lse, is_causal=1)
    with expect_raises(ValueError, "flash_attention_backward(scale=nan)", arg="scale"):
        impl.flash_attention_backward(do, q, k, v, out, lse, scale=math.nan)


# --------------------------------------------------------------------------- GPU


LARGE_CASES = [  # L * S >= 2**20: the sizes where a kernel may switch to its tuned path
    (1100, 1100, False, BF16, 64), (1100, 1100, True, F16, 64), (1500, 1040, True, BF16, 128),
    (1040, 1500, False, F16, 128),
]


@pytest.mark.gpu
@pytest.mark.points(1)
@pytest.mark.parametrize("L,S,causal,dtype,D", LARGE_CASES,
                         ids=[f"{c[0]}x{c[1]}-D{c[4]}-{str(c[3])[6:]}-{'causal' if c[2] else 'full'}"
                              for c in LARGE_CASES])
def test_large_ragged_lengths_on_the_gpu(impl, L, S, causal, dtype, D):
    q, k, v, do = make_inputs(1, 2, L, S, D, dtype=dtype, seed=22)
    leaves = [t.float().requires_grad_() for t in (q, k, v)]
    out = torch.nn.functional.scaled_dot_product_attention(*leaves, is_causal=causal)
    ref = dict(zip(("dq", "dk", "dv"), (g.to(dtype) for g in
                                         torch.autograd.grad(out, leaves, do.float()))))
    got = impl.flash_attention_backward(do, q, k, v, out.detach().to(dtype),
                                        row_logsumexp(q, k, is_causal=causal), is_causal=causal)
    expect_gradients(got, ref, f"flash_attention_backward L={L} S={S} D={D} {dtype}", hint=MASK)


@pytest.mark.gpu
@pytest.mark.points(1)
def test_mismatched_devices_is_a_value_error(impl):
    q, k, v, do = make_inputs(1, 1, 4, 4, 16)
    out, lse = _exact_out_lse(q, k, v)
    with expect_raises(ValueError, "flash_attention_backward(lse on the CPU)", arg="lse"):
        impl.flash_attention_backward(do, q, k, v, out, lse.cpu())


PERF_CASES = [(shape, dtype, causal) for shape in [(4, 16, 4096, 64), (2, 16, 4096, 128)]
              for dtype in (BF16, F16) for causal in (False, True)]
PERF_IDS = ["x".join(map(str, shape)) + f"-{str(dtype)[6:]}-{'causal' if causal else 'full'}"
            for shape, dtype, causal in PERF_CASES]


@pytest.mark.gpu
@pytest.mark.perf
@pytest.mark.points(2)
@pytest.mark.timeout(300)
@pytest.mark.parametrize("shape,dtype,causal", PERF_CASES, ids=PERF_IDS)
def test_throughput_vs_sdpa_flash_backward(impl, record_perf, shape, dtype, causal):
    B, H, L, D = shape
    try:
        sdpa("flash")(*(torch.randn(1, 1, 128, D, device="cuda", dtype=dtype) for _ in range(3)))
    except RuntimeError as exc:
        pytest.skip(f"PyTorch's SDPA flash backend does not run on {device_name()}: {exc}")
    what = f"flash_attention_backward {dtype} {shape} {'causal' if causal else 'non-causal'}"
    check_throughput(impl.flash_attention_backward, sdpa_backward("flash"),
                     "kit.perf_inputs:attention_backward_inputs",
                     {"shape": list(shape), "dtype": str(dtype).removeprefix("torch."),
                      "device": "cuda", "is_causal": causal},
                     target_name="flash_attention_backward_vs_sdpa_flash", record=record_perf,
                     work=attention_backward_flops(B, H, L, L, D, causal) / 1e12, what=what)
