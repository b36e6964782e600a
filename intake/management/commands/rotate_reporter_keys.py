"""Re-encrypt every reporter identity with the newest key in REPORTER_IDENTITY_KEYS."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from intake.crypto import IdentityUnreadable, rotate_token
from intake.models import Report


class Command(BaseCommand):
    help = "Re-encrypt reporter identities with the first key of REPORTER_IDENTITY_KEYS (after adding a new key)."

    def handle(self, *args, **options):
        rotated = 0
        try:
            with transaction.atomic():
                for report in Report.objects.exclude(identity_token="").select_for_update().only("identity_token"):
                    report.identity_token = rotate_token(report.identity_token)
                    report.save(update_fields=["identity_token"])
                    rotated += 1
        except IdentityUnreadable as exc:
            raise CommandError(
                "有举报人身份信息无法用当前任何密钥解密，未作更改；请把旧密钥保留在 REPORTER_IDENTITY_KEYS 中。"
            ) from exc
        self.stdout.write(f"已用新密钥重新加密 {rotated} 条举报人身份信息。")
