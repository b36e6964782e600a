"""Live notifications at fan-out: 500 signed-in WebSocket clients, events sent through channels-redis.

    .venv/bin/python benchmarks/bench_ws.py [--clients 500] [--rounds 5] [--events 5] [--layer core|pubsub|both]

Drops and recreates the database named in WS_DATABASE_URL (default casework_bench_ws), creates --clients
users with a session each, and starts the ASGI app (config.asgi) under uvicorn on a free loopback port
with REDIS_URL (default redis://127.0.0.1:6379/15, flushed first) so that the channel layer is
channels-redis: its standard layer (REDIS_CHANNEL_LAYER=core) and then its Pub/Sub layer (the
default of config/settings.py), each with a fresh server (--layer picks one). Every client connects
to /ws/notifications/ with its session cookie, as a browser does.

Then, --rounds times, the benchmark process sends --events events to every user with
config.live.notify_users (outside a transaction, so at once, as after a commit) from a thread of its
own, as a server's request thread or the reminder job does; each event carries its send time (the wall
clock just before the call) and each client notes when it arrives. Printed per round and overall:
deliveries received / expected, latency p50/p95/max in ms and p95 against the goal (200 ms), and how long
notify_users took to hand each event to Redis for all users. The first event of a round shows one event
on an idle system; the later ones queue behind it (a burst). Figures are printed, never asserted.
Bounded: connection and delivery waits time out, each layer's run stops after --timeout seconds, and
uvicorn is always terminated. The clients and the sender share this process (and the machine's CPUs with
the server, Redis and PostgreSQL), so the figures include their contention.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.getenv("WS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/casework_bench_ws")
os.environ["REDIS_URL"] = os.getenv("WS_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ["REDIS_CHANNEL_LAYER"] = "core"
os.environ["DEBUG"] = "0"
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")

import django  # noqa: E402

django.setup()

import importlib  # noqa: E402

import websockets  # noqa: E402
from channels.layers import channel_layers  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from benchmarks.bulk import recreate_database  # noqa: E402
from benchmarks.measure import percentile, wait_until_serving  # noqa: E402
from config.live import notify_users  # noqa: E402
from organisation.models import User  # noqa: E402

GOAL_MS = 200
EVENT_TYPE = "task.assigned"
CONNECT_CONCURRENCY = 50  # sockets being opened at once


@dataclass
class Client:
    user_id: int
    session_key: str
    received: dict[tuple[int, int], float] = field(default_factory=dict)  # (round, event) → receive time
    sent_at: dict[tuple[int, int], float] = field(default_factory=dict)  # the send time the event carried


@dataclass
class Round:
    number: int
    send_seconds: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    first_event_ms: list[float] = field(default_factory=list)
    expected: int = 0


# Setup ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def seed_users(count: int) -> list[Client]:
    """Users and a database session each (what logging in writes), in bulk."""
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(username=f"ws{index:04d}", first_name=f"用户{index}", password="!bench-ws") for index in range(count)
        )
        backend = settings.AUTHENTICATION_BACKENDS[0]
        expires = timezone.now() + timezone.timedelta(days=1)
        store = SessionStore()
        sessions = [
            Session(
                session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
                session_data=store.encode(
                    {
                        SESSION_KEY: str(user.pk),
                        BACKEND_SESSION_KEY: backend,
                        HASH_SESSION_KEY: user.get_session_auth_hash(),
                    }
                ),
                expire_date=expires,
            )
            for user in users
        ]
        Session.objects.bulk_create(sessions)
    return [Client(user.pk, session.session_key) for user, session in zip(users, sessions, strict=True)]


def use_layer(name: str) -> None:
    """Send from this process through the layer the server uses: settings as REDIS_CHANNEL_LAYER=name gives."""
    import config.settings

    os.environ["REDIS_CHANNEL_LAYER"] = name
    settings.CHANNEL_LAYERS = importlib.reload(config.settings).CHANNEL_LAYERS
    channel_layers.backends = {}
    print(f"\n== {name}: {settings.CHANNEL_LAYERS['default']['BACKEND']}", flush=True)


def start_server(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "REMINDER_INTERVAL": "0",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(ROOT / ".venv" / "bin" / "uvicorn"),
        "config.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


# Clients --------------------------------------------------------------------------------------


async def connect(client: Client, url: str, origin: str, slots: asyncio.Semaphore):
    """Open the client's socket with its session cookie, a few at a time (as browsers arrive)."""
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.session_key}"}
    async with slots:
        return await asyncio.wait_for(
            websockets.connect(url, additional_headers=headers, origin=origin, open_timeout=20, max_queue=None),
            timeout=30,
        )


