"""Pharmacy credit evaluation (药店信用评价): the indicator data, grade bands, the 1,000 − deductions
arithmetic, 信用修复 within the period, the three-poor-years flag, the read side and the demo."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from casework.errors import AlreadyDecided, InvalidInput
from organisation.models import Region
from organisation.roles import Role
from ratings.demo import seed_ratings
from ratings.indicator_data import DATA_FILE
from ratings.models import Deduction, Evaluation, GradeBand, Indicator, RatingScheme
from ratings.rules import default_bands, grade_for
from ratings.selectors import pharmacy_rating
from ratings.services import deduction_record, deduction_repair, evaluations_regrade, scheme_for
from tests.agreement_fixtures import lyg_agency, manager  # noqa: F401 — fixtures
from tests.factories import RegionFactory, SubjectFactory, UserFactory
from workflows.triage import triage_decide

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=timezone.get_default_timezone()), tick=False):
        yield


@pytest.fixture
def pharmacy(lyg_region):
    return SubjectFactory(region=lyg_region, kind="pharmacy", name="连云港老百姓大药房（通灌店）", code="P3207000001")


def indicator(code):
    return Indicator.objects.get(code=code)


def deduct(
    pharmacy, by, code="JC01", points=10, *, year=2026, on=None, case=None, reason="日常检查发现执业药师不在岗。"
):
    return deduction_record(
        subject=pharmacy,
        year=year,
        indicator=indicator(code),
        points=points,
        reason=reason,
        occurred_on=on or datetime.date(year, 3, 1),
        by=by,
        case=case,
        today=TODAY,
    )


def evaluation(pharmacy, year=2026):
    return Evaluation.objects.get(subject=pharmacy, year=year)


def deduct_total(pharmacy, by, total, *, year=2026):
    """Deduct total points (a multiple of 5) over the indicators in code order, each up to its maximum."""
    for item in Indicator.objects.order_by("code"):
        if total <= 0:
            break
        points = min(item.max_deduction, total)
        deduct(pharmacy, by, item.code, points, year=year)
        total -= points


class TestIndicatorData:
    def test_the_file_has_58_indicators_over_6_categories_summing_to_1000_with_38_repairable(self):
        data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
        rows = data["indicators"]
        assert len(rows) == 58
        assert len({row["code"] for row in rows}) == 58
        assert {row["category"] for row in rows} == set(Indicator.Category.values) == set(data["categories"])
        assert set(data["categories"].values()) == {
            "基础管理",
            "自律管理",
            "协议管理",
            "监督管理",
            "管理引导",
            "公共信息",
        }
        assert sum(row["max_deduction"] for row in rows) == 1000
        assert sum(row["repairable"] for row in rows) == 38
        assert all(row["repair_months"] > 0 for row in rows if row["repairable"])
        assert all(row["repair_months"] == 0 for row in rows if not row["repairable"])
        assert all(row["name"] and row["basis"] for row in rows)

    def test_the_migration_loaded_them_editable(self, db):
        indicators = Indicator.objects.filter(active=True)
        assert indicators.count() == 58
        assert sum(i.max_deduction for i in indicators) == 1000
        assert indicators.filter(repairable=True).count() == 38
        assert indicator("XY10").name.startswith("串换药品") and not indicator("XY10").repairable


class TestGradeBands:
    @pytest.mark.parametrize(
        "score, grade",
        [
            (1000, "A"),
            (900, "A"),
            (899, "B"),
            (800, "B"),
            (799, "C"),
            (700, "C"),
            (699, "D"),
            (600, "D"),
            (599, "E"),
            (0, "E"),
        ],
    )
    def test_default_band_edges(self, score, grade):
        assert grade_for(score, default_bands()).grade == grade

    def test_d_and_e_are_the_poor_grades_by_default(self):
        assert [b.grade for b in default_bands() if b.poor] == ["D", "E"]

    def test_a_region_sets_its_own_bands_and_the_county_below_inherits_them(self, lyg_region):
        county = RegionFactory(code="320722", name="东海县", level=Region.Level.COUNTY, parent=lyg_region)
        scheme = RatingScheme.objects.create(region=lyg_region, poor_years_for_termination=2)
        for grade, floor, poor in (
            ("A", 950, False),
            ("B", 850, False),
            ("C", 750, False),
            ("D", 650, True),
            ("E", 0, True),
        ):
            GradeBand.objects.create(
                scheme=scheme, grade=grade, min_score=floor, poor=poor, inspection_frequency="x", consequence="y"
            )
        bands, run = scheme_for(county)
        assert run == 2
        assert grade_for(949, bands).grade == "B" and grade_for(950, bands).grade == "A"
        assert grade_for(649, bands).grade == "E"

    def test_changed_bands_regrade_stored_evaluations(self, pharmacy, manager, lyg_region):  # noqa: F811
        deduct(pharmacy, manager, "XY10", 30)
        assert evaluation(pharmacy).grade == "A"  # 970
        scheme = RatingScheme.objects.create(region=lyg_region)
        for grade, floor in (("A", 980), ("B", 900), ("C", 800), ("D", 700), ("E", 0)):
            GradeBand.objects.create(
                scheme=scheme, grade=grade, min_score=floor, inspection_frequency="x", consequence="y"
            )
        evaluations_regrade(region=lyg_region)
        assert evaluation(pharmacy).grade == "B"


class TestDeductions:
    def test_score_is_1000_minus_the_deductions(self, pharmacy, manager):  # noqa: F811
        deduct(pharmacy, manager, "JC01", 25)
        deduct(pharmacy, manager, "XY10", 30)
        deduct(pharmacy, manager, "GG02", 20)
        assert evaluation(pharmacy).score == 925

    def test_band_edges_through_the_service(self, pharmacy, manager):  # noqa: F811
        deduct_total(pharmacy, manager, 100)
        assert (evaluation(pharmacy).score, evaluation(pharmacy).grade) == (900, "A")
        deduct(pharmacy, manager, "ZL01", 1)
        assert (evaluation(pharmacy).score, evaluation(pharmacy).grade) == (899, "B")

    def test_above_the_indicators_maximum_is_refused(self, pharmacy, manager):  # noqa: F811
        with pytest.raises(InvalidInput) as error:
            deduct(pharmacy, manager, "JC02", 11)  # maximum 10
        assert "10" in str(error.value.errors["points"][0])
        deduct(pharmacy, manager, "JC02", 6)
        with pytest.raises(InvalidInput) as error:
            deduct(pharmacy, manager, "JC02", 5)  # 6 + 5 > 10
        assert "4" in str(error.value.errors["points"][0])
        assert Deduction.objects.count() == 1 and evaluation(pharmacy).score == 994

    def test_the_score_never_falls_below_zero(self, pharmacy, manager):  # noqa: F811
        Indicator.objects.filter(code__in=["XY10", "XY11"]).update(max_deduction=1000)
        deduct(pharmacy, manager, "XY10", 1000)
        deduct(pharmacy, manager, "XY11", 50)
        assert (evaluation(pharmacy).score, evaluation(pharmacy).grade) == (0, "E")

    @pytest.mark.parametrize("on", [datetime.date(2025, 12, 31), datetime.date(2026, 6, 16)])
    def test_a_date_outside_the_year_or_in_the_future_is_refused(self, pharmacy, manager, on):  # noqa: F811
        with pytest.raises(InvalidInput) as error:
            deduct(pharmacy, manager, on=on)
        assert "occurred_on" in error.value.errors
        assert not Evaluation.objects.exists()  # a refused deduction leaves nothing behind

    def test_a_future_year_and_an_inactive_indicator_are_refused(self, pharmacy, manager):  # noqa: F811
        with pytest.raises(InvalidInput):
            deduct(pharmacy, manager, year=2027, on=datetime.date(2027, 1, 2))
        Indicator.objects.filter(code="JC01").update(active=False)
        with pytest.raises(InvalidInput) as error:
            deduct(pharmacy, manager, "JC01")
        assert "indicator" in error.value.errors

    def test_only_pharmacies_are_rated(self, subject, manager):  # noqa: F811
        with pytest.raises(InvalidInput):
            deduct(subject, manager)
        assert not Evaluation.objects.exists()

    def test_a_case_must_concern_the_pharmacy(self, pharmacy, subject, manager, make_lead, alice):  # noqa: F811
        other_case = triage_decide(lead=make_lead(subjects=[subject]), by=alice, decision="open").case
        with pytest.raises(InvalidInput) as error:
            deduct(pharmacy, manager, "XY10", 30, case=other_case)
        assert "case" in error.value.errors
        case = triage_decide(lead=make_lead(subjects=[pharmacy]), by=alice, decision="open").case
        assert deduct(pharmacy, manager, "XY10", 30, case=case).case == case


class TestRepair:
    def test_a_repair_within_the_period_restores_the_points(self, pharmacy, manager):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC01", 25, on=datetime.date(2026, 1, 10))  # 6 months
        assert deduction.repair_due == datetime.date(2026, 7, 10)
        deduction_repair(deduction=deduction, repaired_on=TODAY, reason="执业药师已到岗。", by=manager, today=TODAY)
        deduction.refresh_from_db()
        assert deduction.repaired and deduction.repaired_by == manager and deduction.repair_reason == "执业药师已到岗。"
        assert evaluation(pharmacy).score == 1000

    def test_the_last_day_of_the_period_counts(self, pharmacy, manager):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC02", 10, on=datetime.date(2026, 2, 28))  # 3 months
        assert deduction.repair_due == datetime.date(2026, 5, 28)
        deduction_repair(deduction=deduction, repaired_on=datetime.date(2026, 5, 28), reason="已公示。", by=manager)
        assert evaluation(pharmacy).score == 1000

    def test_a_repair_after_the_period_is_refused_with_the_last_day(self, pharmacy, manager):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC02", 10, on=datetime.date(2026, 1, 31))  # until 2026-04-30
        with pytest.raises(InvalidInput) as error:
            deduction_repair(deduction=deduction, repaired_on=datetime.date(2026, 5, 1), reason="已公示。", by=manager)
        assert "2026-04-30" in str(error.value.errors["repaired_on"][0])
        assert evaluation(pharmacy).score == 990 and not Deduction.objects.get().repaired

    def test_a_repair_before_the_deduction_or_in_the_future_is_refused(self, pharmacy, manager):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC01", 5, on=datetime.date(2026, 3, 1))
        for day in (datetime.date(2026, 2, 28), datetime.date(2026, 6, 16)):
            with pytest.raises(InvalidInput):
                deduction_repair(deduction=deduction, repaired_on=day, reason="整改。", by=manager)
        with pytest.raises(InvalidInput) as error:
            deduction_repair(deduction=deduction, repaired_on=TODAY, reason=" ", by=manager)
        assert "reason" in error.value.errors

    def test_a_non_repairable_deduction_cannot_be_repaired(self, pharmacy, manager):  # noqa: F811
        deduction = deduct(pharmacy, manager, "XY10", 30, on=datetime.date(2026, 6, 1))
        assert deduction.repair_due is None
        with pytest.raises(InvalidInput):
            deduction_repair(deduction=deduction, repaired_on=TODAY, reason="已整改。", by=manager)
        assert evaluation(pharmacy).score == 970

    def test_repairing_twice_is_refused_and_frees_the_indicator_once(self, pharmacy, manager):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC02", 10, on=datetime.date(2026, 5, 1))
        deduction_repair(deduction=deduction, repaired_on=TODAY, reason="已公示。", by=manager)
        with pytest.raises(AlreadyDecided):
            deduction_repair(deduction=deduction, repaired_on=TODAY, reason="已公示。", by=manager)
        deduct(pharmacy, manager, "JC02", 10)  # the repaired points no longer count towards the maximum
        assert evaluation(pharmacy).score == 990

    def test_the_period_is_fixed_when_the_deduction_is_recorded(self, pharmacy, manager):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC02", 10, on=datetime.date(2026, 3, 1))
        Indicator.objects.filter(code="JC02").update(repairable=False, repair_months=0)
        deduction_repair(deduction=deduction, repaired_on=datetime.date(2026, 6, 1), reason="已公示。", by=manager)
        assert evaluation(pharmacy).score == 1000


class TestThreePoorYears:
    def test_three_consecutive_poor_years_flag_the_agreement_for_termination(self, pharmacy, manager):  # noqa: F811
        for year, total in ((2024, 350), (2025, 450), (2026, 305)):  # D, E, D
            deduct_total(pharmacy, manager, total, year=year)
        latest = evaluation(pharmacy, 2026)
        assert latest.grade == "D" and latest.termination_due and latest.poor_years == [2024, 2025, 2026]
        assert not evaluation(pharmacy, 2025).termination_due

    def test_two_poor_years_or_a_gap_do_not(self, pharmacy, manager):  # noqa: F811
        deduct_total(pharmacy, manager, 350, year=2023)
        deduct_total(pharmacy, manager, 350, year=2025)
        deduct_total(pharmacy, manager, 350, year=2026)
        assert not Evaluation.objects.filter(termination_due=True).exists()

    def test_a_repair_that_lifts_the_grade_clears_the_flag(self, pharmacy, manager):  # noqa: F811
        for year in (2024, 2025):
            deduct_total(pharmacy, manager, 350, year=year)
        deduct_total(pharmacy, manager, 295, year=2026)  # 705: C
        last = deduct(pharmacy, manager, "YD01", 10, on=datetime.date(2026, 5, 1))  # 695: D
        assert evaluation(pharmacy).termination_due
        deduction_repair(deduction=last, repaired_on=TODAY, reason="已张贴宣传材料。", by=manager)
        assert evaluation(pharmacy).grade == "C" and not evaluation(pharmacy).termination_due


class TestPharmacyRating:
    def test_the_read_side_for_the_credit_api(self, pharmacy, manager):  # noqa: F811
        deduction = deduct(pharmacy, manager, "JC01", 25, on=datetime.date(2026, 2, 1))
        deduct(pharmacy, manager, "XY10", 30, on=datetime.date(2026, 3, 1), reason="串换药品。")
        deduction_repair(deduction=deduction, repaired_on=TODAY, reason="已到岗。", by=manager)
        rating = pharmacy_rating(pharmacy)
        assert set(rating) == {"score", "grade", "period", "consequence", "termination_due", "entries"}
        assert (rating["score"], rating["grade"], rating["period"], rating["termination_due"]) == (
            970,
            "A",
            "2026",
            False,
        )
        assert rating["consequence"] == default_bands()[0].consequence
        assert rating["entries"] == [
            {
                "date": "2026-02-01",
                "indicator": str(indicator("JC01")),
                "points": 25,
                "reason": "日常检查发现执业药师不在岗。",
                "repaired": True,
            },
            {
                "date": "2026-03-01",
                "indicator": str(indicator("XY10")),
                "points": 30,
                "reason": "串换药品。",
                "repaired": False,
            },
        ]

    def test_a_year_the_latest_and_none(self, pharmacy, subject, manager):  # noqa: F811
        assert pharmacy_rating(pharmacy) is None
        assert pharmacy_rating(subject) is None
        deduct_total(pharmacy, manager, 450, year=2025)
        assert pharmacy_rating(pharmacy)["period"] == "2025"
        assert pharmacy_rating(pharmacy, 2025)["grade"] == "E"
        assert pharmacy_rating(pharmacy, 2026) is None


class TestDemo:
    def test_every_grade_a_termination_and_a_repair(self, lyg_region, manager):  # noqa: F811
        county = RegionFactory(code="320722", name="东海县", level=Region.Level.COUNTY, parent=lyg_region)
        for index in range(12):
            SubjectFactory(region=county if index % 3 == 0 else lyg_region, kind="pharmacy", code=f"P9{index:05d}")
        assert seed_ratings(region=lyg_region, today=TODAY) > 0
        this_year = Evaluation.objects.filter(year=2026)
        assert set(this_year.values_list("grade", flat=True)) == set("ABCDE")
        assert Evaluation.objects.filter(year__in=[2024, 2025]).count() == 24
        assert this_year.filter(termination_due=True).count() == 1
        assert Deduction.objects.filter(repaired_on__isnull=False).exists()
        assert not Deduction.objects.filter(occurred_on__gt=TODAY).exists()
        for evaluation_row in Evaluation.objects.all():
            standing = sum(d.points for d in evaluation_row.deductions.all() if not d.repaired)
            assert evaluation_row.score == 1000 - standing
        assert seed_ratings(region=lyg_region, today=TODAY) == 0  # once only

    def test_it_needs_someone_to_record_as(self, lyg_region):
        SubjectFactory(region=lyg_region, kind="pharmacy")
        UserFactory(agency__region=lyg_region, roles=[Role.INVESTIGATOR])
        with pytest.raises(ValueError):
            seed_ratings(region=lyg_region, today=TODAY)
