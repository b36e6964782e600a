"""task.assigned (workflows.task_events): who is told about a new human task, with which title and URL,
and only once the transaction commits. The socket itself is tested in tests/test_notifications_ws.py."""

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from organisation.models import User
from organisation.roles import Role
from penalties.services import penalty_start
from tests.agreement_fixtures import *  # noqa: F403
from tests.factories import UserFactory
from tests.referral_support import lyg_procuratorate, police2, prosecutor, referral_case, sent_referral  # noqa: F401
from workflows import task_events
from workflows.agreement import AgreementFlow
from workflows.investigation import InvestigationFlow, investigation_assign
from workflows.penalty import PenaltyFlow
from workflows.triage import OPEN_TASK_STATUSES, TriageFlow, triage_decide

pytestmark = pytest.mark.django_db


def open_task(node, **lookup) -> Task:
    return Task.objects.get(flow_task=node, status__in=OPEN_TASK_STATUSES, **lookup)


def told(task: Task) -> set[str]:
    snapshot = task_events.TaskSnapshot.of(task)
    return set(User.objects.filter(pk__in=task_events.recipients(snapshot)).values_list("username", flat=True))


@pytest.fixture
def captured(monkeypatch):
    """Events notify_users would send: (user ids, event)."""
    events = []
    monkeypatch.setattr("config.live.notify_users", lambda users, **event: events.append((sorted(users), event)))
    return events


@pytest.fixture
def bob2(lyg_bureau):
    return UserFactory(username="bob2", first_name="孙伟", agency=lyg_bureau, roles=[Role.INVESTIGATOR])


@pytest.fixture
def director(lyg_bureau):
    return UserFactory(username="director", first_name="局长", agency=lyg_bureau, roles=[Role.DIRECTOR])


@pytest.fixture
def legal(lyg_bureau):
    return UserFactory(username="legal", first_name="法审", agency=lyg_bureau, roles=[Role.LEGAL_REVIEWER])


class TestRecipients:
    def test_triage_goes_to_the_agency_users_who_triage(self, lead, alice, alice2, director, bob, charlie, auditor):
        task = open_task(TriageFlow.triage, process__triageprocess__lead=lead)
        assert told(task) == {"alice", "alice2", "director"}

    def test_inactive_users_are_not_told(self, lead, alice, alice2):
        alice2.is_active = False
        alice2.save(update_fields=["is_active"])
        assert told(open_task(TriageFlow.triage, process__triageprocess__lead=lead)) == {"alice"}

    def test_a_task_with_an_owner_goes_to_the_owner_alone(self, lead, alice, alice2):
        task = open_task(TriageFlow.triage, process__triageprocess__lead=lead)
        Task.objects.filter(pk=task.pk).update(owner=alice2, status=STATUS.ASSIGNED)
        task.refresh_from_db()
        assert told(task) == {"alice2"}

    def test_a_task_no_longer_waiting_tells_nobody(self, lead, alice, alice2):
        task = open_task(TriageFlow.triage, process__triageprocess__lead=lead)
        snapshot = task_events.TaskSnapshot.of(task)
        triage_decide(lead=lead, by=alice, decision="open")
        assert task_events.recipients(snapshot) == []

    def test_findings_go_to_the_assigned_investigators_report_to_the_deciders(
        self, make_lead, alice, alice2, bob, bob2, charlie, auditor
    ):
        case = triage_decide(lead=make_lead(), by=alice, decision="open").case
        process = investigation_assign(case=case, by=alice, investigators=[bob, alice2])
        assert told(open_task(InvestigationFlow.findings, process=process)) == {"bob", "alice2"}

    def test_agreement_tasks_go_to_the_handling_agencys_managers(self, action, manager, manager2, cz_manager, alice):
        task = open_task(AgreementFlow.draft, process__agreementprocess__action=action)
        assert told(task) == {"manager", "manager2"}

    def test_penalty_tasks_go_to_the_holders_of_the_nodes_permission(
        self, handling_case, subject, people, alice, bob, bob2, legal, director, finance_user
    ):
        penalty = penalty_start(case=handling_case, subject=subject, by=alice)
        task = open_task(PenaltyFlow.notice, process__penaltyprocess__penalty=penalty)
        # change_penalty: investigators and section heads; not the legal reviewer, the director, finance,
        # the auditor or another city's section head.
        assert told(task) == {"alice", "bob", "bob2"}


