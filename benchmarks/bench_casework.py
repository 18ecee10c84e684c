"""Casework latency at 1,000 and at 1,000,000 incidents, in one run: the ratio should stay near 1.

Run: ``python benchmarks/bench_casework.py [--repeat 30] [--sizes 1000 1000000] [--postgresql URL]``.
Each size gets a SQLite database under benchmarks/results/casework-N/ built with ``flask demo-data``
(reused when present; the 1,000,000 one is copied from the demo-data benchmark's demo-1m.sqlite3 if
that exists, since building it takes minutes). With ``--postgresql
postgresql+psycopg://postgres@127.0.0.1:5432/test`` each size gets its own database on that server
instead (``bench_casework_N``, made when missing; its keys under benchmarks/results/casework-pg-N/,
and a ``built`` file there once demo-data has finished, so a half-built database is made again).
The script then adds the same small fixture to each database (a caseworker, 200 new reports, half
of them in Kashgar, 60 open urgent Eritrean spyware reports (5 sent from Iceland) for the rare
filters, one case with 5 incidents and 3 people) and times pages through the test
client as that signed-in caseworker, audit writes included, alternating between the databases
request by request so the machine's load weighs on both alike. It prints the median of
each page per size and the ratio between the largest and the smallest.
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyotp  # noqa: E402 - after the path set-up above
from sqlmodel import select  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.casework.people import index_names  # noqa: E402
from tracker.db import get_session  # noqa: E402
from tracker.models import (  # noqa: E402
    Case, CasePerson, Incident, IncidentCode, IncidentReport, Involvement, Location, Person, PersonRelationship,
    RelativeStatus, Report, ReportCode, User,
)
from tracker.staff.second_factor import time_step  # noqa: E402
from tracker.staff import clock  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DEMO_1M = RESULTS / "demo-1m.sqlite3", RESULTS / "demo-1m-instance"
EMAIL, PASSWORD = "bench-caseworker@example.org", "benchmark password, long enough 42"
BENCH_REFERENCE = "TNR-2099-00001"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NEXT = re.compile(r'rel="next" href="([^"]+)"')


def prepare(size: int, postgresql: str | None = None):
    """The app over this size's database, built or reused, with the benchmark fixture added."""
    if postgresql:
        folder = RESULTS / f"casework-pg-{size}"
        fresh = not (folder / "built").exists()
        url = postgres_database(postgresql, f"bench_casework_{size}", fresh=fresh)
    else:
        folder = RESULTS / f"casework-{size}"
        database = folder / "tracker.sqlite3"
        if not database.exists() and size == 1_000_000 and DEMO_1M[0].exists():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(DEMO_1M[1] / "keys.json", folder / "keys.json")
            shutil.copy(DEMO_1M[0], database)
        fresh = not database.exists()
        url = f"sqlite:///{database}"
    folder.mkdir(parents=True, exist_ok=True)
    # A new server database is empty, so its keys may be made (SQLite tells that by its missing file).
    settings = {"DATABASE_URL": url, "RATELIMIT_STORAGE_URI": "memory://"}
    if postgresql and fresh:
        (folder / "keys.json").unlink(missing_ok=True)
        settings["INIT_KEYS"] = True
    app = create_app(settings, instance_path=str(folder))
    runner = app.test_cli_runner()
    # A reused database is brought to the current schema first (newer migrations may exist).
    steps = [["db", "upgrade"]] + ([["demo-data", "--incidents", str(size), "--seed", "1"]] if fresh else [])
    for args in steps:
        if args[0] == "demo-data":  # personal data is sealed to the organisation key: make it first
            with app.app_context():
                add_key_holder(get_session())
        result = runner.invoke(args=args)
        if result.exit_code:
            raise SystemExit(result.output)
    if postgresql and fresh:
        (folder / "built").write_text("demo-data finished\n")
    with app.app_context():
        add_fixture(get_session())
        add_rare_reports(get_session())
    return app


