"""Time screening-hit ingestion (intake.screening.screen_hits_ingest) at volume on PostgreSQL.

    .venv/bin/python benchmarks/bench_ingest.py [--batches 40] [--batch-size 5000] [--naive 2000]

Drops and recreates the database named in INGEST_DATABASE_URL (default casework_bench_ingest), seeds one
city's bureau with 50,000 leads (benchmarks/seed_ingest.py), then sends 200,000 hits in batches of
5,000, half of each batch re-sent hits, and prints hits/s, p50/p95 per batch, queries per batch
(and what the per-lead triage starts take of both), and the ratio against a naive
one-hit-per-transaction loop timed on a sample. Figures are printed, never asserted.
"""

import argparse
import os
import random
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Its own database (INGEST_DATABASE_URL), so `make bench` keeps bench_lists.py's seeded one for --reuse.
os.environ["DATABASE_URL"] = os.getenv(
    "INGEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/casework_bench_ingest"
)
os.environ["DEBUG"] = "0"
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from benchmarks import seed_ingest  # noqa: E402
from benchmarks.bulk import recreate_database  # noqa: E402
from benchmarks.measure import percentile  # noqa: E402
from casework.models import Lead, Subject  # noqa: E402
from config import pgcopy  # noqa: E402
from intake import screening  # noqa: E402
from intake.models import ScreenBatch, ScreenHit  # noqa: E402
from intake.screening import screen_hits_ingest  # noqa: E402
from intake.screening_validation import validate_hit  # noqa: E402
from workflows.triage import triage_start  # noqa: E402

GOAL_HITS_PER_SECOND = 2_000


class QueryCounter:
    """Counts statements through connection.execute_wrapper; cheaper than capturing them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def count_copies(counter: QueryCounter) -> None:
    """COPY statements go to psycopg's cursor directly, past execute_wrapper: count them as queries too."""
    original = pgcopy.copy_rows

    def copy_rows(*args, **kwargs):
        counter.count += 1
        return original(*args, **kwargs)

    pgcopy.copy_rows = screening.copy_rows = copy_rows  # copy_like calls the former, the service the latter


class TriageClock:
    """Wraps intake.screening.triage_queue to time it and count its statements apart."""

    def __init__(self, counter: QueryCounter) -> None:
        self.counter, self.seconds, self.queries, self.leads = counter, 0.0, 0, 0
        self.original = screening.triage_queue

    def __call__(self, leads):
        before, started = self.counter.count, time.perf_counter()
        self.original(leads)
        self.seconds += time.perf_counter() - started
        self.queries += self.counter.count - before
        self.leads += len(leads)

    def reset(self) -> None:
        self.seconds, self.queries, self.leads = 0.0, 0, 0


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    rng = random.Random(args.seed)
    seeded = prepare_database(args, rng)
    city = seed_ingest.city(
        seed_ingest.Agency.objects.get(region__code=seed_ingest.CITY, kind="medical_security_bureau")
    )
    print_dataset(city, seeded)
    counter = QueryCounter()
    clock = TriageClock(counter)
    screening.triage_queue = clock
    count_copies(counter)
    with connection.execute_wrapper(counter):
        naive = measure_naive(city, random.Random(args.seed + 1), n=args.naive, counter=counter)
        rows = measure_batches(city, rng, args, counter, clock)
    print_results(rows, naive, args)
    print(
        f"\nDataset after the run: {Lead.objects.count():,} leads, {ScreenHit.objects.count():,} hits, "
        f"{Subject.objects.filter(status='to_verify').count():,} subjects to verify"
    )
    print(
        f"Load average (1/5/15 min) at the end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs"
    )
    print(f"Total runtime: {time.perf_counter() - started:.1f} s")


def measure_batches(city, rng, args, counter: QueryCounter, clock: TriageClock) -> list[dict]:
    stream = seed_ingest.HitStream(city, rng, source="jsyb-zhjk")
    rows = []
    print(
        f"\n{args.batches} batches of {args.batch_size:,} hits (half re-sent) as {city.screener.username}", flush=True
    )
    print(
        f"  {'batch':>5} {'ms':>8} {'hits/s':>8} {'created':>8} {'dup':>6} {'rej':>4} {'new leads':>9} "
        f"{'joined':>6} {'queries':>8} {'triage ms':>9} {'triage q':>8}"
    )
    for number in range(args.batches):
        hits = stream.batch(args.batch_size)
        clock.reset()
        before = counter.count
        t0 = time.perf_counter()
        result = screen_hits_ingest(hits=hits, by=city.screener)
        elapsed = time.perf_counter() - t0
        row = {
            "seconds": elapsed,
            "hits": len(hits),
            "created": result.created,
            "duplicates": result.duplicates,
            "rejected": len(result.rejected),
            "leads_created": result.leads_created,
            "leads_updated": result.leads_updated,
            "queries": counter.count - before,
            "triage_seconds": clock.seconds,
            "triage_queries": clock.queries,
        }
        rows.append(row)
        print(
            f"  {number + 1:>5} {elapsed * 1000:>8.0f} {len(hits) / elapsed:>8,.0f} {row['created']:>8,} "
            f"{row['duplicates']:>6,} {row['rejected']:>4} {row['leads_created']:>9,} {row['leads_updated']:>6,} "
            f"{row['queries']:>8,} {clock.seconds * 1000:>9.0f} {clock.queries:>8,}",
            flush=True,
        )
    return rows


