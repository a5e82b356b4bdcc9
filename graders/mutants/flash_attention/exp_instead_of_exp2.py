"""tl.exp on scores already scaled by log2(e): the softmax is too sharp."""

from graders.mutants.flash_attention._common import forward_mutant

globals().update(forward_mutant(
    ('p = tl.math.exp2(s - m_new[:, None])',
     'p = tl.exp(s - m_new[:, None])'),
    ('alpha = tl.math.exp2(m_i - m_new)',
     'alpha = tl.exp(m_i - m_new)')
))
