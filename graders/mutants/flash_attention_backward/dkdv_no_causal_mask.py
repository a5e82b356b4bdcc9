"""The dk/dv kernel starts at the right query block but does not mask above the diagonal."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("            keep = keep & (offs_n[:, None] <= rows[None, :])\n", "            pass\n"),
))
