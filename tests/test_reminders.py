"""Deadline reminders fire once per deadline and user, to those who must act, without anyone clicking."""

import datetime

import pytest
from asgiref.sync import async_to_sync
from django.core.management import call_command
from django.utils import timezone

from casework.models import Deadline
from workflows.models import Reminder
from workflows.reminders import NEAR_DAYS, send_reminders
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(monkeypatch, django_capture_on_commit_callbacks):
    sent = []

    def capture(user_ids, **event):
        sent.extend((user_id, event) for user_id in user_ids)

    monkeypatch.setattr("workflows.reminders.notify_users", capture)
    return sent


def _near(lead):
    lead.deadline = timezone.localdate() + datetime.timedelta(days=NEAR_DAYS)
    lead.save(update_fields=["deadline"])
    return lead


def test_a_near_lead_decision_is_reminded_once_to_its_deciders(lead, alice, alice2, bob, charlie, events):
    _near(lead)
    assert send_reminders() == 2
    assert sorted(user for user, _ in events) == sorted([alice.pk, alice2.pk])
    event = events[0][1]
    assert event["event_type"] == "deadline.near" and event["id"] == lead.pk and event["url"] == f"/leads/{lead.pk}/"
    assert send_reminders() == 0 and len(events) == 2


def test_nothing_is_sent_for_distant_or_decided_deadlines(lead, make_lead, alice, events):
    assert send_reminders() == 0  # 15 working days away
    decided = _near(make_lead())
    triage_decide(lead=decided, by=alice, decision="dismiss", reason="查无实据")
    assert send_reminders() == 0 and events == []


def test_an_extended_deadline_is_reminded_again(lead, alice, events):
    case = triage_decide(lead=lead, by=alice, decision="open").case
    deadline = Deadline.objects.get(case=case, step="penalty_decision")
    deadline.due = timezone.localdate() + datetime.timedelta(days=1)
    deadline.save(update_fields=["due"])
    assert send_reminders() == 1 and events[0][1]["url"] == f"/cases/{case.pk}/"
    deadline.due += datetime.timedelta(days=30)
    deadline.save(update_fields=["due"])
    with_extension = timezone.localdate() + datetime.timedelta(days=31 - NEAR_DAYS)
    assert send_reminders(today=with_extension) == 1
    assert Reminder.objects.filter(kind="case_deadline", object_id=deadline.pk).count() == 2


def test_clerks_are_reminded_of_result_notices(lyg_bureau, clerk, alice, subject, events):
    from intake.submission import report_submit

    report = report_submit(
        agency=lyg_bureau,
        channel="letter",
        subject_kind=subject.kind,
        subject_name=subject.name,
        subject_code=subject.code,
        description="来信反映医院虚构住院服务。",
        anonymous=False,
        reporter={"name": "李雷", "phone": "13800001111"},
        by=clerk,
    ).report
    triage_decide(lead=report.lead, by=alice, decision="dismiss", reason="查无实据")
    sent = send_reminders(today=timezone.localdate() + datetime.timedelta(days=5))
    assert (clerk.pk, "reporter_notice") in {
        (user, "reporter_notice") for user, event in events if event["id"] == report.pk
    }
    assert sent >= 1


def test_the_command_sends_and_reports(lead, alice, capsys, events):
    _near(lead)
    call_command("send_reminders")
    assert "1" in capsys.readouterr().out


def test_the_server_runs_reminders_on_its_own(monkeypatch):
    """The ASGI wrapper answers lifespan and runs the job in the background when an interval is set."""
    import asyncio

    from config.scheduler import ReminderLoop

    calls = []
    monkeypatch.setattr("workflows.reminders.send_reminders", lambda: calls.append(1) or 0)
    # The job closes stale connections around each round; here that would be the test's own connection.
    monkeypatch.setattr("django.db.close_old_connections", lambda: None)

    async def run():
        messages = asyncio.Queue()
        for kind in ("lifespan.startup", "lifespan.shutdown"):
            messages.put_nowait({"type": kind})
        answers = []

        async def receive():
            if messages.qsize() == 1:
                await asyncio.sleep(0.2)  # let the loop run once before shutdown
            return await messages.get()

        async def send(message):
            answers.append(message["type"])

        await ReminderLoop(None, interval=3600)({"type": "lifespan"}, receive, send)
        return answers

    assert async_to_sync(run)() == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert calls == [1]
