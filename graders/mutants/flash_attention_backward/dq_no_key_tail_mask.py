"""The dq kernel loads the keys past S as zeros but does not give them -inf scores."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("        keep = cols[None, :] < S\n        if IS_CAUSAL:\n            keep = keep & (cols[None, :] <= offs_m[:, None])\n",
     "        keep = cols[None, :] >= 0\n        if IS_CAUSAL:\n            keep = keep & (cols[None, :] <= offs_m[:, None])\n"),
))
