"""Special actions (专项行动, e.g. the Liyang 2018 action): reads, access, and the services that change them.

A bureau's section heads and heads (inspections.access.may_plan) create an action, set its phases (部署启动,
地方自查, 整顿处理和检查验收, 总结报告 — in that order, inside the period, never overlapping), name its leading
group, attach the bureau's inspection plans, and issue its closing report: a numbered 专项行动工作总结 with the
附件2/附件3 tables of the action's period and scope. Reissuing supersedes the previous report, which stays as
issued. Callers check that `by` may act (access_action_by_id(..., act=True)); these functions validate and act.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.access import parse_id
from casework.errors import InvalidInput, InvalidTransition
from documents.formatting import chinese_date
from documents.kinds import SPECIAL_ACTION_REPORT
from documents.models import Document
from documents.services import document_issue
from inspections.access import may_plan
from inspections.models import ActionPhase, LeadingGroupMember, Plan, SpecialAction, Target
from organisation.models import Agency, Region, User
from stats import exports, tables

PHASE_ORDER = [kind.value for kind in ActionPhase.Kind]
# How the phases and the leading group read in the report (seed 004, 四、工作安排 and 附件1).
PHASE_TITLES = {
    ActionPhase.Kind.DEPLOY: "部署启动阶段",
    ActionPhase.Kind.SELF_CHECK: "地方自查阶段",
    ActionPhase.Kind.RECTIFY: "整顿处理和检查验收阶段",
    ActionPhase.Kind.SUMMARY: "总结报告阶段",
}
POSITION_TITLES = {
    LeadingGroupMember.Position.LEADER: "组长",
    LeadingGroupMember.Position.DEPUTY: "副组长",
    LeadingGroupMember.Position.MEMBER: "成员",
}


# Reads and access -------------------------------------------------------------------------------


def actions_for(user: User):
    """Actions the user may read, with what the list and detail pages show prefetched."""
    return (
        SpecialAction.objects.visible_to(user)
        .select_related("agency", "report")
        .prefetch_related(
            Prefetch("phases", queryset=ActionPhase.objects.order_by("starts_on", "pk")),
            Prefetch("regions", queryset=Region.objects.order_by("code")),
            Prefetch("member_agencies", queryset=Agency.objects.order_by("code")),
        )
        .defer("report__pdf", "report__context")
        .order_by("-period_from", "-pk")
    )


def may_lead(user: User, action: SpecialAction) -> bool:
    """Only the leading bureau's section heads and heads change an action."""
    return may_plan(user, action.agency)


def may_create_action(user: User) -> bool:
    return (
        user.is_authenticated
        and user.agency_id is not None
        and user.agency.kind == Agency.Kind.BUREAU
        and may_plan(user, user.agency)
    )


def access_action_by_id(user: User, action_id, *, act: bool = False) -> SpecialAction:
    """The action if the user may read it (404 otherwise); with act, 403 unless they lead it."""
    action = actions_for(user).filter(pk=parse_id(action_id)).first()
    if action is None:
        raise Http404
    if act and not may_lead(user, action):
        raise PermissionDenied
    return action


def current_phase(action: SpecialAction, today: datetime.date) -> ActionPhase | None:
    """The phase whose dates include today (from the prefetched phases)."""
    return next((p for p in action.phases.all() if p.starts_on <= today <= p.ends_on), None)


def report_open(action: SpecialAction, today: datetime.date) -> bool:
    """The report may be issued once the summary phase has started, or after the period."""
    if today > action.period_to:
        return True
    return any(p.kind == ActionPhase.Kind.SUMMARY and p.starts_on <= today for p in action.phases.all())


def action_plans(action: SpecialAction):
    """The plans run under the action with their targets drawn, visited and with irregularities found."""
    return (
        Plan.objects.filter(action=action)
        .select_related("agency")
        .annotate(
            drawn=Count("targets", distinct=True),
            visited=Count("targets", filter=~Q(targets__result=Target.Result.PENDING), distinct=True),
            found=Count("targets", filter=Q(targets__result=Target.Result.FOUND), distinct=True),
        )
        .order_by("period_from", "pk")
    )


def attachable_plans(action: SpecialAction):
    """The leading bureau's plans not yet run under an action."""
    return Plan.objects.filter(agency_id=action.agency_id, action__isnull=True).order_by("-period_from", "-pk")


def scope_roots(regions: Sequence[Region]) -> list[Region]:
    """The action's regions without those below another of them (a sub-region's figures are in its parent's)."""
    ids = {region.pk for region in regions}
    roots = []
    for region in regions:
        above = {r.pk for r in region.ancestors_and_self()[1:]}
        if not above & ids:
            roots.append(region)
    return sorted(roots, key=lambda region: region.code)


