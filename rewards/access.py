"""The only way views fetch a reward: invisible → 404, visible but not allowed → 403.

The owning bureau's reward handlers, finance officers, section heads and head hold their permissions
from the start (organisation.roles OWNER_OBJECT_PERMS), the auditors above read; nobody else sees a
reward, not even the case's investigators (the reporter stays confidential, 条例 Art.35).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from casework.access import parse_id
from organisation.models import User
from organisation.roles import Role
from rewards.models import Reward

VIEW = "rewards.view_reward"
STAFF = ("reviewed_by", "proposed_by", "approved_by", "claim_checked_by", "paid_by")
# Who may open the reward pages at all (lists and statistics show them only what they may read).
REWARD_ROLES = frozenset({Role.REWARD_HANDLER, Role.FINANCE, Role.SECTION_HEAD, Role.DIRECTOR, Role.AUDITOR})


def access_reward_by_id(user: User, reward_id, *, perm: str = VIEW) -> Reward:
    """Return the reward if the user may see it and holds perm on it."""
    reward = (
        Reward.objects.visible_to(user)
        .select_related(
            "case__agency__region",
            "report__lead",
            "agency",
            "decision",
            "notice",
            *STAFF,
        )
        .defer("decision__pdf", "decision__context", "notice__pdf", "notice__context")
        .filter(pk=parse_id(reward_id))
        .first()
    )
    if reward is None:
        raise Http404
    if perm != VIEW and not user.has_perm(perm, reward):
        raise PermissionDenied
    return reward


def may_use_reward_pages(user: User) -> bool:
    return user.is_authenticated and bool(user.roles & REWARD_ROLES)


def may_start_reward(user: User, case) -> bool:
    """A reward handler of the case's own agency (there is no object permission before the reward exists)."""
    return user.has_role(Role.REWARD_HANDLER) and user.agency_id == case.agency_id
