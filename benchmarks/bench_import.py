"""Spreadsheet import throughput against a raw executemany of the same rows, and peak memory.

Each row carries an incident, a person, a relative, their relationship and a dated status (the
wide sheet NGOs keep). The import goes through ``tracker.exchange.importer.import_rows`` as
``flask import spreadsheet`` does: rows planned, fingerprinted, names digested and looked up,
everything sealed to the organisation key and audited. The baseline inserts the same rows as
plain values with one ``executemany`` per table into the same engine. Prints rows/s of both, the
ratio (aim >= 0.2) and the process's peak resident memory (aim < 300 MB).

    python benchmarks/bench_import.py [--rows 2000] [--database-url postgresql+psycopg://...]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402 - after the path set-up above
from sqlmodel import SQLModel  # noqa: E402

from tracker import create_app, orgkey, sealed_box  # noqa: E402
from tracker.config import generate_keys  # noqa: E402
from tracker.db import get_engine, get_session  # noqa: E402
from tracker.exchange.importer import import_rows  # noqa: E402
from tracker.exchange.profiles import ImportProfile, RelativeColumns  # noqa: E402
from tracker.models import Incident, OrganisationKey, Person, PersonRelationship, RelativeStatus  # noqa: E402

PROFILE = ImportProfile(
    name="bench", community="uyghur", incident_title="Case", incident_date="Date", tactic="Tactic",
    origin_country="From", victim_name="Name", victim_native_name="Native",
    relatives=[RelativeColumns(name="Relative", relationship="Relation", status="Status", status_date="Since")])
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec")


def synthetic_rows(count: int) -> list[dict[str, object]]:
    """Distinct synthetic rows (names are numbered so each row is a new family)."""
    return [{"Case": f"SYNTH-{n}", "Date": f"{MONTHS[n % 12]} {2015 + n % 9}", "Tactic": "information demand",
             "From": "CN", "Name": f"Synthetic Person{n}", "Native": f"سىنتېتىك {n}",
             "Relative": f"Synthetic Father{n}", "Relation": "father", "Status": "camp", "Since": f"{2016 + n % 8}?"}
            for n in range(count)]


def raw_insert(engine, count: int) -> float:
    """Seconds to executemany the same rows, unsealed and unaudited, one statement per table."""
    offset = 10_000_000
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(Incident), [
            {"id": offset + n, "title": None, "primary_tactic": "information_demand", "community": "uyghur",
             "origin_country": "CN", "start_date": date(2015 + n % 9, n % 12 + 1, 1), "start_precision": "month",
             "verification": "unverified"} for n in range(count)])
        connection.execute(insert(Person), [
            {"id": offset + n, "pseudonym": f"R-{n}", "community": "uyghur", "citizenships": [], "target_types": []}
            for n in range(2 * count)])
        connection.execute(insert(PersonRelationship), [
            {"id": offset + n, "person_id": offset + 2 * n, "related_person_id": offset + 2 * n + 1,
             "relationship_type": "parent"} for n in range(count)])
        connection.execute(insert(RelativeStatus), [
            {"id": offset + n, "person_id": offset + 2 * n + 1, "relationship_id": offset + n,
             "status": "detained_administrative", "status_date": date(2016 + n % 8, 1, 1),
             "date_precision": "estimate", "in_retaliation": "unknown", "incident_id": offset + n}
            for n in range(count)])
    return time.perf_counter() - started


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
            rows = synthetic_rows(options.rows)
            started, cpu = time.perf_counter(), time.process_time()
            result = import_rows(get_session(), rows, PROFILE, source_sha256="0" * 64, user_id=None)
            imported, imported_cpu = time.perf_counter() - started, time.process_time() - cpu
            assert result.counts == {"created": options.rows}, result.counts
            raw = raw_insert(engine, options.rows)
            if options.database_url:
                SQLModel.metadata.drop_all(engine)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"engine: {url.split(':')[0]}, rows: {options.rows}")
    print(f"import: {imported:.1f} s, {options.rows / imported:.0f} rows/s "
          f"({imported_cpu:.1f} s of CPU: {imported_cpu / options.rows * 1000:.0f} ms per row)")
    print(f"raw executemany: {raw:.2f} s, {options.rows / raw:.0f} rows/s")
    print(f"ratio (import / raw throughput): {raw / imported:.4f} (aim >= 0.2)")
    print(f"peak resident memory: {peak_mb:.0f} MB (aim < 300 MB)")


if __name__ == "__main__":
    main()
