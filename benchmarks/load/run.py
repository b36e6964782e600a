"""Load and faults: 200 users for 5 minutes against several ASGI workers on PostgreSQL + Redis, one
worker killed mid-run; prints throughput, p95 per endpoint and errors, then counts rows.

    .venv/bin/python benchmarks/load/run.py                 # seed (~5 min), run 5 min, verify
    .venv/bin/python benchmarks/load/run.py --reuse         # keep the seeded database, add fresh referrals
    .venv/bin/python benchmarks/load/run.py --users 50 --duration 60 --kill-at 30   # a short run

The database named in LOAD_DATABASE_URL (default casework_bench_load) is dropped and recreated, so its
name must contain "bench". Redis database 7 is flushed. The workers are uvicorn processes on
consecutive ports (one per port, as deploy/systemd runs them); locust users fail over between them as
the nginx upstream of deploy/ does (locustfile.py). At --kill-at seconds one worker gets SIGKILL and,
as systemd's Restart=always would, comes back --restart-after seconds later; the kill waits (up to 30 s) for
the worker to be inside a transaction that has written a row (pg_stat_activity), so that it lands mid-write.
Figures are printed, never asserted; the row checks make the exit status 1 when they find a lost, doubled or
half write.
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "load"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/casework_bench_load"
)
os.environ["REDIS_URL"] = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ["DEBUG"] = "0"
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
os.environ.setdefault("SECRET_KEY", "load-run-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("PRIVATE_ROOT", str(OUT / "private"))
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.measure import wait_until_serving  # noqa: E402

VENV = ROOT / ".venv" / "bin"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second")
    parser.add_argument("--duration", type=int, default=300, help="seconds, after the last user started")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--think", default="2,8", help="seconds a user waits between requests: min,max")
    parser.add_argument("--first-port", type=int, default=8101)
    parser.add_argument("--kill-at", type=int, default=150, help="seconds into the run; 0 kills no worker")
    parser.add_argument("--restart-after", type=float, default=5)
    parser.add_argument("--referrals", type=int, default=80, help="referrals awaiting each city's police")
    parser.add_argument("--backlog", type=int, default=3000, help="screening hits already in each city")
    parser.add_argument("--reuse", action="store_true", help="keep the database; seed fresh referrals only")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    (OUT / "results.json").unlink(missing_ok=True)
    pool = _seed(args)
    print(
        f"seeded in {time.monotonic() - started:.0f} s: {sum(map(len, pool['referrals'].values()))} referrals "
        f"awaiting the police; database {_database_size()}"
    )
    _flush_redis()
    call_command("collectstatic", interactive=False, verbosity=0)
    connection.close()

    ports = [args.first_port + i for i in range(args.workers)]
    workers = {port: _start_worker(port) for port in ports}
    try:
        for port in ports:
            wait_until_serving(port, workers[port], 60)
        run = str(int(time.time()))
        postgres_before = _postgres_cpu()
        locust, ramp = _start_locust(args, ports, run)
        kill = _kill_and_restart(args, workers, ports[len(ports) // 2], locust, ramp)
        locust.wait()
        cpu = {
            "workers": sum(_cpu(process.pid) for process in workers.values()) + kill.get("cpu", 0.0),
            "locust": _children_cpu() - kill.get("cpu", 0.0),
            "postgres": _postgres_cpu() - postgres_before,
        }
    finally:
        for process in workers.values():
            process.send_signal(signal.SIGTERM)
        for process in workers.values():
            process.wait(timeout=30)

    results = json.loads((OUT / "results.json").read_text())
    _report(args, ports, results, kill, ramp, cpu)
    return _verify(results, pool)


def _seed(args) -> dict:
    from benchmarks.bulk import recreate_database
    from benchmarks.load.seed import seed

    pool_file = OUT / "pool.json"
    if not args.reuse:
        recreate_database()
    pool = seed(
        referrals_per_city=args.referrals, backlog_hits_per_city=0 if args.reuse else args.backlog, demo=not args.reuse
    )
    pool_file.write_text(json.dumps(pool, ensure_ascii=False))
    return pool


def _database_size() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def _start_worker(port: int, mode: str = "w") -> subprocess.Popen:
    log = open(OUT / f"worker-{port}.log", mode)
    return subprocess.Popen(
        [
            str(VENV / "uvicorn"),
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--no-server-header",
            "--timeout-keep-alive",
            "75",
        ],
        cwd=ROOT,
        env={**os.environ, "PGAPPNAME": f"casework-{port}"},  # names its sessions in pg_stat_activity
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _start_locust(args, ports: list[int], run: str):
    ramp = args.users / args.spawn_rate
    env = {
        **os.environ,
        "LOAD_PORTS": ",".join(map(str, ports)),
        "LOAD_POOL": str(OUT / "pool.json"),
        "LOAD_RESULTS": str(OUT / "results.json"),
        "LOAD_RUN": run,
        "LOAD_PASSWORD": settings.DEMO_PASSWORD,
        "LOAD_THINK": args.think,
    }
    command = [
        str(VENV / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "load" / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{int(ramp + args.duration)}s",
        "--csv",
        str(OUT / "locust"),
        "--only-summary",
        "--stop-timeout",
        "60",
        "--loglevel",
        "WARNING",
    ]
    log = open(OUT / "locust.log", "w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), ramp


def _kill_and_restart(args, workers: dict, port: int, locust: subprocess.Popen, ramp: float) -> dict:
    if not args.kill_at:
        return {}
    started = time.monotonic()
    while time.monotonic() - started < ramp + args.kill_at:
        if locust.poll() is not None:
            return {}
        time.sleep(0.5)
    writing = _await_write(port, locust)
    cpu = _cpu(workers[port].pid)
    workers[port].send_signal(signal.SIGKILL)
    workers[port].wait()
    killed_at = time.monotonic() - started
    time.sleep(args.restart_after)
    workers[port] = _start_worker(port, "a")
    wait_until_serving(port, workers[port], 60)
    return {"port": port, "at": killed_at, "back": time.monotonic() - started, "cpu": cpu, "writing": writing}


def _await_write(port: int, locust: subprocess.Popen, patience: float = 30) -> bool:
    """Wait (up to patience seconds) until the worker is inside a transaction that has written a row, so the
    kill lands mid-write; True if it did."""
    deadline = time.monotonic() + patience
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and locust.poll() is None:
            cursor.execute(
                "SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND backend_xid IS NOT NULL",
                [f"casework-{port}"],
            )
            if cursor.fetchone():
                return True
            time.sleep(0.02)
    return False


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _postgres_cpu() -> float:
    """CPU seconds of the PostgreSQL processes alive now (backends that ended are not counted)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    total += _cpu(int(entry.name))
            except OSError:
                continue
    return total


