"""deploy/ matches the code it deploys (docs/deployment.md): the environment file sets only settings the code
reads, the units run commands that exist, the backup script parses, and PostgreSQL connections are pooled."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]


def test_every_variable_of_the_environment_file_is_read_by_the_settings():
    settings_text = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:bool|int|list)?\("([A-Z_]+)"', settings_text))
    read |= set(re.findall(r'os\.getenv\("([A-Z_]+)"', settings_text))
    if "dj_database_url.config(" in settings_text:
        read.add("DATABASE_URL")  # dj_database_url reads it
    example = (ROOT / "deploy" / "casework.env.example").read_text()
    names = re.findall(r"^([A-Z_]+)=", example, re.MULTILINE)
    assert names and set(names) <= read, set(names) - read


def test_units_run_commands_that_exist():
    units = "\n".join(path.read_text() for path in (ROOT / "deploy" / "systemd").glob("*.service"))
    commands = re.findall(r"manage\.py (\w+)", units)
    assert commands and set(commands) <= set(get_commands()), commands
    assert "config.asgi:application" in units


def test_backup_script_parses():
    assert subprocess.run(["bash", "-n", str(ROOT / "deploy" / "backup.sh")]).returncode == 0


def test_postgresql_connections_come_from_a_bounded_pool_per_worker():
    """Persistent per-thread connections exhausted max_connections under ASGI in the load run."""
    probe = (
        "import json; from config import settings as s; d = s.DATABASES['default'];"
        "print(json.dumps([d['CONN_MAX_AGE'], d.get('OPTIONS', {}).get('pool')]))"
    )

    def database(**env):
        environ = {**os.environ, "DATABASE_URL": "postgres://casework@127.0.0.1:5432/casework", **env}
        output = subprocess.run([sys.executable, "-c", probe], env=environ, cwd=ROOT, capture_output=True, text=True)
        return json.loads(output.stdout.strip().splitlines()[-1])

    assert database() == [0, {"min_size": 2, "max_size": 10, "timeout": 20}]
    assert database(DB_POOL_MAX_SIZE="4")[1]["max_size"] == 4
    assert database(DB_POOL_MAX_SIZE="0", DB_CONN_MAX_AGE="30") == [30, None]


def test_workers_keep_idle_connections_longer_than_nginx_does():
    """Else a worker closes an idle upstream connection as nginx reuses it, and a POST sent on it gets 502."""
    unit = (ROOT / "deploy" / "systemd" / "casework-web@.service").read_text()
    nginx = (ROOT / "deploy" / "nginx" / "casework.conf").read_text()
    worker = int(re.search(r"--timeout-keep-alive (\d+)", unit).group(1))
    upstream = re.search(r"upstream casework \{(.*?)\}", nginx, re.DOTALL).group(1)
    assert "keepalive " in upstream
    assert worker > int(re.search(r"keepalive_timeout (\d+)s", upstream).group(1))
