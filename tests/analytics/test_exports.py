"""Export formats: CSV opens with the csv module, XLSX with openpyxl, JSON matches its schema."""
from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tests.factories import make_incident, make_person
from tracker.analytics.dataset import COLUMNS, deidentified_rows
from tracker.analytics.exports import DATASET_SCHEMA, TABLE_SCHEMA
from tracker.models import AuditEvent, Involvement

TABLE = "/analytics/export/stats.{fmt}?by=month,tactic,host_country"
DATASET = "/analytics/export/incidents.{fmt}"


def test_table_csv_opens_with_the_csv_module(analyst_client, populated):
    response = analyst_client.get(TABLE.format(fmt="csv"))
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["month", "tactic", "host_country", "month_label", "tactic_label", "host_country_label",
                       "count", "suppressed"]
    assert rows[-1][0] == "total" and rows[-1][-2] == "12"
    for row in rows[1:-1]:
        assert (row[-2] == "") == (row[-1] == "yes")


def test_table_json_matches_the_documented_schema(analyst_client, populated):
    document = json.loads(analyst_client.get(TABLE.format(fmt="json")).get_data())
    jsonschema.validate(document, TABLE_SCHEMA)
    assert document["dimensions"] == ["month", "tactic", "host_country"]
    published = [cell["count"] for cell in document["cells"] if cell["count"] is not None]
    assert all(count >= document["threshold"] for count in published)


def test_table_xlsx_opens_with_openpyxl(analyst_client, populated):
    data = analyst_client.get("/analytics/export/stats.xlsx?by=host_country").get_data()
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["host_country", "host_country_label"]
    assert ["TR", "Türkiye", 8, "no"] in rows and ["DE", "Germany", 4, "no"] in rows


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_dataset_has_the_codebook_columns_in_every_format(analyst_client, populated, fmt):
    data = analyst_client.get(DATASET.format(fmt=fmt)).get_data()
    codebook = analyst_client.get("/analytics/codebook.json").get_json()
    columns = [column["name"] for column in codebook["columns"]]
    if fmt == "csv":
        records = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    elif fmt == "json":
        document = json.loads(data)
        jsonschema.validate(document, DATASET_SCHEMA)
        records = document["records"]
    else:
        rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
        records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert list(records[0]) == columns
    assert len(records) == 12


def test_rare_combinations_generalise_the_whole_export(analyst_client, populated, app):
    app.config["SUPPRESSION_THRESHOLD"] = 4
    rows = list(csv.DictReader(io.StringIO(analyst_client.get(DATASET.format(fmt="csv")).get_data(as_text=True))))
    # Germany's cells hold 2 people even by year, a third of the rows: the export drops host
    # countries for every row, so no finer row can narrow a coarser one down.
    assert {(row["generalised"], row["host_country"], row["period"]) for row in rows} == {("2", "", "2023")}
    combos: dict[tuple, int] = {}
    for row in rows:
        key = (row["period"], row["origin_country"], row["host_country"], row["community"], row["primary_tactic"])
        combos[key] = combos.get(key, 0) + 1
    assert min(combos.values()) >= 4
    assert len(rows) == 12


def test_combinations_rarer_than_the_threshold_at_every_level_are_withheld(analyst_client, populated, app):
    app.config["SUPPRESSION_THRESHOLD"] = 7  # the coarsest combinations hold 6 people each
    text = analyst_client.get(DATASET.format(fmt="csv")).get_data(as_text=True)
    assert text.splitlines() == [",".join(COLUMNS)]


def test_cli_exports_stats_and_incidents_and_audits_them(runner, populated, tmp_path, session):
    result = runner.invoke(args=["export", "stats", "--by", "month,tactic,host_country", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("month,tactic,host_country,")
    output = tmp_path / "incidents.xlsx"
    result = runner.invoke(args=["export", "incidents", "--format", "xlsx", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert len(list(load_workbook(output, read_only=True).active.iter_rows(values_only=True))) == 13
    actions = session.exec(select(AuditEvent.object_type).where(AuditEvent.actor == "cli")).all()
    assert actions == ["stats.incidents", "dataset.incidents"]


def test_cli_exports_stats_as_json_outside_a_request(runner, populated):
    """Issue 12: labels were translated before the command's locale was set, outside any request."""
    result = runner.invoke(args=["export", "stats", "--by", "host_country", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, TABLE_SCHEMA)
    assert {"values": ["TR"], "labels": ["Türkiye"], "count": 8} in document["cells"]


@pytest.mark.parametrize("url", [TABLE.format(fmt="csv"), DATASET.format(fmt="csv")])
def test_csv_exports_name_their_charset_once(analyst_client, populated, url):
    """Issue 12: the header said ``charset=utf-8; charset=utf-8``."""
    assert analyst_client.get(url).headers["Content-Type"] == "text/csv; charset=utf-8"


def test_cli_refuses_an_unknown_dimension(runner, populated):
    result = runner.invoke(args=["export", "stats", "--by", "reporter_name"])
    assert result.exit_code != 0
    assert "unknown dimension" in result.output


def test_dataset_has_one_row_per_incident_and_counts_every_target(session):
    # Three people in one combination, two of them in one incident: both incidents are released,
    # once each, although the third person only shows up as the second target of an incident.
    first, second = make_incident(session), make_incident(session)
    for incident, people in ((first, 1), (second, 2)):
        for _ in range(people):
            session.add(Involvement(incident_id=incident.id, person_id=make_person(session).id, role="target"))
    session.commit()
    rows = list(deidentified_rows(session))
    assert [row[0] for row in rows[1:]] == [1, 2]


@pytest.mark.parametrize("total", [57, None])
def test_table_csv_is_the_csv_modules_text_for_awkward_values(app, total):
    """The CSV of a table is made from fields quoted once per distinct value: it must be the
    csv module's own text, row by row, whatever the values hold (commas, quotes, line breaks,
    spaces, empty values, non-ASCII, a value that looks like a count)."""
    from tracker.analytics.disclosure import Cell, ReleasedTable
    from tracker.analytics.exports import csv_chunks, table_csv_chunks, table_rows

    awkward = ["a,b", 'say "hi"', "two\nlines", "cr\rhere", " padded ", "", "ünïcødé", "12", "plain", "'"]
    cells = tuple(Cell((first, second), count) for first, second, count in
                  zip(awkward, reversed(awkward), [3, None, 0, 12, None, 7, 99, None, 1, 10_000], strict=True))
    table = ReleasedTable(("origin_country", "some_unknown_dimension"), cells, total, 10)
    with app.test_request_context():
        expected = "".join(csv_chunks(table_rows(table)))
        made = "".join(table_csv_chunks(table))
    assert made == expected
    assert list(csv.reader(io.StringIO(made)))[1][0] == "a,b"
