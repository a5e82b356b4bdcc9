"""Accepts an odd d_model and silently drops the last cosine column instead of raising ValueError."""
from solutions.positional_encoding import *
from solutions.positional_encoding import sinusoidal_positional_encoding as _reference


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if isinstance(d_model, int) and d_model % 2 == 1 and d_model > 1:
        return _reference(max_len, d_model + 1, base)[:, :d_model]
    return _reference(max_len, d_model, base)
