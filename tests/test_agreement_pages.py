"""协议处理 pages: the agreement manager's inbox, action and task pages, the notice PDF, the bureau's case
panel; who sees and who acts on each; query counts pinned."""

import datetime
import re
from decimal import Decimal

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementAction, AgreementMeasure
from agreements.services import agreement_start, measure_add, pending_task
from agreements.steps import agreement_issue_notice
from casework.models import Violation
from documents.models import Document
from organisation.models import User
from organisation.roles import Role
from tests.agreement_fixtures import *  # noqa: F403
from tests.agreement_fixtures import item
from tests.factories import SubjectFactory, UserFactory

Kind = AgreementMeasure.Kind
CLAUSES = "《服务协议》第二十一条"


def login(client, user):
    client.force_login(user)
    return client


def more_actions(case, by, count, lyg_region, *, issue_by=None):
    """count more pharmacies of the case, each with a finding and agreement sanctions; every other one notified."""
    actions = []
    for index in range(count):
        pharmacy = SubjectFactory(region=lyg_region, kind="pharmacy", name=f"药房{index}", code=f"P9{index:05d}")
        case.subjects.add(pharmacy)
        Violation.objects.create(
            case=case, subject=pharmacy, item=item(1, "pharmacy"), amount=Decimal("1000"), fund_loss=Decimal("800")
        )
        action = agreement_start(case=case, subject=pharmacy, by=by)
        if issue_by is not None and index % 2 == 0:
            measure_add(action=action, by=issue_by, kind=Kind.RECOVERY, amount="800")
            agreement_issue_notice(action=action, by=issue_by, clauses=CLAUSES)
        actions.append(action)
    return actions


class TestActionPage:
    def test_who_sees_it(self, client, action, people):
        url = reverse("agreement-detail", args=[action.pk])
        expected = {
            "manager": 200,
            "alice": 200,
            "bob": 200,
            "auditor": 200,
            "charlie": 404,
            "cz_manager": 404,
            "police": 404,
            "clerk": 404,
        }
        for name, status in expected.items():
            client.force_login(people[name])
            assert client.get(url).status_code == status, name
        client.logout()
        assert client.get(url)["Location"].startswith(reverse("login"))
        assert client.get(reverse("agreement-detail", args=[999999])).status_code == 302

    def test_shows_the_subjects_findings_never_the_rest_of_the_case(self, client, action, manager):
        body = login(client, manager).get(reverse("agreement-detail", args=[action.pk])).content.decode()
        assert action.subject.name in body and action.case.number in body and action.case.title in body
        assert "25,000.00" in body and "20,000.00" in body  # the hospital's findings, in total
        assert "3,000.00" not in body  # the pharmacy's finding in the same case
        assert "智能监控发现" not in body  # the lead's description
        assert reverse("case-detail", args=[action.case_id]) not in body
        # And the manager cannot open the case itself.
        assert client.get(reverse("case-detail", args=[action.case_id])).status_code == 404

    def test_a_suspended_subject_shows_as_suspended(self, client, action, manager, subject, alice):
        from casework.suspensions import suspension_record

        suspension_record(
            subject=subject,
            case=action.case,
            scope="services",
            source="agreement",
            starts_on=timezone.localdate(),
            months=6,
            basis="违约处理通知书",
            by=alice,
        )
        body = login(client, manager).get(reverse("agreement-detail", args=[action.pk])).content.decode()
        assert "badge-warning" in body


