"""Demo: a corrected document (更正) per city, so that a document page shows its version history.

Run after the cases are seeded: the city's bureau corrects its most recent 先行登记保存通知书 (else its most
recent 不予立案告知书) with a new numbered document that supersedes it, and then corrects the correction,
a chain of three.
"""

import datetime

from django.db import transaction

from documents.kinds import NON_OPENING_NOTICE, PRESERVATION_NOTICE, kind_by_code
from documents.models import Document
from documents.services import document_issue
from organisation.models import Agency, Region

CORRECTABLE_KINDS = (PRESERVATION_NOTICE.code, NON_OPENING_NOTICE.code)
CORRECTIONS = ("保存地点表述有误，予以更正。", "联系人有误，再次更正。")


def seed_document_corrections(*, region: Region, today: datetime.date) -> int:
    """Correct one document of the city's bureau twice; returns the number of corrections issued (0 if done)."""
    bureau = Agency.objects.filter(region=region, kind=Agency.Kind.BUREAU).first()
    if bureau is None or Document.objects.filter(agency=bureau, supersedes__isnull=False).exists():
        return 0
    original = None
    for code in CORRECTABLE_KINDS:
        original = (
            Document.objects.filter(agency=bureau, kind=code, superseded_by__isnull=True)
            .exclude(case__isnull=True, lead__isnull=True)
            .order_by("-issued_at", "-pk")
            .first()
        )
        if original is not None:
            break
    if original is None:
        return 0
    kind = kind_by_code(original.kind)
    with transaction.atomic():
        previous = original
        for note in CORRECTIONS:
            context = {key: value for key, value in previous.context.items() if key != "agency_name"}
            # Issued on the demo's day; the note is kept with the context, not printed.
            context["correction_note"] = f"{today:%Y-%m-%d}：{note}"
            previous = document_issue(
                kind=kind,
                agency=bureau,
                by=previous.issued_by,
                case=previous.case,
                lead=previous.lead,
                context=context,
                supersedes=previous,
            )
    return len(CORRECTIONS)
