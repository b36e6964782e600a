"""Separate ledgers per case: amounts due, payments, balances; never mixed, never overpaid."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casework.errors import InvalidInput
from ledgers.selectors import ledger_totals
from ledgers.services import obligation_record, payment_record
from organisation.roles import Role
from tests.factories import UserFactory, found_loss
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def case(lead, alice):
    return triage_decide(lead=lead, by=alice, decision="open").case


@pytest.fixture
def finance(lyg_bureau):
    return UserFactory(username="finance", agency=lyg_bureau, roles=[Role.FINANCE])


def _owe(case, alice, subject, ledger, amount):
    if ledger == "fund_refund":
        found_loss(case, subject, amount)
    return obligation_record(
        case=case, subject=subject, ledger=ledger, amount_due=amount, basis="连医保罚决〔2026〕1号", by=alice
    )


def test_ledgers_keep_their_own_balances(case, alice, finance, subject):
    refund = _owe(case, alice, subject, "fund_refund", "30000.00")
    fine = _owe(case, alice, subject, "fine", D("60000"))
    today = timezone.localdate()
    payment_record(obligation=refund, by=finance, paid_on=today, amount="10000.50", voucher="JK-001")
    payment_record(obligation=fine, by=finance, paid_on=today, amount=D("60000"), voucher="GK-001")
    totals = ledger_totals(user=alice, case=case)
    assert totals["fund_refund"] == {"due": D("30000.00"), "paid": D("10000.50"), "balance": D("19999.50")}
    assert totals["fine"] == {"due": D("60000.00"), "paid": D("60000.00"), "balance": D("0.00")}
    assert totals["liquidated_damages"]["due"] == D("0.00")
    assert refund.destination == "医保基金账户" and fine.destination == "国库"


def test_a_payment_cannot_exceed_what_is_still_due(case, alice, finance, subject):
    refund = _owe(case, alice, subject, "fund_refund", "100.00")
    payment_record(obligation=refund, by=finance, paid_on=timezone.localdate(), amount="60", voucher="A1")
    with pytest.raises(InvalidInput) as refused:
        payment_record(obligation=refund, by=finance, paid_on=timezone.localdate(), amount="40.01", voucher="A2")
    assert "40.00" in refused.value.errors["amount"][0]
    assert refund.payments.count() == 1


@pytest.mark.parametrize(
    ("amount", "field"), [("0", "amount"), ("-5", "amount"), ("1.234", "amount"), ("abc", "amount")]
)
def test_bad_amounts_are_refused(case, alice, finance, subject, amount, field):
    refund = _owe(case, alice, subject, "fund_refund", "100.00")
    with pytest.raises(InvalidInput) as refused:
        payment_record(obligation=refund, by=finance, paid_on=timezone.localdate(), amount=amount, voucher="A1")
    assert field in refused.value.errors


def test_future_payment_dates_and_missing_vouchers_are_refused(case, alice, finance, subject):
    refund = _owe(case, alice, subject, "fund_refund", "100.00")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(InvalidInput):
        payment_record(obligation=refund, by=finance, paid_on=tomorrow, amount="1", voucher="A1")
    with pytest.raises(InvalidInput):
        payment_record(obligation=refund, by=finance, paid_on=timezone.localdate(), amount="1", voucher=" ")


def test_only_the_case_subjects_and_known_ledgers(case, alice, other_subject, subject):
    with pytest.raises(InvalidInput) as refused:
        _owe(case, alice, other_subject, "fine", "100")
    assert "subject" in refused.value.errors
    with pytest.raises(InvalidInput):
        _owe(case, alice, subject, "bribe", "100")


def test_who_may_record(case, alice, bob, charlie, finance, subject):
    with pytest.raises(PermissionDenied):
        _owe(case, bob, subject, "fine", "100")
    with pytest.raises(PermissionDenied):
        _owe(case, charlie, subject, "fine", "100")
    refund = _owe(case, alice, subject, "fund_refund", "100")
    for outsider in (bob, charlie):
        with pytest.raises(PermissionDenied):
            payment_record(obligation=refund, by=outsider, paid_on=timezone.localdate(), amount="1", voucher="A1")


def test_totals_per_subject_and_region_only_over_visible_cases(case, alice, charlie, auditor, subject, lyg_region):
    _owe(case, alice, subject, "fund_refund", "500")
    assert ledger_totals(user=alice, subject=subject)["fund_refund"]["due"] == D("500")
    assert ledger_totals(user=auditor, region=lyg_region)["fund_refund"]["due"] == D("500")
    assert ledger_totals(user=charlie, region=lyg_region)["fund_refund"]["due"] == D("0.00")


def test_the_handling_agency_records_what_it_imposes_but_not_for_another_agency(
    db, lyg_region, lyg_bureau, alice, make_lead, subject
):
    from django.core.exceptions import PermissionDenied

    from organisation.roles import Role
    from tests.factories import AgencyFactory, UserFactory
    from workflows.triage import triage_decide

    handling = AgencyFactory(
        region=lyg_region,
        code="320700-agency",
        name="连云港市医疗保险基金管理中心",
        kind="insurance_agency",
        number_prefix="连医保中心",
    )
    manager = UserFactory(username="agm", agency=handling, roles=[Role.AGREEMENT_MANAGER])
    case = triage_decide(lead=make_lead(), by=alice, decision="open").case
    owed = obligation_record(
        case=case,
        subject=subject,
        ledger="liquidated_damages",
        amount_due="5000.00",
        basis="违约处理通知书",
        by=manager,
        agency=handling,
    )
    assert owed.agency == handling
    with pytest.raises(PermissionDenied):
        # Not in the bureau's name, and not for a third agency.
        obligation_record(case=case, subject=subject, ledger="fine", amount_due="5000.00", basis="x", by=manager)
    with pytest.raises(PermissionDenied):
        obligation_record(
            case=case, subject=subject, ledger="fund_refund", amount_due="1.00", basis="x", by=alice, agency=handling
        )


def test_the_fund_loss_is_ordered_back_once_across_both_tracks(case, alice, subject, lyg_region):
    from casework.errors import InvalidInput
    from organisation.roles import Role
    from tests.factories import AgencyFactory, UserFactory

    handling = AgencyFactory(region=lyg_region, code="320700-agency", kind="insurance_agency", number_prefix="连医管")
    manager = UserFactory(username="agm2", agency=handling, roles=[Role.AGREEMENT_MANAGER])
    found_loss(case, subject, "1000.00")
    obligation_record(
        case=case,
        subject=subject,
        ledger="fund_refund",
        amount_due="600.00",
        basis="连医管违约通〔2026〕1号",
        by=manager,
        agency=handling,
    )
    with pytest.raises(InvalidInput) as caught:
        obligation_record(
            case=case,
            subject=subject,
            ledger="fund_refund",
            amount_due="600.00",
            basis="连医保罚决〔2026〕1号",
            by=alice,
        )
    message = caught.value.errors["amount_due"][0]
    assert "连医管违约通〔2026〕1号" in message and "400.00" in message
    # The remainder can still be ordered by the penalty decision; fines are another ledger, unaffected.
    obligation_record(case=case, subject=subject, ledger="fund_refund", amount_due="400.00", basis="罚决", by=alice)
    obligation_record(case=case, subject=subject, ledger="fine", amount_due="2000.00", basis="罚决", by=alice)
