"""The English lemma lexicon for the ``lemmatization`` exercise (a public helper).

A WordNet-"morphy"-style lemmatizer needs three things besides its code:

* :data:`SUFFIX_RULES` -- per part of speech, the suffix-detachment rules
  ``(suffix, replacement)`` to try, in order (WordNet's own rules);
* :func:`known_lemmas` -- the base forms (lemmas) that exist for a part of speech,
  to accept or reject what a rule produces (``buses`` -> ``bus`` yes, ``bus`` ->
  ``bu`` no);
* :func:`exceptions` -- the irregular forms: every inflected form whose lemma the
  rules cannot reach (``ran`` -> ``run``, ``mice`` -> ``mouse``, ``better`` ->
  ``good``, ``stopped`` -> ``stop``, ``studied`` -> ``study``).

Parts of speech are WordNet's letters: ``"n"`` noun, ``"v"`` verb, ``"a"``
adjective, ``"r"`` adverb.

The irregular forms are precomputed in ``kit/data/lemma_exceptions.tsv``.

Source: the lookup table shipped inside the ``lemminflect`` package (MIT licence,
a core dependency of the kit; ``lemminflect/resources/lemma_lu.csv.gz``, about
80,000 ``form,category,lemma[/lemma...]`` rows). Nothing is downloaded: the
table is read from the installed package the first time a function here is
called (about half a second) and cached for the rest of the process. Proper
nouns (capitalised rows) and forms that do not start with a letter are left out;
the ``aux`` and ``modal`` rows are left out too (``"v"`` is lemminflect's
``VERB``). Where lemminflect lists several lemmas for a form, the first one is
the lemma.

    >>> from kit import lexicon
    >>> "bus" in lexicon.known_lemmas("n"), "bu" in lexicon.known_lemmas("n")
    (True, False)
    >>> lexicon.exceptions("v")["ran"]
    'run'
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

#: The parts of speech, as WordNet's letters.
POS_TAGS: tuple[str, ...] = ("n", "v", "a", "r")

#: Suffix-detachment rules per part of speech, in the order to try them: a word
#: ending in ``suffix`` may be ``word[:-len(suffix)] + replacement``. These are
#: WordNet's rules (``morphy``); adverbs have none (their inflected forms --
#: ``faster``, ``best`` -- are all in the exception table).
SUFFIX_RULES: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType({
    "n": (("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"),
          ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
          ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
})

_CATEGORY_TO_POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}


def _check_pos(pos: str) -> None:
    if pos not in POS_TAGS:
        raise ValueError(f"pos must be one of {', '.join(map(repr, POS_TAGS))}, got {pos!r}")


def _lemminflect_table() -> Path:
    spec = importlib.util.find_spec("lemminflect")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("kit.lexicon needs the lemminflect package: pip install lemminflect")
    return Path(spec.origin).parent / "resources" / "lemma_lu.csv.gz"


@functools.lru_cache(maxsize=1)
def _forms() -> dict[str, dict[str, str]]:
    """pos -> {form: first lemma} for every lower-case row of lemminflect's table."""
    forms: dict[str, dict[str, str]] = {pos: {} for pos in POS_TAGS}
    with gzip.open(_lemminflect_table(), "rt", encoding="utf-8") as f:
        for line in f:
            form, category, lemmas = line.rstrip("\n").split(",")
            pos = _CATEGORY_TO_POS.get(category)
            if pos is None or not form[:1].isalpha() or form != form.lower():
                continue
            lemma = lemmas.split("/")[0]
            if lemma == lemma.lower():
                forms[pos][form] = lemma
    return forms


@functools.cache
def known_lemmas(pos: str) -> frozenset[str]:
    """The lower-case lemmas (base forms) known for ``pos`` (``ValueError`` for another tag)."""
    _check_pos(pos)
    return frozenset(_forms()[pos].values())


@functools.cache
def exceptions(pos: str) -> Mapping[str, str]:
    """The irregular forms of ``pos``: a read-only ``{form: lemma}`` (``ValueError`` for another tag).

    It holds exactly the inflected forms whose lemma the lexicon-checked
    :data:`SUFFIX_RULES` do not give: the word is not itself a known lemma and
    the first rule (in order) whose result is a known lemma gives the right one.
    So "look the word up here first, then: the word itself if it is a known
    lemma, then the first rule whose result is a known lemma, else the word
    unchanged" reproduces lemminflect's lemma for every form in its table.
    """
    _check_pos(pos)
    return MappingProxyType(_exception_table()[pos])


@functools.lru_cache(maxsize=1)
def _exception_table() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {pos: {} for pos in POS_TAGS}
    text = (Path(__file__).parent / "data" / "lemma_exceptions.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            pos, form, lemma = line.split("\t")
            table[pos][form] = lemma
    return table
