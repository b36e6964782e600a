"""Who the load run plays: bureau staff in the pages and through the API, the screening systems posting
hit batches, and the police liaisons receiving and deciding referrals.

Run by benchmarks/load/run.py, which starts the workers and passes, in the environment:
LOAD_PORTS (the workers' ports), LOAD_POOL (the seeded referral ids and subject codes), LOAD_RESULTS
(where the writes the server acknowledged are recorded, for the row counts afterwards), LOAD_PASSWORD and
LOAD_THINK (a user's pause between requests, "min,max" seconds).

Each user has a home worker and fails over as the nginx upstream of deploy/ does (proxy_next_upstream
error): a refused connection never reached a worker, so any request moves to the next worker; a GET cut
after it was sent is repeated there too; a POST cut after it was sent is not repeated, but recorded as
cut, and the row checks afterwards must find its change either whole or absent. A worker that refused
is skipped for 10 s (fail_timeout).
"""

import itertools
import json
import os
import random
import time
from collections import Counter, deque

import gevent
import requests
from locust import User, between, events, task
from urllib3.exceptions import NewConnectionError

PORTS = [int(port) for port in os.environ.get("LOAD_PORTS", "8101").split(",")]
POOL = json.loads(open(os.environ["LOAD_POOL"]).read()) if os.environ.get("LOAD_POOL") else {}
PASSWORD = os.environ.get("LOAD_PASSWORD", "Demo@2026")
RUN = os.environ.get("LOAD_RUN", str(int(time.time())))
FAIL_TIMEOUT = 10.0
THINK = between(*(float(seconds) for seconds in os.environ.get("LOAD_THINK", "2,8").split(",")))

STAFF = ["head", "inv1", "inv2", "clerk", "legal", "director"]
CITIES = ["lyg", "cz"]

# What the server acknowledged, written to LOAD_RESULTS when the run stops.
RESULTS: dict = {
    "batches": [],
    "decisions": [],
    "cut_posts": [],
    "connection_errors": [],
    "failovers": 0,
    "served_by": Counter(),
}
DOWN_UNTIL: dict[int, float] = {}
# Referrals still to decide, per city; the ids of contested ones are decided by two liaisons at once.
QUEUES = {city: deque(POOL.get("referrals", {}).get(city, [])) for city in CITIES}
_homes = itertools.count()
_batches = itertools.count()


class Cut(Exception):
    """A POST was cut after it reached a worker: the client cannot know whether it took effect."""


def _never_sent(error: requests.ConnectionError) -> bool:
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


