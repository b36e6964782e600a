"""How dates read in official documents (公文): 2026年3月5日, and with the time 2026年3月5日9时05分."""

import datetime
from decimal import Decimal

from django.utils import timezone


def yuan(amount: Decimal | None) -> str:
    """An amount in yuan as documents print it: 12,345.60 (none is 0.00)."""
    return f"{(amount or Decimal(0)):,.2f}"


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_datetime(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{chinese_date(local.date())}{local.hour}时{local.minute:02d}分"
