"""FlashAttentionFunction.backward does not pass the scale on (the default 1/sqrt(D) is used)."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("is_causal=ctx.is_causal, scale=ctx.scale)", "is_causal=ctx.is_causal)"),
))
