"""Inspection plans: the reproducible, stratified, credit-weighted draw; inspector pairs and 回避; visits."""

import datetime
from decimal import Decimal

import pytest

from casework.errors import AlreadyDecided, InvalidInput
from casework.models import Lead, Subject, ViolationItem
from documents.models import Document
from inspections import sampling, services
from inspections.models import Plan
from organisation.roles import Role
from tests.factories import RegionFactory, SubjectFactory, UserFactory
from tests.inspection_support import plan_new

LEVELS = [Subject.Level.TERTIARY, Subject.Level.SECONDARY, Subject.Level.PRIMARY]


@pytest.fixture
def inspectors(lyg_bureau):
    return [UserFactory(username=f"inv{n}", agency=lyg_bureau, roles=[Role.INVESTIGATOR]) for n in range(4)]


@pytest.fixture
def institutions(lyg_region):
    """60 institutions: levels × ownership, two types; the 3 private tertiary ones form a small stratum."""
    subjects = []
    for n in range(57):
        subjects.append(
            SubjectFactory(
                region=lyg_region,
                code=f"H{n:04d}",
                level=LEVELS[n % 3],
                ownership=Subject.Ownership.PUBLIC if n % 2 else Subject.Ownership.PRIVATE,
                category="general hospital" if n % 5 else "clinic",
            )
        )
    for n in range(57, 60):
        subjects.append(
            SubjectFactory(
                region=lyg_region,
                code=f"H{n:04d}",
                level=Subject.Level.UNGRADED,
                ownership=Subject.Ownership.PRIVATE,
                category="dental clinic" if n == 59 else "clinic",
            )
        )
    return subjects


@pytest.fixture
def make_plan(lyg_region, alice):
    def make(**fields):
        defaults = {"by": alice, "regions": [lyg_region], "sample_percent": Decimal("5"), "sample_minimum": 10}
        return plan_new(**{**defaults, **fields})

    return make


def drawn_subjects(plan):
    return [t.subject_id for t in plan.targets.order_by("position")]


def test_draw_is_reproducible_from_its_record(make_plan, institutions, inspectors, alice):
    plan = services.plan_draw(make_plan(), by=alice, seed="liyang-2026")
    again = services.plan_draw(make_plan(), by=alice, seed="liyang-2026")
    other = services.plan_draw(make_plan(), by=alice, seed="another-seed")

    assert drawn_subjects(plan) == drawn_subjects(again)
    assert drawn_subjects(plan) != drawn_subjects(other)
    plan.refresh_from_db()
    assert plan.seed == "liyang-2026" and plan.algorithm_version == sampling.ALGORITHM_VERSION
    assert plan.status == Plan.Status.DRAWN and plan.drawn_by == alice
    assert plan.population_size == 60
    replay = services.redraw(plan.draw_record)
    stored = [
        {"subject": t.subject_id, "stratum": t.stratum, "inspectors": sorted(u.pk for u in t.inspectors.all())}
        for t in plan.targets.order_by("position")
    ]
    assert [{**row, "inspectors": sorted(row["inspectors"])} for row in replay] == stored


def test_redraw_survives_later_changes_to_the_registry(make_plan, institutions, inspectors, alice, lyg_region):
    plan = services.plan_draw(make_plan(), by=alice, seed=7)
    before = [row["subject"] for row in services.redraw(plan.draw_record)]
    SubjectFactory(region=lyg_region, code="H9999", level=Subject.Level.PRIMARY)
    UserFactory(username="inv_new", agency=alice.agency, roles=[Role.INVESTIGATOR])
    plan.refresh_from_db()
    assert [row["subject"] for row in services.redraw(plan.draw_record)] == before == drawn_subjects(plan)


def test_a_seed_is_generated_when_none_is_given(make_plan, institutions, inspectors, alice):
    plan = services.plan_draw(make_plan(), by=alice)
    assert len(plan.seed) == 32 and plan.draw_record["seed"] == plan.seed


def test_every_stratum_and_type_present_is_represented(make_plan, institutions, inspectors, alice):
    for seed in range(5):
        plan = services.plan_draw(make_plan(), by=alice, seed=seed)
        targets = list(plan.targets.select_related("subject"))
        strata = {services.stratum_of(s) for s in institutions}
        assert len(strata) == 7
        assert {t.stratum for t in targets} == strata
        assert {t.subject.category for t in targets} == {"general hospital", "clinic", "dental clinic"}
        assert len(targets) == 10  # 5 % of 60 is 3; the minimum is 10


@pytest.mark.parametrize(
    ("percent", "minimum", "population", "size"),
    [(10, 10, 20, 10), (10, 10, 200, 20), (5, 10, 6, 6), (Decimal("7.5"), 0, 41, 4), (100, 0, 9, 9)],
)
def test_sample_size_rule(percent, minimum, population, size):
    assert sampling.sample_size(percent=Decimal(percent), minimum=minimum, population=population) == size


