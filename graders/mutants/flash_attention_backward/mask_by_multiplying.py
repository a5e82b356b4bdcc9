"""Masks p by multiplying it with the 0/1 mask after exp2 instead of giving masked scores
-inf before: a large masked score makes exp2 inf, and inf * 0 is NaN."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ('        s_t = tl.where(keep, s_t, float("-inf"))\n'
     '        p_t = tl.math.exp2(s_t - lse2[None, :])\n',
     '        p_t = tl.math.exp2(s_t - lse2[None, :]) * keep.to(tl.float32)\n'),
    ('        s = tl.where(keep, s, float("-inf"))\n'
     '        p = tl.math.exp2(s - lse2[:, None])\n',
     '        p = tl.math.exp2(s - lse2[:, None]) * keep.to(tl.float32)\n'),
))
