"""Credit pages: the search and the region's current lists (/credit/), one subject's credit page, and the
bureau's forms on it (lifting a listing, recording a measure)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.access import parse_id
from casework.errors import DomainError
from casework.models import Case, Subject
from casework.webutils import add_domain_errors
from credit import selectors, services
from credit.access import (
    CREDIT_KINDS,
    access_subject_credit,
    is_reader,
    may_manage,
    may_read,
    readable_region_ids,
)
from credit.forms import CreditSearchForm, MeasureForm, RemovalForm
from credit.models import Blacklisting

SEARCH_ROWS = 50
LIST_ROWS = 50


@login_required
@require_GET
def credit_home(request):
    """Find a subject's credit page; the blacklist and the practitioners' sanctions of the user's region."""
    user = request.user
    if not is_reader(user):
        raise Http404
    region_ids = readable_region_ids(user)
    form = CreditSearchForm(request.GET or None)
    results = None
    if form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["kind"]):
        found = Subject.objects.in_regions(region_ids).filter(kind__in=CREDIT_KINDS)
        if form.cleaned_data["kind"]:
            found = found.filter(kind=form.cleaned_data["kind"])
        if q := form.cleaned_data["q"].strip():
            found = found.filter(Q(code=q) | Q(name__contains=q))
        results = list(found.select_related("region").order_by("kind", "code")[:SEARCH_ROWS])
    today = timezone.localdate()
    context = {
        "form": form,
        "results": results,
        "search_limit": SEARCH_ROWS,
        "blacklist": Paginator(selectors.current_blacklist(region_ids, today), LIST_ROWS).get_page(
            request.GET.get("page")
        ),
        "sanctions": Paginator(selectors.current_practitioner_sanctions(region_ids, today), LIST_ROWS).get_page(
            request.GET.get("sanctions_page")
        ),
    }
    return render(request, "credit/home.html", context)


def _detail_context(request, subject: Subject, *, removal_form=None, removal_for=None, measure_form=None):
    user = request.user
    today = timezone.localdate()
    summary = selectors.credit_summary(subject, today)
    case_ids = {entry["case_id"] for entry in summary["entries"] if entry["case_id"]}
    visible = set(Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    for entry in summary["entries"]:
        entry["case_visible"] = entry["case_id"] in visible
    manage = may_manage(user, subject)
    for listing in summary["active_listings"]:
        listing.removable_from = services.removable_from(listing)
        listing.removable = listing.removable_from is not None and listing.removable_from <= today
    return {
        "subject": subject,
        "summary": summary,
        "today": today,
        "may_manage": manage,
        "removal_form": removal_form or RemovalForm(),
        "removal_for": removal_for,
        "measure_form": measure_form or MeasureForm(initial={"starts_on": today}),
    }


@login_required
@require_GET
def credit_detail(request, kind, code):
    subject = access_subject_credit(request.user, kind, code)
    return render(request, "credit/detail.html", _detail_context(request, subject))


def _detail_url(subject: Subject) -> str:
    return reverse("credit-detail", args=[subject.kind, subject.code])


@login_required
@require_POST
def blacklisting_remove(request, pk):
    listing = Blacklisting.objects.select_related("subject__region").filter(pk=parse_id(pk)).first()
    if listing is None or not may_read(request.user, listing.subject.region):
        raise Http404
    if not may_manage(request.user, listing.subject):
        raise PermissionDenied
    form = RemovalForm(request.POST)
    if form.is_valid():
        try:
            services.blacklisting_remove(blacklisting=listing, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The listing has been lifted."))
            return redirect(_detail_url(listing.subject))
    context = _detail_context(request, listing.subject, removal_form=form, removal_for=listing.pk)
    return render(request, "credit/detail.html", context, status=400)


@login_required
@require_POST
def measure_add(request, kind, code):
    subject = access_subject_credit(request.user, kind, code)
    if not may_manage(request.user, subject):
        raise PermissionDenied
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.measure_record(subject=subject, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The measure has been recorded."))
            return redirect(_detail_url(subject))
    return render(request, "credit/detail.html", _detail_context(request, subject, measure_form=form), status=400)
