"""Causal mask excludes the diagonal: keys j < i instead of j <= i."""
from solutions.flash_attention import *  # noqa: F401,F403

from graders.mutants.flash_attention._common import mutant, run

_kernel = mutant(
    ('keep & (cols[None, :] <= offs_m[:, None])',
     'keep & (cols[None, :] < offs_m[:, None])')
)


def flash_attention(q, k, v, *, is_causal=False, scale=None):
    return run(_kernel, q, k, v, is_causal=is_causal, scale=scale)
