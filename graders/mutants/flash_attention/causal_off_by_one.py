"""Causal mask excludes the diagonal: keys j < i instead of j <= i."""

from graders.mutants.flash_attention._common import forward_mutant

globals().update(forward_mutant(
    ('keep & (cols[None, :] <= offs_m[:, None])',
     'keep & (cols[None, :] < offs_m[:, None])')
))
