"""Causal mask aligned at the bottom-right corner (j <= i + S - L) when L != S."""

from graders.mutants.flash_attention._common import forward_mutant

globals().update(forward_mutant(
    ('        hi = tl.minimum(S, start_m + BLOCK_M)\n',
     '        hi = tl.minimum(S, tl.maximum(start_m + BLOCK_M + S - L, 1))\n'),
    ('keep & (cols[None, :] <= offs_m[:, None])',
     'keep & (cols[None, :] <= offs_m[:, None] + (S - L))')
))
