"""Hidden graders for data_privacy.

The corpus tests score on ``graders/data/pii_heldout.jsonl``: sentences written for the
graders in the same way as the kit's public corpus (``kit/data/pii_corpus.jsonl``) and
labelled by the same rules, that the student copy does not contain -- so a submission
that looks sentences up in the public corpus scores nothing here
(``graders/selftests/test_kit_gives_no_answers.py`` checks both).
"""

from pathlib import Path

import pytest

from kit.checks import expect_equal, expect_raises, expect_type
from kit.datasets_privacy import KINDS, NEGATIVE_KINDS, load_pii_corpus, precision_recall

HELDOUT = Path(__file__).resolve().parent / "data" / "pii_heldout.jsonl"
CORPUS = load_pii_corpus(HELDOUT)  # held out: never shipped to students
THRESHOLD = 0.9  # precision and recall per kind asked of a submission (the reference: 1.0)
# Hard negatives count only where the redactor still finds the PII next to them: at least
# this share of the PII in the sentences holding them (doing nothing leaves them alone, too).
NEGATIVES_RECALL = 0.5


def _findings(findings, what):
    expect_type(findings, list, what, hint="return (redacted_text, findings) with findings a list")
    try:
        return [(f.kind, f.start, f.end, f.text) for f in findings]
    except AttributeError:
        raise AssertionError(f"{what}: each finding should be a PiiFinding (kind, start, end, text)") from None


def _redact(impl, text, what=None):
    what = what or f"redact_pii({text!r})"
    result = impl.redact_pii(text)
    expect_type(result, tuple, what, hint="return a tuple (redacted_text, findings)")
    assert len(result) == 2, f"{what}: should return a pair (redacted_text, findings)"
    redacted, findings = result
    expect_type(redacted, str, f"{what}[0]")
    return redacted, _findings(findings, f"{what}[1]")


def _spans(text, *pieces):
    """[(kind, start, end, piece)] for the (kind, piece) pairs, found left to right in text."""
    out, position = [], 0
    for kind, piece in pieces:
        start = text.index(piece, position)
        out.append((kind, start, start + len(piece), piece))
        position = start + len(piece)
    return out


# --------------------------------------------------------------------------- exact cases

