"""The saved lse (a natural log) is used as if it were in the log2 domain (dk/dv kernel)."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("lse2 = tl.load(lse_ptr + rows, mask=rows < L, other=0.0) * 1.4426950408889634",
     "lse2 = tl.load(lse_ptr + rows, mask=rows < L, other=0.0)"),
))
