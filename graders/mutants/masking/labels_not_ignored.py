"""Labels keep the original id everywhere instead of -100 at unselected positions."""
from solutions.masking import *
from solutions.masking import mask_tokens as _reference


def mask_tokens(input_ids, **kwargs):
    masked, _ = _reference(input_ids, **kwargs)
    return masked, input_ids.clone()

