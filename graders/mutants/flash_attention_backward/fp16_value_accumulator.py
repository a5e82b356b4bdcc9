"""dv is accumulated in the input dtype: each partial sum is rounded to fp16/bf16."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("dv = tl.dot(p_t.to(do.dtype), do, dv, input_precision=DOT_PRECISION)",
     "dv = (dv + tl.dot(p_t.to(do.dtype), do, input_precision=DOT_PRECISION)).to(do.dtype).to(tl.float32)"),
))
