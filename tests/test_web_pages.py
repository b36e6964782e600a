"""Staff pages: who sees what, the triage page as a section head uses it, case actions."""

import pytest
from django.urls import reverse

from casework.models import Case, Lead
from workflows.triage import pending_triage_task, triage_decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_lead, alice):
    return triage_decide(lead=make_lead(), by=alice, decision="open").case


def pages(lead, case):
    return [
        reverse("task-list"),
        reverse("lead-list"),
        reverse("lead-detail", args=[lead.pk]),
        reverse("case-list"),
        reverse("case-detail", args=[case.pk]),
    ]


def test_anonymous_is_sent_to_login(client, lead, case):
    for url in pages(lead, case) + [reverse("lead-register"), reverse("triage-task", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


def test_login_page_is_chinese(client, db):
    content = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-CN"' in content or 'lang="zh-hans"' in content
    assert "登录" in content


def test_owner_pages_render_in_chinese(client, alice, lead, case):
    client.force_login(alice)
    for url in pages(lead, case):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "线索" in response.content.decode() or "案件" in response.content.decode(), url


def test_outsider_gets_404_and_empty_lists(client, charlie, police, lead, case):
    for user in (charlie, police):
        client.force_login(user)
        assert client.get(reverse("lead-detail", args=[lead.pk])).status_code == 404
        assert client.get(reverse("case-detail", args=[case.pk])).status_code == 404
        task = pending_triage_task(lead)
        assert client.get(reverse("triage-task", args=[task.pk])).status_code == 404
        assert lead.title not in client.get(reverse("lead-list")).content.decode()
        assert case.number not in client.get(reverse("case-list")).content.decode()
        assert lead.title not in client.get(reverse("task-list")).content.decode()


def test_investigator_sees_but_cannot_triage(client, bob, lead, case):
    client.force_login(bob)
    assert client.get(reverse("lead-detail", args=[lead.pk])).status_code == 200
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 200
    task = pending_triage_task(lead)
    assert client.get(reverse("triage-task", args=[task.pk])).status_code == 403
    response = client.post(reverse("triage-task", args=[task.pk]), {"decision": "open"})
    assert response.status_code == 403
    assert client.post(reverse("investigation-assign", args=[case.pk]), {"investigators": [bob.pk]}).status_code == 403
    lead.refresh_from_db()
    assert lead.status == Lead.Status.PENDING


class TestTriagePage:
    def test_inbox_shows_the_deadline(self, client, alice, lead):
        client.force_login(alice)
        content = client.get(reverse("task-list")).content.decode()
        assert lead.title in content
        assert f"{lead.deadline.year}年{lead.deadline.month}月{lead.deadline.day}日" in content
        assert reverse("triage-task", args=[pending_triage_task(lead).pk]) in content

    def test_open_a_case_from_the_page(self, client, alice, lead):
        client.force_login(alice)
        task = pending_triage_task(lead)
        response = client.post(reverse("triage-task", args=[task.pk]), {"decision": "open"}, follow=True)
        lead.refresh_from_db()
        assert lead.status == Lead.Status.OPENED
        assert response.redirect_chain[-1][0] == reverse("case-detail", args=[lead.case_id])
        content = response.content.decode()
        assert lead.case.number in content and "立案审批表" in content

    def test_dismiss_without_reason_shows_the_error_and_keeps_the_task(self, client, alice, lead):
        client.force_login(alice)
        task = pending_triage_task(lead)
        response = client.post(reverse("triage-task", args=[task.pk]), {"decision": "dismiss", "reason": ""})
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        lead.refresh_from_db()
        assert lead.status == Lead.Status.PENDING

    def test_merge_offers_open_cases_of_the_same_subject(self, client, alice, case, make_lead):
        lead = make_lead(title="第二条线索")
        client.force_login(alice)
        task = pending_triage_task(lead)
        response = client.get(reverse("triage-task", args=[task.pk]))
        assert list(response.context["form"].fields["case"].queryset) == [case]
        client.post(reverse("triage-task", args=[task.pk]), {"decision": "merge", "case": case.pk})
        lead.refresh_from_db()
        assert lead.status == Lead.Status.MERGED and lead.case == case

    def test_deciding_a_finished_task_again_says_so(self, client, alice, lead):
        client.force_login(alice)
        task = pending_triage_task(lead)
        client.post(reverse("triage-task", args=[task.pk]), {"decision": "open"})
        response = client.post(
            reverse("triage-task", args=[task.pk]), {"decision": "dismiss", "reason": "x"}, follow=True
        )
        assert response.status_code == 200
        assert [str(m) for m in response.context["messages"]]
        lead.refresh_from_db()
        assert lead.status == Lead.Status.OPENED


class TestCaseActions:
    def test_withdrawing_twice_shows_a_message(self, client, alice, case):
        client.force_login(alice)
        client.post(reverse("case-withdraw", args=[case.pk]), {"reason": "证据不足"})
        case.refresh_from_db()
        assert case.status == Case.Status.WITHDRAWN
        response = client.post(reverse("case-withdraw", args=[case.pk]), {"reason": "再次撤销"}, follow=True)
        messages = [str(m) for m in response.context["messages"]]
        case.refresh_from_db()
        assert messages and case.status == Case.Status.WITHDRAWN and case.status_reason == "证据不足"

    def test_withdraw_needs_a_reason(self, client, alice, case):
        client.force_login(alice)
        client.post(reverse("case-withdraw", args=[case.pk]), {"reason": ""})
        case.refresh_from_db()
        assert case.status == Case.Status.OPENED
        client.post(reverse("case-withdraw", args=[case.pk]), {"reason": "当事人已注销，无法继续调查。"})
        case.refresh_from_db()
        assert case.status == Case.Status.WITHDRAWN and case.status_reason.startswith("当事人已注销")

    def test_get_is_not_allowed(self, client, alice, case):
        client.force_login(alice)
        assert client.get(reverse("case-withdraw", args=[case.pk])).status_code == 405


class TestRegisterPage:
    def test_clerk_registers_a_lead(self, client, clerk, subject):
        client.force_login(clerk)
        assert client.get(reverse("lead-register")).status_code == 200
        response = client.post(
            reverse("lead-register"),
            {
                "source_kind": "inspection",
                "title": "现场检查发现挂床",
                "description": "检查时 3 名住院患者不在床。",
                "subjects": [subject.pk],
            },
        )
        lead = Lead.objects.get()
        assert response.status_code == 302 and response.url == reverse("lead-detail", args=[lead.pk])
        assert lead.registered_by == clerk and lead.status == Lead.Status.PENDING

    def test_errors_are_shown_and_nothing_saved(self, client, clerk):
        client.force_login(clerk)
        response = client.post(reverse("lead-register"), {"source_kind": "inspection"})
        assert response.status_code == 200
        assert {"title", "description", "subjects"} <= set(response.context["form"].errors)
        assert not Lead.objects.exists()

    def test_liaisons_cannot_register(self, client, police):
        client.force_login(police)
        assert client.get(reverse("lead-register")).status_code == 403


def test_list_pages_have_constant_query_counts(client, alice, make_lead, django_assert_max_num_queries):
    for index in range(25):
        lead = make_lead(title=f"线索{index}")
        if index % 2:
            triage_decide(lead=lead, by=alice, decision="open")
    client.force_login(alice)
    # My tasks has five sections (triage, investigation, outcome, agreement, penalty), each a bounded query or two.
    for name, budget in (("task-list", 16), ("lead-list", 12), ("case-list", 12)):
        with django_assert_max_num_queries(budget):
            assert client.get(reverse(name)).status_code == 200


def test_outsiders_cannot_act_on_a_case_or_download_its_documents(client, charlie, alice, case):
    document = case.documents.get()
    client.force_login(charlie)
    assert client.post(reverse("investigation-assign", args=[case.pk]), {"investigators": []}).status_code == 404
    assert client.post(reverse("case-withdraw", args=[case.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("document-pdf", args=[document.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("document-pdf", args=[document.pk]))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    response = client.post(reverse("case-withdraw", args=[case.pk]), {"reason": "x"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.OPENED


def test_admin_is_for_staff_only(client, alice):
    client.force_login(alice)
    response = client.get("/admin/casework/subject/")
    assert response.status_code == 302 and "/admin/login/" in response.url
