from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreement sanctions")

    def ready(self):
        from agreements import audit  # noqa: F401 — registers the models with the audit log
