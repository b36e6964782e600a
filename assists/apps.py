from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistsConfig(AppConfig):
    name = "assists"
    verbose_name = _("Assist requests and major-case reports")
