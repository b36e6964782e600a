"""Review targets imported into a plan (seed 004: inpatient bills over ¥50,000, the top 100 outpatient spenders),
taxonomy findings at visits, cases opened on the spot, 回避 pages and the visit record PDF."""

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.utils.html import escape
from django.utils.translation import gettext

from casework.errors import InvalidInput, InvalidTransition
from casework.models import Case, Lead, Subject, ViolationItem
from inspections import review, services
from inspections.models import Conflict, Plan, ReviewImport, Target
from intake.screening import screen_hits_ingest
from organisation.roles import Role
from tests.factories import SubjectFactory, UserFactory
from tests.inspection_support import plan_new

HEADER = "结算单号,就诊类型,参保人编码,参保人姓名,机构编码,机构名称,结算日期,金额"


@pytest.fixture
def inspectors(lyg_bureau):
    return [
        UserFactory(username=f"inv{n}", first_name=f"稽查{n}", agency=lyg_bureau, roles=[Role.INVESTIGATOR])
        for n in range(4)
    ]


@pytest.fixture
def hospitals(lyg_region):
    return [
        SubjectFactory(region=lyg_region, code=f"H{n:04d}", name=f"第{n}医院", level="3" if n % 2 else "1")
        for n in range(6)
    ]


@pytest.fixture
def plan(lyg_bureau, lyg_region, alice, inspectors, hospitals):
    plan = plan_new(by=alice, regions=[lyg_region], title="2026年第四季度双随机检查", sample_minimum=2)
    return services.plan_draw(plan, by=alice, seed="s-1")


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def upload(client, plan, data: bytes, *, rule="inpatient_bill", name="结算明细.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/inspections/{plan.pk}/review-imports/",
        {"review-rule": rule, "review-source": "file", "review-file": SimpleUploadedFile(name, data)},
    )


BILLS = csv_file(
    "ZY001,住院,P001,张三,H0000,第0医院,2026-10-05,50000.00",  # exactly the threshold: not over it
    "ZY002,住院,P002,李四,H0000,第0医院,2026-10-06,50000.01",
    "ZY003,住院,P003,王五,H9999,新开医院,2026-11-20,120000",  # not in the registry: registered 待核实
    "ZY004,住院,P004,赵六,H0001,第1医院,2026-09-30,90000.00",  # before the period
    "MZ001,门诊,P001,张三,H0001,第1医院,2026-10-07,300.00",
)


def test_file_import_of_inpatient_bills(client, alice, plan):
    client.force_login(alice)
    response = upload(client, plan, BILLS)
    assert response.status_code == 302

    review_import = ReviewImport.objects.get()
    assert review_import.file_name == "结算明细.csv" and review_import.file_sha256 == hashlib.sha256(BILLS).hexdigest()
    assert review_import.rows_read == 5 and review_import.targets_created == 2
    assert review_import.threshold == Decimal("50000.00") and review_import.created_by == alice
    targets = list(plan.targets.filter(origin="inpatient_bill").select_related("subject").order_by("position"))
    assert [(t.subject.code, t.reference, t.amount) for t in targets] == [
        ("H0000", "ZY002", Decimal("50000.01")),
        ("H9999", "ZY003", Decimal("120000.00")),
    ]
    assert targets[0].position > plan.targets.filter(origin="draw").count()
    registered = targets[1].subject
    assert registered.status == Subject.Status.TO_VERIFY and registered.name == "新开医院"
    assert review_import.record["targets"][0]["rows"] == [3]
    assert review_import.record["skipped"] == {"not_over_threshold": 1, "outside_period": 1}
    for target in targets:
        pair = {u.pk for u in target.inspectors.all()}
        assert len(pair) == 2 and pair <= set(services.inspector_pool(plan.agency))
    page = client.get(f"/inspections/{plan.pk}/").content.decode()
    assert "ZY002" in page and "50,000.01" in page and "结算明细.csv" in page


def test_the_threshold_comes_from_settings(client, alice, plan, settings):
    settings.INSPECTION_INPATIENT_BILL_THRESHOLD = Decimal("100000")
    done = review.review_import(plan, by=alice, rule="inpatient_bill", source="file", data=BILLS, file_name="a.csv")
    assert list(done.targets.values_list("reference", flat=True)) == ["ZY003"]
    assert done.threshold == Decimal("100000.00")


