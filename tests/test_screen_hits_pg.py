"""Screening batches racing on PostgreSQL: each hit is stored once, and one lead opens per subject and rule."""

import pytest

from casework.models import Lead, Subject
from intake.models import ScreenHit
from intake.screening import screen_hits_ingest
from tests.factories import SubjectFactory, on_postgres
from tests.test_concurrency_pg import run_together

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
