"""The authorization matrix: every registered route × every role, against docs/permissions.md.

Routes are enumerated from the app's URL map, so a new route cannot escape: a route missing
from the table fails, and so does a table row whose route no longer exists. Each cell runs on a
fresh database with a fresh client; staff sign in through the real login form, and /api/ calls
carry a personal API token of the same staff member (anonymous calls carry none). URL parameters
are filled from PARAMETERS below (add a resolver when your route has a new parameter name).
"""
from __future__ import annotations

import re
import secrets
import tempfile
from datetime import date
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pyrage
import pytest

from tests.conftest import csrf_token, login_as, make_test_app
from tests.factories import make_case, make_evidence, make_incident, make_person, make_report, make_user
from tests.conftest import TEST_ORG_KID, TEST_ORG_PRIVATE
from tracker.api.tokens import issue_token
from tracker.exchange.partners import add_partner
from tracker.models import AccessRequest, Notification, ClaimSource, DeviceCredential

PERMISSIONS = Path(__file__).resolve().parents[1] / "docs" / "permissions.md"
ROLES = ("anonymous", "caseworker", "analyst", "admin")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ROW = re.compile(r"^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`?([^|`]+?)`?\s*\|\s*`?([\w.]+)`?\s*\|"
                 r"\s*(\d{3})\s*\|\s*(\d{3})\s*\|\s*(\d{3})\s*\|\s*(\d{3})\s*\|")

# URL parameter name -> function(session, acting user or None) -> value to put in the URL.
# The objects are made fresh for every cell, so a route that changes or deletes them cannot
# affect another cell.
PARAMETERS: dict[str, Callable[[Any, Any], Any]] = {
    "filename": lambda session, actor: "css/site.css",
    "fmt": lambda session, actor: "csv",
    "user_id": lambda session, actor: make_user(session, "caseworker").id,
    "token_id": lambda session, actor: issue_token(session, actor.id if actor else
                                                   make_user(session).id, "matrix")[0].id,
    "report_id": lambda session, actor: make_report(session).id,
    "incident_id": lambda session, actor: make_incident(session).id,
    "person_id": lambda session, actor: make_person(session).id,
    "case_id": lambda session, actor: make_case(session).id,
    "evidence_id": lambda session, actor: make_evidence(session, make_report(session)).id,
    "claim_source_id": lambda session, actor: make_claim_source(session).id,
    "notice_id": lambda session, actor: make_notice(session, actor).id,
    "request_id": lambda session, actor: make_access_request(session).id,
    "form_id": lambda session, actor: "tnr_report_en",
    "device_id": lambda session, actor: make_device(session).id,
    "consent_id": lambda session, actor: make_referral_consent(session).id,
    "intervention_id": lambda session, actor: make_intervention(session).id,
    "partner_id": lambda session, actor: make_partner(session).id,
}


def make_notice(session, actor) -> Notification:
    """A notice for the acting user (or a new caseworker when nobody is signed in)."""
    notice = Notification(user_id=actor.id if actor else make_user(session).id, kind="urgent_report",
                          object_type="report", object_id=make_report(session).id)
    session.add(notice)
    session.commit()
    return notice


def make_device(session) -> DeviceCredential:
    """A live device credential (tracker/openrosa), for the admin's revoke route."""
    row = DeviceCredential(username=f"device-{secrets.token_hex(5)}", label="matrix phone",
                           secret_digest=secrets.token_hex(32))
    session.add(row)
    session.commit()
    return row


def make_partner(session):
    """A registered partner organisation (tracker/exchange), for the admin's deactivate route."""
    partner = add_partner(session, f"Partner {secrets.token_hex(4)}",
                          str(pyrage.x25519.Identity.generate().to_public()), None, user_id=None)
    session.commit()
    return partner


def make_access_request(session) -> AccessRequest:
    """A grant asked for by another admin, which the acting admin may apply."""
    row = AccessRequest(user_id=make_user(session, granted=False).id, kind="grant",
                        requested_by_id=make_user(session, "admin").id)
    session.add(row)
    session.commit()
    return row


def make_referral_consent(session):
    """A referral consent in a fresh case (so another case's consent routes answer 404)."""
    from tracker.models import CasePerson, ReferralConsent

    case, person = make_case(session), make_person(session)
    session.add(CasePerson(case_id=case.id, person_id=person.id))
    row = ReferralConsent(case_id=case.id, person_id=person.id, mechanism="un_wgeid", given_on=date(2026, 1, 5),
                          method="written")
    session.add(row)
    session.commit()
    return row


def make_intervention(session):
    """A pending intervention in a fresh case."""
    from tracker.models import Intervention

    row = Intervention(case_id=make_case(session).id, intervention_type="un_wgeid")
    session.add(row)
    session.commit()
    return row


