"""bias_score divides by male + female without checking: no pronouns at all raises ZeroDivisionError."""
from solutions.data_bias import *  # noqa: F401,F403
from solutions.data_bias import bias_score as _reference


def bias_score(counts):
    _reference(counts)  # the argument checks
    return (counts["male"] - counts["female"]) / (counts["male"] + counts["female"])
