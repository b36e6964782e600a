"""Security as an attacker would probe it (issue 10): headers and CSP on every kind of page, no inline scripts
for the CSP to forbid, production settings that pass `check --deploy`, sign-in throttling on the login page,
and no reporter identity, secret or password in the logs of a whole report-to-case scenario."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings

from intake.models import Report
from organisation import login_throttle
from workflows.triage import triage_decide

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def region(lyg_bureau, clerk, subject):
    return lyg_bureau.region


@pytest.mark.parametrize("url", ["/accounts/login/", "/report/", "/disclosures/"])
def test_public_pages_send_the_security_headers(client, db, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_staff_pages_and_the_api_docs_send_the_csp(client, alice):
    client.force_login(alice)
    for url in ("/tasks/", "/cases/", "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"], url
    # Swagger UI's own script is served as a file ('self'), not inline.
    assert "<script>" not in client.get("/api/docs/").content.decode().replace(" ", "")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_has_inline_scripts_or_handlers():
    """The CSP allows scripts from files only: an inline one would silently not run in the browser."""
    offenders = []
    for path in ROOT.glob("*/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    for path in (ROOT / "templates").glob("**/*.html"):
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def _manage(env_extra: dict, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**env, **env_extra}, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy():
    done = _manage(
        {
            "PRODUCTION": "1",
            "SECRET_KEY": "k" * 20 + "-production-secret-0123456789-abcdefghij",
            "REPORTER_IDENTITY_KEYS": Fernet.generate_key().decode(),
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_production_refuses_the_demo_key_and_a_missing_identity_key():
    done = _manage({"PRODUCTION": "1", "REPORTER_IDENTITY_KEYS": Fernet.generate_key().decode()}, "check")
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr
    done = _manage({"PRODUCTION": "1", "SECRET_KEY": "s" * 60}, "check")
    assert done.returncode != 0 and "REPORTER_IDENTITY_KEYS" in done.stderr


# Sign-in throttling -------------------------------------------------------------------------------------


def test_login_page_locks_an_address_out_of_an_account_after_repeated_failures(client, alice):
    for _ in range(login_throttle.MAX_FAILURES):
        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
        assert response.status_code == 200
    refused = client.post("/accounts/login/", {"username": "alice", "password": "pw"})
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    # The owner, from another address, still signs in; that success does not unlock the attacker's address.
    other = client.__class__(REMOTE_ADDR="10.0.0.8")
    assert other.post("/accounts/login/", {"username": "alice", "password": "pw"}).status_code == 302
    assert client.post("/accounts/login/", {"username": "alice", "password": "pw"}).status_code == 429


def test_api_token_and_login_page_share_the_count(client, api, alice):
    for _ in range(login_throttle.MAX_FAILURES):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert api.post("/api/v1/auth/token/", {"username": "alice", "password": "pw"}).status_code == 429


# Logs ---------------------------------------------------------------------------------------------------


def test_a_whole_scenario_logs_no_identity_secret_or_password(client, region, alice, clerk, caplog, settings):
    settings.LOGGING_CONFIG = None
    caplog.set_level(logging.DEBUG)
    name, phone, id_number = "韩梅梅", "13912345678", "320705199001011234"
    response = client.post(
        "/report/",
        {
            "region": "320700",
            "subject_kind": "pharmacy",
            "subject_name": "海州区康民大药房",
            "description": "药店用医保卡为参保人刷生活用品，收银员说可以这样结算。",
            "amount_estimate": "860.50",
            "anonymous": "0",
            "reporter_name": name,
            "reporter_phone": phone,
            "reporter_id_number": id_number,
        },
    )
    html = response.content.decode()
    code = re.search(r'id="receipt-code">([^<]+)<', html).group(1).replace(" ", "")
    secret = re.search(r'id="secret">([^<]+)<', html).group(1)
    status = client.post("/report/status/", {"receipt_code": code, "secret": secret}, follow=True)
    assert status.status_code == 200 and "data-status=" in status.content.decode()
    client.post("/report/status/", {"receipt_code": code, "secret": "WRONG-SECRET"})
    client.post("/accounts/login/", {"username": "clerk", "password": "not-the-password"})
    client.force_login(clerk)
    report = Report.objects.get()
    shown = client.get(f"/intake/reports/{report.pk}/?identity=1").content.decode()
    assert name in shown  # the clerk read it (and the read was audit-logged in the database, not the log)
    triage_decide(lead=report.lead, by=alice, decision="open")
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert logged.strip(), "the scenario logged nothing: the test would prove nothing"
    for secret_value in (
        name,
        phone,
        id_number,
        secret,
        "not-the-password",
        "WRONG-SECRET",
        django_settings.SECRET_KEY,
    ):
        assert secret_value not in logged, secret_value
