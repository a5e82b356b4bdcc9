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

Lemmas and stems: a *stemmer* (Porter's, 1980, and its successor Snowball) strips
suffixes by rule without a dictionary, so its output is often not a word. The last
function, :func:`lemmas_and_stems`, puts your lemmas next to NLTK's stems and asks
whether each stem is a word at all.

How it is checked: the tests compare your lemmas on the course's words,
irregular forms, doubled consonants and y -> i (stopped, bigger, studied), the
same word with different parts of speech and unknown words; and your lemmas
must agree with the ``lemminflect`` package on at least 90 % of several hundred
common inflected words; :func:`lemmas_and_stems` is compared with NLTK's stemmers
themselves on the same words. Wrong types raise ``TypeError``, a bad ``pos``, a bad
``stemmer`` or a length mismatch ``ValueError``, each with a message that names the
offending argument (the kit's rule), e.g. ``"pos: expected one of 'n', 'v', 'a', 'r',
got 'noun'"``.
"""

from __future__ import annotations

from nltk.stem import PorterStemmer, SnowballStemmer  # noqa: F401

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


def lemmas_and_stems(tokens: list[str], pos_tags: list[str] | None = None, *,
                     stemmer: str = "porter") -> list[tuple[str, str, bool]]:
    """Your lemma next to a stemmer's stem: one ``(lemma, stem, stem_is_a_word)`` per token.

    A *stemmer* cuts suffixes by rule and never looks a word up, so its output need not be
    a word ("studies" -> "studi") and irregular forms stay as they are ("mice" -> "mice");
    it is fast and needs no dictionary, which is why search engines use one. Here NLTK's
    stemmers (no NLTK data needed) give the stems:

    * ``lemma`` -- ``lemmatize(token, tag)``, tags as in :func:`lemmatize_tokens`
      (``None``: every token a noun);
    * ``stem`` -- ``PorterStemmer().stem(token)`` for ``stemmer="porter"``,
      ``SnowballStemmer("english").stem(token)`` for ``stemmer="snowball"`` (both from
      ``nltk.stem``, default settings; they lower-case the token themselves);
    * ``stem_is_a_word`` -- whether the stem is in ``known_lemmas(tag)``: is it a base
      form of that part of speech at all?

    Same ``TypeError``/``ValueError`` for ``tokens`` and ``pos_tags`` as
    :func:`lemmatize_tokens`; ``ValueError`` (naming ``stemmer``) if ``stemmer`` is not
    ``"porter"`` or ``"snowball"``.

        >>> lemmas_and_stems(["studies", "running", "mice"], ["n", "v", "n"])
        [('study', 'studi', False), ('run', 'run', True), ('mouse', 'mice', False)]
        >>> lemmas_and_stems(["fairly"], ["r"], stemmer="snowball")
        [('fairly', 'fair', True)]
    """
    raise NotImplementedError("lemmatization.lemmas_and_stems: not implemented yet")
