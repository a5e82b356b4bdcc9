"""Causal masks exclude the diagonal (key j < query i) in both backward kernels."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("offs_n[:, None] <= rows[None, :]", "offs_n[:, None] < rows[None, :]"),
    ("keep & (cols[None, :] <= offs_m[:, None])", "keep & (cols[None, :] < offs_m[:, None])"),
))
