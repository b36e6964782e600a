"""Screening hits (智能监控疑点): validate a batch, store it once per (source, external_id), group it into leads.

A hit on a subject with a pending lead of the account's agency joins the oldest such lead; the
other hits open one new lead per (subject, rule), which goes to the agency's triage queue. A
subject code not in the registry is registered in the account's region as 待核实; a subject of
a region outside the account's is refused for that hit. Valid hits are kept when others in the
batch are refused. The API, the file import and the command all come through screen_hits_ingest().
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, DecimalField, F, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from guardian.utils import get_group_obj_perms_model

from casework import rules
from casework.audit import acting
from casework.deadlines import add_working_days
from casework.errors import DomainError, InvalidInput
from casework.models import Lead, Subject
from casework.money import MAX_YUAN
from config.pgcopy import bulk_copy_available, copy_like, copy_rows, next_ids
from intake.models import ScreenBatch, ScreenHit
from intake.screening_validation import Hit, validate_hit
from organisation.models import Agency, User
from organisation.services import grant_owner_access, owner_grant_pairs
from workflows.triage import triage_queue

MAX_BATCH = 5000
TITLE_MAX = 200


class BatchTooLarge(DomainError):
    status = 413
    message = gettext_lazy("Send at most 5,000 screening hits per request; split the batch.")


class BatchConflict(DomainError):
    status = 409
    message = gettext_lazy("Another submission stored some of these hits at the same moment; send the batch again.")


@dataclass
class IngestResult:
    received: int = 0
    created: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)
    leads_created: int = 0
    leads_updated: int = 0
    batch: ScreenBatch | None = None

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "created": self.created,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "leads_created": self.leads_created,
            "leads_updated": self.leads_updated,
        }


def may_submit_screen_hits(user, *, via_file: bool = False) -> bool:
    """The screening service account of an agency; for file imports also its bureau's lead registrars."""
    if not user.is_authenticated or user.agency_id is None:
        return False
    if user.has_perm("intake.submit_screen_hits"):
        return True
    return via_file and user.agency.kind == Agency.Kind.BUREAU and user.has_perm("casework.add_lead")


def screen_hits_ingest(
    *, hits: list, by: User, channel: str = ScreenBatch.Channel.API, file_name: str = ""
) -> IngestResult:
    """Store a batch of up to MAX_BATCH hits for by's agency and region, in one transaction.

    Locks the batch's subjects, then the pending leads they join, each in a fixed order, so that
    concurrent batches on the same subjects take turns. The unique (source, external_id)
    constraint keeps each hit once; a batch that loses a race on it is planned again, once.
    """
    if not may_submit_screen_hits(by, via_file=channel == ScreenBatch.Channel.FILE):
        raise PermissionDenied
    if not isinstance(hits, list):
        raise InvalidInput(errors={"hits": [_("Send the hits as a list.")]})
    if len(hits) > MAX_BATCH:
        raise BatchTooLarge()
    result = IngestResult(received=len(hits))
    valid = []
    for index, raw in enumerate(hits):
        hit, errors = validate_hit(index, raw)
        if errors:
            result.rejected.append({"index": index, "errors": errors})
        else:
            valid.append(hit)
    valid, repeated = _first_of_each_key(valid)
    counted = {"received": len(hits), "duplicates": repeated, "rejected": len(result.rejected)}
    batch = ScreenBatch(agency_id=by.agency_id, submitted_by=by, channel=channel, file_name=file_name[:120])
    region_ids = by.agency.region.descendant_ids()
    with transaction.atomic(), acting(by):
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    planned, new_leads = _store(valid, by=by, region_ids=region_ids, batch=batch, counted=counted)
                break
            except IntegrityError as exc:
                if attempt == 2:
                    raise BatchConflict() from exc
        triage_queue(new_leads)
    result.created, result.duplicates = batch.created, batch.duplicates
    result.rejected = sorted(result.rejected + planned.rejected, key=lambda item: item["index"])
    result.leads_created, result.leads_updated, result.batch = batch.leads_created, planned.leads_updated, batch
    return result


# Validation ----------------------------------------------------------------------------------
def _first_of_each_key(hits: list[Hit]) -> tuple[list[Hit], int]:
    """Keep the first hit of each (source, external_id) in the batch; count the repeats."""
    seen, kept = set(), []
    for hit in hits:
        if hit.key not in seen:
            seen.add(hit.key)
            kept.append(hit)
    return kept, len(hits) - len(kept)


# Storing -------------------------------------------------------------------------------------


