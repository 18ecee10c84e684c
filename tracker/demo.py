"""``flask demo-data``: deterministic, realistic, clearly synthetic data for demos and benchmarks.

Everything it writes is marked ``is_synthetic`` and every narrative starts with "[SYNTHETIC]".
Names are invented from common given names and family names; no real person's record is modelled.

It writes what the application itself would have written had caseworkers worked through a real
queue (issue 17 item 5), so benchmarks at scale exercise what users do:

- reports in every status, in rough proportions of a working queue: about two in three
  accepted (each the source of an incident), the rest new, being reviewed, duplicates (linked to
  the report they repeat and cited by its incidents, as triage does), not taken forward and spam;
- the relatives each reporter told about (``reported_relative``), linked to the person a
  caseworker made of them once the report was accepted (the family record);
- people with names in several scripts and their blind-index digests (``person_name_token``),
  computed by the same function staff requests use, so name search finds them;
- relatives' dated status histories (detention, imprisonment, release...) in retaliation for
  incidents, relationships, cases and the people attached to them, a few groups;
- afterwards, every kept statistics margin (tracker.analytics.upkeep) recounted, so kept counts
  equal a full recount (bulk rows bypass the flush hook that keeps them otherwise).

Rows go in with one executemany per table and batch (ids assigned here, so rows can reference
rows of the same batch), through the driver's own statement with SQLAlchemy's type processing
applied per column: the per-row parameter handling of ``insert()`` cost more than the inserts.
Sealed values share one ephemeral key per batch (tracker.sealed_box.shared_ephemeral_keys).
"""
from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex, DropIndex
from sqlmodel import Session, SQLModel

from . import sealed_box
from . import taxonomy
from .casework.names import name_digests
from .db import get_session
from .models.reports import tactic_key
from .models.types import SealedJSON, SealedText
from .models import (
    Case, CasePerson, Incident, IncidentCode, IncidentReport, Involvement, Location, Person,
    PersonNameToken, PersonRelationship, RelativeStatus, Report, ReportCode, ReportedRelative, utcnow,
)

BATCH = 5_000
# Target types drawn for people targeted (taxonomy codes), weighted as a diaspora's cases tend to be.
TARGET_TYPES = {"activist": 25, "journalist": 8, "human_rights_defender": 8, "religious_figure": 5, "academic": 5,
                "student": 12, "former_official": 2, "business_person": 5, "ordinary_member": 30}

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

# Invented name parts: (first part, second part) lists of (Latin, native script) pairs, and the
# script of the native form. A person's name is one of each part, so each community has dozens
# to hundreds of distinct names and a name search matches a realistic share of people, not all.
Part = tuple[str, str]
_UYGHUR: list[Part] = [("Aziz", "ئەزىز"), ("Gulnar", "گۈلنار"), ("Ablimit", "ئابلىمىت"), ("Mihray", "مېھرىاي"),
                       ("Erkin", "ئەركىن"), ("Zulpiye", "زۇلپىيە"), ("Tursun", "تۇرسۇن"), ("Memet", "مەمەت"),
                       ("Hoshur", "ھوشۇر"), ("Abla", "ئابلا"), ("Yasin", "ياسىن"), ("Kerim", "كېرىم")]
_TIBETAN: list[Part] = [("Tenzin", "བསྟན་འཛིན"), ("Dolma", "སྒྲོལ་མ"), ("Lobsang", "བློ་བཟང"), ("Tashi", "བཀྲ་ཤིས"),
                        ("Pema", "པདྨ"), ("Norbu", "ནོར་བུ"), ("Dawa", "ཟླ་བ"), ("Yangchen", "དབྱངས་ཅན")]