def test_percentage_above_the_minimum_and_the_cap(make_plan, institutions, inspectors, alice):
    plan = services.plan_draw(make_plan(sample_percent=Decimal("25"), sample_minimum=10), by=alice, seed=1)
    assert plan.targets.count() == 15
    plan = services.plan_draw(make_plan(sample_percent=Decimal("5"), sample_minimum=500), by=alice, seed=1)
    assert plan.targets.count() == 60
    full = services.plan_draw(make_plan(kind=Plan.Kind.FULL, sample_percent=Decimal("1")), by=alice, seed=1)
    assert full.sample_percent == 100 and full.targets.count() == 60


def test_empty_population_is_refused(make_plan, inspectors, alice):
    plan = make_plan(subject_kinds=["pharmacy"])
    with pytest.raises(InvalidInput) as error:
        services.plan_draw(plan, by=alice, seed=1)
    assert "population" in error.value.errors
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT and not plan.targets.exists()


def test_plan_validation(make_plan, lyg_region, cz_region, cz_bureau, alice):
    cases = [
        ({"sample_percent": Decimal("0")}, "sample_percent"),
        ({"sample_percent": Decimal("120")}, "sample_percent"),
        ({"sample_percent": "abc"}, "sample_percent"),
        ({"sample_minimum": -1}, "sample_minimum"),
        ({"period_to": datetime.date(2026, 9, 1)}, "period_to"),
        ({"subject_kinds": ["insured"]}, "subject_kinds"),
        ({"subject_kinds": []}, "subject_kinds"),
        ({"regions": [cz_region]}, "regions"),
        ({"regions": []}, "regions"),
        ({"kind": "surprise"}, "kind"),
        ({"title": " "}, "title"),
    ]
    for fields, field in cases:
        with pytest.raises(InvalidInput) as error:
            make_plan(**fields)
        assert field in error.value.errors, fields
    county = RegionFactory(code="320722", name="东海县", parent=lyg_region, level="county")
    assert list(make_plan(regions=[county]).regions.all()) == [county]


def test_drawing_twice_is_refused(make_plan, institutions, inspectors, alice):
    plan = services.plan_draw(make_plan(), by=alice, seed=1)
    with pytest.raises(AlreadyDecided):
        services.plan_draw(plan, by=alice, seed=2)


def test_pairs_are_two_distinct_investigators_of_the_bureau_without_conflicts(
    make_plan, institutions, inspectors, alice, bob
):
    subject = institutions[0]
    plan = make_plan(sample_percent=100)
    services.conflict_declare(inspector=inspectors[0], subject=subject, reason="配偶在该院工作", plan=plan)
    services.conflict_declare(inspector=inspectors[1], subject=subject, reason="曾在该院任职")
    plan = services.plan_draw(plan, by=alice, seed=3)
    pool = {u.pk for u in inspectors} | {bob.pk}
    for target in plan.targets.prefetch_related("inspectors"):
        pair = {u.pk for u in target.inspectors.all()}
        assert len(pair) == 2 and pair <= pool and alice.pk not in pair
    pair = {u.pk for u in plan.targets.get(subject=subject).inspectors.all()}
    assert not pair & {inspectors[0].pk, inspectors[1].pk}
    assert plan.draw_record["conflicts"] == sorted([[inspectors[0].pk, subject.pk], [inspectors[1].pk, subject.pk]])


def test_conflicts_leaving_fewer_than_two_inspectors_are_refused(make_plan, institutions, inspectors, alice):
    subject = institutions[0]
    plan = make_plan(sample_percent=100)
    for inspector in inspectors[:3]:
        services.conflict_declare(inspector=inspector, subject=subject, reason="亲属关系")
    with pytest.raises(InvalidInput) as error:
        services.plan_draw(plan, by=alice, seed=1)
    assert subject.code in error.value.errors["inspectors"][0]
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT and not plan.targets.exists()


def test_a_bureau_without_two_investigators_cannot_draw(make_plan, institutions, alice, bob):
    with pytest.raises(InvalidInput) as error:
        services.plan_draw(make_plan(), by=alice, seed=1)
    assert "pool" in error.value.errors


def test_poor_credit_grades_are_drawn_more_often(make_plan, lyg_region, inspectors, alice):
    from ratings.models import Evaluation

    pharmacies = [
        SubjectFactory(region=lyg_region, kind=Subject.Kind.PHARMACY, code=f"P{n:03d}", level="", ownership="private")
        for n in range(40)
    ]
    for n, pharmacy in enumerate(pharmacies):
        Evaluation.objects.create(
            subject=pharmacy, year=2025, score=950 if n < 20 else 500, grade="A" if n < 20 else "E"
        )
    good, poor = {p.pk for p in pharmacies[:20]}, {p.pk for p in pharmacies[20:]}
    drawn_good = drawn_poor = 0
    for seed in range(10):
        plan = services.plan_draw(
            make_plan(subject_kinds=["pharmacy"], sample_percent=Decimal("25"), sample_minimum=0), by=alice, seed=seed
        )
        ids = set(drawn_subjects(plan))
        drawn_good += len(ids & good)
        drawn_poor += len(ids & poor)
        assert {m["weight"] for m in plan.draw_record["population"]} == {0.5, 2.0}
    assert drawn_good + drawn_poor == 100
    assert drawn_poor > 2 * drawn_good


