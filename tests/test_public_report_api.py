"""Public report API (shared/api.md "Public reports"): submit without an account, follow with the
receipt code and secret, write to the agency; validation, attachments, rate limits, confidentiality."""

import datetime
import hashlib
import json
import logging
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone

from casework.models import Lead
from casework.models.subjects import id_check_digit
from intake import attachments, codes, ratelimit
from intake.crypto import decrypt_identity
from intake.models import Attachment, Report, ReportMessage, ReportNote
from intake.public import public_status
from intake.services import report_reply
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/reports/"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ID_NUMBER = "32070319800101123" + id_check_digit("32070319800101123")


def png_bytes() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
        + chunk(b"IEND", b"")
    )


def report_data(**overrides) -> dict:
    data = {
        "region": "320700",
        "subject_kind": "institution",
        "subject_name": "连云港市第一人民医院",
        "description": "该院为未住院的参保人办理住院结算，虚构住院服务，骗取医保基金。",
        "occurred_from": "2026-03-01",
        "occurred_to": "2026-03-31",
        "amount_estimate": "12345.60",
    }
    return {**data, **overrides}


@pytest.fixture
def region(lyg_bureau, clerk, subject):
    """连云港 with its bureau, an intake clerk and a registered hospital."""
    return lyg_bureau.region


def submit(api, **overrides):
    return api.post(URL, report_data(**overrides), format="json")


def status_of(api, code, secret, **extra):
    return api.get(f"{URL}{code}/", HTTP_X_REPORT_SECRET=secret, **extra)


def counts() -> tuple[int, int, int]:
    return Lead.objects.count(), Report.objects.count(), Attachment.objects.count()


def test_anonymous_lifecycle(api, region, clerk, subject):
    response = submit(api)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"receipt_code", "secret", "status"}
    assert body["status"] == "received"
    assert len(body["receipt_code"]) == 16 and codes.normalise_receipt_code(body["receipt_code"])
    assert len(body["secret"]) >= 20
    assert response["Cache-Control"].count("no-store")

    report = Report.objects.get(receipt_code=body["receipt_code"])
    assert report.anonymous and report.identity_token == "" and report.channel == Report.Channel.WEB
    assert body["secret"] not in report.secret_hash
    assert report.lead.source_kind == "report" and report.lead.agency.region == region
    assert list(report.lead.subjects.all()) == [subject]

    status = status_of(api, body["receipt_code"], body["secret"])
    assert status.status_code == 200
    data = status.json()
    assert data["receipt_code"] == body["receipt_code"]
    assert data["status"] == "received" and data["status_display"]
    assert data["received_at"].endswith("+08:00")
    assert data["messages"] == []

    sent = api.post(
        f"{URL}{body['receipt_code']}/messages/",
        {"body": "补充：该院还在周末为同一批人开具检查。"},
        format="json",
        HTTP_X_REPORT_SECRET=body["secret"],
    )
    assert sent.status_code == 201
    assert sent.json()["from"] == "reporter"

    report_reply(report=report, by=clerk, body="感谢您的补充，请提供就诊时间。")
    messages = status_of(api, body["receipt_code"], body["secret"]).json()["messages"]
    assert [(m["from"], m["body"]) for m in messages] == [
        ("reporter", "补充：该院还在周末为同一批人开具检查。"),
        ("agency", "感谢您的补充，请提供就诊时间。"),
    ]
    assert all(m["sent_at"].endswith("+08:00") for m in messages)


def test_secret_is_accepted_as_typed(api, region):
    body = submit(api).json()
    typed = body["secret"].replace("-", " ").lower()
    assert status_of(api, " ".join([body["receipt_code"][:8], body["receipt_code"][8:]]), typed).status_code == 200


