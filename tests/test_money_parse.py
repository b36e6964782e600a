"""One yuan parser (casework.money.parse_yuan) for public reports, findings, ledgers and screening hits: the
same accepted forms and the same message everywhere; each caller says whether zero is allowed."""

from decimal import Decimal

import pytest

from casework.errors import InvalidInput
from casework.money import MAX_YUAN, parse_yuan

D = Decimal
CEILING_TEXT = "999,999,999,999.99"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12345.60", D("12345.60")),
        ("12345.6", D("12345.60")),
        (" 7 ", D("7.00")),
        ("1,234,567.89", D("1234567.89")),
        ("1.230", D("1.23")),
        (".5", D("0.50")),
        (12, D("12.00")),
        (12.5, D("12.50")),
        (D("0.01"), D("0.01")),
        ("999999999999.99", MAX_YUAN),
    ],
)
def test_accepted_forms(value, expected):
    amount = parse_yuan(value, field="amount")
    assert amount == expected and amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "",
        None,
        True,
        [],
        "1e3",
        "NaN",
        "Infinity",
        float("inf"),
        "12,34",
        "1.234",
        12.345,
        "-5",
        D("-0.01"),
        "1000000000000",
        "999999999999.991",
    ],
)
def test_refused_forms_get_one_message_naming_the_form_and_the_ceiling(value):
    with pytest.raises(InvalidInput) as refused:
        parse_yuan(value, field="amount_due")
    (message,) = refused.value.errors["amount_due"]
    assert CEILING_TEXT in message and "12345.60" in message


def test_zero_only_where_the_caller_allows_it():
    assert parse_yuan("0", field="amount", allow_zero=True) == D("0.00")
    with pytest.raises(InvalidInput) as refused:
        parse_yuan("0", field="amount")
    with pytest.raises(InvalidInput) as negative:
        parse_yuan("-1", field="amount", allow_zero=True)
    assert refused.value.errors["amount"] != negative.value.errors["amount"]  # "above 0" vs "from 0"
    assert CEILING_TEXT in negative.value.errors["amount"][0]


def test_the_four_callers_share_the_message(lead, alice, subject):
    """Public reports, screening hits and findings allow zero; ledgers do not; all refuse with the parser's message."""
    from casework.findings import _money
    from intake.screening_validation import _amount as screening_amount
    from intake.submission import _parse_amount as report_amount
    from ledgers.services import obligation_record
    from workflows.triage import triage_decide

    report_errors, hit_errors, finding_errors = {}, {}, {}
    assert report_amount("12.345", report_errors) is None
    assert screening_amount("12.345", hit_errors) is None
    assert _money("12.345", finding_errors, "fund_loss") == D("0.00")
    assert report_errors["amount_estimate"] == hit_errors["amount"] == finding_errors["fund_loss"]
    assert CEILING_TEXT in hit_errors["amount"][0]
    assert report_amount("0", {}) == D("0.00") and screening_amount(0, {}) == D("0.00")
    assert _money(None, {}, "patient_money") == D("0.00")
    assert report_amount("", {}) is None and screening_amount(None, {}) is None
    case = triage_decide(lead=lead, by=alice, decision="open").case
    with pytest.raises(InvalidInput) as refused:
        obligation_record(case=case, subject=subject, ledger="fine", amount_due="0", basis="罚决", by=alice)
    assert refused.value.errors["amount_due"][0] == parse_yuan_error(allow_zero=False)


def parse_yuan_error(*, allow_zero):
    from casework.money import yuan_error

    return yuan_error(allow_zero=allow_zero)
