"""Partner packages: export and import against the same work without the package, from one run.

Two instances (two SQLite files, each with its own organisation key) register each other. The
first holds N families, each a consenting report, an incident citing it, the person targeted, a
father, their relationship and a dated status. Timed:

- **export**: ``export_for_partner`` of all N incidents (consent checks, exchange ids, redaction
  ``full``, signing, schema check, age encryption), against the floor of reading the same rows
  with their sealed names opened, as the export must;
- **import**: ``open_package`` and ``import_package`` on the second instance (decryption, schema,
  signature, exchange-id bookkeeping, duplicate proposals, everything sealed and audited), against
  typing the same records on a third, empty instance through the same casework functions.

Prints seconds and the two ratios (floor / package time; 1.0 would mean the package costs nothing).

    python benchmarks/bench_exchange.py [--families 300]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402 - after the path set-up above
from sqlmodel import SQLModel, select  # noqa: E402

from tracker import create_app, keyholder, orgkey, sealed_box  # noqa: E402
from tracker.casework.incidents import create_incident  # noqa: E402
from tracker.casework.people import create_person, involve_person  # noqa: E402
from tracker.casework.relatives import add_relationship, record_relative_status  # noqa: E402
from tracker.config import generate_keys  # noqa: E402
from tracker.db import get_engine, get_session  # noqa: E402
from tracker.exchange.package import open_package  # noqa: E402
from tracker.exchange.package_export import export_for_partner  # noqa: E402
from tracker.exchange.package_import import import_package  # noqa: E402
from tracker.exchange.partners import add_partner, encode_key, ensure_identity, partner_named  # noqa: E402
from tracker.models import (  # noqa: E402
    Incident, OrganisationKey, Person, PersonRelationship, RelativeStatus, Report,
)
from tracker.models.inputs import (  # noqa: E402
    IncidentCreate, PersonCreate, RelationshipCreate, RelativeStatusCreate,
)


def instance(folder: str, name: str):
    """An app on a fresh SQLite file with an organisation key of its own, held open by the caller."""
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/{name}.sqlite3", "EVIDENCE_FOLDER": f"{folder}/{name}-ev",
                      **generate_keys()}, instance_path=f"{folder}/{name}-instance")
    private = sealed_box.new_private_key()
    kid = orgkey.key_id_for(sealed_box.public_bytes(private))
    with app.app_context():
        SQLModel.metadata.create_all(get_engine())
        with get_engine().begin() as connection:
            connection.execute(insert(OrganisationKey).values(id=kid, public_key=sealed_box.public_bytes(private),
                                                              recovery_wrapped=b"\0" * 60))
    return app, {kid: private}


def family(session, n: int, report_id: int | None) -> None:
    """One family typed through the casework functions: incident, target, father, link, status."""
    incident = create_incident(session, IncidentCreate(
        primary_tactic="coercion_by_proxy", community="uyghur", origin_country="CN", host_country="TR",
        summary=f"Synthetic incident {n}", start_date=date(2020, 1 + n % 12, 1), start_precision="month"),
        user_id=None, report_ids=[report_id] if report_id else [])
    target = create_person(session, PersonCreate(names=[{"name": f"Synthetic Target{n}"}], community="uyghur"),
                           user_id=None)
    father = create_person(session, PersonCreate(names=[{"name": f"Synthetic Father{n}"}], community="uyghur"),
                           user_id=None)
    involve_person(session, incident.id, target, "target", user_id=None)
    involve_person(session, incident.id, father, "relative_targeted", user_id=None)
    link = add_relationship(session, RelationshipCreate(person_id=target.id, related_person_id=father.id,
                                                        relationship_type="parent"), user_id=None)
    record_relative_status(session, RelativeStatusCreate(
        person_id=father.id, relationship_id=link.id, status="detained_administrative",
        status_date=date(2019, 1 + n % 12, 1), date_precision="month", incident_id=incident.id), user_id=None)


def read_floor(session) -> float:
    """Seconds to read every row an export reads, opening the sealed names, titles and summaries."""
    session.expire_all()
    started = time.perf_counter()
    for model in (Incident, Person, PersonRelationship, RelativeStatus):
        for row in session.exec(select(model)).all():
            getattr(row, "names", None), getattr(row, "summary", None)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=300)
    count = parser.parse_args().families
    with tempfile.TemporaryDirectory() as folder:
        (a, a_keys), (b, b_keys), (c, c_keys) = (instance(folder, name) for name in "abc")
        with keyholder.holding({**a_keys, **b_keys, **c_keys}):
            cards = {}
            for app, name in ((a, "Org A"), (b, "Org B")):
                with app.app_context():
                    row = ensure_identity(get_session(), name, user_id=None)
                    cards[name] = (row.age_recipient, encode_key(row.signing_public))
                    get_session().commit()
            for app, other in ((a, "Org B"), (b, "Org A")):
                with app.app_context():
                    add_partner(get_session(), other, *cards[other], user_id=None)
                    get_session().commit()
            with a.app_context():
                session = get_session()
                for n in range(count):
                    report = Report(community="uyghur", consent_partners=True, narrative=f"Synthetic {n}")
                    session.add(report)
                    session.flush()
                    family(session, n, report.id)
                session.commit()
                ids = list(session.exec(select(Incident.id)).all())
                floor_read = read_floor(session)
                started = time.perf_counter()
                package = export_for_partner(session, partner_named(session, "Org B"), incident_ids=ids,
                                             redaction="full", user_id=None)
                session.commit()
                exported = time.perf_counter() - started
            with b.app_context():
                session = get_session()
                started = time.perf_counter()
                outcome = import_package(session, open_package(session, package.data), user_id=None)
                imported = time.perf_counter() - started
                assert outcome.created["incident"] == count, outcome.created
            with c.app_context():
                session = get_session()
                started = time.perf_counter()
                for n in range(count):
                    family(session, n, None)
                session.commit()
                typed = time.perf_counter() - started
    records = sum(package.counts[kind] for kind in ("incidents", "people", "relationships", "statuses"))
    print(f"families: {count} (records in the package: {records}, {len(package.data) / 1024:.0f} KiB encrypted)")
    print(f"export {exported:.2f} s; reading the same rows with their sealed values opened {floor_read:.2f} s; "
          f"ratio {floor_read / exported:.3f}")
    print(f"import {imported:.2f} s; typing the same records through the casework functions {typed:.2f} s; "
          f"ratio {typed / imported:.3f}")


if __name__ == "__main__":
    main()
