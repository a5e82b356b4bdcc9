"""Text that came from the implementation's side, made safe to put in any report.

Exception messages, reprs and printed output of a submission can hold anything: lone
surrogates (which no UTF-8 encoder accepts), terminal escape sequences (which redraw a
report's lines on a terminal), NUL and other control characters (which XML 1.0 forbids),
megabytes of text. :func:`clean_text` is applied where such text enters a report record,
and every report writer relies on it; :func:`clean_line` where the text must stay one line
(notes and errors about a hand-in, which quote its file names).
"""

from __future__ import annotations

import math
import re

#: The longest text kept from one student-originated message.
MAX_TEXT = 4000

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def clean_text(text: object, limit: int = MAX_TEXT) -> str:
    """``text`` with surrogates escaped, escape sequences and control characters (but tab
    and newline) removed, carriage returns turned into newlines, cut to ``limit``
    characters (a note says how much was cut)."""
    if not isinstance(text, str):
        text = "" if text is None else repr(text)
    text = str.__str__(text)
    if len(text) > 4 * limit:
        text = text[:4 * limit]
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if len(text) > limit:
        text = text[:limit] + f" [... {len(text) - limit} more characters cut]"
    return text


def clean_line(text: object, limit: int = 2000) -> str:
    """:func:`clean_text` on one line: newlines and tabs become ``"; "`` and a space, so a
    name or message a hand-in controls (a file name, an error about it) cannot start a
    line of its own in a summary, a table or a CSV cell."""
    text = clean_text(text, limit)
    return re.sub(r"\s*\n\s*", "; ", text).replace("\t", " ")


def finite_or_none(value: object) -> float | None:
    """A float that strict JSON accepts (NaN and infinities become ``None``)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
