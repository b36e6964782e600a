"""A prototype of a faster visible_to(), patched in for --prototype runs only (no project file changes).

guardian's get_objects_for_user(…, accept_global_perms=False) on a direct-FK model sends

    id IN (SELECT … FROM <user perms> JOIN auth_permission … AND content_object_id IN (SELECT id FROM lead))
    OR id IN (SELECT … FROM <group perms> JOIN auth_permission … WHERE group_id IN (SELECT … user_groups …)
              AND content_object_id IN (SELECT id FROM lead))

The OR of two IN-subqueries cannot become a semi-join, so PostgreSQL scans every row of the
table and tests it against two hashed subplans: COUNT(*) costs O(all leads), not O(visible leads),
and the planner cannot estimate how many rows the user's groups hold.

The prototype sends one semi-join on the group grants, with the user's group ids and the
permission id as literals, so the planner reads the (group_id, permission_id, content_object_id)
unique index and knows the group's row count from the column statistics:

    EXISTS (SELECT 1 FROM <group perms> p
            WHERE p.content_object_id = lead.id AND p.permission_id = 101 AND p.group_id IN (51))

It reads group grants only: organisation.roles grants object permissions to role groups, never to
users. bench_lists.py checks that both shapes return the same rows before timing.
"""

from contextlib import ExitStack, contextmanager
from unittest import mock

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef

from casework.models import Case, CaseGroupObjectPermission, Lead, LeadGroupObjectPermission
from casework.models.cases import CaseQuerySet
from casework.models.leads import LeadQuerySet

_permission_ids: dict[tuple[int, str], int] = {}


def _permission_id(model, codename: str) -> int:
    content_type = ContentType.objects.get_for_model(model)  # cached by Django
    key = (content_type.pk, codename)
    if key not in _permission_ids:
        _permission_ids[key] = Permission.objects.get(content_type=content_type, codename=codename).pk
    return _permission_ids[key]


def visible_through_group_grants(queryset, user, grant_model, codename: str):
    """Rows one of the user's groups holds codename on, as a single semi-join."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    group_ids = list(user.groups.values_list("pk", flat=True))  # one query per call, as a fresh request would
    grants = grant_model.objects.filter(
        content_object=OuterRef("pk"),
        permission_id=_permission_id(queryset.model, codename),
        group_id__in=group_ids,
    )
    return queryset.filter(Exists(grants))


def _lead_visible_to(self, user):
    return visible_through_group_grants(self, user, LeadGroupObjectPermission, "view_lead")


def _case_visible_to(self, user):
    return visible_through_group_grants(self, user, CaseGroupObjectPermission, "view_case")


@contextmanager
def patched():
    """Use the prototype visible_to() for leads and cases inside the block."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(LeadQuerySet, "visible_to", _lead_visible_to))
        stack.enter_context(mock.patch.object(CaseQuerySet, "visible_to", _case_visible_to))
        yield


def same_rows(user) -> list[str]:
    """Compare the visible ids of both shapes; return the differences found (none expected)."""
    problems = []
    for model in (Lead, Case):
        current = set(model.objects.visible_to(user).values_list("pk", flat=True))
        with patched():
            proposed = set(model.objects.visible_to(user).values_list("pk", flat=True))
        if current != proposed:
            problems.append(f"{model.__name__}: {len(current ^ proposed)} ids differ for {user.username}")
    return problems