def test_named_report_stores_identity_encrypted(api, region):
    reporter = {"name": "韩梅梅", "id_number": ID_NUMBER, "phone": "13912345678", "email": "hmm@example.cn"}
    response = submit(api, anonymous=False, reporter=reporter)
    assert response.status_code == 201, response.content
    report = Report.objects.get(receipt_code=response.json()["receipt_code"])
    assert not report.anonymous
    stored = Report.objects.filter(pk=report.pk).values_list("identity_token", flat=True).get()
    for value in reporter.values():
        assert value not in stored
    assert decrypt_identity(stored) | {"address": ""} == reporter | {"address": ""}


@pytest.mark.parametrize("style", ["json-string", "dotted"])
def test_multipart_named_report_with_files(api, region, style):
    reporter = {"name": "李雷", "phone": "13800000000"}
    fields = report_data(anonymous="false")
    if style == "json-string":
        fields["reporter"] = json.dumps(reporter, ensure_ascii=False)
    else:
        fields.update({f"reporter.{key}": value for key, value in reporter.items()})
    png = png_bytes()
    files = [SimpleUploadedFile("票据.pdf", PDF), SimpleUploadedFile("photo.png", png)]
    response = api.post(URL, {**fields, "files": files}, format="multipart")
    assert response.status_code == 201, response.content
    report = Report.objects.get(receipt_code=response.json()["receipt_code"])
    assert decrypt_identity(report.identity_token)["name"] == "李雷"
    stored = {(a.content_type, a.sha256) for a in report.attachments.all()}
    assert stored == {
        ("application/pdf", hashlib.sha256(PDF).hexdigest()),
        ("image/png", hashlib.sha256(png).hexdigest()),
    }
    for attachment in report.attachments.all():
        assert attachments.stored_path(attachment.sha256).read_bytes() in (PDF, png)


def test_anonymous_is_the_default_in_multipart(api, region):
    response = api.post(URL, report_data(), format="multipart")
    assert response.status_code == 201
    assert Report.objects.get().anonymous


def test_wrong_secret_and_unknown_code_answer_alike(api, region):
    body = submit(api).json()
    code = body["receipt_code"]
    other = codes.new_receipt_code()
    wrong_secret = status_of(api, code, codes.new_secret())
    unknown_code = status_of(api, other, body["secret"])
    malformed = status_of(api, "12345", body["secret"])
    bad_check_digit = status_of(api, code[:15] + str((int(code[15]) + 1) % 10), body["secret"])
    no_header = api.get(f"{URL}{code}/")
    responses = [wrong_secret, unknown_code, malformed, bad_check_digit, no_header]
    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
    assert "detail" in wrong_secret.json()


def test_message_with_wrong_secret_is_refused_and_not_written(api, region):
    code = submit(api).json()["receipt_code"]
    response = api.post(f"{URL}{code}/messages/", {"body": "你好你好"}, format="json", HTTP_X_REPORT_SECRET="nope")
    assert response.status_code == 404
    assert not ReportMessage.objects.exists()


