"""Every kind is replaced by the same placeholder <PII> instead of <EMAIL>, <PHONE>, ..."""
from solutions.data_privacy import *  # noqa: F401,F403
from solutions.data_privacy import redact_pii as _reference


def redact_pii(text):
    _, findings = _reference(text)
    pieces, position = [], 0
    for f in findings:
        pieces += [text[position:f.start], "<PII>"]
        position = f.end
    return "".join(pieces) + text[position:], findings
