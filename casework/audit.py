"""Audit trail registration (django-auditlog): every change to leads, cases and documents."""

from auditlog.registry import auditlog

from casework.models import Case, CaseTrack, CustodyTransfer, Deadline, Evidence, Lead, Preservation, Subject, Violation

auditlog.register(Lead, m2m_fields={"subjects"})
auditlog.register(Case, m2m_fields={"subjects"})
auditlog.register(CaseTrack)
auditlog.register(Deadline)
auditlog.register(Violation)
auditlog.register(Subject)
auditlog.register(Evidence, m2m_fields={"collected_by"})
auditlog.register(CustodyTransfer)
auditlog.register(Preservation)


def acting(user):
    """Attribute audit entries written in this block to user (API and command paths have no middleware actor)."""
    from contextlib import nullcontext

    from auditlog.context import set_actor

    return set_actor(user) if user is not None else nullcontext()
