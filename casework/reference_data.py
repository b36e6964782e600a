"""Loads the reference data kept in casework/data/ (used by data migrations and tests)."""

import datetime
import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_json(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load_holidays(HolidayCalendar, CalendarDay) -> None:
    for year, spec in load_json("holidays.json").items():
        calendar, _ = HolidayCalendar.objects.update_or_create(year=int(year), defaults={"source": spec["source"]})
        for kind, key in (("holiday", "holidays"), ("workday", "workdays")):
            for day, name in spec[key]:
                CalendarDay.objects.update_or_create(
                    date=datetime.date.fromisoformat(day),
                    defaults={"calendar": calendar, "kind": kind, "name": name},
                )


def load_taxonomy(ViolationItem) -> None:
    data = load_json("taxonomy.json")
    for kind in ("institution", "pharmacy", "insured"):
        for number, name, description in data[kind]:
            ViolationItem.objects.update_or_create(
                subject_kind=kind, number=number, defaults={"name": name, "description": description}
            )
