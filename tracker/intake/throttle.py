"""Rate limits shared by the web form and the JSON API, built so one attacker locks nobody out.

Each kind of request ("SUBMIT" a report, check a "RECEIPT") is counted in three budgets:

- **its own pass**: loading a limited form page hands the browser a *form pass*, a random id in
  the signed session cookie that CSRF already needs. Each pass has a small budget of its own, so
  an attacker's wrong receipts or junk reports spend their own passes, never an honest
  reporter's, even when every client arrives from one address (a Tor onion service, where all
  visitors come from the local Tor daemon). A form POST cannot come without the cookie (CSRF
  refuses it first); API calls, which carry no cookie, count by address instead, or in one shared
  budget when the address is shared.
- **its address**, when the app knows the client's own address (tracker.limits: PROXY_HOPS),
  so one address cannot mint passes without end;
- **everyone at once**: a ceiling sized to what the server can serve, since passes are free to
  get (issue 16, item 2; README "Deployment").

Each budget is shared across every route of its kind, so the form and the API draw on one:
a receipt guesser gains nothing by switching endpoints. A refused request counts in none of
them, so flooding one's own exhausted pass costs the others nothing.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, request, session as cookie

from ..crypto import get_sealer
from ..limits import SHARED, admit, client_address

FORM_BUDGET_FIELD = "intake_form_pass"  # where the signed session cookie keeps the pass


def form_pass() -> str | None:
    """The form pass this browser holds, if any (the cookie is signed: it cannot be made up)."""
    value = cookie.get(FORM_BUDGET_FIELD)
    return value if isinstance(value, str) and len(value) == 22 else None


def hand_out_pass() -> None:
    """Give this browser a form pass unless it has one (a new browser, or cookies cleared)."""
    if form_pass() is None:
        cookie[FORM_BUDGET_FIELD] = secrets.token_urlsafe(16)


def _address_key() -> str | None:
    """A keyed digest of the client's own address, or None when it is shared or unknown."""
    address = client_address()
    if address is None:
        return None
    return "address:" + get_sealer().token_digest("ratelimit-client", address)[:32]


def budgets(kind: str) -> list[tuple[str, str, str]]:
    """The (limit, scope, key) budgets one request of this kind counts against."""
    config, scope = current_app.config, f"intake-{kind.lower()}"
    address, held = _address_key(), form_pass()
    # Its own budget: the pass, else (an API call) the address, else the one for shared addresses.
    checks = [(config[f"INTAKE_{kind}_LIMIT"], scope, f"pass:{held}" if held else address or SHARED)]
    if address:  # the form and the API share it: switching endpoints gains nothing
        checks.append((config[f"INTAKE_{kind}_ADDRESS_LIMIT"], f"{scope}-address", address))
    checks.append((config[f"INTAKE_{kind}_GLOBAL_LIMIT"], f"{scope}-all", "everyone"))
    return checks


def _limits(kind: str, methods: list[str] | None, exempt_when: Callable[[], bool] | None):
    """A view decorator: count ``methods`` (every method if None) of this kind; other methods
    show the form, so they hand out a pass; ``exempt_when`` says a request is not this kind."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            if methods is not None and request.method not in methods:
                hand_out_pass()
            elif not (exempt_when and exempt_when()) and not admit(budgets(kind)):
                abort(429)
            return view(*args, **kwargs)

        return limited

    return decorate


def submission_limits(methods: list[str] | None = None, exempt_when: Callable[[], bool] | None = None):
    """Limits on sending reports (only POST counts when ``methods=["POST"]``; a request for which
    ``exempt_when()`` is true, such as a button that only redraws the form, counts nowhere)."""
    return _limits("SUBMIT", methods, exempt_when)


def receipt_limits(methods: list[str] | None = None, exempt_when: Callable[[], bool] | None = None):
    """Limits on anything that checks a receipt."""
    return _limits("RECEIPT", methods, exempt_when)
