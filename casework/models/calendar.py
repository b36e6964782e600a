from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayCalendar(models.Model):
    """One year's official holiday schedule (国务院办公厅 notice); days are its CalendarDay rows."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["year"]
        verbose_name = _("holiday calendar")
        verbose_name_plural = _("holiday calendars")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A public holiday on a weekday, or a weekend day that is a working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Swapped working day")

    calendar = models.ForeignKey(HolidayCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.name} ({self.get_kind_display()})"
