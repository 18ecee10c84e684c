"""A TOTP code or a recovery code opens one login only, even when several arrive at once
(issue 16, item 5: the same code was accepted by several parallel logins)."""
from __future__ import annotations

import threading

from sqlmodel import Session

from tests.conftest import csrf_token, next_totp_code
from tests.factories import STAFF_PASSWORD, make_user
from tracker.models import User
from tracker.staff.second_factor import accept_totp, issue_recovery_codes, use_recovery_code

PARALLEL = 4  # below the per-account lock (5 failures a minute), so only the code decides


def test_a_code_burnt_in_one_transaction_is_refused_in_another_that_read_the_account_before(app, session):
    user = make_user(session)
    code = next_totp_code(user)
    engine = app.extensions["tracker.engine"]
    with Session(engine) as first, Session(engine) as second:
        mine, theirs = first.get(User, user.id), second.get(User, user.id)
        assert mine.totp_last_step is None and theirs.totp_last_step is None  # both read it unburnt
        assert accept_totp(mine, code)
        first.commit()
        assert not accept_totp(theirs, code)
        second.commit()


def test_a_recovery_code_spent_in_one_transaction_is_refused_in_another(app, session):
    user = make_user(session)
    code = issue_recovery_codes(session, user.id)[0]
    session.commit()
    engine = app.extensions["tracker.engine"]
    with Session(engine) as first, Session(engine) as second:
        assert use_recovery_code(first, user.id, code)
        first.commit()
        assert not use_recovery_code(second, user.id, code)


def _parallel_logins(app, email: str, code: str) -> list[int]:
    """POST the same login from PARALLEL browsers at the same moment; their statuses."""
    clients = [app.test_client() for _ in range(PARALLEL)]
    forms = [{"csrf_token": csrf_token(client, "/staff/login"), "email": email, "password": STAFF_PASSWORD,
              "otp": code} for client in clients]
    start, statuses = threading.Barrier(PARALLEL), []

    def login(client, form):
        start.wait()
        statuses.append(client.post("/staff/login", data=form).status_code)

    threads = [threading.Thread(target=login, args=pair) for pair in zip(clients, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_parallel_logins_with_one_totp_code_sign_in_once(app, session):
    user = make_user(session)
    statuses = _parallel_logins(app, user.email, next_totp_code(user))
    assert sorted(statuses) == [200] * (PARALLEL - 1) + [302], "one redirect home, the rest refused"


def test_parallel_logins_with_one_recovery_code_sign_in_once(app, session):
    user = make_user(session)
    code = issue_recovery_codes(session, user.id)[0]
    session.commit()
    statuses = _parallel_logins(app, user.email, code)
    assert sorted(statuses) == [200] * (PARALLEL - 1) + [302]
