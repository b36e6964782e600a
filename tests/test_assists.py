"""协查 (assist requests between bureaus of different regions) and 要情报送 (major-case reports)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assists import services
from assists.models import AssistRequest, MajorCaseReport
from casework.errors import AlreadyDecided, InvalidInput
from organisation.roles import Role
from referrals.models import Referral
from tests.factories import AgencyFactory, RegionFactory, UserFactory, found_loss
from workflows.triage import triage_decide

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def cz_investigator(cz_bureau):
    return UserFactory(username="cz_inv", first_name="何静", agency=cz_bureau, roles=[Role.INVESTIGATOR])


@pytest.fixture
def sq_bureau(province):
    region = RegionFactory(code="321300", name="宿迁市", parent=province)
    return AgencyFactory(region=region, code="321300-bureau", name="宿迁市医疗保障局", number_prefix="宿医保")


@pytest.fixture
def dave(sq_bureau):
    """A section head of a third bureau: party to nothing."""
    return UserFactory(username="dave", first_name="许峰", agency=sq_bureau, roles=[Role.SECTION_HEAD])


@pytest.fixture
def lyg_colleague_bureau(lyg_region):
    return AgencyFactory(region=lyg_region, code="320700-county", name="连云港海州医保分局", number_prefix="海医保")


@pytest.fixture
def province_head(province_bureau):
    return UserFactory(username="prov_head", first_name="省处长", agency=province_bureau, roles=[Role.SECTION_HEAD])


@pytest.fixture
def case(make_lead, alice):
    return triage_decide(lead=make_lead(), by=alice, decision="open").case


@pytest.fixture
def assist(alice, cz_bureau, case):
    return services.assist_send(
        by=alice,
        to_agency=cz_bureau,
        case=case,
        subject_name="常州市康复医院",
        subject_code="H32040000009",
        subject_kind="定点医疗机构",
        question="请核查参保人张某2025年3月在该院的住院记录。",
        evidence_wanted="住院病历、费用明细",
        due_on=in_days(10),
    )


# Assist requests: services


def test_send_answer_with_files(assist, charlie, alice, case):
    from intake import attachments

    assert assist.status == AssistRequest.Status.SENT and assist.from_agency == alice.agency
    checked = attachments.check_uploads([SimpleUploadedFile("病历.pdf", PDF)])
    answered = services.assist_answer(
        request=assist, by=charlie, findings="该参保人同期确有住院记录。", checked_files=checked
    )
    assert answered.status == AssistRequest.Status.ANSWERED
    assert answered.decided_by == charlie and answered.decided_at is not None
    assert [f.filename for f in answered.files.all()] == ["病历.pdf"]
    assert attachments.stored_path(answered.files.get().sha256).exists()


def test_decline_needs_a_reason(assist, charlie):
    with pytest.raises(InvalidInput) as error:
        services.assist_decline(request=assist, by=charlie, reason="  ")
    assert "decline_reason" in error.value.errors
    declined = services.assist_decline(request=assist, by=charlie, reason="该机构不在本市。")
    assert declined.status == AssistRequest.Status.DECLINED and declined.decline_reason == "该机构不在本市。"


def test_answer_needs_findings(assist, charlie):
    with pytest.raises(InvalidInput) as error:
        services.assist_answer(request=assist, by=charlie, findings="")
    assert "answer" in error.value.errors
    assert AssistRequest.objects.get(pk=assist.pk).status == AssistRequest.Status.SENT


def test_only_one_decision_wins(assist, charlie, cz_investigator):
    services.assist_answer(request=assist, by=charlie, findings="已核实。")
    with pytest.raises(AlreadyDecided):
        services.assist_answer(request=assist, by=cz_investigator, findings="再次答复。")
    with pytest.raises(AlreadyDecided):
        services.assist_decline(request=assist, by=cz_investigator, reason="不予协查。")
    assert AssistRequest.objects.get(pk=assist.pk).answer == "已核实。"


def test_the_sender_cannot_answer_its_own_request(assist, alice):
    with pytest.raises(InvalidInput):
        services.assist_answer(request=assist, by=alice, findings="自行答复。")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"due_on": timezone.localdate()}, "due_on"),
        ({"due_on": in_days(-1)}, "due_on"),
        ({"subject_name": " "}, "subject_name"),
        ({"question": ""}, "question"),
    ],
)
def test_bad_input(alice, cz_bureau, fields, field):
    values = {"to_agency": cz_bureau, "subject_name": "某药店", "question": "请核查。", "due_on": in_days(5), **fields}
    with pytest.raises(InvalidInput) as error:
        services.assist_send(by=alice, **values)
    assert field in error.value.errors
    assert not AssistRequest.objects.exists()


def test_target_must_be_a_bureau_of_another_region(alice, lyg_colleague_bureau, lyg_police, lyg_bureau):
    for target in (lyg_colleague_bureau, lyg_police, lyg_bureau):
        with pytest.raises(InvalidInput) as error:
            services.assist_send(
                by=alice, to_agency=target, subject_name="某药店", question="请核查。", due_on=in_days(5)
            )
        assert "to_agency" in error.value.errors


def test_case_must_be_the_senders(charlie, case, lyg_bureau):
    with pytest.raises(InvalidInput) as error:
        services.assist_send(
            by=charlie, to_agency=lyg_bureau, case=case, subject_name="某药店", question="请核查。", due_on=in_days(5)
        )
    assert "case" in error.value.errors


def test_clerks_and_liaisons_do_not_send(clerk, police, cz_bureau):
    for user in (clerk, police):
        with pytest.raises(InvalidInput):
            services.assist_send(
                by=user, to_agency=cz_bureau, subject_name="某药店", question="请核查。", due_on=in_days(5)
            )


def test_visible_only_to_the_two_bureaus(assist, alice, bob, charlie, cz_investigator, dave, auditor, clerk, police):
    for user in (alice, bob, charlie, cz_investigator):
        assert list(AssistRequest.objects.visible_to(user)) == [assist]
    for user in (dave, auditor, clerk, police):
        assert not AssistRequest.objects.visible_to(user).exists()
    assert list(AssistRequest.objects.sent_by_agency_of(alice)) == [assist]
    assert not AssistRequest.objects.received_by_agency_of(alice).exists()
    assert list(AssistRequest.objects.received_by_agency_of(charlie)) == [assist]


# Assist requests: pages


def test_lists_show_sent_and_received_with_overdue(
    client, assist, alice, bob, charlie, cz_bureau, django_assert_max_num_queries
):
    for name in ("甲药店", "乙诊所"):
        services.assist_send(by=bob, to_agency=cz_bureau, subject_name=name, question="请核查。", due_on=in_days(3))
    AssistRequest.objects.filter(pk=assist.pk).update(due_on=in_days(-2))
    client.force_login(charlie)
    # The same number of queries with any number of rows: agencies are joined, overdue is computed.
    with django_assert_max_num_queries(11):
        page = client.get(reverse("assist-list")).content.decode()
    assert "常州市康复医院" in page and "甲药店" in page and page.count("badge-overdue") == 1
    client.force_login(alice)
    assert "常州市康复医院" not in client.get(reverse("assist-list")).content.decode()
    assert "常州市康复医院" in client.get(reverse("assist-list") + "?tab=sent").content.decode()


def test_send_page(client, alice, cz_bureau, case, lyg_colleague_bureau):
    client.force_login(alice)
    page = client.get(reverse("assist-new")).content.decode()
    assert cz_bureau.name in page and lyg_colleague_bureau.name not in page and case.number in page
    response = client.post(
        reverse("assist-new"),
        {
            "to_agency": cz_bureau.pk,
            "case": case.pk,
            "subject_name": "常州市康复医院",
            "question": "请核查。",
            "due_on": in_days(7).isoformat(),
        },
    )
    assist = AssistRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assist-detail", args=[assist.pk])
    bad = client.post(
        reverse("assist-new"),
        {
            "to_agency": cz_bureau.pk,
            "subject_name": "某药店",
            "question": "请核查。",
            "due_on": in_days(-1).isoformat(),
        },
    )
    assert bad.status_code == 400 and AssistRequest.objects.count() == 1


def test_receiver_answers_on_the_page_and_the_sender_reads_it(client, assist, charlie, alice, case):
    client.force_login(charlie)
    page = client.get(reverse("assist-detail", args=[assist.pk])).content.decode()
    assert "请核查参保人张某" in page and case.number not in page and reverse("assist-answer", args=[assist.pk]) in page
    response = client.post(
        reverse("assist-answer", args=[assist.pk]),
        {"answer": "确有住院记录。", "files": [SimpleUploadedFile("明细.pdf", PDF)]},
    )
    assert response.status_code == 302
    again = client.post(reverse("assist-decline", args=[assist.pk]), {"decline_reason": "不予协查。"})
    assert again.status_code == 409
    client.force_login(alice)
    page = client.get(reverse("assist-detail", args=[assist.pk])).content.decode()
    assert "确有住院记录。" in page and case.number in page and "明细.pdf" in page
    assert reverse("assist-answer", args=[assist.pk]) not in page
    item = AssistRequest.objects.get(pk=assist.pk).files.get()
    download = client.get(reverse("assist-file", args=[assist.pk, item.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_sender_may_not_answer_or_decline(client, assist, alice):
    client.force_login(alice)
    assert client.post(reverse("assist-answer", args=[assist.pk]), {"answer": "x"}).status_code == 403
    assert client.post(reverse("assist-decline", args=[assist.pk]), {"decline_reason": "x"}).status_code == 403


def test_decline_page_without_reason_is_refused(client, assist, charlie):
    client.force_login(charlie)
    assert client.post(reverse("assist-decline", args=[assist.pk]), {"decline_reason": ""}).status_code == 400
    assert AssistRequest.objects.get(pk=assist.pk).status == AssistRequest.Status.SENT


def test_outsiders_and_anonymous_are_refused(client, assist, charlie, dave, auditor, police):
    services.assist_answer(request=assist, by=charlie, findings="已核实。")
    from assists.models import AssistFile

    item = AssistFile.objects.create(
        request=assist, filename="a.pdf", sha256="0" * 64, content_type="application/pdf", size=1, uploaded_by=charlie
    )
    pages = [
        ("get", reverse("assist-detail", args=[assist.pk])),
        ("get", reverse("assist-file", args=[assist.pk, item.pk])),
        ("post", reverse("assist-answer", args=[assist.pk])),
        ("post", reverse("assist-decline", args=[assist.pk])),
    ]
    for user in (dave, auditor, police):
        client.force_login(user)
        for method, url in pages:
            assert getattr(client, method)(url, {}).status_code == 404, (user, url)
        assert "常州市康复医院" not in client.get(reverse("assist-list")).content.decode()
        assert "常州市康复医院" not in client.get(reverse("assist-list") + "?tab=sent").content.decode()
    assert client.get(reverse("assist-new")).status_code == 403  # a police liaison sends none
    client.logout()
    for method, url in [*pages, ("get", reverse("assist-list")), ("get", reverse("assist-new"))]:
        response = getattr(client, method)(url, {})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# 要情报送


def test_threshold_edge(case, subject, settings, lyg_bureau, province_bureau):
    settings.MAJOR_CASE_AMOUNT = Decimal("1000")
    found_loss(case, subject, "1000.00")
    assert services.major_case_check(case) is None
    found_loss(case, subject, "0.01")
    report = services.major_case_check(case)
    assert report.over_amount and not report.criminal_referral
    assert report.amount == Decimal("1000.01")
    assert (report.from_agency, report.to_agency) == (lyg_bureau, province_bureau)
    assert case.number in report.summary and "1,000.01" in report.summary


def test_default_threshold_is_500000(case, subject, settings):
    del settings.MAJOR_CASE_AMOUNT
    found_loss(case, subject, "500000.00")
    assert services.major_case_check(case) is None
    found_loss(case, subject, "0.01")
    assert services.major_case_check(case) is not None


def test_criminal_referral_triggers_and_check_is_idempotent(case, subject, lyg_bureau, lyg_police, alice):
    found_loss(case, subject, "100.00")
    unsent = Referral.objects.create(
        case=case, agency=lyg_bureau, kind=Referral.Kind.CRIMINAL, to_agency=lyg_police, created_by=alice
    )
    assert services.major_case_check(case) is None
    Referral.objects.filter(pk=unsent.pk).update(sent_at=timezone.now(), status=Referral.Status.AWAITING_RECEIPT)
    report = services.major_case_check(case)
    assert report.criminal_referral and not report.over_amount and lyg_police.name in report.summary
    assert services.major_case_check(case) == report
    assert MajorCaseReport.objects.count() == 1


def test_no_superior_bureau_no_report(province_bureau, province_head, make_lead, subject, settings):
    settings.MAJOR_CASE_AMOUNT = Decimal("10")
    case = triage_decide(
        lead=make_lead(agency=province_bureau, by=province_head), by=province_head, decision="open"
    ).case
    found_loss(case, subject, "100.00")
    assert services.major_case_check(case) is None


@pytest.fixture
def report(case, subject, settings):
    settings.MAJOR_CASE_AMOUNT = Decimal("10")
    found_loss(case, subject, "100.00")
    return services.major_case_check(case)


def test_report_visibility(report, alice, bob, province_head, auditor, charlie, dave, clerk):
    for user in (alice, bob, province_head, auditor):
        assert list(MajorCaseReport.objects.visible_to(user)) == [report]
    for user in (charlie, dave, clerk):
        assert not MajorCaseReport.objects.visible_to(user).exists()


def test_superior_comments_the_reporting_bureau_reads(client, report, province_head, alice, auditor):
    client.force_login(province_head)
    page = client.get(reverse("major-case-detail", args=[report.pk])).content.decode()
    assert report.case.number in page and reverse("major-case-comment", args=[report.pk]) in page
    assert client.post(reverse("major-case-comment", args=[report.pk]), {"text": ""}).status_code == 400
    response = client.post(reverse("major-case-comment", args=[report.pk]), {"text": "请及时续报查处进展。"})
    assert response.status_code == 302 and report.comments.get().author == province_head
    client.force_login(alice)
    page = client.get(reverse("major-case-detail", args=[report.pk])).content.decode()
    assert "请及时续报查处进展。" in page and reverse("major-case-comment", args=[report.pk]) not in page
    assert client.post(reverse("major-case-comment", args=[report.pk]), {"text": "收到。"}).status_code == 403
    assert report.comments.count() == 1
    # The province auditor reads the report but is read-only: no form, and a post is refused.
    client.force_login(auditor)
    page = client.get(reverse("major-case-detail", args=[report.pk])).content.decode()
    assert "请及时续报查处进展。" in page and reverse("major-case-comment", args=[report.pk]) not in page
    assert client.post(reverse("major-case-comment", args=[report.pk]), {"text": "审计意见。"}).status_code == 403
    assert report.comments.count() == 1


def test_migration_takes_back_the_auditors_comment_grant(report, auditor, province_head):
    """Reports written before auditors became read-only gave their group the comment permission."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Permission

    from assists.models import MajorCaseReportGroupObjectPermission

    comment = Permission.objects.get(codename="comment_majorcasereport")
    for group in auditor.groups.all():
        MajorCaseReportGroupObjectPermission.objects.create(group=group, permission=comment, content_object=report)
    assert auditor.has_perm("assists.comment_majorcasereport", report)
    migration = importlib.import_module("assists.migrations.0002_auditors_read_major_case_reports")
    migration.revoke_auditor_comments(apps, None)
    auditor = type(auditor).objects.get(pk=auditor.pk)  # a fresh user: guardian caches permissions
    assert not auditor.has_perm("assists.comment_majorcasereport", report)
    assert auditor.has_perm("assists.view_majorcasereport", report)
    assert province_head.has_perm("assists.comment_majorcasereport", report)


