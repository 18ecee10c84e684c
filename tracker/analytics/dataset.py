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
kept incident cites its reports and carries its people), so no event is in the dataset twice;
likewise a person merged into another is not counted among a combination's people (what stays
on them duplicates the kept person's, see ``statistics.with_targets``).
"""
from __future__ import annotations

import csv
import io
import marshal
import tempfile
from array import array
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
# five, the finest's of all six (a month lies within its year).
YEAR, ORIGIN, COMMUNITY, TACTIC, HOST, MONTH, VERIFICATION, INCIDENT, PERSON = range(9)
KEY_WIDTH = MONTH + 1
CLASS_WIDTHS = (6, 5, 4)  # per level of LEVELS
SPOOL_ROWS = 5_000  # incidents per spooled chunk
PROGRESS_EVERY = 1_000


def _classes_query(filters: Filters):
    """Counted incidents (not merged into another) with their targets, sorted so classes are runs."""
    source, subject = with_targets(Incident.__table__)
    # Sorted by the labels of the selected columns: written out again, each bound parameter of
    # the CASE expressions is a new one, so SQLite evaluated them twice per row and sorted records
    # carrying both copies (a third of the statement's time at 100,000 incidents).
    sort = [column.label(f"sort_{number}") for number, column in enumerate((
            year_of(Incident.start_date, Incident.start_precision),
            func.coalesce(Incident.origin_country, literal(UNKNOWN)),
            func.coalesce(Incident.community, literal(UNKNOWN)), Incident.primary_tactic,
            func.coalesce(Incident.host_country, literal(UNKNOWN)),
            month_of(Incident.start_date, Incident.start_precision)))]
    return (select(*sort, Incident.verification, Incident.id, subject).select_from(source)
            .where(*filter_clauses(filters), Incident.merged_into_id.is_(None))
            .order_by(*sort, Incident.id))


def _plain_rows(connection: Connection, statement) -> Iterator[tuple]:
    """The statement's rows as the driver's plain tuples, one at a time.

    Straight from the driver's cursor, in the connection's transaction: SQLAlchemy's result
    rows cost a fifth of the export's own time, and these columns need no type processing (text
    and integers made in SQL). PostgreSQL streams through a server-side (named) cursor fetching
    SPOOL_ROWS a round trip, SQLite steps its statement row by row. Rows are not gathered into
    batches: thousands of live tuples at a time made the garbage collector walk the whole
    application's objects again and again (a quarter of the export's time).
    """
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        cursor, parameters = driver.cursor(name="deidentified_dataset"), compiled.params
        cursor.itersize = SPOOL_ROWS
    else:
        cursor, parameters = driver.cursor(), [compiled.params[name] for name in compiled.positiontup]
    try:
        cursor.execute(str(compiled), parameters)
        yield from cursor
    finally:
        cursor.close()


class DeidentifiedDataset:
    """The dataset export in two steps: one streamed pass over the counted rows, then the release.

    ``prepare`` reads the rows once, sorted so that each generalisation level's classes are runs,
    judges every class of every level as it ends (k distinct people or not: one verdict byte per
    class, and the incidents a withheld class would drop), and spools the incidents to a
    temporary file. ``runs`` chooses the level and streams the spooled incidents of released
    classes. The database is read once (it used to be three times: two grouped distinct counts
    to choose the level, then the sorted rows again), and memory holds one chunk, at most k
    people per level and the verdict bytes.

    A spooled chunk holds up to SPOOL_ROWS incidents as flat columns, not a tuple per row: per
    finest class its six values (once) and how many levels' classes begin with it, per incident
    the number of its verification in ``verifications``. Containers of many small objects kept
    alive made the garbage collector walk the whole application's objects again and again.
    """

    def __init__(self, session: Session, filters: Filters = NO_FILTERS, k: int | None = None):
        self.session, self.filters = session, filters
        self.k = threshold() if k is None else k
        self.verdicts = [bytearray() for _ in LEVELS]
        self.withheld = [0 for _ in LEVELS]
        self.incidents = 0
        self.verifications: list[str] = []  # the distinct verification values, numbered
        self.spool: IO[bytes] | None = None

    def prepare(self) -> None:
        """Read the counted rows once; spool them and judge every class at every level.

        Only the finest class's people are gathered row by row; when it ends they join the
        coarser classes that contain it (a coarser class's people are its finest classes'), so
        a row costs one set insertion. Sets stop growing at k: only whether k are reached matters.
        """
        k, verdicts, withheld = self.k, self.verdicts, self.withheld
        levels, coarser = range(len(LEVELS)), range(1, len(LEVELS))
        keys: list[tuple | None] = [None for _ in levels]
        people: list[set] = [set() for _ in levels]
        starts = [0 for _ in levels]  # the incident count when each level's current class began
        incidents, last_incident, finest, found = 0, None, None, people[0]
        numbered: dict = {}  # verification value -> its number in self.verifications
        # The chunk being filled: the finest classes' values, flat; per finest class how many
        # levels' classes begin there (0: a class carried on from the previous chunk) and its
        # first incident's position; each incident's verification number.
        values: list[str] = []
        begins, offsets, codes = bytearray(), array("I"), array("I")
        self.spool = spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed when its rows have been read
        for row in _plain_rows(self.session.connection(), _classes_query(self.filters)):
            key = row[:KEY_WIDTH]
            if key != finest:  # a new finest class; coarser ones change only if their prefix does
                for level in coarser:
                    if len(people[level]) < k:
                        people[level] |= found
                finest, begun = key, 0
                for level in levels:
                    prefix = key[:CLASS_WIDTHS[level]]
                    if prefix == keys[level]:
                        break
                    if keys[level] is not None:
                        released = len(people[level]) >= k
                        verdicts[level].append(released)
                        withheld[level] += 0 if released else incidents - starts[level]
                    keys[level], people[level], starts[level] = prefix, set(), incidents
                    begun += 1
                found = people[0]
                values.extend(key)
                begins.append(begun)
                offsets.append(len(codes))
            if len(found) < k:
                found.add(row[PERSON])
            if row[INCIDENT] != last_incident:  # an incident's further targets add people, not rows
                last_incident = row[INCIDENT]
                incidents += 1
                if len(codes) >= SPOOL_ROWS:
                    _spool(spool, values, begins, offsets, codes)
                    values, begins, offsets, codes = [], bytearray(b"\0"), array("I", [0]), array("I")
                code = numbered.get(row[VERIFICATION])
                if code is None:
                    code = numbered[row[VERIFICATION]] = len(numbered)
                    self.verifications.append(row[VERIFICATION])
                codes.append(code)
        if codes:
            _spool(spool, values, begins, offsets, codes)
        for level in coarser:
            people[level] |= found
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

    def runs(self) -> Iterator[list[tuple[tuple, array]]]:
        """The released classes of the chosen level, in order, a chunk at a time.

        A run is a class's values at that level (the first of the six values, as many as its
        width keeps) and the verification numbers of its incidents in this chunk, in incident
        order; a class spread over several chunks comes as a run in each, with the same values.
        """
        if self.spool is None:
            self.prepare()
        level = self.level()
        width, verdicts = CLASS_WIDTHS[level], self.verdicts[level]
        spool, self.spool = self.spool, None
        number, prefix, kept = -1, (), False
        with spool:
            spool.seek(0)
            while size := spool.read(8):
                # The spool is the app's own, written just before.
                values, begins, offset_bytes, code_bytes = marshal.loads(spool.read(int.from_bytes(size, "big")))  # noqa: S302  # nosec B302
                offsets, codes = array("I"), array("I")
                offsets.frombytes(offset_bytes)
                codes.frombytes(code_bytes)
                released, start, at = [], 0, 0
                for index, begun in enumerate(begins):
                    if begun > level:  # a class of the chosen level begins with this finest class
                        if kept and offsets[index] > start:
                            released.append((prefix, codes[start:offsets[index]]))
                        number += 1
                        kept = verdicts[number]
                        if kept:
                            prefix, start = tuple(values[at:at + width]), offsets[index]
                    if begun:
                        at += KEY_WIDTH
                if kept and len(codes) > start:
                    released.append((prefix, codes[start:]))
                yield released


def _spool(spool: IO[bytes], values: list[str], begins: bytearray, offsets: array, codes: array) -> None:
    """Append one chunk to the spool, its length first."""
    data = marshal.dumps((values, bytes(begins), offsets.tobytes(), codes.tobytes()))
    spool.write(len(data).to_bytes(8, "big") + data)


def tactic_columns() -> dict[str, tuple[str, str, str]]:
    """Per tactic code: its Freedom House category, physical flag and Freedom House name.

    Looked up once per export rather than per row (the taxonomy calls cost a fifth of a
    100,000-row export).
    """
    physical = taxonomy.physical_tactics()
    return {code: (taxonomy.category_of(code), "yes" if code in physical else "no", FREEDOM_HOUSE_TACTIC.get(code, ""))
            for code in taxonomy.codes("tactic")}


def _class_values(key: tuple, level_index: int, tactics: dict[str, tuple[str, str, str]]) -> tuple:
    """The released values a class's rows share: period to Freedom House tactic.

    ``key`` holds the class's values at its level: the six values of a finest class, or their
    first ``CLASS_WIDTHS[level_index]`` (no month, and no host country at the coarsest level).
    """
    level = LEVELS[level_index]
    period = key[MONTH] if level.keep_month else key[YEAR]
    year, tactic = key[YEAR], key[TACTIC]
    host = key[HOST] if level.keep_host else UNKNOWN
    category, physical, fh_tactic = tactics.get(tactic, ("", "no", ""))
    return ("" if period == UNKNOWN else period, "" if year == UNKNOWN else year,
            "" if key[ORIGIN] == UNKNOWN else key[ORIGIN], "" if host == UNKNOWN else host,
            "" if key[COMMUNITY] == UNKNOWN else key[COMMUNITY], tactic, category, physical, fh_tactic)


class DeidentifiedRows:
    """The released dataset: iterated, the header then one list per released incident.

    Made lazily (nothing is read before the first row is asked for). Rows come in runs that
    share every value but the row number and the verification, so the CSV writer renders a
    run's shared values once (``csv_chunks``) instead of building and quoting each row's list.
    """

    def __init__(self, session: Session, filters: Filters = NO_FILTERS,
                 progress: Callable[[int], None] | None = None, dataset: DeidentifiedDataset | None = None):
        self.session, self.filters, self.progress, self.dataset = session, filters, progress, dataset

    def runs(self) -> Iterator[tuple[tuple, array, list[str], str]]:
        """Per released run: its values from period to Freedom House tactic, its incidents'
        verification numbers, the verification values they number, and the level.

        The runs of one class share the same ``shared`` tuple (made once per class).
        """
        dataset = self.dataset or DeidentifiedDataset(self.session, self.filters)
        if dataset.spool is None:
            dataset.prepare()
        level = dataset.level()
        tactics = tactic_columns()
        generalised, key, shared = str(level), None, ()
        progress, number = self.progress, 0
        for chunk in dataset.runs():
            for prefix, codes in chunk:
                if prefix is not key:  # the runs of a class spread over chunks carry the same tuple
                    key = prefix
                    shared = _class_values(key, level, tactics)
                yield shared, codes, dataset.verifications, generalised
                if progress is not None:
                    done, number = number, number + len(codes)
                    for _ in range(number // PROGRESS_EVERY - done // PROGRESS_EVERY):
                        progress(PROGRESS_EVERY)

    def __iter__(self) -> Iterator[list]:
        yield list(COLUMNS)
        number = 0
        for shared, codes, verifications, generalised in self.runs():
            for code in codes:
                number += 1
                # The row number stays an integer: a million distinct strings would fill XLSX's string table.
                yield [number, *shared, verifications[code], generalised]

    def csv_chunks(self, rows_per_chunk: int) -> Iterator[str]:
        """The dataset as CSV text, byte for byte what ``csv.writer`` makes of the rows, in chunks.

        The csv module renders (and quotes) each field of a row on its own and joins them with
        commas, so a row here is its number (an integer: never quoted), then the rest, which only
        the class and the verification decide: each distinct value is rendered by the csv module
        itself, once, and a row's rest once per class and verification.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        fields: dict = {}

        def field(value) -> str:
            if value not in fields:
                writer.writerow([value, None])  # "<value>,\r\n": no row of one empty field (quoted alone)
                fields[value] = buffer.getvalue()[:-3]
                buffer.seek(0)
                buffer.truncate()
            return fields[value]

        yield ",".join(map(field, COLUMNS)) + "\r\n"
        parts: list[str] = []
        number, last, rests = 0, None, []
        for shared, codes, verifications, generalised in self.runs():
            if shared is not last or len(rests) < len(verifications):
                last, head, tail = shared, "," + ",".join(map(field, shared)) + ",", "," + field(generalised) + "\r\n"
                rests = [head + field(verification) + tail for verification in verifications]
            for code in codes:
                number += 1
                parts.append(f"{number}{rests[code]}")
            if len(parts) >= rows_per_chunk:
                yield "".join(parts)
                parts.clear()
        yield "".join(parts)


