"""Personally identifiable information: finding and redacting it (reference solution)."""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("EMAIL", "PHONE", "CARD", "IP", "SSN")


@dataclass(frozen=True)
class PiiFinding:
    """One piece of PII: its kind and where it is in the ORIGINAL text."""

    kind: str
    start: int
    end: int
    text: str


def luhn_valid(number: str) -> bool:
    if not isinstance(number, str):
        raise TypeError(f"number must be a str, got {type(number).__name__}")
    digits = []
    for ch in number:
        if ch in " -":
            continue
        if ch not in "0123456789":
            return False
        digits.append(int(ch))
    if not digits:
        return False
    total = 0
    # From the right: every second digit is doubled; a two-digit result counts as its digit sum.
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# A number glued to a letter, '#', '.', '/' or '-', or in the middle of a longer group
# of digits, is part of something else (an order number, a version, a date): not PII.
_START = r"(?<![\w#./-])(?<![0-9][ .,-])"
_END = r"(?![\w/-]|[ .,-][0-9])"
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"  # 0-255, no leading zero

_PATTERNS = {
    "EMAIL": [re.compile(
        r"(?<![\w.%+'-])[\w%+-]+(?:[.'][\w%+-]+)*"         # local part: john.doe+news, o'brien
        r"@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}"     # domain: mail.example.co.uk
        r"(?![\w-]|\.[^\W_])")],
    "IP": [re.compile(r"(?<![\w.-])" + _OCTET + r"(?:\." + _OCTET + r"){3}"
                      r"(?![\w/-]|\.[0-9])")],             # "/8" after it: a network range
    "SSN": [re.compile(_START + r"(?!000|666|9[0-9][0-9])[0-9]{3}([- ])"  # area
                       r"(?!00)[0-9]{2}\1(?!0000)[0-9]{4}" + _END)],      # group, serial
    "CARD": [re.compile(_START + r"(?:[0-9]{13,19}"                       # one run
                        r"|[0-9]{4}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{4}"    # 4-4-4-4
                        r"|[0-9]{4}([ -])[0-9]{6}\2[0-9]{5})" + _END)],   # 4-6-5 (Amex)
    "PHONE": [
        # North American: +1 / 1- prefix, (555) or 555-, then 123-4567
        re.compile(_START + r"(?:\+1[ .-]?|1[ .-])?(?:\([0-9]{3}\) ?|[0-9]{3}[ .-])"
                   r"[0-9]{3}[ .-][0-9]{4}" + _END),
        # international: +country code, then groups of digits
        re.compile(r"(?<![\w+])\+[0-9]{1,3}(?:[ .-][0-9]{1,8}){1,6}" + _END),
        re.compile(r"(?<![\w+])\+[0-9]{8,15}" + _END),
    ],
}


def _accept(kind: str, text: str) -> bool:
    """The checks a regular expression cannot do."""
    if kind == "CARD":
        return luhn_valid(text)
    if kind == "PHONE" and text.startswith("+"):
        return 8 <= sum(ch in "0123456789" for ch in text) <= 15  # E.164: at most 15 digits
    return True


def _candidates(text: str, patterns: dict = _PATTERNS) -> list[tuple[int, int, str]]:
    """Every ``(start, end, kind)`` some pattern matches and :func:`_accept` keeps (may overlap)."""
    return [(m.start(), m.end(), kind)
            for kind, kind_patterns in patterns.items()
            for pattern in kind_patterns
            for m in pattern.finditer(text)
            if _accept(kind, m.group())]


def _choose(text: str, candidates: list[tuple[int, int, str]]) -> list[PiiFinding]:
    """Leftmost first; of two overlapping candidates the longer one wins."""
    findings: list[PiiFinding] = []
    for start, end, kind in sorted(candidates, key=lambda c: (c[0], c[0] - c[1], KINDS.index(c[2]))):
        if not findings or start >= findings[-1].end:
            findings.append(PiiFinding(kind, start, end, text[start:end]))
    return findings


def _replace(text: str, findings: list[PiiFinding]) -> str:
    """The placeholders put in from left to right; offsets are into the original text."""
    pieces, position = [], 0
    for f in findings:
        pieces.append(text[position:f.start])
        pieces.append(f"<{f.kind}>")
        position = f.end
    pieces.append(text[position:])
    return "".join(pieces)


def redact_pii(text: str) -> tuple[str, list[PiiFinding]]:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    findings = _choose(text, _candidates(text))
    return _replace(text, findings), findings