def test_reimporting_skips_the_bills_already_listed(alice, plan):
    first = review.review_import(plan, by=alice, rule="inpatient_bill", source="file", data=BILLS, file_name="a.csv")
    more = csv_file(
        "ZY002,住院,P002,李四,H0000,第0医院,2026-10-06,50000.01",
        "ZY005,住院,P005,钱七,H0002,第2医院,2026-12-01,66000.00",
    )
    again = review.review_import(plan, by=alice, rule="inpatient_bill", source="file", data=more, file_name="b.csv")
    assert first.targets_created == 2 and again.targets_created == 1
    assert again.record["duplicates_skipped"] == [{"code": "H0000", "reference": "ZY002"}]
    assert plan.targets.filter(origin="inpatient_bill").count() == 3


def test_bad_rows_refuse_the_whole_file(client, alice, plan):
    client.force_login(alice)
    bad = csv_file(
        "ZY010,住院,P001,张三,H0000,第0医院,2026-10-05,80000.00",
        "ZY011,急诊,P001,张三,H0000,第0医院,2026-10-05,80000.00",
        "ZY012,住院,P001,张三,H0000,第0医院,2026/10/05,80000.00",
        "ZY013,住院,P001,张三,H0000,第0医院,2026-10-05,-5",
        "ZY010,住院,P001,张三,H0000,第0医院,2026-10-06,70000.00",
        "ZY014,住院,P001,张三,,,2026-10-06,70000.00",
    )
    targets_before, subjects_before = Target.objects.count(), Subject.objects.count()
    response = upload(client, plan, bad)
    assert response.status_code == 400
    with pytest.raises(InvalidInput) as error:
        review.read_settlements(bad, "bad.csv")
    problems = error.value.errors["file"]
    prefix = gettext("Row %(row)d: %(field)s: %(message)s").split("%(field)s")[0]
    rows = (3, 4, 5, 6, 7)  # bad kind, date, amount; the bill of row 2 again; an inpatient bill without institution
    assert len(problems) == len(rows) + 1
    assert all(problem.startswith(prefix % {"row": row}) for problem, row in zip(problems, rows, strict=False))
    page = response.content.decode()
    assert all(escape(problem) in page for problem in problems)
    assert not ReviewImport.objects.exists()
    assert Target.objects.count() == targets_before and Subject.objects.count() == subjects_before


def test_a_file_without_the_columns_or_of_another_kind_is_refused(client, alice, plan):
    client.force_login(alice)
    assert upload(client, plan, "结算单号,金额\nZY1,1\n".encode()).status_code == 400
    assert upload(client, plan, b"\x00\x01binary", name="x.pdf").status_code == 400
    response = client.post(
        f"/inspections/{plan.pk}/review-imports/", {"review-rule": "inpatient_bill", "review-source": "file"}
    )
    assert response.status_code == 400
    assert not ReviewImport.objects.exists()


def test_xlsx_files_are_read(alice, plan):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["ZY100", "住院", "P1", "张三", "H0003", "第3医院", datetime.date(2026, 10, 9), 75000.5])
    data = io.BytesIO()
    book.save(data)
    done = review.review_import(
        plan, by=alice, rule="inpatient_bill", source="file", data=data.getvalue(), file_name="明细.xlsx"
    )
    target = done.targets.get()
    assert (target.subject.code, target.reference, target.amount) == ("H0003", "ZY100", Decimal("75000.50"))