def postgres_database(server_url: str, name: str, *, fresh: bool) -> str:
    """The URL of database ``name`` on the server of ``server_url``, made (again, if ``fresh``)."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    with psycopg.connect(url.set(drivername="postgresql", database="postgres")
                         .render_as_string(hide_password=False), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            connection.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
        if not exists or fresh:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url.set(database=name).render_as_string(hide_password=False)


def add_key_holder(session) -> None:
    """The organisation key and the benchmark caseworker who holds it (as bench_family makes them)."""
    from bench_family import add_key_holder as make_key_holder

    make_key_holder(session, EMAIL, PASSWORD)


def add_fixture(session) -> None:
    """200 new reports and one mid-sized case, added once per database (the caseworker comes
    with the organisation key: add_key_holder)."""
    if session.exec(select(Case).where(Case.reference == BENCH_REFERENCE)).first() is not None:
        return
    kashgar = Location(name="Kashgar", gazetteer_id="geonames:1280849", country="CN", precision="city",
                       status="geocoded", geocoder="synthetic")
    session.add(kashgar)
    session.flush()
    for n in range(200):
        report = Report(community="uyghur", origin_country="CN", host_country="TR", status="new",
                        location_id=kashgar.id if n % 2 else None,
                        narrative=f"[SYNTHETIC] benchmark report {n}", is_synthetic=True)
        report.codes = [ReportCode(vocabulary="tactic", code="coercion_by_proxy")]
        session.add(report)
    case = Case(reference=BENCH_REFERENCE, title="[SYNTHETIC] benchmark case")
    people = [Person(pseudonym=f"P-BENCH-{n}", names=[{"name": f"Bench {n}", "script": "Latn"}], is_synthetic=True)
              for n in range(3)]
    session.add_all([case, *people])
    session.flush()
    for person in people:
        index_names(session, person)  # findable by name in the queue, as a caseworker's person is
    reports = session.exec(select(Report).where(Report.narrative.is_not(None)).order_by(Report.id.desc())
                           .limit(5)).all()
    for n in range(5):
        incident = Incident(case_id=case.id, primary_tactic="coercion_by_proxy", origin_country="CN",
                            start_date=date(2018, 1, 1) + timedelta(days=60 * n), is_synthetic=True)
        incident.codes = [IncidentCode(vocabulary="tactic", code="coercion_by_proxy")]
        session.add(incident)
        session.flush()
        session.add(Involvement(incident_id=incident.id, person_id=people[0].id, role="target"))
        session.add(IncidentReport(incident_id=incident.id, report_id=reports[n].id))
    for person in people:
        session.add(CasePerson(case_id=case.id, person_id=person.id))
    for relative in people[1:]:
        session.add(PersonRelationship(person_id=people[0].id, related_person_id=relative.id,
                                       relationship_type="parent"))
        session.add(RelativeStatus(person_id=relative.id, status="imprisoned", status_date=date(2019, 1, 1),
                                   in_retaliation="yes"))
    session.commit()


def add_rare_reports(session) -> None:
    """Open urgent Eritrean spyware reports in the same number at every size, so the rare filters
    show the same rows at 1,000 incidents as at 1,000,000 and the ratio is the cost of the
    reports walked past, not of more rows drawn: 60 (with demo-data's own, a full page at both
    sizes) submitted before demo-data's open reports, and 5 of them in a host country demo-data
    never gives Eritreans (Iceland), the only matches of the rarer filter. They carry as many
    codes as demo-data's reports (a second tactic, two channels, a demand), since the page at
    1,000,000 shows demo-data's and the one at 1,000 these: a page of one-code rows drew faster."""
    rare = session.exec(select(Report).where(
        Report.community == "eritrean", Report.urgent_risk == True,  # noqa: E712 - the urgent walk's condition
        Report.status.in_(("new", "in_triage")), Report.submitted_at < clock.now() - timedelta(days=200))).all()
    if not rare:
        start = clock.now() - timedelta(days=300)
        for n in range(60):
            report = Report(community="eritrean", origin_country="ER", host_country="IS" if n < 5 else "SE",
                            status=("new", "in_triage")[n % 2], urgent_risk=True,
                            submitted_at=start + timedelta(hours=n),
                            narrative=f"[SYNTHETIC] benchmark rare report {n}", is_synthetic=True)
            report.codes = [ReportCode(vocabulary="tactic", code="spyware")]
            session.add(report)
            rare.append(report)
    for report in rare:
        if len(report.codes) == 1:  # made before the fixture gave them demo-data's number of codes
            report.codes.extend(ReportCode(vocabulary=vocabulary, code=code) for vocabulary, code in (
                ("tactic", "online_harassment"), ("channel", "phone_call"), ("channel", "wechat"),
                ("demand", "stop_activism")))
    session.commit()


def signed_in_client(app):
    """A test client signed in as the benchmark caseworker through the real login form."""
    client = app.test_client()
    with app.app_context():
        user = get_session().exec(select(User).where(User.email == EMAIL)).one()
        step = max(time_step(clock.now()), (user.totp_last_step or -1) + 1)
        code = pyotp.TOTP(user.totp_secret).generate_otp(step)
    token = CSRF.search(client.get("/staff/login").get_data(as_text=True)).group(1)
    response = client.post("/staff/login", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD,
                                                 "otp": code})
    if response.status_code not in (302, 303):
        raise SystemExit(f"benchmark login failed: {response.status_code}")
    return client


