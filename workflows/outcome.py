"""The outcome flow (BPMN): decide the tracks → run them in parallel (split/join) → 结案报告.

After the 调查终结报告 the section head decides what the case leads to: 协议处理 (agreements app),
行政处罚 (penalties app), 移送 and 信用记分, in any combination. Each chosen track runs its own flow;
a Handle node per track waits until that flow calls track_done(). When every chosen branch has
reached the join, the closing task asks for the 结案 summary and issues the 结案报告.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Task

from casework import services as case_services
from casework.audit import acting
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, CaseTrack, CreditPoint, Subject
from organisation.models import Agency, User
from workflows.models import OutcomeProcess
from workflows.tasks import complete_task
from workflows.triage import OPEN_TASK_STATUSES

# Points one decision may give a subject; the credit rules (a later issue) score and blacklist.
MAX_CREDIT_POINTS = 12


def _task_view(request, *args, **kwargs):
    """Task pages live at /tasks/outcome/<id>/ (workflows.views_outcome); viewflow's own URLs are unused."""
    from workflows.views_outcome import OutcomeTaskView

    return OutcomeTaskView.as_view()(request, *args, **kwargs)


def _case(process: OutcomeProcess) -> Case:
    return process.case


class OutcomeFlow(flow.Flow):
    """案件处理决定与结案"""

    process_class = OutcomeProcess
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(this.start_outcome).Next(this.decide)
    decide = flow.View(_task_view).Permission("casework.decide_case", obj=_case).Next(this.any_tracks)
    any_tracks = flow.If(lambda activation: activation.process.has_tracks).Then(this.split).Else(this.close)
    split = (
        flow.Split()
        .Next(this.agreement, case=lambda activation: activation.process.agreement)
        .Next(this.penalty, case=lambda activation: activation.process.penalty)
        .Next(this.referral, case=lambda activation: activation.process.referral)
        .Next(this.credit, case=lambda activation: activation.process.credit)
    )
    # Waits for the agreement flows of the case (track_done).
    agreement = flow.Handle(this.finish_track).Next(this.join)
    # Waits for the penalty flows of the case (track_done).
    penalty = flow.Handle(this.finish_track).Next(this.join)
    # Waits for the referral flows of the case (referrals.services.after_step → track_done).
    referral = flow.Handle(this.finish_track).Next(this.join)
    # Credit points are recorded with the decision: the branch only marks its track done.
    credit = flow.Function(this.finish_credit).Next(this.join)
    join = flow.Join().Next(this.close)
    close = flow.View(_task_view).Permission("casework.decide_case", obj=_case).Next(this.end)
    end = flow.End()

    def start_outcome(self, activation, case: Case):
        activation.process.case = case
        return activation.process

    def finish_track(self, activation, kind: str):
        _mark_track_finished(activation.process.case_id, kind)

    def finish_credit(self, activation):
        _mark_track_finished(activation.process.case_id, CaseTrack.Kind.CREDIT)


def _mark_track_finished(case_id: int, kind: str) -> None:
    CaseTrack.objects.filter(case_id=case_id, kind=kind, finished_at__isnull=True).update(finished_at=timezone.now())


HANDLE_NODES = {
    CaseTrack.Kind.AGREEMENT: "agreement",
    CaseTrack.Kind.PENALTY: "penalty",
    CaseTrack.Kind.REFERRAL: "referral",
}
# The human tasks of the outcome flow (the Handle nodes wait for other flows).
HUMAN_NODES = (OutcomeFlow.decide, OutcomeFlow.close)


def outcome_start(*, case: Case) -> OutcomeProcess:
    """Called when the 调查终结报告 is issued, in the same transaction: the decision task appears."""
    return OutcomeFlow.start.run(case=case)


def pending_task(case: Case, node) -> Task | None:
    return (
        Task.objects.filter(process__outcomeprocess__case=case, flow_task=node, status__in=OPEN_TASK_STATUSES)
        .order_by("pk")
        .first()
    )


@dataclass(frozen=True)
class CreditAward:
    subject: Subject
    points: int
    reason: str


