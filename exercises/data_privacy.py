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

What counts as each kind (the rules of this kit; the tests follow them)
-------------------------------------------------------------------------
``EMAIL``
    a local part (letters, digits and ``_ % + -``; dots or apostrophes only
    *between* such characters: ``j.smith+news``, ``o'brien``), ``@``, then a
    domain: labels of letters/digits (hyphens inside a label allowed) joined by
    dots, ending with a top-level domain of at least two letters
    (``mail.example.co.uk``). A full stop ending the sentence is not part of it.
``PHONE``
    North American: ``555-201-3344``, ``555.201.3344``, ``555 201 3344``,
    ``(555) 201-3344``, ``(555)201-3344``, optionally after ``+1`` or ``1-``
    (``+1 555 201 3344``, ``1-800-555-0199``): three digits, three digits, four
    digits, each separated by one space, hyphen or dot (the area code may be in
    parentheses instead). International: ``+`` and a country code, then groups of
    digits each after one space, hyphen or dot (``+44 20 7946 0958``), or ``+`` and
    the digits alone (``+15551234567``); 8 to 15 digits in all. Seven-digit local
    numbers and numbers without any separator or ``+`` are *not* detected (they
    are indistinguishable from order numbers).
``CARD``
    13 to 19 digits in one run (``4111111111111111``), or four groups of four
    (``4111 1111 1111 1111``, ``4111-1111-1111-1111``), or 4-6-5 (American Express,
    ``3782 822463 10005``), the same separator (one space or one hyphen)
    throughout -- **and** :func:`luhn_valid` must be true.
``IP``
    an IPv4 address: four numbers from 0 to 255 (no leading zeros, ``0`` itself is
    fine) joined by dots: ``192.168.0.12``. ``300.1.2.3`` is not one; neither is a
    network range written ``10.0.0.0/8``, nor ``1.2.3.4.5``.
``SSN``
    a US social security number ``AAA-GG-SSSS`` (hyphens, or single spaces:
    ``123 45 6789``) that could have been issued: the area ``AAA`` is not ``000``,
    ``666`` or ``900``-``999``; the group ``GG`` is not ``00``; the serial
    ``SSSS`` is not ``0000``. Nine digits with no separator are not detected.

Boundaries: a number (PHONE, CARD, SSN) glued to a letter or digit on either
side, preceded by ``#``, ``.``, ``/`` or ``-``, followed by ``/`` or ``-``, or
followed/preceded by a space, dot, comma or hyphen *and another digit* (so that
it is only a piece of a longer number) is part of something else and is not PII:
``#4111111111111111``, ``v1.2.3.4``, ``114-3941689-8772719``, the groups of
``DE89 3704 0044 0532 0130 00``. The same for an IP glued to a letter, a digit,
``.`` or ``-``. If two candidates overlap, the one that starts first wins, and
of two that start together, the longer.

How it is checked: exact placeholders and offsets on many small cases of each
kind; the Luhn check against the well-known test card numbers (and the same
numbers with one digit changed); no findings on years, prices, order numbers,
version strings, dates, invalid card or social security numbers; and precision
and recall per kind of at least 0.9 on the kit's labelled corpus of sentences
(``kit/data/pii_corpus.jsonl``; ``python benchmarks/pii_report.py --impl
exercises --errors`` shows your figures and mistakes).
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
