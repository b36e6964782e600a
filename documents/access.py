from django.http import Http404

from casework.access import parse_id
from documents.models import Document
from organisation.models import User


def access_document_by_id(user: User, document_id) -> Document:
    """Return the document if the user can see its case or lead; 404 otherwise."""
    document = Document.objects.visible_to(user).with_related().filter(pk=parse_id(document_id)).first()
    if document is None:
        raise Http404
    return document
