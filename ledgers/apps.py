from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Ledgers")

    def ready(self):
        from auditlog.registry import auditlog

        from ledgers.models import Obligation, Payment

        auditlog.register(Obligation)
        auditlog.register(Payment)
