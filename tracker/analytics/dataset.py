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
aggregate tables carry them.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import case, func, literal, select
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


def _quasi_identifiers(level: Level) -> list:
    period = (month_of if level.keep_month else year_of)(Incident.start_date, Incident.start_precision)
    hosts = [func.coalesce(Incident.host_country, literal(UNKNOWN))] if level.keep_host else []
    return [period, func.coalesce(Incident.origin_country, literal(UNKNOWN)), *hosts,
            func.coalesce(Incident.community, literal(UNKNOWN)), Incident.primary_tactic]


def withheld_share(session: Session, level: Level, filters: Filters, k: int) -> tuple[int, int]:
    """(incidents, incidents in classes of fewer than k people) at one level, counted in SQL.

    Only two numbers come back: the classes themselves stay in the database, so choosing a
    level holds no per-class dictionary in memory however large the dataset.
    """
    source, subject = with_targets(Incident.__table__)
    columns = _quasi_identifiers(level)
    classes = (select(func.count(Incident.id.distinct()).label("incidents"),
                      func.count(subject.distinct()).label("people"))
               .select_from(source).where(*filter_clauses(filters)).group_by(*columns).subquery())
    rare = case((classes.c.people < k, classes.c.incidents), else_=0)
    rows, withheld = session.execute(select(func.sum(classes.c.incidents), func.sum(rare))).one()
    return int(rows or 0), int(withheld or 0)


def choose_level(session: Session, filters: Filters, k: int) -> int:
    """The finest level that withholds at most MAX_WITHHELD of the rows (else the coarsest)."""
    for index, level in enumerate(LEVELS[:-1]):
        rows, withheld = withheld_share(session, level, filters, k)
        if withheld <= MAX_WITHHELD * rows:
            return index
    return len(LEVELS) - 1


def tactic_columns() -> dict[str, tuple[str, str, str]]:
    """Per tactic code: its Freedom House category, physical flag and Freedom House name.

    Looked up once per export rather than per row (the taxonomy calls cost a fifth of a
    100,000-row export).
    """
    physical = taxonomy.physical_tactics()
    return {code: (taxonomy.category_of(code), "yes" if code in physical else "no", FREEDOM_HOUSE_TACTIC.get(code, ""))
            for code in taxonomy.codes("tactic")}


def _row_values(row, level_index: int, number: int, tactics: dict[str, tuple[str, str, str]]) -> list:
    month, year, origin, host, community, tactic, verification = row
    level = LEVELS[level_index]
    period = month if level.keep_month else year
    category, physical, fh_tactic = tactics.get(tactic, ("", "no", ""))
    # The row number stays an integer: a million distinct strings would fill XLSX's string table.
    return [number, "" if period == UNKNOWN else period, "" if year == UNKNOWN else year,
            origin or "", host if level.keep_host and host else "", community or "", tactic, category,
            physical, fh_tactic, verification, str(level_index)]


def _rows_by_class(session: Session, level: Level, filters: Filters) -> Iterator[tuple[tuple, int, int, tuple]]:
    """(class, incident id, person, row) for every counted incident and target, class by class.

    Sorted by class in the database (SQLite's sorter spills to disk, PostgreSQL sorts on the
    server) and streamed, so the application holds one batch of rows at a time.
    """
    source, subject = with_targets(Incident.__table__)
    classes = _quasi_identifiers(level)
    query = (select(*classes, Incident.id, subject,
                    month_of(Incident.start_date, Incident.start_precision),
                    year_of(Incident.start_date, Incident.start_precision),
                    func.coalesce(Incident.origin_country, literal(UNKNOWN)),
                    func.coalesce(Incident.host_country, literal(UNKNOWN)),
                    func.coalesce(Incident.community, literal(UNKNOWN)),
                    Incident.primary_tactic, Incident.verification)
             .select_from(source).where(*filter_clauses(filters)).order_by(*classes, Incident.id)
             .execution_options(stream_results=True, yield_per=5_000))
    width = len(classes)
    # Core rows straight from the connection: the ORM's result processing cost a tenth of the export.
    for row in session.connection().execute(query):
        yield tuple(row[:width]), row[width], row[width + 1], tuple(row[width + 2:])


def released_incidents(session: Session, level: Level, filters: Filters, k: int,
                       on_incident: Callable[[], None] | None = None) -> Iterator[tuple]:
    """The rows of incidents whose class holds at least k distinct people, class by class.

    A class's rows are held back only until its k-th person is seen, then flushed and the rest
    streamed: memory is bounded by k rows (plus one person's repeated incidents), not by the
    dataset.
    """
    current, held, people, last_incident = None, [], set(), None
    for key, incident_id, person, row in _rows_by_class(session, level, filters):
        if key != current:
            current, held, people = key, [], set()  # a class below k ends here: its rows are dropped
        if len(people) < k:
            people.add(person)
        if incident_id != last_incident:  # further targets of an incident add people, not rows
            last_incident = incident_id
            held.append(row)
            if on_incident is not None:
                on_incident()
        if len(people) >= k:
            yield from held
            held.clear()


def deidentified_rows(session: Session, filters: Filters = NO_FILTERS,
                      on_row: Callable[[], None] | None = None) -> Iterator[list]:
    """Yield the header, then one de-identified row per counted incident (withheld ones skipped)."""
    k = threshold()
    level = choose_level(session, filters, k)
    yield list(COLUMNS)
    tactics = tactic_columns()
    for number, row in enumerate(released_incidents(session, LEVELS[level], filters, k, on_row), 1):
        yield _row_values(row, level, number, tactics)


def count_incidents(session: Session, filters: Filters = NO_FILTERS) -> int:
    """How many incidents the dataset considers (for progress bars), before any is withheld."""
    return session.execute(select(func.count()).select_from(Incident).where(*filter_clauses(filters))).scalar_one()


def codebook() -> dict:
    """The dataset's codebook: columns, rules and the Freedom House alignment."""
    return {
        "title": "De-identified incidents of transnational repression",
        "unit": "incident, counted if a consenting report supports it or a caseworker recorded it without one",
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
