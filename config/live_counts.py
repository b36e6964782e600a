"""The counts behind the navigation badges: GET /live/counts/ → {"tasks": n, "messages": n, ...}.

Each counter is `fn(user) -> int`, registered by name with register_counter() (an app registers its own
from its AppConfig.ready(), e.g. "referrals"); the page script (static/js/live.js) reads them on load
and after each live event, and shows each next to the nav element marked data-live-count="<name>".
Counters run COUNT queries only; nothing here runs on ordinary page renders.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from organisation.models import User

Counter = Callable[[User], int]
_counters: dict[str, Counter] = {}


def register_counter(name: str, counter: Counter) -> None:
    """Add (or replace) the counter shown by nav elements marked data-live-count="<name>"."""
    _counters[name] = counter


def counts_for(user: User) -> dict[str, int]:
    return {name: int(counter(user)) for name, counter in _counters.items()}


@never_cache
@require_GET
@login_required
def live_counts(request):
    return JsonResponse(counts_for(request.user))


def open_task_count(user: User) -> int:
    """Open tasks in the user's My tasks — the conditions of each inbox section, in one COUNT.

    triage: workflows.selectors.triage_inbox; investigation: investigation_inbox; outcome:
    outcome_tags.outcome_tasks; agreements: agreements.selectors.agreement_inbox; penalties:
    penalties.selectors.penalty_inbox (tests/test_live_counts.py keeps them equal).
    """
    from django.contrib.auth.models import Group
    from viewflow.workflow.models import Task

    from agreements.models import AgreementAction
    from casework.models import Case, Lead
    from organisation.visibility import with_group_grant
    from penalties.models import Penalty
    from penalties.selectors import NODE_PERMS
    from workflows.agreement import TASK_NODES as AGREEMENT_NODES
    from workflows.investigation import InvestigationFlow
    from workflows.models import InvestigationProcess
    from workflows.penalty import PenaltyFlow
    from workflows.triage import OPEN_TASK_STATUSES, TriageFlow

    if not user.is_authenticated:
        return 0
    changeable = with_group_grant(Case.objects.all(), user, "change_case").values("pk")
    decidable = with_group_grant(Case.objects.all(), user, "decide_case").values("pk")
    mine = InvestigationProcess.objects.filter(investigators=user, case__in=changeable).values("pk")
    match = (
        Q(
            flow_task=TriageFlow.triage,
            process__triageprocess__lead__in=Lead.objects.triageable_by(user).pending().values("pk"),
        )
        | Q(flow_task=InvestigationFlow.findings, process__in=mine)
        | Q(flow_task=InvestigationFlow.report, process__investigationprocess__case__in=decidable)
        # The outcome flow's human tasks (its Handle nodes wait for other flows).
        | Q(flow_task_type="HUMAN", process__outcomeprocess__case__in=decidable)
        | Q(
            flow_task__in=AGREEMENT_NODES,
            process__agreementprocess__action__in=AgreementAction.objects.actionable_by(user).values("pk"),
        )
    )
    penalties = Penalty.objects.all()
    for codename, names in NODE_PERMS.items():
        match |= Q(
            flow_task__in=[getattr(PenaltyFlow, name) for name in names],
            process__penaltyprocess__penalty__in=with_group_grant(penalties, user, codename).values("pk"),
        )
    # Finance and recovery officers collect the money of the penalties they see.
    records_payments = Group.permissions.through.objects.filter(
        group_id__in=user.group_ids, permission__codename="add_payment", permission__content_type__app_label="ledgers"
    )
    match |= Q(Exists(records_payments)) & Q(
        flow_task=PenaltyFlow.execution,
        process__penaltyprocess__penalty__in=with_group_grant(penalties, user, "view_penalty").values("pk"),
    )
    return Task.objects.filter(status__in=OPEN_TASK_STATUSES).filter(match).count()


def unread_message_count(user: User) -> int:
    """Reports with unread reporter messages, for intake clerks — the intake inbox's "messages" tab."""
    from intake.models import Report, ReportMessage
    from organisation.roles import Role

    if not user.is_authenticated or Role.CLERK not in user.roles:
        return 0
    unread = ReportMessage.objects.filter(
        report=OuterRef("pk"), sender=ReportMessage.Sender.REPORTER, read_at__isnull=True
    )
    return Report.objects.visible_to(user).filter(Exists(unread)).count()


register_counter("tasks", open_task_count)
register_counter("messages", unread_message_count)
