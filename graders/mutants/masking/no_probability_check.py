"""Clamps an mlm_probability outside [0, 1] silently instead of raising a clear ValueError."""
from solutions.masking import *  # noqa: F401,F403
from solutions.masking import mask_tokens as _reference


def mask_tokens(input_ids, *, mlm_probability=0.15, **kwargs):
    if isinstance(mlm_probability, (int, float)) and not 0.0 <= mlm_probability <= 1.0:
        clamped = 0.0 if mlm_probability != mlm_probability else min(max(mlm_probability, 0.0), 1.0)
        return _reference(input_ids, mlm_probability=clamped, **kwargs)
    return _reference(input_ids, mlm_probability=mlm_probability, **kwargs)

