"""Audit trail registration (django-auditlog): every change to leads, cases and documents."""

from contextlib import contextmanager, nullcontext
from contextvars import ContextVar

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


# The audit context of the current request or command, if one is open (see audit_context).
_open_context: ContextVar[dict | None] = ContextVar("open_audit_context", default=None)


@contextmanager
def audit_context(data: dict):
    """Attribute audit entries written in this block (actor, remote address) — reentrant.

    auditlog's own set_actor/set_extra_data are not: a nested block overwrites the outer one's state, so on
    exit the outer's pre_save receiver is never disconnected and every request that calls a service left
    one behind for good. Here only the outermost block connects a receiver; an inner block with an actor
    lends it to the open context and gives the previous one back on exit.
    """
    from auditlog.context import set_extra_data

    open_context = _open_context.get()
    if open_context is not None:
        previous = open_context.get("actor")
        if data.get("actor") is not None:
            open_context["actor"] = data["actor"]
        try:
            yield
        finally:
            open_context["actor"] = previous
        return
    token = _open_context.set(data)
    try:
        with set_extra_data(context_data=data):
            yield
    finally:
        _open_context.reset(token)


def acting(user):
    """Attribute audit entries written in this block to user (API and command paths have no middleware actor)."""
    return audit_context({"actor": user}) if user is not None else nullcontext()


class AuditMiddleware:
    """auditlog's AuditlogMiddleware, opening its context through audit_context so services can nest in it."""

    def __init__(self, get_response):
        from auditlog.middleware import AuditlogMiddleware

        self.get_response = get_response
        self.extra_data = AuditlogMiddleware(get_response).get_extra_data

    def __call__(self, request):
        from auditlog.cid import set_cid

        set_cid(request)
        with audit_context(self.extra_data(request)):
            return self.get_response(request)
