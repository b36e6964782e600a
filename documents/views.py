from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from documents.access import access_document_by_id
from documents.api import pdf_response
from documents.forms import VerifyForm
from documents.selectors import document_history, document_related_visible
from documents.services import document_verify


@login_required
def document_pdf(request, pk):
    return pdf_response(access_document_by_id(request.user, pk))


@login_required
def document_detail(request, pk):
    document = access_document_by_id(request.user, pk)
    return render(
        request,
        "documents/web/detail.html",
        {
            "document": document,
            "history": document_history(document=document, user=request.user),
            "related": document_related_visible(document=document, user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def document_verify_page(request):
    """Public: anyone holding a copy checks its number with its SHA-256, typed in or hashed from the PDF."""
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    elif "number" in request.GET:
        form = VerifyForm(request.GET)
    else:
        form = VerifyForm()
    result = None
    if form.is_bound and form.is_valid():
        digest = form.digest()
        number = form.cleaned_data["number"].strip()
        result = {"valid": document_verify(number=number, sha256=digest), "number": number, "sha256": digest}
    return render(request, "documents/web/verify.html", {"form": form, "result": result})
