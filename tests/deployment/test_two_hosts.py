"""Two app hosts over one PostgreSQL and one Redis (issue 17 item 3; README "Several app hosts").

Both hosts are real gunicorn processes with the project's gunicorn.conf.py, two workers each,
each over its own instance folder (the second a copy of the first's keys.json and config.py),
spoken to over real HTTP. They prove: a report sent through one host is in the queue and opens
by receipt through the other, with its evidence file; a staff session begun on one works and
ends on the other; rate limits count once across both; the audit chain stays one line and the
kept statistics equal a recount after concurrent writes through both; and killing one host
mid-burst loses no acknowledged report while the other keeps serving.

It runs in the PostgreSQL run only: several hosts need a database server they all reach, and
the SQLite deployment is one host by design (its database is a file beside the app).
"""
from __future__ import annotations

import hashlib
import http.client
import os
import random
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import redis
from sqlmodel import SQLModel, select

from tests.conftest import TEST_KEYS, TEST_ORG_KID, TEST_ORG_PRIVATE, install_test_organisation_key, make_test_app
from tests.deployment.hosts import Browser, Host, api, copy_instance, request, write_instance
from tests.factories import STAFF_PASSWORD, make_report, make_user
from tests.reliability.helpers import second_database

POSTGRES_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")
# A Redis database of its own, emptied before the hosts start (other runs use 0 and 15).
REDIS_URL = "redis://127.0.0.1:6379/14"
WRONG_RECEIPT = "ABCD-EFGH-JKMN-PQRS"
BURST = 30  # report submissions in the fault test, alternating between the hosts


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.skipif(not POSTGRES_URL, reason="several app hosts share one PostgreSQL server: this runs in the "
                       "PostgreSQL run (TRACKER_TEST_DATABASE_URL); an SQLite deployment is one host by design"),
    # CI (.ci/run) sets TRACKER_REQUIRE_REDIS=1: there a missing Redis fails the fixture instead.
    pytest.mark.skipif(bool(POSTGRES_URL) and os.environ.get("TRACKER_REQUIRE_REDIS") != "1"
                       and not _redis_answers(), reason="no Redis on 127.0.0.1:6379 (CI starts one)"),
]


@dataclass
class Deployment:
    admin: object  # an in-process app over the same database, for setting up and checking
    a: Host
    b: Host
    staff_email: str
    staff_otp_secret: str
    token: str


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two-hosts")
    with second_database(folder, POSTGRES_URL) as url:
        admin = make_test_app(folder / "admin", url, EVIDENCE_STORE="database")
        engine = admin.extensions["tracker.engine"]
        SQLModel.metadata.create_all(engine)
        install_test_organisation_key(engine)
        staff_email, otp_secret, token = _staff(admin)
        redis.Redis.from_url(REDIS_URL).flushdb()
        write_instance(folder / "a", TEST_KEYS, {
            "DATABASE_URL": url, "RATELIMIT_STORAGE_URI": REDIS_URL, "EVIDENCE_STORE": "database",
            # Bursts below come from one loopback address; the per-pass receipt limit is the one tested.
            "INTAKE_SUBMIT_LIMIT": "10000 per hour", "INTAKE_SUBMIT_GLOBAL_LIMIT": "10000 per minute",
            "INTAKE_RECEIPT_LIMIT": "4 per hour", "INTAKE_RECEIPT_GLOBAL_LIMIT": "10000 per minute",
        })
        copy_instance(folder / "a", folder / "b")
        hosts = [Host(name, folder / name, workers=2, log_folder=folder) for name in ("a", "b")]
        try:
            for host in hosts:
                host.wait_ready()
            yield Deployment(admin, *hosts, staff_email, otp_secret, token)
        finally:
            for host in hosts:
                host.stop()
            engine.dispose()


def _staff(admin) -> tuple[str, str, str]:
    """A caseworker with the production password profile (the hosts are not test apps) and a token."""
    from tracker import orgkey
    from tracker.api.tokens import issue_token
    from tracker.db import get_session
    from tracker.staff.passwords import PROFILES, STANDARD_PROFILE, hash_password

    with admin.app_context():
        session = get_session()
        user = make_user(session, email="caseworker@example.org")
        user.password_hash = hash_password(STAFF_PASSWORD, profile=STANDARD_PROFILE)
        orgkey.provision_personal_key(user, STAFF_PASSWORD, PROFILES[STANDARD_PROFILE])
        orgkey.grant(user, TEST_ORG_KID, TEST_ORG_PRIVATE)
        session.commit()
        _row, token = issue_token(session, make_user(session).id, "two hosts", (TEST_ORG_KID, TEST_ORG_PRIVATE))
        session.commit()
        return user.email, user.totp_secret, token


