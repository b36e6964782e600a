"""Reads of the statistics app: the issued tables a user may see."""

from documents.kinds import STATS_RESULTS_TABLE, STATS_VIOLATIONS_TABLE
from documents.models import Document
from organisation.models import User

TABLE_KINDS = (STATS_RESULTS_TABLE.code, STATS_VIOLATIONS_TABLE.code)


def issued_tables(user: User):
    """Statistics tables issued by agencies of the user's region or below it, newest first."""
    if not user.is_authenticated or user.agency_id is None:
        return Document.objects.none()
    return (
        Document.objects.filter(kind__in=TABLE_KINDS, agency__region_id__in=user.agency.region.descendant_ids())
        .select_related("agency", "issued_by")
        .defer("pdf", "context")
        .order_by("-issued_at", "-pk")
    )
