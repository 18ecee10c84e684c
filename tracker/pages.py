"""The app's pages are set up when the app first needs them, not by every ``flask`` command (issue 17: start-up).

Importing the view modules of every area (reporter form, staff, casework, exchange, dossiers,
OpenRosa, the API) was a fifth of each command's start-up, and ``flask keys --help`` or
``flask db current`` serves no page. ``create_app`` builds a ``TrackerApp``: while the factory
runs, each area queues the step that imports its views and registers its blueprints (``defer``),
and every ``register_blueprint`` call is queued in its place, so the steps run later in the same
order as before. Settings, start-time checks, commands, navigation links and process-wide hooks
are still set up by the factory itself.

The queued steps run, once, on the first of: a request (``wsgi_app``, so ``test_client`` too), a
request context (``test_request_context``), or any read of what they change: the URL map
(``url_for``, ``flask routes``), the view functions, the blueprints (and so the template loader),
the request hooks, context processors and error handlers, the session interface and the login
manager. gunicorn runs them in its master before it forks (gunicorn.conf.py), so a worker
serves at once as before.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask

_NOTHING = object()
_App = TypeVar("_App", bound=type[Flask])


class _AfterPages:
    """An app attribute the queued page set-up may change: reading it sets the pages up first.

    A data descriptor, so the value lives in the instance's ``__dict__`` under the same name;
    an attribute Flask gives as a class default (``session_interface``) falls back to it.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.default = getattr(Flask, name, _NOTHING)

    def __get__(self, app: TrackerApp | None, owner: type | None = None) -> Any:
        if app is None:
            return self
        app.load_pages()
        value = app.__dict__.get(self.name, self.default)
        if value is _NOTHING:
            raise AttributeError(self.name)
        return value

    def __set__(self, app: TrackerApp, value: Any) -> None:
        app.__dict__[self.name] = value


# What Flask and the queued steps read or change (not teardown_appcontext_funcs: every command
# pops an app context, and no page set-up adds to them).
AFTER_PAGES = ("url_map", "view_functions", "blueprints", "before_request_funcs", "after_request_funcs",
               "teardown_request_funcs", "template_context_processors", "url_value_preprocessors",
               "url_default_functions", "error_handler_spec", "session_interface", "login_manager")


def _after_pages(cls: _App) -> _App:
    for name in AFTER_PAGES:
        setattr(cls, name, _AfterPages(name))
    return cls


@_after_pages
class TrackerApp(Flask):
    """A Flask app whose page set-up is queued while the factory runs and done when first needed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Before Flask's own __init__, which already reads url_map (the static route).
        self._pages_pending: list[Callable[[], object]] = []
        self._pages_collecting = True  # the factory is running: page set-up is queued
        self._pages_loading = False
        self._pages_lock = threading.RLock()  # two first requests at once: one sets up, one waits
        super().__init__(*args, **kwargs)

    def defer(self, step: Callable[[], object]) -> None:
        """Queue a page set-up step while the factory runs; afterwards run it now."""
        if self._pages_collecting:
            self._pages_pending.append(step)
        else:
            step()

    def register_blueprint(self, blueprint: Any, **options: Any) -> None:
        """While the factory runs, queued in its place among the page set-up steps."""
        if self._pages_collecting:
            self._pages_pending.append(lambda: Flask.register_blueprint(self, blueprint, **options))
        else:
            super().register_blueprint(blueprint, **options)

    def factory_done(self) -> None:
        """The factory has finished: from now on the first need of the pages sets them up."""
        self._pages_collecting = False

    @property
    def pages_set_up(self) -> bool:
        """Whether the queued page set-up has run (or nothing was queued)."""
        return not self._pages_collecting and not self._pages_pending

    def load_pages(self) -> None:
        """Run the queued page set-up steps, once, in order (a no-op afterwards)."""
        if self._pages_collecting or not self._pages_pending:
            return
        with self._pages_lock:
            if self._pages_loading:  # a step reading url_map and the like while registering
                return
            self._pages_loading = True
            try:
                while self._pages_pending:
                    # Removed only once done: a step that fails is tried again, not skipped.
                    self._pages_pending[0]()
                    self._pages_pending.pop(0)
            finally:
                self._pages_loading = False

    def wsgi_app(self, environ: Any, start_response: Any) -> Any:
        self.load_pages()
        return super().wsgi_app(environ, start_response)


def defer(app: Flask, step: Callable[[], object]) -> None:
    """Run a page set-up step with ``app``'s pages: queued on a TrackerApp, at once on a plain Flask app."""
    if isinstance(app, TrackerApp):
        app.defer(step)
    else:
        step()
