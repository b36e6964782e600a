from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = _("Pharmacy credit ratings")

    def ready(self):
        from ratings import audit  # noqa: F401 — registers the models with the audit log
