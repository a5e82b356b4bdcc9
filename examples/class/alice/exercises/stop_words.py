"""Stop words -- Alice's hand-in."""

from importlib import resources


def load_stop_words(filename="stop_words_en.txt"):
    words = set()
    for line in resources.files("kit").joinpath("data", filename).read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


ENGLISH_STOP_WORDS = load_stop_words()


def remove_stop_words(tokens, stop_words=None):
    if not isinstance(tokens, list) or any(not isinstance(t, str) for t in tokens):
        raise TypeError("tokens should be a list of str")
    if stop_words is None:
        stop_words = ENGLISH_STOP_WORDS
    if isinstance(stop_words, str):
        raise TypeError("stop_words should be a collection of words, not one str")
    try:
        lowered = set()
        for word in stop_words:
            if not isinstance(word, str):
                raise TypeError("stop_words should hold str only")
            lowered.add(word.lower())
    except TypeError as exc:
        raise TypeError(f"stop_words: {exc}") from None
    kept = []
    for token in tokens:
        if token.lower() not in lowered:
            kept.append(token)
    return kept
