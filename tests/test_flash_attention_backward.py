"""Public tests for flash_attention_backward (run: pytest -m flash_attention_backward).

Without a CUDA GPU the kernels run on CPU tensors through Triton's interpreter (the
kit sets TRITON_INTERPRET=1): small sizes only. The expected values are attention and
its autograd gradients in float64 (plain PyTorch, :func:`expected` below); gradients are
compared with ``kit.attention_checks.grad_tolerance`` (the dtype's tolerance, scaled by the largest
gradient). ``flash_attention`` (autograd) also uses your forward kernel from the
``flash_attention`` exercise.
"""

import pytest
import torch

from kit.attention_checks import expect_gradients, random_attention_inputs
from kit.checks import expect_close, expect_raises, expect_tensor
from kit.perf import attention_backward_flops, check_throughput, device_name, sdpa, sdpa_backward
from kit.remote import call_with_grad, count_torch_ops

pytestmark = pytest.mark.triton  # every test here needs Triton (Linux)

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"

# The course's long-range example, one token per word or punctuation mark (21 tokens).
JANE = ("Jane , who lives in New York and works as a software engineer , loves exploring "
        "new restaurants in the city").split()


def make_inputs(B, H, L, S, D, dtype=torch.float32, seed=0):
    """q, k, v and an output gradient, on the test device."""
    return random_attention_inputs(B, H, L, S, D, dtype=dtype, seed=seed, device=DEVICE,
                                   grad_out=True)


def expected(q, k, v, do=None, *, is_causal=False, scale=None):
    """Attention in float64 on the CPU with plain PyTorch, autograd for the gradients: ``out``
    (and with ``do``: ``dq``, ``dk``, ``dv``) rounded to q's dtype, ``lse`` (each row's
    log-sum-exp of the scaled scores) float32."""
    leaves = [t.detach().cpu().double().requires_grad_() for t in (q, k, v)]
    scale = q.shape[-1] ** -0.5 if scale is None else scale
    s = leaves[0] @ leaves[1].transpose(-1, -2) * scale
    if is_causal:
        s = s.masked_fill(torch.ones(s.shape[-2:], dtype=torch.bool).triu(1), float("-inf"))
    out = torch.softmax(s, dim=-1) @ leaves[2]
    ref = {"out": out.detach().to(q.dtype), "lse": s.logsumexp(dim=-1).detach().float()}
    if do is not None:
        grads = torch.autograd.grad(out, leaves, do.detach().cpu().double())
        ref.update(zip(("dq", "dk", "dv"), (grad.to(q.dtype) for grad in grads)))
    return ref


def check_backward(impl, q, k, v, do, what, hint=None, **kwargs):
    """flash_attention_backward from the exact out and lse, against float64 autograd."""
    ref = expected(q, k, v, do, **kwargs)
    out, lse = ref["out"].to(DEVICE), ref["lse"].to(DEVICE)
    got = impl.flash_attention_backward(do, q, k, v, out, lse, **kwargs)
    assert isinstance(got, (tuple, list)) and len(got) == 3, (
        f"{what} should return (dq, dk, dv), got {type(got).__name__}")
    for name, grad, like in zip(("dq", "dk", "dv"), got, (q, k, v)):
        expect_tensor(grad, f"{name} of {what}", shape=tuple(like.shape), dtype=like.dtype,
                      device=like.device.type)
    expect_gradients(got, ref, what, hint=hint)


@pytest.mark.points(2)
def test_worked_example(impl):
    # The docstring's example in the first of 16 dimensions: q = 1, k = [1, 2],
    # v = [10, 20], do = 1, scale 1 -> dq = 1.966, dk = [-1.966, 1.966], dv = [0.269, 0.731].
    q, k, v, do = (torch.zeros(1, 1, n, 16) for n in (1, 2, 2, 1))
    q[..., 0, 0], do[..., 0, 0] = 1.0, 1.0
    k[..., :, 0] = torch.tensor([1.0, 2.0])
    v[..., :, 0] = torch.tensor([10.0, 20.0])
    q, k, v, do = (t.to(DEVICE) for t in (q, k, v, do))
    check_backward(impl, q, k, v, do, "flash_attention_backward(the worked example)", scale=1.0,
                   hint="dv = p^T do; ds = p * (do v^T - delta) with delta = rowsum(do * out); "
                        "dq = scale * ds k; dk = scale * ds^T q")


@pytest.mark.points(2)
def test_course_sentence_causal(impl):
    q, k, v, do = make_inputs(1, 2, len(JANE), len(JANE), 16)
    check_backward(impl, q, k, v, do, "flash_attention_backward(21 tokens, causal)",
                   is_causal=True,
                   hint="query i sees keys j <= i: mask the scores of later keys with -inf "
                        "in both kernels (then p = exp2(-inf) = 0 there)")


@pytest.mark.points(2)
def test_several_blocks_ragged_lengths(impl):
    q, k, v, do = make_inputs(2, 2, 100, 100, 32, seed=1)
    check_backward(impl, q, k, v, do, "flash_attention_backward(B=2, H=2, L=S=100, D=32)",
                   hint="p = exp2(s * qk_scale - lse * log2(e)) uses the saved lse: no max, no "
                        "rescaling; queries past L get -inf scores and add nothing")


