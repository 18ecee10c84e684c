"""From what the reporter typed to a checked ReportCreate, with translated errors per field.

The checking itself is ReportCreate's (tracker.models.inputs), so the form and the JSON API
accept exactly the same reports. Pydantic's English messages are never shown: each error is
mapped to a message of ours, translated, and attached to the form field it belongs to.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import get_locale, gettext
from pydantic import ValidationError

from ..countries import country_codes, country_names
from ..models.inputs import ReportCreate, ReportedRelativeCreate
from .forms import ReportForm

if TYPE_CHECKING:
    from .posted import PostedForm

COUNTRY_FIELDS = frozenset({"place_country", "origin_country", "host_country", "residence_country"})
DATE_FIELDS = frozenset({"event_date", "status_date"})  # status_date: the API's name


class FieldErrors(dict[str, str]):
    """Form field name -> one translated message."""


def parse_country(value: str | None) -> str | None:
    """A country typed or picked by name (in the reader's language or English) or ISO code."""
    text = (value or "").strip()
    if not text:
        return None
    if text.upper() in country_codes():
        return text.upper()
    wanted = text.casefold()
    for locale in (str(get_locale()), "en"):
        for code, name in country_names(locale).items():
            if name.casefold() == wanted:
                return code
    raise ValueError("unknown country")


def parse_date(value: str | None) -> date | None:
    """YYYY-MM-DD from a date input, or YYYY-MM / YYYY typed where date inputs are plain text."""
    text = (value or "").strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) == 1:
        return date(int(parts[0]), 1, 1)
    if len(parts) == 2:
        return date(int(parts[0]), int(parts[1]), 1)
    return date.fromisoformat(text)


def report_from_form(form: ReportForm | PostedForm) -> tuple[ReportCreate | None, FieldErrors]:
    """Build and validate the report; on failure, return the errors keyed by form field name.

    ``form`` is the WTForms form or the same fields read straight from the request (posted.py):
    both hold the same names and data."""
    errors = FieldErrors()
    raw, relative_prefixes = _collect(form, errors)
    if errors:
        return None, errors
    try:
        return ReportCreate.model_validate(raw), errors
    except ValidationError as exc:
        for error in exc.errors():
            name = _form_field_name(error["loc"], raw, relative_prefixes)
            errors.setdefault(name, message_for(error, name))
        return None, errors


def _collect(form: ReportForm | PostedForm, errors: FieldErrors) -> tuple[dict[str, Any], list[str]]:
    """The form's values in ReportCreate's shape (countries and dates parsed here), and the form
    prefix of each relative in it (blank relative blocks are left out, so indexes differ)."""
    raw: dict[str, Any] = {
        name: getattr(form, name).data or None
        for name in ("community", "place_text", "perpetrator_affiliation", "narrative", "contact")
    }
    raw.update({name: getattr(form, name).data or [] for name in (
        "targets", "tactics", "channels", "demands", "perpetrator_types")})
    raw.update({name: bool(getattr(form, name).data) for name in (
        "consent_contact", "consent_statistics", "consent_partners", "urgent_risk")})
    raw["language"] = str(get_locale())
    raw["submitter_role"] = form.submitter_role.data or "self"
    raw["event_date_precision"] = form.event_date_precision.data or "unknown"
    for name in ("place_country", "origin_country", "host_country"):
        raw[name] = _parsed(parse_country, getattr(form, name), name, errors)
    raw["event_date"] = _parsed(parse_date, form.event_date, "event_date", errors)
    filled = [entry for entry in form.relatives if not entry.form.is_blank()]
    raw["relatives"] = [_relative(entry.form, entry.name, errors) for entry in filled]
    return raw, [entry.name for entry in filled]


def relatives_from_form(entries) -> tuple[list[ReportedRelativeCreate], FieldErrors]:
    """The relatives of filled relative blocks (an addition's), validated; errors keyed by field name."""
    errors = FieldErrors()
    filled = [entry for entry in entries if not entry.form.is_blank()]
    raw = {"relatives": [_relative(entry.form, entry.name, errors) for entry in filled]}
    prefixes = [entry.name for entry in filled]
    relatives = []
    for index, values in enumerate(raw["relatives"]):
        try:
            relatives.append(ReportedRelativeCreate.model_validate(values))
        except ValidationError as exc:
            for error in exc.errors():
                name = _form_field_name(("relatives", index, *error["loc"]), raw, prefixes)
                errors.setdefault(name, message_for(error, name))
    return (relatives if not errors else []), errors


