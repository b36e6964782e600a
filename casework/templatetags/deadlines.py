"""{% deadline due running unit %}: a due date with days left, due today, or overdue."""

from django import template
from django.utils import timezone

from casework.deadlines import working_days_between

register = template.Library()


@register.inclusion_tag("includes/deadline.html")
def deadline(due, running=True, unit="working"):
    """unit is "working" for rules counted in 工作日 and "calendar" for rules counted in 日."""
    today = timezone.localdate()
    if unit == "working":
        days = working_days_between(*sorted((today, due)))
    else:
        days = abs((due - today).days)
    state = "overdue" if due < today else "today" if due == today else "ahead"
    return {"due": due, "running": running, "state": state, "days": days, "working": unit == "working"}