@dataclass
class _Planned:
    leads_updated: int = 0
    rejected: list[dict] = field(default_factory=list)


def _store(
    hits: list[Hit], *, by: User, region_ids: set[int], batch: ScreenBatch, counted: dict
) -> tuple[_Planned, list[Lead]]:
    """Plan and write the batch; raises IntegrityError when another batch stored one of its keys meanwhile.

    counted holds what was found before the database was read (hits received, repeated within the
    batch, invalid); batch is saved here with the final counts, so a retry starts afresh. The new
    leads get their grants here; they are returned for the triage queue.
    """
    planned = _Planned()
    stored = _stored_keys(hits)
    fresh = [hit for hit in hits if hit.key not in stored]
    subjects = _subjects_locked(fresh, by=by)
    accepted = []
    for hit in fresh:
        subject_id, region_id, _name = subjects[(hit.kind, hit.code)]
        if region_id in region_ids:
            hit.subject_id = subject_id
            accepted.append(hit)
        else:
            message = _("This subject is registered in a region outside your agency's.")
            planned.rejected.append({"index": hit.index, "errors": {"subject.code": [message]}})
    pending = _pending_leads_locked({hit.subject_id for hit in accepted}, agency_id=by.agency_id)
    groups: dict[tuple[int, str], list[Hit]] = defaultdict(list)
    joined: dict[int, list[Hit]] = defaultdict(list)
    for hit in accepted:
        lead_id = pending.get(hit.subject_id)
        if lead_id is not None:
            hit.lead_id = lead_id
            joined[lead_id].append(hit)
        else:
            groups[(hit.subject_id, hit.rule_code)].append(hit)
    now = timezone.now()
    planned.leads_updated = len(joined)
    batch.pk, batch.received_at, batch.received = None, now, counted["received"]
    batch.created, batch.duplicates = len(accepted), counted["duplicates"] + len(hits) - len(fresh)
    batch.rejected, batch.leads_created = counted["rejected"] + len(planned.rejected), len(groups)
    batch.save(force_insert=True)
    names = {pk: name for pk, _region, name in subjects.values()}
    new_leads = _leads_create(groups, by=by, now=now, subject_names=names)
    _hits_create(sorted(accepted, key=lambda h: h.key), batch=batch, now=now)
    _add_amounts(joined)
    return planned, new_leads


def _stored_keys(hits: list[Hit]) -> set[tuple[str, str]]:
    if not hits:
        return set()
    wanted = {hit.key for hit in hits}
    if connection.vendor == "postgresql":
        # Two array parameters rather than IN lists of thousands of literals; the unique index answers.
        sources, ids = zip(*wanted, strict=True)
        table = connection.ops.quote_name(ScreenHit._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT h.source, h.external_id FROM {table} h "
                f"JOIN unnest(%s::text[], %s::text[]) AS k(source, external_id) "
                f"ON h.source = k.source AND h.external_id = k.external_id",
                [list(sources), list(ids)],
            )
            return set(cursor.fetchall())
    rows = ScreenHit.objects.filter(
        source__in={hit.source for hit in hits}, external_id__in={hit.external_id for hit in hits}
    ).values_list("source", "external_id")
    return wanted & set(rows)


