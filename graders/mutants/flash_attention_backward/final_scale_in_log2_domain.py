"""dq and dk are multiplied by qk_scale (scale * log2(e)) instead of scale."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("    dk = dk * scale\n", "    dk = dk * qk_scale\n"),
    ("    dq = dq * scale\n", "    dq = dq * qk_scale\n"),
))
