"""Causal dq kernel stops before its own diagonal block (keys < start_m only)."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("        hi = tl.minimum(S, start_m + BLOCK_M)\n    for start_n in tl.range(0, hi, BLOCK_N):",
     "        hi = tl.minimum(S, start_m)\n    for start_n in tl.range(0, hi, BLOCK_N):"),
))
