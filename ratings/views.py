"""Rating pages: the region's pharmacies with this year's grade, and one pharmacy's evaluation of a year
with the forms to record deductions and repairs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.errors import AlreadyDecided, DomainError
from casework.webutils import add_domain_errors, paginate
from ratings.access import access_deduction_by_id, access_pharmacy_by_id, may_record
from ratings.forms import DeductionForm, RatingFilterForm, RepairForm
from ratings.selectors import evaluation_detail, filter_rating_list, rating_list, subject_cases
from ratings.services import FIRST_YEAR, deduction_record, deduction_repair


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


@login_required
@require_GET
def rating_list_view(request):
    form = RatingFilterForm(request.GET or None)
    year, filters = timezone.localdate().year, {}
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        filters = {key: form.cleaned_data[key] for key in ("grade", "flag")}
        filters["query"] = form.cleaned_data["q"].strip()
    pharmacies = filter_rating_list(rating_list(user=request.user, year=year), **filters)
    return render(request, "ratings/list.html", {"form": form, "year": year, "page": paginate(request, pharmacies)})


@login_required
@require_GET
def evaluation_view(request, subject_id, year):
    subject = access_pharmacy_by_id(request.user, subject_id)
    return _render_evaluation(request, subject, _year(year))


@login_required
@require_POST
def deduction_add_view(request, subject_id, year):
    subject = access_pharmacy_by_id(request.user, subject_id, write=True)
    year = _year(year)
    form = DeductionForm(request.POST, cases=subject_cases(subject=subject, user=request.user))
    if form.is_valid():
        try:
            deduction_record(subject=subject, year=year, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The deduction has been recorded."))
            return redirect("rating-evaluation", subject_id=subject.pk, year=year)
    return _render_evaluation(request, subject, year, deduction_form=form)


@login_required
@require_POST
def deduction_repair_view(request, subject_id, year, deduction_id):
    subject = access_pharmacy_by_id(request.user, subject_id, write=True)
    year = _year(year)
    deduction = access_deduction_by_id(request.user, deduction_id, subject=subject, year=year)
    form = RepairForm(request.POST)
    if form.is_valid():
        try:
            deduction_repair(deduction=deduction, by=request.user, **form.cleaned_data)
        except AlreadyDecided as error:
            messages.error(request, str(error.message))
            return redirect("rating-evaluation", subject_id=subject.pk, year=year)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The deduction has been repaired and its points restored."))
            return redirect("rating-evaluation", subject_id=subject.pk, year=year)
    return _render_evaluation(request, subject, year, repair_forms={deduction.pk: form})


def _render_evaluation(request, subject, year, *, deduction_form=None, repair_forms=None):
    may_write = may_record(request.user, subject)
    detail = evaluation_detail(subject=subject, year=year)
    repair_forms = repair_forms or {}
    for deduction in detail["deductions"]:
        deduction.repair_form = repair_forms.get(deduction.pk) or (RepairForm() if deduction.repair_open else None)
    if may_write and deduction_form is None:
        deduction_form = DeductionForm(cases=subject_cases(subject=subject, user=request.user))
    context = {
        "subject": subject,
        "year": year,
        "this_year": timezone.localdate().year,
        "may_write": may_write,
        "deduction_form": deduction_form if may_write else None,
        **detail,
    }
    return render(request, "ratings/evaluation.html", context)
