"""The only way views fetch inspection plans and targets: invisible → 404, visible but not allowed → 403.

The owning bureau's staff read its plans; bureaus of a superior region and auditors of the plan's region or
above read them (上级抽查). The owning bureau's section heads and heads create and draw plans; the two
inspectors drawn for a target (or those heads) record its visit.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from casework.access import parse_id
from inspections.models import Plan, Target
from organisation.models import Agency, User
from organisation.roles import Role

PLANNER_ROLES = (Role.SECTION_HEAD, Role.DIRECTOR)


def plans_for(user: User):
    """Plans the user may read, with their targets, subjects and inspectors prefetched."""
    targets = (
        Target.objects.select_related("subject", "lead")
        .prefetch_related("inspectors", "violation_items")
        .order_by("position")
    )
    return (
        Plan.objects.visible_to(user)
        .select_related("agency", "drawn_by")
        .prefetch_related(Prefetch("targets", queryset=targets))
        .order_by("-period_from", "-pk")
    )


def may_plan(user: User, agency) -> bool:
    return user.is_authenticated and user.agency_id == agency.pk and any(user.has_role(role) for role in PLANNER_ROLES)


def access_plan_by_id(user: User, plan_id, *, act: bool = False) -> Plan:
    plan = plans_for(user).filter(pk=parse_id(plan_id)).first()
    if plan is None:
        raise Http404
    if act and not may_plan(user, plan.agency):
        raise PermissionDenied
    return plan


def access_target_by_id(user: User, target_id, *, plan: Plan, act: bool = True) -> Target:
    """A target of the plan; only its inspectors and the bureau's planners may record the visit (act)."""
    target = next((t for t in plan.targets.all() if t.pk == parse_id(target_id)), None)
    if target is None:
        raise Http404
    if act and not (may_plan(user, plan.agency) or any(u.pk == user.pk for u in target.inspectors.all())):
        raise PermissionDenied
    return target


def may_declare_own_conflicts(user: User) -> bool:
    """Investigators of a bureau: those drawn as inspectors (inspections.services.INSPECTOR_ROLES)."""
    return (
        user.is_authenticated
        and user.agency_id is not None
        and user.agency.kind == Agency.Kind.BUREAU
        and user.has_role(Role.INVESTIGATOR)
    )
