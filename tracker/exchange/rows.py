"""One spreadsheet row read through a profile into checked input: incident, victim, relatives."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pydantic import ValidationError

from .. import taxonomy
from ..models.inputs import IncidentCreate, PersonCreate, RelativeStatusInput
from ..names.readings import script_of
from .messy_dates import DateNotUnderstood, parse_messy_date
from .profiles import ImportProfile, RelativeColumns

# Words NGO sheets use, to taxonomy codes; a profile's own ``values`` win over these.
COMMON_VALUES: dict[str, dict[str, str]] = {
    "relationship_type": {
        "father": "parent", "mother": "parent", "brother": "sibling", "sister": "sibling", "son": "child",
        "daughter": "child", "husband": "spouse_partner", "wife": "spouse_partner", "spouse": "spouse_partner",
        "uncle": "aunt_uncle", "aunt": "aunt_uncle", "nephew": "niece_nephew", "niece": "niece_nephew",
        "grandfather": "grandparent", "grandmother": "grandparent",
    },
    "relative_status": {
        "detained": "detained_administrative", "camp": "detained_administrative", "in camp": "detained_administrative",
        "arrested": "detained_criminal", "sentenced": "imprisoned", "prison": "imprisoned", "jailed": "imprisoned",
        "missing": "disappeared", "no contact": "contact_lost", "released": "released", "died": "killed",
    },
    "retaliation": {"y": "yes", "n": "no", "probably": "likely", "?": "unknown"},
}


class RowRefused(ValueError):
    """The row cannot be imported; the message is the reason shown to the person importing."""


@dataclass
class StatusPlan:
    """One dated status of a relative."""

    status: str
    status_date: date | None
    date_precision: str
    in_retaliation: str = "unknown"


@dataclass
class RelativePlan:
    """A relative of the victim, how they are related and what happened to them."""

    person: PersonCreate
    relationship_type: str
    statuses: list[StatusPlan] = field(default_factory=list)


@dataclass
class RowPlan:
    """What a row will store, checked but not yet written."""

    incident: IncidentCreate | None
    victim: PersonCreate
    relatives: list[RelativePlan]


def cell(row: dict[str, object], column: str | None) -> str:
    """The cell's text, trimmed; empty for a missing column or cell."""
    if not column:
        return ""
    value = row.get(column)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return " ".join(str(value).split()) if value is not None else ""


def code_for(profile: ImportProfile, vocabulary: str, text: str) -> str:
    """The taxonomy code a cell means: the profile's mapping, common words, or the code itself."""
    key = text.strip().lower()
    mapped = profile.values.get(vocabulary, {}).get(key) or COMMON_VALUES.get(vocabulary, {}).get(key)
    code = mapped or key.replace(" ", "_").replace("-", "_")
    if not taxonomy.is_code(vocabulary, code):
        raise RowRefused(f"unknown {vocabulary.replace('_', ' ')}: {text!r}")
    return code


def plan_row(row: dict[str, object], profile: ImportProfile) -> RowPlan:
    """Check a row through the profile; RowRefused names the first problem."""
    community = code_for(profile, "community", cell(row, profile.community_column)) \
        if cell(row, profile.community_column) else profile.community
    try:
        victim = _person(cell(row, profile.victim_name), cell(row, profile.victim_native_name), community,
                         cell(row, profile.victim_residence_country).upper() or None)
        incident = _incident(row, profile, community)
        relatives = [plan for columns in profile.relatives if (plan := _relative(row, profile, columns, community))]
    except ValidationError as error:
        first = error.errors()[0]
        raise RowRefused(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from error
    except DateNotUnderstood as error:
        raise RowRefused(f"date not understood: {error}") from error
    if not victim.names:
        raise RowRefused("no name for the person")
    return RowPlan(incident, victim, relatives)


def _person(name: str, native_name: str, community: str | None, residence: str | None) -> PersonCreate:
    """A person with the names given (each with the script of its first letter)."""
    names = [{"name": text, "script": _script(text)} for text in dict.fromkeys((name, native_name)) if text]
    return PersonCreate.model_validate({"names": names, "community": community, "residence_country": residence})


def _script(text: str) -> str:
    """The ISO 15924 code to store for a name ("Hani" is stored as "Hans", as typed names are)."""
    script = script_of(text)
    return "Hans" if script == "Hani" else script


def _incident(row: dict[str, object], profile: ImportProfile, community: str | None) -> IncidentCreate | None:
    """The incident of the row, or None when the sheet has no incident columns filled in."""
    title, summary = cell(row, profile.incident_title), cell(row, profile.incident_summary)
    tactic_text, date_text = cell(row, profile.tactic), cell(row, profile.incident_date)
    if not any((title, summary, tactic_text, date_text)):
        return None
    start, precision = parse_messy_date(row.get(profile.incident_date) if profile.incident_date else None)
    origin = cell(row, profile.origin_country).upper() or profile.default_origin_country
    return IncidentCreate.model_validate({
        "title": title or None, "summary": summary or None, "community": community,
        "primary_tactic": code_for(profile, "tactic", tactic_text) if tactic_text else profile.default_tactic,
        "start_date": start, "start_precision": precision, "origin_country": origin,
        "host_country": cell(row, profile.host_country).upper() or None,
    })


def _relative(row: dict[str, object], profile: ImportProfile, columns: RelativeColumns,
              community: str | None) -> RelativePlan | None:
    """One relative block of the row; None when its name cells are empty."""
    name, native = cell(row, columns.name), cell(row, columns.native_name)
    if not (name or native):
        return None
    relation = cell(row, columns.relationship)
    if not relation:
        raise RowRefused(f"no relationship for the relative in {columns.name!r}")
    plan = RelativePlan(_person(name, native, community, None), code_for(profile, "relationship_type", relation))
    status_text = cell(row, columns.status)
    if status_text:
        when, precision = parse_messy_date(row.get(columns.status_date) if columns.status_date else None)
        retaliation = cell(row, columns.in_retaliation)
        # Checked as typed statuses are (no date in the future, cut to its precision), so a dry
        # run refuses what writing would.
        status = RelativeStatusInput.model_validate({"status": code_for(profile, "relative_status", status_text),
                                                     "status_date": when, "date_precision": precision})
        plan.statuses.append(StatusPlan(status.status, status.status_date, status.date_precision,
                                        code_for(profile, "retaliation", retaliation) if retaliation else "unknown"))
    return plan
