"""Special actions (专项行动): validation of the action, its phases and leading group, the closing report
(numbered, immutable, superseded by a reissue, with 附件2/附件3 of the period), the pages and who may do what.

alice leads (连云港 section head); bob is her bureau's investigator (reads, may not act); the 连云港 police
and health commission are member agencies; charlie (常州) is an outsider.
"""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext
from pypdf import PdfReader

from casework.errors import InvalidInput, InvalidTransition
from casework.models import Case, Subject, Suspension, Violation, ViolationItem
from documents.models import Document
from documents.services import document_pdf_bytes
from inspections import actions
from inspections.models import ActionPhase, SpecialAction
from organisation.models import Agency
from organisation.roles import Role
from tests.factories import AgencyFactory, RegionFactory, SubjectFactory, UserFactory
from tests.inspection_support import plan_new
from workflows.investigation import InvestigationFlow
from workflows.models import InvestigationProcess

D = datetime.date
FROM, TO = D(2025, 10, 1), D(2025, 12, 31)
# Inside the summary phase (set by the `phased` fixture).
SUMMARY_DAY = datetime.datetime(2025, 12, 20, 10, tzinfo=datetime.UTC)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def lyg_health(lyg_region):
    return AgencyFactory(
        region=lyg_region,
        code="320700-health",
        name="连云港市卫生健康委员会",
        kind=Agency.Kind.HEALTH,
        number_prefix="连卫健",
    )


@pytest.fixture
def cz_police(cz_region):
    return AgencyFactory(
        region=cz_region, code="320400-police", name="常州市公安局", kind=Agency.Kind.POLICE, number_prefix="常公"
    )


def create(alice, lyg_region, **fields):
    values = {
        "agency": alice.agency,
        "by": alice,
        "title": "2025年连云港市打击欺诈骗取医疗保障基金专项行动",
        "period_from": FROM,
        "period_to": TO,
        "regions": [lyg_region],
        "member_agencies": [],
        "office": "市医疗保障局基金监管处",
        **fields,
    }
    return actions.action_create(**values)


@pytest.fixture
def action(alice, lyg_region, lyg_police, lyg_health):
    return create(alice, lyg_region, member_agencies=[lyg_police, lyg_health])


@pytest.fixture
def phased(action):
    for kind, start, end in (
        ("deploy", D(2025, 10, 1), D(2025, 10, 31)),
        ("self_check", D(2025, 11, 1), D(2025, 11, 20)),
        ("rectify", D(2025, 11, 21), D(2025, 12, 10)),
        ("summary", D(2025, 12, 11), D(2025, 12, 31)),
    ):
        actions.phase_set(action, kind=kind, starts_on=start, ends_on=end, tasks=f"{kind}任务")
    actions.group_member_add(action, position="leader", name="陈剑", post="市医疗保障局副局长", agency=action.agency)
    actions.group_member_add(action, position="deputy", name="史森华", post="市公安局治安防控大队大队长")
    return action


def errors_of(excinfo) -> dict:
    return excinfo.value.errors


# Validation -------------------------------------------------------------------------------------


def test_create_refuses_bad_input(alice, bob, lyg_region, cz_region, lyg_bureau, cz_police, province_bureau):
    with pytest.raises(InvalidInput) as excinfo:
        create(alice, lyg_region, title="  ", period_to=D(2025, 9, 30))
    assert set(errors_of(excinfo)) == {"title", "period_to"}
    with pytest.raises(InvalidInput) as excinfo:
        create(alice, lyg_region, regions=[cz_region])
    assert "regions" in errors_of(excinfo)
    with pytest.raises(InvalidInput) as excinfo:
        create(alice, lyg_region, member_agencies=[cz_police])
    assert "member_agencies" in errors_of(excinfo)
    with pytest.raises(InvalidInput) as excinfo:
        create(alice, lyg_region, member_agencies=[lyg_bureau])
    assert "member_agencies" in errors_of(excinfo)
    with pytest.raises(PermissionDenied):
        create(bob, lyg_region, agency=lyg_bureau, by=bob)
    assert not SpecialAction.objects.exists()

    # An agency of a region above the scope may join (the province bureau for a county's action).
    county = RegionFactory(code="320722", name="东海县", level="county", parent=lyg_region)
    action = create(alice, lyg_region, regions=[county], member_agencies=[province_bureau])
    assert list(action.member_agencies.all()) == [province_bureau]


