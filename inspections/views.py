"""Inspection pages: the plans a user may read (and a planner's form), one plan with its draw, review imports,
conflicts of interest and targets; an investigator's own conflicts; the visit records as PDF."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.errors import DomainError
from casework.models import ViolationItem
from casework.webutils import add_domain_errors, flash_domain_error, paginate
from documents.api import pdf_response
from documents.models import Document
from inspections import review, services
from inspections.access import access_plan_by_id, access_target_by_id, may_declare_own_conflicts, may_plan
from inspections.forms import ConflictForm, DrawForm, OwnConflictForm, PlanForm, ReviewImportForm, VisitForm
from inspections.models import Conflict, Plan


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


def _taxonomy_choices() -> dict[str, list[tuple[int, str]]]:
    """Subject kind → (id, label) of its active taxonomy items, in one query for the whole page."""
    choices: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, kind, number, name in ViolationItem.objects.filter(active=True).values_list(
        "pk", "subject_kind", "number", "name"
    ):
        choices[kind].append((pk, f"{number}. {name}"))
    return choices


def _conflict_form(plan, data=None):
    return ConflictForm(
        data,
        prefix="conflict",
        pool=services.inspector_pool(plan.agency),
        population=services.population_queryset(plan).values("pk"),
        region_ids=plan.agency.region.descendant_ids(),
    )


def _detail_context(request, plan, *, draw_form=None, visit_form=None, visit_target=None, **forms):
    user = request.user
    planner = may_plan(user, plan.agency)
    open_visits = plan.status in (Plan.Status.DRAWN, Plan.Status.IN_PROGRESS)
    targets = list(plan.targets.all())
    taxonomy = None
    for target in targets:
        target.pair = sorted(target.inspectors.all(), key=lambda u: u.pk)
        target.violations = sorted(target.violation_items.all(), key=lambda item: item.number)
        target.may_visit = open_visits and not target.result and (planner or any(u.pk == user.pk for u in target.pair))
        if visit_target == target.pk:
            target.form = visit_form
        elif target.may_visit:
            taxonomy = taxonomy if taxonomy is not None else _taxonomy_choices()
            target.form = VisitForm(
                prefix=f"t{target.pk}", items=taxonomy.get(target.subject.kind, ()), may_open_case=planner
            )
    context = {
        "plan": plan,
        "targets": targets,
        "planner": planner,
        "draw_form": draw_form or DrawForm(),
        "regions": plan.regions.order_by("code"),
        "review_imports": list(plan.review_imports.select_related("created_by")),
    }
    if planner:
        context["conflicts"] = list(
            Conflict.objects.filter(Q(plan=plan) | Q(plan__isnull=True, inspector__agency=plan.agency))
            .select_related("inspector", "subject", "plan")
            .order_by("-declared_at", "-pk")
        )
        if plan.status == Plan.Status.DRAFT:
            context["conflict_form"] = forms.get("conflict_form") or _conflict_form(plan)
        else:
            context["review_form"] = forms.get("review_form") or ReviewImportForm(prefix="review")
    return context


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
def review_import(request, pk):
    plan = access_plan_by_id(request.user, pk, act=True)
    form = ReviewImportForm(request.POST, request.FILES, prefix="review")
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = review.review_import(
                plan,
                by=request.user,
                rule=data["rule"],
                source=data["source"],
                data=form.content,
                file_name=data["file"].name if data["file"] else "",
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            duplicates = len(done.record.get("duplicates_skipped", []))
            messages.success(
                request,
                _("%(created)d review targets imported with their inspector pairs; %(duplicates)d already listed.")
                % {"created": done.targets_created, "duplicates": duplicates},
            )
            return redirect("inspection-plan-detail", pk=plan.pk)
    context = _detail_context(request, plan, review_form=form)
    return render(request, "inspections/plan_detail.html", context, status=400)


@login_required
@require_POST
def conflict_declare(request, pk):
    plan = access_plan_by_id(request.user, pk, act=True)
    form = _conflict_form(plan, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.conflict_declare(
                inspector=data["inspector"],
                subject=data["subject"],
                reason=data["reason"],
                plan=plan if data["scope"] == "plan" else None,
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The conflict of interest has been recorded; the draw will respect it."))
            return redirect("inspection-plan-detail", pk=plan.pk)
    context = _detail_context(request, plan, conflict_form=form)
    return render(request, "inspections/plan_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def own_conflicts(request):
    user = request.user
    if not may_declare_own_conflicts(user):
        raise PermissionDenied
    form = OwnConflictForm(request.POST or None, agency=user.agency)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.conflict_declare(
                    inspector=user, subject=data["subject_code"], reason=data["reason"], plan=data["plan"]
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Your conflict of interest has been recorded."))
                return redirect("inspection-own-conflicts")
        status = 400
    conflicts = Conflict.objects.filter(inspector=user).select_related("subject", "plan").order_by("-declared_at")
    return render(
        request, "inspections/conflict_list.html", {"form": form, "conflicts": list(conflicts)}, status=status
    )


@login_required
@require_POST
def target_visit(request, pk, target_pk):
    plan = access_plan_by_id(request.user, pk)
    target = access_target_by_id(request.user, target_pk, plan=plan)
    planner = may_plan(request.user, plan.agency)
    items = _taxonomy_choices().get(target.subject.kind, ())
    form = VisitForm(request.POST, prefix=f"t{target.pk}", items=items, may_open_case=planner)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.target_visit(
                target,
                by=request.user,
                person=data["person"],
                findings=data["findings"],
                found=data["found"],
                violations=data["violations"] if data["found"] else [],
                open_case=data.get("open_case", False),
            )
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


@login_required
@require_GET
def target_record_pdf(request, pk, target_pk):
    """The 现场检查笔录 of a visit, for whoever reads the plan (a record without a lead is no case document)."""
    plan = access_plan_by_id(request.user, pk)
    target = access_target_by_id(request.user, target_pk, plan=plan, act=False)
    document = Document.objects.filter(pk=target.record_id).first() if target.record_id else None
    if document is None:
        raise Http404
    return pdf_response(document)
