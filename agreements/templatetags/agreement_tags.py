"""{% agreement_inbox %} for My tasks and {% agreement_panel case %} for the case page; each runs its own
bounded queries, so the shared views need no change."""

from django import template

from agreements.selectors import agreement_inbox, case_panel_actions
from casework.models import Case
from organisation.roles import Role

register = template.Library()
# The roles that hold agreements.change_agreementaction (organisation.roles.OWNER_OBJECT_PERMS).
ACTING_ROLES = {Role.AGREEMENT_MANAGER, Role.DIRECTOR}


@register.inclusion_tag("agreements/inbox_section.html", takes_context=True)
def agreement_inbox_section(context):
    """The open tasks of the agreement managers (and agency heads, who may act too); nothing for others."""
    user = context["request"].user
    if not (user.is_authenticated and user.roles & ACTING_ROLES):
        return {"tasks": [], "shown": False}
    tasks = agreement_inbox(user=user)
    # A bureau's head holds the role too, but acts on no agreement: the section shows only with tasks.
    return {"tasks": tasks, "shown": bool(tasks) or Role.AGREEMENT_MANAGER in user.roles}


@register.inclusion_tag("agreements/case_panel.html", takes_context=True)
def agreement_panel(context, case):
    """Each agreement action of the case the reader may see: status, measures and notice. Actions start
    with the outcome decision, so a case still opened or under investigation has none (and costs no query)."""
    if case.status not in (Case.Status.HANDLING, Case.Status.CLOSED):
        return {"actions": []}
    return {"actions": case_panel_actions(case=case, user=context["request"].user)}
