"""Time the lead and case list API and one triage step on a seeded PostgreSQL database.

    .venv/bin/python benchmarks/bench_lists.py [--reuse] [--baseline] [--explain] [--requests 50]

Drops and recreates the database named in DATABASE_URL (default casework_bench), seeds it
(benchmarks/seed.py) and prints a table of p50/p95/max timings and queries per request;
--baseline also times the lists with guardian's generic visible_to() (benchmarks/guardian_baseline.py).
Figures are printed, never asserted (shared/style.md §8). See benchmarks/README.md.
"""

import argparse
import copy
import gc
import os
import random
import sys
import time
import warnings
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/casework_bench")
os.environ["DEBUG"] = "0"  # measure what production runs; DEBUG keeps every query in memory

# whitenoise warns when collectstatic has not run; the API does not serve static files.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from benchmarks import guardian_baseline, seed  # noqa: E402
from benchmarks.bulk import recreate_database  # noqa: E402
from benchmarks.measure import (  # noqa: E402
    Sample,
    explain,
    measure_get,
    measure_triage,
    page_size_query_counts,
    percentile,
)
from casework.models import Case, Lead  # noqa: E402
from organisation.models import Agency, User  # noqa: E402

GOAL_MS = 100.0
CURRENT = "current visible_to()"
BASELINE = "BASELINE guardian get_objects_for_user"
SLOWER_THAN_BASELINE = 1.1  # --explain --baseline also explains a list whose SQL p50 exceeds 1.1 × the baseline's
LIST_ENDPOINTS = [
    "/api/v1/leads/",
    "/api/v1/leads/?page=20",
    "/api/v1/leads/?overdue=true",
    "/api/v1/cases/",
    "/api/v1/cases/?overdue=true",
]
COUNTED_TABLES = [
    "organisation_region",
    "organisation_agency",
    "auth_group",
    "organisation_user",
    "casework_subject",
    "casework_lead",
    "casework_lead_subjects",
    "casework_leadgroupobjectpermission",
    "casework_case",
    "casework_case_subjects",
    "casework_casegroupobjectpermission",
    "casework_deadline",
    "workflows_triageprocess",
    "viewflow_task",
    "documents_document",
    "auditlog_logentry",
]


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    rng = random.Random(args.seed)
    timings = prepare_database(args, rng)
    agency = pick_agency(args.target_leads)
    head = User.objects.get(username=f"head-{agency.region.code}")
    auditor = User.objects.get(username=f"auditor-{seed.PROVINCE[0]}")
    t0 = time.perf_counter()
    created = seed.triage_pool_fill(agency, size=args.triage_pool, rng=rng)
    if timings:
        timings.record("triage_start: lead + viewflow process + task", t0, f"{created} leads of {agency.code}")
    print_dataset(timings, agency, head)
    print_gc(freeze=args.gc_freeze)

    clients = {"": FreshUserClient(head)}
    if not args.no_auditor:
        clients["[auditor] "] = FreshUserClient(auditor)
    shapes = {CURRENT: nullcontext}
    if args.baseline:
        problems = guardian_baseline.same_rows(head) + guardian_baseline.same_rows(auditor)
        if problems:
            sys.exit("guardian's visible_to() returns other rows: " + "; ".join(problems))
        shapes[BASELINE] = guardian_baseline.patched
    results = measure_lists(clients, shapes, args)
    title = f"List API as {head.username} ([auditor] rows: {auditor.username}, who sees every record)"
    for name, patch in shapes.items():
        with patch():
            counts = page_size_query_counts(clients[""])
        note = name if name == CURRENT else f"{name} (benchmarks/guardian_baseline.py; same rows checked)"
        print_lists(f"{title}, {note}", results[name], counts)
    if args.baseline:
        print_ratio(results[CURRENT], results[BASELINE])

    print_triage(measure_triage(agency, head, n=args.triage))

    if args.explain:
        explain_lists(clients, shapes, results)
    print(
        f"\nLoad average (1/5/15 min) at the end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs"
    )
    print(f"Total runtime: {time.perf_counter() - started:.1f} s")


class FreshUserClient(APIClient):
    """Authenticate every request as a fresh copy of user, as a token lookup gives each request its own.

    One shared instance would carry what a request caches on the user (User.group_ids, User.roles)
    into every later request and hide the query that fills it.
    """

    def __init__(self, user: User) -> None:
        super().__init__(HTTP_HOST="localhost")
        self.pristine = User.objects.get(pk=user.pk)  # never used itself, so nothing is cached on it

    def request(self, **kwargs):
        self.force_authenticate(user=copy.copy(self.pristine))
        return super().request(**kwargs)