def action_tables(action: SpecialAction) -> list[dict]:
    """附件2 and 附件3 of each region of the scope for the action's period, as the documents print them."""
    return [
        {
            "region": {"code": region.code, "name": region.name},
            "results": exports.document_context(tables.results_table(region, action.period_from, action.period_to)),
            "violations": exports.document_context(
                tables.violations_table(region, action.period_from, action.period_to)
            ),
        }
        for region in scope_roots(list(action.regions.all()))
    ]


# Creating an action -----------------------------------------------------------------------------


def action_create(
    *,
    agency: Agency,
    by: User,
    title: str,
    period_from: datetime.date | None,
    period_to: datetime.date | None,
    regions: Sequence[Region],
    member_agencies: Sequence[Agency] = (),
    goals: str = "",
    office: str = "",
) -> SpecialAction:
    """A special action led by a bureau, over its region or those below, with agencies of that scope or above."""
    if not may_plan(by, agency):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if agency.kind != Agency.Kind.BUREAU:
        errors["agency"] = [_("Only a medical security bureau leads a special action.")]
    if not (title or "").strip():
        errors["title"] = [_("This field is required.")]
    if period_from is None or period_to is None:
        errors["period_to"] = [_("Give the period's first and last day.")]
    elif period_to < period_from:
        errors["period_to"] = [_("The end cannot be before the start.")]
    regions = list(dict.fromkeys(regions or ()))
    allowed = agency.region.descendant_ids()
    if not regions:
        errors["regions"] = [_("Choose at least one region.")]
    elif any(region.pk not in allowed for region in regions):
        errors["regions"] = [_("A special action covers the bureau's own region and the regions below it only.")]
    members = list(dict.fromkeys(member_agencies or ()))
    above_scope = {r.pk for region in regions for r in region.ancestors_and_self()}
    if any(member.pk == agency.pk for member in members):
        errors["member_agencies"] = [_("The leading bureau is not one of its own member agencies.")]
    elif any(member.region_id not in above_scope for member in members):
        errors["member_agencies"] = [
            _("Member agencies must be agencies of the action's regions or of a region above them.")
        ]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        action = SpecialAction.objects.create(
            agency=agency,
            title=title.strip(),
            period_from=period_from,
            period_to=period_to,
            goals=(goals or "").strip(),
            office=(office or "").strip(),
            created_by=by,
        )
        action.regions.set(regions)
        action.member_agencies.set(members)
    return action


def _locked(action: SpecialAction) -> SpecialAction:
    return SpecialAction.objects.select_for_update().select_related("agency").get(pk=action.pk)


# Phases -----------------------------------------------------------------------------------------


def phase_set(
    action: SpecialAction,
    *,
    kind: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    tasks: str = "",
) -> ActionPhase:
    """Add the phase of this kind or change its dates and tasks; one phase per kind.

    Locks the action row, so two planners setting phases at once cannot make them overlap.
    """
    if kind not in PHASE_ORDER:
        raise InvalidInput(errors={"kind": [_("Unknown phase.")]})
    if starts_on is None or ends_on is None:
        raise InvalidInput(errors={"ends_on": [_("Give the phase's first and last day.")]})
    if ends_on < starts_on:
        raise InvalidInput(errors={"ends_on": [_("The end cannot be before the start.")]})
    with transaction.atomic():
        action = _locked(action)
        if starts_on < action.period_from or ends_on > action.period_to:
            raise InvalidInput(
                errors={
                    "starts_on": [
                        _("A phase lies inside the action's period (%(start)s to %(end)s).")
                        % {"start": action.period_from.isoformat(), "end": action.period_to.isoformat()}
                    ]
                }
            )
        others = list(action.phases.exclude(kind=kind))
        for other in others:
            if starts_on <= other.ends_on and other.starts_on <= ends_on:
                raise InvalidInput(
                    errors={
                        "starts_on": [
                            _("Phases cannot overlap: %(phase)s runs from %(start)s to %(end)s.")
                            % {
                                "phase": other.get_kind_display(),
                                "start": other.starts_on.isoformat(),
                                "end": other.ends_on.isoformat(),
                            }
                        ]
                    }
                )
            if (PHASE_ORDER.index(other.kind) < PHASE_ORDER.index(kind)) != (other.starts_on < starts_on):
                raise InvalidInput(
                    errors={
                        "kind": [
                            _(
                                "The phases follow one another: deployment, self-inspection, rectification and "
                                "acceptance checks, then the summary."
                            )
                        ]
                    }
                )
        phase, _created = ActionPhase.objects.update_or_create(
            action=action,
            kind=kind,
            defaults={"starts_on": starts_on, "ends_on": ends_on, "tasks": (tasks or "").strip()},
        )
    return phase


def phase_remove(action: SpecialAction, *, phase_id: int) -> None:
    with transaction.atomic():
        action = _locked(action)
        if not action.phases.filter(pk=phase_id).delete()[0]:
            raise InvalidTransition(_("This phase has already been removed."))


# Leading group ----------------------------------------------------------------------------------


