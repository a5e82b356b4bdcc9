"""The Triton tutorial's inner loop: the running max taken from the raw scores and then
scaled (for a negative scale that is the smallest scaled score, so exp2 overflows when
scores are large), masks added as -1.0e6 after scaling."""

from graders.mutants.flash_attention._common import forward_mutant

globals().update(forward_mutant(
    ('        s = tl.dot(q, tl.trans(k), input_precision=DOT_PRECISION) * qk_scale\n',
     '        qk = tl.dot(q, tl.trans(k), input_precision=DOT_PRECISION)\n'),
    ('        s = tl.where(keep, s, float("-inf"))\n'
     '        m_new = tl.maximum(m_i, tl.max(s, 1))\n',
     '        m_new = tl.maximum(m_i, tl.max(qk, 1) * qk_scale)\n'
     '        s = qk * qk_scale + tl.where(keep, 0.0, -1.0e6)\n'),
))
