"""Two officers recording payments on one obligation at the same moment cannot overpay it (PostgreSQL row lock)."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from ledgers.models import Obligation
from ledgers.services import obligation_record
from organisation.roles import Role
from tests.factories import UserFactory, found_loss, on_postgres
from tests.test_concurrency_pg import run_together
from workflows.triage import triage_decide

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(db):
    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")


def test_two_api_payments_together_above_the_balance_one_is_refused(lead, alice, lyg_bureau, subject):
    case = triage_decide(lead=lead, by=alice, decision="open").case
    found_loss(case, subject, "1000")
    owed = obligation_record(case=case, subject=subject, ledger="fund_refund", amount_due="1000", basis="决", by=alice)
    clients = []
    for index in range(2):
        client = APIClient()
        client.force_authenticate(UserFactory(username=f"cashier{index}", agency=lyg_bureau, roles=[Role.FINANCE]))
        clients.append(client)
    body = {"paid_on": timezone.localdate().isoformat(), "amount": "600.00", "voucher": "PZ"}
    url = f"/api/v1/obligations/{owed.pk}/payments/"
    responses = run_together([lambda client=client: client.post(url, body, format="json") for client in clients])
    assert sorted(response.status_code for response in responses) == [201, 400]
    refused = next(response for response in responses if response.status_code == 400)
    assert "400.00" in refused.json()["errors"]["amount"][0]
    assert Obligation.objects.with_balance().get(pk=owed.pk).balance == 400


def test_payments_on_two_ledgers_of_one_case_do_not_wait_for_each_other(lead, alice, lyg_bureau, subject):
    from ledgers.services import payment_record

    case = triage_decide(lead=lead, by=alice, decision="open").case
    found_loss(case, subject, "10")
    refund = obligation_record(case=case, subject=subject, ledger="fund_refund", amount_due="10", basis="决", by=alice)
    fine = obligation_record(case=case, subject=subject, ledger="fine", amount_due="10", basis="决", by=alice)
    officer = UserFactory(username="cashier", agency=lyg_bureau, roles=[Role.FINANCE])
    today = timezone.localdate()
    results = run_together(
        [
            lambda owed=owed: payment_record(obligation=owed, by=officer, paid_on=today, amount="10", voucher="V")
            for owed in (refund, fine)
        ]
    )
    assert not any(isinstance(result, Exception) for result in results)
    totals = Obligation.objects.filter(case=case).totals_by_ledger()
    assert totals["fund_refund"]["balance"] == 0 and totals["fine"]["balance"] == 0
