"""What statistics can be broken down by, as SQL expressions already coarsened for release.

Dates become months (or years when only the year is known) and places become countries, or
country and first-level region when ``ANALYTICS_PLACE_LEVEL`` is "admin1": never a city or a
point (DESIGN §2). Each dimension also knows how to label its codes for people.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, case, cast, func, literal, select, union_all
from sqlalchemy.sql import ColumnElement, FromClause
from sqlalchemy.orm import aliased

from .. import taxonomy
from ..countries import country_name
from ..models import Incident, IncidentCode, Involvement, Location, Person, RelativeStatus

UNKNOWN = "unknown"
PLACE_LEVELS = ("country", "admin1")
KNOWN_MONTH = ("exact", "month")
KNOWN_YEAR = ("exact", "month", "year", "estimate")


class Joins:
    """The FROM clause of one statistics query, to which dimensions add the joins they need."""

    def __init__(self, base: FromClause):
        self.source = base
        self._made: dict[str, object] = {}
        # Codes are left-joined so that incidents without a code of a vocabulary still reach the
        # table's total; ``in_cells`` tells the rows that also belong in a cell.
        self.code_aliases: list = []
        # Vocabularies of codes that the dimensions made since the caller last cleared it.
        self.used: set[str] = set()

    def code(self, vocabulary: str):
        """An alias of incident_code for one vocabulary, left-joined once (a row per code)."""
        self.used.add(vocabulary)
        if vocabulary not in self._made:
            alias = aliased(IncidentCode, name=f"code_{vocabulary}")
            self.source = self.source.outerjoin(alias, and_(alias.incident_id == Incident.id,
                                                            alias.vocabulary == vocabulary))
            self._made[vocabulary] = alias
            self.code_aliases.append(alias)
        return self._made[vocabulary]

    def in_cells(self) -> ColumnElement | None:
        """True for a row that has a code of every vocabulary the breakdown is by (None: all rows)."""
        if not self.code_aliases:
            return None
        return and_(*(alias.incident_id.is_not(None) for alias in self.code_aliases))

    def perpetrator(self):
        """Perpetrator involvements, left-joined so incidents with none stay as "unknown"."""
        if "perpetrator" not in self._made:
            alias = aliased(Involvement, name="perpetrator")
            self.source = self.source.outerjoin(alias, and_(alias.incident_id == Incident.id,
                                                            alias.role == "perpetrator"))
            self._made["perpetrator"] = alias
        return self._made["perpetrator"]

    def location(self):
        """The incident's geocoded place, left-joined."""
        if "location" not in self._made:
            self.source = self.source.outerjoin(Location, Location.id == Incident.location_id)
            self._made["location"] = Location
        return Location

    def target(self):
        """The incident's targets (a row per target), left-joined so an incident with none stays."""
        if "target" not in self._made:
            alias = aliased(Involvement, name="target")
            self.source = self.source.outerjoin(alias, and_(alias.incident_id == Incident.id, alias.role == "target",
                                                            unmerged(alias.person_id)))
            self._made["target"] = alias
        return self._made["target"]

    def target_type(self) -> ColumnElement:
        """Each target's target types, a row per type (a journalist and activist is in both)."""
        if "target_type" not in self._made:
            target = self.target()
            person = aliased(Person, name="target_person")
            # The codes of the vocabulary as a little table, matched against the JSON list as text
            # ('["activist", "journalist"]' holds '"journalist"'): the same SQL on both engines.
            codes = union_all(*(select(literal(code).label("code")) for code in sorted(taxonomy.codes("target_type"))))
            listed = codes.subquery("target_type_code")
            text = cast(person.target_types, String)
            self.source = (self.source.outerjoin(person, person.id == target.person_id)
                           .outerjoin(listed, text.like(literal('%"') + listed.c.code + literal('"%'))))
            self._made["target_type"] = func.coalesce(listed.c.code, literal(UNKNOWN))
        return self._made["target_type"]


