"""Keys past S are loaded as zeros but their scores are not set to -inf."""

from graders.mutants.flash_attention._common import forward_mutant

globals().update(forward_mutant(
    ('        keep = cols[None, :] < S\n        if IS_CAUSAL:\n            keep = keep & (cols[None, :] <= offs_m[:, None])\n        s = tl.where(keep, s, float("-inf"))\n',
     '        if IS_CAUSAL:\n            s = tl.where(cols[None, :] <= offs_m[:, None], s, float("-inf"))\n')
))