def test_phases_inside_the_period_ordered_without_overlap(action):
    def phase(kind, start, end):
        return actions.phase_set(action, kind=kind, starts_on=start, ends_on=end)

    with pytest.raises(InvalidInput) as excinfo:
        phase("deploy", D(2025, 9, 25), D(2025, 10, 10))
    assert "starts_on" in errors_of(excinfo)
    with pytest.raises(InvalidInput) as excinfo:
        phase("deploy", D(2025, 10, 10), D(2025, 10, 1))
    assert "ends_on" in errors_of(excinfo)

    phase("self_check", D(2025, 11, 1), D(2025, 11, 20))
    with pytest.raises(InvalidInput) as excinfo:
        phase("rectify", D(2025, 11, 15), D(2025, 12, 1))
    assert "starts_on" in errors_of(excinfo)
    # A summary before the self-inspection is out of order.
    with pytest.raises(InvalidInput) as excinfo:
        phase("summary", D(2025, 10, 1), D(2025, 10, 10))
    assert "kind" in errors_of(excinfo)

    phase("rectify", D(2025, 11, 21), D(2025, 12, 10))
    # Setting a kind again moves it rather than adding a second one.
    phase("self_check", D(2025, 11, 3), D(2025, 11, 20))
    assert [(p.kind, p.starts_on) for p in action.phases.order_by("starts_on")] == [
        ("self_check", D(2025, 11, 3)),
        ("rectify", D(2025, 11, 21)),
    ]


def test_current_phase_and_when_the_report_opens(phased):
    action = actions.actions_for(phased.created_by).get(pk=phased.pk)
    assert actions.current_phase(action, D(2025, 11, 5)).kind == ActionPhase.Kind.SELF_CHECK
    assert actions.current_phase(action, D(2026, 1, 5)) is None
    assert not actions.report_open(action, D(2025, 12, 10))
    assert actions.report_open(action, D(2025, 12, 11))
    # Without a summary phase, the report opens after the period.
    ActionPhase.objects.filter(action=action, kind="summary").delete()
    action = actions.actions_for(phased.created_by).get(pk=phased.pk)
    assert not actions.report_open(action, D(2025, 12, 31))
    assert actions.report_open(action, D(2026, 1, 1))


def test_leading_group_member_needs_a_post_and_an_agency_of_the_action(action, cz_police):
    with pytest.raises(InvalidInput) as excinfo:
        actions.group_member_add(action, position="member", name="刘浩", post="")
    assert "post" in errors_of(excinfo)
    with pytest.raises(InvalidInput) as excinfo:
        actions.group_member_add(action, position="member", name="刘浩", post="主任", agency=cz_police)
    assert "agency" in errors_of(excinfo)
    first = actions.group_member_add(action, position="member", name="刘浩", post="市医保中心主任")
    second = actions.group_member_add(action, position="member", name="周豪军", post="办公室主任")
    assert second.order == first.order + 1


def test_plans_of_the_bureau_attach(action, alice, charlie, lyg_region, cz_region):
    def plan(by, region, start=FROM):
        end = start + datetime.timedelta(days=30)
        return plan_new(by=by, regions=[region], title="双随机检查", period_from=start, period_to=end)

    with pytest.raises(InvalidInput):
        actions.plan_attach(action, plan=plan(charlie, cz_region))
    with pytest.raises(InvalidInput):
        actions.plan_attach(action, plan=plan(alice, lyg_region, start=D(2026, 3, 1)))
    own = plan(alice, lyg_region)
    actions.plan_attach(action, plan=own)
    assert list(action.plans.all()) == [own]
    other = create(alice, lyg_region, title="另一专项行动")
    with pytest.raises(InvalidTransition):
        actions.plan_attach(other, plan=own)


