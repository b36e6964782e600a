"""Figures a province or bureau sets (domain.md §4, §6), read from settings with the statutory defaults.

PENALTY_HEARING_THRESHOLD_PERSON / _ORGANISATION   较大数额罚款 (处罚法 Art.63), default ¥10,000 / ¥100,000
PENALTY_REVIEW_THRESHOLD_PERSON / _ORGANISATION    法制审核 from this sum (Art.58), default ¥5,000 / ¥100,000
PENALTY_DISCUSSION_THRESHOLD_PERSON / _ORGANISATION 集体讨论 from this sum (Art.57), default ¥50,000 / ¥500,000
PENALTY_DECISION_EXTENSION_DAYS                    the head's one extension of the 90 days, default 30
"""

from decimal import Decimal

from django.conf import settings

from casework import penalty_rules as rules


def _yuan(name: str, default: Decimal) -> Decimal:
    return Decimal(str(getattr(settings, name, default)))


def hearing_thresholds() -> rules.HearingThresholds:
    default = rules.DEFAULT_HEARING_THRESHOLDS
    return rules.HearingThresholds(
        person=_yuan("PENALTY_HEARING_THRESHOLD_PERSON", default.person),
        organisation=_yuan("PENALTY_HEARING_THRESHOLD_ORGANISATION", default.organisation),
    )


def review_thresholds() -> rules.ReviewThresholds:
    default = rules.DEFAULT_REVIEW_THRESHOLDS
    return rules.ReviewThresholds(
        review_person=_yuan("PENALTY_REVIEW_THRESHOLD_PERSON", default.review_person),
        review_organisation=_yuan("PENALTY_REVIEW_THRESHOLD_ORGANISATION", default.review_organisation),
        discussion_person=_yuan("PENALTY_DISCUSSION_THRESHOLD_PERSON", default.discussion_person),
        discussion_organisation=_yuan("PENALTY_DISCUSSION_THRESHOLD_ORGANISATION", default.discussion_organisation),
    )


def extension_days() -> int:
    return int(getattr(settings, "PENALTY_DECISION_EXTENSION_DAYS", rules.DEFAULT_DECISION_EXTENSION_DAYS))
