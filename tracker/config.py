"""Configuration: defaults in code, then instance/config.py, then TRACKER_* variables.

Secrets (the Flask secret key, the data-encryption keyring and the index key) live in
``instance/keys.json`` with mode 0600, or in the environment. They are created only on a genuine
first run; a deployment whose keys went missing refuses to start instead of quietly making new
ones, because new keys would leave every sealed field of the existing database unreadable.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from collections.abc import Mapping

from flask import Flask

KEYS_FILE = "keys.json"

# Values a tutorial or a template might suggest; a deployment using one is not protected.
KNOWN_WEAK_SECRETS = frozenset({"dev", "development", "secret", "changeme", "change-me", "test"})
MIN_SECRET_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The configuration is unsafe or incomplete; the app must not start."""


def defaults(instance_path: str) -> dict[str, Any]:
    """The settings a new organisation gets without writing any configuration."""
    return {
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "tracker.sqlite3"),
        "EVIDENCE_FOLDER": os.path.join(instance_path, "evidence"),
        # "folder" (EVIDENCE_FOLDER, one host) or "database" (shared by several hosts): evidence_store.py
        "EVIDENCE_STORE": "folder",
        "GEOCODER": "offline",
        "GEOCODER_MIN_DELAY": 1.0,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Proxies of ours before gunicorn: forwarded headers are believed for this many hops only;
        # addresses many people share never key a per-address limit (tracker/limits.py).
        "PROXY_HOPS": 0,
        "SHARED_CLIENT_NETWORKS": ["127.0.0.0/8", "::1/128"],
        "ONION_LOCATION": None,  # http://….onion: announced in Onion-Location over HTTPS
        "SUPPRESSION_THRESHOLD": 10,
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        # Staff sessions: short idle timeout, hard cap (DESIGN §2, "short idle sessions").
        "STAFF_IDLE_TIMEOUT": timedelta(minutes=30),
        "STAFF_SESSION_LIFETIME": timedelta(hours=8),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "tracker_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "WTF_CSRF_TIME_LIMIT": 3600 * 4,
        "INIT_KEYS": False,
        # Retention, in days without activity (README: Reliability; `flask retention run`).
        "RETENTION_REJECTED_DAYS": 30,
        "RETENTION_UNVERIFIED_ANONYMOUS_DAYS": 180,
        "RETENTION_CLOSED_CASE_DAYS": 730,
    }


def load(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` in the documented order and check the secrets."""
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("TRACKER")
        # Every TRACKER_* value is read as JSON where it parses, but a data key's id is always a
        # string: a random hex id such as 20261203 or 1e000042 would otherwise become a number
        # and match no key of DATA_KEYS (whose JSON object keys stay strings).
        if "TRACKER_ACTIVE_DATA_KEY" in os.environ:
            app.config["ACTIVE_DATA_KEY"] = os.environ["TRACKER_ACTIVE_DATA_KEY"]
    else:
        app.config.from_mapping(test_config)
    if app.config["EVIDENCE_STORE"] not in ("folder", "database"):  # tracker.evidence_store.STORES
        # Refused at start, not at the first upload: a reporter must never be the one to find out.
        raise ConfigurationError(f"EVIDENCE_STORE must be 'folder' or 'database', not {app.config['EVIDENCE_STORE']!r}")
    _load_secrets(app)


def _load_secrets(app: Flask) -> None:
    """Take secrets from the config or instance/keys.json; create them only on a first run."""
    needed = ("SECRET_KEY", "DATA_KEYS", "INDEX_KEY")
    if not all(app.config.get(name) for name in needed):
        stored = read_keys_file(app.instance_path)
        if stored is None:
            if not _is_first_run(app):
                raise ConfigurationError(
                    f"No keys found in {os.path.join(app.instance_path, KEYS_FILE)} or the "
                    "environment, but the database may already hold sealed data. Restore "
                    "keys.json from your key backup, or set TRACKER_INIT_KEYS=1 to create new "
                    "keys for an empty database."
                )
            stored = generate_keys()
            write_keys_file(app.instance_path, stored)
        for name in needed:
            if not app.config.get(name):
                app.config[name] = stored[name]
        app.config.setdefault("ACTIVE_DATA_KEY", stored.get("ACTIVE_DATA_KEY"))
        if not app.config.get("ACTIVE_DATA_KEY"):
            app.config["ACTIVE_DATA_KEY"] = stored.get("ACTIVE_DATA_KEY")
    check_secrets(app.config)


def _is_first_run(app: Flask) -> bool:
    """True when no database can exist yet, or the operator explicitly asked for new keys."""
    if app.config.get("INIT_KEYS"):
        return True
    url = str(app.config["DATABASE_URL"])
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return not Path(url.removeprefix("sqlite:///")).exists()
    return False


def check_secrets(config: Mapping[str, Any]) -> None:
    """Refuse weak or malformed secrets rather than run with them."""
    secret = str(config.get("SECRET_KEY") or "")
    if len(secret) < MIN_SECRET_LENGTH or secret.lower() in KNOWN_WEAK_SECRETS:
        raise ConfigurationError(
            f"SECRET_KEY must be a random value of at least {MIN_SECRET_LENGTH} characters."
        )
    data_keys = config.get("DATA_KEYS")
    if not isinstance(data_keys, Mapping) or not data_keys:
        raise ConfigurationError("DATA_KEYS must map key ids to base64-encoded 256-bit keys.")
    for key_id, encoded in data_keys.items():
        if len(_decode_key(encoded, f"DATA_KEYS[{key_id}]")) != 32:
            raise ConfigurationError(f"Data key {key_id!r} is not 256 bits long.")
    active = config.get("ACTIVE_DATA_KEY")
    if active not in data_keys:
        raise ConfigurationError("ACTIVE_DATA_KEY must name one of DATA_KEYS.")
    if len(_decode_key(config.get("INDEX_KEY"), "INDEX_KEY")) != 32:
        raise ConfigurationError("INDEX_KEY must be a base64-encoded 256-bit key.")


def _decode_key(encoded: Any, name: str) -> bytes:
    try:
        return base64.b64decode(str(encoded), validate=True)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"{name} is not valid base64.") from exc


def new_data_key() -> tuple[str, str]:
    """A fresh (key id, base64 key) pair for the data keyring."""
    return secrets.token_hex(4), base64.b64encode(secrets.token_bytes(32)).decode()


def generate_keys() -> dict[str, Any]:
    """Every secret a new instance needs."""
    key_id, key = new_data_key()
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATA_KEYS": {key_id: key},
        "ACTIVE_DATA_KEY": key_id,
        "INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def read_keys_file(instance_path: str) -> dict[str, Any] | None:
    """The stored secrets, or None when there is no keys file."""
    path = Path(instance_path, KEYS_FILE)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


def write_keys_file(instance_path: str, keys: Mapping[str, Any]) -> None:
    """Write the secrets atomically, readable by the owner only."""
    os.makedirs(instance_path, mode=0o700, exist_ok=True)
    path = Path(instance_path, KEYS_FILE)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(keys, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
