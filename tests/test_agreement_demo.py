"""The demo drives a city's agreement actions to a realistic spread of states, through the services."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.models import AgreementAction
from agreements.services import agreement_start
from casework.models import Case, Deadline, Subject, Suspension, Violation
from ledgers.models import Obligation
from organisation.demo.agreements import PLAN, advance_agreements
from organisation.roles import Role
from tests.agreement_fixtures import *  # noqa: F403
from tests.agreement_fixtures import item
from tests.factories import SubjectFactory, UserFactory


@pytest.fixture
def demo_users(lyg_agency, lyg_bureau):
    return (
        UserFactory(username="lyg_agreement", agency=lyg_agency, roles=[Role.AGREEMENT_MANAGER]),
        UserFactory(username="lyg_finance", agency=lyg_bureau, roles=[Role.FINANCE]),
    )


@pytest.fixture
def started(demo_users, handling_case, alice, lyg_region, monkeypatch):
    import workflows.outcome

    monkeypatch.setattr(workflows.outcome, "track_done", lambda **kwargs: True)
    actions = []
    for index in range(len(PLAN) + 1):
        subject = SubjectFactory(region=lyg_region, kind="institution", name=f"演示医院{index}", code=f"H8{index:05d}")
        handling_case.subjects.add(subject)
        Violation.objects.create(
            case=handling_case, subject=subject, item=item(5), amount=Decimal("12000.00"), fund_loss=Decimal("9000.00")
        )
        actions.append(agreement_start(case=handling_case, subject=subject, by=alice))
    # Each outcome decision long enough ago for its planned state (NEEDS); the extra one is recent.
    for action, days in zip(actions, (5, 80, 30, 40, 60, 1), strict=True):
        AgreementAction.objects.filter(pk=action.pk).update(started_at=timezone.now() - datetime.timedelta(days=days))
    return actions


def test_the_spread(started, lyg_region, lyg_agency):
    advance_agreements(region=lyg_region, today=timezone.localdate())
    by_plan = {plan: AgreementAction.objects.get(pk=action.pk) for plan, action in zip(PLAN, started, strict=False)}
    today = timezone.localdate()

    open_window = by_plan["statement_open"]
    assert open_window.status == "statement" and open_window.statement_due >= today

    overdue = by_plan["statement_overdue"]
    assert overdue.status == "statement" and overdue.statement_due < today
    assert AgreementAction.objects.overdue().filter(pk=overdue.pk).exists()

    suspended = by_plan["suspended"]
    assert suspended.status == "done" and suspended.statement_recorded and suspended.check_result == "passed"
    shown = Subject.objects.with_suspension().get(pk=suspended.subject_id)
    assert shown.suspension_scope == "services"
    suspension = Suspension.objects.get(subject=suspended.subject)
    assert suspension.starts_on <= today <= suspension.ends_on
    balances = {
        o.ledger: (o.paid, o.balance) for o in Obligation.objects.filter(subject=suspended.subject).with_balance()
    }
    assert balances["fund_refund"] == (Decimal("9000.00"), Decimal("0.00"))
    assert balances["liquidated_damages"] == (Decimal("12000.00"), Decimal("12000.00"))
    assert all(o.agency == lyg_agency for o in Obligation.objects.all())

    terminated = by_plan["terminated"]
    assert Subject.objects.with_suspension().get(pk=terminated.subject_id).suspension_scope == "terminated"

    pending = by_plan["rectification_pending"]
    assert pending.status == "rectifying" and pending.check_due > today
    assert Deadline.objects.get(step="rectification", ref=pending.deadline_ref).closed_on is None

    extra = AgreementAction.objects.get(pk=started[-1].pk)
    assert extra.status == "drafting" and extra.measures.count() == 1

    # Idempotent: a second run finds nothing at its first step without measures.
    advance_agreements(region=lyg_region, today=today)
    assert list(AgreementAction.objects.filter(status="drafting")) == [extra]
    assert extra.measures.count() == 1
    assert Case.objects.get(pk=started[0].case_id).status == "handling"
