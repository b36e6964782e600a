"""Races against the real database (PostgreSQL): exactly one triage wins; numbers stay gapless."""

import threading

import pytest
from django.db import connection

from casework.errors import AlreadyDecided
from casework.models import Case, Lead
from documents.kinds import NON_OPENING_NOTICE
from documents.models import Document
from tests.factories import on_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(db):
    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")


def run_together(functions):
    """Start all functions at once on their own connections; return results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 — the test inspects what each racer got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_heads_triaging_one_lead_one_wins(lead, alice, alice2, monkeypatch):
    from documents import services as document_services
    from workflows.triage import triage_decide

    monkeypatch.setattr(document_services, "document_render", lambda document: document)
    results = run_together(
        [
            lambda: triage_decide(lead=lead, by=alice, decision="open"),
            lambda: triage_decide(lead=lead, by=alice2, decision="dismiss", reason="查无实据"),
        ]
    )
    winners = [r for r in results if isinstance(r, Lead)]
    losers = [r for r in results if isinstance(r, AlreadyDecided)]
    assert len(winners) == 1 and len(losers) == 1, results
    lead.refresh_from_db()
    assert lead.status == winners[0].status
    # Nothing half-written by the loser: one decision's records only.
    assert Case.objects.count() == (1 if lead.status == Lead.Status.OPENED else 0)
    assert Document.objects.count() == 1


def test_two_heads_over_the_api_get_200_and_409(lead, alice, alice2, api_as, monkeypatch):
    from documents import services as document_services

    monkeypatch.setattr(document_services, "document_render", lambda document: document)
    url = f"/api/v1/leads/{lead.pk}/triage/"
    clients = [api_as(alice), api_as(alice2)]
    results = run_together(
        [lambda c=client: c.post(url, {"decision": "open"}, format="json").status_code for client in clients]
    )
    assert sorted(results) == [200, 409]
    assert Case.objects.count() == 1


def test_fifty_documents_issued_at_once_get_fifty_consecutive_numbers(lyg_bureau, alice, monkeypatch):
    from django.db import transaction

    from documents import services as document_services

    monkeypatch.setattr(document_services, "document_render", lambda document: document)

    def issue():
        with transaction.atomic():
            return document_services.document_issue(
                kind=NON_OPENING_NOTICE, agency=lyg_bureau, by=alice, context={}
            ).sequence

    results = run_together([issue] * 50)
    assert sorted(results) == list(range(1, 51)), results
    assert Document.objects.values("number").distinct().count() == 50


def test_cases_opened_at_once_get_consecutive_numbers(make_lead, alice, monkeypatch):
    from documents import services as document_services
    from workflows.triage import triage_decide

    monkeypatch.setattr(document_services, "document_render", lambda document: document)
    leads = [make_lead(title=f"线索{i}") for i in range(10)]
    results = run_together([lambda lead=lead: triage_decide(lead=lead, by=alice, decision="open") for lead in leads])
    assert all(isinstance(r, Lead) for r in results), results
    assert sorted(Case.objects.values_list("sequence", flat=True)) == list(range(1, 11))


def test_two_clerks_issuing_one_result_notice_one_wins(lyg_bureau, clerk, alice, subject, monkeypatch):
    from documents import services as document_services
    from intake.models import Report
    from intake.services import report_result_notice_issue
    from intake.submission import report_submit
    from organisation.roles import Role
    from tests.factories import UserFactory
    from workflows.triage import triage_decide

    monkeypatch.setattr(document_services, "document_render", lambda document: document)
    clerk2 = UserFactory(username="clerk2", agency=lyg_bureau, roles=[Role.CLERK])
    report = report_submit(
        agency=lyg_bureau,
        channel="hotline_12393",
        subject_kind=subject.kind,
        subject_name=subject.name,
        subject_code=subject.code,
        description="举报医院挂床住院，虚构住院服务。",
        anonymous=False,
        reporter={"name": "韩梅梅", "phone": "13912345678"},
        by=clerk,
    ).report
    triage_decide(lead=report.lead, by=alice, decision="dismiss", reason="查无实据")
    results = run_together(
        [
            lambda: report_result_notice_issue(report=report, by=clerk),
            lambda: report_result_notice_issue(report=report, by=clerk2),
        ]
    )
    assert sum(isinstance(r, Report) for r in results) == 1 and sum(isinstance(r, AlreadyDecided) for r in results) == 1
    assert Document.objects.filter(kind="report_result_notice").count() == 1
    assert report.messages.filter(sender="agency").count() == 1


def test_two_officers_paying_the_last_balance_at_once_one_wins(lead, alice, lyg_bureau, subject):
    from django.utils import timezone

    from casework.errors import InvalidInput
    from ledgers.models import Payment
    from ledgers.services import obligation_record, payment_record
    from organisation.roles import Role
    from tests.factories import UserFactory
    from workflows.triage import triage_decide

    case = triage_decide(lead=lead, by=alice, decision="open").case
    officers = [UserFactory(username=f"finance{i}", agency=lyg_bureau, roles=[Role.FINANCE]) for i in range(2)]
    owed = obligation_record(case=case, subject=subject, ledger="fine", amount_due="1000", basis="罚决", by=alice)
    results = run_together(
        [
            (
                lambda officer=officer: payment_record(
                    obligation=owed, by=officer, paid_on=timezone.localdate(), amount="1000", voucher=officer.username
                )
            )
            for officer in officers
        ]
    )
    assert sum(isinstance(r, Payment) for r in results) == 1 and sum(isinstance(r, InvalidInput) for r in results) == 1
    assert owed.payments.count() == 1
