"""Fixtures and builders shared by the penalty tests (this module holds no tests of its own).

A case of alice's bureau opened 100 days ago, investigated by bob and bob2, with a violation of the
hospital (fund loss ¥30,000) — so 条例 Art.40 allows a fine of ¥60,000–150,000 — and the bureau's
legal reviewer, agency head and finance officer.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from casework.findings import violation_add
from casework.models import ViolationItem
from organisation.roles import Role
from penalties.models import Penalty
from penalties.services import (
    penalty_decide,
    penalty_notice_issue,
    penalty_serve,
    penalty_start,
    penalty_statement_record,
)
from penalties.terms import Terms
from tests.factories import SubjectFactory, UserFactory
from workflows.investigation import investigation_assign
from workflows.triage import triage_decide

D = Decimal
FUND_LOSS = D("30000.00")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def item(kind: str, number: int = 5) -> ViolationItem:
    return ViolationItem.objects.get_or_create(subject_kind=kind, number=number, defaults={"name": f"条目{number}"})[0]


@pytest.fixture
def bob2(lyg_bureau):
    return UserFactory(username="bob2", first_name="孙伟", agency=lyg_bureau, roles=[Role.INVESTIGATOR])


@pytest.fixture
def legal(lyg_bureau):
    return UserFactory(username="legal", first_name="法审", agency=lyg_bureau, roles=[Role.LEGAL_REVIEWER])


@pytest.fixture
def director(lyg_bureau):
    return UserFactory(username="director", first_name="局长", agency=lyg_bureau, roles=[Role.DIRECTOR])


@pytest.fixture
def finance(lyg_bureau):
    return UserFactory(username="finance", first_name="财务", agency=lyg_bureau, roles=[Role.FINANCE])


@pytest.fixture
def insured(lyg_region):
    return SubjectFactory(region=lyg_region, kind="insured", name="张某某", code="I32070300001")


@pytest.fixture
def make_case(make_lead, alice, bob, bob2):
    """A case opened `opened_days_ago`, under investigation, with one violation per (subject, fund loss)."""

    def make(*losses, opened_days_ago: int = 100):
        subjects = [subject for subject, _ in losses]
        now = timezone.now()
        lead = make_lead(subjects=subjects, received_at=now - datetime.timedelta(days=opened_days_ago + 2))
        at = now - datetime.timedelta(days=opened_days_ago)
        case = triage_decide(lead=lead, by=alice, decision="open", at=at).case
        investigation_assign(case=case, by=alice, investigators=[bob, bob2])
        for subject, loss in losses:
            violation_add(
                case=case,
                by=bob,
                subject=subject,
                item=item(subject.kind),
                period_from=days_ago(400),
                period_to=days_ago(200),
                amount=loss,
                fund_loss=loss,
                patient_money=0,
                description="虚构医疗服务",
            )
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def case(make_case, subject):
    return make_case((subject, FUND_LOSS))


@pytest.fixture
def penalty(case, subject, alice, bob, bob2, legal, director, finance):
    """Started after the role groups exist, so every role holds its grant."""
    return penalty_start(case=case, subject=subject, by=alice)


def notice(penalty, by, *, served_days_ago=20, complex_case=False, **terms):
    """Issue the prior notice; by default Art.40 with a ¥60,000 fine and the ¥30,000 refund (no hearing)."""
    values = {"article": "40", "fine": D("60000"), "refund": FUND_LOSS, **terms}
    return penalty_notice_issue(
        penalty=penalty,
        by=by,
        terms=Terms(**values),
        complex_case=complex_case,
        facts="经查，当事人于2025年1月至6月间虚构住院服务，骗取医保基金。",
        grounds="当事人的行为违反了《医疗保障基金使用监督管理条例》第二十条的规定。",
        served_on=days_ago(served_days_ago),
    )


def no_statement(penalty, by) -> Penalty:
    return penalty_statement_record(penalty=penalty, by=by, kind=Penalty.StatementKind.NONE)


def decided_and_served(penalty, alice, bob, *, served_days_ago=20, decided_days_ago=None, **terms) -> Penalty:
    """Notice long ago, no statement, decision and service `served_days_ago` (no hearing, no review)."""
    decided_days_ago = served_days_ago if decided_days_ago is None else decided_days_ago
    penalty = notice(penalty, bob, served_days_ago=served_days_ago + 10, **terms)
    penalty = no_statement(penalty, bob)
    penalty = penalty_decide(penalty=penalty, by=alice, decided_on=days_ago(decided_days_ago))
    return penalty_serve(
        penalty=penalty, by=bob, method="direct", recipient="院长王某", served_on=days_ago(served_days_ago)
    )
