"""Races against the real database (PostgreSQL): two payments on one debtor's balance never overpay it."""

from decimal import Decimal

import pytest

from casework.errors import InvalidInput
from recoveries.models import RecoveryPayment
from recoveries.services import debtor_balance
from tests.factories import on_postgres
from tests.test_concurrency_pg import run_together
from tests.test_recoveries_support import *  # noqa: F403 — fixtures
from tests.test_recoveries_support import pay, today

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(db):
    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")


def test_two_payments_racing_on_one_balance_one_is_refused(debtors, officer, court_liaison):
    debtor = debtors[1]  # ordered ¥40,000.00
    pay(debtor, officer, "10000")
    results = run_together(
        [
            lambda: pay(debtor, officer, "20000", receipt="A"),
            lambda: pay(debtor, court_liaison, "20000.01", receipt="B"),
        ]
    )
    paid = [r for r in results if isinstance(r, RecoveryPayment)]
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(paid) == 1 and len(refused) == 1, results
    assert "amount" in refused[0].errors
    assert debtor_balance(debtor) == Decimal("40000.00") - Decimal("10000.00") - paid[0].amount
    assert debtor_balance(debtor) >= 0


def test_payments_over_the_api_at_once_get_201_and_400(recovery, debtors, officer, court_liaison, api_as):
    url = f"/api/v1/recoveries/{recovery.pk}/payments/"
    body = {"debtor": debtors[1].pk, "paid_on": today().isoformat(), "amount": "30000", "channel": "court_account"}
    clients = [api_as(officer), api_as(court_liaison)]
    results = run_together(
        [
            lambda c=client, n=n: c.post(url, {**body, "receipt_no": f"R{n}"}, format="json").status_code
            for n, client in enumerate(clients)
        ]
    )
    assert sorted(results) == [201, 400]
    assert debtor_balance(debtors[1]) == Decimal("10000.00")
