from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from config.live_counts import register_counter
        from referrals.selectors import waiting_count

        register_counter("referrals", waiting_count)