def measure_naive(city, rng: random.Random, *, n: int, counter: QueryCounter) -> dict:
    """One hit at a time, each in its own transaction: look up the subject, the key, the open lead; write."""
    stream = seed_ingest.HitStream(city, rng, source="naive-sample")
    hits = stream.batch(n)
    region_ids = city.agency.region.descendant_ids()
    before = counter.count
    t0 = time.perf_counter()
    for index, raw in enumerate(hits):
        naive_one(index, raw, city, region_ids)
    elapsed = time.perf_counter() - t0
    return {"hits": n, "seconds": elapsed, "queries": counter.count - before}


def naive_one(index: int, raw: dict, city, region_ids: set[int]) -> None:
    hit, errors = validate_hit(index, raw)
    if errors:
        return
    with transaction.atomic():
        subject = Subject.objects.filter(kind=hit.kind, code=hit.code).first()
        if subject is None:
            subject = Subject.objects.create(
                kind=hit.kind, code=hit.code, name=hit.name, region=city.agency.region, status=Subject.Status.TO_VERIFY
            )
        if subject.region_id not in region_ids:
            return
        if ScreenHit.objects.filter(source=hit.source, external_id=hit.external_id).exists():
            return
        lead = (
            Lead.objects.filter(agency=city.agency, status=Lead.Status.PENDING, subjects=subject)
            .order_by("received_at", "pk")
            .first()
        )
        if lead is None:
            lead = triage_start(
                agency=city.agency,
                source_kind=Lead.SourceKind.SCREEN_HIT,
                title=f"智能监控疑点：{hit.rule_name} — {subject.name}",
                description=f"规则 {hit.rule_code}（{hit.rule_name}）筛查发现疑点。",
                subjects=[subject],
                amount_estimate=hit.amount,
                by=city.screener,
            )
        ScreenHit.objects.create(
            source=hit.source,
            external_id=hit.external_id,
            rule_code=hit.rule_code,
            rule_name=hit.rule_name,
            subject=subject,
            period_from=hit.period_from,
            period_to=hit.period_to,
            amount=hit.amount,
            details=hit.details,
            lead=lead,
            batch=_naive_batch(city),
        )


_BATCH = {}


def _naive_batch(city):
    if "batch" not in _BATCH:
        _BATCH["batch"] = ScreenBatch.objects.create(
            agency=city.agency, submitted_by=city.screener, channel="api", file_name="naive"
        )
    return _BATCH["batch"]


def print_results(rows: list[dict], naive: dict, args) -> None:
    total_hits = sum(r["hits"] for r in rows)
    total_seconds = sum(r["seconds"] for r in rows)
    times = [r["seconds"] * 1000 for r in rows]
    triage_seconds = sum(r["triage_seconds"] for r in rows)
    triage_queries = sum(r["triage_queries"] for r in rows)
    queries = [r["queries"] for r in rows]
    other_queries = [r["queries"] - r["triage_queries"] for r in rows]
    leads = sum(r["leads_created"] for r in rows)
    rate = total_hits / total_seconds
    naive_rate = naive["hits"] / naive["seconds"]
    print("\nResults")
    print(
        f"  hits sent                         {total_hits:,} ({sum(r['created'] for r in rows):,} stored, "
        f"{sum(r['duplicates'] for r in rows):,} duplicates, {sum(r['rejected'] for r in rows):,} rejected)"
    )
    print(
        f"  sustained                         {rate:,.0f} hits/s over {total_seconds:.1f} s "
        f"(goal {GOAL_HITS_PER_SECOND:,}: {rate / GOAL_HITS_PER_SECOND:.2f}×)"
    )
    print(
        f"  per batch of {args.batch_size:,}              p50 {percentile(times, 50):,.0f} ms, "
        f"p95 {percentile(times, 95):,.0f} ms, max {max(times):,.0f} ms"
    )
    print(
        f"  queries per batch                 p50 {percentile(queries, 50):,.0f}, max {max(queries):,}; "
        f"without the triage starts: p50 {percentile(other_queries, 50):,.0f}, max {max(other_queries):,}"
    )
    if leads:
        print(
            f"  leads opened                      {leads:,}; triage starts took {triage_seconds:.1f} s "
            f"({triage_seconds / total_seconds:.0%} of the time), {triage_queries / leads:.1f} queries "
            f"and {triage_seconds / leads * 1000:.2f} ms per lead"
        )
        print(f"  without the triage starts         {total_hits / (total_seconds - triage_seconds):,.0f} hits/s")
    print(
        f"  naive, one hit per transaction    {naive_rate:,.0f} hits/s on a sample of {naive['hits']:,} "
        f"(half re-sent), {naive['queries'] / naive['hits']:.1f} queries per hit"
    )
    print(f"  ratio batch / naive               {rate / naive_rate:.1f}×")


def prepare_database(args, rng: random.Random) -> float:
    started = time.perf_counter()
    name = recreate_database()
    print(f"Created database {name}; seeding {args.leads:,} leads…", flush=True)
    seed_ingest.seed(leads=args.leads, cases=args.cases, rng=rng)
    return time.perf_counter() - started


def print_dataset(city, seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    pending = Lead.objects.filter(agency=city.agency, status=Lead.Status.PENDING).count()
    print(
        f"Seeded in {seconds:.1f} s ({size}): {Lead.objects.filter(agency=city.agency).count():,} leads of "
        f"{city.agency.name} ({pending:,} pending), {len(city.organisations):,} institutions and pharmacies, "
        f"{len(city.practitioners):,} practitioners, {len(city.insured):,} insured persons"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=40, help="batches sent (default 40)")
    parser.add_argument("--batch-size", type=int, default=5_000, help="hits per batch, half re-sent (default 5,000)")
    parser.add_argument("--naive", type=int, default=2_000, help="hits in the naive one-by-one sample (default 2,000)")
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=8_000)
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the generated data")
    return parser.parse_args()


if __name__ == "__main__":
    main()