NAME_PARTS: dict[str, tuple[list[Part], list[Part], str, bool]] = {
    # key: (first parts, second parts, native script, native form is second part first)
    "uyghur": (_UYGHUR, _UYGHUR, "Arab", False),
    "tibetan": (_TIBETAN, _TIBETAN, "Tibt", False),
    "hans": ([("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Chen", "陈"), ("Liu", "刘"), ("Zhou", "周")],
             [("Lei", "磊"), ("Na", "娜"), ("Wei", "伟"), ("Jing", "静"), ("Yang", "洋"), ("Min", "敏"), ("Hui", "慧")],
             "Hans", True),
    "hant": ([("Chan", "陳"), ("Wong", "黃"), ("Cheung", "張"), ("Lau", "劉"), ("Ho", "何")],
             [("Ka-wai", "家偉"), ("Mei-ling", "美玲"), ("Siu-ming", "小明"), ("Wing-yan", "詠欣"),
              ("Chi-ying", "志英")],
             "Hant", True),
    "mongolian": ([("Batbayar", ""), ("Oyuun", ""), ("Sukhbaatar", ""), ("Naran", "")],
                  [("Dorj", ""), ("Bold", ""), ("Ganbold", "")], "", False),
    "khmer": ([("Sokha", ""), ("Dara", ""), ("Sreymom", ""), ("Vuthy", "")], [("Chea", ""), ("Sok", ""), ("Kim", "")],
              "", False),
    "tigrinya": ([("Tesfay", ""), ("Yonas", ""), ("Senait", ""), ("Helen", ""), ("Mehari", "")],
                 [("Gebru", ""), ("Tekle", ""), ("Haile", ""), ("Berhane", "")], "", False),
    "kinyarwanda": ([("Jean", ""), ("Claudine", ""), ("Eric", ""), ("Diane", "")],
                    [("Habimana", ""), ("Uwimana", ""), ("Niyonzima", ""), ("Mukamana", "")], "", False),
    "spanish": ([("Maria", ""), ("Jose", ""), ("Rosa", ""), ("Carlos", ""), ("Ana", ""), ("Luis", "")],
                [("Lopez", ""), ("Martinez", ""), ("Garcia", ""), ("Perez", ""), ("Rodriguez", "")], "", False),
}
NAMES_OF = {"uyghur": "uyghur", "tibetan": "tibetan", "hongkong": "hant", "chinese_dissident": "hans",
            "southern_mongolian": "mongolian", "cambodian": "khmer", "eritrean": "tigrinya",
            "rwandan": "kinyarwanda", "nicaraguan": "spanish", "cuban": "spanish"}
GROUP_NAMES = ["Synthetic Students Association", "Synthetic Diaspora Media Collective", "Synthetic Cultural Centre"]

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
# Besides the accepted report behind each incident, the chance of each other kind of report next
# to it: a working queue is about two thirds accepted, a sixth still open, the rest closed
# without an incident (1 / 1.54 accepted; new 8%, in review 7%, duplicate 6%, rejected 9%, spam 5%).
OTHER_REPORTS = (("new", 0.12), ("in_triage", 0.11), ("duplicate", 0.09), ("rejected", 0.14), ("spam", 0.08))
REJECTION_REASONS = ("[SYNTHETIC] outside the tracker's scope", "[SYNTHETIC] not enough to go on",
                     "[SYNTHETIC] the reporter withdrew it")
EPOCH = date(2014, 1, 1)
DAYS = 4_700  # EPOCH to about November 2026

# The columns written per table, in the order the generator gives values; the rest keep their
# database defaults (NULL). Parents come before children, for foreign keys.
COLUMNS: dict[type[SQLModel], tuple[str, ...]] = {
    Location: ("id", "raw_text", "name", "country", "precision", "lat", "lon", "geocoder", "confidence", "status",
               "geocoded_at"),
    Person: ("id", "pseudonym", "names", "community", "citizenships", "residence_country", "birth_year",
             "target_types", "is_group", "group_size", "group_size_kind", "created_at", "is_synthetic"),
    PersonNameToken: ("person_id", "digest"),
    PersonRelationship: ("id", "person_id", "related_person_id", "relationship_type"),
    Case: ("id", "reference", "title", "primary_person_id", "status", "priority", "opened_at", "closed_at",
           "updated_at"),
    CasePerson: ("case_id", "person_id", "role"),
    Report: ("id", "submitted_at", "language", "intake_channel", "submitter_role", "targets", "community", "narrative",
             "reporter_name", "event_date", "event_date_precision", "origin_country", "host_country",
             "consent_contact", "consent_statistics", "consent_partners", "urgent_risk", "status", "status_reason",
             "duplicate_of_id", "priority", "risk_level", "verification", "last_activity_at", "is_synthetic",
             "tactics"),
    ReportCode: ("report_id", "vocabulary", "code"),
    ReportedRelative: ("id", "report_id", "relationship_type", "residence_country", "statuses", "in_retaliation",
                       "person_id"),
    Incident: ("id", "case_id", "title", "primary_tactic", "community", "origin_country", "host_country",
               "start_date", "start_precision", "location_id", "host_state_role", "verification", "severity",
               "created_at", "updated_at", "is_synthetic"),
    IncidentCode: ("incident_id", "vocabulary", "code"),
    IncidentReport: ("incident_id", "report_id"),
    Involvement: ("incident_id", "person_id", "role", "tactic"),
    RelativeStatus: ("id", "person_id", "relationship_id", "status", "status_date", "date_precision", "in_retaliation",
                     "retaliation_reason", "incident_id", "sentence_months", "created_at"),
}
INSERT_ORDER = list(COLUMNS)
# From this many incidents on, the tables' secondary indexes are dropped for the load and built
# again at the end: a sorted build is several times cheaper than millions of random insertions
# into the name digests' index (issue 17: a million incidents in minutes).
REBUILD_INDEXES_FROM = 20_000
# A bigger SQLite page cache for the loading connection: 256 MiB (negative: KiB, not pages).
SQLITE_LOAD_CACHE = "PRAGMA cache_size=-262144"


