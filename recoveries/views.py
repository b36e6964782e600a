"""Recovery pages: the follow-up list with totals, one recovery with its forms, and opening one from a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.access import access_case_by_id
from casework.errors import DomainError
from casework.models import Case
from casework.webutils import add_domain_errors, paginate
from organisation.models import Agency
from recoveries import services
from recoveries.access import (
    access_application_by_id,
    access_debtor_by_id,
    access_instalment_by_id,
    access_recovery_by_id,
)
from recoveries.forms import (
    EnforcementForm,
    InstalmentForm,
    ListFilterForm,
    MeetingForm,
    OpenForm,
    PaymentForm,
    StepForm,
)
from recoveries.selectors import courts_for, recovery_detail, recovery_list, recovery_totals
from recoveries.services import ACT, RECORD

PER_PAGE = 30


@login_required
def recovery_list_view(request):
    form = ListFilterForm(request.GET or None, courts=courts_for(request.user))
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "court": data["court"],
            "debtor": data["debtor"].strip(),
            "status": data["status"],
            "overdue": True if data["overdue"] else None,
        }
    recoveries = recovery_list(user=request.user, **filters)
    context = {
        "form": form,
        "page": paginate(request, recoveries, PER_PAGE),
        "totals": recovery_totals(recoveries=recoveries),
    }
    return render(request, "recoveries/recovery_list.html", context)


# The operations the recovery page accepts (the "op" field of its forms) and the permission each needs.
OPS = {
    "payment": RECORD,
    "enforcement": RECORD,
    "step": RECORD,
    "meeting": RECORD,
    "instalments": ACT,
    "remove_instalment": ACT,
    "close": ACT,
}


@login_required
@require_http_methods(["GET", "POST"])
def recovery_detail_view(request, pk):
    recovery = access_recovery_by_id(request.user, pk)
    bound = {}
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op not in OPS:
            messages.error(request, _("This page does not take that action; reload it."))
            return redirect("recovery-detail", pk=recovery.pk)
        if not request.user.has_perm(OPS[op], recovery):
            raise PermissionDenied
        try:
            form, done = OP_HANDLERS[op](request, recovery)
        except DomainError as error:
            form, done = getattr(error, "form", None), False
            if form is None:
                messages.error(request, str(error.message))
                return redirect("recovery-detail", pk=recovery.pk)
            add_domain_errors(form, error)
        if done:
            messages.success(request, str(DONE_MESSAGES[op]))
            return redirect("recovery-detail", pk=recovery.pk)
        bound[op] = form
    return _render_detail(request, recovery, bound)


def _render_detail(request, recovery, bound: dict):
    user = request.user
    detail = recovery_detail(recovery)
    may_record = user.has_perm(RECORD, recovery)
    may_act = user.has_perm(ACT, recovery)
    is_open = recovery.closed_on is None
    debtors = detail["debtors"]
    owing = [debtor for debtor in debtors if debtor.balance > 0]
    open_applications = [a for a in detail["applications"] if not a.concluded]
    forms = {}
    if is_open and may_record:
        forms["payment"] = bound.get("payment") or PaymentForm(debtors=owing)
        forms["enforcement"] = bound.get("enforcement") or EnforcementForm(debtors=debtors)
        if open_applications:
            forms["step"] = bound.get("step") or StepForm(applications=open_applications)
        forms["meeting"] = bound.get("meeting") or MeetingForm(debtors=debtors)
    if is_open and may_act:
        forms["instalments"] = bound.get("instalments") or InstalmentForm(debtors=owing)
    context = {
        "recovery": recovery,
        "case_visible": Case.objects.visible_to(user).filter(pk=recovery.case_id).exists(),
        "may_record": may_record,
        "may_act": may_act,
        "may_close": is_open and may_act and detail["totals"]["balance"] <= 0,
        "is_open": is_open,
        "forms": forms,
        "open_form": next(iter(bound), None),
        **detail,
    }
    return render(request, "recoveries/recovery_detail.html", context)


def _failed(error: DomainError, form) -> DomainError:
    error.form = form
    return error


def _do_payment(request, recovery):
    form = PaymentForm(request.POST, debtors=recovery.debtors.all())
    if not form.is_valid():
        return form, False
    data = form.cleaned_data
    debtor = access_debtor_by_id(data["debtor"], recovery=recovery)
    try:
        payment = services.payment_record(
            debtor=debtor,
            by=request.user,
            paid_on=data["paid_on"],
            amount=data["amount"],
            channel=data["channel"],
            receipt_no=data["receipt_no"],
        )
    except DomainError as error:
        raise _failed(error, form) from None
    balance = services.debtor_balance(debtor)
    messages.info(
        request,
        _("¥%(amount)s paid by %(name)s; ¥%(balance)s still owed.")
        % {"amount": f"{payment.amount:,.2f}", "name": debtor.name, "balance": f"{balance:,.2f}"},
    )
    return form, True


def _do_instalments(request, recovery):
    form = InstalmentForm(request.POST, debtors=recovery.debtors.all())
    if not form.is_valid():
        return form, False
    debtor = access_debtor_by_id(form.cleaned_data["debtor"], recovery=recovery)
    try:
        services.instalments_add(debtor=debtor, items=form.items(), by=request.user)
    except DomainError as error:
        raise _failed(error, form) from None
    return form, True


def _do_remove_instalment(request, recovery):
    instalment = access_instalment_by_id(request.POST.get("instalment"), recovery=recovery)
    services.instalment_remove(instalment=instalment, by=request.user)
    return None, True


def _do_enforcement(request, recovery):
    debtors = list(recovery.debtors.all())
    form = EnforcementForm(request.POST, debtors=debtors)
    if not form.is_valid():
        return form, False
    data = form.cleaned_data
    try:
        services.enforcement_apply(
            recovery=recovery,
            by=request.user,
            applied_on=data["applied_on"],
            court_reference=data["court_reference"],
            debtors=[d for d in debtors if d.pk in data["debtors"]],
            note=data["note"],
        )
    except DomainError as error:
        raise _failed(error, form) from None
    return form, True


def _do_step(request, recovery):
    applications = list(recovery.enforcement_applications.open())
    form = StepForm(request.POST, applications=applications)
    if not form.is_valid():
        return form, False
    data = form.cleaned_data
    application = access_application_by_id(data["application"], recovery=recovery)
    try:
        services.enforcement_step_record(
            application=application,
            by=request.user,
            kind=data["kind"],
            happened_on=data["happened_on"],
            note=data["note"],
            court_reference=data["court_reference"],
        )
    except DomainError as error:
        raise _failed(error, form) from None
    return form, True


def _do_meeting(request, recovery):
    form = MeetingForm(request.POST, debtors=recovery.debtors.all())
    if not form.is_valid():
        return form, False
    try:
        services.meeting_record(recovery=recovery, by=request.user, **form.service_arguments())
    except DomainError as error:
        raise _failed(error, form) from None
    return form, True


def _do_close(request, recovery):
    services.recovery_close(recovery=recovery, by=request.user)
    return None, True


OP_HANDLERS = {
    "payment": _do_payment,
    "instalments": _do_instalments,
    "remove_instalment": _do_remove_instalment,
    "enforcement": _do_enforcement,
    "step": _do_step,
    "meeting": _do_meeting,
    "close": _do_close,
}
DONE_MESSAGES = {
    "payment": _("The payment has been recorded."),
    "instalments": _("The instalments have been added to the plan."),
    "remove_instalment": _("The instalment has been taken out of the plan."),
    "enforcement": _("The enforcement application has been recorded."),
    "step": _("The enforcement step has been recorded."),
    "meeting": _("The recovery meeting has been recorded."),
    "close": _("The recovery is closed: everything ordered has been paid."),
}


def courts_near(case: Case):
    """Courts of the case's region, the regions above it and below it."""
    region = case.agency.region
    regions = {r.pk for r in region.ancestors_and_self()} | region.descendant_ids()
    return Agency.objects.filter(Q(region_id__in=regions), kind=Agency.Kind.COURT).order_by("code")


@login_required
@require_http_methods(["GET", "POST"])
def recovery_open_view(request, pk):
    """Open a recovery by hand from a case page (the bureau's asset-recovery officers)."""
    case = access_case_by_id(request.user, pk)
    if not services.may_open_recovery(request.user, case):
        raise PermissionDenied
    subjects = list(case.subjects.order_by("pk"))
    form = OpenForm(request.POST or None, courts=courts_near(case), subjects=subjects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recovery = services.recovery_open(
                case=case,
                court=data["court"],
                reference=data["reference"],
                judged_on=data["judged_on"],
                kind=data["kind"],
                debtors=form.debtors(),
                by=request.user,
                note=data["note"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The recovery has been opened."))
            return redirect("recovery-detail", pk=recovery.pk)
    return render(request, "recoveries/recovery_open.html", {"case": case, "form": form})
