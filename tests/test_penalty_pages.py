# ruff: noqa: F811  (pytest fixtures imported from tests/test_penalty_support.py are used as parameters)
"""Penalty pages: every view for owner, outsider (404), read-only auditor, bob who cannot decide, anonymous;
the My-tasks section and the case panel with pinned query counts."""

from django.urls import reverse

from penalties.models import Penalty
from penalties.services import penalty_start
from tests.test_penalty_support import (  # noqa: F401  (fixtures)
    FUND_LOSS,
    D,
    bob2,
    case,
    days_ago,
    decided_and_served,
    director,
    finance,
    legal,
    make_case,
    no_statement,
    notice,
    penalty,
)
from workflows.penalty import PenaltyFlow, pending_task


def task_url(penalty, node=None):
    return reverse("penalty-task", args=[pending_task(penalty, node).pk])


NOTICE_POST = {
    "article": "40",
    "facts": "虚构住院服务骗取医保基金。",
    "grounds": "违反《条例》第二十条。",
    "fine": "60000",
    "refund": "30000",
    "served_on": "",
    "method": "direct",
}


def notice_post(**changes):
    return {**NOTICE_POST, "served_on": days_ago(20).isoformat(), **changes}


class TestDetailAndList:
    def test_owner_sees_the_penalty_its_steps_and_deadlines(self, client, alice, bob, penalty):
        penalty = notice(penalty, bob, served_days_ago=2)
        client.force_login(alice)
        page = client.get(reverse("penalty-detail", args=[penalty.pk])).content.decode()
        assert penalty.subject.name in page and penalty.notice.number in page
        assert "责令退回医疗保障基金人民币30,000.00元" in page
        assert task_url(penalty) in page
        listing = client.get(reverse("penalty-list")).content.decode()
        assert reverse("penalty-detail", args=[penalty.pk]) in listing

    def test_outsider_gets_404_and_an_empty_list(self, client, charlie, penalty):
        client.force_login(charlie)
        assert client.get(reverse("penalty-detail", args=[penalty.pk])).status_code == 404
        assert client.get(task_url(penalty)).status_code == 404
        assert reverse("penalty-detail", args=[penalty.pk]) not in client.get(reverse("penalty-list")).content.decode()
        assert client.get(reverse("penalty-detail", args=[10**20])).status_code == 404

    def test_auditor_reads_but_cannot_act(self, client, auditor, penalty):
        client.force_login(auditor)
        assert client.get(reverse("penalty-detail", args=[penalty.pk])).status_code == 200
        response = client.get(task_url(penalty))
        assert response.status_code == 200 and 'name="facts"' not in response.content.decode()
        assert client.post(task_url(penalty), notice_post()).status_code == 403
        assert Penalty.objects.get(pk=penalty.pk).notice_id is None

    def test_anonymous_is_sent_to_login(self, client, penalty):
        for url in (reverse("penalty-list"), reverse("penalty-detail", args=[penalty.pk]), task_url(penalty)):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        response = client.post(task_url(penalty), notice_post())
        assert response.status_code == 302 and Penalty.objects.get(pk=penalty.pk).notice_id is None

    def test_wrong_method(self, client, alice, penalty):
        client.force_login(alice)
        assert client.post(reverse("penalty-detail", args=[penalty.pk])).status_code == 405
        assert client.put(task_url(penalty)).status_code == 405


