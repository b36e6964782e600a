"""Audit trail for intake records. Secrets and encrypted identity never enter a diff."""

from auditlog.registry import auditlog

from intake.models import Report

auditlog.register(Report, exclude_fields=["secret_hash", "identity_token", "last_reporter_message_at"])
