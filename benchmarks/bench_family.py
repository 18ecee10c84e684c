"""Accepting a report with 3 relatives, then opening the resulting case, at two database sizes.

Run: ``python benchmarks/bench_family.py [--repeat 15] [--sizes 1000 1000000]``. Each size gets a
SQLite database under benchmarks/results/family-N/ (reused when present), made as an operator
would: the organisation key first (personal data is sealed to it), a caseworker who holds it
(reading happens inside the signed-in request), then ``flask demo-data``. Above ``--base``
incidents (10,000), demo-data makes the first ``--base`` and the rest are bulk copies of them
made inside SQLite (``INSERT ... SELECT`` with every id and reference moved past the last copy:
COPY-style, no Python per row, sealed values copied as they are and still opening under the
same key), so 1,000,000 incidents take minutes instead of the hour demo-data would. Each run adds
``repeat + 2`` synthetic reports with three relatives each (detained, imprisoned with a sentence,
no proof of life) to every database; then, as that caseworker through the test client, it loads
each report's accept form, posts it back unchanged (importing the target, the three relatives,
their statuses, and opening a case) and opens the case page, alternating between sizes request
by request. It prints the medians per size and the ratio (target <= 1.2). With ``--statistics``
the unfiltered dashboard's margins are registered first (``flask analytics refresh``), as once
an analyst has looked, so every accept also keeps those counts current (tracker.analytics.upkeep).
"""
from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from werkzeug.datastructures import MultiDict  # noqa: E402

from bench_casework import EMAIL, PASSWORD, RESULTS, signed_in_client  # noqa: E402
from tests.html_forms import form_fields  # noqa: E402
from tracker import create_app, orgkey, sealed_box  # noqa: E402
from tracker.crypto import get_sealer  # noqa: E402
from tracker.db import get_session  # noqa: E402
from tracker.demo import INSERT_ORDER  # noqa: E402
from tracker.models import Location, Report, ReportCode, ReportedRelative, User  # noqa: E402
from tracker.staff.accounts import new_totp_secret  # noqa: E402
from tracker.staff.passwords import current_parameters, hash_password  # noqa: E402

CASE = re.compile(r"/casework/incidents/(\d+)$")
RELATIVES = (
    ("parent", [{"status": "detained_administrative", "date": "2018-04-12", "precision": "exact"}]),
    ("sibling", [{"status": "imprisoned", "date": "2019-01-01", "precision": "year", "sentence_months": 180}]),
    ("spouse_partner", [{"status": "no_proof_of_life", "date": "2020-06-01", "precision": "month"}]),
)


BASE = 10_000
# Columns that must stay unique in every copy, rewritten from the row's new id.
UNIQUE_FROM_ID = {("person", "pseudonym"): "'P-' || printf('%08d', {id})",
                  ("case_file", "reference"): "substr(reference, 1, 9) || printf('%07d', {id})"}