# The report -------------------------------------------------------------------------------------


@pytest.fixture
def outcomes(alice, lyg_bureau, lyg_region):
    """A 解除定点协议 and a finding in the period, and the same just before it (not counted)."""
    hospital = SubjectFactory(region=lyg_region, code="H-A", name="甲医院")
    item = ViolationItem.objects.get(subject_kind=Subject.Kind.INSTITUTION, number=3)
    for n, day in ((1, D(2025, 11, 5)), (2, D(2025, 9, 5))):
        case = Case.objects.create(
            agency=lyg_bureau,
            number=f"连医保立〔2025〕{n}号",
            year=2025,
            sequence=n,
            title=f"案件{n}",
            status=Case.Status.HANDLING,
            opened_at=at(day),
            opened_by=alice,
        )
        case.subjects.set([hospital])
        Suspension.objects.create(
            subject=hospital,
            case=case,
            scope=Suspension.Scope.TERMINATED,
            source=Suspension.Source.PENALTY,
            starts_on=day,
            basis="测试",
            created_at=at(day, 15),
            created_by=alice,
        )
        InvestigationProcess.objects.create(flow_class=InvestigationFlow, case=case, findings_done_at=at(day, 16))
        Violation.objects.create(
            case=case, subject=hospital, item=item, amount=Decimal("12345.60"), fund_loss=Decimal("10000.00")
        )
    return hospital


def pdf_text(document: Document) -> str:
    pdf = document_pdf_bytes(document=document)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")