async def read(client: Client, socket_) -> None:
    """Note when each event arrives and the send time it carries, until the socket closes."""
    try:
        async for raw in socket_:
            now = time.time()
            event = json.loads(raw)
            key = divmod(event["id"], 1000)  # (round, event)
            client.received[key] = now
            client.sent_at[key] = float(event["title"])
    except websockets.ConnectionClosed:
        pass


def send_round(round_: Round, user_ids: list[int], events: int) -> None:
    """In a thread of its own (its own event loop per notify_users call, as a sync request has)."""
    for event_number in range(events):
        sent_at = time.time()
        notify_users(
            user_ids,
            event_type=EVENT_TYPE,
            id=round_.number * 1000 + event_number,
            title=f"{sent_at:.6f}",
            url="/tasks/",
        )
        round_.send_seconds.append(time.time() - sent_at)


async def run(args, clients: list[Client], port: int) -> list[Round]:
    url, origin = f"ws://127.0.0.1:{port}/ws/notifications/", f"http://127.0.0.1:{port}"
    slots = asyncio.Semaphore(CONNECT_CONCURRENCY)
    started = time.perf_counter()
    opened = await asyncio.gather(*(connect(c, url, origin, slots) for c in clients), return_exceptions=True)
    failed = [result for result in opened if isinstance(result, BaseException)]
    sockets = [result for result in opened if not isinstance(result, BaseException)]
    print(
        f"{len(sockets):,} of {len(clients):,} clients connected in {time.perf_counter() - started:.1f} s", flush=True
    )
    if failed:
        await asyncio.gather(*(s.close() for s in sockets))
        raise SystemExit(f"{len(failed)} clients could not connect: {failed[0]!r}")
    readers = [asyncio.create_task(read(c, s)) for c, s in zip(clients, sockets, strict=True)]
    await asyncio.sleep(1)  # the consumers' group_add reach Redis
    user_ids = [c.user_id for c in clients]
    rounds = []
    try:
        for number in range(1, args.rounds + 1):
            round_ = Round(number, expected=len(clients) * args.events)
            await asyncio.to_thread(send_round, round_, user_ids, args.events)
            wanted = {(number, e) for e in range(args.events)}
            deadline = time.perf_counter() + 15
            while time.perf_counter() < deadline and not all(wanted <= c.received.keys() for c in clients):
                await asyncio.sleep(0.05)
            for c in clients:
                for key in wanted & c.received.keys():
                    latency = (c.received[key] - c.sent_at[key]) * 1000
                    round_.latencies_ms.append(latency)
                    if key[1] == 0:
                        round_.first_event_ms.append(latency)
            rounds.append(round_)
            print_round(round_)
            await asyncio.sleep(0.5)
    finally:
        await asyncio.wait_for(asyncio.gather(*(s.close() for s in sockets), return_exceptions=True), timeout=20)
        await asyncio.wait(readers, timeout=10)
    return rounds


# Output ---------------------------------------------------------------------------------------


