"""Stop words -- Bob's hand-in (case-sensitive, and a set loses repeated words)."""

ENGLISH_STOP_WORDS = frozenset({"the", "is", "with", "of", "and", "a", "an"})


def remove_stop_words(tokens, stop_words=None):
    stop = set(stop_words) if stop_words is not None else ENGLISH_STOP_WORDS
    return list({t for t in tokens if t not in stop})