def test_report_waits_for_the_summary_phase(phased, alice):
    with time_machine.travel(datetime.datetime(2025, 11, 10, 10, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(InvalidTransition):
            actions.action_report_issue(phased, by=alice, summary="总结")
        with pytest.raises(InvalidInput):
            actions.action_report_issue(phased, by=alice, summary=" ")
    phased.refresh_from_db()
    assert phased.report_id is None and not Document.objects.exists()


def test_report_is_numbered_and_a_reissue_supersedes_it(phased, alice, django_capture_on_commit_callbacks):
    with time_machine.travel(SUMMARY_DAY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = actions.action_report_issue(phased, by=alice, summary="第一稿：全市共检查定点医疗机构12家。")
        first.refresh_from_db()
        first_bytes, first_hash = bytes(first.pdf), first.sha256
        with django_capture_on_commit_callbacks(execute=True):
            second = actions.action_report_issue(phased, by=alice, summary="更正稿：全市共检查定点医疗机构13家。")
    assert first.number == "连医保专总〔2025〕1号" and second.number == "连医保专总〔2025〕2号"
    assert second.supersedes_id == first.pk and second.title == "专项行动工作总结"
    first.refresh_from_db()
    assert bytes(first.pdf) == first_bytes and first.sha256 == first_hash
    assert "12家" in first.context["summary"]
    phased.refresh_from_db()
    assert phased.report_id == second.pk and "13家" in phased.summary
    text = pdf_text(second)
    assert "更正稿" in text and f"本文书更正并替代{first.number}" in text


def test_report_prints_the_action_and_the_period_figures(phased, alice, outcomes, lyg_region):
    plan = plan_new(
        by=alice,
        regions=[lyg_region],
        title="第四季度定点医疗机构双随机检查",
        period_from=D(2025, 10, 1),
        period_to=D(2025, 12, 31),
    )
    actions.plan_attach(phased, plan=plan)
    with time_machine.travel(SUMMARY_DAY, tick=False):
        document = actions.action_report_issue(phased, by=alice, summary="专项行动取得阶段性成效。")

    (annex,) = document.context["annexes"]
    results = {row["key"]: row for row in annex["results"]["table"]["providers"]["rows"]}
    assert results["termination"]["institution"] == 1  # the one before the period is left out
    (section, *_rest) = annex["violations"]["table"]["sections"]
    row = next(r for r in section["rows"] if r["number"] == 3)
    assert (row["cases"], row["amount"], row["fund"]) == (1, "12345.60", "10000.00")

    text = pdf_text(document)
    for expected in (
        "2025年连云港市打击欺诈骗取医疗保障基金专项行动",
        "2025年10月1日至2025年12月31日",
        "连云港市公安局",
        "连云港市卫生健康委员会",
        "组长",
        "陈剑",
        "总结报告阶段",
        "第四季度定点医疗机构双随机检查",
        "双随机一公开检查",
        "专项行动取得阶段性成效。",
        "附件2",
        "附件3",
        "解除定点协议",
        "12345.60",
    ):
        assert expected in text, expected


# Pages and access -------------------------------------------------------------------------------


def test_pages_create_phase_member_and_report(client, alice, lyg_region, lyg_police):
    client.force_login(alice)
    data = {
        "title": "专项行动",
        "period_from": "2025-10-01",
        "period_to": "2025-12-31",
        "regions": [lyg_region.pk],
        "member_agencies": [lyg_police.pk],
    }
    assert client.post("/inspections/actions/", {**data, "period_to": "2025-09-01"}).status_code == 400
    response = client.post("/inspections/actions/", data)
    action = SpecialAction.objects.get()
    assert response.status_code == 302 and response.url == f"/inspections/actions/{action.pk}/"
    url = f"/inspections/actions/{action.pk}/"

    overlap = {"kind": "summary", "starts_on": "2025-10-01", "ends_on": "2025-12-31"}
    assert client.post(url + "phases/", {**overlap, "starts_on": "2025-09-01"}).status_code == 400
    assert (
        client.post(url + "phases/", {"kind": "deploy", "starts_on": "2025-10-01", "ends_on": "2025-10-31"}).status_code
        == 302
    )
    response = client.post(url + "phases/", overlap)
    assert response.status_code == 400
    assert "2025-10-01" in response.content.decode()  # the message names the overlapping phase's dates
    assert client.post(url + "phases/", {**overlap, "starts_on": "2025-12-01"}).status_code == 302
    assert (
        client.post(url + "group/", {"position": "leader", "name": "陈剑", "post": "副局长", "agency": lyg_police.pk})
    ).status_code == 302

    with time_machine.travel(SUMMARY_DAY, tick=False):
        page = client.get(url).content.decode()
        assert 'class="current"' in page and gettext("Current phase") in page and "陈剑" in page
        assert client.post(url + "report/", {"summary": ""}).status_code == 400
        assert client.post(url + "report/", {"summary": "总结全文。"}).status_code == 302
    action.refresh_from_db()
    page = client.get(url).content.decode()
    assert action.report.number in page and f"/inspections/actions/{action.pk}/report.pdf" in page
    pdf = client.get(url + "report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_report_too_early_is_shown_on_the_page(client, alice, phased):
    client.force_login(alice)
    with time_machine.travel(datetime.datetime(2025, 11, 10, 10, tzinfo=datetime.UTC), tick=False):
        response = client.post(f"/inspections/actions/{phased.pk}/report/", {"summary": "总结"})
    assert response.status_code == 400
    message = gettext("The report can be issued once the summary phase has started or the action's period has ended.")
    from django.utils.html import escape

    assert escape(message) in response.content.decode()


@pytest.fixture
def reported(phased, alice):
    with time_machine.travel(SUMMARY_DAY, tick=False):
        actions.action_report_issue(phased, by=alice, summary="总结")
    phased.refresh_from_db()
    return phased


def test_member_agency_and_auditor_read(client, police, auditor, bob, reported):
    url = f"/inspections/actions/{reported.pk}/"
    for user in (police, auditor, bob):
        client.force_login(user)
        assert client.get("/inspections/actions/").content.decode().count(url) >= 1
        page = client.get(url)
        assert page.status_code == 200 and reported.report.number in page.content.decode()
        assert 'action="/inspections/actions/' not in page.content.decode()  # no forms for readers
        assert client.get(url + "report.pdf").status_code == 200


def test_outsiders_see_nothing(client, charlie, reported, lyg_health):
    other_health = AgencyFactory(
        region=charlie.agency.region, code="320400-health", kind=Agency.Kind.HEALTH, number_prefix="常卫健"
    )
    cz_health_user = UserFactory(username="czh", agency=other_health, roles=[Role.LIAISON])
    url = f"/inspections/actions/{reported.pk}/"
    for user in (charlie, cz_health_user):
        client.force_login(user)
        assert url not in client.get("/inspections/actions/").content.decode()
        assert client.get(url).status_code == 404
        assert client.get(url + "report.pdf").status_code == 404
        assert client.post(url + "report/", {"summary": "x"}).status_code == 404
    client.logout()
    for path in ("/inspections/actions/", url, url + "report.pdf"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_readers_may_not_act(client, bob, police, reported, lyg_region):
    url = f"/inspections/actions/{reported.pk}/"
    phase = reported.phases.first()
    member = reported.leading_group.first()
    for user in (bob, police):
        client.force_login(user)
        for path, data in (
            ("phases/", {"kind": "deploy", "starts_on": "2025-10-01", "ends_on": "2025-10-02"}),
            (f"phases/{phase.pk}/remove/", {}),
            ("group/", {"position": "member", "name": "某", "post": "某"}),
            (f"group/{member.pk}/remove/", {}),
            ("plans/", {}),
            ("report/", {"summary": "改写"}),
        ):
            assert client.post(url + path, data).status_code == 403, path
        data = {"title": "x", "period_from": "2025-10-01", "period_to": "2025-12-31", "regions": [lyg_region.pk]}
        assert client.post("/inspections/actions/", data).status_code == 403
    assert SpecialAction.objects.count() == 1 and Document.objects.count() == 1
    assert client.post(url + "report.pdf").status_code == 405
    assert client.get(url + "report/").status_code == 405


def test_no_report_no_pdf(client, alice, action):
    client.force_login(alice)
    assert client.get(f"/inspections/actions/{action.pk}/report.pdf").status_code == 404


def test_list_queries(client, alice, lyg_region, lyg_police, lyg_health, django_assert_max_num_queries):
    for n in range(12):
        action = create(alice, lyg_region, title=f"专项行动{n}", member_agencies=[lyg_police, lyg_health])
        actions.phase_set(action, kind="deploy", starts_on=FROM, ends_on=D(2025, 10, 31))
    client.force_login(alice)
    with django_assert_max_num_queries(18):
        response = client.get("/inspections/actions/")
    assert response.status_code == 200 and response.content.decode().count("专项行动") >= 12


def test_demo_action(alice, lyg_bureau, lyg_region, lyg_police, lyg_health, bob, django_capture_on_commit_callbacks):
    from inspections.demo_actions import seed_special_action

    director = UserFactory(username="director", first_name="刘志强", agency=lyg_bureau, roles=[Role.DIRECTOR])
    today = timezone.localdate()
    plan = plan_new(
        by=alice,
        regions=[lyg_region],
        title="本季度双随机检查",
        period_from=today - datetime.timedelta(days=10),
        period_to=today + datetime.timedelta(days=20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        action = seed_special_action(bureau=lyg_bureau, today=today)
    assert seed_special_action(bureau=lyg_bureau, today=today) is None
    action = actions.actions_for(alice).get(pk=action.pk)
    assert set(action.member_agencies.all()) == {lyg_police, lyg_health}
    assert actions.current_phase(action, today).kind == ActionPhase.Kind.SUMMARY
    assert [p.kind for p in action.phases.all()] == ["deploy", "self_check", "rectify", "summary"]
    leader = action.leading_group.order_by("order").first()
    assert (leader.position, leader.name) == ("leader", director.display_name)
    assert list(action.plans.all()) == [plan]
    assert action.report.number.startswith("连医保专总") and action.report.sha256
    assert "本季度双随机检查" in pdf_text(action.report)
