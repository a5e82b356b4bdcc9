"""The dq kernel renormalises p within each key block instead of using the saved lse."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("        p = tl.math.exp2(s - lse2[:, None])\n",
     "        p = tl.math.exp2(s - tl.max(s, 1)[:, None])\n        p = p / tl.sum(p, 1)[:, None]\n"),
))
