"""No running max: p = exp2(s) directly, which overflows for large scores."""
from solutions.flash_attention import *  # noqa: F401,F403

from graders.mutants.flash_attention._common import mutant, run

_kernel = mutant(
    ('        m_new = tl.maximum(m_i, tl.max(s, 1))\n        p = tl.math.exp2(s - m_new[:, None])\n        alpha = tl.math.exp2(m_i - m_new)\n        l_i = l_i * alpha + tl.sum(p, 1)\n        acc = acc * alpha[:, None]\n',
     '        p = tl.math.exp2(s)\n        l_i = l_i + tl.sum(p, 1)\n'),
    ('        m_i = m_new\n',
     '')
)


def flash_attention(q, k, v, *, is_causal=False, scale=None):
    return run(_kernel, q, k, v, is_causal=is_causal, scale=scale)