def test_top_outpatient_spenders_ranked_with_ties_by_code(alice, plan, lyg_region, settings):
    settings.INSPECTION_OUTPATIENT_TOP = 3
    known = SubjectFactory(region=lyg_region, kind="insured", code="P200", name="孙八", level="", ownership="")
    rows = csv_file(
        "MZ1,门诊,P300,周九,H0000,第0医院,2026-10-01,100.00",
        "MZ2,门诊,P300,周九,H0001,第1医院,2026-10-02,250.00",  # P300: 350
        "MZ3,门诊,P200,孙八,H0000,第0医院,2026-10-03,200.00",  # P200: 200, ties with P100, which comes first by code
        "MZ4,门诊,P100,吴十,H0000,第0医院,2026-10-04,200.00",  # P100: 200
        "MZ5,门诊,P050,郑一,H0000,第0医院,2026-10-05,199.99",  # fourth: not imported
        "MZ6,门诊,P050,郑一,H0000,第0医院,2026-08-05,900.00",  # before the period: not counted
        "ZY9,住院,P050,郑一,H0000,第0医院,2026-10-05,99999.00",  # inpatient: not counted
    )
    done = review.review_import(plan, by=alice, rule="outpatient_top", source="file", data=rows, file_name="mz.csv")
    targets = list(done.targets.select_related("subject").order_by("position"))
    assert [(t.subject.code, t.reference, t.amount) for t in targets] == [
        ("P300", "门诊费用第1名", Decimal("350.00")),
        ("P100", "门诊费用第2名", Decimal("200.00")),
        ("P200", "门诊费用第3名", Decimal("200.00")),
    ]
    assert targets[2].subject == known and targets[0].subject.status == Subject.Status.TO_VERIFY
    assert {t.origin for t in targets} == {"outpatient_top"} and done.limit == 3
    assert done.record["targets"][0]["rows"] == [2, 3]
    # Importing again (the ranks may differ) adds no person already listed.
    again = review.review_import(plan, by=alice, rule="outpatient_top", source="file", data=rows, file_name="mz.csv")
    assert again.targets_created == 0 and len(again.record["duplicates_skipped"]) == 3


def settlement_hit(n, subject, *, visit, amount, bill=None, settled="2026-10-15", rule="R01"):
    return {
        "source": "zhjk",
        "external_id": f"E{n:05d}",
        "rule_code": rule,
        "rule_name": "大额住院费用" if visit == "住院" else "门诊费用异常",
        "subject": subject.as_ref() if hasattr(subject, "as_ref") else subject,
        "amount": amount,
        "details": {"就诊类型": visit, "结算单号": bill or f"B{n:05d}", "结算日期": settled},
    }


def test_import_from_screen_hits(alice, plan, hospitals, screener, cz_screener, cz_region, lyg_region, settings):
    settings.INSPECTION_OUTPATIENT_TOP = 100
    person = SubjectFactory(region=lyg_region, kind="insured", code="P1", name="张三", level="", ownership="")
    other = SubjectFactory(region=lyg_region, kind="insured", code="P2", name="李四", level="", ownership="")
    cz_hospital = SubjectFactory(region=cz_region, code="C0001", name="常州医院")
    hits = [
        settlement_hit(1, hospitals[0], visit="住院", amount="88000.00", bill="ZY1"),
        settlement_hit(2, hospitals[0], visit="住院", amount="88000.00", bill="ZY1", rule="R02"),  # same bill
        settlement_hit(3, hospitals[1], visit="住院", amount="50000.00"),  # not over
        settlement_hit(4, hospitals[2], visit="住院", amount="70000.00", settled="2026-07-01"),  # before
        settlement_hit(5, hospitals[3], visit="住院", amount="70000.00", settled="15/10/2026"),  # unreadable
        settlement_hit(6, person, visit="门诊", amount="300.00"),
        settlement_hit(7, person, visit="门诊", amount="300.00", rule="R02", bill="B00006"),  # same bill
        settlement_hit(8, other, visit="门诊", amount="500.00"),
        {**settlement_hit(9, hospitals[4], visit="住院", amount="99000.00"), "details": {"结算单数": 3}},  # no fields
    ]
    assert screen_hits_ingest(hits=hits, by=screener).created == 9
    screen_hits_ingest(hits=[settlement_hit(20, cz_hospital, visit="住院", amount="99000.00")], by=cz_screener)

    bills = review.review_import(plan, by=alice, rule="inpatient_bill", source="screen_hits")
    assert [(t.subject_id, t.reference, t.amount) for t in bills.targets.all()] == [
        (hospitals[0].pk, "ZY1", Decimal("88000.00"))
    ]
    assert len(bills.record["targets"][0]["hits"]) == 2
    assert bills.record["skipped"]["unreadable_hits"] == 1 and bills.record["skipped"]["outside_period"] == 1
    assert bills.file_sha256 == "" and bills.source == "screen_hits"

    spenders = review.review_import(plan, by=alice, rule="outpatient_top", source="screen_hits")
    ranked = [(t.subject_id, t.reference, t.amount) for t in spenders.targets.order_by("position")]
    assert ranked == [(other.pk, "门诊费用第1名", Decimal("500.00")), (person.pk, "门诊费用第2名", Decimal("300.00"))]


