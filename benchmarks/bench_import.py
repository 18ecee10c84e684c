"""Spreadsheet import throughput against a raw executemany of the same rows, and peak memory.

Each sheet row carries an incident, a person, a relative, their relationship and a dated status
(the wide sheet NGOs keep). The import goes through ``tracker.exchange.importer.import_rows`` as
``flask import spreadsheet`` does, the sheet streamed row by row: rows planned, fingerprinted,
names digested and looked up, everything sealed to the organisation key and audited.

The floor writes exactly the rows the import stored, into a second database of the same engine
(a second SQLite file, or a second PostgreSQL database on the same server) with the same schema:
every table the import wrote (people, their name digests, incidents, their codes,
relationships, involvements, statuses, imported-row fingerprints, audit events), the same
columns, the sealed values as the bytes the import produced. Rows are read back from the
import's database beforehand; only the ``connection.execute(insert(table), rows)`` calls (one
executemany per table per 20,000 rows, in one transaction) and the commit are timed, so the floor
pays for nothing but inserting. A narrower floor of the four tables the sheet names (incident,
person, relationship, status) is printed beside it.

Prints rows/s of both, the ratio (aim >= 0.2) and the peak resident memory of the process when
the import ends (aim < 300 MB), before the floor reads anything.

    python benchmarks/bench_import.py [--rows 100000] [--database-url postgresql+psycopg://...]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Column, MetaData, Table, create_engine, insert, select, text  # noqa: E402 - after the path set-up above
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.types import TypeDecorator  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from tracker import create_app, orgkey, sealed_box  # noqa: E402
from tracker.config import generate_keys  # noqa: E402
from tracker.db import get_engine, get_session, make_engine  # noqa: E402
from tracker.exchange.importer import import_rows  # noqa: E402
from tracker.exchange.profiles import ImportProfile, RelativeColumns  # noqa: E402
from tracker.models import (  # noqa: E402
    AuditEvent, ImportedRow, Incident, IncidentCode, Involvement, OrganisationKey, Person, PersonNameToken,
    PersonRelationship, RelativeStatus,
)

PROFILE = ImportProfile(
    name="bench", community="uyghur", incident_title="Case", incident_date="Date", tactic="Tactic",
    origin_country="From", victim_name="Name", victim_native_name="Native",
    relatives=[RelativeColumns(name="Relative", relationship="Relation", status="Status", status_date="Since")])
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec")
# Parents before children, for the foreign keys.
WRITTEN = (Person, PersonNameToken, Incident, IncidentCode, PersonRelationship, Involvement, RelativeStatus,
           ImportedRow, AuditEvent)
NARROW = (Incident, Person, PersonRelationship, RelativeStatus)
CHUNK = 20_000


def synthetic_rows(count: int) -> Iterator[dict[str, object]]:
    """Distinct synthetic rows (names are numbered so each row is a new family), made as they are read."""
    for n in range(count):
        yield {"Case": f"SYNTH-{n}", "Date": f"{MONTHS[n % 12]} {2015 + n % 9}", "Tactic": "information demand",
               "From": "CN", "Name": f"Synthetic Person{n}", "Native": f"سىنتېتىك {n}",
               "Relative": f"Synthetic Father{n}", "Relation": "father", "Status": "camp", "Since": f"{2016 + n % 8}?"}


def plain_copy(table: Table, metadata: MetaData) -> Table:
    """The table with sealing types replaced by what they store (bytes pass through unchanged)."""
    return Table(table.name, metadata, *(
        Column(c.name, c.type.impl_instance if isinstance(c.type, TypeDecorator) else c.type,
               primary_key=c.primary_key) for c in table.columns))


def floor(source, target) -> dict[str, tuple[int, float]]:
    """Copy every table the import wrote from ``source`` to the empty ``target``: rows and seconds per table."""
    metadata = MetaData()
    timings = {}
    with source.connect() as reading, target.connect() as writing:
        transaction = writing.begin()
        for model in WRITTEN:
            plain = plain_copy(model.__table__, metadata)
            count, seconds = 0, 0.0
            result = reading.execution_options(yield_per=CHUNK).execute(select(plain))
            for rows in result.mappings().partitions(CHUNK):
                values = [dict(row) for row in rows]
                started = time.perf_counter()
                writing.execute(insert(plain), values)
                seconds += time.perf_counter() - started
                count += len(values)
            timings[model.__tablename__] = (count, seconds)
        started = time.perf_counter()
        transaction.commit()
        timings["commit"] = (0, time.perf_counter() - started)
    return timings


def floor_engine(url: str, folder: str):
    """An empty database of the same engine with the app's schema and settings (SQLite's WAL,
    foreign keys, synchronous=FULL: ``make_engine``): a second file, or a second database."""
    if url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{folder}/floor.sqlite3")
    else:
        parsed = make_url(url)
        name = f"{parsed.database}_import_floor"
        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as server:
            server.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            server.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(parsed.set(database=name).render_as_string(hide_password=False))
    SQLModel.metadata.create_all(engine)
    return engine


def drop_floor(engine, url: str) -> None:
    """Remove the second PostgreSQL database (a SQLite file goes with the temporary folder)."""
    engine.dispose()
    if not url.startswith("sqlite"):
        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as server:
            server.execute(text(f'DROP DATABASE IF EXISTS "{engine.url.database}"'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app({"DATABASE_URL": url, "EVIDENCE_FOLDER": f"{folder}/evidence", **generate_keys()},
                         instance_path=f"{folder}/instance")
        with app.app_context():
            engine = get_engine()
            SQLModel.metadata.drop_all(engine)
            SQLModel.metadata.create_all(engine)
            private = sealed_box.new_private_key()
            with engine.begin() as connection:
                connection.execute(insert(OrganisationKey).values(
                    id=orgkey.key_id_for(sealed_box.public_bytes(private)),
                    public_key=sealed_box.public_bytes(private), recovery_wrapped=b"\0" * 60))
            started, cpu = time.perf_counter(), time.process_time()
            result = import_rows(get_session(), synthetic_rows(options.rows), PROFILE, source_sha256="0" * 64,
                                 user_id=None, on_row=lambda outcome: None)
            imported, imported_cpu = time.perf_counter() - started, time.process_time() - cpu
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            assert result.counts == {"created": options.rows}, result.counts
            print(f"import: {imported:.1f} s, {options.rows / imported:.0f} rows/s ({imported_cpu:.1f} s of CPU), "
                  f"peak {peak_mb:.0f} MB; now the floor", flush=True)
            get_session().close()
            target = floor_engine(url, folder)
            timings = floor(engine, target)
            drop_floor(target, url)
            if options.database_url:
                SQLModel.metadata.drop_all(engine)
    raw = sum(seconds for _count, seconds in timings.values())
    narrow = sum(timings[model.__tablename__][1] for model in NARROW)
    stored = sum(count for count, _seconds in timings.values())
    print(f"engine: {url.split(':')[0]}, sheet rows: {options.rows}, database rows written: {stored}")
    print(f"import: {imported:.1f} s, {options.rows / imported:.0f} rows/s "
          f"({imported_cpu:.1f} s of CPU: {imported_cpu / options.rows * 1000:.2f} ms per row)")
    print("floor per table: " + ", ".join(f"{name} {count} rows {seconds:.2f} s"
                                          for name, (count, seconds) in timings.items()))
    print(f"floor, every row the import stored: {raw:.1f} s, {options.rows / raw:.0f} sheet rows/s")
    print(f"ratio (import / floor throughput): {raw / imported:.3f} (aim >= 0.2)")
    print(f"narrow floor (incident, person, relationship, status only): {narrow:.1f} s, "
          f"ratio {narrow / imported:.3f}")
    print(f"peak resident memory at the end of the import: {peak_mb:.0f} MB (aim < 300 MB)")


if __name__ == "__main__":
    main()
