"""Rating pages: who sees the list and a pharmacy's evaluation, who records deductions and repairs, the
forms' errors, the filters and the list's query count."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from organisation.models import Region
from ratings.models import Deduction, Evaluation, Indicator
from ratings.services import deduction_record
from tests.agreement_fixtures import cz_agency, cz_manager, lyg_agency, manager  # noqa: F401 — fixtures
from tests.factories import RegionFactory, SubjectFactory

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=timezone.get_default_timezone()), tick=False):
        yield


@pytest.fixture
def pharmacy(lyg_region):
    return SubjectFactory(region=lyg_region, kind="pharmacy", name="连云港老百姓大药房（通灌店）", code="P3207000001")


@pytest.fixture
def people(alice, bob, charlie, auditor, police, manager, cz_manager):  # noqa: F811
    return {
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "auditor": auditor,
        "police": police,
        "manager": manager,
        "cz_manager": cz_manager,
    }


def deduct(pharmacy, by, code="JC01", points=10, *, year=2026, on=None):
    return deduction_record(
        subject=pharmacy,
        year=year,
        indicator=Indicator.objects.get(code=code),
        points=points,
        reason="日常检查发现问题。",
        occurred_on=on or datetime.date(year, 5, 1),
        by=by,
    )


def evaluation_url(pharmacy, year=2026):
    return reverse("rating-evaluation", args=[pharmacy.pk, year])


def deduction_url(pharmacy, year=2026):
    return reverse("rating-deduction-add", args=[pharmacy.pk, year])


def repair_url(deduction):
    return reverse(
        "rating-deduction-repair", args=[deduction.evaluation.subject_id, deduction.evaluation.year, deduction.pk]
    )


def as_user(client, user):
    client.force_login(user)
    return client


DEDUCTION_FORM = {"points": "20", "occurred_on": "2026-06-01", "reason": "飞行检查发现串换药品。"}


class TestList:
    def test_who_sees_which_pharmacies(self, client, people, pharmacy, manager):  # noqa: F811
        deduct(pharmacy, manager, "XY10", 30)
        expected = {
            "alice": True,
            "bob": True,
            "auditor": True,
            "manager": True,
            "charlie": False,
            "police": False,
            "cz_manager": False,
        }
        for name, sees in expected.items():
            response = as_user(client, people[name]).get(reverse("rating-list"))
            assert response.status_code == 200, name
            assert (pharmacy.name in response.content.decode()) is sees, name

    def test_anonymous_is_sent_to_log_in(self, client, pharmacy):
        response = client.get(reverse("rating-list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_score_grade_and_flags(self, client, alice, manager, lyg_region):  # noqa: F811
        poor = SubjectFactory(region=lyg_region, kind="pharmacy", name="甲药店")
        lapsed = SubjectFactory(region=lyg_region, kind="pharmacy", name="乙药店")
        SubjectFactory(region=lyg_region, kind="pharmacy", name="丙药店")
        for item in Indicator.objects.filter(category="agreement", repairable=False):
            deduct(poor, manager, item.code, item.max_deduction)  # 135
        for item in Indicator.objects.filter(category="supervision", repairable=False):
            deduct(poor, manager, item.code, item.max_deduction)  # 105 → 760
        for item in Indicator.objects.filter(category="public"):
            deduct(poor, manager, item.code, item.max_deduction)  # 100 → 660: D
        deduct(lapsed, manager, "JC02", 10, on=datetime.date(2026, 1, 5))  # repairable until 2026-04-05
        client.force_login(alice)
        page = client.get(reverse("rating-list")).content.decode()
        assert "660" in page and "990" in page
        names = lambda query: {p.name for p in client.get(reverse("rating-list"), query).context["page"]}  # noqa: E731
        assert names({"grade": "D"}) == {"甲药店"}
        assert names({"grade": "A"}) == {"乙药店"}
        assert names({"grade": "none"}) == {"丙药店"}
        assert names({"flag": "poor"}) == {"甲药店"}
        assert names({"flag": "lapsed"}) == {"乙药店"}
        assert names({"flag": "termination"}) == set()
        assert names({"year": "2025"}) == {"甲药店", "乙药店", "丙药店"}
        assert names({"year": "2025", "grade": "none"}) == {"甲药店", "乙药店", "丙药店"}
        assert names({"q": "乙"}) == {"乙药店"}

    def test_query_count_is_pinned(self, client, alice, manager, lyg_region, django_assert_max_num_queries):  # noqa: F811
        for index in range(30):
            pharmacy = SubjectFactory(region=lyg_region, kind="pharmacy", name=f"药店{index}")
            deduct(pharmacy, manager, "JC02", 10, on=datetime.date(2026, 1, 5))
        client.force_login(alice)
        with django_assert_max_num_queries(11):
            response = client.get(reverse("rating-list"))
        assert response.status_code == 200 and len(response.context["page"].object_list) == 30


class TestEvaluationPage:
    def test_who_sees_it(self, client, people, pharmacy):
        expected = {
            "alice": 200,
            "bob": 200,
            "auditor": 200,
            "manager": 200,
            "charlie": 404,
            "police": 404,
            "cz_manager": 404,
        }
        for name, status in expected.items():
            assert as_user(client, people[name]).get(evaluation_url(pharmacy)).status_code == status, name

    def test_anonymous_is_sent_to_log_in(self, client, pharmacy):
        response = client.get(evaluation_url(pharmacy))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_not_a_pharmacy_a_future_year_or_a_bad_id_is_404(self, client, alice, pharmacy, subject):
        client.force_login(alice)
        assert client.get(evaluation_url(subject)).status_code == 404
        assert client.get(evaluation_url(pharmacy, 2027)).status_code == 404
        assert client.get(f"/ratings/{2**70}/2026/").status_code == 404

    def test_breakdown_consequence_and_history(self, client, alice, manager, pharmacy):  # noqa: F811
        for year in (2024, 2025, 2026):
            # Non-repairable outside 公共信息: JC12, ZL08, 协议管理 135, 监督管理 105 = 260.
            for item in Indicator.objects.filter(repairable=False).exclude(category="public"):
                deduct(pharmacy, manager, item.code, item.max_deduction, year=year)
            for item in Indicator.objects.filter(category="public")[:3]:
                deduct(pharmacy, manager, item.code, item.max_deduction, year=year)  # GG01–GG03: 60 → 680: D
        client.force_login(alice)
        response = client.get(evaluation_url(pharmacy))
        page = response.content.decode()
        assert response.context["score"] == 680 and response.context["band"].grade == "D"
        assert "2024、2025、2026" in page  # the termination warning names the years
        assert response.context["band"].consequence in page
        categories = {row["category"]: row for row in response.context["categories"]}
        assert categories["agreement"]["deducted"] == 135 and categories["agreement"]["kept"] == 165
        assert [year for year, _evaluation in response.context["history"]] == [2026, 2025, 2024]
        assert all(past.grade == "D" for _year, past in response.context["history"])

    def test_forms_only_for_those_who_record(self, client, people, pharmacy, manager):  # noqa: F811
        deduct(pharmacy, manager, "JC01", 10)
        for name, shown in {"manager": True, "alice": True, "bob": False, "auditor": False}.items():
            page = as_user(client, people[name]).get(evaluation_url(pharmacy)).content.decode()
            assert (deduction_url(pharmacy) in page) is shown, name
            assert (repair_url(Deduction.objects.get()) in page) is shown, name


class TestRecordDeduction:
    def test_manager_records_a_deduction(self, client, manager, pharmacy):  # noqa: F811
        form = {**DEDUCTION_FORM, "indicator": Indicator.objects.get(code="XY10").pk}
        response = as_user(client, manager).post(deduction_url(pharmacy), form)
        assert response.status_code == 302 and response["Location"] == evaluation_url(pharmacy)
        assert Evaluation.objects.get(subject=pharmacy, year=2026).score == 980
        assert Deduction.objects.get().recorded_by == manager

    def test_above_the_maximum_shows_the_error(self, client, alice, pharmacy):
        form = {**DEDUCTION_FORM, "indicator": Indicator.objects.get(code="JC02").pk, "points": "11"}
        response = as_user(client, alice).post(deduction_url(pharmacy), form)
        assert response.status_code == 200 and not Deduction.objects.exists()
        assert "10" in str(response.context["deduction_form"].errors["points"])

    def test_refusals(self, client, people, pharmacy):
        form = {**DEDUCTION_FORM, "indicator": Indicator.objects.get(code="XY10").pk}
        expected = {"bob": 403, "auditor": 403, "charlie": 404, "police": 404, "cz_manager": 404}
        for name, status in expected.items():
            assert as_user(client, people[name]).post(deduction_url(pharmacy), form).status_code == status, name
        client.logout()
        assert client.post(deduction_url(pharmacy), form).status_code == 302
        assert not Deduction.objects.exists()

    def test_get_is_not_allowed(self, client, manager, pharmacy):  # noqa: F811
        assert as_user(client, manager).get(deduction_url(pharmacy)).status_code == 405

    def test_the_city_records_for_a_county_pharmacy_the_province_does_not(self, client, manager, auditor, lyg_region):  # noqa: F811
        county = RegionFactory(code="320722", name="东海县", level=Region.Level.COUNTY, parent=lyg_region)
        pharmacy = SubjectFactory(region=county, kind="pharmacy")
        form = {**DEDUCTION_FORM, "indicator": Indicator.objects.get(code="XY10").pk}
        assert as_user(client, manager).post(deduction_url(pharmacy), form).status_code == 302
        assert as_user(client, auditor).post(deduction_url(pharmacy), form).status_code == 403


class TestRepair:
    def test_repair_restores_the_points(self, client, manager, alice, pharmacy):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC01", 25, on=datetime.date(2026, 3, 1))
        response = as_user(client, alice).post(
            repair_url(deduction), {"repaired_on": "2026-06-10", "reason": "已到岗。"}
        )
        assert response.status_code == 302
        assert Evaluation.objects.get(subject=pharmacy).score == 1000
        deduction.refresh_from_db()
        assert deduction.repaired_by == alice and deduction.repaired_on == datetime.date(2026, 6, 10)

    def test_after_the_period_the_page_shows_the_last_day(self, client, manager, pharmacy):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC02", 10, on=datetime.date(2026, 1, 31))
        response = as_user(client, manager).post(
            repair_url(deduction), {"repaired_on": "2026-05-01", "reason": "已公示。"}
        )
        assert response.status_code == 200 and "2026-04-30" in response.content.decode()
        assert not Deduction.objects.get().repaired

    def test_a_non_repairable_deduction_has_no_repair_form_and_is_refused(self, client, manager, pharmacy):  # noqa: F811
        deduction = deduct(pharmacy, manager, "XY10", 30)
        client.force_login(manager)
        assert repair_url(deduction) not in client.get(evaluation_url(pharmacy)).content.decode()
        response = client.post(repair_url(deduction), {"repaired_on": "2026-06-10", "reason": "已整改。"})
        assert response.status_code == 200 and not Deduction.objects.get().repaired

    def test_refusals(self, client, people, pharmacy, manager):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC01", 25)
        form = {"repaired_on": "2026-06-10", "reason": "已到岗。"}
        expected = {"bob": 403, "auditor": 403, "charlie": 404, "police": 404, "cz_manager": 404}
        for name, status in expected.items():
            assert as_user(client, people[name]).post(repair_url(deduction), form).status_code == status, name
        client.logout()
        assert client.post(repair_url(deduction), form).status_code == 302
        assert not Deduction.objects.get().repaired

    def test_a_deduction_of_another_year_or_pharmacy_is_404(self, client, manager, pharmacy, lyg_region):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC01", 25)
        other = SubjectFactory(region=lyg_region, kind="pharmacy")
        client.force_login(manager)
        form = {"repaired_on": "2026-06-10", "reason": "已到岗。"}
        assert (
            client.post(reverse("rating-deduction-repair", args=[other.pk, 2026, deduction.pk]), form).status_code
            == 404
        )
        assert (
            client.post(reverse("rating-deduction-repair", args=[pharmacy.pk, 2025, deduction.pk]), form).status_code
            == 404
        )
