"""Keys past S are loaded as zeros but their scores are not set to -inf."""
from solutions.flash_attention import *  # noqa: F401,F403

from graders.mutants.flash_attention._common import mutant, run

_kernel = mutant(
    ('        keep = cols[None, :] < S\n        if IS_CAUSAL:\n            keep = keep & (cols[None, :] <= offs_m[:, None])\n        s = tl.where(keep, s, float("-inf"))\n',
     '        if IS_CAUSAL:\n            s = tl.where(cols[None, :] <= offs_m[:, None], s, float("-inf"))\n')
)


def flash_attention(q, k, v, *, is_causal=False, scale=None):
    return run(_kernel, q, k, v, is_causal=is_causal, scale=scale)
