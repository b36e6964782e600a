"""Investigation (issue 5): assignment of two officers, findings with money, the 调查终结报告."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from casework import evidence as evidence_services
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.findings import case_totals, violation_add, violation_remove
from casework.models import Case, Evidence, Violation, ViolationItem
from documents.services import document_pdf_bytes
from organisation.roles import Role
from tests.factories import SubjectFactory, UserFactory
from workflows.investigation import (
    InvestigationFlow,
    investigation_assign,
    investigation_close,
    investigation_findings_done,
    pending_task,
)
from workflows.models import InvestigationProcess
from workflows.triage import triage_decide


@pytest.fixture
def bob2(lyg_bureau):
    return UserFactory(username="bob2", first_name="孙伟", agency=lyg_bureau, roles=[Role.INVESTIGATOR])


@pytest.fixture
def case(make_lead, alice, subject, other_subject):
    return triage_decide(lead=make_lead(subjects=[subject, other_subject]), by=alice, decision="open").case


@pytest.fixture
def investigating(case, alice, bob, bob2):
    investigation_assign(case=case, by=alice, investigators=[bob, bob2])
    case.refresh_from_db()
    return case


def item(kind=ViolationItem.SubjectKind.INSTITUTION, number=5):
    # The taxonomy is loaded by a data migration; transactional tests flush it, hence get_or_create.
    return ViolationItem.objects.get_or_create(subject_kind=kind, number=number, defaults={"name": f"条目{number}"})[0]


def add(case, by, subject, **fields):
    defaults = {
        "item": item(),
        "period_from": datetime.date(2025, 1, 1),
        "period_to": datetime.date(2025, 6, 30),
        "amount": Decimal("12000.50"),
        "fund_loss": Decimal("9000.00"),
        "patient_money": Decimal("300.25"),
        "description": "虚记检查费用",
    }
    return violation_add(case=case, by=by, subject=subject, **{**defaults, **fields})


def collect(case, by, collectors):
    return evidence_services.evidence_register(
        case=case,
        by=by,
        collected_by=collectors,
        kind=Evidence.Kind.DOCUMENTARY,
        title="住院病历复印件",
        collected_at=timezone.now() - datetime.timedelta(hours=2),
        place="病案室",
    )


class TestAssign:
    def test_one_investigator_is_refused_naming_article_42(self, case, alice, bob):
        for officers in ([bob], [bob, bob]):
            with pytest.raises(InvalidInput) as caught:
                investigation_assign(case=case, by=alice, investigators=officers)
            message = str(caught.value.errors["investigators"][0])
            assert "执法人员不得少于2人" in message and "第四十二条" in message
        case.refresh_from_db()
        assert case.status == Case.Status.OPENED and not InvestigationProcess.objects.exists()

    def test_officers_come_from_the_cases_agency_and_enforcement_roles(self, case, alice, bob, charlie, clerk):
        for other in (charlie, clerk):
            with pytest.raises(InvalidInput):
                investigation_assign(case=case, by=alice, investigators=[bob, other])

    def test_assign_moves_the_case_and_starts_the_flow(self, investigating, bob, bob2):
        assert investigating.status == Case.Status.INVESTIGATING
        process = investigating.investigation
        assert set(process.investigators.all()) == {bob, bob2}
        task = pending_task(investigating, InvestigationFlow.findings)
        assert task is not None and task.owner_permission == "casework.change_case"

    def test_assign_twice_or_a_case_not_opened_is_refused(self, investigating, alice, bob, alice2):
        with pytest.raises(InvalidTransition):
            investigation_assign(case=investigating, by=alice2, investigators=[bob, alice])
        assert InvestigationProcess.objects.count() == 1

    def test_only_a_section_head_assigns(self, case, bob, bob2):
        with pytest.raises(PermissionDenied):
            investigation_assign(case=case, by=bob, investigators=[bob, bob2])


class TestViolations:
    def test_validation_messages(self, investigating, bob, subject, lyg_region):
        stranger = SubjectFactory(region=lyg_region, name="无关药店", code="P32070300009", kind="pharmacy")
        cases = [
            ({"subject": stranger}, "subject"),
            ({"item": item(ViolationItem.SubjectKind.PHARMACY, 1)}, "item"),
            ({"fund_loss": Decimal("13000.00")}, "fund_loss"),
            ({"amount": Decimal("1.234")}, "amount"),
            ({"amount": Decimal("-1")}, "amount"),
            ({"period_to": timezone.localdate() + datetime.timedelta(days=1)}, "period_to"),
            ({"period_from": datetime.date(2025, 7, 1)}, "period_to"),
        ]
        for fields, field in cases:
            with pytest.raises(InvalidInput) as caught:
                add(investigating, bob, fields.pop("subject", subject), **fields)
            assert field in caught.value.errors, fields
        assert not Violation.objects.exists()

    def test_only_while_investigating(self, case, alice, subject):
        with pytest.raises(InvalidTransition):
            add(case, alice, subject)

    def test_totals_per_case_and_subject_in_one_query(
        self, investigating, bob, subject, other_subject, django_assert_num_queries
    ):
        add(investigating, bob, subject)
        add(investigating, bob, subject, amount=Decimal("100"), fund_loss=Decimal("100"), patient_money=0)
        add(investigating, bob, other_subject, amount=Decimal("0.01"), fund_loss=0, patient_money=0)
        with django_assert_num_queries(1):
            totals = case_totals(investigating)
        assert (totals.amount, totals.fund_loss, totals.patient_money) == (
            Decimal("12100.51"),
            Decimal("9100.00"),
            Decimal("300.25"),
        )
        per_subject = {row["subject_id"]: row["amount"] for row in totals.by_subject}
        assert per_subject == {subject.pk: Decimal("12100.50"), other_subject.pk: Decimal("0.01")}

    def test_remove_is_audited(self, investigating, bob, subject):
        from auditlog.models import LogEntry

        violation = add(investigating, bob, subject)
        violation_remove(violation=violation, by=bob)
        assert not Violation.objects.exists()
        entry = LogEntry.objects.get_for_object(violation).filter(action=LogEntry.Action.DELETE).get()
        assert entry.actor == bob


def test_findings_done_needs_evidence_and_a_violation(investigating, alice, bob, bob2, subject):
    with pytest.raises(InvalidInput) as caught:
        investigation_findings_done(case=investigating, by=bob)
    assert len(caught.value.errors["__all__"]) == 2
    collect(investigating, bob, [bob, bob2])
    with pytest.raises(InvalidInput) as caught:
        investigation_findings_done(case=investigating, by=bob)
    assert len(caught.value.errors["__all__"]) == 1
    assert pending_task(investigating, InvestigationFlow.findings) is not None


def test_findings_are_submitted_by_an_assigned_investigator_or_a_head(investigating, lyg_bureau, subject, bob, bob2):
    other = UserFactory(username="bob3", agency=lyg_bureau, roles=[Role.INVESTIGATOR])
    collect(investigating, bob, [bob, bob2])
    add(investigating, bob, subject)
    with pytest.raises(PermissionDenied):
        investigation_findings_done(case=investigating, by=other)


def test_full_flow_issues_the_numbered_report(
    investigating, alice, alice2, bob, bob2, subject, other_subject, django_capture_on_commit_callbacks
):
    collect(investigating, bob, [bob, bob2])
    add(investigating, bob, subject)
    add(investigating, bob2, other_subject, amount=Decimal("500"), fund_loss=Decimal("500"), patient_money=0)
    with pytest.raises(InvalidTransition):
        investigation_close(case=investigating, by=alice, conclusion="建议立案处罚")
    process = investigation_findings_done(case=investigating, by=bob2, summary="查实虚记费用。")
    assert process.findings_done_by == bob2
    with pytest.raises(AlreadyDecided):
        investigation_findings_done(case=investigating, by=bob)
    with pytest.raises(InvalidTransition):
        add(investigating, bob, subject)
    with pytest.raises(PermissionDenied):
        investigation_close(case=investigating, by=bob, conclusion="x")
    with pytest.raises(InvalidInput):
        investigation_close(case=investigating, by=alice, conclusion=" ")
    with django_capture_on_commit_callbacks(execute=True):
        process = investigation_close(case=investigating, by=alice, conclusion="建议给予行政处罚。")
    report = process.report
    assert report.number == f"连医保调终〔{timezone.localdate().year}〕1号"
    assert report.title == "调查终结报告" and report.case_id == investigating.pk
    assert report.context["totals"] == {"amount": "12,500.50", "fund_loss": "9,500.00", "patient_money": "300.25"}
    assert [e["kind"] for e in report.context["evidence"]] == ["书证"]
    assert {o["id"] for o in report.context["investigators"]} == {"bob", "bob2"}
    assert document_pdf_bytes(document=report).startswith(b"%PDF")
    assert process.status == "DONE" and process.finished is not None
    with pytest.raises(AlreadyDecided):
        investigation_close(case=investigating, by=alice2, conclusion="再次")


# --- web ------------------------------------------------------------------------------------------


def test_case_page_assign_form_then_panel(client, case, alice, bob, bob2):
    client.force_login(alice)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert reverse("investigation-assign", args=[case.pk]) in page
    response = client.post(reverse("investigation-assign", args=[case.pk]), {"investigators": [bob.pk]}, follow=True)
    assert "第四十二条" in response.content.decode()
    response = client.post(
        reverse("investigation-assign", args=[case.pk]), {"investigators": [bob.pk, bob2.pk]}, follow=True
    )
    page = response.content.decode()
    assert "李明" in page and "孙伟" in page
    assert reverse("violation-add", args=[case.pk]) in page
    task = pending_task(case, InvestigationFlow.findings)
    assert reverse("investigation-task", args=[task.pk]) in page


def test_add_violation_over_the_web(client, investigating, bob, subject):
    client.force_login(bob)
    url = reverse("violation-add", args=[investigating.pk])
    data = {
        "subject": subject.pk,
        "item": item().pk,
        "period_from": "2025-01-01",
        "period_to": "2025-03-31",
        "amount": "100.00",
        "fund_loss": "200.00",
        "patient_money": "0",
    }
    response = client.post(url, data, follow=True)
    assert not Violation.objects.exists() and "基金损失" in response.content.decode()
    response = client.post(url, {**data, "fund_loss": "80.00"}, follow=True)
    assert Violation.objects.get().fund_loss == Decimal("80.00")
    page = response.content.decode()
    assert "100.00" in page and "80.00" in page


def test_web_task_pages_complete_the_flow(client, investigating, alice, bob, bob2, subject):
    collect(investigating, bob, [bob, bob2])
    add(investigating, bob, subject)
    task = pending_task(investigating, InvestigationFlow.findings)
    client.force_login(bob)
    assert client.get(reverse("investigation-task", args=[task.pk])).status_code == 200
    response = client.post(reverse("investigation-task", args=[task.pk]), {"summary": "查实"})
    assert response.status_code == 302
    report_task = pending_task(investigating, InvestigationFlow.report)
    assert client.post(reverse("investigation-task", args=[report_task.pk]), {"conclusion": "x"}).status_code == 403
    client.force_login(alice)
    response = client.post(reverse("investigation-task", args=[report_task.pk]), {"conclusion": "建议处罚"})
    assert response.status_code == 302
    process = InvestigationProcess.objects.get()
    assert process.report is not None
    page = client.get(reverse("case-detail", args=[investigating.pk])).content.decode()
    assert process.report.number in page


def test_permissions_on_every_view(client, investigating, alice, bob, charlie, police, auditor, subject):
    violation = add(investigating, bob, subject)
    task = pending_task(investigating, InvestigationFlow.findings)
    posts = [
        (reverse("investigation-assign", args=[investigating.pk]), {"investigators": [bob.pk]}),
        (reverse("violation-add", args=[investigating.pk]), {}),
        (reverse("violation-remove", args=[violation.pk]), {}),
        (reverse("investigation-task", args=[task.pk]), {"summary": "x"}),
    ]
    task_url = reverse("investigation-task", args=[task.pk])
    for url, data in posts:
        assert client.post(url, data)["Location"].startswith("/accounts/login/")
    for outsider in (charlie, police):
        client.force_login(outsider)
        assert client.get(task_url).status_code == 404
        for url, data in posts:
            assert client.post(url, data).status_code == 404, url
    client.force_login(auditor)
    assert client.get(task_url).status_code == 200
    assert client.get(reverse("case-detail", args=[investigating.pk])).status_code == 200
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    client.force_login(bob)
    assert client.get(reverse("violation-add", args=[investigating.pk])).status_code == 405
    assert Violation.objects.filter(pk=violation.pk).exists()


def test_my_tasks_lists_the_investigation_task(client, investigating, alice, bob, charlie, lyg_bureau):
    task = pending_task(investigating, InvestigationFlow.findings)
    link = reverse("investigation-task", args=[task.pk])
    client.force_login(bob)
    assert link in client.get(reverse("task-list")).content.decode()
    client.force_login(charlie)
    assert link not in client.get(reverse("task-list")).content.decode()
    # An investigator of the agency who is not assigned does not get it either.
    other = UserFactory(username="bob3", agency=lyg_bureau, roles=[Role.INVESTIGATOR])
    client.force_login(other)
    assert link not in client.get(reverse("task-list")).content.decode()


def test_my_tasks_query_count_is_flat(client, make_lead, alice, bob, bob2, subject, django_assert_max_num_queries):
    def open_and_assign():
        case = triage_decide(lead=make_lead(), by=alice, decision="open").case
        investigation_assign(case=case, by=alice, investigators=[bob, bob2])

    open_and_assign()
    client.force_login(bob)
    with django_assert_max_num_queries(14) as one:
        client.get(reverse("task-list"))
    for _ in range(5):
        open_and_assign()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("task-list"))
    assert len(response.context["investigation_tasks"]) == 6


def test_case_page_queries_stay_flat_under_investigation(
    client, investigating, alice, bob, bob2, subject, other_subject, django_assert_max_num_queries
):
    collect(investigating, bob, [bob, bob2])
    add(investigating, bob, subject)
    client.force_login(alice)
    url = reverse("case-detail", args=[investigating.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    for index in range(6):
        add(investigating, bob, subject if index % 2 else other_subject, description=f"违规{index}")
        collect(investigating, bob, [bob, bob2])
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("违规") >= 6


def test_case_api_has_investigators_status_and_totals(api_as, api, investigating, alice, bob, bob2, subject, charlie):
    add(investigating, bob, subject)
    data = api_as(alice).get(f"/api/v1/cases/{investigating.pk}/").json()
    assert {i["username"] for i in data["investigators"]} == {"bob", "bob2"}
    assert {i["name"] for i in data["investigators"]} == {"李明", "孙伟"}
    assert data["investigation_status"] == "collecting_findings"
    assert data["totals"] == {"amount": "12000.50", "fund_loss": "9000.00", "patient_money": "300.25"}
    assert api.get(f"/api/v1/cases/{investigating.pk}/").status_code == 401
    assert api_as(charlie).get(f"/api/v1/cases/{investigating.pk}/").status_code == 404


def test_case_api_before_assignment(api_as, case, alice):
    data = api_as(alice).get(f"/api/v1/cases/{case.pk}/").json()
    assert data["investigators"] == [] and data["investigation_status"] is None
    assert data["totals"] == {"amount": "0.00", "fund_loss": "0.00", "patient_money": "0.00"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_submitting_the_findings_at_once_one_wins(investigating, alice, bob, bob2, subject):
    from tests.factories import on_postgres
    from tests.test_concurrency_pg import run_together

    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")
    collect(investigating, bob, [bob, bob2])
    add(investigating, bob, subject)
    results = run_together(
        [
            lambda: investigation_findings_done(case=investigating, by=bob, summary="甲"),
            lambda: investigation_findings_done(case=investigating, by=alice, summary="乙"),
        ]
    )
    winners = [r for r in results if isinstance(r, InvestigationProcess)]
    losers = [r for r in results if isinstance(r, AlreadyDecided)]
    assert len(winners) == 1 and len(losers) == 1, results
    process = InvestigationProcess.objects.get()
    assert process.findings_done_by_id == winners[0].findings_done_by_id
    assert process.report_summary == winners[0].report_summary
    assert InvestigationProcess.objects.get().task_set.filter(flow_task=InvestigationFlow.report).count() == 1
