"""``flask demo-data``: deterministic, realistic, clearly synthetic data for demos and benchmarks.

Everything it writes is marked ``is_synthetic`` and every narrative starts with "[SYNTHETIC]".
Names are invented from common given names and surnames; no real person's record is modelled.
It writes with bulk inserts in batches (ids assigned here) so a million incidents take minutes.
"""
from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, select

from . import sealed_box
from . import taxonomy
from .casework.names import name_digests
from .db import get_session
from .models import (
    Case, CasePerson, Incident, IncidentCode, IncidentReport, Involvement, Location, Person,
    PersonNameToken, PersonRelationship, RelativeStatus, Report, ReportCode, utcnow,
)

BATCH = 5_000
TARGET_TYPES = ("activist", "journalist", "student", "ordinary_member")

# Community -> (origin state, weighted host countries). Host countries are where each
# diaspora is known to be large; the weights are rough and only shape the synthetic data.
COMMUNITIES: dict[str, tuple[str, dict[str, int]]] = {
    "uyghur": ("CN", {"TR": 30, "US": 15, "DE": 10, "KZ": 10, "NL": 6, "AU": 6, "CA": 6, "GB": 5, "SE": 4, "JP": 4}),
    "tibetan": ("CN", {"IN": 30, "NP": 15, "US": 15, "CA": 10, "CH": 10, "AU": 5, "GB": 5, "FR": 5, "BE": 5}),
    "hongkong": ("CN", {"GB": 40, "CA": 20, "AU": 15, "US": 10, "TW": 10, "DE": 5}),
    "chinese_dissident": ("CN", {"US": 35, "CA": 15, "AU": 15, "GB": 10, "DE": 8, "NL": 5, "FR": 6, "JP": 6}),
    "southern_mongolian": ("CN", {"MN": 40, "JP": 30, "DE": 15, "US": 15}),
    "cambodian": ("KH", {"TH": 35, "US": 25, "FR": 20, "AU": 10, "MY": 10}),
    "eritrean": ("ER", {"SE": 20, "DE": 20, "NL": 15, "GB": 15, "NO": 10, "CH": 10, "IT": 10}),
    "rwandan": ("RW", {"BE": 25, "ZA": 20, "UG": 15, "FR": 15, "GB": 10, "US": 10, "CA": 5}),
    "nicaraguan": ("NI", {"CR": 50, "US": 30, "ES": 15, "PA": 5}),
    "cuban": ("CU", {"US": 70, "ES": 20, "MX": 10}),
}
COMMUNITY_WEIGHTS = {"uyghur": 30, "tibetan": 12, "hongkong": 14, "chinese_dissident": 14,
                     "southern_mongolian": 4, "cambodian": 6, "eritrean": 7, "rwandan": 5,
                     "nicaraguan": 4, "cuban": 4}

# Invented name parts per script; combinations are not meant to match any real person.
NAMES: dict[str, list[tuple[str, str]]] = {
    "uyghur": [("Aziz Tursun", "ئەزىز تۇرسۇن"), ("Gulnar Memet", "گۈلنار مەمەت"),
               ("Ablimit Hoshur", "ئابلىمىت ھوشۇر"), ("Mihray Abla", "مېھرىاي ئابلا"),
               ("Erkin Yasin", "ئەركىن ياسىن"), ("Zulpiye Kerim", "زۇلپىيە كېرىم")],
    "tibetan": [("Tenzin Dolma", "བསྟན་འཛིན་སྒྲོལ་མ"), ("Lobsang Tashi", "བློ་བཟང་བཀྲ་ཤིས"),
                ("Pema Norbu", "པདྨ་ནོར་བུ"), ("Dawa Yangchen", "ཟླ་བ་དབྱངས་ཅན")],
    "chinese": [("Wang Lei", "王磊"), ("Li Na", "李娜"), ("Zhang Wei", "张伟"), ("Chen Jing", "陈静"),
                ("Liu Yang", "刘洋"), ("Chan Ka-wai", "陳家偉"), ("Wong Mei-ling", "黃美玲")],
    "latin": [("Tesfay Gebru", ""), ("Jean Habimana", ""), ("Sokha Chea", ""), ("Maria Lopez", ""),
              ("Yusuf Bahati", ""), ("Rosa Martinez", ""), ("Batbayar Dorj", "")],
}
SCRIPT_OF = {"uyghur": ("uyghur", "Arab"), "tibetan": ("tibetan", "Tibt"), "hongkong": ("chinese", "Hant"),
             "chinese_dissident": ("chinese", "Hans")}

