"""A copy of the server taken while nobody is signed in reveals no name, narrative or file
(issue 16 §1). The attacker gets the database, the evidence folder and the whole instance
folder, and tries every key found there on every sealed value and file."""
from __future__ import annotations

import base64
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import LargeBinary, create_engine, select, type_coerce
from sqlmodel import SQLModel

from tests.conftest import make_test_app
from tests.intake.helpers import jpeg_with_gps, receipt_of, send_report
from tracker import orgkey, sealed_box
from tracker.config import generate_keys, write_keys_file
from tracker.maintenance.reseal import sealed_columns
from tracker.models import User
from tracker.staff.passwords import PROFILES, TEST_ONLY_PROFILE

CANARIES = ["Gulnaz Canarybek", "canary-contact@example.org", "Canarytown orchard",
            "The canary narrative: my brother was taken", "canary relative details"]
FILE_CANARY = b"CANARY-EVIDENCE-BYTES-0451"


@pytest.fixture
def installation(tmp_path):
    """A default installation: keys.json in instance/, SQLite file, evidence folder, set up with
    `flask keys init` exactly as the README says (not the test suite's organisation key)."""
    instance = tmp_path / "server" / "instance"
    write_keys_file(str(instance), generate_keys())
    url = f"sqlite:///{tmp_path / 'server' / 'instance' / 'tracker.sqlite3'}"
    app = make_test_app(tmp_path / "server", url, EVIDENCE_FOLDER=str(instance / "evidence"))
    SQLModel.metadata.create_all(app.extensions["tracker.engine"])
    result = app.test_cli_runner().invoke(args=["keys", "init", "--admin", "admin@example.org"])
    assert result.exit_code == 0, result.output
    password = re.search(r"One-time password for \S+ .*: (\S+)$", result.output, re.M).group(1)
    recovery = re.search(r"RECOVERY KEY \(shown once, never stored\): (\S+)", result.output).group(1)
    yield app, instance, password, recovery
    app.extensions["tracker.engine"].dispose()


def _report_with_canaries(app) -> None:
    response = send_report(app.test_client(), {
        "reporter_name": CANARIES[0], "contact": CANARIES[1], "consent_contact": "y",
        "place_text": CANARIES[2], "narrative": CANARIES[3],
        "relatives-0-relationship_type": "sibling", "relatives-0-details": CANARIES[4],
    }, files=[(io.BytesIO(b"notes: " + FILE_CANARY), "note.txt"), (io.BytesIO(jpeg_with_gps()), "p.jpg")])
    receipt_of(response)  # received


def _copy(instance: Path, to: Path) -> Path:
    """What a seizure takes: the instance folder (keys, database and its WAL, evidence)."""
    shutil.copytree(instance, to)
    return to


def _keys_found(copy: Path) -> list[bytes]:
    """Every 32-byte secret in every JSON file of the copy (keys.json and anything else)."""
    found = []
    for path in copy.rglob("*.json"):
        for value in re.findall(r'"([A-Za-z0-9+/=_-]{40,})"', path.read_text(errors="ignore")):
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                try:
                    raw = decode(value + "=" * (-len(value) % 4))
                except ValueError:
                    continue
                if len(raw) == 32:
                    found.append(raw)
    return found


def _sealed_values(copy: Path) -> list[tuple[str, bytes]]:
    engine = create_engine(f"sqlite:///{copy / 'tracker.sqlite3'}")
    values = []
    with engine.connect() as connection:
        for target in sealed_columns():
            for raw in connection.execute(select(type_coerce(target.column, LargeBinary))).scalars():
                if raw is not None:
                    values.append((target.purpose, bytes(raw)))
    engine.dispose()
    files = [("evidence.file", path.read_bytes()) for path in (copy / "evidence").iterdir()]
    return values + files


def _opens(purpose: str, token: bytes, secrets_found: list[bytes]) -> bytes | None:
    """What an attacker gets out of one value with every key found: as the X25519 private key it
    is sealed to, and as an AES-256-GCM key over the body at every plausible nonce offset."""
    for key in secrets_found:
        try:
            return sealed_box.open_with(sealed_box.private_key_from(key), purpose, token)
        except (sealed_box.BoxError, ValueError):
            pass
        for start in range(2, 80):
            try:
                return AESGCM(key).decrypt(token[start:start + 12], token[start + 12:], None)
            except (InvalidTag, ValueError):
                continue
    return None


def test_a_copy_taken_while_nobody_is_signed_in_reveals_no_name_narrative_or_file(installation, tmp_path):
    app, instance, _password, _recovery = installation
    _report_with_canaries(app)
    copy = _copy(instance, tmp_path / "seized")
    everything = b"".join(p.read_bytes() for p in copy.rglob("*") if p.is_file())
    for canary in CANARIES:
        assert canary.encode() not in everything and canary.encode("utf-16-le") not in everything
    assert FILE_CANARY not in everything
    secrets_found = _keys_found(copy)
    assert len(secrets_found) >= 2  # the keyring's data key and the index key
    values = _sealed_values(copy)
    personal = [(purpose, token) for purpose, token in values if purpose != "user.totp_secret"]
    assert len(personal) >= 8 and all(token[:1] == b"\x02" for _purpose, token in personal)
    for purpose, token in personal:
        assert _opens(purpose, token, secrets_found) is None, purpose


def test_the_same_copy_opens_with_a_staff_password_or_the_recovery_key(installation, tmp_path):
    """The control that shows the test above can fail: with what a person holds, it opens."""
    app, instance, password, recovery = installation
    _report_with_canaries(app)
    copy = _copy(instance, tmp_path / "seized")
    engine = create_engine(f"sqlite:///{copy / 'tracker.sqlite3'}")
    with engine.connect() as connection:
        row = connection.execute(select(User.__table__)).mappings().one()
    engine.dispose()
    admin = User(**{k: row[k] for k in ("email", "role", "password_hash", "key_public", "key_private_wrapped",
                                        "key_salt", "org_key_grant")})
    kid, by_password = orgkey.open_with_password(admin, password, PROFILES[TEST_ONLY_PROFILE])
    narratives = [token for purpose, token in _sealed_values(copy) if purpose == "report.narrative"]
    assert sealed_box.open_with(by_password, "report.narrative", narratives[0]).decode() == CANARIES[3]
    with app.app_context():
        from tracker.db import get_session

        _kid, by_recovery = orgkey.open_with_recovery_code(get_session(), recovery)
    assert sealed_box.public_bytes(by_recovery) == sealed_box.public_bytes(by_password)
    files = [token for purpose, token in _sealed_values(copy) if purpose == "evidence.file"]
    assert any(FILE_CANARY in sealed_box.open_with(by_password, "evidence.file", f) for f in files)
    assert json.loads((copy / "keys.json").read_text())  # the keys were there all along
