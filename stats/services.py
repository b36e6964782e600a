"""Issuing a statistics table as a numbered, immutable document (出具正式报表)."""

import datetime

from django.core.exceptions import PermissionDenied

from documents.models import Document
from documents.services import document_issue
from organisation.models import Region, User
from stats import exports, tables
from stats.access import may_issue_statistics

COMPUTE = {"results": tables.results_table, "violations": tables.violations_table}


def statistics_issue(
    *, kind: str, region: Region, date_from: datetime.date, date_to: datetime.date, by: User
) -> Document:
    """Compute the table ("results": 附件2, "violations": 附件3) and issue it, frozen, in the name of the
    caller's agency. The caller must reach the region (stats.access.access_region_by_code)."""
    if not may_issue_statistics(by) or region.pk not in by.agency.region.descendant_ids():
        raise PermissionDenied
    table = COMPUTE[kind](region, date_from, date_to)
    return document_issue(kind=exports.KINDS[kind], agency=by.agency, by=by, context=exports.document_context(table))
