"""Personally identifiable information (PII): finding it and redacting it.

Course: chapter 4, "Data privacy".

Text collected to train a language model is full of things that point at a real
person: e-mail addresses, phone numbers, payment card numbers, the IP address a
message came from, social security numbers. A model trained on them can repeat
them word for word, so a privacy-minded data pipeline finds them first and
replaces each one by a placeholder naming its kind. You write that step.

:func:`redact_pii` returns the redacted text and the list of what it replaced,
as :class:`PiiFinding` objects (given complete below) whose ``start``/``end``
are offsets into the **original** text, in order of position::

    >>> redact_pii("Mail maria.lopez@example.com or call (555) 201-3344.")
    ('Mail <EMAIL> or call <PHONE>.',
     [PiiFinding(kind='EMAIL', start=5, end=28, text='maria.lopez@example.com'),
      PiiFinding(kind='PHONE', start=37, end=51, text='(555) 201-3344')])

The hard part is not what to catch but what to leave alone: "founded in 1998",
"$1,299.99", "order #1045782", "version 3.12.1", "2024-03-15" are not PII, and a
16-digit number is a payment card only if its check digit is right (the Luhn
check, :func:`luhn_valid`). Redacting everything that looks like a number
destroys the text for nothing.

What counts as each kind (the rules of this kit; the tests follow them exactly)
-------------------------------------------------------------------------------
Words used below: a *digit* is an ASCII digit ``0``-``9``; a *letter* is a letter
of any alphabet (``é``, ``ß``, ``ж`` count); a *word character* is a letter, a
digit (of any script) or ``_`` -- what ``\\w`` matches in Python's ``re``.

``EMAIL``
    a local part, ``@``, a domain.

    * local part: one or more word characters or ``% + -``, with single dots or
      apostrophes allowed *between* two of them (``j.smith+news``, ``o'brien``;
      not ``.j``, ``j..s``);
    * domain: two or more labels joined by single dots; a label is word characters
      and hyphens that starts and ends with a letter or digit (not ``_``, not
      ``-``); the last label (the top-level domain) is two or more letters only
      (``mail.example.co.uk``; not ``localhost``, not ``example.c0m``);
    * the address must stand on its own: it is not detected when preceded by a
      word character or one of ``. % + ' -``, or followed by a word character, a
      hyphen, or a dot and then a letter or digit (``a@b.com-x`` and ``a@b.com_x``
      are no addresses). A full stop that ends the sentence is not part of it:
      ``write to a@b.com.`` finds ``a@b.com``.
``PHONE``
    *North American*: an optional prefix ``+1`` (then nothing or one space, hyphen
    or dot) or ``1`` (then exactly one space, hyphen or dot); the area code,
    either three digits followed by one space, hyphen or dot, or three digits in
    parentheses followed by nothing or one space; then three digits, one space,
    hyphen or dot, four digits. Each separator is chosen on its own, so mixed
    separators count (``555.201-3344``). Examples: ``555-201-3344``,
    ``555.201.3344``, ``555 201 3344``, ``(555) 201-3344``, ``(555)201-3344``,
    ``+1 555 201 3344``, ``+1-555-201-3344``, ``+1 (415) 555-0132``,
    ``1-800-555-0199``. Not a phone: ``(555)-201-3344`` (a hyphen after the
    parentheses), ``555/201/3344``, seven-digit local numbers ``201-3344``, ten
    digits without separators ``5552013344``.

    *International*: ``+``, a country code of 1 to 3 digits, then 1 to 6 groups of
    1 to 8 digits, each group after exactly one space, hyphen or dot
    (``+44 20 7946 0958``, ``+33 1 99 00 12 34``); or ``+`` and 8 to 15 digits with
    no separator (``+15551234567``). Either way 8 to 15 digits in all, the
    country code included. The ``+`` must not follow a word character or
    another ``+``.
``CARD``
    13 to 19 digits in one run (``4111111111111111``), or four groups of four
    (``4111 1111 1111 1111``, ``4111-1111-1111-1111``), or 4-6-5 (American Express,
    ``3782 822463 10005``), the same separator (one space or one hyphen; not a dot)
    throughout -- **and** :func:`luhn_valid` must be true.
``IP``
    an IPv4 address: four numbers from 0 to 255 joined by single dots:
    ``192.168.0.12``. No leading zeros (``0`` itself is fine, ``01`` is not):
    ``300.1.2.3``, ``10.0.0.256`` and ``1.2.3`` are not addresses.
``SSN``
    a US social security number ``AAA-GG-SSSS``: 3, 2 and 4 digits separated by
    two hyphens or two single spaces (the same separator both times:
    ``123 45 6789`` counts, ``123-45 6789`` does not), that could have been
    issued: the area ``AAA`` is not ``000``, ``666`` or ``900``-``999``; the group
    ``GG`` is not ``00``; the serial ``SSSS`` is not ``0000``. Nine digits with no
    separator are not detected.

Boundaries -- a candidate that is only a piece of something longer is not PII.

* PHONE, CARD, SSN (the whole match, prefix included) are not detected when
  *followed* by a word character, ``/`` or ``-``, or by one of space, ``.``,
  ``,``, ``-`` and then a digit; nor -- except the international phones, whose
  start rule is given above -- when *preceded* by a word character, ``#``,
  ``.``, ``/`` or ``-``, or by a digit and then one of space, ``.``, ``,``,
  ``-``. So ``#4111111111111111``, ``114-3941689-8772719``, the groups of
  ``DE89 3704 0044 0532 0130 00`` and ``555-201-3344-12`` are not PII, while
  ``Call 555-201-3344.`` and ``(555) 201-3344, or`` are.
* IP is not detected when *preceded* by a word character, ``.`` or ``-``, nor when
  *followed* by a word character, ``/``, ``-``, or a ``.`` and then a digit: so
  ``v1.2.3.4``, ``1.2.3.4.5`` and the network range ``10.0.0.0/8`` are not
  addresses, while the address ending a sentence (``from 8.8.8.8.``) and one
  followed by a port (``127.0.0.1:8080``) are.

If two candidates overlap, the one that starts first wins; of two that start
together, the longer; of two equal spans, the kind that comes first in
:data:`KINDS`.

Errors: a ``TypeError`` message names the offending argument (the kit's rule),
e.g. ``"text: expected a str, got bytes"``.

How it is checked: exact placeholders and offsets on many small cases of each
kind, the boundary cases above among them; the Luhn check against the
well-known test card numbers (and the same numbers with one digit changed); no
findings on years, prices, order numbers, version strings, dates, invalid card
or social security numbers; and, on held-out sentences of the same sort as the
kit's labelled corpus (``kit/data/pii_corpus.jsonl``) but not shipped with the kit,
precision and recall per kind of at least 0.9, and the hard negatives of each sort
(years, prices, ..., the ``not_pii`` tags of that corpus) left alone in sentences
where at least half of the PII is found exactly. The held-out sentences follow the
rules above and nothing else, so write the rules, not the corpus's answers:
``python -m kit.pii_report --errors`` shows your figures and mistakes on the public
corpus, which is there to practise on.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The kinds of PII, and (in this order) the placeholders ``<EMAIL>``, ``<PHONE>``, ...
KINDS = ("EMAIL", "PHONE", "CARD", "IP", "SSN")


@dataclass(frozen=True)
class PiiFinding:
    """One piece of PII (given complete).

    ``kind`` is one of :data:`KINDS`; ``text == original[start:end]``, where
    ``original`` is the text given to :func:`redact_pii` (not the redacted text).
    """

    kind: str
    start: int
    end: int
    text: str


def luhn_valid(number: str) -> bool:
    """Whether ``number`` passes the Luhn check (the check digit of payment cards).

    Spaces and hyphens are ignored (``"4111 1111 1111 1111"`` and
    ``"4111-1111-1111-1111"`` are fine); any other character that is not an ASCII
    digit ``0``-``9`` makes the answer ``False`` (``"4111.1111.1111.1111"``), and
    so does a string with no digits at all (``""``). Otherwise: going from the
    **rightmost** digit leftwards, double every second digit (the 2nd, 4th, ... from
    the right), subtract 9 from any doubled value above 9, add up all the digits;
    the number is valid when the total is a multiple of 10. (Counting from the
    left gives the same answer only when the number of digits is even: 15-digit
    American Express numbers catch that mistake.)

    ``number`` not a ``str`` -> ``TypeError``.

        >>> luhn_valid("4111 1111 1111 1111"), luhn_valid("4111 1111 1111 1112")
        (True, False)
    """
    raise NotImplementedError("data_privacy.luhn_valid: not implemented yet")


def redact_pii(text: str) -> tuple[str, list[PiiFinding]]:
    """Replace every piece of PII in ``text`` by ``<KIND>``; return ``(redacted, findings)``.

    ``findings`` lists a :class:`PiiFinding` per replaced piece, in order of
    position, with ``start``/``end`` into ``text`` (the original). Everything
    else in ``text`` is kept exactly (spaces, punctuation, case). What counts as
    each kind and the boundary rules are in the module docstring. Text without
    PII comes back unchanged with ``[]``.

    Hint: one regular expression per kind (``re.finditer`` gives ``m.start()``,
    ``m.end()``), lookarounds such as ``(?<![\\w#./-])`` for the boundaries, a
    Luhn check on each card candidate, then the placeholders put in from left to
    right, building the result from pieces of the original text.

    ``text`` not a ``str`` -> ``TypeError``.

        >>> redact_pii("Card 4111-1111-1111-1111, order #1045782, $49.50.")[0]
        'Card <CARD>, order #1045782, $49.50.'
    """
    raise NotImplementedError("data_privacy.redact_pii: not implemented yet")
