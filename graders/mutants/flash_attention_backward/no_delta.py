"""ds = p * dp: the softmax's delta term (rowsum(do * out)) is left out."""

from graders.mutants.flash_attention._common import backward_mutant

globals().update(backward_mutant(
    ("ds_t = p_t * (dp_t - delta[None, :])", "ds_t = p_t * dp_t"),
    ("ds = p * (dp - delta[:, None])", "ds = p * dp"),
))
