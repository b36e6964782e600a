"""Inspection plans: create, draw (reproducibly, see inspections.sampling), visit.

Callers check that `by` may act (inspections.access); these functions validate and act in one transaction.
"""

import datetime
import secrets
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Lead, Subject, ViolationItem
from documents.formatting import chinese_datetime
from documents.kinds import INSPECTION_RECORD
from documents.services import document_issue
from inspections import sampling
from inspections.models import Conflict, Plan, Target
from organisation.models import Agency, Region, User
from organisation.roles import Role

INSPECTED_KINDS = (Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY)
# Who may be drawn as an inspector: the bureau's investigators (稽查员/执法人员).
INSPECTOR_ROLES = (Role.INVESTIGATOR,)


def plan_create(
    *,
    agency: Agency,
    by: User,
    title: str,
    kind: str,
    period_from: datetime.date,
    period_to: datetime.date,
    subject_kinds: Sequence[str],
    regions: Sequence[Region],
    sample_percent,
    sample_minimum: int = 0,
) -> Plan:
    """A draft plan of a bureau; 全覆盖 (full coverage) always takes 100 %."""
    errors: dict[str, list[str]] = {}
    if agency.kind != Agency.Kind.BUREAU:
        errors["agency"] = [_("Only a medical security bureau plans inspections.")]
    if not (title or "").strip():
        errors["title"] = [_("This field is required.")]
    if kind not in Plan.Kind.values:
        errors["kind"] = [_("Unknown kind of inspection.")]
    if period_from is None or period_to is None:
        errors["period_to"] = [_("Give the period's first and last day.")]
    elif period_to < period_from:
        errors["period_to"] = [_("The end cannot be before the start.")]
    subject_kinds = list(dict.fromkeys(subject_kinds or ()))
    if not subject_kinds or any(k not in INSPECTED_KINDS for k in subject_kinds):
        errors["subject_kinds"] = [_("Choose designated medical institutions, retail pharmacies or both.")]
    regions = list(regions or ())
    allowed = agency.region.descendant_ids()
    if not regions:
        errors["regions"] = [_("Choose at least one region.")]
    elif any(region.pk not in allowed for region in regions):
        errors["regions"] = [_("A plan covers the bureau's own region and the regions below it only.")]
    if kind == Plan.Kind.FULL:
        sample_percent = Decimal(100)
    try:
        percent = Decimal(str(sample_percent))
    except (InvalidOperation, TypeError, ValueError):
        percent = None
    if percent is None or not percent.is_finite() or not Decimal(0) < percent <= Decimal(100):
        errors["sample_percent"] = [_("The sample percentage must be more than 0 and at most 100.")]
    if sample_minimum is None or int(sample_minimum) < 0:
        errors["sample_minimum"] = [_("The minimum cannot be negative.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        plan = Plan.objects.create(
            agency=agency,
            title=title.strip(),
            kind=kind,
            period_from=period_from,
            period_to=period_to,
            subject_kinds=subject_kinds,
            sample_percent=percent.quantize(Decimal("0.01")),
            sample_minimum=int(sample_minimum),
            created_by=by,
        )
        plan.regions.set(regions)
    return plan


def plan_region_ids(plan: Plan) -> set[int]:
    """The plan's regions and the regions below them."""
    region_ids: set[int] = set()
    for region in plan.regions.all():
        region_ids |= region.descendant_ids()
    return region_ids


def population_queryset(plan: Plan):
    """The active subjects of the plan's kinds in its regions and the regions below them."""
    return Subject.objects.filter(
        kind__in=plan.subject_kinds, region_id__in=plan_region_ids(plan), status=Subject.Status.ACTIVE
    ).order_by("kind", "code")


def population_of(plan: Plan) -> list[Subject]:
    return list(population_queryset(plan).only("pk", "kind", "code", "level", "ownership", "category"))


def stratum_of(subject: Subject) -> str:
    """kind:level:ownership — the strata every one of which a draw represents ('-' when not recorded)."""
    return f"{subject.kind}:{subject.level or '-'}:{subject.ownership or '-'}"


def credit_grades(subjects: Sequence[Subject], today: datetime.date) -> dict[int, str]:
    """The latest credit grade (ratings app, 千分制) of each pharmacy that has one, up to today's year."""
    from ratings.models import Evaluation

    pharmacy_ids = [s.pk for s in subjects if s.kind == Subject.Kind.PHARMACY]
    grades: dict[int, str] = {}
    rows = (
        Evaluation.objects.filter(subject_id__in=pharmacy_ids, year__lte=today.year)
        .order_by("subject_id", "-year")
        .values_list("subject_id", "grade")
    )
    for subject_id, grade in rows:
        grades.setdefault(subject_id, grade)
    return grades


def inspector_pool(agency: Agency) -> list[int]:
    return sorted(
        User.objects.filter(
            agency=agency,
            is_active=True,
            groups__role_group__agency=agency,
            groups__role_group__role__in=INSPECTOR_ROLES,
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def draw_record_build(plan: Plan, *, seed: str, today: datetime.date) -> dict:
    """Everything the draw depends on, frozen: re-running sampling.draw on it gives the same targets."""
    subjects = population_of(plan)
    grades = credit_grades(subjects, today)
    population = [
        {
            "id": s.pk,
            "code": s.code,
            "stratum": stratum_of(s),
            "category": f"{s.kind}:{s.category or '-'}",
            "grade": grades.get(s.pk),
            "weight": sampling.weight_for(grades.get(s.pk)),
        }
        for s in subjects
    ]
    pool = inspector_pool(plan.agency)
    subject_ids = {s.pk for s in subjects}
    declared = Conflict.objects.filter(Q(plan=plan) | Q(plan__isnull=True), inspector_id__in=pool)
    conflicts = sorted({pair for pair in declared.values_list("inspector_id", "subject_id") if pair[1] in subject_ids})
    return {
        "algorithm_version": sampling.ALGORITHM_VERSION,
        "seed": seed,
        "percent": str(plan.sample_percent),
        "minimum": plan.sample_minimum,
        "population": population,
        "pool": pool,
        "conflicts": [list(pair) for pair in conflicts],
        "drawn_on": today.isoformat(),
    }


def redraw(record: dict) -> list[dict]:
    """Re-run a stored draw: [{"subject", "stratum", "inspectors"}], as plan_draw produced it."""
    try:
        return sampling.draw(record)
    except sampling.DrawError as error:
        raise InvalidInput(errors={error.field: [draw_error_message(error)]}) from error


def draw_error_message(error: sampling.DrawError) -> str:
    if error.field == "population":
        return _("No designated institution or pharmacy of the plan's kinds is registered in its regions.")
    if error.field == "inspectors":
        return _(
            "Fewer than two inspectors without a declared conflict of interest are left for %(code)s; "
            "add investigators or review the conflicts."
        ) % {"code": error.subject_code}
    if error.field == "pool":
        return _("The bureau has fewer than two investigators to draw inspectors from.")
    return _("This draw record cannot be re-run: %(message)s") % {"message": error.message}


def plan_draw(plan: Plan, *, by: User, seed: str | int | None = None) -> Plan:
    """Draw the plan's targets and inspector pairs; store the seed, the population and the algorithm."""
    seed = str(seed) if seed not in (None, "") else secrets.token_hex(16)
    if len(seed) > 64:
        raise InvalidInput(errors={"seed": [_("A seed has at most 64 characters.")]})
    today = timezone.localdate()
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != Plan.Status.DRAFT:
            raise AlreadyDecided(_("This plan has already been drawn."))
        record = draw_record_build(plan, seed=seed, today=today)
        if record["population"] and len(record["pool"]) < sampling.PAIR_SIZE:
            raise InvalidInput(errors={"pool": [draw_error_message(sampling.DrawError("pool", ""))]})
        drawn = redraw(record)
        targets = Target.objects.bulk_create(
            Target(plan=plan, subject_id=row["subject"], stratum=row["stratum"], position=index)
            for index, row in enumerate(drawn, start=1)
        )
        through = Target.inspectors.through
        through.objects.bulk_create(
            through(target_id=target.pk, user_id=user_id)
            for target, row in zip(targets, drawn, strict=True)
            for user_id in row["inspectors"]
        )
        plan.seed, plan.algorithm_version, plan.draw_record = seed, sampling.ALGORITHM_VERSION, record
        plan.drawn_at, plan.drawn_by, plan.status = timezone.now(), by, Plan.Status.DRAWN
        plan.save(update_fields=["seed", "algorithm_version", "draw_record", "drawn_at", "drawn_by", "status"])
    return plan


def conflict_declare(*, inspector: User, subject: Subject, reason: str, plan: Plan | None = None) -> Conflict:
    """Record a conflict of interest (回避), for one plan or for every plan."""
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("This field is required.")]
    elif len(reason.strip()) > Conflict._meta.get_field("reason").max_length:
        errors["reason"] = [
            _("At most %(count)d characters.") % {"count": Conflict._meta.get_field("reason").max_length}
        ]
    if plan is not None and inspector.agency_id != plan.agency_id:
        errors["inspector"] = [_("Only the bureau's own inspectors declare conflicts for its plans.")]
    if errors:
        raise InvalidInput(errors=errors)
    if plan is not None and plan.status != Plan.Status.DRAFT:
        raise InvalidTransition(_("The plan has been drawn; declare conflicts before the draw."))
    return Conflict.objects.create(plan=plan, inspector=inspector, subject=subject, reason=reason.strip())


def check_violation_items(subject: Subject, item_ids: Sequence[int]) -> list[ViolationItem]:
    """The active taxonomy items of the subject's kind with these ids; InvalidInput for any other."""
    wanted = set(item_ids or ())
    items = list(ViolationItem.objects.filter(pk__in=wanted, subject_kind=subject.kind, active=True))
    if len(items) != len(wanted):
        raise InvalidInput(errors={"violations": [_("Choose items of the taxonomy for this kind of subject.")]})
    return items


def _violations_text(items: Sequence[ViolationItem]) -> str:
    return "；".join(f"{item.number}. {item.name}" for item in items)


def target_visit(
    target: Target,
    *,
    by: User,
    findings: str,
    found: bool,
    violations: Sequence[int] = (),
    open_case: bool = False,
    place: str = "",
    person: str = "",
    visited_at: datetime.datetime | None = None,
) -> Target:
    """Record the visit: issue the 现场检查笔录 and, when something was found, register a lead for triage.

    The irregularities found are items of the violation taxonomy. With open_case a section head or director
    of the bureau (who may triage the new lead) opens the case on the spot through the triage decision.
    Locks the target, then the plan; nothing is written when any step fails.
    """
    from workflows.triage import triage_decide, triage_start

    visited_at = visited_at or timezone.now()
    errors = {}
    if not (findings or "").strip():
        errors["findings"] = [_("This field is required.")]
    if visited_at > timezone.now():
        errors["visited_at"] = [_("The time cannot be in the future.")]
    if found and not violations:
        errors["violations"] = [_("Choose the irregularities found from the taxonomy.")]
    if open_case and not found:
        errors["open_case"] = [_("A case is opened on the spot only when irregularities are found.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        target = Target.objects.select_for_update().select_related("plan__agency", "subject").get(pk=target.pk)
        plan = Plan.objects.select_for_update().get(pk=target.plan_id)
        if target.result:
            raise AlreadyDecided(_("This visit has already been recorded."))
        if plan.status not in (Plan.Status.DRAWN, Plan.Status.IN_PROGRESS):
            raise InvalidTransition(_("The plan is not open for visits."))
        subject = target.subject
        items = check_violation_items(subject, violations) if found else []
        inspectors = list(target.inspectors.order_by("pk"))
        text = findings.strip()
        if items:
            text += "\n" + _("Violations found: %(items)s") % {"items": _violations_text(items)}
        lead: Lead | None = None
        if found:
            lead = triage_start(
                agency=plan.agency,
                source_kind=Lead.SourceKind.INSPECTION,
                title=_("Inspection finding: %(subject)s") % {"subject": subject.name},
                description=text,
                subjects=[subject],
                by=by,
            )
            if open_case:
                if not by.has_perm("casework.triage_lead", lead):
                    raise InvalidInput(
                        errors={"open_case": [_("Only a section head or director of the bureau opens a case.")]}
                    )
                lead = triage_decide(lead=lead, by=by, decision="open")
        document = document_issue(
            kind=INSPECTION_RECORD,
            agency=plan.agency,
            by=by,
            lead=lead,
            case=lead.case if lead is not None else None,
            context={
                "case_number": f"{plan.get_kind_display()}（{plan.period_from:%Y-%m-%d}—{plan.period_to:%Y-%m-%d}）",
                "case_title": plan.title,
                # The record belongs to an inspection plan, not a case: the form labels its rows so.
                "from_plan": True,
                "subjects": subject.name,
                "started_at": chinese_datetime(visited_at),
                "ended_at": "",
                "place": (place or subject.address or subject.name).strip(),
                "investigators": [{"name": user.display_name, "id": user.username} for user in inspectors],
                "person": (person or "").strip(),
                "person_details": "",
                "text": text,
            },
        )
        target.visited_on = timezone.localdate(visited_at)
        target.findings = findings.strip()
        target.result = Target.Result.FOUND if found else Target.Result.NOTHING_FOUND
        target.record, target.lead = document, lead
        target.save(update_fields=["visited_on", "findings", "result", "record", "lead"])
        target.violation_items.set(items)
        open_left = plan.targets.filter(result="").exists()
        plan.status = Plan.Status.IN_PROGRESS if open_left else Plan.Status.DONE
        plan.save(update_fields=["status"])
    return target
