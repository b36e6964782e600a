"""Drop cached holiday years when the calendar data is edited (e.g. in admin)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from casework import deadlines
from casework.models import CalendarDay, HolidayCalendar


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=HolidayCalendar)
def _calendar_changed(**kwargs) -> None:
    deadlines.clear_cache()
