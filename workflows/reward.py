"""The reward flow (BPMN, 举报奖励, domain.md §9): eligibility → amount → approval (collective above the
threshold) → notice → claim (or forfeiture when the window closes) → payment.

The flow only routes on what rewards.services recorded; every task page is the reward page.
"""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Task

from rewards.models import Reward, RewardProcess
from workflows.tasks import OPEN_TASK_STATUSES

Status = Reward.Status
HANDLE, APPROVE = "rewards.change_reward", "rewards.approve_reward"
COLLECTIVE, PAY = "rewards.decide_reward_collectively", "rewards.pay_reward"


def _task_view(request, *args, **kwargs):
    from rewards.views import reward_task

    return reward_task(request, *args, **kwargs)


def _reward(process: RewardProcess) -> Reward:
    return process.reward


def _human(permission: str):
    return flow.View(_task_view).Permission(permission, obj=_reward)


def _status_is(*statuses):
    return lambda activation: activation.process.reward.status in statuses


class RewardFlow(flow.Flow):
    """举报奖励"""

    process_class = RewardProcess
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(this.start_reward).Next(this.review)
    # The reward handler checks eligibility (natural person, specific subject with evidence, not known
    # before, verified, an amount or a stopped violation, not excluded, first valid reporter).
    review = _human(HANDLE).Next(this.eligible)
    eligible = flow.If(_status_is(Status.PROPOSING)).Then(this.propose).Else(this.end)
    # The amount by the region's rule, changed only with reasons.
    propose = _human(HANDLE).Next(this.approve)
    approve = _human(APPROVE).Next(this.approved)
    approved = (
        flow.Switch()
        .Case(this.collective, _status_is(Status.COLLECTIVE))
        .Case(this.notify, _status_is(Status.NOTIFYING))
        .Case(this.propose, _status_is(Status.PROPOSING))
        .Default(this.end)
    )
    # Above the threshold (or outside the rule's bounds) the leadership decides collectively.
    collective = _human(COLLECTIVE).Next(this.decided)
    decided = (
        flow.Switch()
        .Case(this.notify, _status_is(Status.NOTIFYING))
        .Case(this.propose, _status_is(Status.PROPOSING))
        .Default(this.end)
    )
    # 领奖通知书 to a named reporter; the status page tells an anonymous one.
    notify = _human(HANDLE).Next(this.claim)
    # The reporter claims within the window; the scheduled run forfeits it when the window closes.
    claim = _human(HANDLE).Next(this.claimed)
    claimed = flow.If(_status_is(Status.PAYING)).Then(this.pay).Else(this.end)
    pay = _human(PAY).Next(this.end)
    end = flow.End()

    def start_reward(self, activation, reward: Reward):
        activation.process.reward = reward
        return activation.process


HUMAN_NODES = (
    RewardFlow.review,
    RewardFlow.propose,
    RewardFlow.approve,
    RewardFlow.collective,
    RewardFlow.notify,
    RewardFlow.claim,
    RewardFlow.pay,
)


def pending_task(reward: Reward, node=None) -> Task | None:
    tasks = Task.objects.filter(process__rewardprocess__reward=reward, status__in=OPEN_TASK_STATUSES)
    tasks = tasks.filter(flow_task=node) if node is not None else tasks.filter(flow_task__in=HUMAN_NODES)
    return tasks.order_by("pk").first()
