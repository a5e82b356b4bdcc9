"""tl.exp on scores already scaled by log2(e): the softmax is too sharp."""
from solutions.flash_attention import *  # noqa: F401,F403

from graders.mutants.flash_attention._common import mutant, run

_kernel = mutant(
    ('p = tl.math.exp2(s - m_new[:, None])',
     'p = tl.exp(s - m_new[:, None])'),
    ('alpha = tl.math.exp2(m_i - m_new)',
     'alpha = tl.exp(m_i - m_new)')
)


def flash_attention(q, k, v, *, is_causal=False, scale=None):
    return run(_kernel, q, k, v, is_causal=is_causal, scale=scale)
