from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistsConfig(AppConfig):
    name = "assists"
    verbose_name = _("Assist requests and major-case reports")

    def ready(self):
        from config.live_counts import register_counter

        register_counter("assists", waiting_count)


def waiting_count(user) -> int:
    """Open assist requests the user's bureau has to answer (the nav badge)."""
    from assists.models import AssistRequest

    if not user.is_authenticated or user.agency_id is None:
        return 0
    return AssistRequest.objects.received_by_agency_of(user).open().count()
