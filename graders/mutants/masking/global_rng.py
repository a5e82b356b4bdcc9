"""Ignores the generator argument and uses PyTorch's global random state: not reproducible."""
from solutions.masking import *
from solutions.masking import mask_tokens as _reference


def mask_tokens(input_ids, *, generator=None, **kwargs):
    return _reference(input_ids, **kwargs)
