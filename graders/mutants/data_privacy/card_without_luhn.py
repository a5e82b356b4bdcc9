"""Every card-shaped number is redacted as a card: the Luhn check is skipped."""
from solutions.data_privacy import *  # noqa: F401,F403
from solutions.data_privacy import _PATTERNS, _accept, _choose, _replace


def redact_pii(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    candidates = [(m.start(), m.end(), kind)
                  for kind, patterns in _PATTERNS.items() for pattern in patterns
                  for m in pattern.finditer(text)
                  if kind == "CARD" or _accept(kind, m.group())]
    findings = _choose(text, candidates)
    return _replace(text, findings), findings
