"""The triage flow end to end: registered → inbox with deadline → dismiss | merge | open case."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from casework.errors import AlreadyDecided, InvalidInput
from casework.models import Case, Lead
from documents.models import Document
from tests.factories import SubjectFactory
from workflows.selectors import triage_inbox
from workflows.triage import TriageFlow, triage_decide

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_registration_creates_a_triage_task_due_in_15_working_days(make_lead, alice):
    with time_machine.travel(datetime.datetime(2026, 9, 21, 9, 0, tzinfo=SHANGHAI), tick=False):
        lead = make_lead()
    assert lead.status == Lead.Status.PENDING
    assert lead.deadline == datetime.date(2026, 10, 19)  # across the National Day holiday
    task = Task.objects.get(process__triageprocess__lead=lead, flow_task=TriageFlow.triage)
    assert task.status == STATUS.NEW
    assert task.owner_permission == "casework.triage_lead"
    inbox = list(triage_inbox(user=alice))
    assert [(row.pk, row.task_id) for row in inbox] == [(lead.pk, task.pk)]


def test_inbox_is_ordered_by_deadline_and_flags_overdue(make_lead, alice):
    old = make_lead(title="旧线索", received_at=timezone.now() - datetime.timedelta(days=40))
    new = make_lead(title="新线索")
    inbox = list(triage_inbox(user=alice))
    assert [lead.pk for lead in inbox] == [old.pk, new.pk]
    assert inbox[0].is_overdue and not inbox[1].is_overdue


def test_open_case_numbers_the_case_and_issues_the_form(lead, alice, bob, charlie, police):
    lead = triage_decide(lead=lead, by=alice, decision="open")
    case = lead.case
    year = timezone.localdate().year
    assert lead.status == Lead.Status.OPENED and lead.decided_by == alice
    assert case.number == f"连医保立〔{year}〕1号" and case.status == Case.Status.OPENED
    assert list(case.subjects.all()) == list(lead.subjects.all())
    assert case.deadlines.get(step="penalty_decision").due == timezone.localdate() + datetime.timedelta(days=90)
    form = Document.objects.get(case=case)
    assert form.title == "立案审批表" and form.number == f"连医保立审〔{year}〕1号"
    # The investigator of the same bureau sees the case; another city's head and the police do not.
    assert Case.objects.visible_to(bob).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(charlie).exists()
    assert not Case.objects.visible_to(police).exists()
    process = lead.triage_process
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert not triage_inbox(user=alice).exists()


def test_case_numbers_are_consecutive(make_lead, alice):
    numbers = [triage_decide(lead=make_lead(), by=alice, decision="open").case.sequence for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_dismiss_requires_a_reason_and_writes_nothing_without_it(lead, alice):
    with pytest.raises(InvalidInput) as error:
        triage_decide(lead=lead, by=alice, decision="dismiss", reason="  ")
    assert "reason" in error.value.errors
    lead.refresh_from_db()
    assert lead.status == Lead.Status.PENDING and not Document.objects.exists()
    assert triage_inbox(user=alice).filter(pk=lead.pk).exists()


def test_dismiss_issues_the_notice(lead, alice):
    lead = triage_decide(lead=lead, by=alice, decision="dismiss", reason="反映问题查无实据。")
    assert lead.status == Lead.Status.DISMISSED and lead.decision_reason == "反映问题查无实据。"
    notice = Document.objects.get(lead=lead)
    assert notice.title == "不予立案告知书" and notice.context["reason"] == "反映问题查无实据。"


def test_merge_into_an_open_case_of_the_same_subject(make_lead, alice, other_subject):
    case = triage_decide(lead=make_lead(), by=alice, decision="open").case
    second = make_lead(title="同一医院又被举报", subjects=[case.subjects.first(), other_subject])
    second = triage_decide(lead=second, by=alice, decision="merge", case=case)
    assert second.status == Lead.Status.MERGED and second.case == case
    assert set(case.subjects.all()) >= {other_subject}
    assert set(case.leads.all()) == {second, Lead.objects.get(case=case, status=Lead.Status.OPENED)}


def test_merge_refuses_a_case_without_a_shared_subject_or_a_withdrawn_case(make_lead, alice, lyg_region):
    from casework.services import case_withdraw

    case = triage_decide(lead=make_lead(), by=alice, decision="open").case
    stranger = SubjectFactory(region=lyg_region)
    unrelated = make_lead(subjects=[stranger])
    with pytest.raises(InvalidInput):
        triage_decide(lead=unrelated, by=alice, decision="merge", case=case)
    case_withdraw(case=case, by=alice, reason="证据不足")
    same_subject = make_lead()
    with pytest.raises(InvalidInput):
        triage_decide(lead=same_subject, by=alice, decision="merge", case=case)
    with pytest.raises(InvalidInput):
        triage_decide(lead=same_subject, by=alice, decision="merge", case=None)


def test_a_decided_lead_cannot_be_decided_again(lead, alice, alice2):
    triage_decide(lead=lead, by=alice, decision="open")
    with pytest.raises(AlreadyDecided):
        triage_decide(lead=lead, by=alice2, decision="dismiss", reason="重复")
    assert Case.objects.count() == 1 and Document.objects.count() == 1


def test_a_failing_service_rolls_back_the_task(lead, alice, monkeypatch):
    """A failure inside the flow leaves the task open and nothing written."""
    from casework import services

    def broken(**kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(services, "document_issue", broken)
    with pytest.raises(RuntimeError):
        triage_decide(lead=lead, by=alice, decision="open")
    lead.refresh_from_db()
    assert lead.status == Lead.Status.PENDING and not Case.objects.exists()
    task = Task.objects.get(process__triageprocess__lead=lead, flow_task=TriageFlow.triage)
    assert task.status == STATUS.NEW


def test_register_validates_fields(lyg_bureau, alice):
    from workflows.triage import triage_start

    with pytest.raises(InvalidInput) as error:
        triage_start(agency=lyg_bureau, source_kind="rumour", title="", description="", subjects=[], by=alice)
    assert set(error.value.errors) == {"source_kind", "title", "description", "subjects"}
    assert not Lead.objects.exists()


def test_a_decision_taken_earlier_on_paper_is_recorded_with_its_date(make_lead, alice):
    received = timezone.now() - datetime.timedelta(days=120)
    lead = make_lead(received_at=received)
    decided = received + datetime.timedelta(days=5)
    case = triage_decide(lead=lead, by=alice, decision="open", at=decided).case
    assert case.opened_at == decided and case.leads.get().decided_at == decided
    assert case.deadlines.get().due == timezone.localdate(decided) + datetime.timedelta(days=90)
    assert Case.objects.overdue().filter(pk=case.pk).exists()


def test_a_decision_date_outside_receipt_and_today_is_refused(make_lead, alice):
    lead = make_lead(received_at=timezone.now() - datetime.timedelta(days=10))
    for at in (timezone.now() - datetime.timedelta(days=11), timezone.now() + datetime.timedelta(days=1)):
        with pytest.raises(InvalidInput) as error:
            triage_decide(lead=lead, by=alice, decision="open", at=at)
        assert "decided_at" in error.value.errors
    lead.refresh_from_db()
    assert lead.status == Lead.Status.PENDING


def test_the_flow_entry_checks_the_triage_permission(lead, bob):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        triage_decide(lead=lead, by=bob, decision="open")
