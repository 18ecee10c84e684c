"""The de-identified incident-level dataset and its codebook, streamed row by row.

Each row is one counted incident with no name, no free text, no database id, a month (or
year) instead of a date, and a country instead of a place. Columns line up with Freedom House's
transnational repression dataset (origin state x host country x tactic, with its physical
tactic names), so the two can be compared.

Rows are also k-anonymous on what an informed adversary could know about a person, the
quasi-identifiers (period, origin, host, community, primary tactic): every released combination
is shared by at least the suppression threshold of distinct people. The whole export is
generalised at one level (global recoding, so a rare row cannot be narrowed down by comparing
it with finer rows): months, else years, else years without host country, the finest level at
which at most 5% of rows must be withheld; rows still in a rarer combination are withheld.
Rare channels and demands would single people out, so they are not in the dataset at all; the
aggregate tables carry them. An incident merged into another as its duplicate is left out (the
kept incident cites its reports and carries its people), so no event is in the dataset twice.
"""
from __future__ import annotations

import marshal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from sqlalchemy import func, literal, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from .. import taxonomy
from ..models import Incident
from .dimensions import UNKNOWN, month_of, year_of
from .disclosure import threshold
from .statistics import NO_FILTERS, Filters, filter_clauses, with_targets

# Freedom House's names for the physical tactics it counts (Schenkkan and Linzer, 2021).
FREEDOM_HOUSE_TACTIC = {
    "assassination": "assassination", "assault": "assault", "abduction_rendition": "rendition",
    "physical_intimidation": "physical intimidation", "detention_host": "detention",
    "unlawful_deportation": "unlawful deportation",
}

COLUMNS = ("record", "period", "year", "origin_country", "host_country", "community", "primary_tactic",
           "tactic_category", "fh_physical", "fh_tactic", "verification", "generalised")

CODEBOOK_COLUMNS = {
    "record": "Row number within this export (1, 2, ...); not an identifier in the tracker.",
    "period": "Month the incident began (YYYY-MM); YYYY when only the year is known or the row was "
              "generalised; empty when unknown.",
    "year": "Year the incident began (YYYY); empty when unknown. Freedom House: year.",
    "origin_country": "ISO 3166-1 alpha-2 code of the state that carried it out. Freedom House: origin country.",
    "host_country": "ISO 3166-1 alpha-2 code of the country where the targeted person lived; empty when "
                    "withheld for anonymity. Freedom House: host country.",
    "community": "Targeted community (tracker taxonomy code).",
    "primary_tactic": "Main tactic (tracker taxonomy code).",
    "tactic_category": "Freedom House category of the primary tactic: direct_attack, co_opting, mobility, "
                       "distance, other.",
    "fh_physical": "yes when the primary tactic is one Freedom House counts as physical transnational "
                   "repression, else no. Filter on yes to compare with Freedom House's figures.",
    "fh_tactic": "Freedom House's tactic name (assassination, assault, rendition, physical intimidation, "
                 "detention, unlawful deportation) when fh_physical is yes, else empty.",
    "verification": "How well the incident is established: unverified, credible, corroborated, verified.",
    "generalised": "Level of the whole export: 0 months; 1 months coarsened to years; 2 years and host "
                   "country withheld.",
}


@dataclass(frozen=True)
class Level:
    """One step of generalisation: which quasi-identifiers a row keeps."""

    keep_month: bool
    keep_host: bool


LEVELS = (Level(True, True), Level(False, True), Level(False, False))
# The share of rows a level may withhold before the next, coarser level is tried.
MAX_WITHHELD = 0.05


# A streamed row is (year, origin, community, tactic, host, month, verification, incident, person),
# sorted by its first six values, so every level's class is a run of consecutive rows: the
# coarsest level's classes are runs of the first four values, the next level's of the first
# five, the finest's of all six (a month lies within its year). The first seven are spooled.
YEAR, ORIGIN, COMMUNITY, TACTIC, HOST, MONTH, VERIFICATION, INCIDENT, PERSON = range(9)
CLASS_WIDTHS = (6, 5, 4)  # per level of LEVELS
SPOOL_ROWS = 5_000
PROGRESS_EVERY = 1_000


