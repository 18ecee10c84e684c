"""The statistics API (tracker/api/stats.py): tokens, roles, schema, suppression, no personal data."""
from __future__ import annotations

import jsonschema
import pytest
from sqlmodel import select

from tests.analytics.conftest import PLANTED
from tests.factories import make_user
from tracker.analytics.exports import TABLE_SCHEMA
from tracker.api.tokens import issue_token
from tracker.models import AuditEvent

INCIDENTS = "/api/v1/stats/incidents?by=host_country"
RELATIVES = "/api/v1/stats/relatives?by=status_year,origin_country&group=detention&retaliation=1"


def bearer(session, role: str) -> dict[str, str]:
    """An Authorization header with a fresh personal token of a new user with this role."""
    user = make_user(session, role)
    _row, token = issue_token(session, user.id, "stats script")
    session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("url", [INCIDENTS, RELATIVES])
@pytest.mark.parametrize("role, expected", [(None, 401), ("caseworker", 403), ("analyst", 200), ("admin", 200)])
def test_only_analyst_and_admin_tokens_are_accepted(client, session, url, role, expected):
    headers = bearer(session, role) if role else {}
    assert client.get(url, headers=headers).status_code == expected


def test_incident_stats_match_the_schema_and_are_audited(client, populated):
    response = client.get(INCIDENTS + "&community=uyghur", headers=bearer(populated, "analyst"))
    document = response.get_json()
    jsonschema.validate(document, TABLE_SCHEMA)
    assert {tuple(c["values"]): c["count"] for c in document["cells"]} == {("DE",): 4, ("TR",): 8}
    event = populated.exec(select(AuditEvent).where(AuditEvent.action == "analytics.export")).one()
    assert event.object_type == "stats.incidents"


def test_relatives_detained_in_retaliation_by_year_and_origin(client, populated):
    document = client.get(RELATIVES, headers=bearer(populated, "analyst")).get_json()
    assert document["cells"] == [{"values": ["2023", "CN"], "labels": ["2023", "China"], "count": 12}]


def test_small_cells_are_withheld_through_the_api(client, populated, app):
    app.config["SUPPRESSION_THRESHOLD"] = 5
    document = client.get(INCIDENTS, headers=bearer(populated, "analyst")).get_json()
    assert [c["count"] for c in document["cells"]] == [None, None]
    assert document["suppressed_cells"] == 2


@pytest.mark.parametrize("url", ["/api/v1/stats/incidents?by=narrative", "/api/v1/stats/incidents",
                                 "/api/v1/stats/relatives?by=status&group=bogus"])
def test_bad_requests_get_a_json_error(client, session, url):
    response = client.get(url, headers=bearer(session, "analyst"))
    assert response.status_code == 400
    assert response.get_json()["error"] in ("unknown_dimension", "unknown_group")


def test_api_responses_hold_no_personal_data(client, populated):
    headers = bearer(populated, "analyst")
    for url in (INCIDENTS, RELATIVES, "/api/v1/stats/incidents?by=month,tactic,channel,verification"):
        body = client.get(url, headers=headers).get_data(as_text=True)
        for what, value in PLANTED.items():
            assert value not in body, f"{what} leaked in {url}"


def test_the_openapi_document_describes_the_stats_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"/stats/incidents", "/stats/relatives"} <= set(document["paths"])
    assert document["components"]["schemas"]["StatsTable"] == TABLE_SCHEMA


def test_a_table_finer_than_five_dimensions_is_refused_with_a_reason(client, session):
    response = client.get("/api/v1/stats/incidents?by=month,tactic,host_country&community=uyghur",
                          headers=bearer(session, "analyst"))
    assert response.status_code == 400
    assert response.get_json()["error"] == "too_fine"
