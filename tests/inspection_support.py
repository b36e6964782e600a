"""An inspection plan as the planners' page creates it, for the tests that need one (not what they test)."""

import datetime
from decimal import Decimal

from inspections import services
from inspections.models import Plan


def plan_new(*, by, regions, title="2026年双随机检查", **fields):
    """A plan of by's bureau: 双随机 on institutions in 2026 Q4 at 10 % unless fields say otherwise."""
    defaults = {
        "agency": by.agency,
        "kind": Plan.Kind.RANDOM,
        "period_from": datetime.date(2026, 10, 1),
        "period_to": datetime.date(2026, 12, 31),
        "subject_kinds": ["institution"],
        "sample_percent": Decimal("10"),
    }
    return services.plan_create(by=by, title=title, regions=regions, **{**defaults, **fields})
