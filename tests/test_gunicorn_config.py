"""gunicorn.conf.py: production server settings, and its refusal to split rate limits by worker."""
from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

CONFIG = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))


class FakeArbiter:
    """The part of gunicorn's master that the when_ready hook uses."""

    def __init__(self, app_config: dict, workers: int, extensions: dict | None = None):
        app = SimpleNamespace(config=app_config, extensions={"limiter": object()} if extensions is None else extensions)
        self.app = SimpleNamespace(wsgi=lambda: app)
        self.cfg = SimpleNamespace(workers=workers)
        self.halted: tuple[str, int] | None = None

    def halt(self, reason: str, exit_status: int) -> None:
        self.halted = (reason, exit_status)


def test_no_access_log_and_no_server_name():
    assert CONFIG["accesslog"] is None
    import gunicorn.http.wsgi
    assert gunicorn.http.wsgi.SERVER == ""


@pytest.mark.parametrize(("storage", "enabled", "workers", "halts"), [
    ("memory://", True, 4, True),  # every limit four times looser: refused
    ("memory://", True, 1, False),
    ("redis://127.0.0.1:6379/0", True, 4, False),  # one shared count
    ("memory://", False, 4, False),  # limits off on purpose (the fault-tolerance benchmark)
])
def test_several_workers_need_shared_rate_limit_storage(storage, enabled, workers, halts):
    arbiter = FakeArbiter({"RATELIMIT_STORAGE_URI": storage, "RATELIMIT_ENABLED": enabled}, workers)
    CONFIG["when_ready"](arbiter)
    assert (arbiter.halted is not None) == halts
    if halts:
        assert arbiter.halted[1] == 1 and "Redis" in arbiter.halted[0]


def test_an_app_without_rate_limits_is_left_alone():
    """A benchmark's bare Flask app runs under the same settings and has no limits to split."""
    arbiter = FakeArbiter({}, 4, extensions={})
    CONFIG["when_ready"](arbiter)
    assert arbiter.halted is None


def test_the_master_sets_the_pages_up_before_forking(app):
    """The app sets its pages up on first need (tracker/pages.py); gunicorn's master does it
    once, so no forked worker imports the views at its first request."""
    arbiter = FakeArbiter({}, 1)
    arbiter.app = SimpleNamespace(wsgi=lambda: app)
    assert not app.pages_set_up
    CONFIG["when_ready"](arbiter)
    assert arbiter.halted is None
    assert app.pages_set_up


def test_the_master_loads_the_gazetteer_before_forking(app, monkeypatch):
    """Each worker would otherwise load its own copy on its first report (~0.8 s), and again
    whenever max_requests replaces it; loaded in the master, the forked workers share it."""
    from tracker.geo import resolve

    monkeypatch.setattr(resolve, "_DEFAULT", None)  # as in a fresh master: nothing loaded yet
    arbiter = FakeArbiter({}, 1)
    arbiter.app = SimpleNamespace(wsgi=lambda: app)
    CONFIG["when_ready"](arbiter)
    assert resolve._DEFAULT is not None and resolve._DEFAULT._gazetteer is not None  # loaded, not on first use
