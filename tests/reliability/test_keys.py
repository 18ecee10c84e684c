"""`flask keys`: rotation re-seals every sealed column and evidence file; old values stay readable."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import LargeBinary, select, type_coerce
from sqlmodel import Session

from tests.factories import make_case, make_person, make_report, make_user
from tracker import create_app
from tracker.config import generate_keys, read_keys_file, write_keys_file
from tracker.crypto import get_sealer
from tracker.key_check import require_matching_keyring
from tracker.maintenance.reseal import key_id_of, sealed_columns
from tracker.models import DataKeyCheck, Person, Report

from .helpers import add_evidence_file


def _app_from_keys_file(tmp_path, url):
    return create_app({"TESTING": True, "DATABASE_URL": url, "EVIDENCE_FOLDER": str(tmp_path / "evidence")},
                      instance_path=str(tmp_path / "instance"))


@pytest.fixture
def keyed_app(app, tmp_path):
    """An app whose keys come from instance/keys.json, as in a default installation, over the
    test database that the ``app`` fixture made (and empties afterwards)."""
    write_keys_file(str(tmp_path / "instance"), generate_keys())
    application = _app_from_keys_file(tmp_path, app.extensions["tracker.engine"].url.render_as_string(False))
    yield application
    application.extensions["tracker.engine"].dispose()


def _populate(app, tmp_path):
    with app.app_context():
        with Session(app.extensions["tracker.engine"]) as session:
            make_person(session, names=[{"name": "Ayşe Canary", "script": "Latn"}], notes="met in 2019")
            make_report(session, narrative="My brother was taken.", contact="signal: canary")
            make_case(session, title="A family")
            make_user(session, "caseworker")  # its TOTP secret is the keyring's to seal
            add_evidence_file(session, tmp_path / "evidence", get_sealer(), content=b"scan")


def _key_ids_in_use(app, tmp_path, *, keyring_only: bool = True) -> set[str]:
    """The key ids that seal every stored value and file, read from the raw bytes; by default
    only the keyring's (personal data is sealed to the organisation key, which rotation of the
    keyring leaves alone)."""
    used = set()
    with app.extensions["tracker.engine"].connect() as connection:
        for target in sealed_columns():
            raws = connection.execute(select(type_coerce(target.column, LargeBinary))).scalars()
            used |= {key_id_of(raw) for raw in raws if raw is not None}
    used |= {key_id_of(p.read_bytes()) for p in (tmp_path / "evidence").iterdir()}
    return {kid for kid in used if not (keyring_only and kid.startswith("org-"))}


def _readable_snapshot(app):
    with app.app_context(), Session(app.extensions["tracker.engine"]) as session:
        return ([(p.names, p.notes) for p in session.exec(select(Person)).scalars()],
                [(r.narrative, r.contact) for r in session.exec(select(Report)).scalars()])


def test_rotate_adds_a_key_activates_it_and_reseals_every_value_and_file(keyed_app, tmp_path):
    _populate(keyed_app, tmp_path)
    old = keyed_app.config["ACTIVE_DATA_KEY"]
    before = _readable_snapshot(keyed_app)
    assert _key_ids_in_use(keyed_app, tmp_path) == {old}
    result = keyed_app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    stored = read_keys_file(str(tmp_path / "instance"))
    new = stored["ACTIVE_DATA_KEY"]
    assert new != old and set(stored["DATA_KEYS"]) == {old, new}
    reloaded = _app_from_keys_file(tmp_path, str(keyed_app.extensions["tracker.engine"].url.render_as_string(False)))
    assert _key_ids_in_use(reloaded, tmp_path) == {new}
    assert _readable_snapshot(reloaded) == before
    status = reloaded.test_cli_runner().invoke(args=["keys", "status"])
    assert f"{new} (active): " in status.output and f"{old}: 0 values" in status.output
    reloaded.extensions["tracker.engine"].dispose()


def test_prepare_then_rotate_keeps_every_value_readable_by_servers_at_each_step(keyed_app, tmp_path):
    _populate(keyed_app, tmp_path)
    old = keyed_app.config["ACTIVE_DATA_KEY"]
    runner = keyed_app.test_cli_runner()
    assert runner.invoke(args=["keys", "rotate", "--prepare"]).exit_code == 0
    prepared = read_keys_file(str(tmp_path / "instance"))
    assert prepared["ACTIVE_DATA_KEY"] == old and len(prepared["DATA_KEYS"]) == 2
    url = keyed_app.extensions["tracker.engine"].url.render_as_string(False)
    server = _app_from_keys_file(tmp_path, url)  # a server reloaded after --prepare
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    activated = read_keys_file(str(tmp_path / "instance"))["ACTIVE_DATA_KEY"]
    assert activated == prepared["NEXT_DATA_KEY"]
    # The reloaded server still seals with the old key but reads the re-sealed values.
    assert _readable_snapshot(server)[1] == [("My brother was taken.", "signal: canary")]
    server.extensions["tracker.engine"].dispose()


def test_reseal_picks_up_values_written_with_the_old_key_after_rotation(keyed_app, tmp_path):
    _populate(keyed_app, tmp_path)
    url = keyed_app.extensions["tracker.engine"].url.render_as_string(False)
    assert keyed_app.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0
    # keyed_app still runs with the old ring, like a server that was not reloaded yet.
    with keyed_app.app_context(), Session(keyed_app.extensions["tracker.engine"]) as session:
        make_user(session, "analyst")  # a TOTP secret sealed by a stale server, with the old key
    reloaded = _app_from_keys_file(tmp_path, url)
    assert len(_key_ids_in_use(reloaded, tmp_path)) == 2
    result = reloaded.test_cli_runner().invoke(args=["keys", "reseal"])
    assert result.exit_code == 0 and '"staff_user": 1' in result.output, result.output
    assert _key_ids_in_use(reloaded, tmp_path) == {reloaded.config["ACTIVE_DATA_KEY"]}
    reloaded.extensions["tracker.engine"].dispose()


def test_with_keys_in_the_environment_rotate_prints_what_to_deploy(runner, app):
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    ring = json.loads(re.search(r"TRACKER_DATA_KEYS='(.+)'", result.output).group(1))
    active = re.search(r"TRACKER_ACTIVE_DATA_KEY=(\S+)", result.output).group(1)
    assert set(app.config["DATA_KEYS"]) < set(ring) and active in ring
    assert active != app.config["ACTIVE_DATA_KEY"]


def test_every_sealed_column_is_found_by_introspection():
    found = {(c.table.name, c.column.name) for c in sealed_columns()}
    expected = {("report", "narrative"), ("report", "contact"), ("person", "names"), ("message", "body"),
                ("staff_user", "totp_secret"), ("geocode_cache", "result"), ("case_note", "body")}
    assert expected <= found
    assert all(c.purpose for c in sealed_columns())


def _check_rows(app) -> dict[str, object]:
    """key id -> retired_at, from the key check table."""
    with app.extensions["tracker.engine"].connect() as connection:
        return dict(connection.execute(select(DataKeyCheck.key_id, DataKeyCheck.retired_at)).all())


def test_rotation_records_the_new_keys_check_value_before_writing_keys_json(keyed_app, tmp_path):
    _populate(keyed_app, tmp_path)
    runner = keyed_app.test_cli_runner()
    assert runner.invoke(args=["keys", "rotate", "--prepare"]).exit_code == 0
    prepared = read_keys_file(str(tmp_path / "instance"))
    assert set(_check_rows(keyed_app)) == set(prepared["DATA_KEYS"])
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    assert set(_check_rows(keyed_app)) == set(read_keys_file(str(tmp_path / "instance"))["DATA_KEYS"])


def test_retire_refuses_while_values_are_sealed_with_the_key_then_removes_it(keyed_app, tmp_path):
    _populate(keyed_app, tmp_path)
    old = keyed_app.config["ACTIVE_DATA_KEY"]
    runner = keyed_app.test_cli_runner()
    assert runner.invoke(args=["keys", "rotate", "--prepare"]).exit_code == 0
    url = keyed_app.extensions["tracker.engine"].url.render_as_string(False)
    server = _app_from_keys_file(tmp_path, url)
    refused = server.test_cli_runner().invoke(args=["keys", "retire", old])
    assert refused.exit_code != 0 and "is the active key" in refused.output
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    with keyed_app.app_context(), Session(keyed_app.extensions["tracker.engine"]) as session:
        make_user(session, "analyst")  # a TOTP secret sealed with the old key again
    rotated = _app_from_keys_file(tmp_path, url)
    refused = rotated.test_cli_runner().invoke(args=["keys", "retire", old])
    assert refused.exit_code != 0 and "still seals 1 values (staff_user: 1)" in refused.output, refused.output
    assert old in read_keys_file(str(tmp_path / "instance"))["DATA_KEYS"]
    assert rotated.test_cli_runner().invoke(args=["keys", "reseal"]).exit_code == 0
    retired = rotated.test_cli_runner().invoke(args=["keys", "retire", old])
    assert retired.exit_code == 0, retired.output
    stored = read_keys_file(str(tmp_path / "instance"))
    assert old not in stored["DATA_KEYS"] and stored["ACTIVE_DATA_KEY"] in stored["DATA_KEYS"]
    assert _check_rows(rotated)[old] is not None
    assert sorted(p.name for p in (tmp_path / "instance").iterdir()) == ["keys.json"]  # no temporary left
    after = _app_from_keys_file(tmp_path, url)  # a server started with the smaller ring may write
    with after.app_context():
        require_matching_keyring()
    for application in (server, rotated, after):
        application.extensions["tracker.engine"].dispose()


def test_retire_refuses_a_key_that_is_not_in_the_ring(runner):
    result = runner.invoke(args=["keys", "retire", "nosuchkey"])
    assert result.exit_code != 0 and "not in the keyring" in result.output
