"""Working-day deadlines over the official 2025/2026 holiday schedules (with 调休)."""

import datetime
import logging

import pytest

from casework.deadlines import add_working_days, is_working_day
from casework.models import CalendarDay, HolidayCalendar

D = datetime.date
pytestmark = pytest.mark.django_db


def test_national_day_2026_is_skipped_and_the_swapped_saturday_counts():
    # 2026-09-30 (Wed) + 1 working day: 10/1–10/7 are holidays, 10/8 (Thu) is the next working day.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    # Saturday 2026-10-10 is a working day (调休), so Friday 10/9 + 1 → 10/10.
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    # Sunday 2026-09-20 is a working day; Mid-Autumn 9/25–9/27 is not.
    assert is_working_day(D(2026, 9, 20))
    assert not is_working_day(D(2026, 9, 25))


def test_spring_festival_2026():
    # Saturday 2/14 is a working day; 2/15–2/23 is the holiday; 2/24 (Tue) the next working day.
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert is_working_day(D(2026, 2, 28))  # Saturday, swapped


def test_fifteen_working_days_across_national_day_2026():
    # Lead received Monday 2026-09-21: working days 9/22,23,24, 9/28,29,30, 10/8,9,10(Sat), 10/12..16, 10/19.
    assert add_working_days(D(2026, 9, 21), 15) == D(2026, 10, 19)


def test_2025_new_year_and_spring_festival():
    assert not is_working_day(D(2025, 1, 1))
    assert is_working_day(D(2025, 1, 26))  # Sunday, swapped
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)


def test_weekends_only_with_a_warning_for_a_year_without_data(caplog):
    with caplog.at_level(logging.WARNING, logger="casework.deadlines"):
        # 2031-01-03 is a Friday: the next working day is Monday the 6th.
        assert add_working_days(D(2031, 1, 3), 1) == D(2031, 1, 6)
    assert "No holiday calendar for 2031" in caplog.text


def test_editing_the_calendar_takes_effect_at_once():
    assert is_working_day(D(2026, 12, 31))
    calendar = HolidayCalendar.objects.get(year=2026)
    CalendarDay.objects.create(calendar=calendar, date=D(2026, 12, 31), kind="holiday", name="测试")
    assert not is_working_day(D(2026, 12, 31))


def test_zero_days_is_the_start_date_and_negative_is_refused():
    assert add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), -1)


def test_working_days_between_counts_after_start_up_to_end():
    from casework.deadlines import working_days_between

    assert working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1  # the holiday week counts nothing
    assert working_days_between(D(2026, 10, 9), D(2026, 10, 12)) == 2  # Sat 10/10 is a working day
    assert working_days_between(D(2026, 10, 12), D(2026, 10, 12)) == 0


def test_the_deadline_tag_says_days_left_today_or_overdue():
    import time_machine
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load deadlines %}{% deadline due running unit %}")
    with time_machine.travel(D(2026, 9, 30)), translation.override("zh-hans"):
        ahead = template.render(Context({"due": D(2026, 10, 9), "running": True, "unit": "working"}))
        late = template.render(Context({"due": D(2026, 9, 25), "running": True, "unit": "calendar"}))
        today = template.render(Context({"due": D(2026, 9, 30), "running": True, "unit": "working"}))
        finished = template.render(Context({"due": D(2026, 9, 25), "running": False, "unit": "working"}))
    assert "2026年10月9日" in ahead and "剩余 2 个工作日" in ahead
    assert "逾期 5 天" in late and "overdue-text" in late
    assert "今日到期" in today
    assert "逾期" not in finished and "剩余" not in finished