def deidentified_rows(session: Session, filters: Filters = NO_FILTERS,
                      progress: Callable[[int], None] | None = None,
                      dataset: DeidentifiedDataset | None = None) -> DeidentifiedRows:
    """The header, then one de-identified row per released incident (withheld ones skipped), when iterated.

    ``dataset`` is one already prepared (the command line reads its size for a progress bar);
    ``progress`` is told every PROGRESS_EVERY rows how many more were made.
    """
    return DeidentifiedRows(session, filters, progress, dataset)


def codebook() -> dict:
    """The dataset's codebook: columns, rules and the Freedom House alignment."""
    return {
        "title": "De-identified incidents of transnational repression",
        "unit": "incident, counted if a consenting report supports it or a caseworker recorded it without one, "
                "and not merged into another incident as its duplicate",
        "threshold": threshold(),
        "columns": [{"name": name, "description": CODEBOOK_COLUMNS[name]} for name in COLUMNS],
        "anonymity": "Each combination of period, origin_country, host_country, community and primary_tactic "
                     "is shared by at least `threshold` people (a person recorded twice and merged "
                     "counts once). The whole export is generalised at one "
                     "level (see `generalised`) and rows in rarer combinations are withheld. No names, "
                     "free text, exact dates or places.",
        "comparability": "Freedom House (Schenkkan and Linzer, 2021, 'Out of Sight, Not Out of Reach') codes "
                         "physical incidents by origin state, host country and tactic; rows with fh_physical = "
                         "yes use the same three variables and tactic names.",
    }