class TestTaskPages:
    def test_the_manager_drafts_issues_and_decides_through_the_pages(self, client, action, manager):
        login(client, manager)
        task = pending_task(action)
        url = reverse("agreement-task", args=[task.pk])
        page = client.get(url)
        assert page.status_code == 200 and 'name="op" value="issue"' in page.content.decode()

        # A measure with a mistake shows the error on its form.
        response = client.post(
            url, {"op": "add_measure", "kind": "liquidated_damages", "liquidated_damages-amount": "1"}
        )
        assert response.status_code == 200
        assert "违约责任条款" in response.content.decode()
        assert not action.measures.exists()

        response = client.post(
            url,
            {
                "op": "add_measure",
                "kind": "suspension",
                "suspension-months": "6",
                "suspension-starts_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            },
        )
        assert response.status_code == 302 and action.measures.get().kind == "suspension"
        response = client.post(url, {"op": "issue", "notice_form-clauses": CLAUSES})
        assert response.status_code == 200  # the notice form has no prefix; the field is required
        response = client.post(url, {"op": "issue", "clauses": CLAUSES})
        assert response.status_code == 302 and response["Location"] == reverse("agreement-detail", args=[action.pk])
        action.refresh_from_db()
        assert action.status == AgreementAction.Status.STATEMENT and action.notice is not None

        # The draft task is finished: a second submission says so.
        response = client.post(url, {"op": "issue", "clauses": CLAUSES}, follow=True)
        assert response.redirect_chain and "已" in response.content.decode() or "already" in response.content.decode()

        statement = pending_task(action)
        url = reverse("agreement-task", args=[statement.pk])
        response = client.post(url, {"op": "decide", "decision": "confirm"})
        assert response.status_code == 200 and action.statement_due.isoformat() in response.content.decode()
        response = client.post(
            url,
            {"op": "statement", "received_on": timezone.localdate().isoformat(), "text": "我院已整改，请求从轻处理"},
        )
        assert response.status_code == 302
        response = client.post(url, {"op": "decide", "decision": "confirm"})
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.status == AgreementAction.Status.DONE

    def test_others_read_or_get_nothing(self, client, action, people):
        task = pending_task(action)
        url = reverse("agreement-task", args=[task.pk])
        post = {"op": "add_measure", "kind": "criticism", "criticism-summary": ""}
        for name in ("alice", "bob", "auditor"):
            login(client, people[name])
            page = client.get(url)
            assert page.status_code == 200 and 'value="add_measure"' not in page.content.decode(), name
            assert client.post(url, post).status_code == 403, name
        for name in ("charlie", "cz_manager", "police"):
            login(client, people[name])
            assert client.get(url).status_code == 404, name
            assert client.post(url, post).status_code == 404, name
        client.logout()
        assert client.post(url, post).status_code == 302
        assert not action.measures.exists()
        login(client, people["manager"])
        assert client.post(url, post).status_code == 302
        assert action.measures.count() == 1

    def test_an_operation_of_another_step_is_refused(self, client, action, manager):
        login(client, manager)
        url = reverse("agreement-task", args=[pending_task(action).pk])
        response = client.post(url, {"op": "decide", "decision": "confirm"}, follow=True)
        assert action.status == AgreementAction.Status.DRAFTING and response.status_code == 200
        assert AgreementAction.objects.get(pk=action.pk).status == "drafting"


class TestNoticePdf:
    def test_readers_of_the_action_get_the_notice_and_nothing_else(
        self, client, action, people, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            measure_add(action=action, by=people["manager"], kind=Kind.CRITICISM, summary="")
            action = agreement_issue_notice(action=action, by=people["manager"], clauses=CLAUSES)
        url = reverse("agreement-notice-pdf", args=[action.pk, action.notice_id])
        for name, status in {"manager": 200, "alice": 200, "auditor": 200, "charlie": 404, "police": 404}.items():
            login(client, people[name])
            response = client.get(url)
            assert response.status_code == status, name
            if status == 200:
                assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
        # Another document of the case is not reachable through the action.
        other = Document.objects.filter(case=action.case).exclude(pk=action.notice_id).first()
        login(client, people["manager"])
        assert client.get(reverse("agreement-notice-pdf", args=[action.pk, other.pk])).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302


class TestListAndInbox:
    def test_list_shows_only_visible_actions(self, client, action, people):
        url = reverse("agreement-list")
        for name, visible in {
            "manager": True,
            "alice": True,
            "auditor": True,
            "charlie": False,
            "cz_manager": False,
            "police": False,
        }.items():
            body = login(client, people[name]).get(url).content.decode()
            assert (action.subject.name in body) == visible, name
        client.logout()
        assert client.get(url)["Location"].startswith(reverse("login"))
        login(client, people["manager"])
        assert client.get(url + "?status=done").status_code == 200
        assert action.subject.name not in client.get(url + "?status=done").content.decode()

    def test_inbox_lists_the_managers_tasks_with_their_due_dates(self, client, action, manager, alice):
        measure_add(action=action, by=manager, kind=Kind.CRITICISM, summary="")
        action = agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        body = login(client, manager).get(reverse("task-list")).content.decode()
        section = body[body.index('id="agreement-tasks"') :]
        assert action.subject.name in section and reverse("agreement-task", args=[pending_task(action).pk]) in section
        assert f"{action.statement_due.year}年{action.statement_due.month}月{action.statement_due.day}日" in section
        # The bureau reads the action but has no agreement tasks, its head neither.
        body = login(client, alice).get(reverse("task-list")).content.decode()
        assert 'id="agreement-tasks"' not in body
        director = UserFactory(username="director", agency=alice.agency, roles=[Role.DIRECTOR])
        body = login(client, director).get(reverse("task-list")).content.decode()
        assert 'id="agreement-tasks"' not in body

    def test_inbox_flags_overdue(self, client, action, manager):
        import time_machine

        measure_add(action=action, by=manager, kind=Kind.CRITICISM, summary="")
        agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        with time_machine.travel(timezone.now() + datetime.timedelta(days=20), tick=True):
            body = login(client, manager).get(reverse("task-list")).content.decode()
        section = body[body.index('id="agreement-tasks"') :]
        assert "badge-overdue" in section

    def test_inbox_query_count_does_not_grow_with_tasks(
        self, action, manager, alice, handling_case, lyg_region, django_assert_num_queries
    ):
        template = Template("{% load agreement_tags %}{% agreement_inbox_section %}")

        def render(user):
            request = RequestFactory().get("/tasks/")
            request.user = user
            return template.render(Context({"request": request}))

        render(User.objects.get(pk=manager.pk))  # permission ids are looked up once per process
        user = User.objects.get(pk=manager.pk)
        with django_assert_num_queries(3):  # the user's roles and groups, the tasks with their actions
            render(user)
        more_actions(handling_case, alice, 6, lyg_region, issue_by=manager)
        user = User.objects.get(pk=manager.pk)
        with django_assert_num_queries(3):
            html = render(user)
        assert html.count('class="btn btn-primary btn-small"') == 7


class TestCasePanel:
    def test_the_bureau_sees_status_measures_and_notice(self, client, action, manager, alice, auditor):
        measure_add(action=action, by=manager, kind=Kind.RECOVERY, amount="15000")
        action = agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        Document.objects.filter(pk=action.notice_id).update(sha256="0" * 64)  # as if rendered
        for user in (alice, auditor):
            body = login(client, user).get(reverse("case-detail", args=[action.case_id])).content.decode()
            panel = body[body.index('id="agreements"') :]
            assert action.subject.name in panel and "15,000.00" in panel and action.notice.number in panel
            assert reverse("agreement-notice-pdf", args=[action.pk, action.notice_id]) in panel
            assert re.search(r"/agreements/tasks/", panel) is None

    def test_panel_query_count_does_not_grow_with_actions(
        self, action, alice, manager, handling_case, lyg_region, django_assert_num_queries
    ):
        template = Template("{% load agreement_tags %}{% agreement_panel case %}")

        def render(user):
            request = RequestFactory().get("/")
            request.user = user
            return template.render(Context({"request": request, "case": handling_case}))

        render(User.objects.get(pk=alice.pk))  # permission ids are looked up once per process
        user = User.objects.get(pk=alice.pk)
        with django_assert_num_queries(3):  # the user's groups, the actions, their measures
            render(user)
        more_actions(handling_case, alice, 6, lyg_region, issue_by=manager)
        user = User.objects.get(pk=alice.pk)
        with django_assert_num_queries(3):
            html = render(user)
        assert html.count("/agreements/") >= 7
