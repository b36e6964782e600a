"""Reporter identity is encrypted with keys from the environment, which can rotate."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from intake import crypto
from intake.models import Report
from intake.submission import report_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(settings):
    def use(*values):
        settings.REPORTER_IDENTITY_KEYS = list(values)
        crypto.reset_key_cache()

    yield use
    crypto.reset_key_cache()


def _named_report(lyg_region):
    return report_submit(
        region_code=lyg_region.code,
        subject_kind="pharmacy",
        subject_name="康宁大药房",
        description="药店用医保卡结算生活用品。",
        anonymous=False,
        reporter={"name": "王芳", "phone": "13811112222"},
    ).report


def test_rotation_moves_every_identity_to_the_new_key(keys, lyg_region, lyg_bureau):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    report = _named_report(lyg_region)
    keys(new, old)
    call_command("rotate_reporter_keys")
    keys(new)
    report.refresh_from_db()
    assert crypto.decrypt_identity(report.identity_token)["name"] == "王芳"


def test_a_missing_old_key_is_reported_and_nothing_changes(keys, lyg_region, lyg_bureau):
    keys(Fernet.generate_key().decode())
    report = _named_report(lyg_region)
    token = report.identity_token
    keys(Fernet.generate_key().decode())
    with pytest.raises(CommandError):
        call_command("rotate_reporter_keys")
    assert Report.objects.get(pk=report.pk).identity_token == token
    with pytest.raises(crypto.IdentityUnreadable):
        crypto.decrypt_identity(token)
