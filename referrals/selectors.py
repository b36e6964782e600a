"""Reads of referrals: the inbox of each side, the referral page, the receiving agency's case summary."""

from django.db.models import Min, OuterRef, Q, Subquery

from casework.findings import case_totals
from casework.models import Deadline, Violation
from organisation.models import User
from organisation.visibility import with_group_grant
from referrals.models import Referral, referral_ref_expression
from workflows.referral import pending_task

Status = Referral.Status
SENDER_WAITING = (Status.PREPARING, Status.APPROVING, Status.SENDING, Status.REJECTED)


def referral_list(*, user: User):
    """Every referral the user may read, with the soonest open deadline (`next_due`) and `overdue`."""
    next_due = (
        Deadline.objects.filter(case=OuterRef("case"), ref=referral_ref_expression(), closed_on__isnull=True)
        .order_by()
        .values("ref")
        .annotate(first=Min("due"))
        .values("first")[:1]
    )
    return (
        Referral.objects.visible_to(user)
        .with_related()
        .defer("letter__pdf", "letter__context")
        .with_overdue()
        .annotate(next_due=Subquery(next_due))
        .order_by("-created_at", "-pk")
    )


def waiting_for(queryset, user: User):
    """The referrals waiting for this user's agency to act: receipt, decision, answer, outcome,
    supervision, or the bureau's own steps."""
    receiving = with_group_grant(Referral.objects.all(), user, "handle_referral").filter(
        status__in=Referral.RECEIVER_WAITING
    )
    supervising = with_group_grant(Referral.objects.all(), user, "supervise_referral").filter(status=Status.SUPERVISION)
    sending = with_group_grant(Referral.objects.all(), user, "change_referral").filter(status__in=SENDER_WAITING)
    return queryset.filter(
        Q(pk__in=receiving.values("pk")) | Q(pk__in=supervising.values("pk")) | Q(pk__in=sending.values("pk"))
    )


def waiting_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return waiting_for(Referral.objects.all(), user).count()


def case_summary(referral: Referral) -> dict:
    """What the receiving agency learns of the case: subjects and the violations found, with totals.
    Never the reporter, the other documents or the rest of the case."""
    case = referral.case
    return {
        "number": case.number,
        "title": case.title,
        "opened_at": case.opened_at,
        "subjects": list(case.subjects.order_by("name")),
        "violations": list(
            Violation.objects.filter(case=case).select_related("subject", "item").order_by("subject__name", "pk")
        ),
        "totals": case_totals(case),
    }


def referral_detail(referral: Referral) -> dict:
    return {
        "summary": case_summary(referral),
        "grounds": list(referral.grounds.all()),
        "documents": list(referral.documents.defer("pdf", "context").order_by("issued_at", "pk")),
        "evidence": list(referral.evidence.order_by("collected_at", "pk")),
        "events": list(referral.events.select_related("agency", "from_agency", "by")),
        "outcomes": list(referral.outcomes.select_related("agency")),
        "deadlines": list(Deadline.objects.filter(case_id=referral.case_id, ref=referral.deadline_ref).order_by("due")),
        "task": pending_task(referral),
    }
