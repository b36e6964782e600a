"""Audit trail of asset recovery: every recovery, debtor, plan, payment, meeting, promise and enforcement step."""

from auditlog.registry import auditlog

from recoveries.models import (
    Debtor,
    EnforcementApplication,
    EnforcementStep,
    Instalment,
    Promise,
    Recovery,
    RecoveryMeeting,
    RecoveryPayment,
)

for model in (
    Recovery,
    Debtor,
    Instalment,
    RecoveryPayment,
    RecoveryMeeting,
    Promise,
    EnforcementApplication,
    EnforcementStep,
):
    auditlog.register(model)
