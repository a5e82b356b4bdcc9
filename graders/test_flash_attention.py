"""Hidden graders for flash_attention.

On the CPU the kernel runs through Triton's interpreter (small sizes); on a CUDA GPU
the same tests run on the compiled kernel, plus the throughput tests (bf16 and fp16,
(4, 16, 4096, 64) and (2, 16, 4096, 128), causal and not, against PyTorch's SDPA flash
backend timed in the same run).
"""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from graders.attention_reference import attention_with_grads
from kit.attention_checks import random_attention_inputs
from kit.checks import expect_close, expect_raises, expect_tensor
from kit.perf import attention_flops, check_throughput, device_name, sdpa
from kit.remote import count_torch_ops, inspect_call

pytestmark = pytest.mark.triton

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
F32, F16, BF16 = torch.float32, torch.float16, torch.bfloat16

RESCALE = ("when the running max grows from m to m_new, multiply both l and acc by "
           "exp2(m - m_new) before adding the new block")
TAIL = ("S is not a multiple of the block: load the missing keys with other=0 and set "
        "their scores to -inf (a score of 0 still gets weight exp2(0 - m))")
CAUSAL = "causal: query i attends to keys j <= i (the diagonal included)"
ALIGN = ("causal with L != S is aligned at the top-left, as in PyTorch's is_causal: query i "
         "sees keys 0..i, whatever S - L is; queries i >= S see every key")
LOWP = ("keep m, l and acc in float32; cast p to the input dtype only for the second "
        "tl.dot and the output only at the store")
SCALE = ("scores are (q . k) * scale with the given scale (1/sqrt(D) only when scale is "
         "None); the kernel works in the log2 domain: exp2 of scores times scale * log2(e)")


def make_qkv(B, H, L, S, D, dtype=F32, seed=0, spread=1.0):
    return random_attention_inputs(B, H, L, S, D, dtype=dtype, seed=seed, spread=spread,
                                   device=DEVICE)


def check_against_sdpa(impl, q, k, v, what, hint=None, **kwargs):
    """flash_attention against attention in float64 (what SDPA computes), rounded to q's dtype."""
    got = impl.flash_attention(q, k, v, **kwargs)
    expect_tensor(got, what, shape=tuple(q.shape), dtype=q.dtype, device=q.device.type)
    expect_close(got, attention_with_grads(q, k, v, **kwargs)["out"], what, hint=hint)
    return got


# --------------------------------------------------------------------------- values

