"""协议处理 (domain.md §5): start the action and draft its measures; agreements.steps takes it through
the notice, the statement and decision, and the rectification check.

The handling agency (医保经办机构) of the case's region acts: its agreement managers and head hold
agreements.change_agreementaction on the action; the bureau's staff only read it. Every write checks
that permission, locks the action row (two managers cannot change it at once), and names the rule
behind a refusal. Steps that finish a task of AgreementFlow run under the flow's process lock, so of
two managers completing one task one wins and the other gets AlreadyDecided.
"""

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from agreements import rules
from agreements.models import AgreementAction, AgreementActionGroupObjectPermission, AgreementMeasure
from agreements.notice import subject_totals
from casework.audit import acting
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, Subject, Violation
from casework.money import MAX_YUAN
from casework.suspensions import suspension_end
from ledgers.services import fund_refund_remaining
from organisation.models import Agency, RoleGroup, User
from organisation.roles import Role
from organisation.services import grant_owner_access
from workflows.agreement import AgreementFlow
from workflows.triage import OPEN_TASK_STATUSES

ACT = "agreements.change_agreementaction"
# The bureau's staff who work the case read its agreement actions (they never act on them).
CASE_AGENCY_READERS = (Role.SECTION_HEAD, Role.INVESTIGATOR, Role.DIRECTOR)
Kind = AgreementMeasure.Kind


# ---------------------------------------------------------------------------------------------- start


def handling_agency_of(case: Case) -> Agency | None:
    """The 医保经办机构 of the case's region, which holds the service agreements there."""
    return (
        Agency.objects.filter(region_id=case.agency.region_id, kind=Agency.Kind.INSURANCE_AGENCY).order_by("pk").first()
    )


def agreement_start(*, case: Case, subject: Subject, by: User) -> AgreementAction:
    """Open 协议处理 of one subject of the case at the region's handling agency (the outcome decision).

    Call inside the decision's transaction; locks the case row.
    """
    if not by.has_perm("casework.decide_case", case):
        raise PermissionDenied
    if subject.kind not in rules.AGREEMENT_SUBJECT_KINDS:
        raise InvalidInput(
            errors={
                "subject": [
                    _(
                        "%(name)s is not a designated institution or pharmacy: only they are bound by a service "
                        "agreement."
                    )
                    % {"name": subject.name}
                ]
            }
        )
    agency = handling_agency_of(case)
    if agency is None:
        raise InvalidInput(
            errors={
                "subject": [
                    _("The region of this case has no medical-insurance handling agency to take agreement sanctions.")
                ]
            }
        )
    with transaction.atomic(), acting(by):
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Case.Status.HANDLING:
            raise InvalidTransition(_("Agreement sanctions start with the outcome decision of a case."))
        if not locked.subjects.filter(pk=subject.pk).exists():
            raise InvalidInput(errors={"subject": [_("The subject is not part of this case.")]})
        if AgreementAction.objects.filter(case=locked, subject=subject).exists():
            raise InvalidTransition(
                _("Agreement sanctions against %(name)s are already under way.") % {"name": subject.name}
            )
        if not Violation.objects.filter(case=locked, subject=subject).exists():
            raise InvalidInput(
                errors={
                    "subject": [
                        _("No violations were found for %(name)s: the breach notice states the facts found.")
                        % {"name": subject.name}
                    ]
                }
            )
        action = AgreementAction.objects.create(case=locked, subject=subject, agency=agency, started_by=by)
        grant_action_access([action])
        AgreementFlow.start.run(action=action)
    return action


def grant_action_access(actions: list[AgreementAction]) -> None:
    """The handling agency's managers and head act, auditors above read (grant_owner_access); the
    bureau's section heads, investigators and head read."""
    grant_owner_access(actions)
    view = Permission.objects.get(content_type__app_label="agreements", codename="view_agreementaction")
    groups_by_agency: dict[int, list[int]] = {}
    rows = []
    for action in actions:
        bureau_id = action.case.agency_id
        if bureau_id not in groups_by_agency:
            groups_by_agency[bureau_id] = list(
                RoleGroup.objects.filter(agency_id=bureau_id, role__in=CASE_AGENCY_READERS).values_list(
                    "group_id", flat=True
                )
            )
        rows += [
            AgreementActionGroupObjectPermission(group_id=group_id, permission=view, content_object=action)
            for group_id in groups_by_agency[bureau_id]
        ]
    AgreementActionGroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)


# ------------------------------------------------------------------------------------------- measures


def measure_add(*, action: AgreementAction, by: User, kind: str, **data) -> AgreementMeasure:
    """Add a measure while drafting, or as a revision while the statement window runs.

    Locks the action row. `data` holds the kind's fields (AgreementMeasure.FIELDS); others are ignored.
    """
    check_may_act(by, action)
    with transaction.atomic(), acting(by):
        action = lock_action(action)
        if action.status not in (AgreementAction.Status.DRAFTING, AgreementAction.Status.STATEMENT):
            raise InvalidTransition(_("The decision is final: its measures can no longer be changed."))
        fields = clean_measure(action=action, kind=kind, data=data)
        current = list(action.measures.filter(withdrawn_at__isnull=True))
        _check_combination(action, kind, fields, current)
        return AgreementMeasure.objects.create(action=action, kind=kind, created_by=by, **fields)


