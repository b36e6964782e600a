"""Lead and case pages for staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import selectors, services
from casework.access import access_case_by_id, access_lead_by_id
from casework.errors import DomainError
from casework.findings import case_totals
from casework.forms import CaseFilterForm, LeadFilterForm, LeadRegisterForm, WithdrawForm
from casework.forms_evidence import PreservationDecisionForm, PreservationForm
from casework.models import ViolationItem
from casework.webutils import add_domain_errors, flash_domain_error, paginate
from intake.models import Report
from intake.selectors import same_subject_leads
from workflows.forms import AssignForm, ViolationForm
from workflows.investigation import assignable_officers
from workflows.selectors import investigation_panel
from workflows.triage import pending_triage_task, triage_start


@login_required
def lead_list(request):
    form = LeadFilterForm(request.GET or None)
    leads = selectors.lead_list(user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            leads = leads.filter(status=data["status"])
        if data["source_kind"]:
            leads = leads.filter(source_kind=data["source_kind"])
        if data["q"]:
            leads = leads.filter(Q(title__contains=data["q"]) | Q(subjects__code=data["q"])).distinct()
        if data["overdue"]:
            leads = leads.overdue()
    return render(request, "casework/lead_list.html", {"form": form, "page": paginate(request, leads)})


@login_required
def lead_detail(request, pk):
    lead = selectors.lead_detail(access_lead_by_id(request.user, pk), user=request.user)
    task = pending_triage_task(lead) if request.user.has_perm("casework.triage_lead", lead) else None
    context = {
        "lead": lead,
        "subjects": lead.subjects.with_suspension(),
        "triage_task": task,
        "history": selectors.history_for(lead),
        "report": Report.objects.filter(lead=lead).first(),
        "same_subject": same_subject_leads(lead=lead, user=request.user)[:20],
        "merged_leads": lead.merged_leads.order_by("received_at"),
        "hits": lead.screen_hits.select_related("subject").order_by("pk")[:50],
        "hit_totals": lead.screen_hits.aggregate(count=Count("pk"), amount=Sum("amount")),
    }
    return render(request, "casework/lead_detail.html", context)


@login_required
def lead_register(request):
    user = request.user
    if user.agency is None or not user.has_perm("casework.add_lead"):
        raise PermissionDenied
    subjects = selectors.subjects_for(user=user).order_by("kind", "name")
    form = LeadRegisterForm(request.POST or None, subjects=subjects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lead = triage_start(
                agency=user.agency,
                source_kind=data["source_kind"],
                title=data["title"],
                description=data["description"],
                subjects=list(data["subjects"]),
                received_at=data["received_at"],
                amount_estimate=data["amount_estimate"],
                by=user,
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Lead registered; it is waiting for triage."))
            return redirect("lead-detail", pk=lead.pk)
    return render(request, "casework/lead_form.html", {"form": form})


@login_required
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    cases = selectors.case_list(user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            cases = cases.filter(status=data["status"])
        if data["q"]:
            cases = cases.filter(
                Q(number__contains=data["q"]) | Q(title__contains=data["q"]) | Q(subjects__code=data["q"])
            ).distinct()
        if data["overdue"]:
            cases = cases.overdue()
    return render(request, "casework/case_list.html", {"form": form, "page": paginate(request, cases)})


@login_required
def case_detail(request, pk):
    case = access_case_by_id(request.user, pk)
    can_act = request.user.has_perm("casework.change_case", case)
    context = {
        "case": case,
        "subjects": case.subjects.with_suspension(),
        "leads": case.leads.all(),
        "deadlines": case.deadlines.all(),
        "violations": case.violations.select_related("subject", "item"),
        "documents": selectors.case_documents(case),
        "evidence": selectors.case_evidence(case),
        "preservations": case.preservations.all(),
        "can_act": can_act,
        "preservation_form": PreservationForm(auto_id="id_preservation_%s") if can_act else None,
        "decision_form": PreservationDecisionForm(auto_id=False) if can_act else None,
        "can_decide": request.user.has_perm("casework.decide_case", case),
        "withdraw_form": WithdrawForm(),
        "history": selectors.history_for(case),
        **_investigation_context(request.user, case, can_act),
        **_recovery_context(request.user, case),
        "may_start_reward": _may_start_reward(request.user, case),
    }
    return render(request, "casework/case_detail.html", context)


def _may_start_reward(user, case) -> bool:
    from rewards.access import may_start_reward
    from rewards.services import reward_due

    return may_start_reward(user, case) and reward_due(case)


def _recovery_context(user, case) -> dict:
    """Court recoveries (退赔/追缴) the user may read on this case, and whether they may open one."""
    from recoveries.models import Recovery
    from recoveries.services import may_open_recovery

    return {
        "recoveries": list(Recovery.objects.visible_to(user).filter(case=case).select_related("court").order_by("pk")),
        "may_open_recovery": may_open_recovery(user, case),
    }


def _investigation_context(user, case, can_act: bool) -> dict:
    """The investigation panel: assignment (opened), findings and the open task (investigating)."""
    panel = investigation_panel(case=case, user=user)
    investigating = case.status == case.Status.INVESTIGATING
    can_assign = (
        case.status == case.Status.OPENED and panel["process"] is None and user.has_perm("casework.decide_case", case)
    )
    can_record = can_act and investigating and panel["findings_open"]
    return {
        "investigation": panel,
        "totals": case_totals(case) if panel["process"] is not None else None,
        "assign_form": AssignForm(officers=assignable_officers(agency_id=case.agency_id)) if can_assign else None,
        "violation_form": (
            ViolationForm(subjects=case.subjects.all(), items=ViolationItem.objects.filter(active=True))
            if can_record
            else None
        ),
    }


@login_required
@require_POST
def case_withdraw(request, pk):
    case = access_case_by_id(request.user, pk, perm="casework.decide_case")
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for withdrawing the case."))
        return redirect("case-detail", pk=case.pk)
    try:
        services.case_withdraw(case=case, by=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        flash_domain_error(request, error)
    else:
        messages.success(request, _("The case has been withdrawn."))
    return redirect("case-detail", pk=case.pk)
