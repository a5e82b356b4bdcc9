"""Bias in data: counting gendered pronouns, counterfactual augmentation (reference solution)."""

from __future__ import annotations

import re

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})

# Lower-case word -> its counterpart; "her" and "his" depend on the next word.
SWAPS: dict[str, str] = {
    "he": "she", "she": "he", "him": "her", "hers": "his", "himself": "herself", "herself": "himself",
    "man": "woman", "woman": "man", "men": "women", "women": "men", "boy": "girl", "girl": "boy",
    "boys": "girls", "girls": "boys", "father": "mother", "mother": "father",
    "fathers": "mothers", "mothers": "fathers", "dad": "mom", "mom": "dad",
    "dads": "moms", "moms": "dads", "son": "daughter", "daughter": "son",
    "sons": "daughters", "daughters": "sons", "brother": "sister", "sister": "brother",
    "brothers": "sisters", "sisters": "brothers", "husband": "wife", "wife": "husband",
    "husbands": "wives", "wives": "husbands", "uncle": "aunt", "aunt": "uncle",
    "uncles": "aunts", "aunts": "uncles", "nephew": "niece", "niece": "nephew",
    "nephews": "nieces", "nieces": "nephews",
    "grandfather": "grandmother", "grandmother": "grandfather",
    "grandson": "granddaughter", "granddaughter": "grandson",
    "boyfriend": "girlfriend", "girlfriend": "boyfriend", "king": "queen", "queen": "king",
    "kings": "queens", "queens": "kings", "prince": "princess", "princess": "prince",
    "gentleman": "lady", "lady": "gentleman", "gentlemen": "ladies", "ladies": "gentlemen",
    "male": "female", "female": "male", "males": "females", "females": "males",
    "sir": "madam", "madam": "sir",
}

OBJECT_CONTEXT = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "some", "any", "no", "every", "each",
    "and", "or", "but", "nor", "so", "yet", "if", "as", "than", "because", "when", "while",
    "to", "in", "on", "at", "for", "with", "from", "by", "about", "of", "into", "onto", "over",
    "after", "before", "again", "back", "up", "down", "out", "off", "away", "too", "very",
    "now", "then", "today", "yesterday", "tomorrow", "there", "here", "is", "was", "i", "you",
    "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "what", "how", "why",
    "where", "who", "which",
})

_NEXT_WORD = re.compile(r"\s*([^\W\d_]+)")
_PRONOUN = re.compile(r"\b(?:" + "|".join(sorted(MALE_PRONOUNS | FEMALE_PRONOUNS)) + r")\b",
                      re.IGNORECASE)
_GENDERED = re.compile(r"\b(?:" + "|".join(sorted(SWAPS.keys() | {"her", "his"}, key=len, reverse=True))
                       + r")\b", re.IGNORECASE)


def gendered_counts(texts: list[str]) -> dict[str, int]:
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of str")
    counts = {"female": 0, "male": 0}
    for text in texts:
        for m in _PRONOUN.finditer(text):
            counts["male" if m.group().lower() in MALE_PRONOUNS else "female"] += 1
    return counts


def bias_score(counts: dict[str, int]) -> float:
    if not isinstance(counts, dict):
        raise TypeError(f"counts must be a dict with keys 'female' and 'male', got {type(counts).__name__}")
    for key in ("female", "male"):
        if key not in counts:
            raise ValueError(f"counts must have the key {key!r}")
        value = counts[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"counts[{key!r}] must be an int, got {type(value).__name__}")
        if value < 0:
            raise ValueError(f"counts[{key!r}] must be >= 0, got {value}")
    male, female = counts["male"], counts["female"]
    if male + female == 0:
        return 0.0
    return (male - female) / (male + female)


def _match_case(replacement: str, original: str) -> str:
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def _next_word(text: str, position: int) -> str | None:
    """The word right after ``position`` (after whitespace only), lower-cased; None if none."""
    m = _NEXT_WORD.match(text, position)
    return m.group(1).lower() if m else None


def counterfactual_augment(sentence: str) -> str:
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a str, got {type(sentence).__name__}")

    def swap(m: re.Match) -> str:
        word = m.group()
        lower = word.lower()
        if lower in ("her", "his"):
            following = _next_word(sentence, m.end())
            determiner = following is not None and following not in OBJECT_CONTEXT
            if lower == "her":
                replacement = "his" if determiner else "him"   # her book -> his book; saw her. -> saw him.
            else:
                replacement = "her" if determiner else "hers"  # his book -> her book; it is his. -> hers.
        else:
            replacement = SWAPS[lower]
        return _match_case(replacement, word)

    # One pass over the original sentence: every word is swapped exactly once.
    return _GENDERED.sub(swap, sentence)