DETENTION_STORIES = [
    ["questioned", "detained_administrative", "imprisoned"],
    ["questioned", "detained_administrative", "released"],
    ["threatened", "passport_confiscated"],
    ["questioned", "forced_to_contact"],
    ["detained_criminal", "imprisoned", "contact_lost"],
    ["disappeared"],
    ["questioned", "threatened", "travel_restricted"],
]
REMOTE_TACTICS = ["coercion_by_proxy", "digital_threat", "online_harassment", "surveillance_monitoring",
                  "persuade_to_return", "information_demand", "hacking_phishing", "spyware",
                  "passport_denial", "consular_denial", "legal_harassment", "financial_pressure"]


@dataclass
class _Ids:
    """Next free id per table, so bulk inserts can reference rows they just made."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table]


@dataclass
class _Batch:
    rows: dict[type[SQLModel], list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: type[SQLModel], **values: Any) -> None:
        self.rows.setdefault(model, []).append(values)


# Parents before children, for foreign keys.
INSERT_ORDER = [Location, Person, PersonNameToken, PersonRelationship, Case, CasePerson, Report, ReportCode,
                Incident, IncidentCode, IncidentReport, Involvement, RelativeStatus]


class DemoGenerator:
    """Makes synthetic reports, incidents, people, relatives, statuses and cases from one seed."""

    def __init__(self, session: Session, seed: int):
        self.session = session
        self.rng = random.Random(seed)  # noqa: S311 (reproducible synthetic data)  # nosec B311
        self.ids = _Ids({model.__tablename__: self._max_id(model) for model in INSERT_ORDER
                         if "id" in model.__table__.c})
        self.tactics = sorted(taxonomy.codes("tactic"))
        self.channels = sorted(taxonomy.codes("channel"))
        self.demands = sorted(taxonomy.codes("demand"))
        self.case_counter = 0
        self.locations: dict[str, list[int]] = {}
        self.name_digests: dict[tuple[str, str, str], set[str]] = {}

    def _max_id(self, model: type[SQLModel]) -> int:
        return self.session.exec(select(func.coalesce(func.max(model.id), 0))).one()

    def run(self, incidents: int, progress) -> None:
        """Write ``incidents`` incidents (with their reports, people and relatives) in batches."""
        self._make_locations()
        done = 0
        while done < incidents:
            size = min(BATCH, incidents - done)
            batch = _Batch()
            made = 0
            while made < size:
                made += self._person_story(batch, min(self.rng.choice((1, 1, 2, 3, 4)), size - made))
            self._write(batch)
            done += size
            progress.update(size)
        self._advance_sequences()

    def _advance_sequences(self) -> None:
        """PostgreSQL: the rows were written with explicit ids, which do not move the id
        sequences; move them past the new ids so the next report or person gets a free id."""
        connection = self.session.connection()
        if connection.dialect.name != "postgresql":
            return  # SQLite takes the next id from the table itself
        for model in INSERT_ORDER:
            if "id" in model.__table__.c:
                table = model.__tablename__
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - table names from the models
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"))  # nosec B608
        self.session.commit()

    def _write(self, batch: _Batch) -> None:
        # Core executemany on the tables, not the ORM's bulk path: the rows are already complete
        # dicts with uniform keys, and this is several times faster for a million incidents.
        connection = self.session.connection()
        for model in INSERT_ORDER:
            rows = batch.rows.get(model)
            if rows:
                connection.execute(model.__table__.insert(), rows)
        self.session.commit()

    def _make_locations(self) -> None:
        """A small pool of city-level places per host country (no point coordinates)."""
        batch = _Batch()
        for origin, hosts in COMMUNITIES.values():
            for country in list(hosts) + [origin]:
                if country in self.locations:
                    continue
                ids = []
                for n in range(3):
                    lid = self.ids.take("location")
                    batch.add(Location, id=lid, raw_text=f"[SYNTHETIC] place {n + 1} in {country}",
                              name=f"Synthetic city {n + 1}", country=country, precision="city",
                              lat=round(self.rng.uniform(-50, 60), 1), lon=round(self.rng.uniform(-120, 140), 1),
                              geocoder="synthetic", confidence=1.0, status="geocoded", geocoded_at=utcnow())
                    ids.append(lid)
                self.locations[country] = ids
        self._write(batch)

    def _person_story(self, batch: _Batch, incident_count: int) -> int:
        """One diaspora member, perhaps relatives at home, and their incidents; returns the count."""
        rng = self.rng
        community = rng.choices(list(COMMUNITY_WEIGHTS), weights=list(COMMUNITY_WEIGHTS.values()))[0]
        origin, hosts = COMMUNITIES[community]
        host = rng.choices(list(hosts), weights=list(hosts.values()))[0]
        target_id = self._person(batch, community, host, target=True)
        relatives = [self._relative(batch, community, origin, target_id)
                     for _ in range(rng.choice((0, 0, 1, 1, 2)))]
        case_id = self._case(batch, target_id, relatives) if rng.random() < 0.25 else None
        for _ in range(incident_count):
            self._incident(batch, community, origin, host, target_id, relatives, case_id)
        return incident_count

    def _person(self, batch: _Batch, community: str, country: str, target: bool) -> int:
        pid = self.ids.take("person")
        key, script = SCRIPT_OF.get(community, ("latin", "Latn"))
        latin, native = self.rng.choice(NAMES[key])
        names = [{"name": latin, "script": "Latn"}] + ([{"name": native, "script": script}] if native else [])
        batch.add(Person, id=pid, pseudonym=f"P-{pid:07d}", names=names, community=community,
                  citizenships=[], residence_country=country, birth_year=self.rng.randint(1945, 2004),
                  target_types=[self.rng.choice(TARGET_TYPES)] if target else [],
                  is_group=False, created_at=utcnow(), is_synthetic=True)
        # Name keys are computed where names are written, as for people recorded by staff.
        digests = self.name_digests.get((latin, native, community))
        if digests is None:
            digests = self.name_digests[(latin, native, community)] = name_digests(names, community)
        for digest in sorted(digests):
            batch.add(PersonNameToken, person_id=pid, digest=digest)
        return pid

    def _relative(self, batch: _Batch, community: str, origin: str, target_id: int) -> tuple[int, int]:
        pid = self._person(batch, community, origin, target=False)
        rid = self.ids.take("relationship")
        batch.add(PersonRelationship, id=rid, person_id=target_id, related_person_id=pid,
                  relationship_type=self.rng.choice(("parent", "parent", "sibling", "spouse_partner", "child")))
        return pid, rid

    def _case(self, batch: _Batch, target_id: int, relatives: list[tuple[int, int]]) -> int:
        cid = self.ids.take("case_file")
        year = self.rng.randint(2019, 2026)
        batch.add(Case, id=cid, reference=f"TNR-{year}-{cid:05d}", title=f"[SYNTHETIC] case {cid}",
                  primary_person_id=target_id, status=self.rng.choice(sorted(taxonomy.codes("case_status"))),
                  priority="normal", opened_at=utcnow(), updated_at=utcnow())
        for person_id in [target_id] + [pid for pid, _ in relatives]:
            batch.add(CasePerson, case_id=cid, person_id=person_id, role=None)
        return cid

    def _incident(self, batch: _Batch, community: str, origin: str, host: str, target_id: int,
                  relatives: list[tuple[int, int]], case_id: int | None) -> None:
        rng = self.rng
        iid, report_id = self.ids.take("incident"), self.ids.take("report")
        primary = "coercion_by_proxy" if relatives and rng.random() < 0.5 else (
            rng.choice(self.tactics) if rng.random() < 0.15 else rng.choice(REMOTE_TACTICS))
        tactics = {primary} | set(rng.sample(REMOTE_TACTICS, rng.choice((0, 0, 1, 2))))
        channels = set(rng.sample(self.channels, rng.choice((1, 1, 2))))
        demands = set(rng.sample(self.demands, rng.choice((0, 1, 1, 2))))
        when = date(2014, 1, 1) + timedelta(days=int(rng.triangular(0, 4700, 4600)))
        precision = rng.choice(("exact", "exact", "month", "year"))
        location_id = rng.choice(self.locations[host])
        batch.add(Report, id=report_id, submitted_at=utcnow(), language="en", intake_channel="import",
                  submitter_role="self", targets=["me"], community=community,
                  narrative=f"[SYNTHETIC] report {report_id}: {primary.replace('_', ' ')} via {sorted(channels)[0]}.",
                  event_date=when, event_date_precision=precision, origin_country=origin, host_country=host,
                  consent_contact=False, consent_statistics=rng.random() < 0.9, consent_partners=False,
                  urgent_risk=rng.random() < 0.03, status="accepted", priority="normal",
                  verification="unverified", last_activity_at=utcnow(), is_synthetic=True)
        for vocabulary, codes in (("tactic", tactics), ("channel", channels), ("demand", demands)):
            for code in sorted(codes):
                batch.add(ReportCode, report_id=report_id, vocabulary=vocabulary, code=code)
                batch.add(IncidentCode, incident_id=iid, vocabulary=vocabulary, code=code)
        batch.add(Incident, id=iid, case_id=case_id, title=f"[SYNTHETIC] incident {iid}",
                  summary=None, primary_tactic=primary, community=community, origin_country=origin,
                  host_country=host, start_date=when, start_precision=precision, location_id=location_id,
                  host_state_role=rng.choice(("none_known", "unaware", "failed_to_act")),
                  verification=rng.choice(sorted(taxonomy.codes("verification"))),
                  severity=rng.randint(1, 5), created_at=utcnow(), updated_at=utcnow(), is_synthetic=True)
        batch.add(IncidentReport, incident_id=iid, report_id=report_id)
        batch.add(Involvement, incident_id=iid, person_id=target_id, role="target", tactic=primary)
        if primary == "coercion_by_proxy":
            for relative_id, relationship_id in relatives:
                self._relative_fate(batch, iid, relative_id, relationship_id, when)

    def _relative_fate(self, batch: _Batch, incident_id: int, person_id: int, relationship_id: int,
                       start: date) -> None:
        rng = self.rng
        batch.add(Involvement, incident_id=incident_id, person_id=person_id, role="relative_targeted",
                  tactic="coercion_by_proxy")
        day = start
        retaliation = rng.choice(("yes", "likely", "likely", "unknown"))
        for status in rng.choice(DETENTION_STORIES):
            batch.add(RelativeStatus, id=self.ids.take("relative_status"), person_id=person_id,
                      relationship_id=relationship_id, status=status, status_date=day,
                      date_precision=rng.choice(("exact", "month", "year")), in_retaliation=retaliation,
                      incident_id=incident_id,
                      sentence_months=rng.choice((60, 120, 180, 240)) if status == "imprisoned" else None,
                      created_at=utcnow())
            day += timedelta(days=rng.randint(20, 400))


@click.command("demo-data")
@with_appcontext
@click.option("--incidents", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
def demo_data_command(incidents: int, seed: int) -> None:
    """Add synthetic incidents, reports, people, relatives and cases (all marked synthetic)."""
    from .key_check import require_matching_keyring

    require_matching_keyring()  # it seals names and narratives: only under the database's own keys
    session = get_session()
    # One ephemeral sealing key per batch of values instead of per value (tracker.sealed_box).
    with sealed_box.shared_ephemeral_keys(), \
            click.progressbar(length=incidents, label="Synthetic incidents", file=sys.stderr) as bar:
        DemoGenerator(session, seed).run(incidents, bar)
    click.echo(f"Added {incidents} synthetic incidents (seed {seed}).")
