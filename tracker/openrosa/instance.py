"""A submitted XForm instance (``xml_submission_file``) read into the web form's report shape.

The XML comes from a device, so it is parsed with defusedxml (no DTD, no entities, no external
references) and walked without recursion, within a size and element budget. Fields are found by
their local names, so a client that namespaces the instance (``orx:meta``) or nests groups
differently is read alike. What it yields is checked by ReportCreate, exactly like the web form's
and the API's input (tracker.intake.validation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

if TYPE_CHECKING:  # the type only: parsing is defusedxml's
    from xml.etree.ElementTree import Element  # nosec B405

from ..intake.validation import parse_date, typed_precision, with_sentence
from .xlsform import FORM_PREFIX

MAX_ELEMENTS = 5000  # far above a full form (20 relatives); a flood of elements is refused
REPEATS = frozenset({"relatives", "evidence"})
LISTS = frozenset({"targets", "tactics", "channels", "demands", "perpetrator_types"})
FLAGS = ("consent_contact", "consent_statistics", "consent_partners", "urgent_risk")
TEXTS = ("community", "place_text", "perpetrator_affiliation", "narrative", "contact", "place_country",
         "origin_country", "host_country")


class InstanceRejected(ValueError):
    """The instance cannot be read as a report; ``reason`` is a stable code, ``field`` the question."""

    def __init__(self, reason: str, field_name: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.field = field_name


@dataclass
class Instance:
    """What the instance says: its form, its instanceID, the report and the files it names."""

    form_id: str
    locale: str
    instance_id: str
    raw: dict[str, Any]
    files: list[str] = field(default_factory=list)


def _local(tag: object) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_instance(xml: bytes, locales: set[str]) -> Instance:
    """Read the instance; raise InstanceRejected when it is not one of our forms' instances."""
    try:
        root = fromstring(xml)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise InstanceRejected("not_xml") from exc
    form_id = root.get("id") or ""
    locale = form_id.removeprefix(FORM_PREFIX)
    if not form_id.startswith(FORM_PREFIX) or locale not in locales:
        raise InstanceRejected("unknown_form")
    top, repeats, count = _leaves(root)
    if count > MAX_ELEMENTS:
        raise InstanceRejected("too_large")
    instance_id = top.get("instanceID", "").strip()
    if not instance_id or len(instance_id) > 100:
        raise InstanceRejected("no_instance_id")
    raw = _report(top, locale)
    raw["relatives"] = [_relative(values) for values in repeats["relatives"] if any(values.values())]
    files = [name for values in [top, *repeats["evidence"]] for key, name in values.items()
             if key == "file" and name]
    return Instance(form_id, locale, instance_id, raw, files)


def _leaves(root: Element) -> tuple[dict[str, str], dict[str, list[dict[str, str]]], int]:
    """Leaf values outside repeats, and each repeat's leaf values, walked without recursion."""
    top: dict[str, str] = {}
    repeats: dict[str, list[dict[str, str]]] = {name: [] for name in REPEATS}
    stack: list[tuple[Element, dict[str, str]]] = [(child, top) for child in reversed(root)]
    count = 0
    while stack:
        element, values = stack.pop()
        count += 1
        if count > MAX_ELEMENTS:
            break
        name, children = _local(element.tag), list(element)
        if name in REPEATS and values is top:
            values = {}
            repeats[name].append(values)
        if children:
            stack.extend((child, values) for child in reversed(children))
        else:
            values[name] = (element.text or "").strip()
    return top, repeats, count


def _report(values: dict[str, str], locale: str) -> dict[str, Any]:
    """The report's fields in ReportCreate's shape, as tracker.intake.validation builds them."""
    raw: dict[str, Any] = {name: values.get(name) or None for name in TEXTS}
    raw.update({name: values.get(name, "").split() for name in LISTS})
    raw.update({name: bool(values.get(name)) for name in FLAGS})  # an acknowledged question holds "OK"
    raw["language"] = locale
    raw["intake_channel"] = "openrosa"
    raw["submitter_role"] = values.get("submitter_role") or "self"
    raw["event_date_precision"] = values.get("event_date_precision") or "unknown"
    raw["event_date"] = _date(values.get("event_date"), "event_date")
    return raw


def _relative(values: dict[str, str]) -> dict[str, Any]:
    """One relative's block, its statuses dated as the web form dates them."""
    chosen, roughly = values.get("statuses", "").split(), set(values.get("roughly", "").split())
    statuses = []
    for code in chosen:
        typed = values.get(f"date_{code}", "")
        when = _date(typed, f"date_{code}")
        statuses.append({"status": code, "status_date": when,
                         "date_precision": typed_precision(typed, code in roughly) if when else "unknown"})
    errors: dict[str, str] = {}
    statuses = with_sentence(statuses, _Typed("sentence_years", values.get("sentence_years", "")), errors)
    if errors:
        raise InstanceRejected("sentence", "sentence_years")
    if not values.get("relationship_type"):  # the web form refuses a relative's block without it too
        raise InstanceRejected("relationship", "relationship_type")
    return {"relationship_type": values["relationship_type"],
            "residence_country": values.get("residence_country") or None,
            "residence_place": values.get("residence_place") or None,
            "statuses": statuses, "in_retaliation": values.get("in_retaliation") or "unknown",
            "details": values.get("details") or None}


@dataclass(frozen=True)
class _Typed:
    """A typed answer in the shape validation.with_sentence reads (a field's name and data)."""

    name: str
    data: str


def _date(text: str | None, name: str):
    """A date answer (a full date from a date question, or a typed year or month)."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise InstanceRejected("date", name) from exc
