"""Only accepts a completion that is exactly a label after strip().lower(): misses "The answer is positive."."""
from solutions.n_shot import *  # noqa: F401,F403
from solutions.n_shot import parse_label as _reference


def parse_label(completion, labels):
    _reference(completion, labels)  # same validation
    cleaned = completion.strip().strip(".!?'\"").lower()
    for label in labels:
        if cleaned == label.lower():
            return label
    return None