@pytest.fixture
def finance_user(lyg_bureau):
    return UserFactory(username="finance", first_name="财务", agency=lyg_bureau, roles=[Role.FINANCE])


class TestTitleAndUrl:
    def test_each_flow_has_its_own_task_page(self, make_lead, action, alice, bob):
        lead = make_lead()
        triage = open_task(TriageFlow.triage, process__triageprocess__lead=lead)
        assert task_events.task_url(triage) == reverse("triage-task", args=[triage.pk])
        case = triage_decide(lead=make_lead(), by=alice, decision="open").case
        findings = open_task(
            InvestigationFlow.findings,
            process=investigation_assign(case=case, by=alice, investigators=[alice, bob]),
        )
        assert task_events.task_url(findings) == reverse("investigation-task", args=[findings.pk])
        draft = open_task(AgreementFlow.draft, process__agreementprocess__action=action)
        assert task_events.task_url(draft) == reverse("agreement-task", args=[draft.pk])

    def test_title_names_the_step_and_the_object(self, action, subject, handling_case):
        draft = open_task(AgreementFlow.draft, process__agreementprocess__action=action)
        title = task_events.task_title(draft.flow_task, action)
        assert handling_case.number in title and subject.name in title
        assert task_events.step_label(draft.flow_task) in title


class TestAfterCommit:
    def test_announced_once_on_commit_with_title_and_url(
        self, make_lead, alice, alice2, captured, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            lead = make_lead(title="疑似挂床住院")
        task = open_task(TriageFlow.triage, process__triageprocess__lead=lead)
        assert captured == [
            (
                sorted([alice.pk, alice2.pk]),
                {
                    "event_type": "task.assigned",
                    "id": task.pk,
                    "title": task_events.task_title(TriageFlow.triage, lead),
                    "url": reverse("triage-task", args=[task.pk]),
                },
            )
        ]
        assert "疑似挂床住院" in captured[0][1]["title"]

    def test_whoever_completes_a_task_is_not_told_about_it(
        self, lead, alice, alice2, bob, captured, django_capture_on_commit_callbacks
    ):
        # alice takes and completes the triage task (assigned to herself on the way): nothing about it.
        with django_capture_on_commit_callbacks(execute=True):
            triage_decide(lead=lead, by=alice, decision="dismiss", reason="经核查，未发现违规事实。")
        assert captured == []

    def test_a_failing_lookup_does_not_break_the_commit(
        self, make_lead, alice, monkeypatch, django_capture_on_commit_callbacks
    ):
        def broken(snapshot):
            raise RuntimeError("channel layer down")

        monkeypatch.setattr(task_events, "announce", broken)
        with django_capture_on_commit_callbacks(execute=True):
            lead = make_lead()
        assert lead.pk is not None


class TestReferralFlow:
    """The referral flow (workflows/referral.py) needs nothing here: the same mechanism reads its nodes."""

    def test_the_receipt_task_goes_to_the_receiving_liaisons_with_the_referral_page(self, sent_referral, charlie):  # noqa: F811
        from workflows.referral import ReferralFlow

        task = open_task(ReferralFlow.receipt, process__referralprocess__referral=sent_referral)
        # The police liaisons of the receiving agency; not the sending bureau's officers, nor another city's.
        assert told(task) == {"police", "police2"}
        assert task_events.task_url(task) == reverse("referral-task", args=[task.pk])
        assert str(sent_referral) in task_events.task_title(task.flow_task, sent_referral)
