"""The dashboard (/dashboard/): each chart's figures against hand-built records, scoping by the owning
agency's region (a county counts in its city, another city never), the region a user may choose,
refusals, the page's query count and its inline SVG charts."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Case, Deadline, Lead
from casework.rules import DEADLINE_STEPS
from intake.models import Report
from ledgers.models import Destination, Ledger, Obligation, Payment
from organisation.models import Agency, Region
from organisation.roles import Role
from referrals.models import Referral, ReferralOutcome
from rewards.models import Reward
from stats import dashboard
from stats.dashboard_views import subtree_ids
from tests.factories import AgencyFactory, RegionFactory, UserFactory

TODAY = datetime.date(2026, 6, 15)
URL = "/dashboard/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 2, 0, tzinfo=datetime.UTC)):  # 10:00 in Shanghai
        yield


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A local (Asia/Shanghai) moment."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def d(month: int, day: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day)


@pytest.fixture
def county(lyg_region):
    return RegionFactory(code="320703", name="连云区", level=Region.Level.COUNTY, parent=lyg_region)


@pytest.fixture
def county_bureau(county):
    return AgencyFactory(region=county, code="320703-bureau", name="连云区医疗保障局", number_prefix="连云医保")


@pytest.fixture
def county_head(county_bureau):
    return UserFactory(username="county_head", first_name="县科长", agency=county_bureau, roles=[Role.SECTION_HEAD])


@pytest.fixture
def lyg_agency(lyg_region):
    return AgencyFactory(
        region=lyg_region, code="320700-agency", name="连云港市医疗保险管理中心", kind=Agency.Kind.INSURANCE_AGENCY
    )


@pytest.fixture
def cz_police(cz_region):
    return AgencyFactory(region=cz_region, code="320400-police", name="常州市公安局", kind=Agency.Kind.POLICE)


@pytest.fixture
def lyg_discipline(lyg_region):
    return AgencyFactory(
        region=lyg_region, code="320700-discipline", name="连云港市纪委监委", kind=Agency.Kind.DISCIPLINE
    )


def scope_of(region, date_from=datetime.date(2026, 1, 1), date_to=TODAY) -> dashboard.DashboardScope:
    return dashboard.DashboardScope(
        region_ids=frozenset(region.descendant_ids()), date_from=date_from, date_to=date_to, today=TODAY
    )


def figures(table: dashboard.Table) -> dict:
    """{row key: values}, leaving out rows of zeros."""
    return {row.key: row.values for row in table.rows if any(row.values)}


def make_lead(agency, received_at, source="report", status=Lead.Status.PENDING, deadline=None) -> Lead:
    return Lead.objects.create(
        agency=agency,
        source_kind=source,
        status=status,
        title="疑似虚记费用",
        description="举报反映虚记检查费用。",
        received_at=received_at,
        deadline=deadline or received_at.date() + datetime.timedelta(days=21),
    )


_case_numbers = iter(range(1, 10_000))


def make_case(agency, opened_at=None, status=Case.Status.INVESTIGATING) -> Case:
    n = next(_case_numbers)
    return Case.objects.create(
        agency=agency,
        number=f"{agency.number_prefix}立〔2026〕{n}号",
        year=2026,
        sequence=n,
        title="虚记费用案",
        status=status,
        opened_at=opened_at or at(d(2, 1)),
    )


def make_payment(case, subject, ledger, amount, paid_on, by) -> Payment:
    obligation = Obligation.objects.create(
        agency=case.agency,
        case=case,
        subject=subject,
        ledger=ledger,
        amount_due=Decimal("100000.00"),
        basis="决定书",
        created_by=by,
    )
    return Payment.objects.create(
        obligation=obligation, paid_on=paid_on, amount=Decimal(amount), voucher=f"V{obligation.pk}", recorded_by=by
    )


def make_referral(case, to_agency, status, sent_at, outcomes=()) -> Referral:
    kind = {Agency.Kind.POLICE: "criminal", Agency.Kind.DISCIPLINE: "discipline"}[to_agency.kind]
    referral = Referral.objects.create(
        case=case, agency=case.agency, kind=kind, to_agency=to_agency, status=status, sent_at=sent_at
    )
    for outcome, decided_on in outcomes:
        ReferralOutcome.objects.create(
            referral=referral, kind=outcome, summary="结果", decided_on=decided_on, agency=to_agency
        )
    return referral


def make_reward(agency, status, paid_on=None, amount=None) -> Reward:
    lead = make_lead(agency, at(d(11, 5, 2025)), status=Lead.Status.OPENED)
    case = make_case(agency, at(d(11, 5, 2025)), status=Case.Status.CLOSED)
    report = Report.objects.create(
        lead=lead,
        channel="web",
        receipt_code=f"R{lead.pk:08d}",
        secret_hash="x",
        subject_kind="institution",
        subject_name="某医院",
    )
    return Reward.objects.create(
        case=case,
        report=report,
        agency=agency,
        status=status,
        paid_on=paid_on,
        approved_amount=Decimal(amount) if amount else None,
        voucher_no="PZ-1" if paid_on else "",
    )


# --- the figures of each chart ------------------------------------------------------------------


def test_leads_by_source_and_month(lyg_region, lyg_bureau, county_bureau, cz_bureau):
    make_lead(lyg_bureau, at(d(1, 3)))
    make_lead(lyg_bureau, at(d(1, 20)))
    make_lead(lyg_bureau, at(d(1, 1), 0, 10))  # 2025-12-31 16:10 UTC: January in Shanghai
    make_lead(lyg_bureau, at(d(1, 9)), source="screen_hit")
    make_lead(lyg_bureau, at(d(3, 31), 23, 50), source="inspection")
    make_lead(county_bureau, at(d(2, 14)))  # a county counts in its city
    make_lead(lyg_bureau, at(d(12, 31, 2025), 23, 50))  # last year
    make_lead(lyg_bureau, at(d(6, 16)))  # after the period
    make_lead(cz_bureau, at(d(1, 3)), source="superior")  # another city

    table = dashboard.leads_by_source_and_month(scope_of(lyg_region))

    assert [row.label for row in table.rows] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    sources = [code for code, _label in Lead.SourceKind.choices]
    by_month = {row.label: dict(zip(sources, row.values, strict=True)) for row in table.rows}
    assert by_month["2026-01"]["report"] == 3 and by_month["2026-01"]["screen_hit"] == 1
    assert by_month["2026-02"]["report"] == 1
    assert by_month["2026-03"]["inspection"] == 1
    assert all(by_month[month]["superior"] == 0 for month in by_month)
    assert table.total == 6
    assert dict(zip(sources, table.column_totals, strict=True))["report"] == 4


def test_leads_of_a_county_only(county, lyg_bureau, county_bureau):
    make_lead(lyg_bureau, at(d(1, 3)))
    make_lead(county_bureau, at(d(2, 14)))
    assert dashboard.leads_by_source_and_month(scope_of(county)).total == 1


def test_cases_by_status(lyg_region, lyg_bureau, county_bureau, cz_bureau):
    make_case(lyg_bureau, at(d(1, 5)), Case.Status.INVESTIGATING)
    make_case(lyg_bureau, at(d(2, 5)), Case.Status.INVESTIGATING)
    make_case(lyg_bureau, at(d(3, 5)), Case.Status.CLOSED)
    make_case(county_bureau, at(d(4, 5)), Case.Status.HANDLING)
    make_case(lyg_bureau, at(d(11, 5, 2025)), Case.Status.OPENED)  # opened before the period
    make_case(cz_bureau, at(d(1, 5)), Case.Status.WITHDRAWN)

    table = dashboard.cases_by_status(scope_of(lyg_region))

    assert figures(table) == {"investigating": [2], "handling": [1], "closed": [1]}
    assert [row.key for row in table.rows] == [code for code, _label in Case.Status.choices]
    assert table.total == 4


def test_overdue_deadlines_by_step(lyg_region, lyg_bureau, county_bureau, cz_bureau):
    case, county_case, cz_case = make_case(lyg_bureau), make_case(county_bureau), make_case(cz_bureau)
    Deadline.objects.create(case=case, step="penalty_decision", due=d(5, 1), basis="令4号")
    Deadline.objects.create(case=case, step="fine_payment", ref="penalty:1", due=d(6, 14), basis="处罚法")
    Deadline.objects.create(case=county_case, step="fine_payment", ref="penalty:2", due=d(3, 1), basis="处罚法")
    Deadline.objects.create(case=case, step="hearing", due=d(6, 15), basis="处罚法")  # due today: not late yet
    Deadline.objects.create(case=case, step="statement", due=d(6, 20), basis="处罚法")  # not due
    Deadline.objects.create(case=case, step="penalty_service", due=d(2, 1), closed_on=d(2, 3), basis="处罚法")  # met
    Deadline.objects.create(case=case, step="rectification", due=d(12, 1, 2025), basis="协议")  # before the period
    Deadline.objects.create(case=cz_case, step="fine_payment", due=d(3, 1), basis="处罚法")  # another city
    make_lead(lyg_bureau, at(d(4, 1)), deadline=d(4, 22))  # pending past its deadline
    make_lead(lyg_bureau, at(d(4, 1)), deadline=d(4, 22), status=Lead.Status.DISMISSED)  # decided
    make_lead(cz_bureau, at(d(4, 1)), deadline=d(4, 22))

    table = dashboard.overdue_deadlines_by_step(scope_of(lyg_region))

    assert figures(table) == {"case_decision": [1], "penalty_decision": [1], "fine_payment": [2]}
    steps = ["case_decision", "penalty_decision", "fine_payment"]
    assert [row.label for row in table.rows] == [str(DEADLINE_STEPS[step]) for step in steps]
    assert table.total == 4


def test_money_recovered_by_ledger(lyg_region, lyg_bureau, lyg_agency, county_bureau, cz_bureau, alice, subject):
    case, county_case, cz_case = make_case(lyg_bureau), make_case(county_bureau), make_case(cz_bureau)
    agency_case = make_case(lyg_agency)
    make_payment(case, subject, Ledger.FUND_REFUND, "12000.50", d(2, 1), alice)
    make_payment(case, subject, Ledger.FUND_REFUND, "3000.00", d(6, 15), alice)
    make_payment(county_case, subject, Ledger.FINE, "5000.00", d(3, 1), alice)
    make_payment(agency_case, subject, Ledger.LIQUIDATED_DAMAGES, "800.25", d(4, 1), alice)
    make_payment(case, subject, Ledger.PATIENT_REFUND, "99.99", d(5, 5), alice)
    make_payment(case, subject, Ledger.FINE, "7777.00", d(12, 30, 2025), alice)  # before the period
    make_payment(cz_case, subject, Ledger.FUND_REFUND, "50000.00", d(2, 1), alice)  # another city

    table = dashboard.money_recovered_by_ledger(scope_of(lyg_region))

    assert figures(table) == {
        "fund_refund": [2, Decimal("15000.50")],
        "fine": [1, Decimal("5000.00")],
        "liquidated_damages": [1, Decimal("800.25")],
        "patient_refund": [1, Decimal("99.99")],
    }
    # One total per destination account, never one sum across them.
    assert [values for _label, values in table.footer_cells] == [["3", "15,800.75"], ["1", "5,000.00"], ["1", "99.99"]]
    assert [label for label, _values in table.footer_cells] == [
        _("Paid into: %(destination)s") % {"destination": label} for _code, label in Destination.choices
    ]


def test_referrals_by_agency_and_outcome(lyg_region, lyg_bureau, lyg_police, lyg_discipline, cz_bureau, cz_police):
    case, cz_case = make_case(lyg_bureau), make_case(cz_bureau)
    Status, Outcome = Referral.Status, ReferralOutcome.Kind
    make_referral(
        case,
        lyg_police,
        Status.ACCEPTED,
        at(d(1, 10)),
        outcomes=[(Outcome.INVESTIGATION, d(1, 20)), (Outcome.JUDGMENT, d(5, 20))],
    )
    make_referral(case, lyg_police, Status.ACCEPTED, at(d(2, 10)), outcomes=[(Outcome.INVESTIGATION, d(2, 20))])
    make_referral(case, lyg_police, Status.AWAITING_RECEIPT, at(d(6, 14)))
    make_referral(case, lyg_police, Status.RECONSIDERATION, at(d(3, 1)))
    make_referral(case, lyg_discipline, Status.ACCEPTED, at(d(4, 1)))
    make_referral(case, lyg_police, Status.DECLINED, None)  # never sent
    make_referral(case, lyg_police, Status.ACCEPTED, at(d(12, 1, 2025)))  # sent before the period
    make_referral(cz_case, cz_police, Status.REJECTED, at(d(3, 1)))  # another city

    table = dashboard.referrals_by_agency_and_outcome(scope_of(lyg_region))

    columns = dict(zip(table.columns, range(len(table.columns)), strict=True))
    rows = {row.key: row.values for row in table.rows}
    assert set(rows) == {"police", "discipline_inspection"}
    police = rows["police"]
    standing = {key: str(label) for key, label in dashboard.REFERRAL_STANDING.values()}
    assert police[columns[str(Outcome.JUDGMENT.label)]] == 1
    assert police[columns[str(Outcome.INVESTIGATION.label)]] == 1
    assert police[columns[standing["waiting"]]] == 1
    assert police[columns[standing["refused"]]] == 1
    assert rows["discipline_inspection"][columns[standing["accepted"]]] == 1
    assert len(table.columns) == 5  # only outcomes that occur
    assert table.total == 5


def test_rewards_paid_by_month(lyg_region, lyg_bureau, county_bureau, cz_bureau):
    make_reward(lyg_bureau, Reward.Status.PAID, d(3, 2), "1500.00")
    make_reward(lyg_bureau, Reward.Status.PAID, d(3, 30), "200.50")
    make_reward(county_bureau, Reward.Status.PAID, d(5, 1), "600.00")
    make_reward(lyg_bureau, Reward.Status.PAID, d(12, 20, 2025), "900.00")  # before the period
    make_reward(lyg_bureau, Reward.Status.CLAIMING, amount="700.00")  # not paid
    make_reward(cz_bureau, Reward.Status.PAID, d(3, 2), "5000.00")  # another city

    table = dashboard.rewards_paid_by_month(scope_of(lyg_region))

    assert figures(table) == {"2026-03-01": [2, Decimal("1700.50")], "2026-05-01": [1, Decimal("600.00")]}
    assert table.column_totals == [3, Decimal("2300.50")]
    assert table.total_cells == ["3", "2,300.50"]


def test_subtree_ids_from_the_reachable_list(province, lyg_region, cz_region, county):
    regions = list(Region.objects.all())
    assert subtree_ids(regions, lyg_region) == {lyg_region.pk, county.pk}
    assert subtree_ids(regions, province) == {province.pk, lyg_region.pk, cz_region.pk, county.pk}


# --- the page ------------------------------------------------------------------------------------


@pytest.fixture
def busy(lyg_bureau, county_bureau, cz_bureau, lyg_police, alice, subject):
    """A record for every chart in 连云港 and its county, and a distinctive one in 常州."""
    case = make_case(lyg_bureau, at(d(2, 1)))
    make_case(county_bureau, at(d(3, 1)), Case.Status.CLOSED)
    for month in (1, 2, 3):
        make_lead(lyg_bureau, at(d(month, 2)))
    make_lead(county_bureau, at(d(4, 2)), source="inspection")
    Deadline.objects.create(case=case, step="penalty_decision", due=d(5, 1), basis="令4号")
    make_payment(case, subject, Ledger.FUND_REFUND, "12000.50", d(2, 1), alice)
    make_referral(case, lyg_police, Referral.Status.RECEIVED, at(d(5, 1)))
    make_reward(lyg_bureau, Reward.Status.PAID, d(3, 2), "1500.00")
    for _n in range(7):
        make_lead(cz_bureau, at(d(1, 3)), source="superior")
    make_case(cz_bureau, at(d(1, 5)), Case.Status.WITHDRAWN)


def charts_of(response) -> dict[str, dashboard.Table]:
    return {chart.slug: chart.table for chart in response.context["charts"]}


def test_section_head_sees_their_city_and_its_counties(client, alice, busy):
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 200
    tables = charts_of(response)
    assert tables["leads"].total == 4  # three in the city, one in the county
    assert tables["cases"].total == 2
    superior = [code for code, _label in Lead.SourceKind.choices].index("superior")
    assert tables["leads"].column_totals[superior] == 0  # 常州's leads are not here
    assert figures(tables["cases"]) == {"investigating": [1], "closed": [1]}


def test_page_renders_six_inline_svg_charts_with_cjk_font(client, alice, busy):
    client.force_login(alice)
    html = client.get(URL).content.decode()
    assert html.count("<svg ") == html.count('<svg role="img" aria-label=') == 6
    assert html.count('xmlns="http://www.w3.org/2000/svg"') == 6
    assert f'role="img" aria-label="{_("Leads by source and month")}"' in html
    assert "Noto Sans CJK SC" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # no chart JavaScript
    assert html.count("<table") == 6
    assert "12,000.50" in html and "1,500.00" in html


def test_empty_charts_say_so(client, alice):
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 200
    assert "<svg" not in response.content.decode()
    assert response.content.decode().count(_("Nothing in this region and period.")) == 6


def test_section_head_narrows_to_a_county(client, alice, county, busy):
    client.force_login(alice)
    response = client.get(URL, {"region": county.pk, "date_from": "2026-01-01", "date_to": "2026-06-15"})
    assert response.status_code == 200
    tables = charts_of(response)
    assert tables["leads"].total == 1
    assert figures(tables["cases"]) == {"closed": [1]}


def test_period_narrows_the_figures(client, alice, busy):
    client.force_login(alice)
    response = client.get(URL, {"date_from": "2026-02-01", "date_to": "2026-02-28"})
    tables = charts_of(response)
    assert [row.label for row in tables["leads"].rows] == ["2026-02"]
    assert tables["leads"].total == 1
    assert tables["rewards"].column_totals == [0, 0]


def test_another_city_is_not_a_choice(client, alice, cz_region, province, busy):
    client.force_login(alice)
    for region in (cz_region, province):
        response = client.get(URL, {"region": region.pk})
        assert response.status_code == 400
        assert response.context["charts"] == []
    assert client.get(URL, {"region": "nonsense"}).status_code == 400


def test_county_head_cannot_choose_the_city(client, county_head, lyg_region, county, busy):
    client.force_login(county_head)
    assert client.get(URL, {"region": lyg_region.pk}).status_code == 400
    response = client.get(URL)
    assert response.status_code == 200
    assert charts_of(response)["leads"].total == 1


def test_other_city_head_sees_only_their_city(client, charlie, busy):
    client.force_login(charlie)
    tables = charts_of(client.get(URL))
    assert tables["leads"].total == 7
    assert figures(tables["cases"]) == {"withdrawn": [1]}
    assert tables["money"].is_empty and tables["rewards"].is_empty and tables["referrals"].rows == []


def test_province_auditor_reaches_every_city(client, auditor, cz_region, province, busy):
    client.force_login(auditor)
    assert charts_of(client.get(URL))["leads"].total == 11
    response = client.get(URL, {"region": cz_region.pk})
    assert response.status_code == 200
    assert charts_of(response)["leads"].total == 7


def test_director_may_view(client, director, busy):
    client.force_login(director)
    assert client.get(URL).status_code == 200


def test_bad_period_is_refused(client, alice):
    client.force_login(alice)
    response = client.get(URL, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert response.status_code == 400
    assert _("The end of the period is before its start.") in response.content.decode()
    assert client.get(URL, {"date_from": "2020-01-01", "date_to": "2026-06-01"}).status_code == 400
    assert client.get(URL, {"date_from": "2026-13-01"}).status_code == 400


@pytest.mark.parametrize("fixture", ["bob", "clerk", "police", "reward_handler"])
def test_other_roles_are_refused(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(URL).status_code == 403


def test_police_director_is_refused(client, lyg_police):
    officer = UserFactory(username="police_head", agency=lyg_police, roles=[Role.DIRECTOR])
    client.force_login(officer)
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_only_get(client, alice):
    client.force_login(alice)
    assert client.post(URL).status_code == 405


def test_nav_link_for_dashboard_roles_only(client, alice, bob):
    client.force_login(alice)
    assert 'href="/dashboard/"' in client.get("/cases/").content.decode()
    client.force_login(bob)
    assert 'href="/dashboard/"' not in client.get("/cases/").content.decode()


def test_page_query_count_is_pinned(client, auditor, busy, django_assert_max_num_queries):
    client.force_login(auditor)
    with django_assert_max_num_queries(19):
        assert client.get(URL).status_code == 200
