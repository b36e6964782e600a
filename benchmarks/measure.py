"""Timing helpers for bench_lists.py: API requests with their SQL, triage decisions, EXPLAIN ANALYZE.

Import after django.setup().
"""

import gc
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from casework.models import Lead
from documents import services as document_services
from organisation.models import Agency, User
from workflows.triage import triage_decide


@dataclass
class Sample:
    label: str
    times_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    gc_ms: list[float] = field(default_factory=list)  # Python gen-2 garbage collection inside the request
    rows: int | None = None

    def pct(self, q: int) -> float:
        return percentile(self.times_ms, q)

    def pct_without_gc(self, q: int) -> float:
        return percentile([t - g for t, g in zip(self.times_ms, self.gc_ms, strict=True)], q)


class GcClock:
    """Total time spent in full (generation 2) garbage collections since start."""

    def __init__(self) -> None:
        self.total_ms = 0.0
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.total_ms += (time.perf_counter() - self._started) * 1000


GC_CLOCK = GcClock()


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# Lists ---------------------------------------------------------------------------------------


def measure_get(client: APIClient, url: str, *, n: int, warmup: int, label: str | None = None) -> Sample:
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:500])
    sample = Sample(label or url)
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            gc_before = GC_CLOCK.total_ms
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - t0
            sample.gc_ms.append(GC_CLOCK.total_ms - gc_before)
        assert response.status_code == 200, (url, response.status_code)
        sample.times_ms.append(elapsed * 1000)
        sample.sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        sample.queries.append(len(captured))
        sample.rows = response.data["count"]
    return sample


def page_size_query_counts(client: APIClient) -> dict[str, list[int]]:
    return {
        url: [query_count(client, f"{url}?page_size={size}") for size in (10, 50, 200)]
        for url in ("/api/v1/leads/", "/api/v1/cases/")
    }


def query_count(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:500])
    return len(captured)


# Triage --------------------------------------------------------------------------------------


def measure_triage(agency: Agency, head: User, *, n: int) -> dict[str, Sample]:
    """Time triage_decide to commit with the PDF render deferred, then the deferred renders."""
    pending = list(
        Lead.objects.filter(agency=agency, status=Lead.Status.PENDING, triage_process__isnull=False).order_by("pk")[
            : 2 * (n + 1)
        ]
    )
    if len(pending) < 2 * (n + 1):
        sys.exit(f"Only {len(pending)} open triage leads; raise --triage-pool.")
    deferred: list = []
    results = {}
    with mock.patch.object(document_services, "document_render", lambda *, document: deferred.append(document)):
        for decision, leads in (("dismiss", pending[: n + 1]), ("open", pending[n + 1 :])):
            sample = Sample(f"triage_decide({decision}) to commit")
            for i, lead in enumerate(leads):
                with CaptureQueriesContext(connection) as captured:
                    t0 = time.perf_counter()
                    triage_decide(lead=lead, by=head, decision=decision, reason="经研判，" + decision)
                    elapsed = time.perf_counter() - t0
                if i == 0:
                    continue  # warm-up: first use of the flow, templates and locks of this kind
                sample.times_ms.append(elapsed * 1000)
                sample.sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
                sample.queries.append(len(captured))
            results[decision] = sample
    by_kind: dict[str, Sample] = {}
    for document in deferred:
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            document_services.document_render(document=document)
            elapsed = time.perf_counter() - t0
        if document.kind not in by_kind:
            # Warm-up: weasyprint loads fonts and the template compiles on the first render of a kind.
            by_kind[document.kind] = Sample(f"PDF render {document.kind} (after commit)")
            continue
        sample = by_kind[document.kind]
        sample.times_ms.append(elapsed * 1000)
        sample.sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        sample.queries.append(len(captured))
    results.update(by_kind)
    return results


# EXPLAIN -------------------------------------------------------------------------------------


def explain(client: APIClient, url: str, *, note: str = "current visible_to()") -> None:
    """EXPLAIN ANALYZE the COUNT and the page SELECT the view sends for url, exactly as sent."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    sqls = [q["sql"] for q in captured.captured_queries]
    count_at = next(i for i, sql in enumerate(sqls) if sql.startswith("SELECT COUNT("))
    count_sql, page_sql = sqls[count_at], sqls[count_at + 1]  # the paginator counts, then reads the page
    for title, sql in (("COUNT", count_sql), ("page SELECT", page_sql)):
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) {url} — {title}, {note}\n{sql}\n")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print("  " + line)


def wait_until_serving(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    """Until the server on port answers /healthz; stops the benchmark if it exits or does not answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"uvicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"uvicorn did not answer on port {port} within {seconds:.0f} s")
