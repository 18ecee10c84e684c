"""The first rows of a sheet as they will be stored: codes, dates cut to their precision, names by script."""
from __future__ import annotations

from collections.abc import Sequence

from datetime import date

from .profiles import ImportProfile
from .rows import RowPlan, RowRefused, plan_row


def stored_date(value: date | None, precision: str) -> str:
    """A date and its precision exactly as stored (untranslated: the command line has no request)."""
    return f"{value.isoformat()} ({precision})" if value else f"({precision})"


def describe_plan(plan: RowPlan) -> dict[str, str]:
    """One planned row as short text per stored field (the file's own text, nothing read from the database)."""
    incident = plan.incident
    relatives = "; ".join(
        f"{' / '.join(n.name for n in r.person.names)} ({r.relationship_type}"
        + "".join(f", {s.status} {stored_date(s.status_date, s.date_precision)}" for s in r.statuses) + ")"
        for r in plan.relatives)
    return {
        "incident": "" if incident is None else (
            f"{incident.primary_tactic}, {stored_date(incident.start_date, incident.start_precision)}"
            + (f", {incident.origin_country}" if incident.origin_country else "")),
        "person": " / ".join(f"{n.name} [{n.script}]" for n in plan.victim.names),
        "community": plan.victim.community or "",
        "relatives": relatives,
    }


def preview_rows(rows: Sequence[dict[str, object]], profile: ImportProfile, limit: int = 5) -> list[dict[str, str]]:
    """The first ``limit`` rows as they will be stored, or the reason each would be refused."""
    shown = []
    for number, row in enumerate(rows[:limit], start=2):
        try:
            shown.append({"row": str(number), **describe_plan(plan_row(row, profile))})
        except RowRefused as error:
            shown.append({"row": str(number), "refused": str(error)})
    return shown
