"""Causal mask aligned at the bottom-right corner (j <= i + S - L) when L != S."""
from solutions.flash_attention import *  # noqa: F401,F403

from graders.mutants.flash_attention._common import mutant, run

_kernel = mutant(
    ('        hi = tl.minimum(S, start_m + BLOCK_M)\n',
     '        hi = tl.minimum(S, tl.maximum(start_m + BLOCK_M + S - L, 1))\n'),
    ('keep & (cols[None, :] <= offs_m[:, None])',
     'keep & (cols[None, :] <= offs_m[:, None] + (S - L))')
)


def flash_attention(q, k, v, *, is_causal=False, scale=None):
    return run(_kernel, q, k, v, is_causal=is_causal, scale=scale)
