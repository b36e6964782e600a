"""Audit trail of the ratings: every deduction, repair and change of an evaluation or indicator is logged."""

from auditlog.registry import auditlog

from ratings.models import Deduction, Evaluation, GradeBand, Indicator, RatingScheme

auditlog.register(Evaluation)
auditlog.register(Deduction)
auditlog.register(Indicator)
auditlog.register(RatingScheme)
auditlog.register(GradeBand)
