"""Browser end-to-end tests: Debian's chromium driven by Playwright against the real ASGI server.

One server for the session: a fresh SQLite database in a temporary directory, migrated, with the demo's
regions, agencies, users and subjects (`demo_data --people-only`); the scenarios build their story through
the browser from there, as users would. The server is uvicorn on a free loopback port with DEBUG off and the
in-memory channel layer, so live events reach the pages over the websocket as in production.

Run with `make e2e` (these tests are deselected from the ordinary run by the "e2e" marker). Screenshots of
the key pages go to E2E_ARTIFACTS (default var/e2e-artifacts/).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.getenv("E2E_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "E2e@2026pass"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


STORY = """
import json, os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from tests.e2e import stories
print(json.dumps(getattr(stories, sys.argv[1])(**json.loads(sys.argv[2]))))
"""


class Server:
    """The running server: its base URL, and story(name, **kwargs) to build a precondition in its database."""

    def __init__(self, base: str, env: dict):
        self.base, self.env = base, env

    def story(self, name: str, **kwargs) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", STORY, name, json.dumps(kwargs)],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The running server with the demo's people (see the module docstring); E2E_BASE_URL points the
    tests at a server already running instead (while writing a scenario)."""
    if os.getenv("E2E_BASE_URL"):  # with E2E_DATABASE_URL, the database that server uses
        env = {**os.environ, "DATABASE_URL": os.getenv("E2E_DATABASE_URL", "")}
        yield Server(os.environ["E2E_BASE_URL"].rstrip("/"), env)
        return
    work = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'e2e.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "e2e-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEMO_PASSWORD": PASSWORD,
        "PRIVATE_ROOT": str(work / "private"),
        "REDIS_URL": "",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "collectstatic", "--noinput", "-v0")
    _manage(env, "demo_data", "--people-only", "--base-url", f"http://127.0.0.1:{port}")
    log = open(work / "server.log", "w")  # noqa: SIM115 - closed below, after the server
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=1)
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError((work / "server.log").read_text()) from None
            time.sleep(0.2)
    else:
        process.terminate()
        raise RuntimeError("the server did not start")
    yield Server(base, env)
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = Path(os.getenv("E2E_ARTIFACTS", ROOT / "var" / "e2e-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


class Actor:
    """One user in their own browser context (own cookies), with helpers that read like the steps of a scenario."""

    def __init__(self, browser, base: str, artifacts: Path, name: str):
        self.context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=base)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.base, self.artifacts, self.name = base, artifacts, name

    def login(self, username: str) -> "Actor":
        self.page.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form button[type=submit]")
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return self

    def shot(self, label: str) -> None:
        self.page.screenshot(path=str(self.artifacts / f"{self.name}-{label}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def actor(browser, server, artifacts, request):
    """actor(name) → a fresh browser context; closed after the test."""
    made = []

    def make(name: str) -> Actor:
        made.append(Actor(browser, server.base, artifacts, f"{request.node.name}-{name}"))
        return made[-1]

    yield make
    for one in made:
        one.close()
