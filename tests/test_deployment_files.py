"""deploy/ matches the code it deploys (docs/deployment.md): the environment file sets only settings the code
reads, the units run commands that exist, and the backup script parses."""

import re
import subprocess
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
