"""The agreement track's deadlines: reminded once to the handling agency's agreement managers (not the
bureau), overdue in the case queries, and the track handed back to the outcome flow when done."""

import datetime

import time_machine
from django.utils import timezone

from agreements.models import AgreementMeasure
from agreements.services import measure_add
from agreements.steps import agreement_decide, agreement_issue_notice
from casework.models import Case
from tests.agreement_fixtures import *  # noqa: F403
from workflows.models import Reminder
from workflows.reminders import send_reminders

CLAUSES = "《服务协议》第二十一条"


def issue(action, manager):
    measure_add(action=action, by=manager, kind=AgreementMeasure.Kind.CRITICISM, summary="")
    return agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)


def test_statement_deadline_reminds_the_agreement_managers_once(action, manager, manager2, alice, monkeypatch):
    events = []
    monkeypatch.setattr("workflows.reminders.notify_users", lambda users, **event: events.append((users, event)))
    action = issue(action, manager)
    sent = send_reminders(today=action.statement_due)
    recipients = {user_id for users, _ in events for user_id in users}
    assert sent == 2 and recipients == {manager.pk, manager2.pk}
    assert all(event["url"] == f"/agreements/{action.pk}/" for _, event in events)
    assert action.subject.name in events[0][1]["title"]
    assert alice.pk not in recipients
    assert send_reminders(today=action.statement_due) == 0
    assert Reminder.objects.filter(kind="case_deadline").count() == 2


def test_an_overdue_statement_window_makes_the_case_overdue(action, manager, alice, api_as):
    action = issue(action, manager)
    assert not Case.objects.overdue().filter(pk=action.case_id).exists()
    later = action.statement_due + datetime.timedelta(days=1)
    assert Case.objects.overdue(today=later).filter(pk=action.case_id).exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=20), tick=True):
        ids = [row["id"] for row in api_as(alice).get("/api/v1/cases/", {"overdue": "true"}).json()["results"]]
        assert action.case_id in ids
        agreement_decide(action=action, by=manager, decision="confirm")
        ids = [row["id"] for row in api_as(alice).get("/api/v1/cases/", {"overdue": "true"}).json()["results"]]
        assert action.case_id not in ids


def test_the_outcome_flow_hears_when_the_agreement_track_is_done(
    make_lead, people, alice, bob, manager, subject, pharmacy, lyg_agency, django_capture_on_commit_callbacks
):
    """The real path: investigation → outcome decision (agreement track for two subjects) → both done."""
    from casework import evidence as evidence_services
    from casework.models import CaseTrack, Evidence
    from tests.agreement_fixtures import add_violation
    from workflows.investigation import investigation_assign, investigation_close, investigation_findings_done
    from workflows.outcome import OutcomeChoice, OutcomeFlow, outcome_decide, pending_task
    from workflows.triage import triage_decide

    case = triage_decide(lead=make_lead(subjects=[subject, pharmacy]), by=alice, decision="open").case
    investigation_assign(case=case, by=alice, investigators=[alice, bob])
    add_violation(case, bob, subject)
    add_violation(case, bob, pharmacy, amount="3000.00", fund_loss="3000.00", number=1)
    evidence_services.evidence_register(
        case=case,
        by=bob,
        collected_by=[alice, bob],
        kind=Evidence.Kind.DOCUMENTARY,
        title="费用清单",
        collected_at=timezone.now() - datetime.timedelta(hours=1),
        place="病案室",
    )
    investigation_findings_done(case=case, by=bob, summary="查实虚记费用")
    investigation_close(case=case, by=alice, conclusion="建议协议处理")
    outcome_decide(case=case, by=alice, choice=OutcomeChoice(agreement_subjects=[subject, pharmacy]))
    actions = list(case.agreement_actions.order_by("pk"))
    assert [a.subject for a in actions] == [subject, pharmacy]
    assert all(a.agency == lyg_agency for a in actions)
    for each in actions:
        issue(each, manager)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=20), tick=True):
        agreement_decide(action=actions[0], by=manager, decision="confirm")
        assert CaseTrack.objects.get(case=case, kind="agreement").finished_at is None
        agreement_decide(action=actions[1], by=manager, decision="confirm")
    assert CaseTrack.objects.get(case=case, kind="agreement").finished_at is not None
    assert pending_task(case, OutcomeFlow.close) is not None
