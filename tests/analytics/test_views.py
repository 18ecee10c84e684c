"""The analyst's pages over HTTP: who may open them, what they show, what they never show."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlmodel import select

from tests.analytics.conftest import PLANTED
from tests.conftest import login_as
from tests.factories import make_user
from tracker.models import AuditEvent

DASHBOARD = "/analytics/"
STATS_CSV = "/analytics/export/stats.csv?by=host_country"
DATASET_CSV = "/analytics/export/incidents.csv"
CODEBOOK = "/analytics/codebook.json"


@pytest.mark.parametrize("url", [DASHBOARD, STATS_CSV, DATASET_CSV, CODEBOOK])
@pytest.mark.parametrize("role, expected", [
    (None, 302), ("caseworker", 403), ("analyst", 200), ("admin", 200),
])
def test_who_may_open_the_analyst_pages(client, session, url, role, expected):
    if role:
        login_as(client, make_user(session, role))
    response = client.get(url)
    assert response.status_code == expected
    if expected == 302:
        assert "/staff/login" in response.headers["Location"]


def test_dashboard_shows_totals_breakdowns_map_and_relatives(analyst_client, populated):
    page = analyst_client.get(DASHBOARD).get_data(as_text=True)
    assert "<svg" in page and 'class="world-map"' in page
    for heading in ("Freedom House category", "Host country", "Channel", "Relatives detained in retaliation"):
        assert heading in page
    # 12 people targeted, 12 relatives detained, all in retaliation: the headline totals.
    assert page.count("<dd>12</dd>") == 4
    assert 'class="s5"' in page  # Türkiye, the largest host country cell, is shaded


def test_dashboard_filters_narrow_the_counts(analyst_client, populated):
    page = analyst_client.get(DASHBOARD + "?host_country=DE").get_data(as_text=True)
    assert "<dd>4</dd>" in page and "<dd>12</dd>" not in page


def test_small_cells_are_withheld_on_the_page(analyst_client, populated, app):
    app.config["SUPPRESSION_THRESHOLD"] = 5
    page = analyst_client.get(DASHBOARD).get_data(as_text=True)
    # Germany has 4 people: below 5, so withheld, and Türkiye (8) with it, or 12 - 8 would tell.
    assert "withheld (under 5)" in page
    table = analyst_client.get("/analytics/export/stats.json?by=host_country").get_json()
    assert {tuple(c["values"]): c["count"] for c in table["cells"]} == {("DE",): None, ("TR",): None}
    assert table["total"] == 12


def test_every_analyst_response_is_free_of_personal_data(analyst_client, populated):
    urls = [DASHBOARD, DASHBOARD + "?trend=month&community=uyghur", CODEBOOK]
    for fmt in ("csv", "json", "xlsx"):
        urls += [f"/analytics/export/incidents.{fmt}",
                 f"/analytics/export/stats.{fmt}?by=month,tactic,host_country",
                 f"/analytics/export/stats.{fmt}?by=channel,host_country&community=uyghur",
                 f"/analytics/export/stats.{fmt}?by=status,retaliation&of=relatives"]
    for url in urls:
        response = analyst_client.get(url)
        assert response.status_code == 200, url
        body = _readable(response.get_data())
        for what, value in PLANTED.items():
            assert value not in body, f"{what} leaked in {url}"


def _readable(data: bytes) -> str:
    """Response text, or for an XLSX archive the text of every part inside it."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return data.decode("utf-8")


def test_each_export_is_audited_before_it_is_sent(analyst_client, populated, analyst, session):
    analyst_client.get(STATS_CSV + "&community=uyghur")
    analyst_client.get(DATASET_CSV)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "analytics.export")).all()
    assert [(e.object_type, e.user_id) for e in events] == [("stats.incidents", analyst.id),
                                                            ("dataset.incidents", analyst.id)]
    assert json.loads(events[0].detail) == {"by": ["host_country"], "community": "uyghur", "format": "csv",
                                            "group": None}


def test_dataset_rows_are_coarsened_and_carry_no_identifier(analyst_client, populated):
    rows = list(csv.DictReader(io.StringIO(analyst_client.get(DATASET_CSV).get_data(as_text=True))))
    assert rows, "the dataset is empty"
    for row in rows:
        assert len(row["period"]) in (0, 4, 7)  # YYYY-MM or YYYY, never a day
        assert row["fh_physical"] == ("yes" if row["primary_tactic"] == "assault" else "no")
    assert [row["record"] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]


@pytest.mark.parametrize("url", ["/analytics/export/stats.pdf?by=year", "/analytics/export/stats.csv?by=narrative"])
def test_bad_export_requests_are_refused(analyst_client, url):
    assert analyst_client.get(url).status_code in (400, 404)


def test_more_than_two_filters_are_refused_with_a_message_and_nothing_filtered(analyst_client, populated):
    page = analyst_client.get("/analytics/?community=uyghur&host_country=TR&verification=verified&year=2023")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Choose at most 2 filters" in text
    assert 'value="2023"' in text  # what was chosen is kept in the form


def test_a_table_finer_than_five_dimensions_is_a_400(analyst_client, populated):
    url = "/analytics/export/stats.csv?by=month,tactic,host_country,channel"
    assert analyst_client.get(url).status_code == 400
