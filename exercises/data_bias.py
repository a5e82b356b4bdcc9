"""Bias in data: measuring a gender skew and balancing it with counterfactuals.

Course: chapter 4, "Data bias".

A model learns the habits of its training text. If nurses are nearly always
"she" and engineers "he" in that text, then "The nurse said that..." is more
likely to be continued with "she" -- the course's example of a stereotype the
model picked up from skewed data. Two small tools:

* **measure** the skew: :func:`gendered_counts` counts the male and the female
  pronouns in a corpus, and :func:`bias_score` turns the counts into one number,
  ``(male - female) / (male + female)``: ``+1`` all male, ``-1`` all female, ``0``
  balanced (also ``0`` when there is no pronoun at all);
* **mitigate** it: :func:`counterfactual_augment` writes the *counterfactual* of
  a sentence -- the same sentence with every gendered word swapped (he <-> she,
  man <-> woman, father <-> mother, ...). Adding the counterfactual of every
  sentence to the corpus balances it exactly: each "he" of the original comes
  back as a "she", and the other way round, so the score of the augmented
  corpus is 0.

Worked example (the course's sentence)::

    >>> counterfactual_augment("The nurse said that she would bring her notes.")
    'The nurse said that he would bring his notes.'
    >>> corpus = ["The nurse said that she was tired.", "The engineer said that he was late.",
    ...           "The pilot said that he would land soon."]
    >>> bias_score(gendered_counts(corpus))                          # 2 male, 1 female
    0.3333333333333333
    >>> bias_score(gendered_counts(corpus + [counterfactual_augment(s) for s in corpus]))
    0.0

The rules of this kit
---------------------
* **Words, not substrings.** A word is a maximal run of letters (of any alphabet:
  "é" is a letter, so "hé" is one word, not "h" + "é"); "he" is a word in "He said"
  and in "he's", but not inside "the", "she", "hero" or "Sheffield", and "man" is
  not inside "woman" or "Manchester". Matching ignores case. (A pronoun glued to a
  digit or ``_``, such as "he2", is not tested: treat it either way.)
* **Pronouns counted** by :func:`gendered_counts`: :data:`MALE_PRONOUNS` (he, him,
  his, himself) and :data:`FEMALE_PRONOUNS` (she, her, hers, herself). Nouns such
  as "man" or "mother" are swapped by the augmentation but not counted.
* **Words swapped** by :func:`counterfactual_augment`: every key of :data:`SWAPS`
  (given below, both directions), plus the two ambiguous pronouns:

  - "her" is either possessive ("her book" -> "his book") or an object ("I saw
    her." -> "I saw him."). The kit's rule: "her" becomes **"his" when the next
    thing after it (skipping whitespace) is a word not in** :data:`OBJECT_CONTEXT`
    ("her keys", "her own car"), and **"him" otherwise**: at the end, before
    punctuation, or before a word of :data:`OBJECT_CONTEXT` ("gave her a book",
    "told her that", "saw her yesterday").
  - "his" the same way: **"her"** before a word not in :data:`OBJECT_CONTEXT` ("his
    car" -> "her car"), **"hers"** otherwise ("the book is his." -> "... hers.").

  The rule is a heuristic (no grammar parser): "I gave her flowers" becomes "I
  gave his flowers". Names ("John") are not swapped.
* **Case is kept**: a swapped word is written like the original -- all lower case
  ("he" -> "she"), capitalised ("His" -> "Her"), or all capitals ("HE" -> "SHE").
  Everything that is not a swapped word (punctuation, spaces, "'s") stays as it is.
* **Each word is swapped once.** Replacing "he" by "she" and then "she" by "he"
  turns every "he" back into "he": decide each word's replacement from the
  original sentence, in one pass (``re.sub`` with a function does exactly that).

How it is checked: counts on sentences full of traps ("the", "there", "hero",
"He's", capitals), the score's formula and its edge cases, many counterfactual
sentences compared exactly (case, punctuation, possessives, "her"/"his"), and the
augmented version of a skewed corpus scoring exactly 0. Every ``TypeError``/``ValueError``
message names the offending argument (the kit's rule, e.g. ``"texts: expected a list
of str, got str"``).
"""

from __future__ import annotations

MALE_PRONOUNS: frozenset[str] = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS: frozenset[str] = frozenset({"she", "her", "hers", "herself"})

#: Lower-case word -> its counterpart. "her" and "his" are not here: see the module docstring.
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

#: Words after which "her" is an object ("him") and "his" stands alone ("hers"):
#: articles, determiners, conjunctions, prepositions, a few adverbs and pronouns.
OBJECT_CONTEXT: frozenset[str] = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "some", "any", "no", "every", "each",
    "and", "or", "but", "nor", "so", "yet", "if", "as", "than", "because", "when", "while",
    "to", "in", "on", "at", "for", "with", "from", "by", "about", "of", "into", "onto", "over",
    "after", "before", "again", "back", "up", "down", "out", "off", "away", "too", "very",
    "now", "then", "today", "yesterday", "tomorrow", "there", "here", "is", "was", "i", "you",
    "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "what", "how", "why",
    "where", "who", "which",
})


def gendered_counts(texts: list[str]) -> dict[str, int]:
    """``{"female": n_female, "male": n_male}``: pronoun counts over all ``texts``.

    Counts every whole-word, case-insensitive occurrence of a word of
    :data:`FEMALE_PRONOUNS` / :data:`MALE_PRONOUNS` ("He", "HIS", the "he" of "he's"
    count; the "he" in "the" does not). Both keys are always present.

    ``texts`` not a ``list`` of ``str`` (a single string included) -> ``TypeError``.

        >>> gendered_counts(["He said she saw him with her.", "The theme of the hero."])
        {'female': 2, 'male': 2}
    """
    raise NotImplementedError("data_bias.gendered_counts: not implemented yet")


def bias_score(counts: dict[str, int]) -> float:
    """``(male - female) / (male + female)`` as a ``float`` in ``[-1, 1]``; ``0.0`` when both are 0.

    Positive: the corpus talks more about men; negative: more about women.
    ``counts`` is a dict with (at least) the keys ``"female"`` and ``"male"``, as
    :func:`gendered_counts` returns; other keys are ignored.

    Errors: ``counts`` not a dict, or a count that is not an ``int`` (``bool`` is
    not a count) -> ``TypeError``; a missing key or a negative count -> ``ValueError``.

        >>> bias_score({"female": 1, "male": 3})
        0.5
    """
    raise NotImplementedError("data_bias.bias_score: not implemented yet")


def counterfactual_augment(sentence: str) -> str:
    """``sentence`` with every gendered word swapped, case and punctuation kept.

    The words and the rules ("her" -> "his"/"him", "his" -> "her"/"hers", case,
    one pass) are in the module docstring. Text without gendered words comes
    back unchanged.

    ``sentence`` not a ``str`` -> ``TypeError``.

        >>> counterfactual_augment("His mother gave her a book.")
        'Her father gave him a book.'
    """
    raise NotImplementedError("data_bias.counterfactual_augment: not implemented yet")
