"""No running max: p = exp2(s) directly, which overflows for large scores."""

from graders.mutants.flash_attention._common import forward_mutant

globals().update(forward_mutant(
    ('        m_new = tl.maximum(m_i, tl.max(s, 1))\n        p = tl.math.exp2(s - m_new[:, None])\n        alpha = tl.math.exp2(m_i - m_new)\n        l_i = l_i * alpha + tl.sum(p, 1)\n        acc = acc * alpha[:, None]\n',
     '        p = tl.math.exp2(s)\n        l_i = l_i + tl.sum(p, 1)\n'),
    ('        m_i = m_new\n',
     '')
))
