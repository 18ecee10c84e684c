"""Configuration order and secrets: generated once, 0600, refused when weak or missing."""
from __future__ import annotations

import json
import os
import stat

import pytest

from tracker import create_app
from tracker.config import ConfigurationError, generate_keys


def test_first_run_generates_keys_with_owner_only_permissions(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    app = create_app(instance_path=str(tmp_path / "instance"))
    keys_file = tmp_path / "instance" / "keys.json"
    assert stat.S_IMODE(os.stat(keys_file).st_mode) == 0o600
    stored = json.loads(keys_file.read_text())
    assert app.config["SECRET_KEY"] == stored["SECRET_KEY"]
    assert app.config["ACTIVE_DATA_KEY"] in stored["DATA_KEYS"]


def test_second_start_reuses_the_same_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    first = create_app(instance_path=str(tmp_path / "instance"))
    (tmp_path / "db.sqlite3").write_bytes(b"")  # the database now exists
    second = create_app(instance_path=str(tmp_path / "instance"))
    assert first.config["DATA_KEYS"] == second.config["DATA_KEYS"]


def test_missing_keys_with_an_existing_database_refuse_to_start(tmp_path, monkeypatch):
    database = tmp_path / "db.sqlite3"
    database.write_bytes(b"")
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{database}")
    with pytest.raises(ConfigurationError, match="Restore keys.json"):
        create_app(instance_path=str(tmp_path / "instance"))
    assert not (tmp_path / "instance" / "keys.json").exists()


def test_missing_keys_on_postgresql_refuse_unless_init_is_requested(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(ConfigurationError):
        create_app(instance_path=str(tmp_path / "instance"))
    monkeypatch.setenv("TRACKER_INIT_KEYS", "true")
    assert create_app(instance_path=str(tmp_path / "instance")).config["DATA_KEYS"]


@pytest.mark.parametrize("weak", ["dev", "short-secret", "changeme", ""])
def test_weak_secret_key_is_refused(tmp_path, weak):
    config = {**generate_keys(), "SECRET_KEY": weak, "DATABASE_URL": "sqlite://"}
    if weak == "":
        config["SECRET_KEY"] = None
        (tmp_path / "instance").mkdir()
        (tmp_path / "instance" / "keys.json").write_text(json.dumps({**generate_keys(), "SECRET_KEY": "dev"}))
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(config, instance_path=str(tmp_path / "instance"))


def test_malformed_data_key_is_refused(tmp_path):
    config = {**generate_keys(), "DATABASE_URL": "sqlite://"}
    config["DATA_KEYS"] = {config["ACTIVE_DATA_KEY"]: "c2hvcnQ="}
    with pytest.raises(ConfigurationError, match="256 bits"):
        create_app(config, instance_path=str(tmp_path))


def test_instance_config_then_environment_override(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("SUPPRESSION_THRESHOLD = 20\nGEOCODER = 'offline'\n")
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("TRACKER_SUPPRESSION_THRESHOLD", "15")
    app = create_app(instance_path=str(instance))
    assert app.config["SUPPRESSION_THRESHOLD"] == 15
    assert app.config["GEOCODER"] == "offline"


@pytest.mark.parametrize("key_id", ["20261203", "1e000042", "0a1b2c3d"])
def test_a_data_key_id_from_the_environment_stays_a_string(tmp_path, monkeypatch, key_id):
    # Random hex ids are sometimes digits only, or digits around one "e": read as JSON, as
    # other TRACKER_* values are, they became numbers and the app refused its own keys.
    keys = generate_keys()
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("TRACKER_SECRET_KEY", keys["SECRET_KEY"])
    monkeypatch.setenv("TRACKER_INDEX_KEY", keys["INDEX_KEY"])
    monkeypatch.setenv("TRACKER_DATA_KEYS", json.dumps({key_id: next(iter(keys["DATA_KEYS"].values()))}))
    monkeypatch.setenv("TRACKER_ACTIVE_DATA_KEY", key_id)
    app = create_app(instance_path=str(tmp_path / "instance"))
    assert app.config["ACTIVE_DATA_KEY"] == key_id


def test_test_config_replaces_instance_and_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_SUPPRESSION_THRESHOLD", "15")
    app = create_app({**generate_keys(), "DATABASE_URL": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["SUPPRESSION_THRESHOLD"] == 10
