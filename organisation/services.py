"""Role groups, object-permission grants and gapless numbering."""

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from guardian.utils import get_group_obj_perms_model

from organisation.models import Agency, NumberSequence, Region, RoleGroup, User
from organisation.roles import OWNER_OBJECT_PERMS, ROLE_GLOBAL_PERMS, Role, object_perms_of


def role_group_ensure(*, agency: Agency, role: str) -> RoleGroup:
    """Return the agency's group for role, creating it with the role's model permissions."""
    existing = RoleGroup.objects.filter(agency=agency, role=role).select_related("group").first()
    if existing:
        return existing
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=f"{agency.code}:{role}")
        role_group, _ = RoleGroup.objects.get_or_create(agency=agency, role=role, defaults={"group": group})
        perms = [_permission(label) for label in ROLE_GLOBAL_PERMS.get(role, ())]
        group.permissions.add(*perms)
        _grant_existing_records(role_group)
    return role_group


def _grant_existing_records(role_group: RoleGroup) -> None:
    """Give a newly created role group its permissions on the records that already exist."""
    for label in OWNER_OBJECT_PERMS:
        codenames = object_perms_of(role_group.role, label)
        if not codenames:
            continue
        model = apps.get_model(label)
        if role_group.role == Role.AUDITOR:
            records = model.objects.filter(agency__region__in=role_group.agency.region.descendant_ids())
        else:
            records = model.objects.filter(agency=role_group.agency)
        perm_ids = dict(_permissions_of(model._meta.app_label))
        perm_model = get_group_obj_perms_model(model)
        rows = (
            perm_model(group_id=role_group.group_id, permission_id=perm_ids[codename], content_object_id=pk)
            for pk in records.values_list("pk", flat=True).iterator()
            for codename in codenames
        )
        perm_model.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def user_set_roles(*, user: User, roles: Iterable[str]) -> None:
    """Make user a member of exactly these role groups of their agency."""
    wanted = {role_group_ensure(agency=user.agency, role=role).group for role in roles}
    current = set(user.groups.filter(role_group__isnull=False))
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))
    user.__dict__.pop("roles", None)
    user.__dict__.pop("group_ids", None)


def grant_owner_access(objs: Iterable[models.Model]) -> None:
    """Grant the owning agency's role groups, and auditors above, their permissions on objs.

    Each obj has an `agency`; objs may be of one model only. Idempotent.
    """
    objs = list(objs)
    if not objs:
        return
    model = get_group_obj_perms_model(objs[0])
    pairs_for_agency = {}
    rows = []
    for obj in objs:
        if obj.agency_id not in pairs_for_agency:
            pairs_for_agency[obj.agency_id] = owner_grant_pairs(type(obj), obj.agency)
        rows.extend(
            model(group_id=group_id, permission_id=permission_id, content_object_id=obj.pk)
            for group_id, permission_id in pairs_for_agency[obj.agency_id]
        )
    model.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def owner_grant_pairs(model: type[models.Model], agency: Agency) -> list[tuple[int, int]]:
    """The (group id, permission id) pairs grant_owner_access() gives on each record of model owned by agency.

    For writers of such records in bulk (screening hits) that write the group-permission rows themselves.
    """
    perm_ids = dict(_permissions_of(model._meta.app_label))
    return [
        (group_id, perm_ids[codename])
        for group_id, codenames in _grantee_groups(agency, model._meta.label_lower)
        for codename in codenames
    ]


def _grantee_groups(agency: Agency, label: str) -> list[tuple[int, tuple[str, ...]]]:
    regions = [region.pk for region in agency.region.ancestors_and_self()]
    role_groups = RoleGroup.objects.filter(
        models.Q(agency=agency, role__in=list(OWNER_OBJECT_PERMS[label]))
        | models.Q(role=Role.AUDITOR, agency__region__in=regions)
    )
    return [(role_group.group_id, object_perms_of(role_group.role, label)) for role_group in role_groups]


def _permissions_of(app_label: str):
    return Permission.objects.filter(content_type__app_label=app_label).values_list("codename", "pk")


def _permission(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def number_allocate(*, agency: Agency, series: str, year: int) -> int:
    """Return the next number of a series; gapless and unique under concurrent callers.

    Locks the sequence row until the caller's transaction ends, so a rollback returns
    the number; call inside the transaction that stores the numbered record.
    """
    assert transaction.get_connection().in_atomic_block, "allocate numbers inside the storing transaction"
    NumberSequence.objects.bulk_create([NumberSequence(agency=agency, series=series, year=year)], ignore_conflicts=True)
    sequence = NumberSequence.objects.select_for_update().get(agency=agency, series=series, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def agency_user_ids(agency_id: int, roles: Iterable[str]) -> list[int]:
    """Ids of the agency's active users holding any of roles (whom a notice or reminder goes to)."""
    return list(
        User.objects.filter(agency_id=agency_id, is_active=True, groups__role_group__role__in=list(roles))
        .distinct()
        .values_list("pk", flat=True)
    )


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()
