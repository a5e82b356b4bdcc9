"""Shared parts of the flash_attention and flash_attention_backward wrong
implementations (not a mutant itself).

A mutant is a *completed stub* -- the exercise's stub with its TODOs filled in the plain
way a student would, the code the stub gives untouched -- with one mistake put back as
exact text replacements, so a mutant file shows just its mistake. The completed stubs
double as a check of the stubs' given code (launchers, the lse store, the autograd
wiring): ``graders/selftests/test_flash_completed_stubs.py`` runs the graders on them.
"""
import sys
import types

from graders.mutants._edits import BUILD, apply_edits, import_source, names_of, write_module
from graders.mutants._edits import ROOT as _ROOT

_BUILD = BUILD / "flash-completed"
_PACKAGE = "kit_flash_completed_stubs"


# --------------------------------------------------------------------------- completed stubs
# Each completion is an exact text replacement: a change to a stub's TODO text fails
# loudly here instead of drifting.

_FORWARD_LOOP = '''    hi = S
    if IS_CAUSAL:
        hi = tl.minimum(S, start_m + BLOCK_M)
    for start_n in tl.range(0, hi, BLOCK_N):
        cols = start_n + offs_n
        k = tl.load(k_ptrs + start_n * stride_kn, mask=cols[:, None] < S, other=0.0)
        s = tl.dot(q, tl.trans(k), input_precision=DOT_PRECISION) * qk_scale
        keep = cols[None, :] < S
        if IS_CAUSAL:
            keep = keep & (cols[None, :] <= offs_m[:, None])
        s = tl.where(keep, s, float("-inf"))
        m_new = tl.maximum(m_i, tl.max(s, 1))
        p = tl.math.exp2(s - m_new[:, None])
        alpha = tl.math.exp2(m_i - m_new)
        l_i = l_i * alpha + tl.sum(p, 1)
        acc = acc * alpha[:, None]
        v = tl.load(v_ptrs + start_n * stride_vn, mask=cols[:, None] < S, other=0.0)
        acc = tl.dot(p.to(v.dtype), v, acc, input_precision=DOT_PRECISION)
        m_i = m_new
    acc = acc / l_i[:, None]
'''

_FORWARD_PYTHON = '''    from solutions.flash_attention import _check_inputs

    _check_inputs(q, k, v, is_causal, scale)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    if k.shape[2] == 0:
        return torch.zeros_like(q)
    out = torch.empty_like(q)
    if out.numel():
        _launch(q, k, v, out, is_causal=is_causal, scale=scale)
    return out
'''

_DKDV_LOOP = '''    lo = 0
    if IS_CAUSAL:
        lo = (start_n // BLOCK_M) * BLOCK_M
    for start_m in tl.range(lo, L, BLOCK_M):
        rows = start_m + offs_m
        q = tl.load(q_ptrs + start_m * stride_qm, mask=rows[:, None] < L, other=0.0)
        do = tl.load(do_ptrs + start_m * stride_dm, mask=rows[:, None] < L, other=0.0)
        lse2 = tl.load(lse_ptr + rows, mask=rows < L, other=0.0) * 1.4426950408889634
        delta = tl.load(delta_ptr + rows, mask=rows < L, other=0.0)
        s_t = tl.dot(k, tl.trans(q), input_precision=DOT_PRECISION) * qk_scale
        keep = offs_n[:, None] < S
        if IS_CAUSAL:
            keep = keep & (offs_n[:, None] <= rows[None, :])
        s_t = tl.where(keep, s_t, float("-inf"))
        p_t = tl.math.exp2(s_t - lse2[None, :])
        dv = tl.dot(p_t.to(do.dtype), do, dv, input_precision=DOT_PRECISION)
        dp_t = tl.dot(v, tl.trans(do), input_precision=DOT_PRECISION)
        ds_t = p_t * (dp_t - delta[None, :])
        dk = tl.dot(ds_t.to(q.dtype), q, dk, input_precision=DOT_PRECISION)
    dk = dk * scale
'''

_DQ_LOOP = '''    hi = S
    if IS_CAUSAL:
        hi = tl.minimum(S, start_m + BLOCK_M)
    for start_n in tl.range(0, hi, BLOCK_N):
        cols = start_n + offs_n
        k = tl.load(k_ptrs + start_n * stride_kn, mask=cols[:, None] < S, other=0.0)
        v = tl.load(v_ptrs + start_n * stride_vn, mask=cols[:, None] < S, other=0.0)
        s = tl.dot(q, tl.trans(k), input_precision=DOT_PRECISION) * qk_scale
        keep = cols[None, :] < S
        if IS_CAUSAL:
            keep = keep & (cols[None, :] <= offs_m[:, None])
        s = tl.where(keep, s, float("-inf"))
        p = tl.math.exp2(s - lse2[:, None])
        dp = tl.dot(do, tl.trans(v), input_precision=DOT_PRECISION)
        ds = p * (dp - delta[:, None])
        dq = tl.dot(ds.to(k.dtype), k, dq, input_precision=DOT_PRECISION)
    dq = dq * scale
'''

