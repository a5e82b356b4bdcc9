"""Stop words -- Bob's hand-in (case-sensitive, and repeated words are dropped)."""

ENGLISH_STOP_WORDS = frozenset({"the", "is", "with", "of", "and", "a", "an"})


def remove_stop_words(tokens, stop_words=None):
    stop = set(stop_words) if stop_words is not None else ENGLISH_STOP_WORDS
    # dict.fromkeys keeps the first of each word, in order: repeated words are lost
    return list(dict.fromkeys(t for t in tokens if t not in stop))