def group_member_add(
    action: SpecialAction, *, position: str, name: str, post: str, agency: Agency | None = None
) -> LeadingGroupMember:
    """Name a member of the leading group (附件1): 组长, 副组长 or 成员, with their post, after the others."""
    errors: dict[str, list[str]] = {}
    if position not in LeadingGroupMember.Position.values:
        errors["position"] = [_("Unknown position in the leading group.")]
    if not (name or "").strip():
        errors["name"] = [_("This field is required.")]
    if not (post or "").strip():
        errors["post"] = [_("This field is required.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        action = _locked(action)
        members = action.member_agencies.all()
        if agency is not None and agency.pk != action.agency_id and not members.filter(pk=agency.pk).exists():
            raise InvalidInput(errors={"agency": [_("Choose the leading bureau or one of the member agencies.")]})
        last = action.leading_group.order_by("-order").values_list("order", flat=True).first()
        return LeadingGroupMember.objects.create(
            action=action,
            position=position,
            name=name.strip(),
            post=post.strip(),
            agency=agency,
            order=(last or 0) + 1,
        )


def group_member_remove(action: SpecialAction, *, member_id: int) -> None:
    with transaction.atomic():
        action = _locked(action)
        if not action.leading_group.filter(pk=member_id).delete()[0]:
            raise InvalidTransition(_("This member has already been removed from the leading group."))


# Plans ------------------------------------------------------------------------------------------


def plan_attach(action: SpecialAction, *, plan: Plan) -> Plan:
    """Run one of the leading bureau's plans under the action; its period must meet the action's."""
    if plan.agency_id != action.agency_id:
        raise InvalidInput(errors={"plan": [_("Only the leading bureau's own inspection plans run under its action.")]})
    if plan.period_to < action.period_from or plan.period_from > action.period_to:
        raise InvalidInput(errors={"plan": [_("The plan's period does not meet the action's period.")]})
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.action_id == action.pk:
            return plan
        if plan.action_id is not None:
            raise InvalidTransition(_("This plan already runs under another special action."))
        plan.action = action
        plan.save(update_fields=["action"])
    return plan


def plan_detach(action: SpecialAction, *, plan_id: int) -> None:
    with transaction.atomic():
        if not Plan.objects.filter(pk=plan_id, action=action).update(action=None):
            raise InvalidTransition(_("This plan no longer runs under the action."))


# The report -------------------------------------------------------------------------------------


def action_report_issue(action: SpecialAction, *, by: User, summary: str) -> Document:
    """Store the written summary and issue the numbered 专项行动工作总结 with 附件2/附件3 of the period.

    Locks the action row; a second report supersedes the first, which stays as issued.
    """
    if not (summary or "").strip():
        raise InvalidInput(errors={"summary": [_("Write the summary of the action first.")]})
    today = timezone.localdate()
    with transaction.atomic():
        action = _locked(action)
        if not report_open(action, today):
            raise InvalidTransition(
                _("The report can be issued once the summary phase has started or the action's period has ended.")
            )
        action.summary = summary.strip()
        with translation.override("zh-hans"):  # the report is in Chinese whoever issues it
            context = report_context(action)
        previous = Document.objects.filter(pk=action.report_id).defer("pdf", "context").first()
        document = document_issue(
            kind=SPECIAL_ACTION_REPORT,
            agency=action.agency,
            by=by,
            context=context,
            supersedes=previous,
        )
        action.report = document
        action.save(update_fields=["summary", "report"])
    return document


def report_context(action: SpecialAction) -> dict:
    """What the report prints, frozen when issued (plain JSON: names, dates as 公文 text, counts)."""
    phases = sorted(action.phases.all(), key=lambda p: p.starts_on)
    return {
        "action": {
            "title": action.title,
            "period": f"{chinese_date(action.period_from)}至{chinese_date(action.period_to)}",
            "scope": "、".join(r.name for r in action.regions.order_by("code")),
            "leading_bureau": action.agency.name,
            "goals": action.goals,
            "office": action.office,
        },
        "members": [a.name for a in action.member_agencies.order_by("code")],
        "group": [
            {"position": POSITION_TITLES[m.position], "name": m.name, "post": m.post}
            for m in action.leading_group.order_by("order", "pk")
        ],
        "phases": [
            {
                "title": PHASE_TITLES[p.kind],
                "starts": chinese_date(p.starts_on),
                "ends": chinese_date(p.ends_on),
                "tasks": p.tasks,
            }
            for p in phases
        ],
        "plans": [
            {
                "title": plan.title,
                "kind": str(plan.get_kind_display()),
                "starts": f"{plan.period_from:%Y.%m.%d}",
                "ends": f"{plan.period_to:%Y.%m.%d}",
                "drawn": plan.drawn,
                "visited": plan.visited,
                "found": plan.found,
            }
            for plan in action_plans(action)
        ],
        "summary": action.summary,
        "annexes": action_tables(action),
    }