def measure_lists(clients: dict[str, APIClient], shapes: dict, args) -> dict[str, list[Sample]]:
    """Time every list in every shape, the shapes of one list back to back so that load changes hit them alike."""
    lists = [("", url) for url in LIST_ENDPOINTS] + [
        (prefix, url) for prefix in clients if prefix for url in ("/api/v1/leads/", "/api/v1/cases/")
    ]
    results: dict[str, list[Sample]] = {name: [] for name in shapes}
    for prefix, url in lists:
        for name, patch in shapes.items():
            with patch():
                sample = measure_get(clients[prefix], url, n=args.requests, warmup=args.warmup, label=prefix + url)
            results[name].append(sample)
    return results


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it is already seeded")
    parser.add_argument(
        "--explain",
        action="store_true",
        help=(
            "print EXPLAIN ANALYZE of the lead list COUNT and page SELECT, and of lists missing the goal "
            "or, with --baseline, whose SQL is slower than the baseline's; in each shape timed"
        ),
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per list (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per list first (default 5)")
    parser.add_argument("--triage", type=int, default=30, help="timed decisions per kind (default 30)")
    parser.add_argument(
        "--triage-pool", type=int, default=300, help="open triage tasks kept for the benchmark agency (default 300)"
    )
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--subjects", type=int, default=40_000)
    parser.add_argument(
        "--target-leads",
        type=int,
        default=5_000,
        help="benchmark the section head of the agency with the nearest number of leads",
    )
    parser.add_argument(
        "--no-auditor",
        action="store_true",
        help="skip timing both lists for the province auditor, who sees every record",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also time the lists with guardian's get_objects_for_user (benchmarks/guardian_baseline.py)",
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() before timing, as a server could after start-up, so full collections skip that heap",
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the generated data")
    return parser.parse_args()


# Database ------------------------------------------------------------------------------------


def prepare_database(args, rng: random.Random) -> seed.Timings | None:
    """Drop, create, migrate and seed the database, unless --reuse finds it seeded."""
    settings = connection.settings_dict
    name = settings["NAME"]
    if "bench" not in name:
        sys.exit(f"Refusing to drop database {name!r}: its name must contain 'bench'. Set DATABASE_URL.")
    if args.reuse and database_seeded(name, args.leads):
        print(f"Reusing database {name} (--reuse).")
        call_command("migrate", verbosity=0)
        return None
    started = time.perf_counter()
    recreate_database()
    migrated = time.perf_counter() - started
    print(f"Created database {name}; migrations took {migrated:.1f} s. Seeding…", flush=True)
    timings = seed.seed(leads=args.leads, cases=args.cases, subjects=args.subjects, rng=rng)
    timings.phases.insert(0, ("create database + migrate", migrated, ""))
    return timings


def database_seeded(name: str, leads: int) -> bool:
    settings = connection.settings_dict
    try:
        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            password=settings["PASSWORD"] or None,
            dbname=name,
        ) as conn:
            count = conn.execute("SELECT count(*) FROM casework_lead").fetchone()[0]
            agencies = conn.execute("SELECT count(*) FROM organisation_agency").fetchone()[0]
    except psycopg.Error:
        return False
    return agencies == 20 and count >= leads


def pick_agency(target: int) -> Agency:
    counts = {row["agency"]: row["n"] for row in Lead.objects.values("agency").annotate(n=Count("pk"))}
    agency_id = min(counts, key=lambda pk: abs(counts[pk] - target))
    return Agency.objects.select_related("region").get(pk=agency_id)


def print_dataset(timings, agency: Agency, head: User) -> None:
    if timings:
        print("\nSeeding")
        total = 0.0
        for name, seconds, note in timings.phases:
            total += seconds
            print(f"  {name:<46} {seconds:7.1f} s  {note}")
        print(f"  {'total':<46} {total:7.1f} s")
    with connection.cursor() as cursor:
        print("\nDataset (rows)")
        for table in COUNTED_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"  {table:<40} {cursor.fetchone()[0]:>10,}")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), current_database()")
        size, name = cursor.fetchone()
        print(f"  database {name} size: {size}")
    leads = Lead.objects.filter(agency=agency).count()
    cases = Case.objects.filter(agency=agency).count()
    print(
        f"\nBenchmark user: {head.username}, section head of {agency.name} ({agency.code}): "
        f"{leads:,} leads, {cases:,} cases of its own"
    )


def print_gc(*, freeze: bool) -> None:
    """Report what one full garbage collection costs in this process; optionally freeze the heap first."""
    gc.collect()
    tracked = len(gc.get_objects())
    started = time.perf_counter()
    gc.collect()
    full_ms = (time.perf_counter() - started) * 1000
    line = f"\nPython GC: {tracked:,} tracked objects; a full collection takes {full_ms:.0f} ms"
    if freeze:
        gc.freeze()
        started = time.perf_counter()
        gc.collect()
        line += f", {(time.perf_counter() - started) * 1000:.0f} ms after gc.freeze() (--gc-freeze)"
    print(line + ". A request that triggers one pays it (column gc below).")