def measure_remove(*, measure: AgreementMeasure, by: User) -> None:
    """Remove a drafted measure; after the notice, a notified measure is withdrawn (kept on record)."""
    check_may_act(by, measure.action)
    with transaction.atomic(), acting(by):
        action = lock_action(measure.action)
        if action.status not in (AgreementAction.Status.DRAFTING, AgreementAction.Status.STATEMENT):
            raise InvalidTransition(_("The decision is final: its measures can no longer be changed."))
        measure = AgreementMeasure.objects.select_for_update().filter(pk=measure.pk, action=action).first()
        if measure is None or measure.withdrawn_at is not None:
            raise AlreadyDecided()
        if measure.notified:
            measure.withdrawn_at = timezone.now()
            measure.save(update_fields=["withdrawn_at"])
        else:
            measure.delete()


def clean_measure(*, action: AgreementAction, kind: str, data: dict) -> dict:
    """The measure's fields, validated for its kind; raises InvalidInput naming the rule."""
    if kind not in Kind.values:
        raise InvalidInput(errors={"kind": [_("Choose the measure.")]})
    subject_kind = action.subject.kind
    agreement_rules = rules.rules_for(action.subject.region)
    wanted = AgreementMeasure.FIELDS[kind]
    errors: dict[str, list] = {}
    fields: dict = {}
    for name in wanted:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "") and not (kind == Kind.CRITICISM and name == "summary"):
            errors[name] = [_("This field is required for this measure.")]
            continue
        fields[name] = value if value is not None else ""
    if "amount" in fields:
        fields["amount"] = _amount(fields["amount"], errors)
    if "months" in fields:
        fields["months"] = _months(fields["months"], errors)
    if "scope" in fields and fields["scope"] not in AgreementMeasure.Scope.values:
        errors["scope"] = [_("Choose persons or a department.")]
    today = timezone.localdate()
    if fields.get("interview_on") and fields["interview_on"] > today:
        errors["interview_on"] = [_("Record an interview once it has taken place.")]
    if errors:
        raise InvalidInput(errors=errors)
    if kind in (Kind.SUSPENSION, Kind.PARTIAL_SUSPENSION):
        fields["basis"] = rules.check_suspension_months(
            rules=agreement_rules, subject_kind=subject_kind, months=fields["months"]
        )
        fields["ends_on"] = suspension_end(fields["starts_on"], fields["months"])
    elif kind == Kind.LIQUIDATED_DAMAGES:
        improper_amount, _fund_loss = subject_totals(action)
        fields["basis"] = rules.check_liquidated_damages(
            rules=agreement_rules, subject_kind=subject_kind, amount=fields["amount"], improper_amount=improper_amount
        )
    elif kind == Kind.TERMINATION:
        fields["basis"] = rules.agreement_name(subject_kind)
    return fields


def _check_combination(action: AgreementAction, kind: str, fields: dict, current: list[AgreementMeasure]) -> None:
    kinds = {m.kind for m in current}
    if kind in AgreementMeasure.SINGLE and kind in kinds:
        raise InvalidInput(errors={"kind": [_("This measure is already imposed; remove it first to change it.")]})
    if {kind} | kinds >= {Kind.SUSPENSION, Kind.TERMINATION}:
        raise InvalidInput(
            errors={"kind": [_("A terminated agreement is not also suspended: choose one of the two measures.")]}
        )
    if kind in (Kind.REFUSAL, Kind.RECOVERY):
        improper_amount, fund_loss = subject_totals(action)
        amounts = {m.kind: m.amount for m in current if m.kind in (Kind.REFUSAL, Kind.RECOVERY)}
        amounts[kind] = fields["amount"]
        # The fund loss goes back once: a penalty decision may already have ordered part of it (条例 Art.45).
        recoverable = min(fund_loss, fund_refund_remaining(case=action.case, subject=action.subject))
        if kind == Kind.RECOVERY and fields["amount"] > recoverable:
            raise InvalidInput(
                errors={
                    "amount": [
                        _(
                            "No more than the fund loss not yet ordered back to the fund, ¥%(remaining)s of the "
                            "¥%(loss)s found for the subject, can be recovered."
                        )
                        % {"remaining": f"{recoverable:,.2f}", "loss": f"{fund_loss:,.2f}"}
                    ]
                }
            )
        if sum(amounts.values()) > improper_amount:
            raise InvalidInput(
                errors={
                    "amount": [
                        _(
                            "Payments refused and recovered together cannot exceed the improper amount found, "
                            "¥%(amount)s."
                        )
                        % {"amount": f"{improper_amount:,.2f}"}
                    ]
                }
            )


def _amount(value, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount > MAX_YUAN or amount.as_tuple().exponent < -2:
        errors["amount"] = [_("Enter a positive amount in yuan with at most two decimals, e.g. 12345.60.")]
        return None
    return amount.quantize(Decimal("0.01"))


def _months(value, errors: dict) -> int | None:
    try:
        months = int(value)
    except (TypeError, ValueError):
        months = 0
    if months <= 0:
        errors["months"] = [_("Give the number of months.")]
        return None
    return months


# ------------------------------------------------------------------------------------------ helpers


def check_may_act(user: User, action: AgreementAction) -> None:
    if not user.has_perm(ACT, action):
        raise PermissionDenied


def lock_action(action: AgreementAction) -> AgreementAction:
    # Only the action's own row is locked, not the case, subject or agency rows joined to it.
    return (
        AgreementAction.objects.select_for_update(of=("self",))
        .select_related("case__agency", "subject__region", "agency", "notice")
        .defer("notice__pdf")
        .get(pk=action.pk)
    )


def pending_task(action: AgreementAction, node=None) -> Task | None:
    """The open task of the action's flow (of one node, or whichever is open)."""
    from workflows.agreement import TASK_NODES

    tasks = Task.objects.filter(process__agreementprocess__action=action, status__in=OPEN_TASK_STATUSES)
    tasks = tasks.filter(flow_task=node) if node is not None else tasks.filter(flow_task__in=TASK_NODES)
    return tasks.order_by("pk").first()