def _otp(secret: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).now()


def test_a_report_sent_through_one_host_is_queued_and_opened_through_the_other(deployment):
    from tracker.crypto import get_sealer
    from tracker.db import get_session
    from tracker.intake.followup import find_by_receipt
    from tracker.models import Evidence

    file = b"Screenshot text: the officer's message to my mother.\n"
    receipt = Browser().send_report(deployment.a, "Sent through host A.", file)
    assert Browser().open_receipt(deployment.b, receipt) == 302
    with deployment.admin.app_context():
        report = find_by_receipt(get_session(), receipt, get_sealer())
        evidence = get_session().exec(select(Evidence).where(Evidence.report_id == report.id)).one()
    staff = Browser()
    assert staff.sign_in(deployment.a, deployment.staff_email, STAFF_PASSWORD, _otp(deployment.staff_otp_secret)) == 302
    status, queue, _ = staff.send(deployment.b, "GET", "/casework/")
    assert status == 200 and f"/casework/reports/{report.id}" in queue
    status, page, _ = staff.send(deployment.b, "GET", f"/casework/reports/{report.id}")
    assert status == 200 and "Sent through host A." in page  # sealed; opened with the session's key on B
    status, body, _ = staff.send(deployment.b, "GET", f"/casework/evidence/{evidence.id}")
    assert status == 200 and body.encode() == file
    # Signing out on B ends the session on A too: sessions live in the database.
    token = staff.csrf(deployment.b, "/casework/")
    assert staff.send(deployment.b, "POST", "/staff/logout", {"csrf_token": token})[0] == 302
    assert staff.send(deployment.a, "GET", "/casework/")[0] == 302


def test_a_form_sent_again_through_the_other_host_is_the_same_report(deployment):
    from tracker.db import get_session
    from tracker.models import Report

    browser = Browser()
    form = browser.report_form(deployment.a, "Sent twice: the first answer was lost.")
    first = browser.post_report(deployment.a, form)
    # The reporter's browser resends the same form; the proxy sends it to the other host.
    assert browser.post_report(deployment.b, form) == first  # the replay window lives in Redis
    with deployment.admin.app_context():
        sent = get_session().exec(select(Report).where(Report.follow_up_of_id.is_(None))).all()
        assert [r.narrative for r in sent].count("Sent twice: the first answer was lost.") == 1


def test_a_receipt_limit_counts_once_across_both_hosts(deployment):
    browser = Browser()  # one form pass (in its signed cookie), alternating between hosts
    statuses = [browser.open_receipt((deployment.a, deployment.b)[n % 2], WRONG_RECEIPT) for n in range(6)]
    # With per-host counting (memory://) all six would be 404: each host would allow four.
    assert statuses == [404] * 4 + [429] * 2


def test_concurrent_casework_and_intake_through_both_hosts_keep_one_audit_chain_and_exact_counts(deployment):
    from tests.analytics.test_upkeep import register_tables
    from tracker.audit import verify_chain
    from tracker.crypto import get_sealer
    from tracker.db import get_session

    with deployment.admin.app_context():
        session = get_session()
        register_tables(session)
        session.commit()
        reports = [make_report(session).id for _ in range(16)]
    hosts = (deployment.a, deployment.b)
    people = [api(hosts[n % 2], "POST", "/people", deployment.token, {"names": [{"name": f"Person {n}"}]})[1]["id"]
              for n in range(3)]
    rng = random.Random(17)
    plans = [(hosts[n % 2], report_id, rng.choice(people), rng.choice(("TR", "DE")), rng.randint(1, 12))
             for n, report_id in enumerate(reports)]

    def casework(plan) -> int:
        host, report_id, person, country, month = plan
        status, incident = api(host, "POST", "/incidents", deployment.token, {
            "primary_tactic": "digital_threat", "community": "uyghur", "origin_country": "CN", "channels": ["sms"],
            "host_country": country, "start_date": f"2023-{month:02d}-01", "start_precision": "exact",
            "report_ids": [report_id]})
        assert status == 201, incident
        status, _ = api(host, "POST", f"/incidents/{incident['id']}/involvements", deployment.token,
                        {"person_id": person, "role": "target"})
        return status

    def intake(n: int) -> str:
        return Browser().send_report(hosts[n % 2], f"Concurrent report {n}.")

    with ThreadPoolExecutor(max_workers=6) as pool:
        involvements = pool.map(casework, plans)
        receipts = pool.map(intake, range(8))
        assert set(involvements) == {201} and len(set(receipts)) == 8
    with deployment.admin.app_context():
        session = get_session()
        assert list(verify_chain(session, get_sealer())) == []
        assert_kept_counts_equal_a_recount(session)


