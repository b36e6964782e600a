"""Working-day arithmetic over the official holiday calendar (节假日 and 调休), kept as data.

A year without calendar data falls back to plain weekends and logs a warning, so a
deadline is never missing, only possibly off by a holiday until the year is loaded.
"""

import datetime
import logging
from functools import lru_cache

logger = logging.getLogger(__name__)

SATURDAY = 5


@lru_cache(maxsize=64)
def _year_calendar(year: int) -> tuple[frozenset, frozenset] | None:
    from casework.models import CalendarDay, HolidayCalendar

    if not HolidayCalendar.objects.filter(year=year).exists():
        logger.warning("No holiday calendar for %s: counting weekends only", year)
        return None
    days = CalendarDay.objects.filter(calendar__year=year).values_list("date", "kind")
    holidays = frozenset(d for d, kind in days if kind == CalendarDay.Kind.HOLIDAY)
    workdays = frozenset(d for d, kind in days if kind == CalendarDay.Kind.WORKDAY)
    return holidays, workdays


def clear_cache() -> None:
    _year_calendar.cache_clear()


def is_working_day(day: datetime.date) -> bool:
    calendar = _year_calendar(day.year)
    if calendar is not None:
        holidays, workdays = calendar
        if day in workdays:
            return True
        if day in holidays:
            return False
    return day.weekday() < SATURDAY


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """Return the date `days` working days after start (start itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def add_days(start: datetime.date, days: int) -> datetime.date:
    """Calendar days, for rules counted in 日 rather than 工作日."""
    return start + datetime.timedelta(days=days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days lie after start up to and including end (0 when end <= start)."""
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        count += is_working_day(current)
    return count
