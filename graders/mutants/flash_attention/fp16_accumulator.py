"""The output accumulator is kept in the input dtype (fp16) instead of fp32."""

from graders.mutants.flash_attention._common import forward_mutant

globals().update(forward_mutant(
    ('acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=tl.float32)',
     'acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=Q.dtype.element_ty)'),
    ('acc = acc * alpha[:, None]',
     'acc = (acc * alpha[:, None]).to(Q.dtype.element_ty)'),
    ('acc = tl.dot(p.to(v.dtype), v, acc, input_precision=DOT_PRECISION)',
     'acc += tl.dot(p.to(v.dtype), v, input_precision=DOT_PRECISION).to(Q.dtype.element_ty)')
))
