"""Intake clerks: registering reports, the inbox, replies and notes, reporter identity, notices, merges."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django.utils import timezone

from casework.deadlines import add_working_days
from casework.models import Lead
from documents.models import Document
from intake.models import Report, ReportMessage
from intake.services import report_acknowledge, report_message_from_reporter
from intake.submission import report_submit
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db

REPORTER = {"name": "韩梅梅", "id_number": "", "phone": "13912345678", "email": "hmm@example.cn", "address": "海州区"}


@pytest.fixture
def named_report(lyg_bureau, clerk, subject):
    """A named hotline report registered by the clerk, who issued the acceptance notice."""
    report = report_submit(
        agency=lyg_bureau,
        channel=Report.Channel.HOTLINE_12393,
        subject_kind=subject.kind,
        subject_name=subject.name,
        subject_code=subject.code,
        description="该院在2026年3月为未住院的参保人办理住院结算，虚构住院服务。",
        anonymous=False,
        reporter=REPORTER,
        by=clerk,
    ).report
    report_acknowledge(report=report, by=clerk)
    LogEntry.objects.filter(action=LogEntry.Action.ACCESS).delete()
    return report


@pytest.fixture
def anonymous_report(lyg_region, subject):
    return report_submit(
        region_code=lyg_region.code,
        subject_kind=subject.kind,
        subject_name=subject.name,
        description="药店用医保卡刷生活用品，收银员说可以这样结算。",
    ).report


def _access_entries(report):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, content_type__model="report", object_pk=str(report.pk)
    )


def test_clerk_registers_a_named_hotline_report_with_an_acceptance_notice(client, clerk, subject):
    client.force_login(clerk)
    response = client.post(
        reverse("intake-report-register"),
        {
            "channel": "hotline_12393",
            "subject": subject.pk,
            "description": "举报人称该院医生让其挂床住院，一周只来两次。",
            "anonymous": "0",
            "reporter_name": "李雷",
            "reporter_phone": "13800001111",
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("intake-report", args=[report.pk])
    assert report.lead.status == Lead.Status.PENDING and report.lead.source_kind == "report"
    assert list(report.lead.subjects.all()) == [subject]
    assert "李雷" not in report.identity_token and "13800001111" not in report.identity_token
    notice = Document.objects.get(kind="report_acceptance_notice")
    assert notice.lead == report.lead and notice.number.startswith("连医保举受告〔")
    assert report.acknowledged_on == timezone.localdate()
    # The one-time secret is shown on the next page, then never again.
    first = client.get(response.url)
    secret = first.context["new_secret"]
    assert secret and report.receipt_code_display in first.content.decode() and secret in first.content.decode()
    assert check_password(secret.replace("-", ""), report.secret_hash)
    again = client.get(response.url).content.decode()
    assert report.receipt_code_display in again and secret not in again


def test_clerk_registration_errors_are_shown_and_nothing_is_written(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("intake-report-register"),
        {
            "channel": "letter",
            "subject_kind": "institution",
            "subject_name": "某医院",
            "description": "短",
            "anonymous": "0",
            "reporter_name": "",
            "reporter_phone": "12",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"description", "reporter_name", "reporter_phone"} <= set(errors)
    assert Report.objects.count() == 0 and Lead.objects.count() == 0


def test_superior_assignment_becomes_a_superior_lead(client, clerk):
    client.force_login(clerk)
    client.post(
        reverse("intake-report-register"),
        {
            "channel": "superior",
            "origin": "江苏省医疗保障局 苏医保交〔2026〕5号",
            "subject_kind": "pharmacy",
            "subject_name": "新开的大药房",
            "description": "上级交办：该药店涉嫌串换药品，请核查。",
            "anonymous": "1",
        },
    )
    report = Report.objects.get()
    assert report.lead.source_kind == "superior" and report.origin.startswith("江苏省")
    assert report.lead.subjects.get().status == "to_verify"


@pytest.mark.parametrize("who", ["bob", "alice", "auditor"])
def test_identity_is_hidden_from_those_without_the_right(client, request, who, named_report):
    user = request.getfixturevalue(who)
    client.force_login(user)
    page = client.get(reverse("intake-report", args=[named_report.pk])).content.decode()
    assert "韩梅梅" not in page and "13912345678" not in page
    assert "实名举报人（已保密）" in page
    assert client.get(reverse("intake-report", args=[named_report.pk]) + "?identity=1").status_code == 403
    assert not _access_entries(named_report).exists()


def test_clerk_reads_identity_and_each_read_is_logged(client, clerk, named_report):
    client.force_login(clerk)
    url = reverse("intake-report", args=[named_report.pk])
    assert "韩梅梅" not in client.get(url).content.decode()
    for _ in range(2):
        page = client.get(url + "?identity=1").content.decode()
        assert "韩梅梅" in page and "13912345678" in page
    entries = _access_entries(named_report)
    assert entries.count() == 2 and {entry.actor for entry in entries} == {clerk}


def test_reward_handler_may_read_identity(client, reward_handler, named_report):
    client.force_login(reward_handler)
    page = client.get(reverse("intake-report", args=[named_report.pk]) + "?identity=1").content.decode()
    assert "韩梅梅" in page


def test_lead_api_carries_identity_only_for_permitted_roles(api_as, clerk, bob, charlie, named_report):
    url = f"/api/v1/leads/{named_report.lead_id}/"
    body = api_as(clerk).get(url).json()
    assert body["report"]["reporter"]["name"] == "韩梅梅"
    assert _access_entries(named_report).count() == 1
    body = api_as(bob).get(url).json()
    assert body["report"]["reporter"] is None and body["report"]["reporter_display"] == "实名举报人（已保密）"
    assert "韩梅梅" not in str(body) and "13912345678" not in str(body)
    assert api_as(charlie).get(url).status_code == 404
    assert _access_entries(named_report).count() == 1


def test_notices_to_the_reporter_are_confidential_documents(api_as, clerk, bob, named_report):
    notice = Document.objects.get(kind="report_acceptance_notice")
    assert api_as(clerk).get(f"/api/v1/documents/{notice.pk}/").status_code == 200
    assert api_as(bob).get(f"/api/v1/documents/{notice.pk}/").status_code == 404
    numbers = [doc["number"] for doc in api_as(bob).get(f"/api/v1/leads/{named_report.lead_id}/").json()["documents"]]
    assert notice.number not in numbers


def test_inbox_lists_own_agency_reports_only(client, clerk, cz_clerk, named_report, anonymous_report):
    client.force_login(clerk)
    page = client.get(reverse("intake-inbox")).content.decode()
    assert named_report.receipt_code_display in page and anonymous_report.receipt_code_display in page
    client.force_login(cz_clerk)
    page = client.get(reverse("intake-inbox") + "?view=all").content.decode()
    assert named_report.receipt_code_display not in page
    assert client.get(reverse("intake-report", args=[named_report.pk])).status_code == 404
    # Replies and notes refuse another agency before looking at the form: 404 with or without a body.
    for name in ("intake-report-reply", "intake-report-note"):
        for body in ({}, {"body": "越权留言"}):
            assert client.post(reverse(name, args=[named_report.pk]), body).status_code == 404, (name, body)


def test_anonymous_users_are_sent_to_login(client, named_report):
    for name, args in [("intake-inbox", []), ("intake-report", [named_report.pk]), ("intake-report-register", [])]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_police_liaison_cannot_register_or_see_reports(client, police, named_report):
    client.force_login(police)
    assert client.get(reverse("intake-report-register")).status_code == 403
    assert client.get(reverse("intake-report", args=[named_report.pk])).status_code == 404
    assert named_report.receipt_code_display not in client.get(reverse("intake-inbox") + "?view=all").content.decode()


def test_inbox_query_count_does_not_grow_with_reports(
    client, clerk, lyg_region, subject, django_assert_max_num_queries
):
    for index in range(12):
        received = report_submit(
            region_code=lyg_region.code,
            subject_kind="institution",
            subject_name=subject.name,
            description=f"第{index}份举报：医院虚构诊疗项目，重复收费。",
        )
        report_message_from_reporter(report=received.report, body="补充一点情况")
    client.force_login(clerk)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("intake-inbox"))
    assert response.content.decode().count("1 条未读") + response.content.decode().count("1 unread") == 12


def test_reply_and_note_and_read_marks(client, clerk, bob, anonymous_report):
    report_message_from_reporter(report=anonymous_report, body="我还有照片可以提供。")
    client.force_login(clerk)
    url = reverse("intake-report", args=[anonymous_report.pk])
    client.get(url)
    assert not ReportMessage.objects.filter(sender="reporter", read_at__isnull=True).exists()
    client.post(reverse("intake-report-reply", args=[anonymous_report.pk]), {"body": "请通过附件上传照片。"})
    client.post(reverse("intake-report-note", args=[anonymous_report.pk]), {"body": "举报人较可信，优先核查"})
    assert anonymous_report.messages.filter(sender="agency", body="请通过附件上传照片。", author=clerk).exists()
    assert anonymous_report.notes.get().body == "举报人较可信，优先核查"
    # An investigator reads the report but neither replies nor writes notes, and does not see notes.
    client.force_login(bob)
    assert "举报人较可信" not in client.get(url).content.decode()
    assert client.post(reverse("intake-report-reply", args=[anonymous_report.pk]), {"body": "x"}).status_code == 403
    assert client.post(reverse("intake-report-note", args=[anonymous_report.pk]), {"body": "x"}).status_code == 403


def test_reporter_message_notifies_the_agency_clerks(clerk, anonymous_report, django_capture_on_commit_callbacks):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from config.consumers import user_group

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(clerk.pk), channel)
    with django_capture_on_commit_callbacks(execute=True):
        report_message_from_reporter(report=anonymous_report, body="又发现了新情况")
    event = async_to_sync(layer.receive)(channel)["event"]
    assert event["type"] == "report.message" and event["id"] == anonymous_report.pk
    assert event["url"] == reverse("intake-report", args=[anonymous_report.pk])


def test_result_notice_is_due_five_working_days_after_the_decision(client, alice, clerk, named_report):
    triage_decide(lead=named_report.lead, by=alice, decision="dismiss", reason="经核查，未发现违规事实。")
    named_report.refresh_from_db()
    decided_on = timezone.localdate(named_report.lead.decided_at)
    assert named_report.result_notice_due == add_working_days(decided_on, 5)
    client.force_login(clerk)
    assert named_report.receipt_code_display in client.get(reverse("intake-inbox") + "?view=notices").content.decode()
    client.post(reverse("intake-report-result-notice", args=[named_report.pk]))
    named_report.refresh_from_db()
    assert named_report.result_notified_on == timezone.localdate()
    notice = Document.objects.get(kind="report_result_notice")
    assert "未发现违规事实" in notice.context["result"]
    assert named_report.messages.filter(sender="agency", body__contains="未发现违规事实").exists()
    # Issuing twice is refused.
    response = client.post(reverse("intake-report-result-notice", args=[named_report.pk]), follow=True)
    assert Document.objects.filter(kind="report_result_notice").count() == 1
    assert response.status_code == 200


def test_overdue_result_notice_is_flagged(clerk, alice, named_report, time_machine):
    from intake.selectors import inbox_counts

    triage_decide(lead=named_report.lead, by=alice, decision="open")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=12))
    assert inbox_counts(user=clerk)["overdue_notices"] == 1
    assert Report.objects.result_notice_overdue().get() == named_report


def test_merging_leads_keeps_both_and_the_order_of_receipt(api_as, alice, clerk, lyg_region, subject, time_machine):
    first = report_submit(
        region_code=lyg_region.code,
        subject_kind="institution",
        subject_name=subject.name,
        subject_code=subject.code,
        description="第一位举报人：医院挂床住院。",
        anonymous=False,
        reporter=REPORTER,
    ).report
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=3))
    second = report_submit(
        region_code=lyg_region.code,
        subject_kind="institution",
        subject_name=subject.name,
        subject_code=subject.code,
        description="第二位举报人：同一家医院挂床住院。",
    ).report
    response = api_as(alice).post(
        f"/api/v1/leads/{second.lead_id}/triage/", {"decision": "merge", "lead": first.lead_id}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "merged" and response.json()["merged_into"] == first.lead_id
    from intake.selectors import fact_reports

    assert [report.pk for report in fact_reports(first.lead)] == [first.pk, second.pk]
    assert Lead.objects.count() == 2
    # The merged lead waits for the target's decision; then both reporters are owed the result.
    triage_decide(lead=first.lead, by=alice, decision="dismiss", reason="查无实据")
    first.refresh_from_db()
    assert first.result_notice_due is not None
    from intake.services import result_wording

    second.lead.refresh_from_db()
    assert "查无实据" in result_wording(second.lead)


def test_merge_into_a_decided_or_foreign_lead_is_refused(api_as, alice, lead, make_lead, charlie, cz_bureau):
    other = make_lead()
    triage_decide(lead=other, by=alice, decision="dismiss", reason="重复")
    response = api_as(alice).post(f"/api/v1/leads/{lead.pk}/triage/", {"decision": "merge", "lead": other.pk})
    assert response.status_code == 400 and "lead" in response.json()["errors"]
    response = api_as(alice).post(f"/api/v1/leads/{lead.pk}/triage/", {"decision": "merge", "lead": lead.pk})
    assert response.status_code == 400


def test_attachment_download_is_permission_checked(client, clerk, charlie, lyg_region, subject):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile(
        "../../etc/passwd.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )
    report = report_submit(
        region_code=lyg_region.code,
        subject_kind="institution",
        subject_name=subject.name,
        description="附上收费单据照片，请核查。",
        files=[pdf],
    ).report
    attachment = report.attachments.get()
    assert attachment.original_name == "passwd.pdf" and attachment.content_type == "application/pdf"
    client.force_login(clerk)
    response = client.get(reverse("intake-attachment", args=[attachment.pk]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(charlie)
    assert client.get(reverse("intake-attachment", args=[attachment.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("intake-attachment", args=[attachment.pk])).status_code == 302


def test_lead_page_shows_leads_on_the_same_subject(client, alice, lead, make_lead):
    other = make_lead(title="另一条疑点线索")
    client.force_login(alice)
    page = client.get(reverse("lead-detail", args=[lead.pk])).content.decode()
    assert f"#{other.pk} 另一条疑点线索" in page


STAFF_POSTS = ["intake-report-reply", "intake-report-note", "intake-report-acknowledge", "intake-report-result-notice"]


@pytest.mark.parametrize("name", STAFF_POSTS)
def test_outsiders_and_anonymous_cannot_act_on_a_report(client, charlie, police, auditor, name, named_report):
    url = reverse(name, args=[named_report.pk])
    data = {"body": "越权操作"}
    assert client.post(url, data).status_code == 302  # anonymous → login
    for outsider in (charlie, police):
        client.force_login(outsider)
        assert client.post(url, data).status_code == 404
    client.force_login(auditor)
    assert client.post(url, data).status_code == 403
    assert not named_report.messages.exists() and not named_report.notes.exists()
    assert Document.objects.filter(kind="report_result_notice").count() == 0


def test_auditor_reads_reports_of_the_province_but_not_identities(client, auditor, named_report):
    client.force_login(auditor)
    page = client.get(reverse("intake-inbox") + "?view=all").content.decode()
    assert named_report.receipt_code_display in page
    assert "韩梅梅" not in client.get(reverse("intake-report", args=[named_report.pk])).content.decode()


def test_triage_page_merges_a_lead_into_another(client, alice, lead, make_lead):
    from workflows.triage import pending_triage_task

    duplicate = make_lead(title="同一事实的第二条线索")
    task = pending_triage_task(duplicate)
    client.force_login(alice)
    form = client.get(reverse("triage-task", args=[task.pk])).context["form"]
    assert lead in form.fields["target"].queryset and duplicate not in form.fields["target"].queryset
    response = client.post(reverse("triage-task", args=[task.pk]), {"decision": "merge", "target": lead.pk})
    assert response.status_code == 302 and response.url == reverse("lead-detail", args=[lead.pk])
    duplicate.refresh_from_db()
    assert duplicate.status == "merged" and duplicate.merged_into == lead
    page = client.get(response.url).content.decode()
    assert "同一事实的第二条线索" in page


def test_named_web_reports_wait_for_their_acceptance_notice(client, clerk, lyg_region, subject):
    from intake.selectors import inbox_counts

    report = report_submit(
        region_code=lyg_region.code,
        subject_kind="institution",
        subject_name=subject.name,
        description="网上实名举报：医院虚构住院服务。",
        anonymous=False,
        reporter={"name": "王芳", "phone": "13811112222"},
    ).report
    client.force_login(clerk)
    page = client.get(reverse("intake-inbox") + "?view=notices").content.decode()
    assert report.receipt_code_display in page and "待出具受理告知书" in page
    assert inbox_counts(user=clerk)["notices"] == 1
    client.post(reverse("intake-report-acknowledge", args=[report.pk]))
    assert report.receipt_code_display not in client.get(reverse("intake-inbox") + "?view=notices").content.decode()
    assert inbox_counts(user=clerk)["notices"] == 0
