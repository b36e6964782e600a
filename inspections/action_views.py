"""Special-action pages: the actions a user may read (and a planner's form), one action with its phases,
leading group, plans, the 附件2/附件3 figures of its period, and its report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.access import parse_id
from casework.errors import DomainError
from casework.webutils import add_domain_errors, flash_domain_error, paginate
from documents.api import pdf_response
from documents.models import Document
from inspections import actions
from inspections.action_forms import ActionForm, GroupMemberForm, PhaseForm, PlanAttachForm, ReportForm


@login_required
@require_http_methods(["GET", "POST"])
def action_list(request):
    user = request.user
    form = None
    if actions.may_create_action(user):
        form = ActionForm(request.POST or None, agency=user.agency)
        if request.method == "POST" and form.is_valid():
            try:
                action = actions.action_create(agency=user.agency, by=user, **form.cleaned_data)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("The special action has been created; set its phases and leading group."))
                return redirect("special-action-detail", pk=action.pk)
    elif request.method == "POST":
        raise PermissionDenied
    page = paginate(request, actions.actions_for(user))
    today = timezone.localdate()
    for action in page.object_list:
        action.current = actions.current_phase(action, today)
    status = 400 if form is not None and form.errors else 200
    return render(request, "inspections/action_list.html", {"page": page, "form": form}, status=status)


@login_required
@require_GET
def action_detail(request, pk):
    action = actions.access_action_by_id(request.user, pk)
    return render(request, "inspections/action_detail.html", _detail_context(request, action))


def _detail_context(request, action, **forms) -> dict:
    leads = actions.may_lead(request.user, action)
    today = timezone.localdate()
    context = {
        "action": action,
        "leads": leads,
        "today": today,
        "current": actions.current_phase(action, today),
        "phases": list(action.phases.all()),
        "group": list(action.leading_group.select_related("agency").order_by("order", "pk")),
        "plans": list(actions.action_plans(action)),
        "report_open": actions.report_open(action, today),
        "annexes": actions.action_tables(action),
    }
    if leads:
        context.update(
            phase_form=forms.get("phase_form") or PhaseForm(),
            member_form=forms.get("member_form") or GroupMemberForm(action=action),
            attach_form=forms.get("attach_form") or PlanAttachForm(plans=actions.attachable_plans(action)),
            report_form=forms.get("report_form") or ReportForm(initial={"summary": action.summary}),
        )
    return context


def _retry(request, action, **forms):
    """The detail page again with the form that failed, its errors shown."""
    return render(request, "inspections/action_detail.html", _detail_context(request, action, **forms), status=400)


@login_required
@require_POST
def phase_set(request, pk):
    action = actions.access_action_by_id(request.user, pk, act=True)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            actions.phase_set(action, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The phase has been saved."))
            return redirect("special-action-detail", pk=action.pk)
    return _retry(request, action, phase_form=form)


@login_required
@require_POST
def phase_remove(request, pk, phase_pk):
    action = actions.access_action_by_id(request.user, pk, act=True)
    try:
        actions.phase_remove(action, phase_id=parse_id(phase_pk))
    except DomainError as error:
        flash_domain_error(request, error)
    return redirect("special-action-detail", pk=action.pk)


@login_required
@require_POST
def member_add(request, pk):
    action = actions.access_action_by_id(request.user, pk, act=True)
    form = GroupMemberForm(request.POST, action=action)
    if form.is_valid():
        try:
            actions.group_member_add(action, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The leading group member has been added."))
            return redirect("special-action-detail", pk=action.pk)
    return _retry(request, action, member_form=form)


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    action = actions.access_action_by_id(request.user, pk, act=True)
    try:
        actions.group_member_remove(action, member_id=parse_id(member_pk))
    except DomainError as error:
        flash_domain_error(request, error)
    return redirect("special-action-detail", pk=action.pk)


@login_required
@require_POST
def plan_attach(request, pk):
    action = actions.access_action_by_id(request.user, pk, act=True)
    form = PlanAttachForm(request.POST, plans=actions.attachable_plans(action))
    if form.is_valid():
        try:
            actions.plan_attach(action, plan=form.cleaned_data["plan"])
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The inspection plan now runs under the special action."))
            return redirect("special-action-detail", pk=action.pk)
    return _retry(request, action, attach_form=form)


@login_required
@require_POST
def plan_detach(request, pk, plan_pk):
    action = actions.access_action_by_id(request.user, pk, act=True)
    try:
        actions.plan_detach(action, plan_id=parse_id(plan_pk))
    except DomainError as error:
        flash_domain_error(request, error)
    return redirect("special-action-detail", pk=action.pk)


@login_required
@require_POST
def report_issue(request, pk):
    action = actions.access_action_by_id(request.user, pk, act=True)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            document = actions.action_report_issue(action, by=request.user, summary=form.cleaned_data["summary"])
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Issued %(number)s.") % {"number": document.number})
            return redirect("special-action-detail", pk=action.pk)
    return _retry(request, action, report_form=form)


@login_required
@require_GET
def report_pdf(request, pk):
    """The action's current report, for whoever reads the action (documents.access covers case documents only)."""
    action = actions.access_action_by_id(request.user, pk)
    if action.report_id is None:
        raise Http404
    return pdf_response(Document.objects.get(pk=action.report_id))
