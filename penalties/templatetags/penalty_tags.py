"""{% penalty_tasks %} for My tasks and {% penalty_panel case %} for the case page, each with bounded queries."""

from django import template

from penalties import extension, selectors

register = template.Library()

# Existing badge colours for each status (static/css/app.css).
STATUS_BADGE = {
    "drafting": "status-opened",
    "statement": "status-pending",
    "hearing_scheduling": "status-pending",
    "hearing": "status-pending",
    "legal_review": "status-investigating",
    "revising": "status-merged",
    "discussion": "status-investigating",
    "deciding": "status-investigating",
    "on_the_spot": "status-opened",
    "serving": "status-handling",
    "execution": "status-handling",
    "finished": "status-closed",
}


@register.filter
def penalty_badge(status: str) -> str:
    return STATUS_BADGE.get(status, "")


@register.inclusion_tag("penalties/includes/inbox.html", takes_context=True)
def penalty_tasks(context):
    return {"rows": selectors.penalty_inbox(user=context["request"].user)}


@register.inclusion_tag("penalties/includes/case_panel.html", takes_context=True)
def penalty_panel(context, case):
    user = context["request"].user
    panel = selectors.case_penalty_panel(case=case, user=user, may_decide=context.get("can_decide", True))
    deadline = panel["decision_deadline"]
    may_extend = (
        panel["extension"] is None
        and deadline is not None
        and deadline.is_open
        and extension.may_extend(case=case, user=user)
    )
    return {**panel, "case": case, "may_extend": may_extend}
