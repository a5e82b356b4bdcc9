"""Ignores special_tokens_mask: [CLS], [SEP] and padding can be selected and replaced."""
from solutions.masking import *
from solutions.masking import mask_tokens as _reference


def mask_tokens(input_ids, *, special_tokens_mask=None, **kwargs):
    return _reference(input_ids, **kwargs)
