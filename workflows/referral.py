"""The referral flow (BPMN, 移送, domain.md §7), across the sending bureau and the receiving agency.

Bureau: officers' report → head's decision (3 days) → [approved] send the package (24 hours).
Receiver: sign the 回执 → accept / refuse / forward (forwarding loops back to the receipt at the
competent agency) → outcome. After a refusal the bureau chooses: reconsideration (the receiver
answers), 立案监督 by the procuratorate (which may order filing: back to the receiver's decision),
back to the administrative penalty track (Art.10; the flow waits for that track), or accept it.

The flow only routes on what referrals.services recorded; every human task page is the referral page.
"""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Task

from referrals.models import Referral, ReferralProcess
from workflows.tasks import OPEN_TASK_STATUSES

SEND, APPROVE = "referrals.change_referral", "referrals.approve_referral"
HANDLE, SUPERVISE = "referrals.handle_referral", "referrals.supervise_referral"
Status = Referral.Status


def _task_view(request, *args, **kwargs):
    """Task pages are the referral page (referrals.views); viewflow's own URLs are unused."""
    from referrals.views import referral_task

    return referral_task(request, *args, **kwargs)


def _referral(process: ReferralProcess) -> Referral:
    return process.referral


def _human(permission: str):
    return flow.View(_task_view).Permission(permission, obj=_referral)


def _status_is(*statuses):
    return lambda activation: activation.process.referral.status in statuses


class ReferralFlow(flow.Flow):
    """移送"""

    process_class = ReferralProcess
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(this.start_referral).Next(this.prepare)
    # The officers' report: grounds, facts, the evidence to transfer.
    prepare = _human(SEND).Next(this.approve)
    # The head decides within 3 days of the report.
    approve = _human(APPROVE).Next(this.approved)
    approved = flow.If(_status_is(Status.SENDING)).Then(this.send).Else(this.finish)
    # The package (移送书, 调查报告, 涉案物品清单) is issued and sent within 24 hours of the decision.
    send = _human(SEND).Next(this.receipt)
    # The receiving agency signs the 回执.
    receipt = _human(HANDLE).Next(this.decide)
    decide = _human(HANDLE).Next(this.decided)
    decided = (
        flow.Switch()
        .Case(this.receipt, _status_is(Status.AWAITING_RECEIPT))
        .Case(this.outcome, _status_is(Status.ACCEPTED))
        .Default(this.after_refusal)
    )
    # The bureau: reconsideration, supervision, back to penalty, or accept the refusal (3 days).
    after_refusal = _human(SEND).Next(this.refusal_choice)
    refusal_choice = (
        flow.Switch()
        .Case(this.reconsider, _status_is(Status.RECONSIDERATION))
        .Case(this.supervise, _status_is(Status.SUPERVISION))
        .Case(this.penalty, _status_is(Status.RETURNED))
        .Default(this.finish)
    )
    # The receiver answers the reconsideration within 3 days.
    reconsider = _human(HANDLE).Next(this.reconsidered)
    reconsidered = flow.If(_status_is(Status.ACCEPTED)).Then(this.outcome).Else(this.after_refusal)
    # 立案监督: the procuratorate orders filing (the receiver decides again) or finds the refusal justified.
    supervise = _human(SUPERVISE).Next(this.supervised)
    supervised = flow.If(_status_is(Status.RECEIVED)).Then(this.decide).Else(this.after_refusal)
    # The receiver reports outcomes; the final one completes this task.
    outcome = _human(HANDLE).Next(this.finish)
    # Back to the administrative penalty track: waits until the case's penalties are done (track_done).
    penalty = flow.Handle(this.penalty_done).Next(this.finish)
    finish = flow.Function(this.finish_referral).Next(this.end)
    end = flow.End()

    def start_referral(self, activation, referral: Referral):
        activation.process.referral = referral
        return activation.process

    def penalty_done(self, activation, **kwargs):
        from referrals.services import referral_penalty_finished

        referral_penalty_finished(referral=activation.process.referral)

    def finish_referral(self, activation):
        from referrals.services import referral_finished

        referral_finished(referral=activation.process.referral)


HUMAN_NODES = (
    ReferralFlow.prepare,
    ReferralFlow.approve,
    ReferralFlow.send,
    ReferralFlow.receipt,
    ReferralFlow.decide,
    ReferralFlow.after_refusal,
    ReferralFlow.reconsider,
    ReferralFlow.supervise,
    ReferralFlow.outcome,
)


def pending_task(referral: Referral, node=None) -> Task | None:
    """The referral's open human task (of node, when given)."""
    tasks = Task.objects.filter(process__referralprocess__referral=referral, status__in=OPEN_TASK_STATUSES)
    tasks = tasks.filter(flow_task=node) if node is not None else tasks.filter(flow_task__in=HUMAN_NODES)
    return tasks.order_by("pk").first()
