"""The penalty flow (BPMN): 行政处罚 of one subject, general procedure or 简易程序 (domain.md §6).

General: 事先告知书 → 陈述申辩 → [hearing requested where offered: schedule → hold] → [法制审核 where
required; returned → revise → 法制审核 again] → [集体讨论 where required] → 决定 → 送达 → [money:
execution] → finished. Summary: decided and served on the spot → [money: execution] → finished.

The flow only routes on what the services recorded (penalties.services, penalties.execution); each
human task sets the penalty's status when it is created, so the status names the step under way.
"""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Task

from penalties.models import Penalty, PenaltyProcess
from workflows.triage import OPEN_TASK_STATUSES

CHANGE, DECIDE = "penalties.change_penalty", "penalties.decide_penalty"
REVIEW, DISCUSS = "penalties.review_penalty", "penalties.discuss_penalty"

# The status a penalty is in while each human task waits.
NODE_STATUS = {
    "notice": Penalty.Status.DRAFTING,
    "statement": Penalty.Status.STATEMENT,
    "schedule_hearing": Penalty.Status.HEARING_SCHEDULING,
    "hold_hearing": Penalty.Status.HEARING,
    "legal_review": Penalty.Status.LEGAL_REVIEW,
    "revise": Penalty.Status.REVISING,
    "discussion": Penalty.Status.DISCUSSION,
    "decide": Penalty.Status.DECIDING,
    "summary_decide": Penalty.Status.ON_THE_SPOT,
    "serve": Penalty.Status.SERVING,
    "execution": Penalty.Status.EXECUTION,
}


def _task_view(request, *args, **kwargs):
    """Task pages live at /tasks/penalty/<id>/ (penalties.views); viewflow's own URLs are unused."""
    from penalties.views import PenaltyTaskView

    return PenaltyTaskView.as_view()(request, *args, **kwargs)


def _penalty(process: PenaltyProcess) -> Penalty:
    return process.penalty


def _human(permission: str):
    return flow.View(_task_view).Permission(permission, obj=_penalty).onCreate(this.enter_step)


def _is_summary(activation) -> bool:
    return activation.process.penalty.procedure == Penalty.Procedure.SUMMARY


class PenaltyFlow(flow.Flow):
    """行政处罚"""

    process_class = PenaltyProcess
    # Row lock on the process: two officers completing one task are serialised; the second finds it done.
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(this.start_penalty).Next(this.procedure)
    procedure = flow.Switch().Case(this.summary_decide, _is_summary).Default(this.notice)

    notice = _human(CHANGE).Next(this.statement)
    statement = _human(CHANGE).Next(this.hearing_gate)
    hearing_gate = (
        flow.If(lambda act: act.process.penalty.hearing_offered and act.process.penalty.hearing_requested)
        .Then(this.schedule_hearing)
        .Else(this.review_gate)
    )
    schedule_hearing = _human(CHANGE).Next(this.hold_hearing)
    hold_hearing = _human(CHANGE).Next(this.review_gate)
    review_gate = (
        flow.If(lambda act: act.process.penalty.legal_review_required)
        .Then(this.legal_review)
        .Else(this.discussion_gate)
    )
    legal_review = _human(REVIEW).Next(this.review_result)
    review_result = (
        flow.If(lambda act: act.process.penalty.review_passed is True).Then(this.discussion_gate).Else(this.revise)
    )
    revise = _human(DECIDE).Next(this.legal_review)
    discussion_gate = (
        flow.If(lambda act: act.process.penalty.discussion_required).Then(this.discussion).Else(this.decide)
    )
    discussion = _human(DISCUSS).Next(this.decide)
    decide = _human(DECIDE).Next(this.serve)
    serve = _human(CHANGE).Next(this.money_gate)

    summary_decide = _human(DECIDE).Next(this.money_gate)

    money_gate = flow.If(lambda act: act.process.penalty.has_money).Then(this.execution).Else(this.finish)
    execution = _human(DECIDE).Next(this.finish)
    finish = flow.Function(this.finish_penalty).Next(this.end)
    end = flow.End()

    def start_penalty(self, activation, penalty: Penalty):
        activation.process.penalty = penalty
        return activation.process

    def enter_step(self, activation):
        penalty = activation.process.penalty
        status = NODE_STATUS[activation.flow_task.name]
        if penalty.status != status:
            penalty.set_status(status)
            penalty.save(update_fields=["status"])

    def finish_penalty(self, activation):
        from penalties.services import penalty_mark_finished

        penalty_mark_finished(penalty=activation.process.penalty)


HUMAN_NODES = tuple(getattr(PenaltyFlow, name) for name in NODE_STATUS)


def pending_task(penalty: Penalty, node=None) -> Task | None:
    """The penalty's open human task (of node, when given)."""
    tasks = Task.objects.filter(process__penaltyprocess__penalty=penalty, status__in=OPEN_TASK_STATUSES)
    tasks = tasks.filter(flow_task=node) if node is not None else tasks.filter(flow_task__in=HUMAN_NODES)
    return tasks.order_by("pk").first()
