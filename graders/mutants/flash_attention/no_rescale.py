"""The accumulator is not rescaled when the running max changes (only l is)."""
from solutions.flash_attention import *  # noqa: F401,F403

from graders.mutants.flash_attention._common import mutant, run

_kernel = mutant(
    ('        acc = acc * alpha[:, None]\n',
     '')
)


def flash_attention(q, k, v, *, is_causal=False, scale=None):
    return run(_kernel, q, k, v, is_causal=is_causal, scale=scale)
