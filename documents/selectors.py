"""Reads for the document page: the correction history and which related records the reader may open."""

from dataclasses import dataclass

from documents.models import Document
from organisation.models import User

# Corrections of corrections are rare; the walk stops here whatever the data says.
MAX_HISTORY = 50
HISTORY_FIELDS = ("pk", "number", "title", "issued_at", "supersedes_id")


@dataclass(frozen=True)
class HistoryEntry:
    pk: int
    number: str
    title: str
    issued_at: object
    visible: bool


@dataclass(frozen=True)
class DocumentHistory:
    # Oldest first: the documents this one replaces, directly or through earlier corrections.
    supersedes: list[HistoryEntry]
    # Nearest first: the corrections that replace this one, then the corrections of those.
    superseded_by: list[HistoryEntry]

    @property
    def current(self) -> HistoryEntry | None:
        """The correction now in force, if this document has been replaced."""
        return self.superseded_by[-1] if self.superseded_by else None


def document_history(*, document: Document, user: User) -> DocumentHistory:
    """Walk the supersede chain both ways; entries the user may not see carry visible=False.

    One query per step of the chain, plus one for visibility.
    """
    earlier = []
    previous_id = document.supersedes_id
    while previous_id is not None and len(earlier) < MAX_HISTORY:
        row = Document.objects.filter(pk=previous_id).values(*HISTORY_FIELDS).first()
        if row is None:
            break
        earlier.append(row)
        previous_id = row["supersedes_id"]
    later = []
    current_id = document.pk
    while len(later) < MAX_HISTORY:
        row = Document.objects.filter(supersedes_id=current_id).values(*HISTORY_FIELDS).first()
        if row is None:
            break
        later.append(row)
        current_id = row["pk"]
    ids = [row["pk"] for row in earlier + later]
    visible = set(Document.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()

    def entry(row) -> HistoryEntry:
        return HistoryEntry(
            pk=row["pk"],
            number=row["number"],
            title=row["title"],
            issued_at=row["issued_at"],
            visible=row["pk"] in visible,
        )

    return DocumentHistory(
        supersedes=[entry(row) for row in reversed(earlier)], superseded_by=[entry(row) for row in later]
    )


def document_related_visible(*, document: Document, user: User) -> dict:
    """Whether the user may open the document's case and lead pages (a referral's receiver may not)."""
    from casework.models import Case, Lead

    return {
        "case": document.case_id is not None and Case.objects.visible_to(user).filter(pk=document.case_id).exists(),
        "lead": document.lead_id is not None and Lead.objects.visible_to(user).filter(pk=document.lead_id).exists(),
    }