def assert_kept_counts_equal_a_recount(session) -> None:
    """Every kept margin equals a fresh count (a cell kept at zero and one never made are alike)."""
    import json

    from tracker.analytics.tables import count_cubes
    from tracker.analytics.upkeep import read_margins
    from tracker.models.statistics import StatisticsMargin

    counted = 0
    for margin in session.exec(select(StatisticsMargin)).all():
        cube = tuple(json.loads(margin.dimensions))
        kept = read_margins(session, margin.subject, cube, [cube])[cube]
        fresh = count_cubes(session, margin.subject, cube, [cube])[cube]
        assert {k: v for k, v in kept.items() if v} == {k: v for k, v in fresh.items() if v}, (margin.subject, cube)
        counted += any(fresh.values())
    assert counted >= 4  # not a comparison of empty tables


def test_killing_one_host_mid_burst_loses_nothing_acknowledged(deployment):
    from tracker.audit import verify_chain
    from tracker.crypto import get_sealer
    from tracker.db import get_session
    from tracker.evidence_store import current_store
    from tracker.intake.evidence import read_evidence
    from tracker.intake.followup import find_by_receipt
    from tracker.models import Evidence

    acknowledged: list[tuple[str, bytes]] = []  # (receipt, file sent)
    failures = {"a": 0, "b": 0}
    started_after_kill = {"a": 0, "b": 0}
    killed = threading.Event()

    def submit(n: int) -> None:
        host = (deployment.a, deployment.b)[n % 2]
        started_after_kill[host.name] += killed.is_set()
        file = f"file {n} {secrets.token_hex(8)}\n".encode()
        try:
            acknowledged.append((Browser().send_report(host, f"Burst report {n}.", file), file))
        except (OSError, http.client.HTTPException, AssertionError, AttributeError):
            failures[host.name] += 1  # no receipt: not acknowledged (the reporter would send again)
        if len(acknowledged) >= BURST // 3 and not killed.is_set():
            killed.set()
            deployment.a.kill()  # mid-burst: other submissions to A are in flight right now

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(submit, range(BURST)))
    assert killed.is_set() and started_after_kill["a"] > 0
    assert failures["b"] == 0, "host B must keep serving while A dies"
    assert failures["a"] >= started_after_kill["a"]
    with pytest.raises(OSError):
        request(deployment.a.port, "GET", "/healthz")
    # Every acknowledged report opens by its receipt through the surviving host, with its file.
    with ThreadPoolExecutor(max_workers=2) as pool:
        opened = list(pool.map(lambda item: Browser().open_receipt(deployment.b, item[0]), acknowledged))
    assert opened == [302] * len(acknowledged)
    print(f"fault test: {BURST} submissions, {len(acknowledged)} acknowledged; refused by the killed host: "
          f"{failures['a']} ({started_after_kill['a']} sent after the kill, the rest in flight); by the other: "
          f"{failures['b']}")
    with deployment.admin.app_context():
        session, sealer = get_session(), get_sealer()
        store = current_store()
        for receipt, file in acknowledged:
            report = find_by_receipt(session, receipt, sealer)
            evidence = session.exec(select(Evidence).where(Evidence.report_id == report.id)).one()
            assert evidence.sha256 == hashlib.sha256(file).hexdigest()
            assert read_evidence(evidence.stored_name, store=store, sealer=sealer) == file
        assert list(verify_chain(session, sealer)) == []
