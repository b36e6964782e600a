"""The statistics page (附件2 and 附件3 as the paper forms), issuing them as numbered documents, and
reading the issued ones."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.access import parse_id
from documents.api import pdf_response
from stats import exports, tables
from stats.access import check_may_read, default_period, may_issue_statistics, reachable_regions
from stats.forms import IssueForm, TablesForm
from stats.selectors import issued_tables
from stats.services import statistics_issue


def _query(data) -> str:
    return urlencode(
        {"region": data["region"], "from": data["date_from"].isoformat(), "to": data["date_to"].isoformat()}
    )


@login_required
@require_GET
def statistics_page(request):
    user = request.user
    check_may_read(user)
    regions = reachable_regions(user)
    period = default_period()
    defaults = {"region": user.agency.region.code, "date_from": period.date_from, "date_to": period.date_to}
    form = TablesForm(request.GET or defaults, regions=regions)
    context = {"form": form, "may_issue": may_issue_statistics(user), "issued": issued_tables(user)[:20]}
    if not form.is_valid():
        return render(request, "stats/statistics.html", context, status=400)
    data = form.cleaned_data
    region = next(region for region in regions if region.code == data["region"])
    context.update(
        region=region,
        data=data,
        query=_query(data),
        results=tables.results_table(region, data["date_from"], data["date_to"]),
        violations=tables.violations_table(region, data["date_from"], data["date_to"]),
    )
    context["remarks"] = exports.results_remarks(context["results"])
    return render(request, "stats/statistics.html", context)


@login_required
@require_POST
def statistics_issue_view(request):
    user = request.user
    check_may_read(user)
    if not may_issue_statistics(user):
        raise PermissionDenied
    regions = reachable_regions(user)
    form = IssueForm(request.POST, regions=regions)
    if not form.is_valid():
        messages.error(request, _("The table could not be issued: choose a region and a valid period."))
        return redirect("statistics")
    data = form.cleaned_data
    region = next(region for region in regions if region.code == data["region"])
    document = statistics_issue(
        kind=data["table"], region=region, date_from=data["date_from"], date_to=data["date_to"], by=user
    )
    messages.success(request, _("Issued %(number)s.") % {"number": document.number})
    page = {"region": data["region"], "date_from": data["date_from"], "date_to": data["date_to"]}
    return redirect(f"{reverse('statistics')}?{urlencode(page)}")


@login_required
@require_GET
def statistics_document_pdf(request, pk):
    check_may_read(request.user)
    document = issued_tables(request.user).filter(pk=parse_id(pk)).first()
    if document is None:
        raise Http404
    return pdf_response(document)