def pages(app, client) -> dict[str, str]:
    """The URLs to time in this database (the same pages in each)."""
    with app.app_context():
        session = get_session()
        bench_case = session.exec(select(Case.id).where(Case.reference == BENCH_REFERENCE)).one()
        first_case = session.exec(select(Case.id).order_by(Case.id)).first()
        bench_person = session.exec(select(Person.id).where(Person.pseudonym == "P-BENCH-0")).one()
        bench_incident = session.exec(select(Incident.id).where(Incident.case_id == bench_case)).first()
        bench_report = session.exec(select(IncidentReport.report_id)
                                    .where(IncidentReport.incident_id == bench_incident)).first()
    first_page = client.get("/casework/?status=accepted").get_data(as_text=True)
    deep = "/casework/?status=accepted"
    for _ in range(5):  # page 6: the cursor of page 5's last row
        deep = NEXT.search(client.get(deep).get_data(as_text=True)).group(1).replace("&amp;", "&")
    return {
        "queue: open reports": "/casework/",
        "queue: accepted, newest": "/casework/?status=accepted",
        "queue: accepted, page 2": NEXT.search(first_page).group(1).replace("&amp;", "&"),
        "queue: filtered": "/casework/?status=accepted&community=tibetan&tactic=coercion_by_proxy&sort=oldest",
        "queue: case reference": f"/casework/?status=open&q={BENCH_REFERENCE}",
        "queue: place, any script": f"/casework/?q={quote('喀什')}",
        "queue: place, accepted": f"/casework/?status=accepted&q={quote('Synthetic city 1')}",
        "queue: accepted, page 6": deep,
        "queue: rare filter, open": "/casework/?community=eritrean&tactic=spyware&urgent=1",
        "queue: rarer filter, 5 matches": "/casework/?community=eritrean&tactic=spyware&urgent=1&host_country=IS",
        "queue: rare filter, no urgent flag": "/casework/?community=eritrean&tactic=spyware&host_country=IS",
        "queue: name, open": f"/casework/?q={quote('Bench 0')}",
        "queue: name, accepted": f"/casework/?status=accepted&q={quote('Bench 0')}",
        "queue: name, no match": f"/casework/?q={quote('Nobody Nameless')}",
        # Demo names are drawn from a few dozen parts, so these are held by thousands of people at
        # scale: the queue checks rows for the name as it walks (casework/queue.py).
        "queue: common name, open": f"/casework/?q={quote('Tursun')}",
        "queue: common name, accepted": f"/casework/?status=accepted&q={quote('ئەزىز تۇرسۇن')}",
        "person page": f"/casework/people/{bench_person}",
        "incident page": f"/casework/incidents/{bench_incident}",
        "report page": f"/casework/reports/{bench_report}",
        "case page: benchmark case": f"/casework/cases/{bench_case}",
        "case page: first demo case": f"/casework/cases/{first_case}",
    }


def median_ms(clients: dict[int, object], urls: dict[int, str], repeat: int) -> dict[int, float]:
    """Median latency of one page per size; sizes alternate request by request, so a change in
    the machine's load during the run weighs on every size alike."""
    for size, client in clients.items():
        for _ in range(2):  # warm-up
            assert client.get(urls[size]).status_code == 200, urls[size]
    times: dict[int, list[float]] = {size: [] for size in clients}
    for _ in range(repeat):
        for size, client in clients.items():
            start = time.perf_counter()
            response = client.get(urls[size])
            times[size].append(time.perf_counter() - start)
            assert response.status_code == 200, urls[size]
    return {size: statistics.median(values) * 1000 for size, values in times.items()}


def main(argv: list[str] | None = None) -> None:
    """Time every page in every size and print the medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 1_000_000])
    parser.add_argument("--postgresql", metavar="URL", help="a PostgreSQL server's URL: one database per size there")
    args = parser.parse_args(argv)
    apps = {size: prepare(size, args.postgresql) for size in args.sizes}
    clients = {size: signed_in_client(app) for size, app in apps.items()}
    urls = {size: pages(apps[size], clients[size]) for size in args.sizes}
    results: dict[int, dict[str, float]] = {size: {} for size in args.sizes}
    for name in urls[args.sizes[0]]:
        for size, latency in median_ms(clients, {s: urls[s][name] for s in args.sizes}, args.repeat).items():
            results[size][name] = latency
    small, large = min(args.sizes), max(args.sizes)
    print(f"{'page':32} " + " ".join(f"{size:>12,}" for size in args.sizes) + f" {'ratio':>7}")
    for name in results[small]:
        row = " ".join(f"{results[size][name]:10.1f}ms" for size in args.sizes)
        print(f"{name:32} {row} {results[large][name] / results[small][name]:6.2f}x")


if __name__ == "__main__":
    main()
