"""Court asset recovery in the demo: the case the court judged (restitution ordered) is followed up."""

import datetime

from organisation.models import Agency, User
from organisation.roles import Role
from recoveries.demo import demo_recoveries
from referrals.models import Referral, ReferralOutcome


def seed_recoveries(*, bureau: Agency, court: Agency, today: datetime.date) -> None:
    officer = User.objects.filter(agency=bureau, groups__role_group__role=Role.RECOVERY_OFFICER).order_by("pk").first()
    judged = Referral.objects.filter(
        agency=bureau, outcomes__kind=ReferralOutcome.Kind.JUDGMENT, outcomes__restitution_ordered__gt=0
    ).select_related("case")
    for referral in judged.distinct():
        demo_recoveries(case=referral.case, court=court, by=officer, today=today)
