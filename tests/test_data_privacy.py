"""Public tests for data_privacy (run: pytest -m data_privacy)."""

import pytest

from kit.checks import expect_equal, expect_raises, expect_type


def findings_as_tuples(findings, what):
    """``[(kind, start, end, text), ...]`` from the PiiFinding objects returned."""
    expect_type(findings, list, what, hint="return (redacted_text, findings) with findings a list")
    try:
        return [(f.kind, f.start, f.end, f.text) for f in findings]
    except AttributeError:
        raise AssertionError(f"{what}: each finding should be a PiiFinding (kind, start, end, text)") from None


@pytest.mark.points(2)
def test_worked_example(impl):
    text = "Mail maria.lopez@example.com or call (555) 201-3344."
    redacted, findings = impl.redact_pii(text)
    expect_equal(redacted, "Mail <EMAIL> or call <PHONE>.", f"redact_pii({text!r})[0]")
    expect_equal(findings_as_tuples(findings, "findings"),
                 [("EMAIL", 5, 28, "maria.lopez@example.com"), ("PHONE", 37, 51, "(555) 201-3344")],
                 f"redact_pii({text!r})[1]",
                 hint="start/end are offsets into the original text: text[start:end] is the PII")


@pytest.mark.points(1)
def test_luhn_on_a_test_card_number(impl):
    expect_equal(impl.luhn_valid("4111 1111 1111 1111"), True, 'luhn_valid("4111 1111 1111 1111")',
                 hint="spaces are ignored; double every second digit from the right")
    expect_equal(impl.luhn_valid("4111 1111 1111 1112"), False, 'luhn_valid("4111 1111 1111 1112")')


@pytest.mark.points(1)
def test_a_card_only_when_the_luhn_check_passes(impl):
    redacted, _ = impl.redact_pii("Valid 4111-1111-1111-1111, invalid 4111-1111-1111-1112.")
    expect_equal(redacted, "Valid <CARD>, invalid 4111-1111-1111-1112.", "redact_pii(two card-like numbers)",
                 hint="a 16-digit number that fails the Luhn check is not a card number")


@pytest.mark.points(1)
def test_years_prices_and_order_numbers_are_not_pii(impl):
    text = "Founded in 1998, order #1045782 cost $1,299.99 with version 3.12.1 on 2024-03-15."
    redacted, findings = impl.redact_pii(text)
    expect_equal(redacted, text, "redact_pii(a sentence without PII)",
                 hint="only the five kinds of PII are replaced; ordinary numbers stay")
    expect_equal(findings_as_tuples(findings, "findings"), [], "findings of a sentence without PII")


@pytest.mark.points(1)
def test_ip_and_ssn(impl):
    redacted, _ = impl.redact_pii("Login from 203.0.113.42 by SSN 219-09-9999; 300.1.2.3 is no address.")
    expect_equal(redacted, "Login from <IP> by SSN <SSN>; 300.1.2.3 is no address.", "redact_pii(IP and SSN)",
                 hint="each number of an IPv4 address is between 0 and 255")


@pytest.mark.points(1)
def test_boundaries_as_documented(impl):
    text = "Seen at 8.8.8.8. Range 10.0.0.0/8. Call +1-555-201-3344, not (555)-201-3344."
    redacted, _ = impl.redact_pii(text)
    expect_equal(redacted, "Seen at <IP>. Range 10.0.0.0/8. Call <PHONE>, not (555)-201-3344.",
                 f"redact_pii({text!r})[0]",
                 hint="a full stop ending the sentence is not part of an IP; '/8' makes a network range; "
                      "after +1 one separator may follow; after (555) only nothing or one space")


@pytest.mark.points(1)
def test_non_string_is_a_type_error(impl):
    with expect_raises(TypeError, "redact_pii(None)", arg="text"):
        impl.redact_pii(None)
