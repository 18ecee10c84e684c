"""Login timing: an unknown email, a wrong password and a locked account must cost the same.

Run: ``python benchmarks/bench_login.py [--repeat 20]``. It builds an app on a fresh SQLite file,
makes one caseworker, and times login POSTs through the test client (CSRF included): unknown
email, known email with a wrong password, and the account after it is locked. It prints the
median of each and their ratios to the wrong-password case; ratios near 1.00 mean the answer
time does not reveal whether an account exists or is locked (issue 5, §1). The three cases are
interleaved so that changing machine load affects them alike.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import SQLModel  # noqa: E402 - after the path set-up above

from tracker import create_app  # noqa: E402
from tracker.config import generate_keys  # noqa: E402
from tracker.db import get_session  # noqa: E402
from tracker.models import User  # noqa: E402
from tracker.staff.passwords import hash_password  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def build_app(folder: Path, accounts: int):
    """An app on a new SQLite database with ``accounts`` caseworkers (default throttling)."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "STAFF_LOGIN_CLIENT_LIMIT": "100000 per minute", **generate_keys()},
                     instance_path=str(folder / "instance"))
    SQLModel.metadata.create_all(app.extensions["tracker.engine"])
    with app.app_context():
        session = get_session()
        for n in range(accounts):
            session.add(User(email=f"worker{n}@example.org", role="caseworker", must_change_password=False,
                             password_hash=hash_password("the real password, long"), totp_confirmed=True))
        session.commit()
    return app


def timed_login(client, token: str, email: str) -> float:
    """Seconds for one failed login POST for this email."""
    started = time.perf_counter()
    client.post("/staff/login", data={"csrf_token": token, "email": email,
                                      "password": "a wrong password, long", "otp": "000000"})
    return time.perf_counter() - started


def main() -> None:
    """Time the three failure paths, interleaved so machine load hits all three alike."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        client = build_app(Path(folder), repeat + 1).test_client()
        token = CSRF.search(client.get("/staff/login").get_data(as_text=True)).group(1)
        locked_email = f"worker{repeat}@example.org"
        for _ in range(6):
            timed_login(client, token, locked_email)  # six failures lock this account
        samples: dict[str, list[float]] = {"wrong password": [], "unknown email": [], "locked account": []}
        for n in range(repeat):  # each wrong-password account fails once, so none is locked
            samples["wrong password"].append(timed_login(client, token, f"worker{n}@example.org"))
            samples["unknown email"].append(timed_login(client, token, f"nobody{n}@example.org"))
            samples["locked account"].append(timed_login(client, token, locked_email))
    wrong = statistics.median(samples["wrong password"])
    print(f"median failed-login answer over {repeat} interleaved tries (SQLite, test client)")
    for label, values in samples.items():
        value = statistics.median(values)
        print(f"  {label:15} {value * 1000:7.1f} ms   ratio to wrong password {value / wrong:.2f}")


if __name__ == "__main__":
    main()