def test_message_validation_and_attachment(api, region):
    body = submit(api).json()
    url = f"{URL}{body['receipt_code']}/messages/"
    empty = api.post(url, {"body": "  "}, format="json", HTTP_X_REPORT_SECRET=body["secret"])
    assert empty.status_code == 400 and "body" in empty.json()["errors"]
    exe = SimpleUploadedFile("说明.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)
    refused = api.post(url, {"body": "附件", "files": [exe]}, format="multipart", HTTP_X_REPORT_SECRET=body["secret"])
    assert refused.status_code == 400 and "files" in refused.json()["errors"]
    assert not ReportMessage.objects.exists()
    pdf = SimpleUploadedFile("a.pdf", PDF)
    sent = api.post(url, {"body": "", "files": [pdf]}, format="multipart", HTTP_X_REPORT_SECRET=body["secret"])
    assert sent.status_code == 201
    message = ReportMessage.objects.get()
    assert message.attachments.get().sha256 == hashlib.sha256(PDF).hexdigest()


def test_failed_lookups_are_rate_limited_per_address(api, region, settings):
    settings.PUBLIC_REPORT_FAILED_LOOKUPS_PER_HOUR = 3
    body = submit(api).json()
    code, secret = body["receipt_code"], body["secret"]
    for _ in range(5):  # successful look-ups do not count
        assert status_of(api, code, secret).status_code == 200
    for attempt in range(3):
        assert status_of(api, code, "WRONG", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}").status_code == 404
    blocked = status_of(api, code, secret, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert blocked.status_code == 429
    assert blocked.json()["detail"]
    posted = api.post(f"{URL}{code}/messages/", {"body": "你好你好"}, format="json", HTTP_X_REPORT_SECRET=secret)
    assert posted.status_code == 429
    assert status_of(api, code, secret, REMOTE_ADDR="127.0.0.2").status_code == 200


def test_submissions_are_rate_limited_per_address(api, region, settings):
    settings.PUBLIC_REPORT_SUBMISSIONS_PER_HOUR = 2
    assert submit(api).status_code == 201
    assert submit(api, description="短").status_code == 400  # a rejected report is not counted
    assert submit(api).status_code == 201
    refused = api.post(URL, report_data(), format="json", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert refused.status_code == 429 and refused.json()["detail"]
    assert Report.objects.count() == 2
    assert api.post(URL, report_data(), format="json", REMOTE_ADDR="127.0.0.3").status_code == 201


def test_default_limits_allow_an_office_sharing_one_address(rf):
    assert settings.PUBLIC_REPORT_SUBMISSIONS_PER_HOUR >= 20
    assert settings.PUBLIC_REPORT_FAILED_LOOKUPS_PER_HOUR == 30
    request = rf.post(URL)
    for _ in range(20):
        assert ratelimit.submission_allowed(request)
        ratelimit.record_submission(request)


def test_client_address_trusts_forwarded_for_only_behind_configured_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert ratelimit.client_address(request) == "10.1.1.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_address(request) == "5.6.7.8"
    settings.TRUSTED_PROXY_COUNT = 2
    assert ratelimit.client_address(request) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 3
    assert ratelimit.client_address(request) == "10.1.1.1"


TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"region": "999999"}, "region"),
        ({"region": "320000"}, "region"),
        ({"subject_kind": "hospital"}, "subject_kind"),
        ({"subject_name": ""}, "subject_name"),
        ({"description": "太短了"}, "description"),
        ({"description": "长" * 20001}, "description"),
        ({"anonymous": False, "reporter": {"name": "韩梅梅"}}, "reporter.phone"),
        ({"anonymous": False}, "reporter.name"),
        ({"anonymous": False, "reporter": "韩梅梅"}, "reporter"),
        ({"anonymous": False, "reporter": {"name": "韩梅梅", "phone": "139", "id_number": "320703198001011230"}}, None),
        ({"occurred_from": TOMORROW, "occurred_to": ""}, "occurred_from"),
        ({"occurred_to": TOMORROW}, "occurred_to"),
        ({"occurred_from": "2026-02-30"}, "occurred_from"),
        ({"amount_estimate": "12.345"}, "amount_estimate"),
        ({"amount_estimate": 12.345}, "amount_estimate"),
        ({"amount_estimate": "-1"}, "amount_estimate"),
        ({"anonymous": "maybe"}, "anonymous"),
        ({"description": ["a", "b"]}, "description"),
    ],
)
def test_invalid_report_is_refused_with_field_messages(api, region, overrides, field):
    before = counts()
    response = submit(api, **overrides)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    if field is None:  # bad phone and bad ID number together
        assert {"reporter.phone", "reporter.id_number"} <= set(body["errors"])
    else:
        assert field in body["errors"] and all(body["errors"][field])
    assert counts() == before


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"region": "320700",', "application/json"),
        (b"[1, 2]", "application/json"),
        (b'"text"', "application/json"),
        (b"region=320700", "text/plain"),
    ],
)
def test_malformed_body_is_400(api, region, content, content_type):
    response = api.generic("POST", URL, content, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert counts() == (0, 0, 0)


def test_exe_renamed_pdf_is_refused(api, region):
    exe = SimpleUploadedFile("收据.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 500, "application/pdf")
    response = api.post(URL, {**report_data(), "files": [exe]}, format="multipart")
    assert response.status_code == 400
    assert "files" in response.json()["errors"]
    assert counts() == (0, 0, 0)


def test_oversize_attachment_is_413(api, region, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    response = api.post(URL, {**report_data(), "files": [big]}, format="multipart")
    assert response.status_code == 413
    assert "files" in response.json()["errors"]
    assert counts() == (0, 0, 0)


def test_status_never_shows_notes_staff_or_other_subjects(api, region, clerk, other_subject):
    body = submit(api).json()
    report = Report.objects.get(receipt_code=body["receipt_code"])
    report.lead.subjects.add(other_subject)
    ReportNote.objects.create(report=report, author=clerk, body="内部备注：院长的亲戚")
    report_reply(report=report, by=clerk, body="已收到，正在核查。")
    text = status_of(api, body["receipt_code"], body["secret"]).content.decode()
    for secret_text in ("内部备注", clerk.first_name, clerk.username, other_subject.name, other_subject.code, "author"):
        assert secret_text not in text
    assert "已收到，正在核查。" in text


def test_public_status_follows_decisions(api, region, alice, make_lead):
    def new_report():
        return Report.objects.get(receipt_code=submit(api).json()["receipt_code"])

    pending = new_report()
    assert public_status(pending)[0] == "received"

    dismissed = new_report()
    triage_decide(lead=dismissed.lead, by=alice, decision="dismiss", reason="经核查，该院住院记录真实。")
    code, display = public_status(dismissed)
    assert code == "not_opened" and "经核查，该院住院记录真实。" in display

    opened = new_report()
    triage_decide(lead=opened.lead, by=alice, decision="open")
    assert public_status(opened)[0] == "case_opened"

    merged_into_case = new_report()
    triage_decide(lead=merged_into_case.lead, by=alice, decision="merge", case=opened.lead.case)
    assert public_status(merged_into_case)[0] == "case_opened"

    target = make_lead()
    merged_into_lead = new_report()
    triage_decide(lead=merged_into_lead.lead, by=alice, decision="merge", target=target)
    assert public_status(merged_into_lead)[0] == "received"
    triage_decide(lead=target, by=alice, decision="open")
    assert public_status(merged_into_lead)[0] == "case_opened"
    # Plain words only: no case number, nobody's name.
    assert opened.lead.case.number not in public_status(opened)[1]
    assert alice.first_name not in public_status(dismissed)[1]


def test_wrong_methods_are_405(api, region):
    body = submit(api).json()
    assert api.get(URL).status_code == 405
    assert api.delete(f"{URL}{body['receipt_code']}/", HTTP_X_REPORT_SECRET=body["secret"]).status_code == 405
    assert api.get(f"{URL}{body['receipt_code']}/messages/", HTTP_X_REPORT_SECRET=body["secret"]).status_code == 405


def test_reporter_data_stays_out_of_the_logs(api, region, caplog):
    reporter = {"name": "韩梅梅", "phone": "13912345678", "id_number": ID_NUMBER}
    with caplog.at_level(logging.DEBUG):
        assert submit(api, anonymous=False, reporter=reporter).status_code == 201
        assert submit(api, anonymous=False, reporter={"name": "韩梅梅", "phone": "1"}).status_code == 400
    for value in reporter.values():
        assert value not in caplog.text


def test_schema_documents_the_public_endpoints(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/public/reports/"]
    assert "get" in paths["/api/v1/public/reports/{receipt_code}/"]
    assert "post" in paths["/api/v1/public/reports/{receipt_code}/messages/"]