def unmerged(person: ColumnElement) -> ColumnElement:
    """True for a person not merged into another: a merged person's rows are never counted.

    A merge (tracker.casework.dedup) moves every involvement and member link of the dropped person
    that can move; what stays is where the kept person already had that role in that incident or
    was already a member of that group, kept only so the merge can be undone exactly. Counted, it
    was the same human twice in a cell (the kept id and the merged id). Merged people are few and
    indexed (``ix_person_merged_into_id`` holds only them), so the list is read once per statement.
    """
    return person.not_in(select(Person.id).where(Person.merged_into_id.is_not(None)))


def month_of(day, precision) -> ColumnElement:
    """YYYY-MM when the month is known, YYYY when only the year is, else "unknown"."""
    text = cast(day, String)
    return case((and_(day.is_not(None), precision.in_(KNOWN_MONTH)), func.substr(text, 1, 7)),
                (and_(day.is_not(None), precision.in_(KNOWN_YEAR)), func.substr(text, 1, 4)),
                else_=literal(UNKNOWN))


def year_of(day, precision) -> ColumnElement:
    """YYYY when the year is known, else "unknown"."""
    return case((and_(day.is_not(None), precision.in_(KNOWN_YEAR)), func.substr(cast(day, String), 1, 4)),
                else_=literal(UNKNOWN))


def code_case(column, mapping: dict[str, str]) -> ColumnElement:
    """Map codes to groups in SQL (tactic -> Freedom House category), unknown otherwise."""
    return case(*((column == code, literal(group)) for code, group in sorted(mapping.items())),
                else_=literal(UNKNOWN))


def place_of(joins: Joins) -> ColumnElement:
    """The incident's place coarsened to the configured level (country by default)."""
    location = joins.location()
    country = func.coalesce(location.country, Incident.host_country, literal(UNKNOWN))
    if current_app.config.get("ANALYTICS_PLACE_LEVEL", "country") == "admin1":
        return country + literal(" / ") + func.coalesce(location.admin1, literal(UNKNOWN))
    return country


@dataclass(frozen=True)
class Dimension:
    """A way to break counts down: a label, how its values are named, and its SQL expression."""

    label: LazyString
    vocabulary: str | None
    expression: Callable[[Joins], ColumnElement]


def _known(column) -> Callable[[Joins], ColumnElement]:
    return lambda joins: func.coalesce(column, literal(UNKNOWN))


def _categories() -> dict[str, str]:
    return {code: taxonomy.category_of(code) for code in taxonomy.codes("tactic")}


def _physical() -> dict[str, str]:
    return {code: "yes" if code in taxonomy.physical_tactics() else "no" for code in taxonomy.codes("tactic")}


INCIDENT_DIMENSIONS: dict[str, Dimension] = {
    "month": Dimension(_l("Month"), "period", lambda j: month_of(Incident.start_date, Incident.start_precision)),
    "year": Dimension(_l("Year"), "period", lambda j: year_of(Incident.start_date, Incident.start_precision)),
    "tactic": Dimension(_l("Tactic"), "tactic", lambda j: j.code("tactic").code),
    "primary_tactic": Dimension(_l("Primary tactic"), "tactic", _known(Incident.primary_tactic)),
    "tactic_category": Dimension(_l("Freedom House category"), "tactic_category",
                                 lambda j: code_case(j.code("tactic").code, _categories())),
    "physical": Dimension(_l("Physical tactic (Freedom House count)"), "yes_no",
                          lambda j: code_case(Incident.primary_tactic, _physical())),
    "origin_country": Dimension(_l("Origin state"), "country", _known(Incident.origin_country)),
    "host_country": Dimension(_l("Host country"), "country", _known(Incident.host_country)),
    "place": Dimension(_l("Place"), "place", place_of),
    "community": Dimension(_l("Community"), "community", _known(Incident.community)),
    "channel": Dimension(_l("Channel"), "channel", lambda j: j.code("channel").code),
    "demand": Dimension(_l("Demand"), "demand", lambda j: j.code("demand").code),
    "perpetrator_type": Dimension(_l("Perpetrator type"), "perpetrator_type",
                                  lambda j: func.coalesce(j.perpetrator().perpetrator_type, literal(UNKNOWN))),
    "verification": Dimension(_l("Verification"), "verification", _known(Incident.verification)),
    "host_state_role": Dimension(_l("Host state's role"), "host_state_role", _known(Incident.host_state_role)),
    # Issue 12 §2. A person recorded with several target types is in each of their types' rows.
    "target_type": Dimension(_l("Target type (a person with several types counts once in each)"), "target_type",
                             lambda j: j.target_type()),
}

