"""Substring matching (label in completion.lower()): "positively" counts as "positive"."""
from solutions.n_shot import *  # noqa: F401,F403
from solutions.n_shot import parse_label as _reference


def parse_label(completion, labels):
    _reference(completion, labels)  # same validation
    found = [label for label in labels if label.lower() in completion.lower()]
    return found[0] if len(found) == 1 else None
