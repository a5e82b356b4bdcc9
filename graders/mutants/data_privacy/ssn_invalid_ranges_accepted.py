"""Any ddd-dd-dddd is an SSN: the never-issued areas 000, 666, 9xx, group 00 and serial 0000 are not excluded."""
import re

from solutions.data_privacy import *  # noqa: F401,F403
from solutions.data_privacy import _PATTERNS, _candidates, _choose, _replace

_LOOSE = [re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])")]


def redact_pii(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    findings = _choose(text, _candidates(text, {**_PATTERNS, "SSN": _LOOSE}))
    return _replace(text, findings), findings
