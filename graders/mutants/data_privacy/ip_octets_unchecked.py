"""IPv4 as any four groups of 1-3 digits: 300.12.45.6 and 10.0.0.256 count as addresses."""
import re

from solutions.data_privacy import *  # noqa: F401,F403
from solutions.data_privacy import _PATTERNS, _candidates, _choose, _replace

_LOOSE = [re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")]


def redact_pii(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    findings = _choose(text, _candidates(text, {**_PATTERNS, "IP": _LOOSE}))
    return _replace(text, findings), findings
