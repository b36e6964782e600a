"""The agreement flow (BPMN, 协议处理): draft the measures → 违约处理通知书 → statement and final decision
→ rectification check when 限期整改 was imposed → end.

The flow only routes; agreements.services validates and records each step and drives the flow.
"""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock

from agreements.models import AgreementAction, AgreementProcess

ACT_PERMISSION = "agreements.change_agreementaction"


def _task_view(request, *args, **kwargs):
    """Task pages live at /agreements/tasks/<id>/ (agreements.views); viewflow's own URLs are unused."""
    from agreements.views import AgreementTaskView

    return AgreementTaskView.as_view()(request, *args, **kwargs)


def _action(process: AgreementProcess) -> AgreementAction:
    return process.action


class AgreementFlow(flow.Flow):
    """协议处理"""

    process_class = AgreementProcess
    # Row lock on the process: two managers completing one task are serialised; the second finds it done.
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(this.start_action).Next(this.draft)
    # Draft the measures and issue the 违约处理通知书.
    draft = flow.View(_task_view).Permission(ACT_PERMISSION, obj=_action).Next(this.statement)
    # Record the subject's 陈述申辩 (or none once the window has passed) and decide: confirm or revise.
    statement = flow.View(_task_view).Permission(ACT_PERMISSION, obj=_action).Next(this.rectifying)
    rectifying = (
        flow.If(lambda activation: activation.process.action.check_due is not None).Then(this.check).Else(this.end)
    )
    # 限期整改: check on the rectify-by date whether the subject rectified.
    check = flow.View(_task_view).Permission(ACT_PERMISSION, obj=_action).Next(this.end)
    end = flow.End()

    def start_action(self, activation, action: AgreementAction):
        activation.process.action = action
        return activation.process


TASK_NODES = (AgreementFlow.draft, AgreementFlow.statement, AgreementFlow.check)