def _classes_query(filters: Filters):
    """Counted incidents (not merged into another) with their targets, sorted so classes are runs."""
    source, subject = with_targets(Incident.__table__)
    sort = [year_of(Incident.start_date, Incident.start_precision),
            func.coalesce(Incident.origin_country, literal(UNKNOWN)),
            func.coalesce(Incident.community, literal(UNKNOWN)), Incident.primary_tactic,
            func.coalesce(Incident.host_country, literal(UNKNOWN)),
            month_of(Incident.start_date, Incident.start_precision)]
    return (select(*sort, Incident.verification, Incident.id, subject).select_from(source)
            .where(*filter_clauses(filters), Incident.merged_into_id.is_(None))
            .order_by(*sort, Incident.id))


def _plain_rows(connection: Connection, statement) -> Iterator[list[tuple]]:
    """The statement's rows as the driver's plain tuples, SPOOL_ROWS at a time.

    Straight from the driver's cursor, in the connection's transaction: SQLAlchemy's result
    rows cost a fifth of the export's own time, and these columns need no type processing (text
    and integers made in SQL). PostgreSQL streams through a server-side (named) cursor, SQLite
    steps its statement as rows are fetched, so memory holds one batch either way.
    """
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        cursor, parameters = driver.cursor(name="deidentified_dataset"), compiled.params
    else:
        cursor, parameters = driver.cursor(), [compiled.params[name] for name in compiled.positiontup]
    try:
        cursor.execute(str(compiled), parameters)
        while rows := cursor.fetchmany(SPOOL_ROWS):
            yield rows
    finally:
        cursor.close()


class DeidentifiedDataset:
    """The dataset export in two steps: one streamed pass over the counted rows, then the release.

    ``prepare`` reads the rows once, sorted so that each generalisation level's classes are runs,
    judges every class of every level as it ends (k distinct people or not: one verdict byte per
    class, and the incidents a withheld class would drop), and spools the incidents to a
    temporary file. ``rows`` chooses the level and streams the spooled rows of released classes.
    The database is read once (it used to be three times: two grouped distinct counts to choose
    the level, then the sorted rows again), and memory holds one chunk, at most k people per
    level and the verdict bytes.
    """

    def __init__(self, session: Session, filters: Filters = NO_FILTERS, k: int | None = None):
        self.session, self.filters = session, filters
        self.k = threshold() if k is None else k
        self.verdicts = [bytearray() for _ in LEVELS]
        self.withheld = [0 for _ in LEVELS]
        self.incidents = 0
        self.spool: IO[bytes] | None = None

    def prepare(self) -> None:
        """Read the counted rows once; spool them and judge every class at every level."""
        k, verdicts, withheld = self.k, self.verdicts, self.withheld
        levels = range(len(LEVELS))
        keys: list[tuple | None] = [None for _ in levels]
        people: list[set] = [set() for _ in levels]
        starts = [0 for _ in levels]  # the incident count when each level's current class began
        incidents, last_incident, finest = 0, None, None
        self.spool = spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed when its rows have been read
        for part in _plain_rows(self.session.connection(), _classes_query(self.filters)):
            chunk = []
            for row in part:
                key = row[:MONTH + 1]
                if key != finest:  # a new finest class; coarser ones change only if their prefix does
                    finest = key
                    for level in levels:
                        prefix = key[:CLASS_WIDTHS[level]]
                        if prefix == keys[level]:
                            break
                        if keys[level] is not None:
                            released = len(people[level]) >= k
                            verdicts[level].append(released)
                            withheld[level] += 0 if released else incidents - starts[level]
                        keys[level], people[level], starts[level] = prefix, set(), incidents
                # A coarser class holds everyone of the finer class it contains: once the finest
                # has k people, all have. Sets stop at k: only whether k are reached matters.
                if len(people[0]) < k:
                    for found in people:
                        if len(found) < k:
                            found.add(row[PERSON])
                if row[INCIDENT] != last_incident:  # an incident's further targets add people, not rows
                    last_incident = row[INCIDENT]
                    incidents += 1
                    chunk.append(row[:VERIFICATION + 1])
            if chunk:
                data = marshal.dumps(chunk)
                spool.write(len(data).to_bytes(8, "big") + data)
        for level in levels:
            if keys[level] is not None:
                released = len(people[level]) >= k
                verdicts[level].append(released)
                withheld[level] += 0 if released else incidents - starts[level]
        self.incidents = incidents

    def level(self) -> int:
        """The finest level that withholds at most MAX_WITHHELD of the rows (else the coarsest)."""
        for index in range(len(LEVELS) - 1):
            if self.withheld[index] <= MAX_WITHHELD * self.incidents:
                return index
        return len(LEVELS) - 1

    def released(self) -> int:
        """How many rows the export will have (after ``prepare``)."""
        return self.incidents - self.withheld[self.level()]

    def rows(self) -> Iterator[list[tuple]]:
        """The spooled rows of the chosen level's released classes, in order, a chunk at a time."""
        if self.spool is None:
            self.prepare()
        level = self.level()
        width, verdicts = CLASS_WIDTHS[level], self.verdicts[level]
        spool, self.spool = self.spool, None
        number, key = -1, None
        with spool:
            spool.seek(0)
            while size := spool.read(8):
                released = []
                for row in marshal.loads(spool.read(int.from_bytes(size, "big"))):  # noqa: S302  # nosec B302
                    if row[:width] != key:  # the spool is the app's own, written just before
                        key, number = row[:width], number + 1
                    if verdicts[number]:
                        released.append(row)
                yield released


