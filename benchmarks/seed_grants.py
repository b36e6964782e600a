"""Object permissions at volume: the rows grant_owner_access() writes, for every seeded lead and case.

A sample of every agency is granted through grant_owner_access() itself, which also times it;
the rest get the same per-agency (group, permission) pairs from one INSERT … SELECT; then
verify_grants() checks every object holds exactly the pairs the service gave its agency's sample.
"""

import time
from collections import defaultdict

from django.db import connection, transaction

from casework.models import Case, CaseGroupObjectPermission, Lead, LeadGroupObjectPermission
from organisation import services as org_services
from organisation.models import Agency
from organisation.services import grant_owner_access

GRANT_SAMPLE_PER_AGENCY = 100  # objects per agency granted through grant_owner_access itself


def seed_grants(agencies: list[Agency], model) -> str:
    """Grant a sample through grant_owner_access, the rest with the same rows in SQL; check they agree."""
    perm_model = {Lead: LeadGroupObjectPermission, Case: CaseGroupObjectPermission}[model]
    sample = []
    for agency in agencies:
        ids = model.objects.filter(agency=agency).order_by("pk").values_list("pk", flat=True)[:GRANT_SAMPLE_PER_AGENCY]
        sample.extend(model(pk=pk, agency=agency) for pk in ids)
    started = time.perf_counter()
    with transaction.atomic():
        grant_owner_access(sample)
    service_seconds = time.perf_counter() - started
    per_agency = _grants_by_agency(agencies, model)
    values = [(agency_id, group_id, perm_id) for agency_id, rows in per_agency.items() for group_id, perm_id in rows]
    table, lead_table = perm_model._meta.db_table, model._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s)"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (group_id, permission_id, content_object_id) "
            f"SELECT g.group_id, g.permission_id, o.id FROM {lead_table} o "
            f"JOIN (VALUES {placeholders}) AS g(agency_id, group_id, permission_id) ON g.agency_id = o.agency_id "
            # In unique-index order, so the (group, permission, object) index is appended to, not split.
            f"ORDER BY g.group_id, g.permission_id, o.id ON CONFLICT DO NOTHING",
            [v for row in values for v in row],
        )
        inserted = cursor.rowcount
    verify_grants(model, perm_model, per_agency, sample)
    total = perm_model.objects.count()
    rate = len(sample) / service_seconds
    estimate = model.objects.count() / rate
    return (
        f"{total:,} rows; grant_owner_access: {len(sample):,} objs in {service_seconds:.2f}s "
        f"({rate:,.0f} objs/s, ~{estimate:.0f}s for all), SQL inserted {inserted:,}"
    )


def _grants_by_agency(agencies: list[Agency], model) -> dict[int, set[tuple[int, int]]]:
    """(group id, permission id) pairs per owning agency, from the service's own grant table."""
    label = model._meta.label_lower
    perm_ids = dict(org_services._permissions_of(model._meta.app_label))
    grants = {}
    for agency in agencies:
        pairs = org_services._grantee_groups(agency, label)
        grants[agency.pk] = {(group_id, perm_ids[c]) for group_id, codenames in pairs for c in codenames}
    return grants


def verify_grants(model, perm_model, per_agency: dict, sample: list) -> None:
    """Every object has exactly the pairs grant_owner_access gave the sampled objects of its agency."""
    granted = defaultdict(set)
    agency_of = {obj.pk: obj.agency_id for obj in sample}
    rows = perm_model.objects.filter(content_object_id__in=list(agency_of)).values_list(
        "content_object_id", "group_id", "permission_id"
    )
    for obj_id, group_id, perm_id in rows:
        granted[obj_id].add((group_id, perm_id))
    for obj_id, agency_id in agency_of.items():
        if granted[obj_id] != per_agency[agency_id]:
            raise AssertionError(f"{model.__name__} {obj_id}: SQL grants differ from grant_owner_access")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {model._meta.db_table} o LEFT JOIN "
            f"(SELECT content_object_id, count(*) AS n FROM {perm_model._meta.db_table} GROUP BY 1) p "
            f"ON p.content_object_id = o.id WHERE coalesce(p.n, 0) <> CASE o.agency_id "
            + " ".join(f"WHEN {a} THEN {len(pairs)}" for a, pairs in per_agency.items())
            + " END"
        )
        wrong = cursor.fetchone()[0]
    if wrong:
        raise AssertionError(f"{wrong} {model.__name__} rows have the wrong number of grants")
