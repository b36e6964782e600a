"""The public disclosure pages (no account) and the bureau's management pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.errors import DomainError
from casework.webutils import add_domain_errors, flash_domain_error, paginate
from disclosure import selectors, services
from disclosure.access import access_disclosure_by_id, public_disclosure_by_id, require_manager
from disclosure.forms import DisclosureForm, FromCaseForm, FromPlanForm, PublicFilterForm, WithdrawForm
from disclosure.masking import PERSON_KINDS
from disclosure.models import Disclosure
from disclosure.plan_results import disclosure_from_plan, draw_check
from organisation.models import Region

# Labels of the draw record's usual keys; other keys are shown as they are.
DRAW_LABELS = {
    "seed": gettext_lazy("Seed"),
    "algorithm": gettext_lazy("Algorithm"),
    "algorithm_version": gettext_lazy("Algorithm version"),
    "drawn_on": gettext_lazy("Drawn on"),
    "population": gettext_lazy("Population"),
    "population_size": gettext_lazy("Population size"),
    "sample_size": gettext_lazy("Number drawn"),
    "plan": gettext_lazy("Inspection plan"),
    "percent": gettext_lazy("Sample percentage"),
    "minimum": gettext_lazy("Minimum number drawn"),
}
# Lists of the draw record (population, inspector pool, conflicts) are downloaded as JSON, not printed.
DRAW_LISTS = ("targets", "population", "pool", "conflicts")
PUBLIC_ROWS = 20
MANAGE_ROWS = 50


@require_GET
def public_list(request):
    regions = list(selectors.public_regions())
    form = PublicFilterForm(request.GET or None, regions=regions)
    kind, region = "", None
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        if code := form.cleaned_data["region"]:
            region = Region.objects.filter(code=code).first()
    page = paginate(request, selectors.public_disclosures(kind=kind, region=region), PUBLIC_ROWS)
    return render(request, "disclosure/public/list.html", {"form": form, "page": page})


@require_GET
def public_detail(request, pk):
    disclosure = public_disclosure_by_id(pk)
    record = disclosure.draw_record if isinstance(disclosure.draw_record, dict) else {}
    other = [(DRAW_LABELS.get(k, k), v) for k, v in record.items() if k not in DRAW_LISTS]
    return render(
        request,
        "disclosure/public/detail.html",
        {
            "disclosure": disclosure,
            "targets": record.get("targets"),
            "draw_fields": other,
            "downloadable": isinstance(record.get("population"), list),
            "draw_check": draw_check(record),
            "person_kinds": PERSON_KINDS,
        },
    )


@require_GET
def public_draw_record(request, pk):
    """The published draw record as JSON, to re-run the draw with the published algorithm."""
    disclosure = public_disclosure_by_id(pk)
    if disclosure.kind != Disclosure.Kind.RANDOM_CHECK or not disclosure.draw_record:
        raise Http404
    response = JsonResponse(disclosure.draw_record, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="draw-record-{disclosure.pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def manage_list(request):
    """The bureau's disclosures; a new one typed in, or a typical case from a closed case."""
    agency = require_manager(request.user)
    form = DisclosureForm(prefix="new")
    from_case = FromCaseForm(agency=agency, prefix="case")
    from_plan = FromPlanForm(agency=agency, prefix="plan")
    if request.method == "POST":
        if "plan-plan" in request.POST:
            from_plan = FromPlanForm(request.POST, agency=agency, prefix="plan")
            if from_plan.is_valid():
                try:
                    created = disclosure_from_plan(from_plan.cleaned_data["plan"], request.user)
                except DomainError as error:
                    add_domain_errors(from_plan, error)
                else:
                    messages.success(request, _("Draft prepared from the plan's draw; check it before publishing."))
                    return redirect("disclosure-manage-detail", pk=created.pk)
        elif "case-case" in request.POST:
            from_case = FromCaseForm(request.POST, agency=agency, prefix="case")
            if from_case.is_valid():
                try:
                    created = services.disclosure_from_case(from_case.cleaned_data["case"], request.user)
                except DomainError as error:
                    add_domain_errors(from_case, error)
                else:
                    messages.success(request, _("Draft prepared from the case; check it before publishing."))
                    return redirect("disclosure-manage-detail", pk=created.pk)
        else:
            form = DisclosureForm(request.POST, prefix="new")
            if form.is_valid():
                fields = dict(form.cleaned_data)
                try:
                    created = services.disclosure_create(
                        agency=agency, by=request.user, kind=fields.pop("kind"), **fields
                    )
                except DomainError as error:
                    add_domain_errors(form, error)
                else:
                    messages.success(request, _("Draft saved."))
                    return redirect("disclosure-manage-detail", pk=created.pk)
    page = paginate(request, selectors.bureau_disclosures(agency.pk), MANAGE_ROWS)
    return render(
        request,
        "disclosure/manage_list.html",
        {"page": page, "form": form, "from_case": from_case, "from_plan": from_plan, "agency": agency},
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_detail(request, pk):
    disclosure = access_disclosure_by_id(request.user, pk)
    editable = disclosure.status == Disclosure.Status.DRAFT
    form = None
    if editable:
        initial = {name: getattr(disclosure, name) for name in services.EDITABLE_FIELDS}
        form = DisclosureForm(request.POST or None, initial={**initial, "kind": disclosure.kind})
        form.fields["kind"].disabled = True
        if request.method == "POST" and form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
            try:
                services.disclosure_update(disclosure=disclosure, by=request.user, **fields)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("disclosure-manage-detail", pk=disclosure.pk)
    context = {
        "disclosure": disclosure,
        "form": form,
        "withdraw_form": WithdrawForm(),
        "public_url": reverse("disclosure-public-detail", args=[disclosure.pk]),
    }
    return render(request, "disclosure/manage_detail.html", context)


@login_required
@require_POST
def publish(request, pk):
    disclosure = access_disclosure_by_id(request.user, pk)
    try:
        services.disclosure_publish(disclosure=disclosure, by=request.user)
    except DomainError as error:
        flash_domain_error(request, error)
        for name, field_messages in error.errors.items():
            label = Disclosure._meta.get_field(name).verbose_name
            for message in field_messages:
                messages.error(request, f"{label}: {message}")
    else:
        messages.success(request, _("Published."))
    return redirect("disclosure-manage-detail", pk=disclosure.pk)


@login_required
@require_POST
def withdraw(request, pk):
    disclosure = access_disclosure_by_id(request.user, pk)
    form = WithdrawForm(request.POST)
    try:
        services.disclosure_withdraw(disclosure=disclosure, by=request.user, reason=form.data.get("reason", ""))
    except DomainError as error:
        flash_domain_error(request, error)
    else:
        messages.success(request, _("Withdrawn: it no longer appears on the public page."))
    return redirect("disclosure-manage-detail", pk=disclosure.pk)
