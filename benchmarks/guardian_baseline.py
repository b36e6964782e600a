"""guardian's generic visible_to(), patched in for --baseline runs only (no project file changes).

Until commit "visible_to as one semi-join on the group grants", LeadQuerySet.visible_to and
triageable_by and CaseQuerySet.visible_to asked guardian:

    get_objects_for_user(user, "casework.view_lead", queryset, accept_global_perms=False)

which, on a direct-FK model, sends

    id IN (SELECT … FROM <user perms> JOIN auth_permission … AND content_object_id IN (SELECT id FROM lead))
    OR id IN (SELECT … FROM <group perms> JOIN auth_permission … WHERE group_id IN (SELECT … user_groups …)
              AND content_object_id IN (SELECT id FROM lead))

The project now sends one EXISTS on the group grants (organisation.visibility.with_group_grant).
Timing this shape beside it shows what that gained; bench_lists.py checks first that both shapes
return the same rows.
"""

from contextlib import ExitStack, contextmanager
from unittest import mock

from guardian.shortcuts import get_objects_for_user

from casework.models import Case, Lead
from casework.models.cases import CaseQuerySet
from casework.models.leads import LeadQuerySet

# (model, its QuerySet class, method, permission): every QuerySet method built on with_group_grant.
METHODS = (
    (Lead, LeadQuerySet, "visible_to", "casework.view_lead"),
    (Lead, LeadQuerySet, "triageable_by", "casework.triage_lead"),
    (Case, CaseQuerySet, "visible_to", "casework.view_case"),
)


def _objects_for_user(perm: str):
    def method(self, user):
        if not user.is_authenticated:
            return self.none()
        return get_objects_for_user(user, perm, self, accept_global_perms=False)

    return method


@contextmanager
def patched():
    """Use guardian's get_objects_for_user for visible_to() and triageable_by() inside the block."""
    with ExitStack() as stack:
        for _, queryset_class, name, perm in METHODS:
            stack.enter_context(mock.patch.object(queryset_class, name, _objects_for_user(perm)))
        yield


def same_rows(user) -> list[str]:
    """Compare the ids each shape returns for user; return the differences found (none expected)."""
    problems = []
    for model, _, name, _ in METHODS:
        current = set(getattr(model.objects, name)(user).values_list("pk", flat=True))
        with patched():
            baseline = set(getattr(model.objects, name)(user).values_list("pk", flat=True))
        if current != baseline:
            problems.append(f"{model.__name__}.{name}: {len(current ^ baseline)} ids differ for {user.username}")
    return problems