class Client:
    """One user's HTTP client: a requests session (cookies shared by every worker) with upstream failover."""

    def __init__(self, user: User):
        self.user = user
        self.session = requests.Session()
        self.home = next(_homes) % len(PORTS)
        self.headers: dict = {}

    def _ports(self):
        order = PORTS[self.home :] + PORTS[: self.home]
        up = [port for port in order if DOWN_UNTIL.get(port, 0) <= time.monotonic()]
        return up or order

    def request(self, method: str, path: str, *, name: str, expect=(200,), **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        response, error = None, None
        for port in self._ports():
            try:
                response = self.session.request(
                    method,
                    f"http://127.0.0.1:{port}{path}",
                    headers={**self.headers, **kwargs.pop("headers", {})},
                    timeout=120,
                    allow_redirects=False,
                    **kwargs,
                )
                RESULTS["served_by"][port] += 1
                error = None
                break
            except requests.ConnectionError as exc:
                error = exc
                DOWN_UNTIL[port] = time.monotonic() + FAIL_TIMEOUT
                RESULTS["failovers"] += 1
                cut = method != "GET" and not _never_sent(exc)
                RESULTS["connection_errors"].append(
                    {
                        "at": time.time(),
                        "request": f"{method} {path}",
                        "port": port,
                        "error": repr(exc)[:160],
                        "cut": cut,
                    }
                )
                if cut:
                    error = Cut(f"{method} {path} cut after it was sent to :{port}")
                    break
        elapsed = (time.perf_counter() - started) * 1000
        if error is None and response.status_code not in expect:
            error = AssertionError(f"{method} {path}: HTTP {response.status_code} {response.text[:200]}")
        events.request.fire(
            request_type=method,
            name=name,
            response_time=elapsed,
            response_length=len(response.content) if response is not None and error is None else 0,
            exception=error,
            context={},
        )
        if isinstance(error, Cut):
            raise error
        return response if error is None else None

    def get(self, path: str, *, name: str, **kwargs):
        return self.request("GET", path, name=name, **kwargs)

    def post(self, path: str, *, name: str, **kwargs):
        return self.request("POST", path, name=name, **kwargs)

    def login_page(self, username: str) -> bool:
        """Sign in through the login form, as a person does (session cookie, CSRF)."""
        self.get("/accounts/login/", name="/accounts/login/")
        token = self.session.cookies.get("csrftoken")
        response = self.post(
            "/accounts/login/",
            name="/accounts/login/ [POST]",
            expect=(302,),
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        return response is not None

    def login_token(self, username: str) -> bool:
        response = self.post(
            "/api/v1/auth/token/", name="/api/v1/auth/token/", json={"username": username, "password": PASSWORD}
        )
        if response is None:
            return False
        self.headers["Authorization"] = f"Token {response.json()['token']}"
        return True


class Base(User):
    abstract = True

    def __init__(self, environment):
        super().__init__(environment)
        self.http = Client(self)
        self.city = random.choice(CITIES)


class BureauStaffInPages(Base):
    """A section head, investigator, clerk, legal reviewer or director working in the browser."""

    weight = 12
    wait_time = THINK

    def on_start(self):
        self.http.login_page(f"{self.city}_{random.choice(STAFF)}")
        response = self.http.get("/api/v1/cases/?page_size=100", name="/api/v1/cases/ [session]")
        self.cases = [row["id"] for row in response.json()["results"]] if response is not None else []

    @task(4)
    def inbox(self):
        self.http.get("/tasks/", name="/tasks/ (待办任务)")

    @task(2)
    def case_list(self):
        self.http.get("/cases/", name="/cases/")

    @task(4)
    def case_page(self):
        if self.cases:
            self.http.get(f"/cases/{random.choice(self.cases)}/", name="/cases/{id}/")

    @task(1)
    def lead_list(self):
        self.http.get("/leads/", name="/leads/")


class BureauStaffThroughApi(Base):
    """The bureau's own tools reading leads and cases through the integration API."""

    weight = 4
    wait_time = THINK

    def on_start(self):
        self.http.login_token(f"{self.city}_{random.choice(['head', 'inv1', 'director'])}")
        response = self.http.get("/api/v1/cases/?page_size=100", name="/api/v1/cases/")
        self.cases = [row["id"] for row in response.json()["results"]] if response is not None else []

    @task(3)
    def leads(self):
        self.http.get("/api/v1/leads/?status=pending", name="/api/v1/leads/?status=pending")

    @task(2)
    def cases_overdue(self):
        self.http.get("/api/v1/cases/?overdue=true", name="/api/v1/cases/?overdue=true")

    @task(3)
    def case(self):
        if self.cases:
            self.http.get(f"/api/v1/cases/{random.choice(self.cases)}/", name="/api/v1/cases/{id}/")


class ScreeningSystem(Base):
    """The 智能监控 system of a city, posting hit batches; one batch in five is sent again (a retry)."""

    fixed_count = 2
    wait_time = between(3, 6)

    def on_start(self):
        self.city = CITIES[next(_homes) % 2]
        self.http.login_token(f"{self.city}_screening")
        self.sent: list[list] = []

    @task
    def post_batch(self):
        # Only an acknowledged batch is sent again, so a cut batch's hits are never acknowledged later.
        resend = bool(self.sent) and random.random() < 0.2
        hits = random.choice(self.sent) if resend else self._new_batch(random.randint(20, 200))
        record = {"city": self.city, "external_ids": [hit["external_id"] for hit in hits]}
        try:
            response = self.http.post("/api/v1/screen-hits/", name="/api/v1/screen-hits/", json={"hits": hits})
        except Cut:
            RESULTS["cut_posts"].append({"kind": "batch", **record})
            return
        if response is not None:
            RESULTS["batches"].append({**record, **{k: response.json()[k] for k in ("created", "duplicates")}})
            if not resend:
                self.sent.append(hits)

    def _new_batch(self, size: int) -> list:
        batch = next(_batches)
        subjects = POOL["subjects"][self.city]
        hits = []
        for index in range(size):
            if random.random() < 0.03:  # a subject the registry does not know yet: registered 待核实
                code, kind, name = f"H{self.city.upper()}{RUN[-6:]}{batch:04d}{index:03d}", "institution", "新发现机构"
            else:
                code, kind, name = random.choice(subjects)
            hits.append(
                {
                    "source": f"load-{RUN}",
                    "external_id": f"{self.city}-{batch:05d}-{index:03d}",
                    "rule_code": f"R{random.randint(1, 40):03d}",
                    "rule_name": "超量开药",
                    "subject": {"kind": kind, "code": code, "name": name},
                    "period_from": "2026-09-01",
                    "period_to": "2026-09-30",
                    "amount": f"{random.randint(100, 90000)}.{random.randint(0, 99):02d}",
                    "details": {"claims": random.randint(1, 40)},
                }
            )
        return hits


class PoliceLiaison(Base):
    """A police liaison: the referral inbox, the packages, and decisions (one in four contested by two
    liaisons deciding the same referral at the same moment: exactly one may win)."""

    weight = 2
    wait_time = THINK

    def on_start(self):
        self.http.login_token(f"{self.city}_police")
        self.colleague = Client(self)
        self.colleague.headers = dict(self.http.headers)

    @task(3)
    def inbox(self):
        self.http.get("/api/v1/referrals/?status=awaiting_receipt", name="/api/v1/referrals/")

    @task(2)
    def package(self):
        ids = POOL["referrals"][self.city]
        self.http.get(f"/api/v1/referrals/{random.choice(ids)}/", name="/api/v1/referrals/{id}/")

    @task(2)
    def decide(self):
        if not QUEUES[self.city]:
            return
        referral = QUEUES[self.city].popleft()
        self.http.post(f"/api/v1/referrals/{referral}/receipt/", name="/api/v1/referrals/{id}/receipt/")
        if referral % 4 == 0:
            both = [
                gevent.spawn(self._decide, self.http, referral, "accept", (200, 409)),
                gevent.spawn(self._decide, self.colleague, referral, "reject", (200, 409)),
            ]
            gevent.joinall(both)
        else:
            self._decide(self.http, referral, random.choice(["accept", "accept", "reject"]))

    def _decide(self, client: Client, referral: int, action: str, expect=(200,)):
        body = {"reference": f"公立〔2026〕{referral}号", "note": "已立案侦查"} if action == "accept" else {}
        if action == "reject":
            body = {"reason": "不符合立案条件：证据不足。"}
        path = f"/api/v1/referrals/{referral}/{action}/"
        try:
            response = client.request(
                "POST", path, name=f"/api/v1/referrals/{{id}}/{action}/", expect=expect, json=body
            )
        except Cut:
            RESULTS["cut_posts"].append({"kind": "decision", "referral": referral, "action": action})
            return
        if response is not None:
            RESULTS["decisions"].append({"referral": referral, "action": action, "status": response.status_code})


@events.quitting.add_listener
def _write_results(environment, **kwargs):
    path = os.environ.get("LOAD_RESULTS")
    if path:
        with open(path, "w") as out:
            json.dump({**RESULTS, "served_by": dict(RESULTS["served_by"]), "run": RUN}, out)
