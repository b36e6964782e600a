"""The upload page for screening-system exports (CSV or XLSX), for the bureau staff who receive them."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from casework.errors import DomainError
from intake.forms_screening import ScreeningImportForm
from intake.screening import may_submit_screen_hits
from intake.screening_import import screen_hits_import

# The page lists this many refused rows; the import_screen_hits command prints them all.
ERRORS_SHOWN = 500


@login_required
def screening_import(request):
    if not may_submit_screen_hits(request.user, via_file=True):
        raise PermissionDenied
    form = ScreeningImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = screen_hits_import(data=form.content, file_name=upload.name, by=request.user)
        except DomainError as error:
            form.add_error("file", str(error.message))
    return render(
        request,
        "intake/screening_import.html",
        {"form": form, "report": report, "error_limit": ERRORS_SHOWN, "error_slice": f":{ERRORS_SHOWN}"},
    )
