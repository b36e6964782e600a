from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = _("Reporting rewards")

    def ready(self):
        from auditlog.registry import auditlog

        from rewards.models import Reward

        # Reads of the claimant's identity and payment details are logged as ACCESS entries.
        auditlog.register(Reward, exclude_fields=["claimant_token", "payment_token"])
