"""FlashAttentionFunction.backward returns (dq, dv, dk): the gradients of k and v swapped."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("        return dq, dk, dv, None, None\n", "        return dq, dv, dk, None, None\n"),
))