def figures(values: list[float]) -> str:
    if not values:
        return "nothing received"
    p95 = percentile(values, 95)
    return (
        f"p50 {percentile(values, 50):7.1f}  p95 {p95:7.1f}  max {max(values):7.1f} ms  "
        f"p95/goal {p95 / GOAL_MS:.2f}×{'  MISSES' if p95 > GOAL_MS else ''}"
    )


def print_round(round_: Round) -> None:
    sends = ", ".join(f"{s * 1000:.0f}" for s in round_.send_seconds)
    print(
        f"round {round_.number}: {len(round_.latencies_ms):,}/{round_.expected:,} delivered; "
        f"notify_users per event {sends} ms",
        flush=True,
    )
    print(f"  all events   {figures(round_.latencies_ms)}")
    print(f"  first event  {figures(round_.first_event_ms)}")


def print_summary(rounds: list[Round], args) -> None:
    latencies = [x for r in rounds for x in r.latencies_ms]
    first = [x for r in rounds for x in r.first_event_ms]
    sends = [s * 1000 for r in rounds for s in r.send_seconds]
    expected = sum(r.expected for r in rounds)
    print(
        f"\nAll rounds: {len(latencies):,}/{expected:,} deliveries "
        f"({args.clients:,} clients × {args.rounds} rounds × {args.events} events)"
    )
    print(f"  all events   {figures(latencies)}")
    print(f"  first events {figures(first)}")
    if sends:
        print(
            f"  notify_users for {args.clients:,} users: p50 {percentile(sends, 50):.0f} ms, max {max(sends):.0f} ms "
            f"({args.clients / (percentile(sends, 50) / 1000):,.0f} group sends/s)"
        )
    print(
        f"Load average (1/5/15 min) at the end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs"
    )


# Main -----------------------------------------------------------------------------------------


def overtime(signum, frame):
    raise TimeoutError("the run took longer than --timeout; stopped")


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    name = recreate_database()
    clients = seed_users(args.clients)
    connections.close_all()  # the server and the sending thread open their own
    print(f"Database {name}: {len(clients):,} users with sessions; Redis {os.environ['REDIS_URL']}", flush=True)
    summaries = {}
    for layer in ("core", "pubsub") if args.layer == "both" else (args.layer,):
        use_layer(layer)
        summaries[layer] = measure(args, [Client(c.user_id, c.session_key) for c in clients])
    if len(summaries) > 1:
        print("\nFirst event of each round, p50 / p95 ms:")
        for layer, rounds in summaries.items():
            first = [x for r in rounds for x in r.first_event_ms]
            print(f"  {layer:<7} {percentile(first, 50):7.1f} / {percentile(first, 95):7.1f}" if first else "  -")
    print(f"Total runtime: {time.perf_counter() - started:.1f} s")


def measure(args, clients: list[Client]) -> list[Round]:
    """One layer: flush Redis, serve, connect, send the rounds, print; uvicorn always stopped."""
    flush_redis()
    port = free_port()
    server = start_server(port)
    signal.signal(signal.SIGALRM, overtime)
    signal.alarm(args.timeout)
    try:
        wait_until_serving(port, server)
        print(f"uvicorn serving config.asgi on 127.0.0.1:{port}", flush=True)
        rounds = asyncio.run(run(args, clients, port))
    finally:
        signal.alarm(0)
        stop_server(server)
    print_summary(rounds, args)
    return rounds


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500, help="WebSocket clients, one user each (default 500)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of events (default 5)")
    parser.add_argument("--events", type=int, default=5, help="events sent to every user per round (default 5)")
    parser.add_argument("--layer", choices=("core", "pubsub", "both"), default="both", help="channels-redis layer")
    parser.add_argument("--timeout", type=int, default=180, help="stop a layer's run after this many seconds")
    args = parser.parse_args()
    if not (0 < args.clients <= 2000 and 0 < args.rounds <= 50 and 0 < args.events < 1000):
        parser.error("--clients 1–2000, --rounds 1–50, --events 1–999")
    return args


if __name__ == "__main__":
    main()