@pytest.mark.points(1)
@pytest.mark.parametrize("L,S", [(40, 100), (100, 40)])
def test_causal_when_lengths_differ(impl, L, S):
    q, k, v, do = make_inputs(1, 2, L, S, 32, seed=2)
    check_backward(impl, q, k, v, do, f"flash_attention_backward(L={L}, S={S}, causal)",
                   is_causal=True,
                   hint="causal is top-left aligned as in the forward pass: query i sees keys "
                        "j <= i; keys after the last query get zero gradients")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["fp16", "bf16"])
def test_half_precision(impl, dtype):
    q, k, v, do = make_inputs(1, 2, 96, 128, 64, dtype=dtype, seed=3)
    check_backward(impl, q, k, v, do, f"flash_attention_backward({dtype})",
                   hint="accumulate dq, dk, dv in float32; cast p and ds to the input dtype "
                        "only as operands of tl.dot")


@pytest.mark.points(1)
def test_forward_saves_the_log_sum_exp(impl):
    # flash_attention_forward (given) runs your flash_attention kernel with its lse store.
    q, k, v, _ = make_inputs(1, 2, 70, 90, 32, seed=7)
    out, lse = impl.flash_attention_forward(q, k, v, is_causal=True)
    ref = expected(q, k, v, is_causal=True)
    expect_close(out, ref["out"], "out of flash_attention_forward(causal)",
                 hint="this is your flash_attention kernel: make its own tests pass first")
    expect_close(lse, ref["lse"], "lse of flash_attention_forward(causal)",
                 hint="the lse store the flash_attention stub gives (after its output store) computes "
                      "(m_i + log2(l_i)) * ln(2): it needs m_i as the running max of the "
                      "log2-domain scores (q . k * qk_scale) and l_i as the sum of exp2(s - m_i), "
                      "as the stub's TODOs describe")


@pytest.mark.points(2)
def test_training_through_autograd(impl):
    q, k, v, _ = make_inputs(1, 2, 50, 50, 32, seed=4)
    out, grads = call_with_grad(impl.flash_attention, q, k, v, is_causal=True, wrt=(0, 1, 2))
    ref = expected(q, k, v, torch.ones(q.shape), is_causal=True)
    expect_close(out, ref["out"], "flash_attention(q, k, v, is_causal=True)",
                 hint="FlashAttentionFunction.forward returns the output of "
                      "flash_attention_forward")
    expect_gradients(grads, ref, "out.sum().backward() through flash_attention",
                     hint="save q, k, v, out and lse in forward (ctx.save_for_backward) and "
                          "pass them, with is_causal and scale, to flash_attention_backward "
                          "(when the other tests here fail too, fix the kernels first)")


@pytest.mark.points(1)
def test_lse_of_another_dtype_is_a_type_error(impl):
    # _check_backward_inputs (given) raises it: call it first. Its messages follow the
    # kit's rule: each names the argument at fault.
    q, k, v, do = make_inputs(1, 1, 4, 4, 16)
    ref = expected(q, k, v)
    with expect_raises(TypeError, "flash_attention_backward(..., lse in float64)", arg="lse"):
        impl.flash_attention_backward(do, q, k, v, ref["out"].to(DEVICE),
                                      ref["lse"].double().to(DEVICE))


COMPUTE_OPS = {"mm", "bmm", "matmul", "baddbmm", "addmm", "einsum", "mul", "div", "add", "sub",
               "exp", "exp2", "softmax", "_softmax", "_softmax_backward_data", "amax", "max",
               "sum", "where", "masked_fill", "tril", "triu", "linear", "logsumexp"}


@pytest.mark.feedback
def test_the_kernels_do_the_work(impl):
    q, k, v, do = make_inputs(1, 1, 40, 40, 16, seed=5)
    ref = expected(q, k, v, do, is_causal=True)
    ops = count_torch_ops(impl.flash_attention_backward, do, q, k, v, ref["out"].to(DEVICE),
                          ref["lse"].to(DEVICE), is_causal=True)
    used = sorted(op for op in ops if op in COMPUTE_OPS or "scaled_dot_product" in op)
    assert not used, (f"flash_attention_backward called PyTorch's {used}: the gradients must "
                      "be computed by the Triton kernels (PyTorch only allocates them)")


@pytest.mark.gpu
@pytest.mark.perf
@pytest.mark.points(2)
@pytest.mark.timeout(300)
def test_throughput_vs_pytorch_flash_backward(impl, record_perf):
    B, H, L, D = 4, 16, 4096, 64
    try:
        sdpa("flash")(*make_inputs(1, 1, 128, 128, D, dtype=torch.bfloat16, seed=6)[:3], is_causal=True)
    except RuntimeError as exc:
        pytest.skip(f"PyTorch's SDPA flash backend does not run on {device_name()}: {exc}")
    check_throughput(impl.flash_attention_backward, sdpa_backward("flash"),
                     "kit.perf_inputs:attention_backward_inputs",
                     {"shape": [B, H, L, D], "dtype": "bfloat16", "device": "cuda", "is_causal": True},
                     target_name="flash_attention_backward_vs_sdpa_flash", record=record_perf,
                     work=attention_backward_flops(B, H, L, L, D, causal=True) / 1e12,
                     what="flash_attention_backward bf16 (4, 16, 4096, 64) causal")
