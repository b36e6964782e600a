"""Recoveries over the API: /api/v1/recoveries/ — who reads, filters, the detail with balances, recording a
payment (201; above the balance 400 in the api.md error shape), outsiders 404, anonymous refused, query count."""

from decimal import Decimal

import pytest

from recoveries import services
from recoveries.models import RecoveryPayment
from tests.test_recoveries_support import *  # noqa: F403 — fixtures
from tests.test_recoveries_support import days, pay, today

pytestmark = pytest.mark.django_db
LIST = "/api/v1/recoveries/"
D = Decimal


def payment(debtor, amount, receipt="YH-1"):
    return {
        "debtor": debtor.pk,
        "paid_on": today().isoformat(),
        "amount": amount,
        "channel": "court_account",
        "receipt_no": receipt,
    }


def test_list_and_detail_show_balances(recovery, debtors, officer, court_liaison, api_as):
    services.instalments_add(debtor=debtors[0], items=[(days(-3), "5000"), (days(30), "5000")], by=officer)
    pay(debtors[0], officer, "1000.10")
    client = api_as(court_liaison)
    listing = client.get(LIST).json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert row["reference"] == recovery.reference and row["court"]["code"] == "320700-court"
    assert (row["ordered"], row["paid"], row["balance"]) == ("100000.00", "1000.10", "98999.90")
    assert row["overdue"] is True and row["status"] == "following"
    detail = client.get(f"{LIST}{recovery.pk}/").json()
    first = detail["debtors"][0]
    assert (first["amount_ordered"], first["paid"], first["balance"]) == ("60000.00", "1000.10", "58999.90")
    assert [(i["amount"], i["outstanding"], i["overdue"]) for i in first["instalments"]] == [
        ("5000.00", "3999.90", True),
        ("5000.00", "5000.00", False),
    ]
    assert first["payments"][0]["amount"] == "1000.10"


def test_filters(recovery, case, cz_court, officer, api_as):
    services.recovery_open(
        case=case,
        court=cz_court,
        reference="(2026)苏0402刑初5号",
        judged_on=days(-1),
        kind="ruling",
        debtors=[("王某", None, "10")],
        by=officer,
    )
    client = api_as(officer)
    assert client.get(LIST).json()["count"] == 2
    assert [r["reference"] for r in client.get(LIST, {"court": "320400-court"}).json()["results"]] == [
        "(2026)苏0402刑初5号"
    ]
    assert client.get(LIST, {"court": cz_court.pk}).json()["count"] == 1
    assert client.get(LIST, {"debtor": "林某"}).json()["results"][0]["id"] == recovery.pk
    assert client.get(LIST, {"status": "closed"}).json()["count"] == 0
    assert client.get(LIST, {"status": "nonsense"}).status_code == 400


def test_court_liaison_records_a_payment(recovery, debtors, court_liaison, api_as):
    response = api_as(court_liaison).post(
        f"{LIST}{recovery.pk}/payments/", payment(debtors[1], "15000.5"), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount"], body["balance"], body["recorded_by"]) == ("15000.50", "24999.50", "court")
    assert RecoveryPayment.objects.get().channel == "court_account"


def test_above_the_balance_is_400_with_field_errors(recovery, debtors, officer, api_as):
    client = api_as(officer)
    url = f"{LIST}{recovery.pk}/payments/"
    assert client.post(url, payment(debtors[1], "30000"), format="json").status_code == 201
    refused = client.post(url, payment(debtors[1], "10000.01", "YH-2"), format="json")
    assert refused.status_code == 400
    body = refused.json()
    assert body["detail"] and "10,000.00" in body["errors"]["amount"][0]
    for bad in ({"amount": "0"}, {"amount": "-1"}, {"amount": "1.001"}, {"channel": "bitcoin"}, {"receipt_no": ""}):
        response = client.post(url, {**payment(debtors[1], "1"), **bad}, format="json")
        assert response.status_code == 400 and set(response.json()["errors"]) == set(bad), bad
    other = client.post(url, {**payment(debtors[1], "1"), "debtor": 999999}, format="json")
    assert other.status_code == 400 and "debtor" in other.json()["errors"]
    assert RecoveryPayment.objects.count() == 1


def test_outsiders_and_anonymous_are_refused(recovery, debtors, outsiders, api, api_as):
    url = f"{LIST}{recovery.pk}/"
    assert api.get(LIST).status_code in (401, 403)
    assert api.get(url).status_code in (401, 403)
    assert api.post(f"{url}payments/", payment(debtors[0], "1"), format="json").status_code in (401, 403)
    for name, user in outsiders.items():
        client = api_as(user)
        assert client.get(LIST).json()["count"] == 0, name
        assert client.get(url).status_code == 404, name
        assert client.post(f"{url}payments/", payment(debtors[0], "1"), format="json").status_code == 404, name
    assert not RecoveryPayment.objects.exists()


def test_readers_get_403_on_payments_and_405_on_writes(recovery, debtors, alice, director, auditor, api_as):
    for user in (alice, director, auditor):
        client = api_as(user)
        assert client.get(f"{LIST}{recovery.pk}/").status_code == 200
        assert client.post(f"{LIST}{recovery.pk}/payments/", payment(debtors[0], "1"), format="json").status_code == 403
    assert api_as(alice).delete(f"{LIST}{recovery.pk}/").status_code == 405
    assert api_as(alice).post(LIST, {}, format="json").status_code == 405


def test_list_query_count(case, lyg_court, officer, api_as, django_assert_max_num_queries):
    for n in range(15):
        services.recovery_open(
            case=case,
            court=lyg_court,
            reference=f"(2026)苏0706刑初{n}号",
            judged_on=days(-n),
            kind="judgment",
            debtors=[(f"某{n}", None, "100"), (f"另{n}", None, "200")],
            by=officer,
        )
    client = api_as(officer)
    with django_assert_max_num_queries(8):
        body = client.get(LIST).json()
    assert body["count"] == 15 and len(body["results"][0]["debtors"]) == 2
