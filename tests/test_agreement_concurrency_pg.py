"""Races on the agreement track against PostgreSQL: two managers completing one task, one wins."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from agreements.models import AgreementAction, AgreementMeasure
from agreements.services import agreement_start, measure_add
from agreements.steps import agreement_decide, agreement_issue_notice
from casework.errors import AlreadyDecided
from documents.models import Document
from ledgers.models import Obligation
from tests.agreement_fixtures import *  # noqa: F403
from tests.factories import on_postgres
from tests.test_concurrency_pg import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CLAUSES = "《服务协议》第二十一条"


@pytest.fixture(autouse=True)
def _needs_postgres(db, monkeypatch):
    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")
    from documents import services as document_services

    monkeypatch.setattr(document_services, "document_render", lambda document: document)


def drafted(action, manager):
    measure_add(action=action, by=manager, kind=AgreementMeasure.Kind.RECOVERY, amount="15000")
    return action


def test_two_managers_issuing_one_notice_one_wins(action, manager, manager2):
    drafted(action, manager)
    results = run_together(
        [
            lambda: agreement_issue_notice(action=action, by=manager, clauses=CLAUSES),
            lambda: agreement_issue_notice(action=action, by=manager2, clauses=CLAUSES),
        ]
    )
    assert sum(isinstance(r, AgreementAction) for r in results) == 1, results
    assert sum(isinstance(r, AlreadyDecided) for r in results) == 1, results
    assert Document.objects.filter(kind="breach_notice").count() == 1


def test_two_managers_deciding_at_once_one_wins(action, manager, manager2, monkeypatch):
    import workflows.outcome

    monkeypatch.setattr(workflows.outcome, "track_done", lambda **kwargs: True)
    agreement_issue_notice(action=drafted(action, manager), by=manager, clauses=CLAUSES)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=20), tick=True):
        results = run_together(
            [
                lambda: agreement_decide(action=action, by=manager, decision="confirm"),
                lambda: agreement_decide(action=action, by=manager2, decision="confirm"),
            ]
        )
    assert sum(isinstance(r, AgreementAction) for r in results) == 1, results
    assert sum(isinstance(r, AlreadyDecided) for r in results) == 1, results
    assert Obligation.objects.count() == 1


def test_two_managers_over_the_api_get_200_and_409(action, manager, manager2, api_as):
    drafted(action, manager)
    url = f"/api/v1/agreement-actions/{action.pk}/notice/"
    clients = [api_as(manager), api_as(manager2)]
    results = run_together(
        [lambda c=client: c.post(url, {"clauses": CLAUSES}, format="json").status_code for client in clients]
    )
    assert sorted(results) == [200, 409]


def test_the_last_two_actions_of_a_case_finishing_at_once_end_the_track_once(
    action, handling_case, pharmacy, alice, manager, manager2, monkeypatch
):
    import workflows.outcome

    calls = []
    monkeypatch.setattr(workflows.outcome, "track_done", lambda **kwargs: calls.append(kwargs) or True)
    second = agreement_start(case=handling_case, subject=pharmacy, by=alice)
    for each in (action, second):
        measure_add(action=each, by=manager, kind=AgreementMeasure.Kind.CRITICISM, summary="")
        agreement_issue_notice(action=each, by=manager, clauses=CLAUSES)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=20), tick=True):
        results = run_together(
            [
                lambda: agreement_decide(action=action, by=manager, decision="confirm"),
                lambda: agreement_decide(action=second, by=manager2, decision="confirm"),
            ]
        )
    assert all(isinstance(r, AgreementAction) for r in results), results
    assert len(calls) == 1