@dataclass
class OutcomeChoice:
    """What the section head decides; empty lists and no agency mean the track is not chosen."""

    penalty_subjects: Sequence[Subject] = ()
    agreement_subjects: Sequence[Subject] = ()
    referral_agencies: Sequence[Agency] = ()
    referral_grounds: str = ""
    credit: Sequence[CreditAward] = ()
    reasoning: str = ""


def referral_agencies(case: Case):
    """Partner agencies of the case's region a referral may go to."""
    from referrals.services import receiving_agencies

    return receiving_agencies(case)


def check_choice(*, case: Case, choice: OutcomeChoice) -> None:
    errors: dict[str, list] = {}
    case_subjects = set(case.subjects.values_list("pk", flat=True))
    for field, chosen in (
        ("penalty_subjects", choice.penalty_subjects),
        ("agreement_subjects", choice.agreement_subjects),
    ):
        if any(subject.pk not in case_subjects for subject in chosen):
            errors[field] = [_("Choose subjects of this case.")]
    if choice.referral_agencies:
        allowed = set(referral_agencies(case).values_list("pk", flat=True))
        if any(agency.pk not in allowed for agency in choice.referral_agencies):
            errors["referral_agencies"] = [_("Refer to the police, 纪委监委, 卫健 or 市场监管 of the case's region.")]
        if not choice.referral_grounds.strip():
            errors["referral_grounds"] = [_("Give the grounds for the referral.")]
    elif choice.referral_grounds.strip():
        errors["referral_agencies"] = [_("Choose the agency the case is referred to.")]
    for award in choice.credit:
        if award.subject.pk not in case_subjects:
            errors.setdefault("credit", []).append(_("Choose subjects of this case."))
        elif not 0 < award.points <= MAX_CREDIT_POINTS:
            errors.setdefault("credit", []).append(
                _("Credit points lie between 1 and %(max)d per decision.") % {"max": MAX_CREDIT_POINTS}
            )
        elif not award.reason.strip():
            errors.setdefault("credit", []).append(_("Give the reason for the credit points."))
        else:
            from credit.services import check_points

            try:
                check_points(award.subject, award.points)
            except InvalidInput as error:
                errors.setdefault("credit", []).extend(error.errors.get("credit", [error.message]))
    has_track = choice.penalty_subjects or choice.agreement_subjects or choice.referral_agencies or choice.credit
    if not has_track and not choice.reasoning.strip():
        errors["reasoning"] = [_("Without any track the case is closed: give the reasons.")]
    if errors:
        raise InvalidInput(errors=errors)


def outcome_decide(*, case: Case, by: User, choice: OutcomeChoice) -> OutcomeProcess:
    """The section head's decision: start each chosen track, or go straight to closing.

    Under the flow's process lock, with the case row locked; the tracks' own start services run in the
    same transaction, so a refusal by any of them leaves nothing decided.
    """
    if not by.has_perm("casework.decide_case", case):
        raise PermissionDenied
    task = pending_task(case, OutcomeFlow.decide)
    if task is None:
        raise AlreadyDecided()
    check_choice(case=case, choice=choice)

    def act(process: OutcomeProcess) -> None:
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Case.Status.INVESTIGATING:
            raise InvalidTransition(_("Only a case whose investigation is closed awaits an outcome decision."))
        process.agreement = bool(choice.agreement_subjects)
        process.penalty = bool(choice.penalty_subjects)
        process.referral = bool(choice.referral_agencies)
        process.credit = bool(choice.credit)
        process.referral_grounds = choice.referral_grounds.strip()
        process.reasoning = choice.reasoning.strip()
        process.decided_by, process.decided_at = by, timezone.now()
        process.save()
        process.penalty_subjects.set(choice.penalty_subjects)
        process.agreement_subjects.set(choice.agreement_subjects)
        process.referral_agencies.set(choice.referral_agencies)
        if not process.has_tracks:
            return
        case_services.case_start_handling(case=locked, by=by, penalty=process.penalty)
        CaseTrack.objects.bulk_create(
            CaseTrack(case=locked, kind=kind)
            for kind, chosen in (
                (CaseTrack.Kind.AGREEMENT, process.agreement),
                (CaseTrack.Kind.PENALTY, process.penalty),
                (CaseTrack.Kind.REFERRAL, process.referral),
                (CaseTrack.Kind.CREDIT, process.credit),
            )
            if chosen
        )
        CreditPoint.objects.bulk_create(
            CreditPoint(case=locked, subject=a.subject, points=a.points, reason=a.reason.strip(), recorded_by=by)
            for a in choice.credit
        )
        if choice.credit:
            from credit.services import on_credit_points_recorded

            on_credit_points_recorded(locked)
        if process.penalty:
            from penalties.services import penalty_start

            for subject in choice.penalty_subjects:
                penalty_start(case=locked, subject=subject, by=by)
        if process.agreement:
            from agreements.services import agreement_start

            for subject in choice.agreement_subjects:
                agreement_start(case=locked, subject=subject, by=by)
        if process.referral:
            from referrals.services import referral_start

            for agency in choice.referral_agencies:
                referral_start(case=locked, to_agency=agency, grounds=process.referral_grounds, by=by)

    with transaction.atomic(), acting(by):
        complete_task(task, by, act)
    return OutcomeProcess.objects.get(pk=task.process_id)