def prepare(size: int, base: int = BASE):
    """The app over this size's database: organisation key, a caseworker holding it, demo data."""
    folder = RESULTS / f"family-{size}"
    database = folder / "tracker.sqlite3"
    fresh = not database.exists()
    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "RATELIMIT_STORAGE_URI": "memory://"},
                     instance_path=str(folder))
    runner = app.test_cli_runner()
    made = min(size, base)
    for args in [["db", "upgrade"]] + ([["demo-data", "--incidents", str(made), "--seed", "1"]] if fresh else []):
        if args[0] == "demo-data":
            with app.app_context():
                add_key_holder(get_session())
        result = runner.invoke(args=args)
        if result.exit_code:
            raise SystemExit(result.output)
    if fresh and size > made:
        started = time.perf_counter()
        replicate(database, made, size)
        print(f"{size:,} incidents: {made:,} from demo-data, the rest copied in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return app


def replicate(database: Path, base: int, size: int) -> None:
    """Grow the demo-data tables to ``size`` incidents by copying the first ``base`` inside SQLite.

    Copy ``c`` moves every id (and every reference to a copied table) by ``c`` times that table's
    largest id, and rewrites the unique pseudonym and case reference from the new id; places are
    shared. The statements come from the models' tables, so a column added later is copied too.
    """
    tables = [model.__table__ for model in INSERT_ORDER if model is not Location]
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-1000000")
        connection.execute("PRAGMA temp_store=MEMORY")
        largest = {}
        for table in tables:
            if "id" in table.c:
                largest[table.name] = connection.execute(f'SELECT max(id) FROM "{table.name}"').fetchone()[0] or 0  # noqa: S608 - model names  # nosec B608
        statements = []
        for table in tables:
            targets, values, bound = [], [], None
            for column in table.c:
                referenced = [key.column.table.name for key in column.foreign_keys if key.column.table.name in largest]
                if column.name == "id" and table.name in largest:
                    expression, bound = f"id + :{table.name}", f"id <= {largest[table.name]}"
                elif referenced:
                    expression = f'"{column.name}" + :{referenced[0]}'
                    bound = bound or f'"{column.name}" <= {largest[referenced[0]]}'
                elif (table.name, column.name) in UNIQUE_FROM_ID:
                    expression = UNIQUE_FROM_ID[table.name, column.name].format(id=f"(id + :{table.name})")
                elif column.primary_key and column.name == "id":
                    continue  # an id the database assigns
                else:
                    expression = f'"{column.name}"'
                targets.append(f'"{column.name}"')
                values.append(expression)
            statements.append(f'INSERT INTO "{table.name}" ({", ".join(targets)}) '  # noqa: S608 - from the models  # nosec B608
                              f'SELECT {", ".join(values)} FROM "{table.name}" WHERE {bound}')
        for copy in range(1, -(-size // base)):
            offsets = {name: copy * largest_id for name, largest_id in largest.items()}
            connection.execute("BEGIN")
            for statement in statements:
                connection.execute(statement, offsets)
            connection.execute("COMMIT")
            print(f"copy {copy} of {-(-size // base) - 1}", file=sys.stderr, flush=True)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def add_key_holder(session, email: str = EMAIL, password: str = PASSWORD) -> None:
    """The organisation key and the benchmark caseworker, who holds it and sees every community."""
    kid, private_key, _recovery = orgkey.create_organisation_key(session)
    user = User(email=email, role="caseworker", password_hash=hash_password(password), must_change_password=False,
                totp_secret=new_totp_secret(), totp_confirmed=True, communities=["*"])
    orgkey.provision_personal_key(user, password, current_parameters())
    orgkey.grant(user, kid, private_key)
    session.add(user)
    session.commit()
    get_sealer().set_organisation_key(kid, sealed_box.public_bytes(private_key))


def add_reports(app, count: int) -> list[int]:
    """New synthetic reports with three relatives each; their ids."""
    with app.app_context():
        session = get_session()
        ids = []
        for n in range(count):
            report = Report(community="uyghur", origin_country="CN", host_country="US", consent_statistics=True,
                            narrative=f"[SYNTHETIC] family benchmark {n}", reporter_name=f"Bench reporter {n}",
                            is_synthetic=True)
            report.codes = [ReportCode(vocabulary="tactic", code="coercion_by_proxy")]
            report.relatives = [ReportedRelative(relationship_type=kind, residence_country="CN", in_retaliation="yes",
                                                 statuses=statuses) for kind, statuses in RELATIVES]
            session.add(report)
            session.flush()
            ids.append(report.id)
        session.commit()
    return ids


def accept_and_open(client, report_id: int) -> tuple[float, float]:
    """Seconds to accept the report as proposed (form load + post) and to open the case it made."""
    start = time.perf_counter()
    form = client.get(f"/casework/reports/{report_id}/accept").get_data(as_text=True)
    response = client.post(f"/casework/reports/{report_id}/accept", data=MultiDict(form_fields(form, "/accept")))
    accepted = time.perf_counter() - start
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    incident = client.get(response.headers["Location"]).get_data(as_text=True)
    case_url = re.search(r'href="(/casework/cases/\d+)"', incident).group(1)
    start = time.perf_counter()
    page = client.get(case_url)
    opened = time.perf_counter() - start
    assert page.status_code == 200 and page.get_data(as_text=True).count("<a href=\"/casework/people/") >= 4
    return accepted, opened


def main(argv: list[str] | None = None) -> None:
    """Time accept + open per size, alternating, and print the medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 1_000_000])
    parser.add_argument("--base", type=int, default=BASE, help="incidents made by demo-data; the rest are copies")
    parser.add_argument("--statistics", action="store_true", help="keep the dashboard's counts while accepting")
    args = parser.parse_args(argv)
    apps = {size: prepare(size, args.base) for size in args.sizes}
    if args.statistics:
        for size, app in apps.items():
            started = time.perf_counter()
            result = app.test_cli_runner().invoke(args=["analytics", "refresh"])
            if result.exit_code:
                raise SystemExit(result.output)
            print(f"{size:,}: dashboard margins counted in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    clients = {size: signed_in_client(app) for size, app in apps.items()}
    reports = {size: add_reports(app, args.repeat + 2) for size, app in apps.items()}
    times: dict[int, dict[str, list[float]]] = {size: {"accept": [], "open case": []} for size in args.sizes}
    for round_ in range(args.repeat + 2):
        for size, client in clients.items():
            accepted, opened = accept_and_open(client, reports[size][round_])
            if round_ >= 2:  # the first two are warm-up
                times[size]["accept"].append(accepted)
                times[size]["open case"].append(opened)
    small, large = min(args.sizes), max(args.sizes)
    print(f"{'step':12} " + " ".join(f"{size:>12,}" for size in args.sizes) + f" {'ratio':>7}")
    for step in ("accept", "open case"):
        medians = {size: statistics.median(times[size][step]) * 1000 for size in args.sizes}
        row = " ".join(f"{medians[size]:10.1f}ms" for size in args.sizes)
        print(f"{step:12} {row} {medians[large] / medians[small]:6.2f}x")


if __name__ == "__main__":
    main()
