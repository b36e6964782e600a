"""Ledgers over the API: obligations (list, filters, detail with payments), recording a payment, money totals."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ledgers.models import Obligation, Payment
from tests.test_ledgers_pages import *  # noqa: F403 — the ledger fixtures
from tests.test_ledgers_pages import owe, pay

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate
LIST = "/api/v1/obligations/"


def detail(obligation):
    return f"/api/v1/obligations/{obligation.pk}/"


def payments_url(obligation):
    return f"/api/v1/obligations/{obligation.pk}/payments/"


def body(**fields):
    return {"paid_on": TODAY().isoformat(), "amount": "100.00", "voucher": "PZ-API", "channel": "银行转账", **fields}


# List and detail ------------------------------------------------------------------------------------------------


def test_the_list_shows_money_as_strings_with_balances(api_as, alice, money, case):
    response = api_as(alice).get(LIST)
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert response.json()["count"] == 4
    refund = rows[money["refund"].pk]
    assert refund["amount_due"] == "30000.00" and refund["paid"] == "10000.50" and refund["balance"] == "19999.50"
    assert refund["ledger"] == "fund_refund" and refund["destination"] == "fund"
    assert refund["overdue"] is True and refund["days_overdue"] == 10
    assert refund["case"] == {"id": case.pk, "number": case.number}
    assert refund["subject"]["code"] == "H32070300001" and refund["agency"] == "320700-bureau"
    fine = rows[money["fine"].pk]
    assert fine["destination"] == "treasury" and fine["balance"] == "0.00" and fine["overdue"] is False
    assert rows[money["damages"].pk]["agency"] == "320700-agency"


def test_list_filters(api_as, alice, money, case, county_subject, make_lead):
    client = api_as(alice)
    ids = {key: o.pk for key, o in money.items()}

    def listed(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert listed(ledger="fund_refund") == {ids["refund"], ids["county_refund"]}
    assert listed(status="open") == {ids["refund"], ids["county_refund"], ids["damages"]}
    assert listed(status="paid") == {ids["fine"]}
    assert listed(overdue="true") == {ids["refund"]}
    assert listed(overdue="false") == set(ids.values()) - {ids["refund"]}
    assert listed(subject=county_subject.pk) == {ids["county_refund"]}
    assert listed(case=case.pk) == set(ids.values())
    other = make_lead()
    assert listed(case=other.pk + 1000) == set()
    assert client.get(LIST, {"ledger": "bribe"}).status_code == 400
    assert client.get(LIST, {"status": "late"}).status_code == 400
    assert client.get(LIST, {"case": "x"}).status_code == 400


def test_the_list_for_each_role(api_as, api, bob, auditor, charlie, police, manager, money):
    assert api_as(bob).get(LIST).json()["count"] == 4
    assert api_as(auditor).get(LIST).json()["count"] == 4
    assert api_as(manager).get(LIST).json()["count"] == 1  # what the handling agency imposed
    for outsider in (charlie, police):
        response = api_as(outsider).get(LIST)
        assert response.status_code == 200 and response.json()["count"] == 0
    assert api.get(LIST).status_code == 401


def test_the_list_query_count_is_bounded(
    api_as, alice, finance, case, subject, county_subject, django_assert_max_num_queries
):
    for index in range(40):
        owed = owe(case, alice, subject if index % 2 else county_subject, "fine", "100.00", due_on=TODAY())
        pay(owed, finance, "1.00", f"V{owed.pk}")
    client = api_as(alice)
    with django_assert_max_num_queries(6):
        response = client.get(LIST, {"page_size": 200})
    assert response.status_code == 200 and len(response.json()["results"]) == 40


def test_detail_with_payments(api_as, alice, auditor, money):
    for user in (alice, auditor):
        response = api_as(user).get(detail(money["refund"]))
        assert response.status_code == 200
        data = response.json()
        assert data["balance"] == "19999.50" and data["basis"] == "连医保罚决〔2026〕1号"
        (payment,) = data["payments"]
        assert payment["amount"] == "10000.50" and payment["voucher"] == "JK-001"
        assert payment["recorded_by"] == "finance"
        assert payment["paid_on"] == TODAY().isoformat()


def test_detail_for_outsiders_and_anonymous(api_as, api, charlie, police, handling_finance, money):
    for outsider in (charlie, police):
        assert api_as(outsider).get(detail(money["refund"])).status_code == 404
    assert api_as(handling_finance).get(detail(money["fine"])).status_code == 404
    assert api_as(handling_finance).get(detail(money["damages"])).status_code == 200
    assert api.get(detail(money["refund"])).status_code == 401
    assert api_as(charlie).get("/api/v1/obligations/99999999999999999999/").status_code == 404


# Recording a payment ---------------------------------------------------------------------------------------------


def test_finance_records_a_payment(api_as, finance, money):
    response = api_as(finance).post(payments_url(money["refund"]), body(amount="999.50"), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["amount"] == "999.50" and data["balance"] == "19000.00" and data["voucher"] == "PZ-API"
    assert data["channel"] == "银行转账" and data["recorded_by"] == "finance"
    assert Obligation.objects.with_balance().get(pk=money["refund"].pk).balance == D("19000.00")


def test_a_number_amount_is_accepted_too(api_as, recovery, money):
    response = api_as(recovery).post(payments_url(money["refund"]), body(amount=12.5), format="json")
    assert response.status_code == 201 and response.json()["amount"] == "12.50"


def test_an_overpayment_is_refused_naming_the_balance(api_as, finance, money):
    response = api_as(finance).post(payments_url(money["refund"]), body(amount="19999.51"), format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["detail"] and "19,999.50" in data["errors"]["amount"][0]
    assert not Payment.objects.filter(voucher="PZ-API").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": None}, "amount"),
        ({"voucher": ""}, "voucher"),
        ({"voucher": "x" * 61}, "voucher"),
        ({"paid_on": "tomorrow"}, "paid_on"),
        ({"paid_on": "FUTURE"}, "paid_on"),
        ({"channel": "y" * 61}, "channel"),
    ],
)
def test_bad_payments_get_field_messages(api_as, finance, money, fields, field):
    if fields.get("paid_on") == "FUTURE":
        fields = {"paid_on": (TODAY() + datetime.timedelta(days=1)).isoformat()}
    response = api_as(finance).post(payments_url(money["refund"]), body(**fields), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Payment.objects.filter(obligation=money["refund"], voucher__startswith="PZ-API").exists()


def test_missing_fields_are_named(api_as, finance, money):
    response = api_as(finance).post(payments_url(money["refund"]), {}, format="json")
    assert response.status_code == 400
    assert {"paid_on", "amount", "voucher"} <= set(response.json()["errors"])


def test_who_may_record_a_payment(api_as, api, alice, bob, auditor, charlie, police, cz_finance, money):
    url = payments_url(money["refund"])
    for viewer in (alice, bob, auditor):
        response = api_as(viewer).post(url, body(), format="json")
        assert response.status_code == 403 and response.json()["detail"]
    for outsider in (charlie, police, cz_finance):
        assert api_as(outsider).post(url, body(), format="json").status_code == 404
    assert api.post(url, body(), format="json").status_code == 401
    assert not Payment.objects.filter(voucher="PZ-API").exists()


def test_the_handling_agency_pays_its_own_obligations_only(api_as, handling_finance, manager, money):
    assert api_as(handling_finance).post(payments_url(money["damages"]), body(), format="json").status_code == 201
    assert api_as(handling_finance).post(payments_url(money["fine"]), body(), format="json").status_code == 404
    assert api_as(manager).post(payments_url(money["damages"]), body(), format="json").status_code == 403


def test_wrong_methods(api_as, finance, money):
    client = api_as(finance)
    assert client.get(payments_url(money["refund"])).status_code == 405
    assert client.delete(detail(money["refund"])).status_code == 405
    assert client.post(LIST, {}, format="json").status_code == 405


# Totals ------------------------------------------------------------------------------------------------------------


TOTALS = "/api/v1/money/totals/"


def test_totals_per_ledger_and_destination(api_as, alice, money):
    response = api_as(alice).get(TOTALS)
    assert response.status_code == 200
    data = response.json()
    assert data["ledgers"]["fund_refund"] == {"due": "32000.00", "paid": "10000.50", "balance": "21999.50"}
    assert data["ledgers"]["fine"] == {"due": "60000.00", "paid": "60000.00", "balance": "0.00"}
    assert data["ledgers"]["patient_refund"] == {"due": "0.00", "paid": "0.00", "balance": "0.00"}
    assert data["destinations"]["fund"] == {"due": "37000.00", "paid": "10000.50", "balance": "26999.50"}
    assert data["destinations"]["treasury"]["due"] == "60000.00"
    assert data["region"] is None and data["from"] is None and data["to"] is None


def test_totals_by_region_include_sub_regions_and_never_another_city(
    api_as, auditor, charlie, cz_case, cz_subject, money
):
    owe(cz_case, charlie, cz_subject, "fine", "700.00")
    client = api_as(auditor)

    def fund_and_fines(region):
        data = client.get(TOTALS, {"region": region}).json()
        return data["ledgers"]["fund_refund"]["due"], data["ledgers"]["fine"]["due"]

    assert fund_and_fines("320722") == ("2000.00", "0.00")
    assert fund_and_fines("320700") == ("32000.00", "60000.00")
    assert fund_and_fines("320400") == ("0.00", "700.00")
    assert fund_and_fines("320000") == ("32000.00", "60700.00")
    assert client.get(TOTALS, {"region": "320722"}).json()["region"] == "320722"
    # Charlie asking for 连云港 sees nothing of it.
    data = api_as(charlie).get(TOTALS, {"region": "320700"}).json()
    assert data["ledgers"]["fund_refund"]["due"] == "0.00" and data["ledgers"]["fine"]["due"] == "0.00"


def test_totals_by_period_case_and_subject(api_as, alice, money, case, county_subject):
    Obligation.objects.filter(pk=money["fine"].pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    client = api_as(alice)
    cut = (TODAY() - datetime.timedelta(days=20)).isoformat()
    assert client.get(TOTALS, {"from": cut}).json()["ledgers"]["fine"]["due"] == "0.00"
    data = client.get(TOTALS, {"to": cut}).json()
    assert data["ledgers"]["fine"]["due"] == "60000.00" and data["ledgers"]["fund_refund"]["due"] == "0.00"
    assert data["to"] == cut
    data = client.get(TOTALS, {"subject": county_subject.pk}).json()
    assert data["ledgers"]["fund_refund"]["due"] == "2000.00" and data["ledgers"]["fine"]["due"] == "0.00"
    assert client.get(TOTALS, {"case": case.pk}).json()["ledgers"]["fine"]["due"] == "60000.00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "999999"}, "region"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "soon"}, "to"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to"),
        ({"subject_kind": "robot"}, "subject_kind"),
        ({"case": "-1"}, "case"),
        ({"subject": "99999999999999999999"}, "subject"),
    ],
)
def test_bad_totals_filters(api_as, alice, params, field):
    response = api_as(alice).get(TOTALS, params)
    assert response.status_code == 400 and field in response.json()["errors"]


def test_totals_for_outsiders_and_anonymous(api_as, api, charlie, police, money):
    for outsider in (charlie, police):
        data = api_as(outsider).get(TOTALS).json()
        assert all(row["due"] == "0.00" for row in data["ledgers"].values())
    assert api.get(TOTALS).status_code == 401


def test_the_schema_documents_the_ledger_endpoints(api):
    paths = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert "get" in paths["/api/v1/obligations/"] and "get" in paths["/api/v1/obligations/{id}/"]
    assert "post" in paths["/api/v1/obligations/{id}/payments/"]
    parameters = {p["name"] for p in paths["/api/v1/money/totals/"]["get"]["parameters"]}
    assert {"region", "from", "to"} <= parameters
