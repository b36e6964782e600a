"""Which records a user may see or act on, read from guardian's group object permissions.

Object permissions are granted to role groups only (organisation.services.grant_owner_access),
never to single users, so one semi-join on the group-grant table answers "visible to": with the
user's group ids and the permission id as literals, PostgreSQL reads the (group, permission,
object) index and pages in O(visible rows) rather than testing every row of the table, which is
what guardian's generic get_objects_for_user (an OR of two IN-subqueries) makes it do.
"""

from functools import lru_cache

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.signals import post_migrate
from guardian.utils import get_group_obj_perms_model


@lru_cache(maxsize=64)
def permission_id(app_label: str, model_name: str, codename: str) -> int:
    content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    return Permission.objects.get(content_type=content_type, codename=codename).pk


def _forget_permission_ids(**kwargs) -> None:
    # Permissions get new ids when a (test) database is flushed and re-populated.
    permission_id.cache_clear()


post_migrate.connect(_forget_permission_ids, dispatch_uid="organisation.visibility.forget_permission_ids")


def with_group_grant(queryset: QuerySet, user, codename: str) -> QuerySet:
    """The rows of queryset on which one of the user's groups holds codename."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    meta = queryset.model._meta
    grants = get_group_obj_perms_model(queryset.model).objects.filter(
        content_object=OuterRef("pk"),
        permission_id=permission_id(meta.app_label, meta.model_name, codename),
        group_id__in=user.group_ids,
    )
    return queryset.filter(Exists(grants))
