from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit points and blacklists")

    def ready(self):
        from auditlog.registry import auditlog

        from credit.models import Blacklisting, CreditRule, Measure, PractitionerSanction

        auditlog.register(Blacklisting)
        auditlog.register(Measure)
        auditlog.register(PractitionerSanction)
        auditlog.register(CreditRule)