@contextmanager
def _indexes_rebuilt_after(session: Session) -> Iterator[None]:
    """Drop the non-unique indexes of the tables written, and create them again afterwards.

    They are created again even when the load fails half way, so the database keeps its schema.
    Unique indexes stay: they are what refuses a duplicate pseudonym or case reference.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":  # a bigger page cache for this connection while it loads
        connection.exec_driver_sql(SQLITE_LOAD_CACHE)
    indexes = [index for model in INSERT_ORDER for index in sorted(model.__table__.indexes, key=lambda i: i.name)
               if not index.unique]
    # IF [NOT] EXISTS rather than checkfirst: SQLAlchemy cannot reflect an expression index on
    # SQLite (ix_location_name_folded), so checkfirst saw none, kept it, and then failed to
    # create it again at the end of a 1,000,000-incident load.
    for index in indexes:
        connection.execute(DropIndex(index, if_exists=True))
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        connection = session.connection()
        for index in indexes:
            connection.execute(CreateIndex(index, if_not_exists=True))
        session.commit()


class _Writer:
    """One prepared INSERT per table: the driver's executemany over plain tuples.

    Each column's SQLAlchemy bind processor (sealing, dates on SQLite, JSON, booleans) is looked
    up once and applied only to the columns that have one. Values of columns that are not sealed
    repeat a lot (a timestamp, a date, an empty list), so their processed form is remembered per
    batch; a sealed value is always sealed afresh (the same ciphertext twice would tell that two
    values are equal).
    """

    def __init__(self, connection: Connection):
        dialect = connection.dialect
        marker = "?" if dialect.paramstyle in ("qmark", "numeric") else "%s"
        quote = dialect.identifier_preparer
        self.statements: dict[type[SQLModel], str] = {}
        self.processors: dict[type[SQLModel], list[tuple[int, Callable[[Any], Any], bool]]] = {}
        for model, names in COLUMNS.items():
            table = model.__table__
            into, columns = quote.format_table(table), ", ".join(quote.quote(name) for name in names)
            values = ", ".join([marker] * len(names))
            # Table and column names come from the models, never from input.
            self.statements[model] = f"INSERT INTO {into} ({columns}) VALUES ({values})"  # noqa: S608  # nosec B608
            processors = []
            for index, name in enumerate(names):
                column_type = table.c[name].type
                processor = column_type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    processors.append((index, processor, isinstance(column_type, (SealedText, SealedJSON))))
            self.processors[model] = processors

    def write(self, connection: Connection, model: type[SQLModel], rows: list[tuple]) -> None:
        """Insert the rows (values in ``COLUMNS`` order, JSON lists as tuples), processed as the ORM would."""
        processors = self.processors[model]
        if processors:
            memos: list[dict] = [{} for _ in processors]
            processed = []
            for row in rows:
                values = list(row)
                for (index, processor, sealed), memo in zip(processors, memos, strict=True):
                    value = values[index]
                    if value is None:
                        continue
                    if sealed or isinstance(value, list):  # lists (of dicts) are not remembered
                        values[index] = processor(value)
                        continue
                    done = memo.get(value)
                    if done is None:
                        done = memo[value] = processor(list(value) if isinstance(value, tuple) else value)
                    values[index] = done
                processed.append(tuple(values))
            rows = processed
        connection.exec_driver_sql(self.statements[model], rows)


@dataclass
class _Batch:
    rows: dict[type[SQLModel], list[tuple]] = field(default_factory=lambda: {model: [] for model in INSERT_ORDER})

    def add(self, model: type[SQLModel], *values: Any) -> None:
        self.rows[model].append(values)


@dataclass
class _Story:
    """One diaspora member's story while it is being written."""

    community: str
    origin: str
    host: str
    target_id: int
    latin_name: str
    relatives: list[tuple[int, int, str]]  # (person id, relationship id, relationship type)
    case_id: int | None


