"""Replaces one piece at a time and records offsets into the text redacted so far, not the original."""
from solutions.data_privacy import *
from solutions.data_privacy import _candidates, _choose


def redact_pii(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    findings = []
    for f in _choose(text, _candidates(text)):
        shift = sum(len(f"<{g.kind}>") - (g.end - g.start) for g in findings)
        start, end = f.start + shift, f.end + shift
        findings.append(PiiFinding(f.kind, start, end, f.text))
        text = text[:start] + f"<{f.kind}>" + text[end:]
    return text, findings
