"""The accumulator is not rescaled when the running max changes (only l is)."""

from graders.mutants.flash_attention._common import forward_mutant

globals().update(forward_mutant(
    ('        acc = acc * alpha[:, None]\n',
     '')
))