POSITIVE = [
    # (text, [(kind, piece), ...], what it checks, hint)
    ("Write to j.smith+newsletter@mail.example.co.uk today.",
     [("EMAIL", "j.smith+newsletter@mail.example.co.uk")], "email: dots, plus tag, subdomains",
     "the local part may hold dots and +tags; the domain may have several labels"),
    ("CONTACT: Hans.Mueller@Example.COM.", [("EMAIL", "Hans.Mueller@Example.COM")],
     "email: capitals, final full stop", "the full stop that ends the sentence is not part of it"),
    ("<dev-team@lists.example.org>", [("EMAIL", "dev-team@lists.example.org")], "email: hyphens, brackets",
     "hyphens are allowed in both parts"),
    ("mailto:bob_99@example.info", [("EMAIL", "bob_99@example.info")], "email: digits, underscore, long TLD",
     "a top-level domain can be longer than 3 letters"),
    ("Ask o'brien@example.ie now", [("EMAIL", "o'brien@example.ie")], "email: apostrophe",
     "an apostrophe between letters belongs to the local part"),
    ("Schreib an josé.garcía@exämple.de.", [("EMAIL", "josé.garcía@exämple.de")],
     "email: letters of any alphabet", "letters of any alphabet are letters (\\w, not [A-Za-z])"),
    ("Phone (555) 201-3344 now", [("PHONE", "(555) 201-3344")], "phone: (555) 201-3344", None),
    ("Call +1-555-201-3344 or +1.555.201.3344", [("PHONE", "+1-555-201-3344"), ("PHONE", "+1.555.201.3344")],
     "phone: a separator after +1", "after +1 comes nothing or one space, hyphen or dot"),
    ("Mixed 555.201-3344 works", [("PHONE", "555.201-3344")], "phone: mixed separators",
     "each separator is chosen on its own"),
    ("Phone (555)201-3344 now", [("PHONE", "(555)201-3344")], "phone: (555)201-3344", None),
    ("It came from 555.867.5309 at night", [("PHONE", "555.867.5309")], "phone: dots", None),
    ("Try 555 123 4567 or 212-555-0178.", [("PHONE", "555 123 4567"), ("PHONE", "212-555-0178")],
     "phone: spaces and hyphens", None),
    ("Toll free: 1-800-555-0199.", [("PHONE", "1-800-555-0199")], "phone: 1- prefix",
     "the 1- country prefix belongs to the number"),
    ("Ring +1 (415) 555-0132!", [("PHONE", "+1 (415) 555-0132")], "phone: +1 and parentheses", None),
    ("London: +44 20 7946 0958; Paris: +33 1 99 00 12 34.",
     [("PHONE", "+44 20 7946 0958"), ("PHONE", "+33 1 99 00 12 34")], "phone: international groups",
     "+country code, then groups of digits"),
    ("Text +15551234567 to confirm", [("PHONE", "+15551234567")], "phone: +digits", None),
    ("Card 4111111111111111 on file", [("CARD", "4111111111111111")], "card: one run of 16", None),
    ("MC 5555 5555 5555 4444, Visa 4012-8888-8888-1881", [("CARD", "5555 5555 5555 4444"),
                                                         ("CARD", "4012-8888-8888-1881")],
     "card: 4-4-4-4 groups", "groups of four separated by spaces or hyphens"),
    ("Amex 3782 822463 10005 and 371449635398431.", [("CARD", "3782 822463 10005"), ("CARD", "371449635398431")],
     "card: American Express (15 digits)", "Amex numbers have 15 digits, grouped 4-6-5"),
    ("Old Visa 4222222222222 still works", [("CARD", "4222222222222")], "card: 13 digits", None),
    ("Diners 30569309025904.", [("CARD", "30569309025904")], "card: 14 digits", None),
    ("From 192.168.0.12 to 8.8.8.8.", [("IP", "192.168.0.12"), ("IP", "8.8.8.8")], "ip: two addresses",
     "the full stop after the last number is not part of the address"),
    ("Broadcast 255.255.255.255 and 0.0.0.0", [("IP", "255.255.255.255"), ("IP", "0.0.0.0")],
     "ip: the extremes 0 and 255", None),
    ("Listening on 127.0.0.1:8080", [("IP", "127.0.0.1")], "ip: followed by a port", None),
    ("SSN 219-09-9999 leaked", [("SSN", "219-09-9999")], "ssn: hyphens", None),
    ("SSN 321 54 9876 leaked", [("SSN", "321 54 9876")], "ssn: spaces", None),
    ("Numbers 665-12-3456 and 899-99-9999 are possible", [("SSN", "665-12-3456"), ("SSN", "899-99-9999")],
     "ssn: just inside the valid ranges", "only 000, 666 and 900-999 are impossible areas"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("text,pieces,label,hint", POSITIVE, ids=[c[2] for c in POSITIVE])
def test_finds_pii_exactly(impl, text, pieces, label, hint):
    expected = _spans(text, *pieces)
    redacted, findings = _redact(impl, text, f"redact_pii(...) [{label}]")
    expect_equal(findings, expected, f"findings of redact_pii({text!r})",
                 hint=hint or "check which characters your pattern takes in at both ends")
    expected_text = text
    for kind, start, end, _ in reversed(expected):
        expected_text = expected_text[:start] + f"<{kind}>" + expected_text[end:]
    expect_equal(redacted, expected_text, f"redacted text of {text!r}",
                 hint="replace each piece of PII by <KIND>; keep everything else as it is")


NEGATIVE = [
    # (text, what it checks, hint)
    ("Founded in 1998, sold in 2021.", "years", "a year is not PII"),
    ("It cost $1,299.99, then €2.499,00, then USD 4,999.00.", "prices", "prices are not PII"),
    ("Order #1045782 and order #4111111111111111.", "order numbers after #",
     "a number glued to '#' is an order number, even one that passes the Luhn check"),
    ("Amazon order 114-3941689-8772719 arrived.", "Amazon-style order number",
     "three groups 3-7-7 are no phone number: the groups must be 3-3-4"),
    ("Upgrade 3.11.4 to 3.12.1 or v1.2.3.4; build 120.0.6099.109.", "version strings",
     "a version is not an IP: v1.2.3.4 is glued to a letter, 6099 is above 255"),
    ("Due 2024-03-15, 12/01/2023 or 05.10.2023.", "dates", "dates are not phone numbers"),
    ("Cards 4111 1111 1111 1112 and 1234 5678 9012 3456 are fake.", "card-like, Luhn fails",
     "only numbers that pass the Luhn check are card numbers"),
    ("Invalid: 000-12-3456, 666-45-1234, 900-12-3456, 999-99-9999.", "SSN areas never issued",
     "areas 000, 666 and 900-999 are never issued"),
    ("Invalid: 123-00-4567 and 123-45-0000.", "SSN group 00 / serial 0000",
     "group 00 and serial 0000 are never issued"),
    ("ISBN 978-3-16-148410-0, ZIP 94105-1234, call 911, ext. 555-1234.", "phone-like numbers",
     "a phone number here has 3-3-4 digits (or starts with +)"),
    ("Not addresses: 300.12.45.6, 10.0.0.256, 1.2.3, 1.2.3.4.5 and 10.0.0.0/8.", "IP-like strings",
     "each of the four numbers must be 0-255, and there are exactly four"),
    ("Temperature +12.5, population 8,336,817, ratio 1:1000.", "other numbers", None),
    ("IBAN DE89 3704 0044 0532 0130 00 is a bank account.", "IBAN groups",
     "four groups of four inside a longer run of groups are not a card"),
    ("Not phones: (555)-201-3344, 555/201/3344 and 555-201-3344-12.", "phone-like, other separators",
     "after (555) comes nothing or one space; / is no separator; a longer run of groups is not a phone"),
    ("Not addresses: a@b.com-x, a@b.com_x and a@example.c0m.", "e-mail glued to more",
     "an address followed by '-', a word character, or a dot and a letter/digit is part of something else"),
    ("Not an SSN: 123-45 6789.", "SSN with two different separators", "both separators must be the same"),
    ("Follow @handle or write to user@localhost.", "not e-mail addresses",
     "an e-mail address needs a domain with a top-level part (example.com)"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("text,label,hint", NEGATIVE, ids=[c[1] for c in NEGATIVE])
def test_leaves_non_pii_alone(impl, text, label, hint):
    redacted, findings = _redact(impl, text, f"redact_pii(...) [{label}]")
    assert not findings, (f"redact_pii [{label}]: found {[(k, t) for k, _, _, t in findings]} in {text!r}, "
                          f"which holds no PII" + (f"\n  hint: {hint}" if hint else ""))
    expect_equal(redacted, text, f"redact_pii [{label}] should return the text unchanged")


# --------------------------------------------------------------------------- offsets, placeholders


@pytest.mark.points(2)
def test_offsets_are_into_the_original_text(impl):
    text = ("Mail j.smith+newsletter@mail.example.co.uk, call +44 20 7946 0958, "
            "pay with 4111 1111 1111 1111 from 10.0.0.1 (SSN 219-09-9999).")
    _, findings = _redact(impl, text)
    assert len(findings) == 5, f"expected 5 pieces of PII in {text!r}, got {len(findings)}"
    for kind, start, end, piece in findings:
        assert text[start:end] == piece, (
            f"a {kind} finding says start={start}, end={end}, text={piece!r}, but the original text has "
            f"{text[start:end]!r} there: offsets must point into the ORIGINAL text, not the redacted one")


@pytest.mark.points(1)
def test_findings_are_in_order_of_position(impl):
    text = "SSN 219-09-9999, IP 8.8.8.8, mail a@example.com, phone 555-123-4567, card 4111111111111111"
    _, findings = _redact(impl, text)
    starts = [f[1] for f in findings]
    expect_equal([f[0] for f in findings], ["SSN", "IP", "EMAIL", "PHONE", "CARD"],
                 "kinds of the findings, in order", hint="sort the findings by their start offset")
    assert starts == sorted(starts), "findings must be sorted by position"


@pytest.mark.points(2)
@pytest.mark.parametrize("kind,piece", [("EMAIL", "kim@example.com"), ("PHONE", "(206) 555-0147"),
                                        ("CARD", "6011 1111 1111 1117"), ("IP", "203.0.113.156"),
                                        ("SSN", "078-05-1120")])
def test_placeholders(impl, kind, piece):
    redacted, _ = _redact(impl, f"[{piece}]")
    expect_equal(redacted, f"[<{kind}>]", f"redact_pii('[{piece}]')[0]",
                 hint="the placeholder is the kind in angle brackets: <EMAIL>, <PHONE>, <CARD>, <IP>, <SSN>")


@pytest.mark.points(1)
def test_redacting_twice_changes_nothing_more(impl):
    once, _ = _redact(impl, "Call 555-123-4567 or mail a@example.com from 10.0.0.1.")
    twice, findings = _redact(impl, once)
    assert twice == once and not findings, "redacting already redacted text should find nothing"


@pytest.mark.points(1)
def test_text_without_pii(impl):
    for text in ["", "   ", "Nothing to see here."]:
        redacted, findings = _redact(impl, text)
        assert redacted == text and findings == [], f"redact_pii({text!r}) should return ({text!r}, [])"


@pytest.mark.points(1)
@pytest.mark.parametrize("bad", [None, b"a@example.com", ["a@example.com"], 42])
def test_redact_rejects_non_strings(impl, bad):
    with expect_raises(TypeError, f"redact_pii({bad!r})"):
        impl.redact_pii(bad)


# --------------------------------------------------------------------------- the corpus


def _corpus_predictions(impl):
    predictions = []
    for record in CORPUS:
        _, findings = _redact(impl, record["text"], f"redact_pii(held-out corpus sentence {record['id']})")
        predictions.append([f[:3] for f in findings])
    return predictions


@pytest.fixture(scope="module")
def corpus_scores(impl):
    predictions = _corpus_predictions(impl)
    return predictions, precision_recall(predictions, CORPUS)


@pytest.mark.points(2)
@pytest.mark.parametrize("kind", KINDS)
def test_corpus_precision_and_recall(corpus_scores, kind):
    _, table = corpus_scores
    row = table[kind]
    assert row["recall"] >= THRESHOLD, (
        f"{kind}: recall {row['recall']:.2f} on held-out sentences like those of the kit's PII corpus is "
        f"below {THRESHOLD}: some written forms of {kind} that the rules in the stub's docstring allow are "
        "missed, or their offsets are off (python -m kit.pii_report --errors shows your mistakes on the "
        "public corpus; the rules, not that corpus's sentences, are what is scored)")
    assert row["precision"] >= THRESHOLD, (
        f"{kind}: precision {row['precision']:.2f} on held-out sentences like those of the kit's PII corpus "
        f"is below {THRESHOLD}: too many things that are not {kind} by the stub's rules are redacted as such")


@pytest.mark.points(1)
@pytest.mark.parametrize("what", NEGATIVE_KINDS)
def test_corpus_hard_negatives_left_alone(corpus_scores, what):
    predictions, _ = corpus_scores
    touched = found = gold = 0
    for record, predicted in zip(CORPUS, predictions):
        negatives = [n for n in record["not_pii"] if n["what"] == what]
        if not negatives:
            continue
        touched += sum(any(start < n["end"] and n["start"] < end for _, start, end in predicted)
                       for n in negatives)
        expected = {(s["kind"], s["start"], s["end"]) for s in record["pii"]}
        found += len(expected & set(map(tuple, predicted)))
        gold += len(expected)
    name = what.replace("_", " ")
    assert not touched, (f"held-out corpus: {touched} thing(s) that are a {name} (not PII) were redacted"
                         "\n  hint: the stub's docstring lists what is not PII and the boundary rules")
    assert found >= NEGATIVES_RECALL * gold, (
        f"held-out corpus: in the sentences holding a {name}, less than {NEGATIVES_RECALL:.0%} of the PII "
        "was found exactly: leaving the hard negatives alone counts only while the PII next to them is "
        "still redacted")


# --------------------------------------------------------------------------- Luhn

VALID_CARDS = ["4111111111111111", "4012888888881881", "4222222222222", "5555555555554444",
               "5105105105105100", "2223003122003222", "378282246310005", "371449635398431",
               "6011111111111117", "6011000990139424", "30569309025904", "38520000023237",
               "3530111333300000", "3566002020360505"]


def _change_last_digit(number):
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.mark.points(2)
def test_luhn_accepts_the_test_card_numbers(impl):
    rejected = [n for n in VALID_CARDS if impl.luhn_valid(n) is not True]
    assert not rejected, (
        f"luhn_valid rejected {len(rejected)} well-known valid test card number(s), e.g. {rejected[0]} "
        f"({len(rejected[0])} digits)\n  hint: double every second digit counting from the RIGHT "
        "(the check digit is not doubled); with an odd number of digits, counting from the left differs")


@pytest.mark.points(2)
def test_luhn_rejects_a_changed_check_digit(impl):
    accepted = [_change_last_digit(n) for n in VALID_CARDS if impl.luhn_valid(_change_last_digit(n)) is not False]
    assert not accepted, f"luhn_valid accepted {len(accepted)} number(s) whose check digit was changed"


@pytest.mark.points(1)
@pytest.mark.parametrize("number", ["4111 1111 1111 1111", "4111-1111-1111-1111", "3782 822463 10005",
                                    " 4012 8888 8888 1881 "])
def test_luhn_ignores_spaces_and_hyphens(impl, number):
    expect_equal(impl.luhn_valid(number), True, f"luhn_valid({number!r})", hint="spaces and hyphens are ignored")


@pytest.mark.points(1)
@pytest.mark.parametrize("number", ["4111.1111.1111.1111", "4111 1111 1111 111l", "+4111111111111111",
                                    "4111/1111/1111/1111", "", " - "])
def test_luhn_other_characters_or_no_digits(impl, number):
    expect_equal(impl.luhn_valid(number), False, f"luhn_valid({number!r})",
                 hint="only spaces and hyphens may be ignored; any other non-digit makes it False, "
                      "and so does a string with no digits")


@pytest.mark.points(1)
@pytest.mark.parametrize("bad", [4111111111111111, None, ["4111"]])
def test_luhn_rejects_non_strings(impl, bad):
    with expect_raises(TypeError, f"luhn_valid({bad!r})", hint="the number must be given as a str"):
        impl.luhn_valid(bad)
