"""Public report pages (/report/, /report/status/): a phone-friendly form in Chinese, the receipt
code and secret shown once, look-up kept for the browser session, replies and attachments."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casework.models import Lead
from intake import codes
from intake.crypto import decrypt_identity
from intake.models import Attachment, Report, ReportMessage
from intake.services import report_reply
from intake.views_public import SESSION_KEY
from tests.test_public_report_api import PDF, png_bytes

pytestmark = pytest.mark.django_db

ART_35 = "对举报人的信息保密"


@pytest.fixture
def region(lyg_bureau, clerk, subject):
    return lyg_bureau.region


def form_data(**overrides) -> dict:
    data = {
        "region": "320700",
        "subject_kind": "pharmacy",
        "subject_name": "海州区康民大药房",
        "description": "药店用医保卡为参保人刷生活用品，收银员说可以这样结算。",
        "occurred_from": "2026-05-01",
        "occurred_to": "",
        "amount_estimate": "860.50",
        "anonymous": "1",
        "reporter_name": "",
        "reporter_id_number": "",
        "reporter_phone": "",
        "reporter_email": "",
    }
    return {**data, **overrides}


def shown_credentials(response) -> tuple[str, str]:
    html = response.content.decode()
    code = re.search(r'id="receipt-code">([^<]+)<', html).group(1)
    secret = re.search(r'id="secret">([^<]+)<', html).group(1)
    return code, secret


def alert(response) -> str:
    return re.search(r'class="pub-alert pub-alert-error" role="alert"><p>([^<]+)<', response.content.decode()).group(1)


def test_report_page_is_a_phone_friendly_chinese_form(client, region):
    response = client.get("/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "css/public.css" in html and "css/app.css" not in html
    assert "第三十五条" in html and ART_35 in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert '<option value="320700">连云港市</option>' in html
    for name in ("region", "subject_kind", "subject_name", "subject_code", "description", "occurred_from"):
        assert f'name="{name}"' in html
    assert 'type="file" name="files" multiple' in html
    # The named fields are in the page (shown without JavaScript; the script hides them when anonymous).
    for name in ("reporter_name", "reporter_id_number", "reporter_phone", "reporter_email"):
        assert f'name="{name}"' in html
    assert "no-store" in response["Cache-Control"]


def test_anonymous_lifecycle_through_the_pages(client, region, clerk):
    response = client.post("/report/", {**form_data(), "files": [SimpleUploadedFile("照片.png", png_bytes())]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code, secret = shown_credentials(response)
    report = Report.objects.get()
    assert code == report.receipt_code_display and re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)
    assert codes.secret_matches(secret, report.secret_hash)
    assert report.anonymous and report.attachments.get().content_type == "image/png"
    assert secret not in str(dict(client.session))

    lookup = client.post("/report/status/", {"receipt_code": code, "secret": secret})
    assert lookup.status_code == 302 and lookup["Location"] == "/report/status/"
    assert client.session[SESSION_KEY] == report.pk
    assert client.session.get_expire_at_browser_close()

    page = client.get("/report/status/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert 'data-status="received"' in page.content.decode()
    assert code in page.content.decode()

    pdf = SimpleUploadedFile("补充材料.pdf", PDF)
    sent = client.post("/report/status/message/", {"body": "补充：周末也有这种情况。", "files": [pdf]})
    assert sent.status_code == 302
    message = ReportMessage.objects.get(sender="reporter")
    assert message.body == "补充：周末也有这种情况。"
    assert message.attachments.get().sha256 == hashlib.sha256(PDF).hexdigest()

    only_files = client.post("/report/status/message/", {"body": "", "files": [SimpleUploadedFile("b.pdf", PDF)]})
    assert only_files.status_code == 302
    assert Attachment.objects.filter(report=report).count() == 3

    report_reply(report=report, by=clerk, body="请提供购药小票的照片。")
    html = client.get("/report/status/").content.decode()
    assert "补充：周末也有这种情况。" in html and "请提供购药小票的照片。" in html
    assert clerk.first_name not in html and clerk.username not in html

    ended = client.post("/report/status/end/")
    assert ended.status_code == 302 and SESSION_KEY not in client.session
    after = client.get("/report/status/").content.decode()
    assert 'name="receipt_code"' in after and "请提供购药小票的照片。" not in after


def test_named_report_through_the_page(client, region):
    data = form_data(anonymous="0", reporter_name="韩梅梅", reporter_phone="139 1234 5678")
    response = client.post("/report/", data)
    assert response.status_code == 200
    report = Report.objects.get()
    assert not report.anonymous
    assert "韩梅梅" not in report.identity_token and "13912345678" not in report.identity_token
    assert decrypt_identity(report.identity_token)["phone"] == "13912345678"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"region": "999999"}, "region"),
        ({"description": "太短"}, "description"),
        ({"anonymous": "0", "reporter_name": "韩梅梅"}, "reporter_phone"),
        ({"anonymous": "0", "reporter_name": "韩", "reporter_phone": "13912345678", "reporter_id_number": "1"}, None),
        ({"occurred_from": "2999-01-01"}, "occurred_from"),
        ({"amount_estimate": "1.005"}, "amount_estimate"),
    ],
)
def test_invalid_report_shows_errors_and_writes_nothing(client, region, overrides, field):
    response = client.post("/report/", form_data(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field or "reporter_id_number"]
    assert 'id="form-errors"' in response.content.decode()
    assert Lead.objects.count() == 0 and Report.objects.count() == 0


def test_attachments_are_checked_on_the_page(client, region, settings):
    exe = SimpleUploadedFile("单据.pdf", b"MZ\x90\x00\x03" + b"\x00" * 300)
    refused = client.post("/report/", {**form_data(), "files": [exe]})
    assert refused.status_code == 400 and refused.context["form"].errors["files"]
    settings.ATTACHMENT_MAX_BYTES = 100
    too_big = client.post("/report/", {**form_data(), "files": [SimpleUploadedFile("a.pdf", PDF * 10)]})
    assert too_big.status_code == 413 and too_big.context["form"].errors["files"]
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0


def test_wrong_code_or_secret_gives_the_same_message(client, region):
    client.post("/report/", form_data())
    report = Report.objects.get()
    wrong_secret = client.post("/report/status/", {"receipt_code": report.receipt_code, "secret": "AAAA-BBBB"})
    unknown = client.post("/report/status/", {"receipt_code": codes.new_receipt_code(), "secret": "AAAA-BBBB"})
    malformed = client.post("/report/status/", {"receipt_code": "12", "secret": ""})
    assert {r.status_code for r in (wrong_secret, unknown, malformed)} == {404}
    assert alert(wrong_secret) == alert(unknown) == alert(malformed)
    assert SESSION_KEY not in client.session


def test_messages_need_a_looked_up_report(client, region):
    client.post("/report/", form_data())
    response = client.post("/report/status/message/", {"body": "你好你好"})
    assert response.status_code == 302 and response["Location"] == "/report/status/"
    assert not ReportMessage.objects.exists()
    assert client.get("/report/status/message/").status_code == 405


def test_page_submissions_and_lookups_share_the_api_counters(client, api, region, settings):
    settings.PUBLIC_REPORT_SUBMISSIONS_PER_HOUR = 1
    settings.PUBLIC_REPORT_FAILED_LOOKUPS_PER_HOUR = 2
    assert client.post("/report/", form_data()).status_code == 200
    limited = client.post("/report/", form_data(), HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert limited.status_code == 429 and 'class="pub-alert pub-alert-error"' in limited.content.decode()
    assert Report.objects.count() == 1

    report = Report.objects.get()
    assert api.get(f"/api/v1/public/reports/{report.receipt_code}/", HTTP_X_REPORT_SECRET="x").status_code == 404
    assert client.post("/report/status/", {"receipt_code": report.receipt_code, "secret": "x"}).status_code == 404
    blocked = client.post("/report/status/", {"receipt_code": "1", "secret": "x"}, HTTP_X_FORWARDED_FOR="192.0.2.2")
    assert blocked.status_code == 429


def test_forms_require_csrf(region):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/report/", form_data()).status_code == 403
    assert browser.post("/report/status/", {"receipt_code": "1", "secret": "x"}).status_code == 403
    assert Report.objects.count() == 0


def test_login_page_links_to_the_public_pages(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/report/"' in html and 'href="/report/status/"' in html


def test_status_page_shows_the_decision_in_plain_words(client, region, alice):
    from workflows.triage import triage_decide

    code, secret = shown_credentials(client.post("/report/", form_data()))
    report = Report.objects.get()
    triage_decide(lead=report.lead, by=alice, decision="dismiss", reason="该药店已于上月被查处，不重复立案。")
    client.post("/report/status/", {"receipt_code": code, "secret": secret})
    html = client.get("/report/status/").content.decode()
    assert 'data-status="not_opened"' in html and "该药店已于上月被查处，不重复立案。" in html
    assert alice.first_name not in html
