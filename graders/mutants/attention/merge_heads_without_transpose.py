"""merge_heads reshapes (B, H, L, Dh) straight to (B, L, H*Dh) without moving the head axis back."""
from solutions.attention import *  # noqa: F401,F403


def merge_heads(x):
    if x.dim() != 4:
        raise ValueError(f"x must have shape (B, H, L, Dh), got shape {tuple(x.shape)}")
    B, H, L, Dh = x.shape
    return x.reshape(B, L, H * Dh)
