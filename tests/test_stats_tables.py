"""附件2 and 附件3 computed over a hand-built region, every cell compared with hand-computed figures.

The world: outcomes of every kind created directly (the tracks' own tests cover their services).

连云港 (320700) with its county 东海 (320722), and 常州 (320400) whose case must never be counted in
连云港's tables. The period is the first half of 2025; a few outcomes fall just outside it.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.models import AgreementAction, AgreementMeasure
from casework.models import Case, CreditPoint, Evidence, Subject, Suspension, Violation, ViolationItem
from ledgers.models import Ledger, Obligation, Payment
from organisation.models import Agency
from organisation.roles import Role
from penalties.models import Penalty
from referrals.models import Referral
from tests.factories import AgencyFactory, RegionFactory, SubjectFactory, UserFactory
from workflows.investigation import InvestigationFlow
from workflows.models import InvestigationProcess

FROM = datetime.date(2025, 1, 1)
TO = datetime.date(2025, 6, 30)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


D = datetime.date


class World:
    pass


def _case(agency, n, opened_on, subjects, by):
    case = Case.objects.create(
        agency=agency,
        number=f"{agency.number_prefix}立〔2025〕{n}号",
        year=2025,
        sequence=n,
        title=f"案件{n}",
        status=Case.Status.HANDLING,
        opened_at=at(opened_on),
        opened_by=by,
    )
    case.subjects.set(subjects)
    return case


def _findings(case, day, violations):
    InvestigationProcess.objects.create(flow_class=InvestigationFlow, case=case, findings_done_at=at(day))
    for subject, (kind, number), amount, fund in violations:
        Violation.objects.create(
            case=case,
            subject=subject,
            item=ViolationItem.objects.get(subject_kind=kind, number=number),
            amount=Decimal(amount),
            fund_loss=Decimal(fund),
        )


def _paid(case, subject, ledger, due, payments, by):
    obligation = Obligation.objects.create(
        agency=case.agency,
        case=case,
        subject=subject,
        ledger=ledger,
        amount_due=Decimal(due),
        basis="测试",
        created_by=by,
    )
    for day, amount in payments:
        Payment.objects.create(obligation=obligation, paid_on=day, amount=Decimal(amount), voucher="V1", recorded_by=by)


def _suspension(case, subject, scope, day, by):
    ends = None if scope == Suspension.Scope.TERMINATED else day + datetime.timedelta(days=90)
    return Suspension.objects.create(
        subject=subject,
        case=case,
        scope=scope,
        source=Suspension.Source.PENALTY,
        starts_on=day,
        ends_on=ends,
        basis="测试",
        created_at=at(day, 23),
        created_by=by,
    )


def _referral(case, kind, to_agency, day, by, status=Referral.Status.ACCEPTED):
    return Referral.objects.create(
        case=case, agency=case.agency, kind=kind, to_agency=to_agency, status=status, sent_at=at(day), created_by=by
    )


def build_world(lyg_region, cz_region, lyg_bureau, cz_bureau, alice, charlie, lyg_police) -> World:
    w = World()
    w.dh_region = RegionFactory(code="320722", name="东海县", level="county", parent=lyg_region)
    w.dh_bureau = AgencyFactory(
        region=w.dh_region, code="320722-bureau", name="东海县医疗保障局", number_prefix="东医保"
    )
    w.lyg_agency = AgencyFactory(
        region=lyg_region,
        code="320700-agency",
        name="连云港市医疗保险基金管理中心",
        kind=Agency.Kind.INSURANCE_AGENCY,
        number_prefix="连医经",
    )
    w.discipline = AgencyFactory(
        region=lyg_region,
        code="320700-discipline",
        name="连云港市纪委监委",
        kind=Agency.Kind.DISCIPLINE,
        number_prefix="连纪",
    )
    w.agreement_manager = UserFactory(username="agm", agency=w.lyg_agency, roles=[Role.AGREEMENT_MANAGER])
    w.A = SubjectFactory(region=lyg_region, code="H-A", name="甲医院")
    w.B = SubjectFactory(region=w.dh_region, code="H-B", name="乙医院")
    w.P = SubjectFactory(region=lyg_region, code="P-1", name="丙药店", kind=Subject.Kind.PHARMACY)
    w.I1 = SubjectFactory(region=lyg_region, code="I-1", name="参保人一", kind=Subject.Kind.INSURED)
    w.I2 = SubjectFactory(region=w.dh_region, code="I-2", name="参保人二", kind=Subject.Kind.INSURED)
    w.C = SubjectFactory(region=cz_region, code="H-C", name="常州医院")
    by = alice

    # Case 1 (连云港): several outcomes for 甲医院, some for the pharmacy and an insured person.
    c1 = w.case1 = _case(lyg_bureau, 1, D(2025, 2, 1), [w.A, w.P, w.I1], by)
    action_a = AgreementAction.objects.create(
        case=c1, subject=w.A, agency=w.lyg_agency, started_by=w.agreement_manager, decided_on=D(2025, 3, 10)
    )
    for kind in (AgreementMeasure.Kind.INTERVIEW, AgreementMeasure.Kind.CRITICISM):
        AgreementMeasure.objects.create(action=action_a, kind=kind, created_by=w.agreement_manager)
    AgreementMeasure.objects.create(
        action=action_a, kind=AgreementMeasure.Kind.REFUSAL, amount=Decimal(1000), created_by=w.agreement_manager
    )
    action_p = AgreementAction.objects.create(
        case=c1, subject=w.P, agency=w.lyg_agency, started_by=w.agreement_manager, decided_on=D(2025, 3, 10)
    )
    AgreementMeasure.objects.create(
        action=action_p, kind=AgreementMeasure.Kind.RECTIFICATION, created_by=w.agreement_manager
    )
    # Withdrawn: the pharmacy is not criticised.
    AgreementMeasure.objects.create(
        action=action_p,
        kind=AgreementMeasure.Kind.CRITICISM,
        created_by=w.agreement_manager,
        withdrawn_at=at(D(2025, 3, 5)),
    )
    Penalty.objects.create(agency=lyg_bureau, case=c1, subject=w.A, decided_on=D(2025, 4, 1))
    _suspension(c1, w.A, Suspension.Scope.SERVICES, D(2025, 4, 1), by)
    _referral(c1, Referral.Kind.CRIMINAL, lyg_police, D(2025, 5, 1), by)
    _paid(c1, w.A, Ledger.FUND_REFUND, "50000.00", [(D(2025, 4, 10), "30000.00"), (D(2025, 7, 5), "5000.00")], by)
    _paid(c1, w.A, Ledger.FINE, "60000.00", [(D(2025, 4, 10), "60000.00")], by)
    _paid(c1, w.P, Ledger.PATIENT_REFUND, "12345.67", [(D(2025, 5, 5), "12345.67")], by)
    _paid(c1, w.I1, Ledger.FUND_REFUND, "8000.00", [(D(2025, 5, 6), "8000.00")], by)
    Evidence.objects.create(
        case=c1,
        kind=Evidence.Kind.INSPECTION_RECORD,
        title="现场检查笔录",
        collected_at=at(D(2025, 2, 3)),
        place="甲医院",
        holder=by,
        created_by=by,
    )
    _findings(
        c1,
        D(2025, 3, 1),
        [
            (w.A, ("institution", 3), "50000.00", "45000.00"),
            (w.P, ("pharmacy", 1), "12345.67", "0.00"),
            (w.I1, ("insured", 2), "8000.00", "8000.00"),
        ],
    )

    # Case 2 (东海, a county of 连云港): termination on the last day, the insured person's outcomes.
    c2 = w.case2 = _case(w.dh_bureau, 2, D(2025, 3, 1), [w.B, w.I2], by)
    _suspension(c2, w.B, Suspension.Scope.TERMINATED, D(2025, 6, 30), by)
    Penalty.objects.create(agency=w.dh_bureau, case=c2, subject=w.I2, decided_on=D(2025, 6, 1))
    Penalty.objects.create(agency=w.dh_bureau, case=c2, subject=w.B, decided_on=D(2025, 7, 1))  # after the period
    _suspension(c2, w.I2, Suspension.Scope.DIRECT_SETTLEMENT, D(2025, 6, 1), by)
    CreditPoint.objects.create(
        case=c2, subject=w.I2, points=5, reason="转借社保卡", recorded_at=at(D(2025, 6, 1)), recorded_by=by
    )
    _referral(c2, Referral.Kind.DISCIPLINE, w.discipline, D(2025, 6, 2), by)
    _findings(c2, D(2025, 6, 15), [(w.B, ("institution", 7), "2000.00", "1500.00")])

    # Case 3 (常州): never in 连云港's tables.
    c3 = w.case3 = _case(cz_bureau, 3, D(2025, 2, 1), [w.C], charlie)
    Penalty.objects.create(agency=cz_bureau, case=c3, subject=w.C, decided_on=D(2025, 4, 1))
    _paid(c3, w.C, Ledger.FUND_REFUND, "100000.00", [(D(2025, 4, 1), "100000.00")], charlie)
    _findings(c3, D(2025, 3, 1), [(w.C, ("institution", 3), "99999.00", "99999.00")])

    # Case 4 (连云港): findings after the period.
    c4 = w.case4 = _case(lyg_bureau, 4, D(2025, 8, 1), [w.A], by)
    _findings(c4, D(2025, 8, 2), [(w.A, ("institution", 3), "777.00", "777.00")])
    return w


@pytest.fixture
def world(lyg_region, cz_region, lyg_bureau, cz_bureau, alice, charlie, lyg_police):
    return build_world(lyg_region, cz_region, lyg_bureau, cz_bureau, alice, charlie, lyg_police)


# 附件2 --------------------------------------------------------------------------------------------


def _rows(table):
    return {row["key"]: (row["institution"], row["pharmacy"]) for row in table["providers"]["rows"]}


def test_results_table_every_cell(world, lyg_region):
    from stats.tables import results_table

    table = results_table(lyg_region, FROM, TO)
    assert table["region"] == {"code": "320700", "name": "连云港市"}
    assert (table["from"], table["to"]) == ("2025-01-01", "2025-06-30")
    assert table["title"] == "打击欺诈骗取医疗保障基金专项行动情况统计表（处理结果表）"
    assert _rows(table) == {
        "interview_rectification": (1, 1),  # 甲 (约谈), 丙 (限期整改)
        "criticism": (1, 0),  # 丙's criticism was withdrawn
        "suspension": (1, 0),
        "termination": (1, 0),  # 乙, recorded on the last day of the period (东海 is a county of 连云港)
        "blacklist": (0, 0),
        "penalty": (1, 0),  # 乙's penalty was decided after the period
        "judicial": (1, 1),  # the case's institution and pharmacy
        "fund_recovered": ("3.00", "0.00"),  # 30,000 paid in the period (5,000 later; fines are not recoveries)
        "patient_recovered": ("0.00", "1.23"),  # 12,345.67 yuan
        "other": (2, 0),  # 甲 (拒付), 乙 (referred to 纪委监委)
    }
    labels = [row["label"] for row in table["providers"]["rows"]]
    assert labels[0] == "约谈期限整改（家）" and labels[7] == "追回医保基金（  万元，小数点两位）"
    assert labels[9] == "其他处理情形（家，如有请注明）"
    # 甲医院 has seven outcomes and is counted once; 乙医院 twice; the pharmacy once.
    assert table["providers"]["total"] == {
        "institution": {"subjects": 2, "money": "3.00"},
        "pharmacy": {"subjects": 1, "money": "1.23"},
    }
    assert table["providers"]["overview"] == {
        "institution": {"registered": 2, "checked": 2, "checked_on_site": 1},
        "pharmacy": {"registered": 1, "checked": 1, "checked_on_site": 1},
    }
    assert table["providers"]["money"] == {"total": "4.23", "fund": "3.00", "personal": "1.23"}
    insured = {row["key"]: row["value"] for row in table["insured"]["rows"]}
    assert insured == {
        "interview": None,
        "settlement_suspended": 1,
        "penalty": 1,
        "judicial": 1,
        "other": 1,
        "fund_recovered": "0.80",
    }
    assert [row["label"] for row in table["insured"]["rows"]][-1] == "追回骗取医保基金（万元，小数点两位）"
    assert table["insured"]["total"] == {"persons": 2, "money": "0.80"}


def test_results_table_of_a_county_and_of_another_city(world, cz_region):
    from stats.tables import results_table

    county = results_table(world.dh_region, FROM, TO)
    rows = _rows(county)
    assert rows["termination"] == (1, 0) and rows["penalty"] == (0, 0) and rows["interview_rectification"] == (0, 0)
    assert county["providers"]["total"]["institution"] == {"subjects": 1, "money": "0.00"}
    assert county["insured"]["total"]["persons"] == 1

    cz = results_table(cz_region, FROM, TO)
    assert _rows(cz)["penalty"] == (1, 0)
    assert _rows(cz)["fund_recovered"] == ("10.00", "0.00")
    assert cz["providers"]["total"]["institution"] == {"subjects": 1, "money": "10.00"}


def test_results_table_of_the_province_adds_up_its_cities(world, province):
    from stats.tables import results_table

    table = results_table(province, FROM, TO)
    assert _rows(table)["penalty"] == (2, 0)
    assert table["providers"]["total"]["institution"] == {"subjects": 3, "money": "13.00"}


def test_results_table_period_boundaries(world, lyg_region):
    from stats.tables import results_table

    # The second half of 2025: 乙's penalty (1 July) and 甲's last 5,000 (5 July).
    table = results_table(lyg_region, D(2025, 7, 1), D(2025, 12, 31))
    rows = _rows(table)
    assert rows["penalty"] == (1, 0) and rows["termination"] == (0, 0)
    assert rows["fund_recovered"] == ("0.50", "0.00")
    assert table["providers"]["total"]["institution"] == {"subjects": 2, "money": "0.50"}
    assert table["providers"]["overview"]["institution"]["checked"] == 1  # case 4, opened 1 August


def test_results_table_queries_do_not_grow_with_cases(world, lyg_region, django_assert_max_num_queries):
    from stats.tables import results_table

    with django_assert_max_num_queries(25):
        results_table(lyg_region, FROM, TO)


# 附件3 --------------------------------------------------------------------------------------------


def _section(table, kind):
    return next(section for section in table["sections"] if section["kind"] == kind)


def test_violations_table_every_cell(world, lyg_region):
    from stats.tables import violations_table

    table = violations_table(lyg_region, FROM, TO)
    assert table["title"] == "打击欺诈骗取医疗保障基金专项行动情况统计表（违规行为表）"
    institution = _section(table, "institution")
    assert institution["title"] == "（一）医疗服务行为违规"
    assert [row["number"] for row in institution["rows"]] == list(range(1, 10))
    assert institution["rows"][0]["label"] == "通过虚假宣传、以体检等名目诱导、骗取参保人员住院等行为"
    figures = {row["number"]: (row["cases"], row["amount"], row["fund"]) for row in institution["rows"]}
    assert figures[3] == (1, "50000.00", "45000.00")  # 常州's 99,999 and case 4's 777 are not counted
    assert figures[7] == (1, "2000.00", "1500.00")
    assert figures[1] == (0, "0.00", "0.00")
    assert institution["total"] == {"cases": 2, "amount": "52000.00", "fund": "46500.00"}

    pharmacy = _section(table, "pharmacy")
    assert pharmacy["title"] == "（二）定点药店服务行为违规"
    assert [row["label"] for row in pharmacy["rows"]][3] == "药品进销存不符（药品实际销售数量少于医保记账数量）"
    assert pharmacy["rows"][0] == {
        "number": 1,
        "label": "虚记、多记药品费用",
        "cases": 1,
        "amount": "12345.67",
        "fund": "0.00",
    }
    assert pharmacy["total"] == {"cases": 1, "amount": "12345.67", "fund": "0.00"}

    insured = _section(table, "insured")
    assert insured["title"] == "（三）参保人员违规"
    assert len(insured["rows"]) == 6
    assert insured["rows"][1]["cases"] == 1 and insured["rows"][1]["amount"] == "8000.00"
    assert insured["total"] == {"cases": 1, "amount": "8000.00", "fund": "8000.00"}


def test_violations_table_skips_withdrawn_cases_and_other_regions(world, lyg_region, cz_region):
    from stats.tables import violations_table

    Case.objects.filter(pk=world.case2.pk).update(status=Case.Status.WITHDRAWN)
    table = violations_table(lyg_region, FROM, TO)
    assert _section(table, "institution")["total"] == {"cases": 1, "amount": "50000.00", "fund": "45000.00"}
    cz = violations_table(cz_region, FROM, TO)
    assert _section(cz, "institution")["total"] == {"cases": 1, "amount": "99999.00", "fund": "99999.00"}
    assert _section(cz, "pharmacy")["total"]["cases"] == 0


# Exports ------------------------------------------------------------------------------------------


def test_results_xlsx_is_the_paper_form(world, lyg_region):
    import io

    import openpyxl

    from stats.exports import results_xlsx
    from stats.tables import results_table

    sheet = openpyxl.load_workbook(io.BytesIO(results_xlsx(results_table(lyg_region, FROM, TO)))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "附件2" in values and "打击欺诈骗取医疗保障基金专项行动情况统计表（处理结果表）" in values
    for header in ("序号", "处理结果类型", "处理机构数量", "定点医疗机构", "定点药店", "备注", "处理参保人员人数"):
        assert header in values
    rows = {row[1].value: row for row in sheet.iter_rows() if row[1].value}
    fund = rows["追回医保基金（  万元，小数点两位）"]
    assert fund[2].value == Decimal("3.00") and fund[2].number_format == "#,##0.00"
    assert rows["约谈期限整改（家）"][2].value == 1
    totals = [row for row in sheet.iter_rows() if row[0].value == "合计（不重复数）"]
    assert [row[2].value for row in totals] == ["2家，3.00万元", "2人，0.80万元"]
    assert totals[0][3].value == "1家，1.23万元"
    assert rows["约谈（人）"][2].value == "—"
    assert any("统筹区内定点医疗机构共2家" in str(value) for value in values)
    assert sheet.merged_cells.ranges  # merged headers
    assert sheet["A10"].border.left.style == "thin"


def test_violations_xlsx_has_the_three_sections(world, lyg_region):
    import io

    import openpyxl

    from stats.exports import violations_xlsx
    from stats.tables import violations_table

    sheet = openpyxl.load_workbook(io.BytesIO(violations_xlsx(violations_table(lyg_region, FROM, TO)))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    for text in (
        "（一）医疗服务行为违规",
        "（二）定点药店服务行为违规",
        "（三）参保人员违规",
        "追回金额（元）",
        "其中医保基金（元）",
    ):
        assert text in values
    totals = [(row[2].value, row[3].value, row[4].value) for row in sheet.iter_rows() if row[0].value == "合计"]
    assert totals == [(2, 52000, 46500), (1, 12345.67, 0), (1, 8000, 8000)]
    pharmacy_row = next(row for row in sheet.iter_rows() if row[1].value == "虚记、多记药品费用")
    assert pharmacy_row[3].value == 12345.67 and pharmacy_row[3].number_format == "#,##0.00"