def make_claim_source(session) -> ClaimSource:
    """A claim source on a fresh report, for the verification routes."""
    source = ClaimSource(report_id=make_report(session).id, claim="event", source_type="reporter_testimony")
    session.add(source)
    session.commit()
    return source


# Personal data seeded before every anonymous and analyst call; none of it may come back.
SENTINELS = {
    "narrative": "Qzx narrative sentinel", "place_text": "Qzx place sentinel",
    "reporter_name": "Qzx reporter sentinel", "contact": "qzx-contact@sentinel.example",
    "name": "Qzx Person Sentinel", "residence_place": "Qzx residence sentinel",
}


def seed_personal_data(session) -> None:
    """A report and a person whose sealed fields hold recognisable text."""
    make_report(session, narrative=SENTINELS["narrative"], place_text=SENTINELS["place_text"],
                reporter_name=SENTINELS["reporter_name"], contact=SENTINELS["contact"])
    make_person(session, names=[{"name": SENTINELS["name"], "script": "Latn"}],
                residence_place=SENTINELS["residence_place"])


def documented_permissions() -> dict[tuple[str, str], tuple[str, dict[str, int]]]:
    """(method, endpoint) -> (documented path, {role: status}) from docs/permissions.md."""
    table = {}
    for line in PERMISSIONS.read_text("utf-8").splitlines():
        match = ROW.match(line.strip())
        if match:
            method, path, endpoint, *statuses = match.groups()
            assert (method, endpoint) not in table, f"{method} {endpoint} is documented twice"
            table[method, endpoint] = (path.strip(), dict(zip(ROLES, map(int, statuses), strict=True)))
    return table


@cache
def registered_routes() -> tuple[tuple[str, str, str], ...]:
    """(method, endpoint, rule) for every route of a freshly built app."""
    folder = Path(tempfile.mkdtemp(prefix="tracker-routes-"))
    app = make_test_app(folder, f"sqlite:///{folder / 'routes.sqlite3'}")
    routes = {(method, rule.endpoint, rule.rule) for rule in app.url_map.iter_rules()
              for method in rule.methods & set(METHODS)}
    return tuple(sorted(routes))


def test_every_route_is_documented():
    documented = documented_permissions()
    missing = [f"{method} {rule} ({endpoint})" for method, endpoint, rule in registered_routes()
               if (method, endpoint) not in documented]
    assert not missing, "add these routes to docs/permissions.md:\n" + "\n".join(missing)


def test_every_documented_route_exists_at_its_path():
    routes = {(method, endpoint): rule for method, endpoint, rule in registered_routes()}
    for (method, endpoint), (path, _statuses) in documented_permissions().items():
        assert (method, endpoint) in routes, f"docs/permissions.md lists {method} {endpoint}, which is gone"
        served = routes[method, endpoint]
        assert served == path, f"{endpoint}: documented at {path}, served at {served}"


def _url(rule: str, session, actor) -> str:
    """The rule with each parameter replaced by a fresh fixture object's id."""
    def fill(match: re.Match) -> str:
        name = match.group(1)
        assert name in PARAMETERS, f"no fixture for URL parameter <{name}>: add one to PARAMETERS"
        return str(PARAMETERS[name](session, actor))

    url = re.sub(r"<(?:[\w]+(?:\(.*?\))?:)?(\w+)>", fill, rule)
    session.commit()
    return url


def _call(client, method: str, url: str, token: str | None = None):
    """Call a route as a browser or API client would (forms carry their CSRF token, API calls
    the actor's personal token) and read the whole body, so streamed responses finish."""
    if url.startswith("/api/"):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.open(url, method=method, headers=headers, json=None if method == "GET" else {})
    elif method == "GET":
        response = client.get(url)
    else:
        response = client.open(url, method=method, data={"csrf_token": csrf_token(client, "/staff/login")})
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "endpoint", "rule"), registered_routes())
def test_route_answers_each_role_as_documented(app, session, method, endpoint, rule, role):
    documented = documented_permissions().get((method, endpoint))
    if documented is None:
        pytest.fail(f"{method} {rule} ({endpoint}) is not in docs/permissions.md")
    client = app.test_client()
    actor = token = None
    if role in ("anonymous", "analyst"):
        seed_personal_data(session)
    if role != "anonymous":
        actor = make_user(session, role)
        assert login_as(client, actor).status_code == 302
        token = issue_token(session, actor.id, "matrix", organisation_key=(TEST_ORG_KID, TEST_ORG_PRIVATE))[1]
    response = _call(client, method, _url(rule, session, actor), token)
    assert response.status_code == documented[1][role], (
        f"{method} {rule} as {role}: got {response.status_code}, docs/permissions.md says {documented[1][role]}")
    if role in ("anonymous", "analyst"):
        body = response.get_data(as_text=True).lower()
        leaked = [field for field, text in SENTINELS.items() if text.lower() in body]
        assert not leaked, f"{method} {rule} showed {role} personal data: {leaked}"
