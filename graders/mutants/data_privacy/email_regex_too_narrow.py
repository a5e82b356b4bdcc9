"""E-mail pattern too narrow (\w+@\w+\.[a-z]{2,3}): dots, +tags, hyphens, subdomains and long TLDs are missed."""
import re

from solutions.data_privacy import *  # noqa: F401,F403
from solutions.data_privacy import _PATTERNS, _candidates, _choose, _replace

_NARROW = [re.compile(r"\b[A-Za-z0-9]+@[A-Za-z0-9]+\.[A-Za-z]{2,3}\b")]


def redact_pii(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    findings = _choose(text, _candidates(text, {**_PATTERNS, "EMAIL": _NARROW}))
    return _replace(text, findings), findings