class TestTaskPages:
    def test_investigator_issues_the_notice_from_the_form(self, client, bob, penalty):
        client.force_login(bob)
        page = client.get(task_url(penalty)).content.decode()
        assert 'name="facts"' in page and "60,000.00–150,000.00" in page
        response = client.post(task_url(penalty), notice_post())
        assert response.status_code == 302 and response.url == reverse("penalty-detail", args=[penalty.pk])
        penalty.refresh_from_db()
        assert penalty.status == Penalty.Status.STATEMENT and penalty.notice.title == "行政处罚事先告知书"

    def test_validation_errors_name_the_rule(self, client, bob, penalty):
        client.force_login(bob)
        response = client.post(task_url(penalty), notice_post(fine="200000"))
        page = response.content.decode()
        assert response.status_code == 200 and "第四十条" in page and "150,000.00" in page
        response = client.post(task_url(penalty), notice_post(facts=""))
        assert response.status_code == 200 and "errorlist" in response.content.decode()
        assert Penalty.objects.get(pk=penalty.pk).notice_id is None

    def test_the_second_officer_finds_the_task_done(self, client, bob, bob2, penalty):
        url = task_url(penalty)
        client.force_login(bob)
        client.post(url, notice_post())
        client.force_login(bob2)
        response = client.post(url, notice_post(fine="70000"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("penalty-detail", args=[penalty.pk])
        assert "alert-error" in response.content.decode() or "error" in response.content.decode()
        assert Penalty.objects.get(pk=penalty.pk).fine == D("60000")

    def test_bob_cannot_decide(self, client, alice, bob, penalty):
        penalty = no_statement(notice(penalty, bob), bob)
        url = task_url(penalty, PenaltyFlow.decide)
        client.force_login(bob)
        page = client.get(url).content.decode()
        assert 'name="decided_on"' not in page
        assert (
            client.post(url, {"decided_on": days_ago(0).isoformat(), "fine": "60000", "refund": "30000"}).status_code
            == 403
        )
        client.force_login(alice)
        response = client.post(url, {"decided_on": days_ago(0).isoformat(), "fine": "60000", "refund": "30000"})
        assert response.status_code == 302
        assert Penalty.objects.get(pk=penalty.pk).status == Penalty.Status.SERVING

    def test_decision_heavier_than_the_notice_is_refused_on_the_form(self, client, alice, bob, penalty):
        penalty = no_statement(notice(penalty, bob), bob)
        client.force_login(alice)
        response = client.post(
            task_url(penalty, PenaltyFlow.decide),
            {"decided_on": days_ago(0).isoformat(), "fine": "70000", "refund": "30000"},
        )
        assert response.status_code == 200 and "第四十五条第二款" in response.content.decode()

    def test_statement_hearing_and_review_pages(self, client, alice, bob, legal, penalty, lyg_bureau):
        penalty = notice(penalty, bob, fine=D("120000"), served_days_ago=3)
        client.force_login(bob)
        response = client.post(
            task_url(penalty),
            {
                "kind": "statement",
                "statement": "要求听证",
                "received_on": days_ago(2).isoformat(),
                "hearing_requested": "on",
            },
        )
        assert response.status_code == 302
        penalty.refresh_from_db()
        assert penalty.status == Penalty.Status.HEARING_SCHEDULING
        url = task_url(penalty)
        page = client.get(url).content.decode()
        assert 'name="chair"' in page
        response = client.post(
            url,
            {
                "scheduled_at": f"{days_ago(-3).isoformat()}T09:30",
                "place": "听证室",
                "chair": alice.pk,
                "public": "on",
                "notice_sent_on": days_ago(0).isoformat(),
            },
        )
        assert response.status_code == 200 and "第六十四条" in response.content.decode()
        client.force_login(legal)
        assert client.get(url).status_code == 200
        assert client.post(url, {"place": "x"}).status_code == 403

    def test_execution_page_payment_by_finance_reminder_by_the_head(self, client, alice, bob, finance, penalty):
        penalty = decided_and_served(penalty, alice, bob, served_days_ago=20)
        url = task_url(penalty, PenaltyFlow.execution)
        client.force_login(finance)
        page = client.get(url).content.decode()
        assert 'value="payment"' in page and 'value="reminder"' not in page
        response = client.post(
            url,
            {"action": "payment", "ledger": "fund_refund", "amount": "30000", "paid_on": days_ago(1), "voucher": "V1"},
        )
        assert response.status_code == 302
        assert client.post(url, {"action": "reminder", "reminded_on": days_ago(0)}).status_code == 403
        client.force_login(bob)
        assert client.post(url, {"action": "reminder", "reminded_on": days_ago(0)}).status_code == 403
        client.force_login(alice)
        response = client.post(url, {"action": "reminder", "reminded_on": days_ago(0).isoformat()})
        assert response.status_code == 302
        penalty.refresh_from_db()
        assert penalty.reminder.title == "催告书"
        response = client.post(
            url, {"action": "enforcement", "court": "海州区人民法院", "applied_on": days_ago(0).isoformat()}
        )
        assert response.status_code == 200 and "第五十四条" in response.content.decode()


class TestExtensionPage:
    def test_only_the_agency_head_extends(self, client, make_case, subject, alice, director, charlie, auditor):
        case = make_case((subject, FUND_LOSS), opened_days_ago=60)
        url = reverse("penalty-extension", args=[case.pk])
        client.force_login(charlie)
        assert client.get(url).status_code == 404
        for user in (alice, auditor):
            client.force_login(user)
            assert client.get(url).status_code == 403
            assert client.post(url, {"days": 30, "reason": "复杂"}).status_code == 403
        client.force_login(director)
        assert client.get(url).status_code == 200
        response = client.post(url, {"days": 31, "reason": "案情复杂"})
        assert response.status_code == 200 and "国家医保局令第4号" in response.content.decode()
        response = client.post(url, {"days": 30, "reason": "案情复杂"})
        assert response.status_code == 302
        assert case.decision_extension.days == 30
        page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
        assert case.decision_extension.document.number in page
        client.logout()
        assert client.get(url).status_code == 302


def queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        function()
    return len(ctx.captured_queries)


def chinese(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class TestMyTasksSection:
    def test_each_role_sees_its_tasks_with_due_dates(self, client, bob, legal, penalty):
        penalty = notice(penalty, bob, served_days_ago=1)
        client.force_login(bob)
        section = client.get(reverse("task-list")).content.decode().split('id="penalty-tasks"')[1]
        assert task_url(penalty) in section and chinese(days_ago(-4)) in section and "days-left" in section
        client.force_login(legal)
        assert task_url(penalty) not in client.get(reverse("task-list")).content.decode()

    def test_overdue_task_is_flagged(self, client, alice, bob, penalty):
        penalty = no_statement(notice(penalty, bob), bob)
        client.force_login(alice)
        section = client.get(reverse("task-list")).content.decode().split('id="penalty-tasks"')[1]
        assert task_url(penalty) in section and "badge-overdue" in section

    def test_finance_sees_the_payments_to_collect(self, client, alice, bob, finance, penalty):
        penalty = decided_and_served(penalty, alice, bob, served_days_ago=5)
        client.force_login(finance)
        section = client.get(reverse("task-list")).content.decode().split('id="penalty-tasks"')[1]
        assert task_url(penalty, PenaltyFlow.execution) in section

    def test_outsider_and_auditor_see_no_penalty_tasks(self, client, charlie, auditor, penalty):
        for user in (charlie, auditor):
            client.force_login(user)
            assert task_url(penalty) not in client.get(reverse("task-list")).content.decode()

    def test_query_count_does_not_grow_with_tasks(self, client, alice, bob, make_case, lyg_region):
        from penalties import selectors
        from tests.factories import SubjectFactory

        subjects = [SubjectFactory(region=lyg_region) for _ in range(6)]
        case = make_case(*[(s, FUND_LOSS) for s in subjects])
        penalty_start(case=case, subject=subjects[0], by=alice)
        client.force_login(alice)
        client.get(reverse("task-list"))
        selectors.penalty_inbox(user=alice)  # the user's groups and roles, loaded once per request
        one_section = queries(lambda: selectors.penalty_inbox(user=alice))
        one_page = queries(lambda: client.get(reverse("task-list")))
        for s in subjects[1:]:
            penalty_start(case=case, subject=s, by=alice)
        many = selectors.penalty_inbox(user=alice)
        assert len(many) == 6
        assert queries(lambda: selectors.penalty_inbox(user=alice)) == one_section == 2
        assert queries(lambda: client.get(reverse("task-list"))) == one_page


class TestCasePanel:
    def test_panel_lists_penalties_with_their_next_step(self, client, alice, bob, penalty, charlie):
        penalty = notice(penalty, bob, served_days_ago=1)
        client.force_login(alice)
        page = client.get(reverse("case-detail", args=[penalty.case_id])).content.decode()
        assert 'id="penalties"' in page and reverse("penalty-detail", args=[penalty.pk]) in page
        assert task_url(penalty) in page
        client.force_login(charlie)
        assert client.get(reverse("case-detail", args=[penalty.case_id])).status_code == 404

    def test_panel_query_count_is_constant(self, alice, bob, make_case, lyg_region, rf):
        from penalties.templatetags.penalty_tags import penalty_panel
        from tests.factories import SubjectFactory

        subjects = [SubjectFactory(region=lyg_region) for _ in range(5)]
        case = make_case(*[(s, FUND_LOSS) for s in subjects])
        penalty_start(case=case, subject=subjects[0], by=alice)
        request = rf.get("/")
        request.user = alice
        penalty_panel({"request": request}, case)  # the user's groups and roles, loaded once per request
        one = queries(lambda: penalty_panel({"request": request}, case))
        for s in subjects[1:]:
            notice(penalty_start(case=case, subject=s, by=alice), bob)
        assert queries(lambda: penalty_panel({"request": request}, case)) == one == 4
        assert len(penalty_panel({"request": request}, case)["rows"]) == 5

    def test_a_case_without_penalties_costs_one_query(self, case, alice, bob, director):
        from penalties.selectors import case_penalty_panel

        for user in (alice, bob, director):
            user.roles  # noqa: B018  (loaded once per request by the page's other panels)
        assert queries(lambda: case_penalty_panel(case=case, user=bob, may_decide=False)) == 1
        assert queries(lambda: case_penalty_panel(case=case, user=alice)) == 1
        # The agency head may extend the 90 days even before any penalty exists.
        panel = case_penalty_panel(case=case, user=director)
        assert panel["rows"] == [] and panel["decision_deadline"].step == "penalty_decision"