class _Random(random.Random):
    """The seeded generator with cheaper draws: ``random.Random.choice`` and ``randint`` cost a
    third of the generator's time through ``_randbelow``; exact uniformity does not matter here."""

    def choice(self, seq):  # noqa: D102 - as random.Random.choice
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:  # noqa: D102 - as random.Random.randint
        return a + int(self.random() * (b - a + 1))

    def sample(self, population, k: int, *, counts=None) -> list:  # noqa: D102 - distinct, as random.Random.sample
        if k == 0:
            return []
        picked: dict = {}
        while len(picked) < k:
            picked[self.choice(population)] = None
        return list(picked)


def _cumulative(weights: dict[str, int]) -> tuple[list[str], list[int]]:
    """Values and cumulative weights, for ``random.choices`` without rebuilding them per draw."""
    total, cumulative = 0, []
    for weight in weights.values():
        total += weight
        cumulative.append(total)
    return list(weights), cumulative


class DemoGenerator:
    """Makes synthetic reports, incidents, people, relatives, statuses and cases from one seed."""

    def __init__(self, session: Session, seed: int):
        self.session = session
        self.rng = _Random(seed)  # noqa: S311 (reproducible synthetic data)  # nosec B311
        self.communities = _cumulative(COMMUNITY_WEIGHTS)
        self.hosts = {community: _cumulative(hosts) for community, (_origin, hosts) in COMMUNITIES.items()}
        self.target_types = _cumulative(TARGET_TYPES)
        self.next_id = {model: self._max_id(model) for model in INSERT_ORDER if "id" in COLUMNS[model]}
        self.tactics = sorted(taxonomy.codes("tactic"))
        self.channels = sorted(taxonomy.codes("channel"))
        self.demands = sorted(taxonomy.codes("demand"))
        self.case_statuses = sorted(taxonomy.codes("case_status"))
        self.verifications = sorted(taxonomy.codes("verification"))
        self.reasons = sorted(taxonomy.codes("retaliation_reason"))
        self.locations: dict[str, list[int]] = {}
        self.name_digests: dict[tuple[str, str, str], list[str]] = {}
        self.now = utcnow()
        self.writer = _Writer(session.connection())

    def _max_id(self, model: type[SQLModel]) -> int:
        return self.session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()

    def take(self, model: type[SQLModel]) -> int:
        """The next free id of a table."""
        self.next_id[model] += 1
        return self.next_id[model]

    def run(self, incidents: int, progress) -> None:
        """Write ``incidents`` incidents (with their reports, people and relatives) in batches."""
        self._make_locations()
        if incidents >= REBUILD_INDEXES_FROM:
            with _indexes_rebuilt_after(self.session):
                self._batches(incidents, progress)
        else:
            self._batches(incidents, progress)
        self._advance_sequences()
        self._analyse()

    def _batches(self, incidents: int, progress) -> None:
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

    def _analyse(self) -> None:
        """PostgreSQL: planner statistics for the tables just filled. Autovacuum gathers them
        later, but until it does the planner takes a million-row table for an empty one."""
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE")  # every table: a sample of each, seconds at a million
            self.session.commit()

    def _write(self, batch: _Batch) -> None:
        connection = self.session.connection()  # a new one after each commit
        for model in INSERT_ORDER:
            if batch.rows[model]:
                self.writer.write(connection, model, batch.rows[model])
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
                    lid = self.take(Location)
                    batch.add(Location, lid, f"[SYNTHETIC] place {n + 1} in {country}", f"Synthetic city {n + 1}",
                              country, "city", round(self.rng.uniform(-50, 60), 1),
                              round(self.rng.uniform(-120, 140), 1), "synthetic", 1.0, "geocoded", self.now)
                    ids.append(lid)
                self.locations[country] = ids
        self._write(batch)

    def _day(self, low: int = 0, high: int = DAYS, mode: int = DAYS - 100) -> date:
        """A date between EPOCH + low and EPOCH + high days, most of them recent."""
        return EPOCH + timedelta(days=int(self.rng.triangular(low, high, mode)))

    def _moment(self, day: date) -> datetime:
        """A submission time on that day, to the hour as intake keeps it, never in the future."""
        moment = datetime(day.year, day.month, day.day, self.rng.randint(0, 23), tzinfo=UTC)
        return min(moment, self.now.replace(minute=0, second=0, microsecond=0))

    def _person_story(self, batch: _Batch, incident_count: int) -> int:
        """One diaspora member, perhaps relatives at home, and their reports; returns the incidents made."""
        rng = self.rng
        community = rng.choices(self.communities[0], cum_weights=self.communities[1])[0]
        origin = COMMUNITIES[community][0]
        host = rng.choices(self.hosts[community][0], cum_weights=self.hosts[community][1])[0]
        group = rng.random() < 0.01
        target_id, latin = self._person(batch, community, host, target=True, group=group)
        relatives = [] if group else [self._relative(batch, community, origin, target_id)
                                      for _ in range(rng.choice((0, 0, 1, 1, 2)))]
        story = _Story(community, origin, host, target_id, latin, relatives, None)
        if rng.random() < 0.25:
            story.case_id = self._case(batch, story)
        for _ in range(incident_count):
            report_id, when = self._incident(batch, story)
            for status, chance in OTHER_REPORTS:
                if rng.random() < chance:
                    self._other_report(batch, story, status, report_id, when)
        return incident_count

    def _name(self, community: str) -> tuple[str, str, str]:
        """An invented (Latin name, native-script name or "", native script) for the community."""
        firsts, seconds, script, native_reversed = NAME_PARTS[NAMES_OF[community]]
        first, second = self.rng.choice(firsts), self.rng.choice(seconds)
        latin = f"{first[0]} {second[0]}"
        if not first[1]:
            return latin, "", script
        if native_reversed:  # Chinese order: family name then given name, no space
            return latin, first[1] + second[1], script
        return latin, f"{first[1]} {second[1]}", script

    def _person(self, batch: _Batch, community: str, country: str, target: bool,
                group: bool = False) -> tuple[int, str]:
        """A person (or a group) with their name digests; returns the id and the Latin name."""
        rng = self.rng
        pid = self.take(Person)
        if group:
            latin, native, script = rng.choice(GROUP_NAMES), "", "Latn"
        else:
            latin, native, script = self._name(community)
        names = [{"name": latin, "script": "Latn"}] + ([{"name": native, "script": script}] if native else [])
        types = ("organisation",) if group else (
            tuple(rng.choices(self.target_types[0], cum_weights=self.target_types[1])) if target else ())
        size = rng.choice((3, 5, 12, 47, 222)) if group else None
        batch.add(Person, pid, f"P-{pid:07d}", names, community, (), country,
                  None if group else rng.randint(1945, 2004), types, group, size,
                  rng.choice(("exact", "at_least", "estimated")) if group else None, self.now, True)
        # Name keys are computed where names are written, as for people recorded by staff; the
        # same name in the same community always has the same digests, so each is computed once.
        digests = self.name_digests.get((latin, native, community))
        if digests is None:
            digests = self.name_digests[(latin, native, community)] = sorted(name_digests(names, community))
        batch.rows[PersonNameToken].extend([(pid, digest) for digest in digests])
        return pid, latin

    def _relative(self, batch: _Batch, community: str, origin: str, target_id: int) -> tuple[int, int, str]:
        pid, _name = self._person(batch, community, origin, target=False)
        rid = self.take(PersonRelationship)
        kind = self.rng.choice(("parent", "parent", "sibling", "spouse_partner", "child"))
        batch.add(PersonRelationship, rid, target_id, pid, kind)
        return pid, rid, kind

    def _case(self, batch: _Batch, story: _Story) -> int:
        cid = self.take(Case)
        opened = self._moment(self._day())
        status = self.rng.choice(self.case_statuses)
        batch.add(Case, cid, f"TNR-{opened.year}-{cid:05d}", f"[SYNTHETIC] case {cid}", story.target_id, status,
                  self.rng.choice(("normal", "normal", "high", "urgent")), opened,
                  opened + timedelta(days=200) if status == "closed" else None, opened)
        for person_id in [story.target_id] + [pid for pid, _rid, _kind in story.relatives]:
            batch.add(CasePerson, cid, person_id, None)
        return cid

    def _codes(self, relatives: bool) -> tuple[str, set[str], set[str], set[str]]:
        """A primary tactic, and the tactics, channels and demands of one account."""
        rng = self.rng
        primary = "coercion_by_proxy" if relatives and rng.random() < 0.5 else (
            rng.choice(self.tactics) if rng.random() < 0.15 else rng.choice(REMOTE_TACTICS))
        tactics = {primary} | set(rng.sample(REMOTE_TACTICS, rng.choice((0, 0, 1, 2))))
        channels = set(rng.sample(self.channels, rng.choice((1, 1, 2))))
        demands = set(rng.sample(self.demands, rng.choice((0, 1, 1, 2))))
        return primary, tactics, channels, demands

    def _report(self, batch: _Batch, story: _Story, *, status: str, primary: str, codes: tuple[set[str], ...],
                when: date, precision: str, submitted: datetime, consent: bool, reason: str | None = None,
                duplicate_of: int | None = None, relatives: list[tuple[int | None, int, str]] = ()) -> int:
        """One report as sent, its codes, and the relatives it told about (linked once accepted)."""
        rng = self.rng
        report_id = self.take(Report)
        open_now = status in ("new", "in_triage")
        batch.add(Report, report_id, submitted, "en", rng.choice(("web", "web", "web", "import")), "self", ("me",),
                  story.community,
                  f"[SYNTHETIC] report {report_id}: {primary.replace('_', ' ')} via {sorted(codes[1])[0]}.",
                  story.latin_name, when, precision, story.origin, story.host, rng.random() < 0.6, consent,
                  rng.random() < 0.3, open_now and rng.random() < 0.05, status, reason, duplicate_of,
                  rng.choice(("normal", "normal", "normal", "high")) if status != "spam" else "low",
                  rng.choice(("low", "medium", "medium", "high")) if status == "in_triage" else None,
                  "unverified", submitted + timedelta(days=0 if open_now else rng.randint(1, 60)), True,
                  tactic_key(codes[0]))
        for vocabulary, values in zip(("tactic", "channel", "demand"), codes, strict=True):
            for code in sorted(values):
                batch.add(ReportCode, report_id, vocabulary, code)
        for person_id, _relationship_id, kind in relatives:
            told = [{"status": status_code, "date": when.isoformat(), "precision": "month"}
                    for status_code in rng.choice(DETENTION_STORIES)]
            batch.add(ReportedRelative, self.take(ReportedRelative), report_id, kind, story.origin, told,
                      rng.choice(("yes", "likely", "unknown")), person_id)
        return report_id

    def _incident(self, batch: _Batch, story: _Story) -> tuple[int, date]:
        """An accepted report and the incident recorded from it; returns the report's id and date."""
        rng = self.rng
        iid = self.take(Incident)
        primary, tactics, channels, demands = self._codes(bool(story.relatives))
        when = self._day()
        precision = rng.choice(("exact", "exact", "month", "year"))
        proxy = primary == "coercion_by_proxy"
        told = [(pid, rid, kind) for pid, rid, kind in story.relatives] if proxy else []
        report_id = self._report(batch, story, status="accepted", primary=primary, codes=(tactics, channels, demands),
                                 when=when, precision=precision,
                                 submitted=self._moment(when + timedelta(days=rng.randint(1, 90))),
                                 consent=rng.random() < 0.9, relatives=told)
        for vocabulary, codes in (("tactic", tactics), ("channel", channels), ("demand", demands)):
            for code in sorted(codes):
                batch.add(IncidentCode, iid, vocabulary, code)
        batch.add(Incident, iid, story.case_id, f"[SYNTHETIC] incident {iid}", primary, story.community,
                  story.origin, story.host, when, precision, rng.choice(self.locations[story.host]),
                  rng.choice(("none_known", "unaware", "failed_to_act")), rng.choice(self.verifications),
                  rng.randint(1, 5), self.now, self.now, True)
        batch.add(IncidentReport, iid, report_id)
        batch.add(Involvement, iid, story.target_id, "target", primary)
        if proxy:
            for relative_id, relationship_id, _kind in story.relatives:
                self._relative_fate(batch, iid, relative_id, relationship_id, when)
        self._last_incident = iid
        return report_id, when

    def _other_report(self, batch: _Batch, story: _Story, status: str, accepted_id: int, accepted_day: date) -> None:
        """A report beside an accepted one: still open, a duplicate of it, rejected or spam."""
        rng = self.rng
        primary, tactics, channels, demands = self._codes(bool(story.relatives))
        if status in ("new", "in_triage"):  # a newer account, submitted in the last four months
            submitted = self._moment(self.now.date() - timedelta(days=rng.randint(0, 120)))
            when = submitted.date() - timedelta(days=rng.randint(0, 200))
            told = [(None, rid, kind) for _pid, rid, kind in story.relatives] if primary == "coercion_by_proxy" else []
            self._report(batch, story, status=status, primary=primary, codes=(tactics, channels, demands), when=when,
                         precision="month", submitted=submitted, consent=rng.random() < 0.85, relatives=told)
        elif status == "duplicate":  # the same event told again; triage links it to the incident
            duplicate = self._report(batch, story, status=status, primary=primary, codes=(tactics, channels, demands),
                                     when=accepted_day, precision="month",
                                     submitted=self._moment(accepted_day + timedelta(days=rng.randint(2, 120))),
                                     consent=rng.random() < 0.9, duplicate_of=accepted_id)
            batch.add(IncidentReport, self._last_incident, duplicate)
        else:
            spam = status == "spam"
            self._report(batch, story, status=status, primary=primary, codes=(tactics, channels, demands),
                         when=self._day(), precision="year", submitted=self._moment(self._day()),
                         consent=rng.random() < 0.5,
                         reason="[SYNTHETIC] spam" if spam else rng.choice(REJECTION_REASONS))

    def _relative_fate(self, batch: _Batch, incident_id: int, person_id: int, relationship_id: int,
                       start: date) -> None:
        rng = self.rng
        batch.add(Involvement, incident_id, person_id, "relative_targeted", "coercion_by_proxy")
        day = start
        retaliation = rng.choice(("yes", "likely", "likely", "unknown"))
        reason = rng.choice(self.reasons) if retaliation != "unknown" else None
        for status in rng.choice(DETENTION_STORIES):
            batch.add(RelativeStatus, self.take(RelativeStatus), person_id, relationship_id, status, day,
                      rng.choice(("exact", "month", "year")), retaliation, reason, incident_id,
                      rng.choice((60, 120, 180, 240)) if status == "imprisoned" else None, self.now)
            day += timedelta(days=rng.randint(20, 400))


def recount_kept_statistics(session: Session) -> int:
    """Recount every kept statistics margin: bulk rows bypassed the hook that keeps them."""
    from .analytics.upkeep import recount_registered

    return recount_registered(session)


@click.command("demo-data")
@with_appcontext
@click.option("--incidents", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
def demo_data_command(incidents: int, seed: int) -> None:
    """Add synthetic reports in every status, incidents, people, relatives and cases (all marked synthetic)."""
    from .crypto import NoOrganisationKey, get_sealer
    from .key_check import require_matching_keyring

    require_matching_keyring()  # it seals names and narratives: only under the database's own keys
    session = get_session()
    try:
        get_sealer().organisation_key()
    except NoOrganisationKey as error:
        raise click.ClickException(f"{error}: demo data seals names and narratives to it") from None
    # One ephemeral sealing key per batch of values instead of per value (tracker.sealed_box).
    with sealed_box.shared_ephemeral_keys(), \
            click.progressbar(length=incidents, label="Synthetic incidents", file=sys.stderr) as bar:
        DemoGenerator(session, seed).run(incidents, bar)
    recounted = recount_kept_statistics(session)
    click.echo(f"Added {incidents} synthetic incidents (seed {seed}); recounted {recounted} kept statistics margins.")