def test_pairs_exclude_conflicts_and_are_reproducible_from_the_record(alice, plan, inspectors, hospitals):
    services.conflict_declare(inspector=inspectors[0], subject=hospitals[5], reason="配偶在该院工作")
    services.conflict_declare(inspector=inspectors[1], subject=hospitals[5], reason="曾在该院任职")
    rows = [f"ZY{n},住院,P{n},张{n},H0005,第5医院,2026-10-{n + 1:02d},60000.00" for n in range(8)]
    done = review.review_import(
        plan, by=alice, rule="inpatient_bill", source="file", data=csv_file(*rows), file_name="a.csv"
    )
    assert done.record["seed"] == f"s-1:review:{done.pk}"
    assert done.record["pool"] == services.inspector_pool(plan.agency)
    assert sorted(done.record["conflicts"]) == [
        [inspectors[0].pk, hospitals[5].pk],
        [inspectors[1].pk, hospitals[5].pk],
    ]
    stored = [sorted(u.pk for u in t.inspectors.all()) for t in done.targets.order_by("position")]
    assert all(not set(pair) & {inspectors[0].pk, inspectors[1].pk} for pair in stored)
    assert [sorted(pair) for pair in review.review_replay(done)] == stored
    assert [t["inspectors"] for t in done.record["targets"]] == review.review_replay(done)


def test_too_many_conflicts_refuse_the_import(alice, plan, inspectors, hospitals):
    for inspector in inspectors[:3]:
        services.conflict_declare(inspector=inspector, subject=hospitals[5], reason="亲属关系")
    data = csv_file("ZY1,住院,P1,张三,H0005,第5医院,2026-10-05,60000.00")
    with pytest.raises(InvalidInput) as error:
        review.review_import(plan, by=alice, rule="inpatient_bill", source="file", data=data, file_name="a.csv")
    assert "H0005" in error.value.errors["inspectors"][0]
    assert not ReviewImport.objects.exists() and not plan.targets.filter(origin="inpatient_bill").exists()


def test_draft_plans_refuse_imports_and_done_plans_reopen(alice, plan, lyg_bureau, lyg_region):
    draft = plan_new(by=alice, regions=[lyg_region], title="草稿")
    with pytest.raises(InvalidTransition):
        review.review_import(draft, by=alice, rule="inpatient_bill", source="file", data=BILLS, file_name="a.csv")
    for target in plan.targets.all():
        services.target_visit(target, by=alice, findings="未发现问题。", found=False)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DONE
    review.review_import(plan, by=alice, rule="inpatient_bill", source="file", data=BILLS, file_name="a.csv")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_PROGRESS


def visit(client, plan, target, **fields):
    prefix = f"t{target.pk}"
    data = {f"{prefix}-person": "张院长", f"{prefix}-findings": "发现串换药品。", f"{prefix}-found": "on"}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return client.post(f"/inspections/{plan.pk}/targets/{target.pk}/visit/", data)


def test_visit_records_taxonomy_findings(client, api_as, plan, auditor):
    target = plan.targets.order_by("position").first()
    inspector = target.inspectors.order_by("pk").first()
    client.force_login(inspector)
    pharmacy_item = ViolationItem.objects.get(subject_kind="pharmacy", number=1)
    assert visit(client, plan, target, violations=[pharmacy_item.pk]).status_code == 400
    items = list(ViolationItem.objects.filter(subject_kind="institution", number__in=[5, 6]).order_by("number"))
    assert visit(client, plan, target, violations=[i.pk for i in items]).status_code == 302
    target.refresh_from_db()
    assert list(target.violation_items.order_by("number")) == items
    lead = Lead.objects.get(pk=target.lead_id)
    assert all(item.name in lead.description for item in items) and lead.status == Lead.Status.PENDING
    assert lead.case_id is None
    page = client.get(f"/inspections/{plan.pk}/").content.decode()
    assert items[0].name in page and items[1].name in page
    data = api_as(auditor).get(f"/api/v1/inspection-plans/{plan.pk}/").json()
    row = next(t for t in data["targets"] if t["subject"]["code"] == target.subject.code and t["origin"] == "draw")
    assert row["violations"] == [{"number": i.number, "name": i.name} for i in items]


