"""Returns the first label found even when the completion names several (should be None)."""
import re

from solutions.n_shot import *  # noqa: F401,F403
from solutions.n_shot import parse_label as _reference


def parse_label(completion, labels):
    _reference(completion, labels)  # same validation
    for label in labels:
        if re.search(r"(?<!\w)" + re.escape(label) + r"(?!\w)", completion, flags=re.IGNORECASE):
            return label
    return None
