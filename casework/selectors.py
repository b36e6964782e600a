"""Reads shared by the web pages and the API."""

from django.db.models import Prefetch

from casework.models import Case, Deadline, Evidence, Lead, Subject
from documents.models import Document
from organisation.models import Agency, User
from organisation.roles import Role


def lead_list(*, user: User):
    return Lead.objects.visible_to(user).with_related().order_by("-received_at", "-id")


def lead_detail(lead: Lead, *, user: User) -> Lead:
    """The lead with what its pages show; notices to a reporter only for those who may see the reporter."""
    documents = document_refs()
    if not user.has_perm("casework.view_reporter_identity", lead):
        documents = documents.without_confidential()
    return (
        Lead.objects.filter(pk=lead.pk)
        .select_related("agency", "case", "decided_by", "registered_by", "merged_into")
        .prefetch_related("subjects", Prefetch("documents", queryset=documents))
        .get()
    )


def document_refs():
    """Documents for listing: without PDF bytes or frozen contexts, with what they supersede."""
    return Document.objects.select_related("supersedes").defer(
        "pdf", "context", "supersedes__pdf", "supersedes__context"
    )


def case_documents(case: Case):
    return document_refs().filter(case=case)


def case_evidence(case: Case):
    """A case's evidence for listing: holder, record document (without its PDF) and collectors."""
    return Evidence.objects.filter(case=case).with_related().defer("document__pdf", "document__context")


def case_list(*, user: User):
    return (
        Case.objects.visible_to(user)
        .with_related()
        .prefetch_related(Prefetch("deadlines", queryset=Deadline.objects.open()))
        .order_by("-opened_at", "-id")
    )


# The registry holds insured persons' names: only the medical-security side and auditors browse it.
REGISTRY_AGENCY_KINDS = (Agency.Kind.BUREAU, Agency.Kind.INSURANCE_AGENCY)


def subjects_for(*, user: User):
    """Registry entries of the user's region and the regions below it."""
    if not user.is_authenticated or user.agency_id is None:
        return Subject.objects.none()
    if user.agency.kind not in REGISTRY_AGENCY_KINDS and not user.has_role(Role.AUDITOR):
        return Subject.objects.none()
    return Subject.objects.in_regions(user.agency.region.descendant_ids())


def history_for(obj, *, limit: int = 50):
    """The audit trail of one record, newest first (who, when, what changed)."""
    from auditlog.models import LogEntry

    return LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp")[:limit]
