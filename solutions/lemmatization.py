"""Lemmatization: a WordNet-morphy-style lemmatizer (reference solution)."""

from __future__ import annotations

from nltk.stem import PorterStemmer, SnowballStemmer

from kit.lexicon import POS_TAGS, SUFFIX_RULES, exceptions, known_lemmas


def lemmatize(word: str, pos: str = "n") -> str:
    if not isinstance(word, str):
        raise TypeError(f"word must be a str, got {type(word).__name__}")
    if pos not in POS_TAGS:
        raise ValueError(f"pos must be one of 'n', 'v', 'a', 'r', got {pos!r}")
    w = word.lower()
    irregular = exceptions(pos)
    if w in irregular:                       # 1. irregular forms first
        return irregular[w]
    lemmas = known_lemmas(pos)
    if w in lemmas:                          # 2. already a base form
        return w
    for suffix, replacement in SUFFIX_RULES[pos]:   # 3. rules, checked against the lexicon
        if w.endswith(suffix):
            candidate = w[: len(w) - len(suffix)] + replacement
            if candidate in lemmas:
                return candidate
    return w                                 # 4. unknown word


def lemmatize_tokens(tokens: list[str], pos_tags: list[str] | None = None) -> list[str]:
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise TypeError("tokens must be a list of str")
    if pos_tags is None:
        pos_tags = ["n"] * len(tokens)
    elif not isinstance(pos_tags, list):
        raise TypeError(f"pos_tags must be a list or None, got {type(pos_tags).__name__}")
    if len(pos_tags) != len(tokens):
        raise ValueError(f"pos_tags must have one tag per token: {len(pos_tags)} tags "
                         f"for {len(tokens)} tokens")
    return [lemmatize(token, tag) for token, tag in zip(tokens, pos_tags)]


_STEMMERS = {"porter": PorterStemmer, "snowball": lambda: SnowballStemmer("english")}


def lemmas_and_stems(tokens: list[str], pos_tags: list[str] | None = None, *,
                     stemmer: str = "porter") -> list[tuple[str, str, bool]]:
    if not isinstance(stemmer, str) or stemmer not in _STEMMERS:
        raise ValueError(f"stemmer must be 'porter' or 'snowball', got {stemmer!r}")
    lemmas = lemmatize_tokens(tokens, pos_tags)
    tags = ["n"] * len(tokens) if pos_tags is None else pos_tags
    stem = _STEMMERS[stemmer]().stem
    stems = [stem(token) for token in tokens]
    return [(lemma, s, s in known_lemmas(tag)) for lemma, s, tag in zip(lemmas, stems, tags)]
