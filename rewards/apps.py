from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = _("Reporting rewards")

    def ready(self):
        from auditlog.registry import auditlog

        from config.live_counts import register_counter
        from rewards.models import Reward
        from rewards.selectors import waiting_count

        register_counter("rewards", waiting_count)

        # Reads of the claimant's identity and payment details are logged as ACCESS entries.
        auditlog.register(Reward, exclude_fields=["claimant_token", "payment_token"])
