"""Hard-codes 10000 and ignores the base argument."""
from solutions.positional_encoding import *  # noqa: F401,F403
from solutions.positional_encoding import sinusoidal_positional_encoding as _reference


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if not isinstance(base, (int, float)) or isinstance(base, bool):
        raise TypeError("base must be a number")
    if not base > 0:
        raise ValueError("base must be positive")
    return _reference(max_len, d_model)
