"""Replaying a demo case's history on the dates it happened.

The services stamp what they do with the current time (task times, document issue dates, the audit
log), so the demo travels the clock back to each step's date while it takes the step: the
investigation report, the outcome decision, a 事先告知书 and its 送达 then carry consistent dates.
"""

import datetime
import time
from contextlib import contextmanager

import time_machine
from django.utils import timezone

OFFICE_HOURS = datetime.time(10, 0)


@contextmanager
def on(moment: datetime.date | datetime.datetime):
    """Run the block as if it were `moment` (a date means 10:00 that day, local time); a moment still to
    come runs at the real time (blocks nest, so "now" is read past any travel in force)."""
    if not isinstance(moment, datetime.datetime):
        moment = timezone.make_aware(datetime.datetime.combine(moment, OFFICE_HOURS))
    clock = time_machine.escape_hatch.time.time if time_machine.escape_hatch.is_travelling() else time.time
    real_now = datetime.datetime.fromtimestamp(clock(), tz=datetime.UTC)
    if moment >= real_now:
        yield
        return
    with time_machine.travel(moment, tick=True):
        yield
