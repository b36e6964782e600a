"""Audit trail of the agreement track: every change to an action and its measures is logged."""

from auditlog.registry import auditlog

from agreements.models import AgreementAction, AgreementMeasure

auditlog.register(AgreementAction)
auditlog.register(AgreementMeasure)
