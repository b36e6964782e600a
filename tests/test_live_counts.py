"""GET /live/counts/: the nav badges' numbers — the user's open tasks as My tasks lists them, and the unread
reporter messages of an intake clerk; nothing for anonymous users; and pages carry the live script."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from config.live_counts import counts_for, open_task_count, register_counter
from intake.models import ReportMessage
from intake.selectors import inbox_counts
from organisation.roles import Role
from penalties.selectors import penalty_inbox
from penalties.services import penalty_start
from tests.agreement_fixtures import *  # noqa: F403
from tests.factories import UserFactory
from workflows.investigation import investigation_assign
from workflows.selectors import investigation_inbox, triage_inbox
from workflows.templatetags.outcome_tags import outcome_tasks
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db


def my_tasks_rows(user) -> int:
    """How many rows the sections of My tasks list for user (the selectors the page uses)."""
    from agreements.selectors import agreement_inbox

    context = {"request": SimpleNamespace(user=user)}
    return (
        triage_inbox(user=user).count()
        + len(investigation_inbox(user=user))
        + len(outcome_tasks(context)["tasks"])
        + len(agreement_inbox(user=user))
        + len(penalty_inbox(user=user))
    )


@pytest.fixture
def everyone(people, lyg_bureau):
    return {
        **people,
        "alice2": UserFactory(username="alice2", agency=lyg_bureau, roles=[Role.SECTION_HEAD]),
        "bob2": UserFactory(username="bob2", agency=lyg_bureau, roles=[Role.INVESTIGATOR]),
        "legal": UserFactory(username="legal", agency=lyg_bureau, roles=[Role.LEGAL_REVIEWER]),
        "director": UserFactory(username="director", agency=lyg_bureau, roles=[Role.DIRECTOR]),
        "finance": UserFactory(username="finance", agency=lyg_bureau, roles=[Role.FINANCE]),
    }


def test_the_task_count_is_what_my_tasks_lists_for_everyone(everyone, make_lead, action, handling_case, subject):
    alice, bob = everyone["alice"], everyone["bob"]
    # Open triage tasks, an investigation with findings to record, the agreement draft and a penalty notice.
    make_lead(title="待研判")
    make_lead(title="另一条")
    case = triage_decide(lead=make_lead(), by=alice, decision="open").case
    investigation_assign(case=case, by=alice, investigators=[bob, everyone["bob2"]])
    penalty_start(case=handling_case, subject=subject, by=alice)
    counts = {name: open_task_count(user) for name, user in everyone.items()}
    assert counts == {name: my_tasks_rows(user) for name, user in everyone.items()}
    # Triage ×2, the penalty notice; bob also has the findings of two cases; the managers the draft.
    assert counts["alice"] >= 3 and counts["bob"] >= 3 and counts["manager"] == 1
    assert counts["charlie"] == counts["auditor"] == counts["police"] == counts["cz_manager"] == 0


def test_unread_reporter_messages_count_for_clerks(clerk, alice, cz_clerk, anonymous_report):
    ReportMessage.objects.create(report=anonymous_report, sender=ReportMessage.Sender.REPORTER, body="新情况")
    assert counts_for(clerk)["messages"] == inbox_counts(user=clerk)["messages"] == 1
    assert counts_for(cz_clerk)["messages"] == 0
    assert counts_for(alice)["messages"] == 0  # messages are the clerks' work
    anonymous_report.messages.update(read_at="2026-01-01T00:00:00Z")
    assert counts_for(clerk)["messages"] == 0


def test_endpoint_for_a_signed_in_user(client, alice, lead, django_assert_max_num_queries):
    client.force_login(alice)
    client.get(reverse("live-counts"))  # permission ids are looked up once per process
    # Session, user, the user's groups and roles, one COUNT per counter (tasks, referrals, rewards, assists;
    # none for messages: not a clerk).
    with django_assert_max_num_queries(8):
        response = client.get(reverse("live-counts"))
    assert response.status_code == 200
    assert response.json()["tasks"] == 1 and response.json()["messages"] == 0
    assert "no-cache" in response["Cache-Control"]


def test_another_agency_sees_nothing_and_anonymous_is_sent_to_log_in(client, charlie, lead):
    client.force_login(charlie)
    assert client.get(reverse("live-counts")).json()["tasks"] == 0
    client.logout()
    response = client.get(reverse("live-counts"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.post(reverse("live-counts")).status_code in (302, 405)


def test_apps_register_their_own_counters(client, alice, monkeypatch):
    from config import live_counts

    monkeypatch.setattr(live_counts, "_counters", dict(live_counts._counters))
    register_counter("referrals", lambda user: 4 if user.pk == alice.pk else 0)
    client.force_login(alice)
    assert client.get(reverse("live-counts")).json()["referrals"] == 4


def test_signed_in_pages_load_the_live_script_without_extra_queries(
    client, alice, make_lead, django_assert_max_num_queries
):
    for _ in range(3):
        make_lead()
    client.force_login(alice)
    # The same budget as tests/test_web_pages.py pins for My tasks: the badges cost the page nothing.
    with django_assert_max_num_queries(16):
        page = client.get(reverse("task-list")).content.decode()
    assert "js/live.js" in page and 'data-live-count="tasks"' in page and 'data-live-region="task.assigned"' in page
    client.logout()
    assert "js/live.js" not in client.get(reverse("login")).content.decode()


@pytest.fixture
def anonymous_report(lyg_region, subject):
    from intake.submission import report_submit

    return report_submit(
        region_code=lyg_region.code,
        subject_kind=subject.kind,
        subject_name=subject.name,
        description="药店用医保卡刷生活用品，收银员说可以这样结算。",
    ).report