def print_lists(title: str, results: list[Sample], page_size_counts: dict) -> None:
    print(
        f"\n{title}\n(ms; {len(results[0].times_ms)} requests each after warm-up; goal p95 < {GOAL_MS:.0f} ms; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)"
    )
    header = (
        f"  {'request':<36} {'p50':>6} {'p95':>6} {'max':>6} {'p95-gc':>7} {'gc':>4} {'sql p50':>8} {'queries':>7} "
        f"{'count':>8} {'p95/goal':>9}"
    )
    print(header)
    print("  " + "-" * (len(header) + 3))
    for s in results:
        queries = f"{min(s.queries)}" if min(s.queries) == max(s.queries) else f"{min(s.queries)}-{max(s.queries)}"
        ratio = s.pct(95) / GOAL_MS
        gc_hits = sum(1 for g in s.gc_ms if g > 0)
        print(
            f"  {s.label:<36} {s.pct(50):6.1f} {s.pct(95):6.1f} {max(s.times_ms):6.1f} {s.pct_without_gc(95):7.1f} "
            f"{gc_hits:>4} {percentile(s.sql_ms, 50):8.1f} {queries:>7} {s.rows:>8,} {ratio:8.2f}x "
            f"{'ok' if ratio < 1 else 'MISS'}"
        )
    print(
        "  p95-gc: p95 without the Python full garbage collections that ran inside a request; "
        "gc: requests that paid one."
    )
    print("\n  Queries per request by page_size (10 / 50 / 200):")
    for url, counts in page_size_counts.items():
        verdict = "constant" if len(set(counts)) == 1 else "GROWS WITH PAGE SIZE"
        print(f"    {url:<38} {' / '.join(map(str, counts))}  {verdict}")


def print_ratio(current: list[Sample], baseline: list[Sample]) -> None:
    print(
        "\nBaseline vs current (ms, baseline → current; ratio = baseline / current: "
        "how much faster the project's query is than guardian's generic one)"
    )
    measures = (
        ("p50", lambda s: s.pct(50)),
        ("p95", lambda s: s.pct(95)),
        ("p95-gc", lambda s: s.pct_without_gc(95)),
        ("sql p50", lambda s: percentile(s.sql_ms, 50)),
    )
    for now, before in zip(current, baseline, strict=True):
        cells = [f"{name} {m(before):5.1f} → {m(now):5.1f} ({m(before) / m(now):4.1f}x)" for name, m in measures]
        print(f"  {now.label:<36} " + "  ".join(cells))


def print_triage(results: dict[str, Sample]) -> None:
    print("\nTriage step as the section head (ms)")
    header = f"  {'step':<44} {'n':>4} {'p50':>7} {'p95':>7} {'max':>7} {'sql p50':>8} {'queries':>8}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for s in results.values():
        queries = (
            ""
            if not s.queries
            else (f"{min(s.queries)}" if min(s.queries) == max(s.queries) else f"{min(s.queries)}-{max(s.queries)}")
        )
        sql = f"{percentile(s.sql_ms, 50):8.1f}" if s.sql_ms else " " * 8
        print(
            f"  {s.label:<44} {len(s.times_ms):>4} {s.pct(50):7.1f} {s.pct(95):7.1f} {max(s.times_ms):7.1f} "
            f"{sql} {queries:>8}"
        )
    pdf = {"dismiss": "non_opening_notice", "open": "case_opening_form"}
    for decision, kind in pdf.items():
        if decision in results and kind in results:
            total = results[decision].pct(50) + results[kind].pct(50)
            print(f"  → {decision}: decision + PDF render (on_commit, same request) ≈ {total:.0f} ms at p50")


def explain_lists(clients: dict[str, APIClient], shapes: dict, results: dict[str, list[Sample]]) -> None:
    """Explain the lead list, every list missing the goal and every list slower than the baseline, in each shape.

    "Missing the goal" is judged on p95 without GC pauses; "slower" on the SQL time per request (less noisy than
    wall time on a shared machine) at p50, by more than SLOWER_THAN_BASELINE.
    """
    labels = ["/api/v1/leads/"]
    for samples in results.values():
        labels += [s.label for s in samples if s.pct_without_gc(95) > GOAL_MS and s.label not in labels]
    if BASELINE in results:
        labels += [
            now.label
            for now, before in zip(results[CURRENT], results[BASELINE], strict=True)
            if percentile(now.sql_ms, 50) > SLOWER_THAN_BASELINE * percentile(before.sql_ms, 50)
            and now.label not in labels
        ]
    for label in labels:
        prefix = next((p for p in clients if p and label.startswith(p)), "")
        for name, patch in shapes.items():
            with patch():
                explain(clients[prefix], label[len(prefix) :], note=prefix + name)


if __name__ == "__main__":
    main()
