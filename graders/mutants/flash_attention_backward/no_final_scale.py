"""dq and dk are not multiplied by scale (ds is the gradient of the scaled scores)."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("    dk = dk * scale\n", ""),
    ("    dq = dq * scale\n", ""),
))
