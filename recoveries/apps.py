from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecoveriesConfig(AppConfig):
    name = "recoveries"
    verbose_name = _("Court asset recovery")

    def ready(self):
        from recoveries import audit  # noqa: F401 — registers the models with the audit log
