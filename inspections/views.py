"""Inspection pages: the plans a user may read (and a planner's form), one plan with its draw and targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.errors import DomainError
from casework.webutils import add_domain_errors, flash_domain_error, paginate
from inspections import services
from inspections.access import access_plan_by_id, access_target_by_id, may_plan
from inspections.forms import DrawForm, PlanForm, VisitForm
from inspections.models import Plan


def _may_create(user) -> bool:
    return user.agency_id is not None and user.agency.kind == "medical_security_bureau" and may_plan(user, user.agency)


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request):
    user = request.user
    creating = _may_create(user)
    form = None
    if creating:
        region_ids = user.agency.region.descendant_ids()
        form = PlanForm(request.POST or None, region_ids=region_ids)
        if request.method == "POST" and form.is_valid():
            try:
                plan = services.plan_create(agency=user.agency, by=user, **form.cleaned_data)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("The plan has been created; draw its targets when ready."))
                return redirect("inspection-plan-detail", pk=plan.pk)
    elif request.method == "POST":
        raise PermissionDenied
    plans = Plan.objects.visible_to(user).select_related("agency").order_by("-period_from", "-pk")
    return render(request, "inspections/plan_list.html", {"page": paginate(request, plans), "form": form})


@login_required
@require_GET
def plan_detail(request, pk):
    plan = access_plan_by_id(request.user, pk)
    return render(request, "inspections/plan_detail.html", _detail_context(request, plan))


def _detail_context(request, plan, *, draw_form=None, visit_form=None, visit_target=None):
    user = request.user
    planner = may_plan(user, plan.agency)
    open_visits = plan.status in (Plan.Status.DRAWN, Plan.Status.IN_PROGRESS)
    targets = list(plan.targets.all())
    for target in targets:
        target.pair = sorted(target.inspectors.all(), key=lambda u: u.pk)
        target.may_visit = open_visits and not target.result and (planner or any(u.pk == user.pk for u in target.pair))
        target.form = visit_form if visit_target == target.pk else VisitForm(prefix=f"t{target.pk}")
    return {
        "plan": plan,
        "targets": targets,
        "planner": planner,
        "draw_form": draw_form or DrawForm(),
        "regions": plan.regions.order_by("code"),
    }


@login_required
@require_POST
def plan_draw(request, pk):
    plan = access_plan_by_id(request.user, pk, act=True)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            services.plan_draw(plan, by=request.user, seed=form.cleaned_data["seed"] or None)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The targets and inspector pairs have been drawn."))
            return redirect("inspection-plan-detail", pk=plan.pk)
    context = _detail_context(request, plan, draw_form=form)
    return render(request, "inspections/plan_detail.html", context, status=400)


@login_required
@require_POST
def target_visit(request, pk, target_pk):
    plan = access_plan_by_id(request.user, pk)
    target = access_target_by_id(request.user, target_pk, plan=plan)
    form = VisitForm(request.POST, prefix=f"t{target.pk}")
    if form.is_valid():
        try:
            services.target_visit(target, by=request.user, **form.cleaned_data)
        except DomainError as error:
            if error.errors:
                add_domain_errors(form, error)
            else:
                flash_domain_error(request, error)
                return redirect("inspection-plan-detail", pk=plan.pk)
        else:
            messages.success(request, _("The visit and its on-site inspection record have been recorded."))
            return redirect("inspection-plan-detail", pk=plan.pk)
    context = _detail_context(request, plan, visit_form=form, visit_target=target.pk)
    return render(request, "inspections/plan_detail.html", context, status=400)