def _subjects_locked(hits: list[Hit], *, by: User) -> dict[tuple[str, str], tuple[int, int, str]]:
    """(kind, code) → (subject id, region id, registered name) for every hit, registering unknown codes as 待核实.

    Unknown subjects are inserted in (kind, code) order and the rows then locked in primary-key
    order: two batches wait for each other in one direction only, never in a circle.
    """
    if not hits:
        return {}
    wanted = {(hit.kind, hit.code): hit.name for hit in hits}
    codes = {code for _kind, code in wanted}
    on_postgres = connection.vendor == "postgresql"
    if on_postgres:
        table = connection.ops.quote_name(Subject._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT kind, code FROM {table} WHERE code = ANY(%s::text[])", [list(codes)])
            known = set(cursor.fetchall())
    else:
        known = set(Subject.objects.filter(code__in=codes).values_list("kind", "code"))
    missing = sorted(set(wanted) - known)
    if missing:
        Subject.objects.bulk_create(
            [
                Subject(
                    kind=kind,
                    code=code,
                    name=wanted[(kind, code)],
                    region_id=by.agency.region_id,
                    status=Subject.Status.TO_VERIFY,
                )
                for kind, code in missing
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
    if on_postgres:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, kind, code, region_id, name FROM {table} WHERE code = ANY(%s::text[]) ORDER BY id "
                f"FOR UPDATE",
                [list(codes)],
            )
            rows = cursor.fetchall()
    else:
        rows = (
            Subject.objects.select_for_update()
            .filter(code__in=codes)
            .order_by("pk")
            .values_list("pk", "kind", "code", "region_id", "name")
        )
    found = {(kind, code): (pk, region_id, name) for pk, kind, code, region_id, name in rows if (kind, code) in wanted}
    created = [(pk, f"{name}（{key[1]}）") for key, (pk, _region, name) in found.items() if key in missing]
    _log_created(Subject, created, by=by)
    return found


def _pending_leads_locked(subject_ids: set[int], *, agency_id: int) -> dict[int, int]:
    """subject id → the oldest pending lead of the agency naming it; those leads are locked."""
    if not subject_ids:
        return {}
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        lead, through = quote(Lead._meta.db_table), quote(Lead.subjects.through._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT l.id, ls.subject_id FROM {lead} l JOIN {through} ls ON ls.lead_id = l.id "
                f"WHERE l.agency_id = %s AND l.status = %s AND ls.subject_id = ANY(%s::bigint[]) "
                f"ORDER BY l.received_at, l.id FOR UPDATE OF l",
                [agency_id, Lead.Status.PENDING, list(subject_ids)],
            )
            rows = cursor.fetchall()
    else:
        rows = (
            Lead.objects.select_for_update(of=("self",))
            .filter(agency_id=agency_id, status=Lead.Status.PENDING, subjects__in=subject_ids)
            .order_by("received_at", "pk")
            .values_list("pk", "subjects")
        )
    oldest: dict[int, int] = {}
    for lead_id, subject_id in rows:
        oldest.setdefault(subject_id, lead_id)
    return oldest


LEAD_FIELDS = ("title", "description", "amount_estimate")


def _leads_create(groups: dict[tuple[int, str], list[Hit]], *, by: User, now, subject_names) -> list[Lead]:
    """One pending screen_hit lead per (subject, rule), with its subject and its hits' total as estimate.

    Writes the leads, their subject, their owner grants (as grant_owner_access) and audit entries.
    """
    if not groups:
        return []
    deadline = add_working_days(timezone.localdate(now), rules.CASE_DECISION_WORKING_DAYS)
    keys = list(groups)
    common = {
        "agency_id": by.agency_id,
        "source_kind": Lead.SourceKind.SCREEN_HIT,
        "received_at": now,
        "deadline": deadline,
        "registered_by_id": by.pk,
    }
    values = [_lead_values(groups[key], subject=subject_names[key[0]]) for key in keys]
    through = Lead.subjects.through
    if bulk_copy_available():
        ids = next_ids(Lead, len(keys))
        rows = [(pk, *row) for pk, row in zip(ids, values, strict=True)]
        copy_like(Lead, common=common, fields=("id", *LEAD_FIELDS), rows=rows)
        copy_rows(through, ["lead_id", "subject_id"], ((pk, key[0]) for pk, key in zip(ids, keys, strict=True)))
        pairs = owner_grant_pairs(Lead, by.agency)
        grants = get_group_obj_perms_model(Lead)
        copy_rows(grants, ["group_id", "permission_id", "content_object_id"], ((*p, pk) for pk in ids for p in pairs))
        leads = [Lead(id=pk, **common) for pk in ids]
        texts = [Lead.__str__(_Named(pk, row[0])) for pk, row in zip(ids, values, strict=True)]
    else:
        leads = Lead.objects.bulk_create(
            [Lead(**common, **dict(zip(LEAD_FIELDS, row, strict=True))) for row in values], batch_size=2000
        )
        ids = [lead.pk for lead in leads]
        through.objects.bulk_create(
            [through(lead_id=pk, subject_id=subject_id) for pk, (subject_id, _rule) in zip(ids, keys, strict=True)],
            batch_size=2000,
        )
        grant_owner_access(leads)
        texts = [str(lead) for lead in leads]
    for pk, key in zip(ids, keys, strict=True):
        for hit in groups[key]:
            hit.lead_id = pk
    _log_created(Lead, list(zip(ids, texts, strict=True)), by=by)
    return leads


@dataclass
class _Named:
    """What Lead.__str__ reads, for leads written without an instance."""

    pk: int
    title: str


def _lead_values(hits: list[Hit], *, subject: str) -> tuple[str, str, Decimal | None]:
    """title, description and amount_estimate of the lead the hits open."""
    first = hits[0]
    amounts = [hit.amount for hit in hits if hit.amount is not None]
    # An estimate summed from many hits stops at the largest amount the column holds.
    total = min(sum(amounts, Decimal("0.00")), MAX_YUAN) if amounts else None
    title = _("Screening: %(rule)s — %(subject)s") % {"rule": first.rule_name, "subject": subject}
    parts = [
        ngettext(
            "The screening system flagged %(subject)s under rule %(code)s (%(rule)s): %(count)d hit.",
            "The screening system flagged %(subject)s under rule %(code)s (%(rule)s): %(count)d hits.",
            len(hits),
        )
        % {"subject": subject, "code": first.rule_code, "rule": first.rule_name, "count": len(hits)}
    ]
    if total is not None:
        parts.append(_("Amount involved: %(amount)s yuan.") % {"amount": f"{total:,.2f}"})
    starts = [hit.period_from for hit in hits if hit.period_from]
    ends = [hit.period_to for hit in hits if hit.period_to]
    if starts or ends:
        period = {"start": min(starts or ends).isoformat(), "end": max(ends or starts).isoformat()}
        parts.append(_("Period: %(start)s to %(end)s.") % period)
    return title[:TITLE_MAX], " ".join(parts), total


HIT_FIELDS = (
    "source",
    "external_id",
    "rule_code",
    "rule_name",
    "subject_id",
    "period_from",
    "period_to",
    "amount",
    "details",
    "lead_id",
)


def _hits_create(hits: list[Hit], *, batch: ScreenBatch, now) -> None:
    """Insert the accepted hits, in key order; a key stored meanwhile by another batch raises IntegrityError."""
    common = {"batch_id": batch.pk, "received_at": now}
    if bulk_copy_available():
        details = ScreenHit._meta.get_field("details")
        rows = [
            (
                hit.source,
                hit.external_id,
                hit.rule_code,
                hit.rule_name,
                hit.subject_id,
                hit.period_from,
                hit.period_to,
                hit.amount,
                details.get_db_prep_save(hit.details, connection),
                hit.lead_id,
            )
            for hit in hits
        ]
        copy_like(ScreenHit, common=common, fields=HIT_FIELDS, rows=rows)
        return
    ScreenHit.objects.bulk_create(
        [ScreenHit(**common, **{name: getattr(hit, name) for name in HIT_FIELDS}) for hit in hits], batch_size=2000
    )


def _add_amounts(joined: dict[int, list[Hit]]) -> None:
    """Add the amounts of hits joining a pending screening lead to its estimate (one UPDATE)."""
    added = {}
    for lead_id, hits in joined.items():
        amounts = [hit.amount for hit in hits if hit.amount]
        if amounts:
            added[lead_id] = sum(amounts, Decimal("0.00"))
    if not added:
        return
    if connection.vendor == "postgresql":
        # Two array parameters instead of a CASE branch per lead: a batch can join thousands of leads.
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Lead._meta.db_table)
            cursor.execute(
                f"UPDATE {table} SET amount_estimate = LEAST(COALESCE(amount_estimate, 0) + v.added, %s) "
                f"FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, added) "
                f"WHERE {table}.id = v.id AND {table}.source_kind = %s",
                [MAX_YUAN, list(added), list(added.values()), Lead.SourceKind.SCREEN_HIT],
            )
        return
    money = DecimalField(max_digits=14, decimal_places=2)
    branches = (When(pk=pk, then=Value(amount, output_field=money)) for pk, amount in added.items())
    Lead.objects.filter(pk__in=added, source_kind=Lead.SourceKind.SCREEN_HIT).update(
        amount_estimate=Least(
            Coalesce(F("amount_estimate"), Value(Decimal("0.00"), output_field=money))
            + Case(*branches, output_field=money),
            Value(MAX_YUAN, output_field=money),
        )
    )


def _log_created(model, rows: list[tuple[int, str]], *, by: User) -> None:
    """What auditlog writes for a created record, for rows written in bulk (bulk_create sends no signals)."""
    if not rows:
        return
    common = {
        "content_type": ContentType.objects.get_for_model(model),
        "action": LogEntry.Action.CREATE,
        "changes": {},
        "actor": by,
    }
    if bulk_copy_available():
        copy_like(LogEntry, common=common, fields=LOG_FIELDS, rows=[(str(pk), pk, text) for pk, text in rows])
        return
    LogEntry.objects.bulk_create(
        [LogEntry(**common, object_pk=str(pk), object_id=pk, object_repr=text) for pk, text in rows], batch_size=2000
    )


LOG_FIELDS = ("object_pk", "object_id", "object_repr")
