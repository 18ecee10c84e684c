"""Command-line commands: users, demo data, db."""
from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import select

from sqlmodel import SQLModel

from tracker.db import get_session
from tracker.models import AuditEvent, Incident, Person, RelativeStatus, Report, User
from tracker.staff.passwords import verify_password

from .conftest import install_test_organisation_key, make_test_app


def test_users_create_prints_a_one_time_password_but_no_second_factor(runner, session):
    result = runner.invoke(args=["users", "create", "Admin@Example.org", "--role", "admin"])
    assert result.exit_code == 0, result.output
    password = re.search(r"One-time password.*: (\S+)", result.output).group(1)
    # Whoever runs the command never holds the person's second factor (issue 16 §6).
    assert "otpauth://" not in result.output and "TOTP secret" not in result.output
    user = session.exec(select(User).where(User.email == "admin@example.org")).one()
    assert user.role == "admin" and user.must_change_password and user.totp_secret is None
    assert verify_password(user.password_hash, password)
    # A key pair under the one-time password, but no grant: the command line holds no key.
    assert user.key_public and user.key_private_wrapped and user.org_key_grant is None
    assert "No access to case data yet" in result.output
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "user.create")).one()


def test_users_create_refuses_duplicates_and_unknown_roles(runner):
    assert runner.invoke(args=["users", "create", "a@example.org", "--role", "analyst"]).exit_code == 0
    again = runner.invoke(args=["users", "create", "a@example.org", "--role", "analyst"])
    assert again.exit_code != 0 and "already exists" in again.output
    assert runner.invoke(args=["users", "create", "b@example.org", "--role", "root"]).exit_code != 0


def _snapshot(session):
    incidents = session.exec(select(Incident).order_by(Incident.id)).all()
    return [(i.primary_tactic, i.community, i.origin_country, i.host_country, i.start_date,
             tuple(i.codes_of("channel"))) for i in incidents]


def _generate(app, incidents=300, seed=7):
    result = app.test_cli_runner().invoke(args=["demo-data", "--incidents", str(incidents), "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return _snapshot(get_session())


def test_demo_data_is_synthetic_and_varied(app):
    first = _generate(app)
    assert len(first) == 300
    assert len({row[1] for row in first}) >= 5  # several communities
    assert len({row[3] for row in first}) >= 8  # several host countries
    with app.app_context():
        session = get_session()
        count = lambda model: session.exec(select(func.count()).select_from(model)).one()  # noqa: E731
        assert count(Report) > 300  # one accepted report per incident, and the rest of a queue
        assert count(Person) > 50 and count(RelativeStatus) > 0
        assert all(p.is_synthetic for p in session.exec(select(Person)).all())
        assert all(r.narrative.startswith("[SYNTHETIC]") for r in session.exec(select(Report)).all())


def test_demo_data_is_deterministic(app, tmp_path):
    first = _generate(app)
    other = make_test_app(tmp_path / "other", f"sqlite:///{tmp_path / 'again.sqlite3'}")
    SQLModel.metadata.create_all(other.extensions["tracker.engine"])
    install_test_organisation_key(other.extensions["tracker.engine"])
    assert _generate(other) == first
    assert _generate(other, seed=8)[300:] != first


def test_db_upgrade_and_check_commands(tmp_path):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0 and "match" in result.output