def _report(args, ports, results: dict, kill: dict, ramp: float, cpu: dict) -> None:
    rows = list(csv.DictReader(open(OUT / "locust_stats.csv")))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(
        f"\n{args.users} users ({args.spawn_rate:g}/s ramp, {ramp:.0f} s) for {args.duration} s on {len(ports)} "
        f"workers, PostgreSQL + Redis; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'endpoint':52} {'requests':>9} {'errors':>7} "
        + " ".join(f"{label:>7}" for label in ("p50 ms", "p95 ms", "p99 ms", "max ms"))
        + f" {'req/s':>6}"
    )
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", -int(r["Request Count"]))):
        name = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "all requests"
        print(
            f"{name[:52]:52} {int(row['Request Count']):>9} {int(row['Failure Count']):>7} {row['50%']:>7} "
            f"{row['95%']:>7} {row['99%']:>7} {float(row['Max Response Time']):>7.0f} {float(row['Requests/s']):>6.1f}"
        )
    print(
        f"throughput {float(total['Requests/s']):.1f} requests/s; errors {total['Failure Count']} of "
        f"{total['Request Count']}"
    )
    served = ", ".join(f":{port} {results['served_by'].get(str(port), 0)}" for port in ports)
    print(f"served per worker: {served}; failovers to another worker: {results['failovers']}")
    if kill:
        print(
            f"worker :{kill['port']} killed (SIGKILL) at {kill['at']:.0f} s"
            + (" inside a write transaction" if kill["writing"] else " (no write transaction open within 30 s)")
            + f", answering again at {kill['back']:.0f} s; POSTs cut in flight: "
            + str(sum(error["cut"] for error in results["connection_errors"]))
        )
    for error in results["connection_errors"]:
        outcome = "cut (not repeated)" if error["cut"] else "repeated on the next worker"
        print(f"  connection error on :{error['port']}, {outcome}: {error['request']} {error['error'][:90]}")
    requests_total = int(total["Request Count"])
    print(
        "CPU seconds during the run: "
        + ", ".join(f"{name} {seconds:.0f}" for name, seconds in cpu.items())
        + f" (of {os.cpu_count() * (ramp + args.duration):.0f} available); server CPU per request "
        f"{1000 * (cpu['workers'] + cpu['postgres']) / max(requests_total, 1):.0f} ms "
        f"(workers {1000 * cpu['workers'] / max(requests_total, 1):.0f} ms)"
    )
    failures = list(csv.DictReader(open(OUT / "locust_failures.csv")))
    for row in failures[:10]:
        print(f"  error ×{row['Occurrences']}: {row['Method']} {row['Name']}: {row['Error'][:150]}")
    server_errors = sum(open(OUT / f"worker-{port}.log", errors="replace").read().count("Traceback") for port in ports)
    print(f"tracebacks in the workers' logs: {server_errors}")


def _verify(results: dict, pool: dict) -> int:
    from benchmarks.load.verify import verify

    checks = verify(results, pool)
    decisions = results["decisions"]
    print(f"\nrow checks ({len(results['batches'])} hit batches acknowledged, {len(decisions)} decisions answered):")
    for check in checks:
        mark = "ok" if check.ok else "FAILED"
        print(f"  {mark:6} {check.name}: expected {check.expected}, found {check.found}")
        for problem in check.problems:
            print(f"           {problem}")
    return 0 if all(check.ok for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