RETALIATED = ("yes", "likely")

RELATIVE_DIMENSIONS: dict[str, Dimension] = {
    "status": Dimension(_l("Relative's status"), "relative_status", _known(RelativeStatus.status)),
    "status_group": Dimension(_l("Kind of status"), "status_group", lambda j: code_case(
        RelativeStatus.status, {t.code: t.group for t in taxonomy.terms("relative_status")})),
    "retaliation": Dimension(_l("In retaliation"), "retaliation", _known(RelativeStatus.in_retaliation)),
    "status_year": Dimension(_l("Year of status"), "period",
                             lambda j: year_of(RelativeStatus.status_date, RelativeStatus.date_precision)),
    "retaliated": Dimension(_l("In retaliation (yes or likely)"), "yes_no", lambda j: case(
        (RelativeStatus.in_retaliation.in_(RETALIATED), literal("yes")), else_=literal("no"))),
    # What the retaliation was for (issue 12 §2): journalism, advocacy abroad, a relative's activism...
    "retaliation_reason": Dimension(_l("What the retaliation was for"), "retaliation_reason",
                                    _known(RelativeStatus.retaliation_reason)),
    "origin_country": INCIDENT_DIMENSIONS["origin_country"],
    "host_country": INCIDENT_DIMENSIONS["host_country"],
    "community": INCIDENT_DIMENSIONS["community"],
    "year": INCIDENT_DIMENSIONS["year"],
    "verification": INCIDENT_DIMENSIONS["verification"],
    # The incident's targeted person's type: relatives of journalists, of activists...
    "target_type": Dimension(_l("Target type of the person targeted (several types: counted in each)"),
                             "target_type", lambda j: j.target_type()),
}

# A finer dimension and the coarser one it nests in. A released cube always carries a child's
# parent, so the parent's cell is the margin of its children's line and both are protected
# together: a year minus its published months, or a category minus its published tactics,
# gives nothing away (issue 16).
PARENTS = {"month": "year", "tactic": "tactic_category", "primary_tactic": "physical",
           "status": "status_group", "retaliation": "retaliated"}

STATUS_GROUP_LABELS = {"pressure": _l("Pressure"), "detention": _l("Detention"),
                       "deprivation": _l("Rights or livelihood taken"), "release": _l("Released"),
                       "death": _l("Killed or died"), "contact": _l("Contact and proof of life"),
                       "unknown": _l("Not known")}
YES_NO = {"yes": _l("Yes"), "no": _l("No")}


def value_label(vocabulary: str | None, code: str) -> str:
    """The label people see for a dimension value, in the current language."""
    if code == UNKNOWN:
        return str(_l("Not known"))
    if vocabulary == "country":
        return country_name(code, str(get_locale() or "en"))
    if vocabulary == "status_group":
        return str(STATUS_GROUP_LABELS.get(code, code))
    if vocabulary == "yes_no":
        return str(YES_NO.get(code, code))
    if vocabulary and vocabulary in taxonomy.VOCABULARIES and taxonomy.is_code(vocabulary, code):
        return taxonomy.label(vocabulary, code)
    return code