def track_done(*, case: Case, kind: str, by: User | None = None) -> bool:
    """A track's own flow has finished everything for the case: let the outcome branch reach the join.

    A no-op (False) when no outcome decision waits for that track, e.g. a 简易程序 penalty decided on
    the spot outside any outcome decision. Call it inside the finishing transaction.
    """
    node_name = HANDLE_NODES.get(kind)
    if node_name is None:
        raise ValueError(f"{kind} is not a track other flows finish")
    returned = kind == CaseTrack.Kind.PENALTY and _returned_referrals_done(case, by)
    task = pending_task(case, getattr(OutcomeFlow, node_name))
    if task is None:
        return returned
    with acting(by):
        getattr(OutcomeFlow, node_name).run(task, kind=kind)
    return True


def _returned_referrals_done(case: Case, by: User | None) -> bool:
    """Penalties a refused referral went back to (Art.10) are done: that referral ends, and with it
    perhaps the case's referral track. True when such a referral was waiting."""
    from referrals.services import after_step
    from workflows.referral import ReferralFlow

    waiting = Task.objects.filter(
        process__referralprocess__referral__case=case, flow_task=ReferralFlow.penalty, status__in=OPEN_TASK_STATUSES
    ).select_related("process__referralprocess__referral")
    found = False
    for task in waiting:
        with acting(by):
            ReferralFlow.penalty.run(task)
        after_step(referral=task.process.referralprocess.referral, by=by)
        found = True
    return found


def case_close(*, case: Case, by: User, summary: str) -> OutcomeProcess:
    """结案: every chosen track is done (the join let the flow through); issue the numbered 结案报告."""
    from workflows.closing import closing_report_issue

    if not by.has_perm("casework.decide_case", case):
        raise PermissionDenied
    if not (summary or "").strip():
        raise InvalidInput(errors={"summary": [_("Summarise how the case was handled.")]})
    task = pending_task(case, OutcomeFlow.close)
    if task is None:
        unfinished = CaseTrack.objects.filter(case=case, finished_at__isnull=True)
        if unfinished.exists():
            names = "、".join(str(track.get_kind_display()) for track in unfinished)
            raise InvalidTransition(
                _("The case closes only when all its tracks are done; still running: %(tracks)s.") % {"tracks": names}
            )
        raise AlreadyDecided()

    def act(process: OutcomeProcess) -> None:
        locked = case_services.case_close(case=Case.objects.select_for_update().get(pk=case.pk), by=by)
        process.closing_summary = summary.strip()
        process.closed_by, process.closed_at = by, locked.closed_at
        process.save(update_fields=["closing_summary", "closed_by", "closed_at"])
        process.closing_report = closing_report_issue(process=process, by=by)
        process.save(update_fields=["closing_report"])
        # A case that began with a report and found a violation: its reporter's reward is reviewed.
        from rewards.services import reward_start_on_close

        reward_start_on_close(case=locked)

    with transaction.atomic(), acting(by):
        complete_task(task, by, act)
    return OutcomeProcess.objects.get(pk=task.process_id)
