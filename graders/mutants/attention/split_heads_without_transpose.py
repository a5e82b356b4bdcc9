"""split_heads as a plain view(B, H, L, D/H): positions and features get mixed into the heads."""
from solutions.attention import *  # noqa: F401,F403
from solutions.attention import split_heads as _reference_split


def split_heads(x, n_heads):
    _reference_split(x, n_heads)  # the argument checks
    B, L, D = x.shape
    return x.reshape(B, n_heads, L, D // n_heads)


def merge_heads(x):
    if x.dim() != 4:
        raise ValueError(f"x must have shape (B, H, L, Dh), got shape {tuple(x.shape)}")
    B, H, L, Dh = x.shape
    return x.reshape(B, L, H * Dh)
