from django.contrib.auth.decorators import login_required

from documents.access import access_document_by_id
from documents.api import pdf_response


@login_required
def document_pdf(request, pk):
    return pdf_response(access_document_by_id(request.user, pk))
