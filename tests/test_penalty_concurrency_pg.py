# ruff: noqa: F811  (pytest fixtures imported from tests/test_penalty_support.py are used as parameters)
"""Races on the penalty flow against PostgreSQL: two officers completing one task → one wins."""

import pytest

from casework.errors import AlreadyDecided
from documents.models import Document
from penalties.execution import penalty_payment_record
from penalties.models import Penalty, PenaltyStep
from penalties.services import penalty_decide
from tests.factories import UserFactory, on_postgres
from tests.test_concurrency_pg import run_together
from tests.test_penalty_support import (  # noqa: F401  (fixtures)
    bob2,
    case,
    decided_and_served,
    director,
    finance,
    legal,
    make_case,
    no_statement,
    notice,
    penalty,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(db, monkeypatch):
    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")
    from documents import services as document_services

    monkeypatch.setattr(document_services, "document_render", lambda document: document)


def test_two_investigators_issuing_one_notice_one_wins(penalty, bob, bob2):
    results = run_together([lambda: notice(penalty, bob), lambda: notice(penalty, bob2, served_days_ago=19)])
    winners = [r for r in results if isinstance(r, Penalty)]
    losers = [r for r in results if isinstance(r, AlreadyDecided)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert Document.objects.filter(kind="penalty_prior_notice").count() == 1
    assert PenaltyStep.objects.filter(kind="notice").count() == 1
    assert Penalty.objects.get(pk=penalty.pk).status == Penalty.Status.STATEMENT


def test_two_heads_deciding_at_once_one_decision_one_set_of_obligations(penalty, alice, bob, lyg_bureau):
    from ledgers.models import Obligation
    from organisation.roles import Role

    alice2 = UserFactory(username="alice2", first_name="张强", agency=lyg_bureau, roles=[Role.SECTION_HEAD])
    penalty = no_statement(notice(penalty, bob), bob)
    results = run_together(
        [lambda: penalty_decide(penalty=penalty, by=alice), lambda: penalty_decide(penalty=penalty, by=alice2)]
    )
    assert sum(isinstance(r, Penalty) for r in results) == 1, results
    assert sum(isinstance(r, AlreadyDecided) for r in results) == 1, results
    assert Document.objects.filter(kind="penalty_decision").count() == 1
    assert Obligation.objects.count() == 2


def test_two_finance_officers_paying_the_last_amounts_finish_it_once(penalty, alice, bob, finance, lyg_bureau):
    from organisation.roles import Role

    finance2 = UserFactory(username="finance2", agency=lyg_bureau, roles=[Role.FINANCE])
    penalty = decided_and_served(penalty, alice, bob, served_days_ago=5)
    results = run_together(
        [
            lambda: penalty_payment_record(penalty=penalty, by=finance, ledger="fine", amount="60000", voucher="A"),
            lambda: penalty_payment_record(
                penalty=penalty, by=finance2, ledger="fund_refund", amount="30000", voucher="B"
            ),
        ]
    )
    assert all(isinstance(r, Penalty) for r in results), results
    penalty.refresh_from_db()
    assert penalty.status == Penalty.Status.FINISHED and penalty.outcome == Penalty.Outcome.PAID
    assert PenaltyStep.objects.filter(penalty=penalty, kind="finished").count() == 1