def test_section_head_opens_a_case_on_the_spot(client, alice, plan):
    target = plan.targets.order_by("position").first()
    item = ViolationItem.objects.get(subject_kind="institution", number=3)
    client.force_login(alice)
    assert f'name="t{target.pk}-open_case"' in client.get(f"/inspections/{plan.pk}/").content.decode()
    assert visit(client, plan, target, violations=[item.pk], open_case="on").status_code == 302
    target.refresh_from_db()
    lead = Lead.objects.get(pk=target.lead_id)
    case = Case.objects.get(pk=lead.case_id)
    assert lead.status == Lead.Status.OPENED and lead.decided_by == alice
    assert list(case.subjects.all()) == [target.subject] and target.record.case_id == case.pk
    assert f"/cases/{case.pk}/" in client.get(f"/inspections/{plan.pk}/").content.decode()


def test_an_investigator_only_registers_the_lead(client, plan):
    target = plan.targets.order_by("position").first()
    inspector = target.inspectors.order_by("pk").first()
    item = ViolationItem.objects.get(subject_kind="institution", number=3)
    client.force_login(inspector)
    assert "open_case" not in client.get(f"/inspections/{plan.pk}/").content.decode()
    assert visit(client, plan, target, violations=[item.pk], open_case="on").status_code == 302
    target.refresh_from_db()
    assert Lead.objects.get(pk=target.lead_id).status == Lead.Status.PENDING and not Case.objects.exists()
    other = plan.targets.order_by("position")[1]
    with pytest.raises(InvalidInput) as error:
        services.target_visit(
            other, by=other.inspectors.first(), findings="x", found=True, violations=[item.pk], open_case=True
        )
    assert "open_case" in error.value.errors
    other.refresh_from_db()
    assert other.result == "" and Lead.objects.filter(source_kind="inspection").count() == 1


def test_nothing_found_record_is_served_from_the_plan(client, alice, plan, auditor, charlie):
    target = plan.targets.order_by("position").first()
    services.target_visit(target, by=alice, findings="未发现问题。", found=False)
    target.refresh_from_db()
    url = f"/inspections/{plan.pk}/targets/{target.pk}/record.pdf"
    client.force_login(alice)
    assert url in client.get(f"/inspections/{plan.pk}/").content.decode()
    for reader in (alice, auditor):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    unvisited = plan.targets.order_by("position")[1]
    assert client.get(f"/inspections/{plan.pk}/targets/{unvisited.pk}/record.pdf").status_code == 404
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.fixture
def draft(lyg_bureau, lyg_region, alice, inspectors, hospitals):
    return plan_new(
        by=alice,
        regions=[lyg_region],
        title="2027年第一季度双随机检查",
        kind=Plan.Kind.FULL,
        period_from=datetime.date(2027, 1, 1),
        period_to=datetime.date(2027, 3, 31),
        sample_percent=100,
    )


def test_planner_declares_conflicts_on_the_plan_page_and_the_draw_respects_them(
    client, alice, draft, inspectors, hospitals
):
    client.force_login(alice)
    url = f"/inspections/{draft.pk}/conflicts/"
    page = client.get(f"/inspections/{draft.pk}/").content.decode()
    assert 'name="conflict-inspector"' in page and hospitals[0].code in page
    response = client.post(
        url,
        {
            "conflict-inspector": inspectors[0].pk,
            "conflict-subject": hospitals[0].pk,
            "conflict-reason": "配偶在该院工作",
            "conflict-scope": "plan",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "conflict-inspector": inspectors[1].pk,
            "conflict-subject_code": "H0000",
            "conflict-reason": "曾在该院任职",
            "conflict-scope": "all",
        },
    )
    assert response.status_code == 302
    assert set(Conflict.objects.values_list("inspector_id", "subject_id", "plan_id")) == {
        (inspectors[0].pk, hospitals[0].pk, draft.pk),
        (inspectors[1].pk, hospitals[0].pk, None),
    }
    assert "配偶在该院工作" in client.get(f"/inspections/{draft.pk}/").content.decode()
    bad = client.post(
        url,
        {
            "conflict-inspector": inspectors[2].pk,
            "conflict-subject_code": "NOPE",
            "conflict-reason": "x",
            "conflict-scope": "plan",
        },
    )
    assert bad.status_code == 400 and Conflict.objects.count() == 2
    assert client.post(f"/inspections/{draft.pk}/draw/", {"seed": "c"}).status_code == 302
    pair = {u.pk for u in draft.targets.get(subject=hospitals[0]).inspectors.all()}
    assert not pair & {inspectors[0].pk, inspectors[1].pk}


