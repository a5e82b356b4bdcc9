"""A loose phone pattern (any 7+ digits with separators): dates, ISBNs and order numbers become phones."""
import re

from solutions.data_privacy import *  # noqa: F401,F403
from solutions.data_privacy import _PATTERNS, _candidates, _choose, _replace

_LOOSE = [re.compile(r"(?<!\w)\+?\d[\d ().-]{5,}\d(?!\w)")]


def redact_pii(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    findings = _choose(text, _candidates(text, {**_PATTERNS, "PHONE": _PATTERNS["PHONE"] + _LOOSE}))
    return _replace(text, findings), findings
