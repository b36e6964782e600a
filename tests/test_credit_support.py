"""Builders shared by the credit tests (imported by test_credit.py and test_credit_api.py): points recorded on
a given day, refund obligations, a judgment; the insured person, the doctor and their cases."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from casework.models import CreditPoint, Subject
from ledgers.models import Ledger, Obligation, Payment
from referrals.models import Referral, ReferralOutcome
from tests.factories import SubjectFactory
from workflows.triage import triage_decide


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def score(case, subject, points: int, day: datetime.date, by, reason="违规使用医保基金") -> CreditPoint:
    return CreditPoint.objects.create(
        case=case, subject=subject, points=points, reason=reason, recorded_at=at(day), recorded_by=by
    )


def owe_refund(case, subject, by, due_on: datetime.date, amount="800.00") -> Obligation:
    return Obligation.objects.create(
        agency=case.agency,
        case=case,
        subject=subject,
        ledger=Ledger.FUND_REFUND,
        amount_due=Decimal(amount),
        due_on=due_on,
        basis="连医保罚决〔2026〕1号",
        created_by=by,
    )


def pay(obligation: Obligation, by, day: datetime.date) -> Payment:
    return Payment.objects.create(
        obligation=obligation, paid_on=day, amount=obligation.amount_due, voucher="PZ-001", recorded_by=by
    )


def judgment(case, police_agency, by, decided_on: datetime.date) -> ReferralOutcome:
    referral = Referral.objects.create(
        case=case,
        agency=case.agency,
        kind=Referral.Kind.CRIMINAL,
        to_agency=police_agency,
        status=Referral.Status.CONCLUDED,
        created_by=by,
    )
    return ReferralOutcome.objects.create(
        referral=referral,
        kind=ReferralOutcome.Kind.JUDGMENT,
        summary="以诈骗罪判处有期徒刑六个月，缓刑一年。",
        decided_on=decided_on,
        agency=police_agency,
        recorded_by=by,
    )


@pytest.fixture
def insured(lyg_region):
    return SubjectFactory(
        region=lyg_region, kind=Subject.Kind.INSURED, code="320706198001010011", name="张某某", level="", ownership=""
    )


@pytest.fixture
def doctor(lyg_region, subject):
    return SubjectFactory(
        region=lyg_region,
        kind=Subject.Kind.PRACTITIONER,
        code="D320700001",
        name="李医生",
        level="",
        ownership="",
        profession=Subject.Profession.DOCTOR,
        institution=subject,
    )


@pytest.fixture
def credit_case(make_lead, alice, subject, insured, doctor):
    """A case of alice's bureau with the hospital, the insured person and the doctor as subjects."""
    return triage_decide(lead=make_lead(subjects=[subject, insured, doctor]), by=alice, decision="open").case


@pytest.fixture
def second_case(make_lead, alice, insured, doctor):
    return triage_decide(lead=make_lead(subjects=[insured, doctor]), by=alice, decision="open").case
