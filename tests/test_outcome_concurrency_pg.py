"""Races on the outcome flow (PostgreSQL): two heads deciding or closing one case — exactly one wins."""

import pytest

from casework.errors import AlreadyDecided
from casework.models import Case, CaseTrack
from tests.factories import UserFactory, on_postgres
from tests.test_concurrency_pg import run_together
from tests.test_outcome import investigate
from workflows.models import OutcomeProcess
from workflows.outcome import OutcomeChoice, case_close, outcome_decide
from workflows.triage import triage_decide

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(db):
    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")


@pytest.fixture
def investigated(make_lead, alice, bob, lyg_bureau, subject, monkeypatch):
    from documents import services as document_services
    from organisation.roles import Role

    monkeypatch.setattr(document_services, "document_render", lambda document: document)
    bob2 = UserFactory(username="bob2", agency=lyg_bureau, roles=[Role.INVESTIGATOR])
    case = triage_decide(lead=make_lead(), by=alice, decision="open").case
    return investigate(case, alice, [bob, bob2], subject)


def test_two_heads_deciding_one_outcome_one_wins(investigated, alice, alice2, lyg_police):
    results = run_together(
        [
            lambda: outcome_decide(case=investigated, by=alice, choice=OutcomeChoice(reasoning="情节轻微，不予处理")),
            lambda: outcome_decide(
                case=investigated,
                by=alice2,
                choice=OutcomeChoice(referral_agencies=[lyg_police], referral_grounds="涉嫌诈骗"),
            ),
        ]
    )
    assert sum(isinstance(result, OutcomeProcess) for result in results) == 1
    assert sum(isinstance(result, AlreadyDecided) for result in results) == 1
    process = OutcomeProcess.objects.get(case=investigated)
    tracks = set(CaseTrack.objects.filter(case=investigated).values_list("kind", flat=True))
    # Whichever won, nothing of the loser's choice was written.
    assert (process.referral, tracks) in ((False, set()), (True, {"referral"}))


def test_two_heads_closing_one_case_one_report(investigated, alice, alice2):
    outcome_decide(case=investigated, by=alice, choice=OutcomeChoice(reasoning="情节轻微，不予处理"))
    results = run_together(
        [
            lambda: case_close(case=investigated, by=alice, summary="结案"),
            lambda: case_close(case=investigated, by=alice2, summary="结案"),
        ]
    )
    assert sum(isinstance(result, OutcomeProcess) for result in results) == 1
    assert sum(isinstance(result, AlreadyDecided) for result in results) == 1
    assert Case.objects.get(pk=investigated.pk).status == Case.Status.CLOSED
    assert investigated.documents.filter(kind="case_closing_report").count() == 1
