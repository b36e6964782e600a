"""Money pages: the case's money panel, /money/ totals, the obligations list, one obligation, a subject's money,
and recording a payment — with every role that can reach them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ledgers.models import Ledger, Obligation, Payment
from ledgers.services import obligation_record, payment_record
from organisation.models import Agency, Region
from organisation.roles import Role
from tests.factories import AgencyFactory, RegionFactory, SubjectFactory, UserFactory, found_loss
from workflows.triage import triage_decide, triage_start

pytestmark = pytest.mark.django_db
D = Decimal
# The fixtures other ledger test modules use (`from tests.test_ledgers_pages import *`); no tests.
__all__ = [
    "case",
    "county",
    "county_subject",
    "cz_case",
    "cz_finance",
    "cz_subject",
    "finance",
    "handling",
    "handling_finance",
    "manager",
    "money",
    "recovery",
]
TODAY = timezone.localdate


# Fixtures (imported by the other ledger test modules) ----------------------------------------------------------


@pytest.fixture
def county(lyg_region):
    return RegionFactory(code="320722", name="东海县", level=Region.Level.COUNTY, parent=lyg_region)


@pytest.fixture
def county_subject(county):
    return SubjectFactory(region=county, name="东海县人民医院", code="H32072200001")


@pytest.fixture
def cz_subject(cz_region):
    return SubjectFactory(region=cz_region, name="常州市第二人民医院", code="H32040000001")


@pytest.fixture
def case(make_lead, alice, subject, county_subject):
    lead = make_lead(subjects=[subject, county_subject])
    return triage_decide(lead=lead, by=alice, decision="open").case


@pytest.fixture
def cz_case(cz_bureau, charlie, cz_subject):
    lead = triage_start(
        agency=cz_bureau,
        source_kind="screen_hit",
        title="疑似串换药品",
        description="智能监控发现串换药品。",
        subjects=[cz_subject],
        by=charlie,
    )
    return triage_decide(lead=lead, by=charlie, decision="open").case


@pytest.fixture
def finance(lyg_bureau):
    return UserFactory(username="finance", first_name="周敏", agency=lyg_bureau, roles=[Role.FINANCE])


@pytest.fixture
def recovery(lyg_bureau):
    return UserFactory(username="recovery", first_name="吴海涛", agency=lyg_bureau, roles=[Role.RECOVERY_OFFICER])


@pytest.fixture
def cz_finance(cz_bureau):
    return UserFactory(username="cz_finance", first_name="许洁", agency=cz_bureau, roles=[Role.FINANCE])


@pytest.fixture
def handling(lyg_region):
    return AgencyFactory(
        region=lyg_region,
        code="320700-agency",
        name="连云港市医疗保险管理中心",
        kind=Agency.Kind.INSURANCE_AGENCY,
        number_prefix="连医管",
    )


@pytest.fixture
def manager(handling):
    return UserFactory(username="agm", first_name="孙立", agency=handling, roles=[Role.AGREEMENT_MANAGER])


@pytest.fixture
def handling_finance(handling):
    return UserFactory(username="agfin", first_name="钱芳", agency=handling, roles=[Role.FINANCE])


def owe(case, by, subject, ledger, amount, *, due_on=None, agency=None, basis="连医保罚决〔2026〕1号"):
    if ledger == "fund_refund":
        found_loss(case, subject, amount)
    return obligation_record(
        case=case, subject=subject, ledger=ledger, amount_due=amount, basis=basis, by=by, due_on=due_on, agency=agency
    )


def pay(obligation, by, amount, voucher="PZ-1", paid_on=None):
    return payment_record(obligation=obligation, by=by, paid_on=paid_on or TODAY(), amount=amount, voucher=voucher)


@pytest.fixture
def money(case, alice, finance, subject, county_subject, manager, handling):
    """A refund to the fund (part paid, overdue), a fine (paid), 违约金 imposed by the handling agency."""
    refund = owe(case, alice, subject, "fund_refund", "30000.00", due_on=TODAY() - datetime.timedelta(days=10))
    fine = owe(case, alice, subject, "fine", "60000.00", due_on=TODAY() + datetime.timedelta(days=5))
    county_refund = owe(case, alice, county_subject, "fund_refund", "2000.00")
    damages = owe(case, manager, subject, "liquidated_damages", "5000.00", agency=handling, basis="连医管违〔2026〕2号")
    pay(refund, finance, "10000.50", "JK-001")
    pay(fine, finance, "60000.00", "GK-001")
    return {"refund": refund, "fine": fine, "county_refund": county_refund, "damages": damages}


def case_url(case):
    return reverse("case-detail", args=[case.pk])


# The case's money panel ----------------------------------------------------------------------------------------


def test_the_panel_keeps_each_ledger_apart_and_totals_per_destination(client, alice, case, money):
    client.force_login(alice)
    response = client.get(case_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    panel = html[html.index('id="money"') :]
    # Per ledger, with its own subtotal.
    for ledger in (Ledger.FUND_REFUND, Ledger.FINE, Ledger.LIQUIDATED_DAMAGES):
        assert str(ledger.label) in panel
    assert "32,000.00" in panel  # fund refunds due: 30,000 + 2,000 (two subjects)
    assert "21,999.50" in panel  # fund refund balance: 32,000 − 10,000.50
    assert "60,000.00" in panel
    # Destinations: the fund account (refunds + 违约金), the treasury (the fine), never one sum of both.
    assert "37,000.00" in panel  # 32,000 + 5,000 due to the fund account
    assert "152,000.00" not in panel and "97,000.00" not in panel
    assert "JK-001" in panel and "GK-001" in panel
    # The 违约金 was imposed by the handling agency, which the panel says.
    assert "连云港市医疗保险管理中心" in panel


def test_an_overdue_obligation_is_flagged_with_its_days(client, alice, case, money):
    client.force_login(alice)
    panel = client.get(case_url(case)).content.decode()
    assert "逾期 10 天" in panel or "10 days overdue" in panel
    assert panel.count("row-overdue") == 1  # the fine is not yet due, the county refund has no date


def test_a_paid_obligation_is_not_overdue(client, alice, finance, case, subject):
    late = owe(case, alice, subject, "fine", "100.00", due_on=TODAY() - datetime.timedelta(days=3))
    pay(late, finance, "100.00")
    client.force_login(alice)
    panel = client.get(case_url(case)).content.decode()
    assert "row-overdue" not in panel


def test_the_payment_form_is_only_for_finance_and_recovery_officers(
    client, alice, bob, finance, recovery, auditor, case, money
):
    for user, shown in ((finance, True), (recovery, True), (alice, False), (bob, False), (auditor, False)):
        client.force_login(user)
        response = client.get(case_url(case))
        assert response.status_code == 200
        assert (reverse("money-payment-add") in response.content.decode()) is shown, user


def test_the_payment_form_offers_only_open_obligations(client, finance, case, money):
    client.force_login(finance)
    html = client.get(case_url(case)).content.decode()
    form = html[html.index(reverse("money-payment-add")) :]
    assert f'value="{money["refund"].pk}"' in form and f'value="{money["damages"].pk}"' in form
    assert f'value="{money["fine"].pk}"' not in form  # paid in full


def test_a_case_without_money_says_so(client, alice, case):
    client.force_login(alice)
    response = client.get(case_url(case))
    assert response.status_code == 200 and 'id="money"' in response.content.decode()


def test_the_panel_query_count_does_not_grow_with_obligations_and_payments(
    client, alice, finance, case, subject, county_subject, django_assert_max_num_queries
):
    def add(count):
        for index in range(count):
            owed = owe(case, alice, subject if index % 2 else county_subject, "fund_refund", "100.00")
            pay(owed, finance, "10.00", f"V{owed.pk}")
            pay(owed, finance, "5.00", f"W{owed.pk}")

    add(2)
    client.force_login(finance)
    client.get(case_url(case))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(case_url(case)).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(case_url(case))
    assert response.status_code == 200
    assert response.content.decode().count("row-overdue") == 0


# Recording a payment ---------------------------------------------------------------------------------------------


def _post_payment(client, obligation, case, **fields):
    data = {
        "obligation": obligation.pk,
        "paid_on": TODAY().isoformat(),
        "amount": "100.00",
        "voucher": "PZ-9",
        "channel": "银行转账",
        "next": case_url(case) + "#money",
        **fields,
    }
    return client.post(reverse("money-payment-add"), data)


def test_finance_records_a_payment_from_the_case_page(client, finance, case, money):
    client.force_login(finance)
    response = _post_payment(client, money["refund"], case, amount="1,000.00")
    assert response.status_code == 302 and response["Location"] == case_url(case) + "#money"
    payment = Payment.objects.get(voucher="PZ-9")
    assert payment.amount == D("1000.00") and payment.recorded_by == finance and payment.channel == "银行转账"
    page = client.get(case_url(case)).content.decode()
    assert "20,999.50" in page  # 32,000 − 10,000.50 − 1,000 on the fund-refund ledger
    assert "PZ-9" in page


def test_an_overpayment_is_refused_naming_the_balance(client, finance, case, money):
    client.force_login(finance)
    response = _post_payment(client, money["refund"], case, amount="20000.00")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "19,999.50" in errors["amount"][0]
    assert "19,999.50" in response.content.decode()
    assert not Payment.objects.filter(voucher="PZ-9").exists()


def test_all_problems_are_shown_at_once(client, finance, case, money):
    client.force_login(finance)
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = _post_payment(client, money["refund"], case, amount="20000.00", voucher="", paid_on=tomorrow)
    errors = response.context["form"].errors
    assert set(errors) == {"amount", "voucher", "paid_on"}
    assert "19,999.50" in errors["amount"][0]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"paid_on": "2999-01-01"}, "paid_on"),
        ({"voucher": ""}, "voucher"),
        ({"amount": "0"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": ""}, "amount"),
    ],
)
def test_bad_payments_are_shown_as_form_errors(client, finance, case, money, fields, field):
    if fields.get("paid_on") == "2999-01-01":
        fields = {"paid_on": (TODAY() + datetime.timedelta(days=1)).isoformat()}
    client.force_login(finance)
    response = _post_payment(client, money["refund"], case, **fields)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert not Payment.objects.filter(voucher="PZ-9").exists()


def test_the_amount_message_names_the_allowed_form_and_the_ceiling(client, finance, case, money):
    client.force_login(finance)
    response = _post_payment(client, money["refund"], case, amount="-5")
    assert "999,999,999,999.99" in response.context["form"].errors["amount"][0]


def test_a_fine_payment_never_reduces_a_fund_refund(client, finance, case, money):
    client.force_login(finance)
    damages = money["damages"]
    _post_payment(client, damages, case, amount="5000.00", voucher="WY-1")
    refund = Obligation.objects.with_balance().get(pk=money["refund"].pk)
    assert refund.balance == D("19999.50")
    assert Obligation.objects.with_balance().get(pk=damages.pk).balance == D("0.00")


def test_who_may_post_a_payment(client, alice, bob, auditor, charlie, police, finance, case, money):
    obligation = money["refund"]
    for user, expected in ((bob, 403), (alice, 403), (auditor, 403), (charlie, 404), (police, 404)):
        client.force_login(user)
        assert _post_payment(client, obligation, case).status_code == expected, user
        assert client.post(reverse("money-obligation", args=[obligation.pk]), {}).status_code == expected, user
    client.logout()
    response = _post_payment(client, obligation, case)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Payment.objects.filter(voucher="PZ-9").exists()


def test_payment_add_is_post_only_and_needs_a_real_obligation(client, finance, case, money):
    client.force_login(finance)
    assert client.get(reverse("money-payment-add")).status_code == 405
    assert client.post(reverse("money-payment-add"), {"obligation": "x"}).status_code == 404
    assert client.post(reverse("money-payment-add"), {"obligation": "999999"}).status_code == 404


def test_a_foreign_next_url_is_not_followed(client, finance, case, money):
    client.force_login(finance)
    response = _post_payment(client, money["refund"], case, next="https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == reverse("money-obligation", args=[money["refund"].pk])


def test_payment_on_the_obligation_page(client, recovery, case, money):
    obligation = money["refund"]
    url = reverse("money-obligation", args=[obligation.pk])
    client.force_login(recovery)
    page = client.get(url)
    assert page.status_code == 200 and "record-payment" in page.content.decode()
    response = client.post(
        url, {"obligation": obligation.pk, "paid_on": TODAY().isoformat(), "amount": "99.50", "voucher": "ZJ-7"}
    )
    assert response.status_code == 302 and response["Location"] == url
    follow = client.get(url).content.decode()
    assert "ZJ-7" in follow and "19,900.00" in follow


def test_the_handling_agency_collects_its_own_liquidated_damages(client, handling_finance, manager, case, money):
    damages = money["damages"]
    url = reverse("money-obligation", args=[damages.pk])
    client.force_login(handling_finance)
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("case-detail", args=[case.pk]) not in page.content.decode()  # the case is the bureau's
    response = client.post(
        url, {"obligation": damages.pk, "paid_on": TODAY().isoformat(), "amount": "5000", "voucher": "WY-9"}
    )
    assert response.status_code == 302
    # The bureau's fine and refunds are not the handling agency's to see.
    assert client.get(reverse("money-obligation", args=[money["fine"].pk])).status_code == 404
    # Its agreement manager sees what the agency imposed, read-only.
    client.force_login(manager)
    assert client.get(url).status_code == 200
    assert client.post(url, {"obligation": damages.pk}).status_code == 403


def test_the_bureau_also_collects_what_its_handling_agency_imposed_in_its_case(client, finance, case, money):
    client.force_login(finance)
    assert _post_payment(client, money["damages"], case, amount="100").status_code == 302


# The obligation page ---------------------------------------------------------------------------------------------


def test_the_obligation_page_by_role(client, alice, bob, auditor, charlie, police, money):
    url = reverse("money-obligation", args=[money["refund"].pk])
    for user in (alice, bob, auditor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "JK-001" in html and "19,999.50" in html
        assert "record-payment" not in html
    for user in (charlie, police):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(alice)
    assert client.get(reverse("money-obligation", args=[999999])).status_code == 404
    assert client.put(url).status_code == 405


# /money/ ---------------------------------------------------------------------------------------------------------


def test_money_overview_totals_per_ledger_and_destination(client, alice, money):
    client.force_login(alice)
    response = client.get(reverse("money-overview"))
    assert response.status_code == 200
    ledgers = {row.ledger: row for row in response.context["ledgers"]}
    assert (ledgers["fund_refund"].due, ledgers["fund_refund"].paid) == (D("32000.00"), D("10000.50"))
    assert ledgers["fine"].balance == D("0.00")
    assert ledgers["liquidated_damages"].due == D("5000.00")
    destinations = {row.destination: row for row in response.context["destinations"]}
    assert destinations["fund"].due == D("37000.00") and destinations["treasury"].due == D("60000.00")
    assert destinations["patients"].due == D("0.00")
    assert response.context["overdue_count"] == 1
    html = response.content.decode()
    assert "连云港市第一人民医院" in html and "东海县人民医院" in html


def test_money_overview_top_balances_per_subject_and_case(client, alice, case, money):
    client.force_login(alice)
    response = client.get(reverse("money-overview"))
    rows = list(response.context["by_subject"])
    assert [(row["subject__code"], row["ledger"], row["balance_total"]) for row in rows[:2]] == [
        ("H32070300001", "fund_refund", D("19999.50")),
        ("H32070300001", "liquidated_damages", D("5000.00")),
    ]
    cases = list(response.context["by_case"])
    assert cases[0]["case__number"] == case.number and cases[0]["ledger"] == "fund_refund"
    assert cases[0]["balance_total"] == D("21999.50") and cases[0]["case_visible"]


def test_money_overview_region_includes_its_counties_only(
    client, auditor, alice, charlie, cz_case, cz_subject, money, county, lyg_region, cz_region, province, cz_finance
):
    owe(cz_case, charlie, cz_subject, "fine", "700.00")

    def fund_due(user, region):
        client.force_login(user)
        response = client.get(reverse("money-overview"), {"region": region.pk} if region else {})
        assert response.status_code == 200
        totals = {row.ledger: row for row in response.context["ledgers"]}
        return totals["fund_refund"].due, totals["fine"].due

    assert fund_due(auditor, county) == (D("2000.00"), D("0.00"))
    assert fund_due(auditor, lyg_region) == (D("32000.00"), D("60000.00"))
    assert fund_due(auditor, cz_region) == (D("0.00"), D("700.00"))
    assert fund_due(auditor, province) == (D("32000.00"), D("60700.00"))
    assert fund_due(auditor, None) == (D("32000.00"), D("60700.00"))
    # Each city sees its own money only, whatever region it asks for.
    assert fund_due(charlie, None) == (D("0.00"), D("700.00"))
    assert fund_due(alice, None) == (D("32000.00"), D("60000.00"))
    client.force_login(charlie)
    # Another city's region is not a choice: the filter is ignored and says so.
    response = client.get(reverse("money-overview"), {"region": lyg_region.pk})
    assert response.context["form"].errors and "东海县人民医院" not in response.content.decode()


def test_money_overview_period_and_subject_kind(client, alice, case, money, subject):
    Obligation.objects.filter(pk=money["fine"].pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    client.force_login(alice)
    last_month = (TODAY() - datetime.timedelta(days=30)).isoformat()
    response = client.get(reverse("money-overview"), {"date_from": last_month})
    assert {row.ledger: row.due for row in response.context["ledgers"]}["fine"] == D("0.00")
    response = client.get(reverse("money-overview"), {"date_to": last_month})
    totals = {row.ledger: row.due for row in response.context["ledgers"]}
    assert totals["fine"] == D("60000.00") and totals["fund_refund"] == D("0.00")
    response = client.get(reverse("money-overview"), {"subject_kind": "pharmacy"})
    assert all(row.due == 0 for row in response.context["ledgers"])


def test_money_overview_for_outsiders_and_anonymous(client, charlie, police, money):
    for user in (charlie, police):
        client.force_login(user)
        response = client.get(reverse("money-overview"))
        assert response.status_code == 200
        assert all(row.due == 0 for row in response.context["ledgers"])
        assert not response.context["by_subject"].object_list and not response.context["by_case"].object_list
        assert "连云港市第一人民医院" not in response.content.decode()
    client.logout()
    assert client.get(reverse("money-overview")).status_code == 302


def test_money_overview_is_paginated(client, alice, case, subject, county_subject):
    for index in range(25):
        owe(case, alice, subject if index % 2 else county_subject, "fund_refund", f"{index + 1}.00")
    Obligation.objects.update()
    client.force_login(alice)
    response = client.get(reverse("money-overview"))
    assert response.context["by_subject"].paginator.count == 2  # two subjects × one ledger
    response = client.get(reverse("money-overview"), {"cases_page": "2", "subjects_page": "x"})
    assert response.status_code == 200


def test_money_overview_query_count_is_bounded(
    client, auditor, alice, finance, make_lead, subject, county_subject, county, django_assert_max_num_queries
):
    for index in range(12):
        case = triage_decide(lead=make_lead(subjects=[subject, county_subject]), by=alice, decision="open").case
        for ledger in ("fund_refund", "fine", "patient_refund"):
            owed = owe(case, alice, subject if index % 2 else county_subject, ledger, "100.00")
            pay(owed, finance, "1.00", f"V{owed.pk}")
    for user in (alice, auditor):
        client.force_login(user)
        # Session, user, agency, region tree, permissions; totals (2), two grouped tables (count + rows each),
        # visible cases of the page, overdue count, the region choices.
        with django_assert_max_num_queries(20):
            assert client.get(reverse("money-overview")).status_code == 200
        with django_assert_max_num_queries(23):
            assert client.get(reverse("money-overview"), {"region": county.pk}).status_code == 200


# The obligations list ----------------------------------------------------------------------------------------------


def test_obligation_list_filters(client, alice, case, money, cz_case, charlie, cz_subject):
    owe(cz_case, charlie, cz_subject, "fine", "700.00")
    client.force_login(alice)

    def listed(**params):
        response = client.get(reverse("money-obligations"), params)
        assert response.status_code == 200
        return {o.pk for o in response.context["page"]}

    ids = {key: o.pk for key, o in money.items()}
    assert listed() == set(ids.values())
    assert listed(ledger="fund_refund") == {ids["refund"], ids["county_refund"]}
    assert listed(status="overdue") == {ids["refund"]}
    assert listed(status="paid") == {ids["fine"]}
    assert listed(status="open") == {ids["refund"], ids["county_refund"], ids["damages"]}
    assert listed(case=case.number) == set(ids.values())
    assert listed(case="常医保") == set()
    assert listed(subject="东海县") == {ids["county_refund"]}
    assert listed(subject="H32070300001") == {ids["refund"], ids["fine"], ids["damages"]}
    html = client.get(reverse("money-obligations"), {"status": "overdue"}).content.decode()
    assert "逾期 10 天" in html or "10 days overdue" in html


def test_obligation_list_for_outsiders_and_anonymous(client, charlie, police, manager, money):
    for user in (charlie, police):
        client.force_login(user)
        response = client.get(reverse("money-obligations"))
        assert response.status_code == 200 and not response.context["page"].object_list
    client.force_login(manager)
    response = client.get(reverse("money-obligations"))
    assert [o.pk for o in response.context["page"]] == [money["damages"].pk]
    client.logout()
    assert client.get(reverse("money-obligations")).status_code == 302


def test_obligation_list_query_count_is_bounded(
    client, alice, finance, case, subject, county_subject, django_assert_max_num_queries
):
    for index in range(30):
        owed = owe(case, alice, subject if index % 2 else county_subject, "fine", "100.00", due_on=TODAY())
        pay(owed, finance, "1.00", f"V{owed.pk}")
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("money-obligations"))
    assert response.status_code == 200 and len(response.context["page"]) == 30


# A subject's money ---------------------------------------------------------------------------------------------


def test_subject_money_across_cases(client, alice, auditor, make_lead, subject, money):
    second = triage_decide(lead=make_lead(subjects=[subject]), by=alice, decision="open").case
    owe(second, alice, subject, "confiscation", "800.00", basis="连医保罚决〔2026〕7号")
    url = reverse("money-subject", args=[subject.pk])
    for user in (alice, auditor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert second.number in html and "连医保罚决〔2026〕7号" in html
        totals = {row.ledger: row for row in response.context["ledgers"]}
        assert totals["fund_refund"].balance == D("19999.50") and totals["confiscation"].due == D("800.00")
        assert "county_refund" not in html and "东海县人民医院" not in html


def test_subject_money_for_outsiders_and_anonymous(client, charlie, police, subject, money, cz_subject, alice):
    url = reverse("money-subject", args=[subject.pk])
    for user in (charlie, police):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("money-subject", args=[cz_subject.pk])).status_code == 404
    assert client.get(reverse("money-subject", args=[999999])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_subject_of_the_region_without_money(client, alice, other_subject):
    client.force_login(alice)
    response = client.get(reverse("money-subject", args=[other_subject.pk]))
    assert response.status_code == 200 and not response.context["sections"]


def test_the_nav_links_to_money(client, alice):
    client.force_login(alice)
    assert reverse("money-overview") in client.get(reverse("case-list")).content.decode()