CASES = [
    # (B, H, L, S, D, causal, dtype, label, hint)
    (2, 3, 64, 64, 16, False, F32, "block-aligned lengths", RESCALE),
    (1, 2, 256, 256, 64, False, F32, "several key blocks", RESCALE),
    (1, 2, 256, 256, 64, True, F32, "causal, several key blocks", CAUSAL),
    (2, 2, 100, 100, 32, True, F32, "causal, ragged length", TAIL),
    (1, 2, 77, 200, 32, False, F32, "L < S", TAIL),
    (1, 2, 200, 77, 32, False, F32, "L > S", TAIL),
    (1, 2, 77, 200, 64, True, F32, "causal, L < S", ALIGN),
    (1, 2, 200, 77, 16, True, F32, "causal, L > S", ALIGN),
    (1, 1, 1, 1, 16, True, F32, "one query, one key", None),
    (1, 1, 64, 96, 128, True, F32, "D = 128", None),
    (1, 2, 1, 256, 64, False, F16, "one query, many keys (fp16)", RESCALE),
    (1, 2, 130, 130, 64, True, F16, "fp16, causal", LOWP),
    (1, 2, 96, 160, 32, False, F16, "fp16, L < S", LOWP),
    (3, 1, 33, 33, 32, True, F16, "fp16, three sequences", LOWP),
    (1, 2, 130, 130, 64, True, BF16, "bf16, causal", LOWP),
    (1, 2, 160, 96, 32, False, BF16, "bf16, L > S", LOWP),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("B,H,L,S,D,causal,dtype,label,hint", CASES, ids=[c[7] for c in CASES])
def test_matches_sdpa(impl, B, H, L, S, D, causal, dtype, label, hint):
    q, k, v = make_qkv(B, H, L, S, D, dtype=dtype, seed=L * 7 + S)
    check_against_sdpa(impl, q, k, v, f"flash_attention({label}; B={B}, H={H}, L={L}, S={S}, "
                       f"D={D}, {dtype}, is_causal={causal})", hint=hint, is_causal=causal)


@pytest.mark.points(1)
@pytest.mark.parametrize("scale,causal", [(0.5, True), (0.0, False), (-0.3, False), (2, True)],
                         ids=["0.5 causal", "zero", "negative", "int 2 causal"])
def test_explicit_scale(impl, scale, causal):
    q, k, v = make_qkv(1, 2, 70, 90, 32, seed=11)
    check_against_sdpa(impl, q, k, v, f"flash_attention(scale={scale!r}, is_causal={causal})",
                       hint=SCALE + ("; mask after scaling (-inf * a negative scale is +inf)"
                                     if scale < 0 else ""), scale=scale, is_causal=causal)


@pytest.mark.points(1)
@pytest.mark.parametrize("causal,dtype", [(False, F32), (True, F32), (False, F16), (True, BF16)],
                         ids=["fp32", "fp32 causal", "fp16", "bf16 causal"])
def test_negative_scale_with_large_scores(impl, causal, dtype):
    # Scaled scores span a few hundred: the row max of the *scaled* scores must be
    # subtracted. max(q . k) * scale is the smallest scaled score when scale < 0, and
    # exp2 of the distance from it overflows (the Triton tutorial's loop does this).
    q, k, v = make_qkv(1, 2, 70, 90, 32, dtype=dtype, seed=15, spread=4.0)
    check_against_sdpa(impl, q, k, v, f"flash_attention(scale=-0.3, large scores, "
                       f"is_causal={causal}, {dtype})",
                       hint="take the running max of the scores after scaling: for a negative "
                            "scale the largest q . k gives the smallest scaled score; mask "
                            "with -inf after scaling", scale=-0.3, is_causal=causal)


@pytest.mark.points(1)
def test_first_query_sees_only_the_first_key(impl):
    q, k, v = make_qkv(2, 2, 50, 50, 16, seed=12)
    got = impl.flash_attention(q, k, v, is_causal=True)
    expect_tensor(got, "flash_attention(causal)", shape=tuple(q.shape), dtype=q.dtype)
    expect_close(got[:, :, 0], v[:, :, 0].cpu(), "row 0 of a causal flash_attention",
                 hint="with is_causal the first query attends to key 0 only, so its output is "
                      "v[..., 0, :]; " + CAUSAL)


@pytest.mark.points(1)
def test_causal_output_ignores_the_future(impl):
    q, k, v = make_qkv(1, 2, 120, 120, 32, seed=13)
    before = impl.flash_attention(q, k, v, is_causal=True)
    k2, v2 = k.clone(), v.clone()
    k2[:, :, 60:] = -3 * k2[:, :, 60:].flip(2)
    v2[:, :, 60:] = 100.0
    after = impl.flash_attention(q, k2, v2, is_causal=True)
    expect_tensor(after, "flash_attention(causal)", shape=tuple(q.shape), dtype=q.dtype)
    expect_close(after[:, :, :60], before[:, :, :60],
                 "causal outputs 0..59 after changing keys and values 60..119",
                 hint="changing a later token must not change earlier outputs; " + CAUSAL)


@pytest.mark.points(1)
def test_large_scores_do_not_overflow(impl):
    # Scores reach about +-150: exp (or exp2 of the log2-domain score) of them overflows
    # float32, so the running max must be subtracted before exponentiating.
    q, k, v = make_qkv(1, 2, 64, 96, 32, dtype=F16, seed=14, spread=3.0)
    check_against_sdpa(impl, q, k, v, "flash_attention with scores up to ~150, scale=1",
                       hint="subtract the running max before exp2 (and rescale by exp2 of "
                            "the change when it grows): exp2(150 * log2(e)) is inf",
                       scale=1.0)


@pytest.mark.points(1)
def test_fp16_accumulator_stays_in_range(impl):
    # Uniform attention (q = 0) over 256 values of about 1000: the output is about 1000,
    # but the un-normalised numerator reaches ~256000, beyond float16's 65504.
    q = torch.zeros(1, 2, 64, 32, dtype=F16, device=DEVICE)
    g = torch.Generator().manual_seed(15)
    k = torch.randn(1, 2, 256, 32, generator=g).to(F16).to(DEVICE)
    v = (1000 + torch.randn(1, 2, 256, 32, generator=g)).to(F16).to(DEVICE)
    check_against_sdpa(impl, q, k, v, "flash_attention(fp16 values ~1000, 256 keys)",
                       hint="acc holds sums of up to S weighted values before the final "
                            "division: keep it in float32, not in the input dtype")


@pytest.mark.points(1)
def test_inputs_are_not_modified(impl):
    q, k, v = make_qkv(1, 2, 40, 50, 16, seed=16)
    _, changed = inspect_call(impl.flash_attention, q, k, v, is_causal=True, scale=0.25)
    assert not changed, f"flash_attention modified its input(s) {', '.join('qkv'[i] for i in sorted(changed))}"


@pytest.mark.points(1)
def test_non_contiguous_inputs(impl):
    # q, k, v as views of (B, L, H, D) tensors (the layout a projection gives): strides
    # in any order must work.
    g = torch.Generator().manual_seed(17)
    q = torch.randn(2, 70, 3, 32, generator=g).to(DEVICE).transpose(1, 2)
    k = torch.randn(2, 90, 3, 32, generator=g).to(DEVICE).transpose(1, 2)
    v = torch.randn(2, 90, 3, 32, generator=g).to(DEVICE).transpose(1, 2)
    check_against_sdpa(impl, q, k, v, "flash_attention(transposed views)", is_causal=True,
                       hint="use the tensors' strides (the launcher passes them) instead of "
                            "assuming a contiguous (B, H, L, D) layout")


@pytest.mark.points(1)
def test_no_keys_gives_zeros(impl):
    q, _, _ = make_qkv(1, 2, 5, 1, 16)
    k = torch.zeros(1, 2, 0, 16).to(DEVICE)
    got = impl.flash_attention(q, k, k.clone())
    expect_tensor(got, "flash_attention(S = 0)", shape=(1, 2, 5, 16), dtype=q.dtype)
    expect_close(got, torch.zeros(1, 2, 5, 16), "flash_attention(S = 0)",
                 hint="with no keys the weighted sum is empty: return zeros, as PyTorch's "
                      "scaled_dot_product_attention does (do not launch the kernel)")


@pytest.mark.points(1)
def test_no_queries_gives_an_empty_result(impl):
    _, k, _ = make_qkv(2, 3, 1, 7, 32)
    q = torch.zeros(2, 3, 0, 32).to(DEVICE)
    got = impl.flash_attention(q, k, k.clone(), is_causal=True)
    expect_tensor(got, "flash_attention(L = 0)", shape=(2, 3, 0, 32), dtype=q.dtype,
                  hint="an empty query block gives an empty (B, H, 0, D) result")


@pytest.mark.feedback
def test_the_kernel_does_the_work(impl):
    q, k, v = make_qkv(1, 1, 40, 40, 16, seed=18)
    for kwargs in ({"is_causal": False}, {"is_causal": True, "scale": 0.3}):
        ops = count_torch_ops(impl.flash_attention, q, k, v, **kwargs)
        used = sorted(op for op in ops if op in COMPUTE_OPS or "scaled_dot_product" in op)
        assert not used, (f"flash_attention({kwargs}) called PyTorch's {used}: the attention "
                          "must be computed by the Triton kernel")


COMPUTE_OPS = {"mm", "bmm", "matmul", "baddbmm", "addmm", "einsum", "mul", "div", "add", "sub",
               "exp", "exp2", "softmax", "_softmax", "_safe_softmax", "amax", "max", "sum",
               "where", "masked_fill", "tril", "triu", "linear", "dot", "mv", "tensordot"}


@pytest.mark.slow
@pytest.mark.points(2)
@pytest.mark.parametrize("L,S,causal,dtype", [(512, 512, True, F16), (384, 640, False, BF16)],
                         ids=["512 causal fp16", "384x640 bf16"])
def test_longer_sequences(impl, L, S, causal, dtype):
    q, k, v = make_qkv(1, 4, L, S, 64, dtype=dtype, seed=19)
    check_against_sdpa(impl, q, k, v, f"flash_attention(L={L}, S={S}, {dtype}, "
                       f"is_causal={causal})", hint=RESCALE, is_causal=causal)


# --------------------------------------------------------------------------- errors


@pytest.mark.points(1)
def test_non_tensor_is_a_type_error(impl):
    q, k, v = make_qkv(1, 1, 4, 4, 16)
    with expect_raises(TypeError, "flash_attention(q=list)", arg="q"):
        impl.flash_attention(q.tolist(), k, v)
    with expect_raises(TypeError, "flash_attention(k=numpy array)", arg="k"):
        impl.flash_attention(q, np.zeros((1, 1, 4, 16), dtype=np.float32), v)
    with expect_raises(TypeError, "flash_attention(v=None)", arg="v"):
        impl.flash_attention(q, k, None)


@pytest.mark.points(1)
def test_wrong_rank_is_a_value_error(impl):
    q, k, v = make_qkv(1, 1, 4, 4, 16)
    with expect_raises(ValueError, "flash_attention(3-D q)", arg="q"):
        impl.flash_attention(q[0], k, v)
    with expect_raises(ValueError, "flash_attention(5-D k)", arg="k"):
        impl.flash_attention(q, k[None], v)


@pytest.mark.points(1)
def test_unsupported_dtype_is_a_type_error(impl):
    q, k, v = make_qkv(1, 1, 4, 4, 16)
    with expect_raises(TypeError, "flash_attention(float64 inputs)",
                       arg=("q", "k", "v")):
        impl.flash_attention(q.double(), k.double(), v.double())
    with expect_raises(TypeError, "flash_attention(int64 inputs)", arg=("q", "k", "v")):
        impl.flash_attention(q.long(), k.long(), v.long())


@pytest.mark.points(1)
def test_mismatched_dtypes_is_a_type_error(impl):
    q, k, v = make_qkv(1, 1, 4, 4, 16)
    with expect_raises(TypeError, "flash_attention(float32 q, float16 k and v)",
                       arg=("q", "k", "v")):
        impl.flash_attention(q, k.half(), v.half())
    with expect_raises(TypeError, "flash_attention(float16 q and k, bfloat16 v)",
                       arg=("q", "k", "v")):
        impl.flash_attention(q.half(), k.half(), v.bfloat16())


@pytest.mark.points(1)
@pytest.mark.parametrize("D", [8, 48, 256])
def test_unsupported_head_dim_is_a_value_error(impl, D):
    q, k, v = make_qkv(1, 1, 4, 4, D)
    with expect_raises(ValueError, f"flash_attention(D={D})", arg="q"):
        impl.flash_attention(q, k, v)


@pytest.mark.points(1)
def test_key_shape_mismatch_is_a_value_error(impl):
    q, _, _ = make_qkv(2, 2, 4, 4, 32)
    for label, shape in (("batch", (1, 2, 6, 32)), ("heads", (2, 1, 6, 32)),
                         ("head dim", (2, 2, 6, 64))):
        k = torch.ones(shape).to(DEVICE)
        with expect_raises(ValueError, f"flash_attention(k with another {label} than q)",
                           arg="k"):
            impl.flash_attention(q, k, k.clone())


@pytest.mark.points(1)
def test_value_shape_mismatch_is_a_value_error(impl):
    q, k, _ = make_qkv(1, 2, 4, 6, 32)
    for label, shape in (("length", (1, 2, 5, 32)), ("head dim", (1, 2, 6, 16))):
        with expect_raises(ValueError, f"flash_attention(v with another {label} than k)",
                           arg="v"):
            impl.flash_attention(q, k, torch.ones(shape).to(DEVICE))


@pytest.mark.points(1)
def test_is_causal_must_be_a_bool(impl):
    q, k, v = make_qkv(1, 1, 4, 4, 16)
    for value in (1, "yes", None):
        with expect_raises(TypeError, f"flash_attention(is_causal={value!r})", arg="is_causal"):
            impl.flash_attention(q, k, v, is_causal=value)


@pytest.mark.points(1)
def test_scale_must_be_a_number(impl):
    q, k, v = make_qkv(1, 1, 4, 4, 16)
    for value in ("0.1", True, [0.1]):
        with expect_raises(TypeError, f"flash_attention(scale={value!r})", arg="scale"):
            impl.flash_attention(q, k, v, scale=value)


@pytest.mark.points(1)
def test_scale_must_be_finite(impl):
    q, k, v = make_qkv(1, 1, 4, 4, 16)
    for value in (math.nan, math.inf, -math.inf):
        with expect_raises(ValueError, f"flash_attention(scale={value!r})", arg="scale"):
            impl.flash_attention(q, k, v, scale=value)


@pytest.mark.gpu
@pytest.mark.points(1)
def test_mismatched_devices_is_a_value_error(impl):
    q, k, v = make_qkv(1, 1, 4, 4, 16)
    with expect_raises(ValueError, "flash_attention(q on cuda, k on cpu)",
                       arg=("q", "k", "v")):
        impl.flash_attention(q, k.cpu(), v)


@pytest.mark.gpu
@pytest.mark.points(1)
def test_cpu_tensors_need_the_interpreter(impl):
    q, k, v = make_qkv(1, 1, 4, 4, 16)
    with expect_raises(ValueError, "flash_attention(CPU tensors, compiled kernel)",
                       arg=("q", "k", "v")):
        impl.flash_attention(q.cpu(), k.cpu(), v.cpu())


LARGE_CASES = [  # L * S >= 2**20: the sizes where a kernel may switch to its tuned/TMA path
    (1100, 1100, False, BF16, 64), (1100, 1100, True, F16, 64), (1500, 1040, True, BF16, 128),
    (1040, 1500, False, F16, 128), (1030, 1030, True, BF16, 32),
]


@pytest.mark.gpu
@pytest.mark.points(1)
@pytest.mark.parametrize("L,S,causal,dtype,D", LARGE_CASES,
                         ids=[f"{c[0]}x{c[1]}-D{c[4]}-{str(c[3])[6:]}-{'causal' if c[2] else 'full'}"
                              for c in LARGE_CASES])
def test_large_ragged_lengths_on_the_gpu(impl, L, S, causal, dtype, D):
    """Lengths that are no multiple of any block, at sizes where tuned paths kick in."""
    q, k, v = make_qkv(1, 2, L, S, D, dtype=dtype, seed=11)
    got = impl.flash_attention(q, k, v, is_causal=causal)
    expect_tensor(got, "flash_attention (large, ragged)", shape=tuple(q.shape), dtype=dtype,
                  device="cuda")
    ref = F.scaled_dot_product_attention(q.float(), k.float(), v.float(), is_causal=causal)
    expect_close(got, ref.to(dtype), f"flash_attention L={L} S={S} D={D} {dtype}", hint=TAIL)


# --------------------------------------------------------------------------- speed

PERF_CASES = [(shape, dtype, causal) for shape in [(4, 16, 4096, 64), (2, 16, 4096, 128)]
              for dtype in (BF16, F16) for causal in (False, True)]
PERF_IDS = ["x".join(map(str, shape)) + f"-{str(dtype)[6:]}-{'causal' if causal else 'full'}"
            for shape, dtype, causal in PERF_CASES]


def _sdpa_flash(q, k, v, is_causal):
    from torch.nn.attention import SDPBackend, sdpa_kernel

    with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
        return F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)


@pytest.mark.gpu
@pytest.mark.perf
@pytest.mark.points(2)
@pytest.mark.timeout(300)
@pytest.mark.parametrize("shape,dtype,causal", PERF_CASES, ids=PERF_IDS)
def test_throughput_vs_sdpa_flash(impl, record_perf, shape, dtype, causal):
    B, H, L, D = shape
    reference = sdpa("flash")
    try:
        reference(*(torch.randn(1, 1, 128, D, device="cuda", dtype=dtype) for _ in range(3)))
    except RuntimeError as exc:
        pytest.skip(f"PyTorch's SDPA flash backend does not run on {device_name()}: {exc}")
    what = f"flash_attention {dtype} {shape} {'causal' if causal else 'non-causal'}"
    check_throughput(impl.flash_attention, reference, "kit.perf_inputs:attention_inputs",
                     {"shape": list(shape), "dtype": str(dtype).removeprefix("torch."),
                      "device": "cuda", "is_causal": causal},
                     target_name="flash_attention_vs_sdpa_flash", record=record_perf,
                     work=attention_flops(B, H, L, L, D, causal) / 1e12, what=what)
