"""Stop word removal (reference solution)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources


def load_stop_words(filename: str = "stop_words_en.txt") -> frozenset[str]:
    """Read a stop-word list from ``kit/data`` (``#`` comments and blank lines skipped)."""
    text = resources.files("kit").joinpath("data", filename).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))


ENGLISH_STOP_WORDS: frozenset[str] = load_stop_words()


def remove_stop_words(tokens: list[str], stop_words: Iterable[str] | None = None) -> list[str]:
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise TypeError("tokens must be a list of str")
    if stop_words is None:
        stop_words = ENGLISH_STOP_WORDS
    elif isinstance(stop_words, str):
        raise TypeError("stop_words must be an iterable of words (e.g. a set of str), not a single str")
    else:
        try:
            stop_words = list(stop_words)
        except TypeError:
            raise TypeError(f"stop_words must be None or an iterable of str, "
                            f"got {type(stop_words).__name__}") from None
        if not all(isinstance(s, str) for s in stop_words):
            raise TypeError("stop_words must contain only str")
    stop = {s.lower() for s in stop_words}
    return [t for t in tokens if t.lower() not in stop]