def test_investigator_declares_his_own_conflict(client, inspectors, hospitals, draft, charlie, cz_region):
    me = inspectors[2]
    client.force_login(me)
    assert client.get("/inspections/conflicts/").status_code == 200
    response = client.post(
        "/inspections/conflicts/", {"subject_code": "H0003", "reason": "兄弟在该院任院长", "plan": ""}
    )
    assert response.status_code == 302
    conflict = Conflict.objects.get()
    assert (conflict.inspector, conflict.subject, conflict.plan) == (me, hospitals[3], None)
    assert "兄弟在该院任院长" in client.get("/inspections/conflicts/").content.decode()
    SubjectFactory(region=cz_region, code="C0001")
    assert client.post("/inspections/conflicts/", {"subject_code": "C0001", "reason": "x"}).status_code == 400
    assert (
        client.post("/inspections/conflicts/", {"subject_code": "H0001", "reason": "x", "plan": draft.pk}).status_code
        == 302
    )
    assert Conflict.objects.filter(plan=draft, inspector=me).exists()
    client.force_login(inspectors[3])
    assert "兄弟在该院任院长" not in client.get("/inspections/conflicts/").content.decode()


def test_outsiders_and_anonymous_are_refused_on_every_new_view(client, alice, bob, charlie, plan, draft):
    target = plan.targets.first()
    services.target_visit(target, by=alice, findings="未发现问题。", found=False)
    posts = [
        (f"/inspections/{plan.pk}/review-imports/", {"review-rule": "inpatient_bill", "review-source": "screen_hits"}),
        (f"/inspections/{draft.pk}/conflicts/", {"conflict-reason": "x"}),
    ]
    gets = [f"/inspections/{plan.pk}/targets/{target.pk}/record.pdf"]
    cz_investigator = UserFactory(username="cz_inv", agency=charlie.agency, roles=[Role.INVESTIGATOR])
    for outsider in (charlie, cz_investigator):
        client.force_login(outsider)
        for url, data in posts:
            assert client.post(url, data).status_code == 404
        for url in gets:
            assert client.get(url).status_code == 404
    client.force_login(charlie)
    assert client.get("/inspections/conflicts/").status_code == 403
    client.force_login(bob)  # reads the plans, neither imports nor declares others' conflicts
    for url, data in posts:
        assert client.post(url, data).status_code == 403
    client.logout()
    for url, data in posts:
        assert client.post(url, data).status_code == 302
    for url in [*gets, "/inspections/conflicts/"]:
        assert client.get(url).status_code == 302
    assert not ReviewImport.objects.exists() and not Conflict.objects.exists()


def test_plan_page_query_count_with_many_targets(client, alice, plan, django_assert_max_num_queries):
    rows = [f"ZY{n:03d},住院,P{n},张{n},H000{n % 6},第{n % 6}医院,2026-10-05,{60000 + n}.00" for n in range(40)]
    review.review_import(plan, by=alice, rule="inpatient_bill", source="file", data=csv_file(*rows), file_name="a.csv")
    item = ViolationItem.objects.get(subject_kind="institution", number=6)
    for target in plan.targets.order_by("position")[:5]:
        services.target_visit(target, by=alice, findings="发现问题。", found=True, violations=[item.pk])
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        response = client.get(f"/inspections/{plan.pk}/")
    assert response.status_code == 200 and response.content.decode().count('id="target-') == 42
