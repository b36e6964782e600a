"""Issuing documents: a gapless number inside the caller's transaction, the PDF after commit."""

import hashlib

from django.db import transaction
from django.utils import timezone

from casework.errors import InvalidInput
from documents.formatting import chinese_date
from documents.kinds import DocumentKind, format_number
from documents.models import Document
from documents.rendering import render_pdf
from organisation.models import Agency, User
from organisation.services import number_allocate


def document_issue(
    *,
    kind: DocumentKind,
    agency: Agency,
    by: User | None,
    context: dict,
    case=None,
    lead=None,
    supersedes: Document | None = None,
) -> Document:
    """Number and store a document; its PDF is rendered once the transaction commits.

    Locks the agency's sequence row for this kind and year until the caller's transaction ends.
    """
    if supersedes is not None and (supersedes.kind != kind.code or supersedes.agency_id != agency.pk):
        raise InvalidInput(errors={"supersedes": ["A correction must be of the same kind and agency."]})
    with transaction.atomic():
        issued_at = timezone.now()
        year = timezone.localdate(issued_at).year
        sequence = number_allocate(agency=agency, series=f"doc:{kind.code}", year=year)
        document = Document.objects.create(
            agency=agency,
            kind=kind.code,
            number=format_number(
                prefix=agency.number_prefix, abbreviation=kind.abbreviation, year=year, sequence=sequence
            ),
            year=year,
            sequence=sequence,
            title=kind.title,
            case=case,
            lead=lead,
            context={**context, "agency_name": agency.name},
            issued_at=issued_at,
            issued_by=by,
            supersedes=supersedes,
        )
        transaction.on_commit(lambda: document_render(document=document))
    return document


def document_render(*, document: Document) -> Document:
    """Render and store the PDF if it is not stored yet; the first stored bytes are final."""
    if document.is_rendered:
        return document
    from documents.kinds import kind_by_code

    kind = kind_by_code(document.kind)
    pdf = render_pdf(template=kind.template, context={**document.context, "document": _header(document)})
    sha256 = hashlib.sha256(pdf).hexdigest()
    Document.objects.filter(pk=document.pk, sha256="").update(pdf=pdf, sha256=sha256)
    return Document.objects.get(pk=document.pk)


def document_pdf_bytes(*, document: Document) -> bytes:
    """The issued bytes, rendering first if the after-commit render has not run."""
    document = document_render(document=document)
    return bytes(document.pdf)


def document_verify(*, number: str, sha256: str) -> bool:
    return Document.objects.filter(number=number.strip(), sha256=sha256.strip().lower()).exists()


def _header(document: Document) -> dict:
    local = timezone.localtime(document.issued_at)
    return {
        "number": document.number,
        "title": document.title,
        "issued_on": chinese_date(local.date()),
        "supersedes": document.supersedes.number if document.supersedes_id else "",
    }
