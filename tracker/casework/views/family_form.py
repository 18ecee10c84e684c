"""The people part of the accept form: flat form fields <-> the nested ``FamilyImport`` shape.

Field names say where a value goes (``relatives-0-statuses-1-status_date``), so the form works
without JavaScript and a refused form is shown again with everything typed (STYLE: bad input
loses nothing).
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session
from werkzeug.datastructures import MultiDict

from ..family import duplicate_candidates
from ..inputs import FamilyImport, IncidentWithSources

PERSON_FIELDS = ("community", "residence_country", "residence_place", "birth_year", "group_size", "group_size_kind")
STATUS_FIELDS = ("status", "status_date", "date_precision", "sentence_months", "sentence_charge", "sentence_court",
                 "proof_of_life_kind", "health_concern", "health_note")
RELATIVE_FIELDS = ("reported_relative_id", "existing_id", "relationship_type", "related_to", "in_retaliation",
                   "retaliation_reason")
MAX_ROWS = 20
EXTRA_STATUS_ROWS = 1


def _given(form: MultiDict, name: str) -> str | None:
    """A stripped value, or None when empty."""
    value = form.get(name, "").strip()
    return value or None


def _person(form: MultiDict, prefix: str) -> dict[str, Any]:
    """One person choice: an existing person's number, or a new person's names and details."""
    scripts = form.getlist(f"{prefix}-script")
    names = [{"name": name.strip(), "script": scripts[i] if i < len(scripts) and scripts[i] else "Latn"}
             for i, name in enumerate(form.getlist(f"{prefix}-name")) if name.strip()]
    person = {name: value for name in PERSON_FIELDS if (value := _given(form, f"{prefix}-{name}")) is not None}
    person["names"] = names
    person["target_types"] = [code for code in form.getlist(f"{prefix}-target_types") if code]
    return {"existing_id": _given(form, f"{prefix}-existing_id"), "person": person}


def _statuses(form: MultiDict, prefix: str) -> list[dict[str, Any]]:
    """The status rows of one relative; a row without a status is empty and left out."""
    rows = []
    for index in range(MAX_ROWS):
        row = {name: value for name in STATUS_FIELDS
               if (value := _given(form, f"{prefix}-statuses-{index}-{name}")) is not None}
        if row.get("status"):
            rows.append(row)
    return rows


def family_values(form: MultiDict) -> dict[str, Any] | None:
    """The posted people as plain values in ``FamilyImport``'s shape (not yet validated); None when
    the form had no people section (an incident only, as before issue 12)."""
    if not form.get("family-present"):
        return None
    relatives = []
    for index in range(MAX_ROWS):
        prefix = f"relatives-{index}"
        if _given(form, f"{prefix}-relationship_type") is None:
            continue
        relative = _person(form, prefix) | {
            name: value for name in RELATIVE_FIELDS[:1] + RELATIVE_FIELDS[2:]
            if (value := _given(form, f"{prefix}-{name}")) is not None}
        relative["action"] = form.get(f"{prefix}-action", "new")
        relative["skip"] = relative["action"] == "skip"
        if relative["action"] == "new":
            relative["existing_id"] = None
        relative["statuses"] = _statuses(form, prefix)
        relatives.append(relative)
    reporter = _person(form, "reporter") if form.get("reporter-present") else None
    return {"target": _person(form, "target"), "reporter": reporter, "relatives": relatives,
            "open_case": bool(form.get("open_case"))}


def read_family(form: MultiDict) -> FamilyImport | None:
    """The posted people, validated (pydantic ValidationError names the field), or None."""
    values = family_values(form)
    return FamilyImport.model_validate(values) if values is not None else None


def family_form_values(plan: FamilyImport) -> dict[str, Any]:
    """A proposal as the plain values the form template shows."""
    values = plan.model_dump(mode="json")
    for relative in values["relatives"]:
        relative["action"] = "skip" if relative["skip"] else ("link" if relative["existing_id"] else "new")
    return values


def _names(choice: dict[str, Any] | None) -> list[str]:
    return [entry["name"] for entry in ((choice or {}).get("person") or {}).get("names", []) if entry.get("name")]


def _number(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def family_suggestions(session: Session, family: dict[str, Any]) -> dict[str, list]:
    """People each proposal may already be, keyed by its form prefix (target, reporter, relatives-N)."""
    suggestions = {"target": duplicate_candidates(session, _names(family.get("target")))}
    if family.get("reporter"):
        suggestions["reporter"] = duplicate_candidates(session, _names(family["reporter"]))
    anchor = _number((family.get("target") or {}).get("existing_id"))
    for index, relative in enumerate(family.get("relatives", [])):
        suggestions[f"relatives-{index}"] = duplicate_candidates(
            session, _names(relative), anchor, relative.get("relationship_type"))
    return suggestions


def form_draft(form: MultiDict) -> dict[str, Any]:
    """The posted incident fields as the editor's draft, so a refused form shows what was typed."""
    draft: dict[str, Any] = {}
    for name in IncidentWithSources.model_fields:
        draft[name] = [v for v in form.getlist(name) if v] if name.endswith("s") and name in (
            "tactics", "channels", "demands", "perpetrator_types") else form.get(name)
    return draft