def tactic_columns() -> dict[str, tuple[str, str, str]]:
    """Per tactic code: its Freedom House category, physical flag and Freedom House name.

    Looked up once per export rather than per row (the taxonomy calls cost a fifth of a
    100,000-row export).
    """
    physical = taxonomy.physical_tactics()
    return {code: (taxonomy.category_of(code), "yes" if code in physical else "no", FREEDOM_HOUSE_TACTIC.get(code, ""))
            for code in taxonomy.codes("tactic")}


def _class_values(key: tuple, level_index: int, tactics: dict[str, tuple[str, str, str]]) -> tuple:
    """The released values a finest class's rows share: period to Freedom House tactic."""
    level = LEVELS[level_index]
    period = key[MONTH] if level.keep_month else key[YEAR]
    year, tactic, host = key[YEAR], key[TACTIC], key[HOST]
    category, physical, fh_tactic = tactics.get(tactic, ("", "no", ""))
    return ("" if period == UNKNOWN else period, "" if year == UNKNOWN else year,
            "" if key[ORIGIN] == UNKNOWN else key[ORIGIN], host if level.keep_host and host != UNKNOWN else "",
            "" if key[COMMUNITY] == UNKNOWN else key[COMMUNITY], tactic, category, physical, fh_tactic)


def deidentified_rows(session: Session, filters: Filters = NO_FILTERS,
                      progress: Callable[[int], None] | None = None,
                      dataset: DeidentifiedDataset | None = None) -> Iterator[list]:
    """Yield the header, then one de-identified row per released incident (withheld ones skipped).

    ``dataset`` is one already prepared (the command line reads its size for a progress bar);
    ``progress`` is told every PROGRESS_EVERY rows how many more were made.
    """
    dataset = dataset or DeidentifiedDataset(session, filters)
    if dataset.spool is None:
        dataset.prepare()
    level = dataset.level()
    yield list(COLUMNS)
    tactics = tactic_columns()
    generalised, key, shared = str(level), None, ()
    number = 0
    for chunk in dataset.rows():
        for row in chunk:
            number += 1
            if row[:MONTH + 1] != key:  # rows come class by class: their shared values are made once
                key = row[:MONTH + 1]
                shared = _class_values(key, level, tactics)
            # The row number stays an integer: a million distinct strings would fill XLSX's string table.
            yield [number, *shared, row[VERIFICATION], generalised]
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)


def codebook() -> dict:
    """The dataset's codebook: columns, rules and the Freedom House alignment."""
    return {
        "title": "De-identified incidents of transnational repression",
        "unit": "incident, counted if a consenting report supports it or a caseworker recorded it without one, "
                "and not merged into another incident as its duplicate",
        "threshold": threshold(),
        "columns": [{"name": name, "description": CODEBOOK_COLUMNS[name]} for name in COLUMNS],
        "anonymity": "Each combination of period, origin_country, host_country, community and primary_tactic "
                     "is shared by at least `threshold` people. The whole export is generalised at one "
                     "level (see `generalised`) and rows in rarer combinations are withheld. No names, "
                     "free text, exact dates or places.",
        "comparability": "Freedom House (Schenkkan and Linzer, 2021, 'Out of Sight, Not Out of Reach') codes "
                         "physical incidents by origin state, host country and tactic; rows with fh_physical = "
                         "yes use the same three variables and tactic names.",
    }
