from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenaltiesConfig(AppConfig):
    name = "penalties"
    verbose_name = _("Administrative penalties")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from penalties.models import DecisionExtension, Hearing, Penalty

        auditlog.register(Penalty)
        auditlog.register(Hearing)
        auditlog.register(DecisionExtension)