def test_major_list(client, report, province_head, django_assert_max_num_queries):
    client.force_login(province_head)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("major-case-list")).content.decode()
    assert report.case.number in page


def test_major_outsiders_and_anonymous_are_refused(client, report, charlie, dave, police):
    urls = [
        ("get", reverse("major-case-detail", args=[report.pk])),
        ("post", reverse("major-case-comment", args=[report.pk])),
    ]
    for user in (charlie, dave, police):
        client.force_login(user)
        for method, url in urls:
            assert getattr(client, method)(url, {"text": "x"}).status_code == 404
        assert report.case.number not in client.get(reverse("major-case-list")).content.decode()
    client.logout()
    for method, url in [*urls, ("get", reverse("major-case-list"))]:
        response = getattr(client, method)(url, {"text": "x"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not report.comments.exists()


# Notices, reminders, the nav badge -------------------------------------------------------------------------


@pytest.fixture
def live(monkeypatch):
    sent = []
    monkeypatch.setattr(
        "assists.services.notify_users", lambda users, **event: sent.extend((user, event) for user in users)
    )
    return sent


def test_receiver_is_told_of_a_new_request_and_the_sender_of_the_answer(
    alice, bob, charlie, cz_investigator, dave, cz_bureau, case, live
):
    request = services.assist_send(
        by=bob,
        to_agency=cz_bureau,
        case=case,
        subject_name="常州市康复医院",
        question="核查住院记录",
        due_on=in_days(7),
    )
    assert sorted(user for user, _ in live) == sorted([charlie.pk, cz_investigator.pk])
    assert live[0][1]["event_type"] == "task.assigned" and live[0][1]["url"] == f"/assists/{request.pk}/"
    live.clear()
    services.assist_answer(request=request, by=charlie, findings="住院记录真实。")
    assert [user for user, _ in live] == [bob.pk]  # the sender, not alice nor dave


def test_superior_is_told_of_a_major_case(report, province_head, live):
    # The report fixture ran before the capture: report again on a fresh check to see the notice.
    case = report.case
    MajorCaseReport.objects.filter(pk=report.pk).delete()
    services.major_case_check(case)
    assert [user for user, _ in live] == [province_head.pk]


def test_an_open_request_due_soon_is_reminded_once_to_the_receivers_heads(
    assist, charlie, cz_investigator, monkeypatch
):
    from workflows.reminders import send_reminders

    sent = []
    monkeypatch.setattr("workflows.reminders.notify_users", lambda users, **event: sent.extend(users))
    AssistRequest.objects.filter(pk=assist.pk).update(due_on=in_days(2))
    assert send_reminders() >= 1
    assert charlie.pk in sent and cz_investigator.pk not in sent
    again = len(sent)
    send_reminders()
    assert len(sent) == again  # once
    services.assist_answer(request=assist, by=charlie, findings="已核查。")
    AssistRequest.objects.filter(pk=assist.pk).update(due_on=in_days(1))
    send_reminders()
    assert len(sent) == again  # answered requests are not reminded


def test_nav_badge_counts_open_requests_received(client, assist, charlie, alice, dave):
    client.force_login(charlie)
    assert client.get("/live/counts/").json()["assists"] == 1
    client.force_login(alice)  # the sender has nothing to answer
    assert client.get("/live/counts/").json()["assists"] == 0
    client.force_login(dave)
    assert client.get("/live/counts/").json()["assists"] == 0
    services.assist_decline(request=assist, by=charlie, reason="不属我局管辖")
    client.force_login(charlie)
    assert client.get("/live/counts/").json()["assists"] == 0