def _relative(form, prefix: str, errors: FieldErrors) -> dict[str, Any]:
    """One relative block in ReportedRelativeCreate's shape."""
    if not form.relationship_type.data:
        errors[f"{prefix}-relationship_type"] = gettext("Say who this person is to you, or clear this block.")
    return {
        "relationship_type": form.relationship_type.data or "other",
        "residence_country": _parsed(parse_country, form.residence_country, f"{prefix}-residence_country", errors),
        "residence_place": form.residence_place.data or None,
        "statuses": with_sentence(status_entries(form, errors), form.sentence_years, errors),
        "in_retaliation": form.in_retaliation.data or "unknown",
        "details": form.details.data or None,
    }


def status_entries(form, errors: FieldErrors) -> list[dict[str, Any]]:
    """What happened to a relative, each thing with its own date, in the vocabulary's order.

    A status counts as chosen when ticked or when a date was typed for it (a typed date is
    never dropped). The date's precision is what was typed: ``2019`` a year, ``2019-05`` a
    month, a full date exact; "roughly" makes any of them an estimate.
    """
    chosen, roughly = set(form.statuses.data or []), set(form.roughly.data or [])
    entries, offered = [], set()
    for field in form.dates:  # one date field per status, named by its code
        code, typed = field.short_name, (field.data or "").strip()
        offered.add(code)
        if code not in chosen and not typed:
            continue
        when = _parsed(parse_date, field, field.name, errors)
        entries.append({"status": code, "status_date": when,
                        "date_precision": typed_precision(typed, code in roughly) if when else "unknown"})
    # A code that is not in the vocabulary is passed on, so the model rejects it beside the list.
    entries += [{"status": code} for code in sorted(chosen - offered)]
    return entries


def with_sentence(entries: list[dict[str, Any]], field, errors: FieldErrors) -> list[dict[str, Any]]:
    """The typed sentence, in months, on the "imprisoned" entry (added, undated, if not ticked)."""
    typed = (field.data or "").strip().replace(",", ".")
    if not typed:
        return entries
    try:
        years = float(typed)
        if not 0 < years <= 100:
            raise ValueError(typed)
    except ValueError:
        errors[field.name] = gettext("Enter the number of years, such as 4 or 2.5, or leave this empty.")
        return entries
    months = round(years * 12)
    for entry in entries:
        if entry.get("status") == "imprisoned":
            entry["sentence_months"] = months
            return entries
    return [*entries, {"status": "imprisoned", "sentence_months": months}]


def typed_precision(typed: str, roughly: bool) -> str:
    """The precision a typed date states: year, month or exact day; "estimate" when roughly."""
    if roughly:
        return "estimate"
    return {1: "year", 2: "month"}.get(typed.count("-") + 1, "exact")


def _parsed(parse, field, name: str, errors: FieldErrors):
    """Run a parser on a field; a failure becomes that field's translated error."""
    try:
        return parse(field.data)
    except ValueError:
        kind = "country" if name.rsplit("-", 1)[-1] in COUNTRY_FIELDS else "date"
        errors[name] = _country_message() if kind == "country" else _date_message()
        return None


def _form_field_name(loc: tuple, raw: dict[str, Any], relative_prefixes: list[str]) -> str:
    """Pydantic's error location -> the form field's name (relatives-0-dates-released...)."""
    if loc and loc[0] == "relatives" and len(loc) >= 3:
        prefix, field = relative_prefixes[loc[1]], loc[2]
        if field == "statuses" and len(loc) >= 5 and loc[-1] == "status_date":
            return f"{prefix}-dates-{raw['relatives'][loc[1]]['statuses'][loc[3]]['status']}"
        return f"{prefix}-{field}"
    return str(loc[0]) if loc else "form"


def message_for(error: dict[str, Any], name: str) -> str:
    """A translated message for one pydantic error; never pydantic's own English."""
    kind = error.get("type", "")
    field = name.rsplit("-", 1)[-1]
    if kind == "string_too_long":
        return gettext("This is too long: at most %(num)d characters.", num=error["ctx"]["max_length"])
    if kind == "too_long":
        return gettext("Too many choices here.")
    if field in COUNTRY_FIELDS:
        return _country_message()
    if field in DATE_FIELDS or "-dates-" in name:  # relatives-0-dates-released: a status's date
        if "future" in str(error.get("msg", "")):
            return gettext("This date is in the future.")
        return _date_message()
    if kind in ("value_error", "literal_error", "enum", "string_pattern_mismatch"):
        return gettext("Choose one of the options shown.")
    return gettext("This value is not valid.")


def _country_message() -> str:
    return gettext("Choose a country from the list, or leave this empty.")


def _date_message() -> str:
    return gettext("Enter a date as year-month-day, or leave this empty.")
