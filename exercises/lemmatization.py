"""Lemmatization: reducing words to their base form.

Course: chapter 2, "Generalized overview of NLP" -- text pre-processing.

"talking", "talked" and "talk" mean the same thing in most sentences; a
*lemmatizer* maps each of them to one base form, the *lemma* ("talk"), so that a
count or a search treats them as one word. Unlike a *stemmer*, which only chops
suffixes off ("studies" -> "studi"), a lemmatizer returns a real word.

You write a rule-based lemmatizer in the style of WordNet's ``morphy``. It needs
the word's part of speech (``pos``): ``"n"`` noun, ``"v"`` verb, ``"a"``
adjective, ``"r"`` adverb -- "saw" is a noun (a tool) or the past of "see". The
data comes complete from :mod:`kit.lexicon` (built from the tables of the
``lemminflect`` package; nothing is downloaded):

* ``exceptions(pos)`` -- the irregular forms, ``{form: lemma}``: ``ran`` -> ``run``,
  ``mice`` -> ``mouse``, ``better`` -> ``good``, and the forms that plain suffix
  rules get wrong: ``stopped`` -> ``stop``, ``bigger`` -> ``big``, ``studied`` -> ``study``;
* ``known_lemmas(pos)`` -- the set of base forms that exist for ``pos``;
* ``SUFFIX_RULES[pos]`` -- ``(suffix, replacement)`` pairs, in the order to try them;
  e.g. for nouns ``("s", "")``, ``("ses", "s")``, ..., for verbs ``("ing", "e")``,
  ``("ing", "")``; adverbs have none.

The algorithm of :func:`lemmatize`, step by step (follow it exactly)::

    w = word.lower()
    1. w is in exceptions(pos)            -> return exceptions(pos)[w]
    2. w is in known_lemmas(pos)          -> return w            ("bus" stays "bus")
    3. for (suffix, replacement) in SUFFIX_RULES[pos], in order:
           if w ends with suffix:
               candidate = w[:len(w) - len(suffix)] + replacement
               if candidate is in known_lemmas(pos) -> return candidate
    4. otherwise (unknown word)           -> return w

The lexicon check in step 3 is what makes it work: for "buses" the rule
``("s", "")`` gives "buse" (not a noun: rejected) and ``("ses", "s")`` gives
"bus" (accepted); for "talking" (verb), ``("ing", "e")`` gives "talke"
(rejected) and ``("ing", "")`` gives "talk". Without it "bus" would become "bu".

Worked example::

    >>> [lemmatize(w, "v") for w in ["talking", "talked", "talk"]]
    ['talk', 'talk', 'talk']
    >>> lemmatize("buses"), lemmatize("bus"), lemmatize("mice"), lemmatize("better", "a")
    ('bus', 'bus', 'mouse', 'good')

How it is checked: the tests compare your lemmas on the course's words,
irregular forms, doubled consonants and y -> i (stopped, bigger, studied), the
same word with different parts of speech and unknown words; and your lemmas
must agree with the ``lemminflect`` package on at least 90 % of several hundred
common inflected words. Wrong types raise ``TypeError``, a bad ``pos`` or a
length mismatch ``ValueError``, each with a message that names the offending
argument (the kit's rule), e.g. ``"pos: expected one of 'n', 'v', 'a', 'r', got
'noun'"``.
"""

from __future__ import annotations

from kit.lexicon import POS_TAGS, SUFFIX_RULES, exceptions, known_lemmas  # noqa: F401


def lemmatize(word: str, pos: str = "n") -> str:
    """The lemma of ``word`` for the part of speech ``pos``, lower-cased (algorithm: module docstring).

    Unknown words come back unchanged but lower-cased (``"Zyzzyva"`` ->
    ``"zyzzyva"``). Raises ``TypeError`` if ``word`` is not a ``str``, and
    ``ValueError`` (naming ``pos``) if ``pos`` is not one of ``"n"``, ``"v"``,
    ``"a"``, ``"r"`` -- exactly these lower-case letters.

        >>> lemmatize("ran", "v"), lemmatize("Studied", "v"), lemmatize("bigger", "a")
        ('run', 'study', 'big')
    """
    raise NotImplementedError("lemmatization.lemmatize: not implemented yet")


def lemmatize_tokens(tokens: list[str], pos_tags: list[str] | None = None) -> list[str]:
    """``[lemmatize(token, tag) for ...]``: a new list, one lemma per token.

    ``pos_tags``: a list with one tag per token (same letters as :func:`lemmatize`),
    or ``None`` to treat every token as a noun. Punctuation and unknown words come
    back lower-cased and otherwise unchanged.

    Raises ``TypeError`` if ``tokens`` is not a ``list`` of ``str`` or
    ``pos_tags`` is not ``None`` nor a ``list``; ``ValueError`` if
    ``len(pos_tags) != len(tokens)`` (message naming ``pos_tags`` or ``tokens``) or a
    tag is not valid (naming ``pos_tags``, or ``pos`` as :func:`lemmatize` does).

        >>> lemmatize_tokens(["The", "mice", "were", "running"], ["n", "n", "v", "v"])
        ['the', 'mouse', 'be', 'run']
    """
    raise NotImplementedError("lemmatization.lemmatize_tokens: not implemented yet")
