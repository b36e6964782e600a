"""Screening batches racing on PostgreSQL: each hit is stored once, and one lead opens per subject and rule."""

from unittest.mock import patch

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from casework.models import Lead, Subject
from casework.models.leads import LeadGroupObjectPermission
from intake import screening
from intake.models import ScreenBatch, ScreenHit
from intake.screening import screen_hits_ingest
from tests.factories import SubjectFactory, on_postgres
from tests.test_concurrency_pg import run_together
from workflows.models import TriageProcess

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(db):
    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")


def batch(subjects, *, start=0, count=300):
    return [
        {
            "source": "jsyb",
            "external_id": f"E{n}",
            "rule_code": f"R{n % 2}",
            "rule_name": "重复收费",
            "subject": {"kind": s.kind, "code": s.code, "name": s.name}
            if s
            else {"kind": "insured", "code": f"I{n % 7}", "name": "新参保人"},
            "amount": "10.00",
        }
        for n, s in ((n, subjects[n % len(subjects)]) for n in range(start, start + count))
    ]


def test_same_batch_sent_twice_at_once_stores_each_hit_once(screener, lyg_region):
    subjects = [*SubjectFactory.create_batch(20, region=lyg_region), None]
    hits = batch(subjects)
    results = run_together([lambda: screen_hits_ingest(hits=hits, by=screener) for _ in range(2)])
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(r.created for r in results) == [0, 300]
    assert sum(r.duplicates for r in results) == 300
    assert ScreenHit.objects.count() == 300
    # One lead per (subject, rule): the second batch waited on the subjects' locks, then found the keys.
    assert Lead.objects.count() == len({(h["subject"]["code"], h["rule_code"]) for h in hits})
    new_codes = {h["subject"]["code"] for h in hits if h["subject"]["kind"] == "insured"}
    assert set(Subject.objects.filter(status="to_verify").values_list("code", flat=True)) == new_codes


def test_overlapping_batches_attach_to_one_lead_per_subject(screener, lyg_region):
    subjects = SubjectFactory.create_batch(10, region=lyg_region)
    first, second = batch(subjects, count=200), batch(subjects, start=100, count=200)
    results = run_together(
        [lambda: screen_hits_ingest(hits=first, by=screener), lambda: screen_hits_ingest(hits=second, by=screener)]
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert ScreenHit.objects.count() == 300
    assert sum(r.created for r in results) == 300 and sum(r.duplicates for r in results) == 100
    # Whichever batch ran second found the first's pending leads and joined them.
    assert Lead.objects.count() == len({(h["subject"]["code"], h["rule_code"]) for h in first + second})


class _Undo(Exception):
    """Rolls back one run, so the same batch can be stored again through the other path."""


def _snapshot(result) -> dict:
    """What a batch wrote, with ids replaced by what they stand for (ids differ between runs)."""
    leads = list(Lead.objects.order_by("pk").values())
    lead_no = {lead.pop("id"): n for n, lead in enumerate(leads)}
    code = dict(Subject.objects.values_list("pk", "code"))
    for lead in leads:
        lead.pop("received_at")
    hits = [
        {**row, "subject_id": code[row["subject_id"]], "lead_id": lead_no[row["lead_id"]]}
        for row in ScreenHit.objects.order_by("source", "external_id").values(
            "source", "external_id", "rule_code", "rule_name", "subject_id", "period_from", "period_to", "amount",
            "details", "lead_id",
        )
    ]  # fmt: skip
    through = Lead.subjects.through.objects.values_list("lead_id", "subject_id")
    grants = LeadGroupObjectPermission.objects.values_list("group_id", "permission_id", "content_object_id")
    logs = LogEntry.objects.order_by("pk").values(
        "content_type_id", "object_pk", "object_repr", "action", "changes", "actor_id", "serialized_data",
        "changes_text", "cid", "remote_addr", "additional_data", "actor_email",
    )  # fmt: skip
    for entry in logs:
        if entry["content_type_id"] == ContentType.objects.get_for_model(Lead).pk:
            number = lead_no[int(entry["object_pk"])]
            entry["object_pk"] = number
            entry["object_repr"] = entry["object_repr"].split(" ", 1)[1]
    return {
        "result": {key: value for key, value in result.as_dict().items()},
        "subjects": sorted(Subject.objects.values_list("kind", "code", "name", "region_id", "status")),
        "leads": leads,
        "hits": hits,
        "lead_subjects": sorted((lead_no[lead], code[subject]) for lead, subject in through),
        "grants": sorted((group, perm, lead_no[lead]) for group, perm, lead in grants if lead in lead_no),
        "logs": sorted(logs, key=lambda entry: (entry["content_type_id"], str(entry["object_pk"]))),
        "batch": list(ScreenBatch.objects.values("received", "created", "duplicates", "rejected", "leads_created")),
        "queued": sorted(lead_no[pk] for pk in TriageProcess.objects.values_list("lead_id", flat=True)),
    }


def _ingest_and_undo(hits, screener, *, copy: bool) -> dict:
    with patch("intake.screening.bulk_copy_available", return_value=copy):
        try:
            with transaction.atomic():
                snapshot = _snapshot(screen_hits_ingest(hits=hits, by=screener))
                raise _Undo
        except _Undo:
            pass
    return snapshot


def test_copy_path_writes_the_rows_of_the_portable_path(screener, lyg_region, alice, province_bureau):
    subjects = [*SubjectFactory.create_batch(6, region=lyg_region), None]
    first = screen_hits_ingest(hits=batch(subjects, count=40), by=screener)  # pending leads the next batch joins
    assert first.leads_created
    # Half the subjects have pending leads to join, half are new or not yet registered.
    hits = batch([*subjects[:4], *SubjectFactory.create_batch(4, region=lyg_region)], start=20, count=120)
    hits[3]["amount"], hits[5]["details"] = None, {"items": ["项目1", {"n": 2}]}
    hits[7]["subject"] = {"kind": "insured", "code": "I-NEW", "name": "新参保人"}
    copied, portable = (_ingest_and_undo(hits, screener, copy=copy) for copy in (True, False))
    assert copied["result"]["leads_created"] and copied["result"]["leads_updated"]
    assert copied["grants"] and copied["logs"] and copied["queued"]
    assert copied == portable


def test_copy_of_a_key_stored_meanwhile_is_retried(screener, lyg_region, monkeypatch):
    """The unique constraint stops a COPY as it stops an INSERT: the batch is planned again and finds the key."""
    subjects = SubjectFactory.create_batch(3, region=lyg_region)
    hits = batch(subjects, count=30)
    screen_hits_ingest(hits=hits[:10], by=screener)
    real, calls = screening._stored_keys, []

    def stale_once(found):
        calls.append(found)
        return set() if len(calls) == 1 else real(found)

    monkeypatch.setattr(screening, "_stored_keys", stale_once)
    result = screen_hits_ingest(hits=hits, by=screener)
    assert len(calls) == 2
    assert (result.created, result.duplicates) == (20, 10)
    assert ScreenHit.objects.count() == 30