def test_without_grades_the_draw_is_uniform(make_plan, lyg_region, inspectors, alice):
    for n in range(10):
        SubjectFactory(region=lyg_region, kind=Subject.Kind.PHARMACY, code=f"P{n:03d}", level="", ownership="")
    plan = services.plan_draw(make_plan(subject_kinds=["pharmacy"]), by=alice, seed=1)
    assert {(m["grade"], m["weight"]) for m in plan.draw_record["population"]} == {(None, 1.0)}


def test_unknown_algorithm_version_is_refused():
    with pytest.raises(InvalidInput):
        services.redraw({"algorithm_version": "v0", "seed": "1", "population": [], "pool": []})


def test_visit_with_nothing_found_issues_the_record(make_plan, institutions, inspectors, alice):
    plan = services.plan_draw(make_plan(sample_percent=5, sample_minimum=2), by=alice, seed=1)
    first, second = plan.targets.order_by("position")[:2]
    inspector = first.inspectors.first()
    target = services.target_visit(
        first, by=inspector, findings="进销存台账相符，未发现问题。", found=False, person="张院长"
    )
    assert target.result == "nothing_found" and target.lead is None
    document = Document.objects.get(pk=target.record_id)
    assert document.kind == "inspection_record" and document.agency == plan.agency
    assert document.context["text"] == "进销存台账相符，未发现问题。"
    assert len(document.context["investigators"]) == 2
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_PROGRESS
    with pytest.raises(AlreadyDecided):
        services.target_visit(first, by=inspector, findings="again", found=False)
    with pytest.raises(InvalidInput):
        services.target_visit(second, by=inspector, findings=" ", found=False)


def test_visit_with_findings_starts_a_lead_in_triage(make_plan, institutions, inspectors, alice):
    from viewflow.workflow.models import Task

    plan = services.plan_draw(make_plan(sample_percent=5, sample_minimum=1), by=alice, seed=1)
    target, *others = plan.targets.order_by("position")
    item = ViolationItem.objects.get(subject_kind="institution", number=6)
    target = services.target_visit(
        target,
        by=target.inspectors.first(),
        findings="发现串换药品，涉及金额约2万元。",
        found=True,
        violations=[item.pk],
    )
    lead = Lead.objects.get(pk=target.lead_id)
    assert list(target.violation_items.all()) == [item] and item.name in lead.description
    assert item.name in Document.objects.get(pk=target.record_id).context["text"]
    assert lead.source_kind == "inspection" and lead.agency == plan.agency
    assert list(lead.subjects.all()) == [target.subject] and lead.status == Lead.Status.PENDING
    assert Task.objects.filter(process__triageprocess__lead=lead, flow_task_type="HUMAN").exists()
    assert Document.objects.get(pk=target.record_id).lead == lead
    for other in others:
        services.target_visit(other, by=other.inspectors.first(), findings="未发现问题。", found=False)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DONE
    assert Lead.objects.filter(source_kind="inspection").count() == 1


def test_demo_seed(lyg_region, lyg_bureau, alice, inspectors, institutions):
    from inspections.demo import seed_inspections

    plans = seed_inspections(region=lyg_region, today=datetime.date(2026, 11, 23))
    assert [p.kind for p in plans] == [Plan.Kind.RANDOM, Plan.Kind.UNANNOUNCED]
    drawn = Plan.objects.get(pk=plans[0].pk)
    assert drawn.status == Plan.Status.IN_PROGRESS and drawn.period_from == datetime.date(2026, 10, 1)
    assert drawn.targets.filter(result="found").count() == 1
    assert seed_inspections(region=lyg_region, today=datetime.date(2026, 11, 23)) == []


def test_the_visit_record_is_labelled_as_an_inspection_plans(tmp_path):
    """The 现场检查笔录 of a plan's visit names the plan where a case's record names the case."""
    import io

    from pypdf import PdfReader

    from documents.rendering import render_pdf

    context = {
        "agency_name": "连云港市医疗保障局",
        "case_title": "2026年第四季度双随机检查",
        "case_number": "双随机（2026-10-01—2026-12-31）",
        "from_plan": True,
        "subjects": "东海县人民医院",
        "started_at": "2026年11月20日10时00分",
        "ended_at": "",
        "place": "东海县人民医院",
        "investigators": [{"name": "李明", "id": "lyg_inv1"}, {"name": "孙伟", "id": "lyg_inv2"}],
        "person": "",
        "person_details": "",
        "text": "未发现问题。",
        "document": {
            "number": "连医保检录〔2026〕1号",
            "title": "现场检查笔录",
            "issued_on": "2026年11月20日",
            "supersedes": "",
        },
    }
    text = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(render_pdf(template="documents/inspection_record.html", context=context))).pages
    )
    assert "检查计划" in text and "立案编号" not in text
