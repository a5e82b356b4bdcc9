"""The scale argument is ignored: scores are always multiplied by 1/sqrt(D)."""
from solutions.flash_attention import *
from solutions.flash_attention import _check_inputs
from solutions.flash_attention import flash_attention as _reference


def flash_attention(q, k, v, *, is_causal=False, scale=None):
    _check_inputs(q, k, v, is_causal, scale)
    return _reference(q, k, v, is_causal=is_causal)  # the mistake: scale dropped
