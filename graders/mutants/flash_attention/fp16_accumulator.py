"""The output accumulator is kept in the input dtype (fp16) instead of fp32."""
from solutions.flash_attention import *  # noqa: F401,F403

from graders.mutants.flash_attention._common import mutant, run

_kernel = mutant(
    ('acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=tl.float32)',
     'acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=Q.dtype.element_ty)'),
    ('acc = acc * alpha[:, None]',
     'acc = (acc * alpha[:, None]).to(Q.dtype.element_ty)'),
    ('acc = tl.dot(p.to(v.dtype), v, acc, input_precision=DOT_PRECISION)',
     'acc += tl.dot(p.to(v.dtype), v, input_precision=DOT_PRECISION).to(Q.dtype.element_ty)')
)


def flash_attention(q, k, v, *, is_causal=False, scale=None):
    return run(_kernel, q, k, v, is_causal=is_causal, scale=scale)
