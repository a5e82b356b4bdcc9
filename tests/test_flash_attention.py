"""Public tests for flash_attention (run: pytest -m flash_attention).

Without a CUDA GPU the kernel runs on CPU tensors through Triton's interpreter (the
kit sets TRITON_INTERPRET=1): small sizes only. With a GPU the same tests run on the
compiled kernel, plus a throughput test against PyTorch's own FlashAttention.
"""

import pytest
import torch
import torch.nn.functional as F

from kit.attention_checks import random_attention_inputs
from kit.checks import expect_close, expect_raises, expect_tensor
from kit.perf import attention_flops, check_throughput, device_name, sdpa
from kit.remote import count_torch_ops

pytestmark = pytest.mark.triton  # every test here needs Triton (Linux)

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"

# The course's long-range example, one token per word or punctuation mark (21 tokens).
JANE = ("Jane , who lives in New York and works as a software engineer , loves exploring "
        "new restaurants in the city").split()


def make_qkv(B, H, L, S, D, dtype=torch.float32, seed=0):
    return random_attention_inputs(B, H, L, S, D, dtype=dtype, seed=seed, device=DEVICE)


def check_against_sdpa(impl, q, k, v, what, hint=None, **kwargs):
    """flash_attention against PyTorch's SDPA in float64 on the CPU, rounded to q's dtype."""
    got = impl.flash_attention(q, k, v, **kwargs)
    expect_tensor(got, what, shape=tuple(q.shape), dtype=q.dtype, device=q.device.type)
    expected = F.scaled_dot_product_attention(*(t.cpu().double() for t in (q, k, v)), **kwargs)
    expect_close(got, expected.to(q.dtype), what, hint=hint)


@pytest.mark.points(2)
def test_course_sentence_causal(impl):
    # A decoder reading the course's sentence: every token attends to itself and the
    # tokens before it.
    q, k, v = make_qkv(1, 2, len(JANE), len(JANE), 16)
    check_against_sdpa(impl, q, k, v, "flash_attention(21 tokens, causal)", is_causal=True,
                       hint="query i attends to keys 0..i (itself included); stop the key "
                            "loop at the block's last query and mask the rest with -inf")


@pytest.mark.points(2)
def test_matches_sdpa_over_several_key_blocks(impl):
    q, k, v = make_qkv(2, 2, 100, 100, 32, seed=1)
    check_against_sdpa(impl, q, k, v, "flash_attention(B=2, H=2, L=S=100, D=32)",
                       hint="when the running max grows, rescale both l and acc by "
                            "exp2(m_old - m_new); mask the keys past S (100 is not a "
                            "multiple of the block)")


@pytest.mark.points(1)
@pytest.mark.parametrize("L,S", [(40, 100), (100, 40)])
def test_causal_when_lengths_differ(impl, L, S):
    q, k, v = make_qkv(1, 2, L, S, 32, seed=2)
    check_against_sdpa(impl, q, k, v, f"flash_attention(L={L}, S={S}, causal)", is_causal=True,
                       hint="causal is aligned at the top-left, as in PyTorch: query i sees "
                            "keys j <= i whatever S - L is")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["fp16", "bf16"])
def test_half_precision(impl, dtype):
    q, k, v = make_qkv(1, 2, 128, 96, 64, dtype=dtype, seed=3)
    check_against_sdpa(impl, q, k, v, f"flash_attention({dtype}, L=128, S=96)",
                       hint="accumulate m, l and acc in float32; cast p to the input dtype "
                            "only for the second tl.dot, and the output at the store")


@pytest.mark.points(1)
def test_explicit_scale(impl):
    q, k, v = make_qkv(1, 2, 64, 80, 16, seed=4)
    check_against_sdpa(impl, q, k, v, "flash_attention(scale=0.5)", scale=0.5,
                       hint="use the given scale instead of 1/sqrt(D); the kernel gets "
                            "scale * log2(e), ready for exp2")


@pytest.mark.points(1)
def test_unsupported_head_dim_is_a_value_error(impl):
    q, k, v = make_qkv(1, 1, 8, 8, 48)
    with expect_raises(ValueError, "flash_attention with D=48 (D is q.shape[-1])",
                       arg="q"):
        impl.flash_attention(q, k, v)


@pytest.mark.points(1)
def test_is_causal_must_be_a_bool(impl):
    # The kit's rule: the message names the argument at fault, e.g. "is_causal must be a
    # bool, got int" (the rest of the wording is yours).
    q, k, v = make_qkv(1, 1, 8, 8, 16)
    with expect_raises(TypeError, "flash_attention(q, k, v, is_causal=1)", arg="is_causal"):
        impl.flash_attention(q, k, v, is_causal=1)


@pytest.mark.feedback
def test_the_kernel_does_the_work(impl):
    q, k, v = make_qkv(1, 1, 40, 40, 16, seed=5)
    ops = count_torch_ops(impl.flash_attention, q, k, v, is_causal=True)
    used = sorted(op for op in ops if op in COMPUTE_OPS or "scaled_dot_product" in op)
    assert not used, (f"flash_attention called PyTorch's {used}: the attention must be computed "
                      "by the Triton kernel (PyTorch only allocates the output)")


COMPUTE_OPS = {"mm", "bmm", "matmul", "baddbmm", "addmm", "einsum", "mul", "div", "add", "sub",
               "exp", "exp2", "softmax", "_softmax", "_safe_softmax", "amax", "max", "sum",
               "where", "masked_fill", "tril", "triu", "linear"}


@pytest.mark.gpu
@pytest.mark.perf
@pytest.mark.points(2)
@pytest.mark.timeout(300)
def test_throughput_vs_pytorch_flash_backend(impl, record_perf):
    B, H, L, D = 4, 16, 4096, 64
    reference = sdpa("flash")
    try:
        reference(*make_qkv(1, 1, 128, 128, D, dtype=torch.bfloat16, seed=6), is_causal=True)
    except RuntimeError as exc:
        pytest.skip(f"PyTorch's SDPA flash backend does not run on {device_name()}: {exc}")
    check_throughput(impl.flash_attention, reference, "kit.perf_inputs:attention_inputs",
                     {"shape": [B, H, L, D], "dtype": "bfloat16", "device": "cuda", "is_causal": True},
                     target_name="flash_attention_vs_sdpa_flash", record=record_perf,
                     work=attention_flops(B, H, L, L, D, causal=True) / 1e12,
                     what="flash_attention bf16 (4, 16, 4096, 64) causal")