_BACKWARD_PYTHON = '''    _check_backward_inputs(grad_out, q, k, v, out, lse, is_causal, scale)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    if q.shape[0] * q.shape[1] * q.shape[2] == 0 or k.shape[2] == 0:
        return torch.zeros_like(q), torch.zeros_like(k), torch.zeros_like(v)
    dq, dk, dv = (torch.empty(t.shape, dtype=t.dtype, device=t.device) for t in (q, k, v))
    _launch_backward(grad_out, q, k, v, out, lse, dq, dk, dv, is_causal=is_causal, scale=scale)
    return dq, dk, dv
'''

_FUNCTION_FORWARD = '''        out, lse = flash_attention_forward(q, k, v, is_causal=is_causal, scale=scale)
        ctx.save_for_backward(q, k, v, out, lse)
        ctx.is_causal, ctx.scale = is_causal, scale
        return out
'''

_FUNCTION_BACKWARD = '''        q, k, v, out, lse = ctx.saved_tensors
        dq, dk, dv = flash_attention_backward(grad_out, q, k, v, out, lse,
                                              is_causal=ctx.is_causal, scale=ctx.scale)
        return dq, dk, dv, None, None
'''


def _between(source: str, first: str, last: str, new: str) -> str:
    """Replace the lines from the one starting with ``first`` to the one ending with ``last``."""
    start = source.index(first)
    start = source.rindex("\n", 0, start) + 1
    end = source.index(last, start)
    end = source.index("\n", end + len(last) - 1) + 1
    return source[:start] + new + source[end:]


def completed_forward_stub() -> str:
    """exercises/flash_attention.py with the plain loop and the plain Python function."""
    source = (_ROOT / "exercises" / "flash_attention.py").read_text(encoding="utf-8")
    source = _between(source, "    # ---- TODO 1: the end of the key range.",
                      "# ---- TODO 8: normalise: acc = acc / l_i[:, None].", _FORWARD_LOOP)
    return apply_edits(source, [('    raise NotImplementedError("flash_attention.flash_attention: not '
                           'implemented yet")\n', _FORWARD_PYTHON)], "exercises/flash_attention.py")


def completed_backward_stub() -> str:
    """exercises/flash_attention_backward.py with every TODO filled in the plain way."""
    source = (_ROOT / "exercises" / "flash_attention_backward.py").read_text(encoding="utf-8")
    source = _between(source, "    # ---- TODO 1: the first query block.",
                      "# ---- TODO 8: dk = dk * scale (ds is the gradient of the *scaled* scores).",
                      _DKDV_LOOP)
    source = _between(source, "    # ---- TODO 9: the end of the key range:", "# ---- TODO 13: dq = dq * scale.",
                      _DQ_LOOP)
    source = _between(source, '    raise NotImplementedError("flash_attention_backward.'
                      'flash_attention_backward:', 'not implemented yet")', _BACKWARD_PYTHON)
    source = _between(source, '        raise NotImplementedError("flash_attention_backward.'
                      'FlashAttentionFunction.forward: "', '"not implemented yet")',
                      _FUNCTION_FORWARD)
    return _between(source, '        raise NotImplementedError("flash_attention_backward.'
                    'FlashAttentionFunction.backward: "', '"not implemented yet")',
                    _FUNCTION_BACKWARD)


def load_completed(name: str, source: str) -> types.ModuleType:
    """Import ``source`` as a module of a package that also holds the completed forward
    stub as ``flash_attention`` (so the backward stub's ``from .flash_attention import``
    finds it)."""
    if _PACKAGE not in sys.modules:
        package = types.ModuleType(_PACKAGE)
        package.__path__ = [str(_BUILD)]
        sys.modules[_PACKAGE] = package
    _BUILD.mkdir(parents=True, exist_ok=True)
    write_module(_BUILD / "flash_attention.py", completed_forward_stub())
    return import_source(_PACKAGE, name, source, _BUILD)


def forward_mutant(*edits: tuple[str, str]) -> dict:
    """The names of the completed flash_attention stub with each exact edit applied
    (for a mutant module's ``globals().update(...)``)."""
    return names_of(load_completed("flash_attention_mutant",
                                   apply_edits(completed_forward_stub(), edits, "the completed stub")))


def backward_mutant(*edits: tuple[str, str]) -> dict:
    """The same for the completed flash_attention_backward stub."""
    return names_of(load_completed("flash_attention_backward",
                                   apply_edits(completed_backward_stub(), edits, "the completed stub")))
