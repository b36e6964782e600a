from django.http import Http404

from documents.models import Document
from organisation.models import User


def access_document_by_id(user: User, document_id) -> Document:
    """Return the document if the user can see its case or lead; 404 otherwise."""
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        raise Http404 from None
    document = Document.objects.visible_to(user).with_related().filter(pk=document_id).first()
    if document is None:
        raise Http404
    return document
