"""The reporter form as an XForm for ODK Collect, Kobo and Tella, built with pyxform.

An XLSForm (its three sheets as Python rows, never a file) is generated from the taxonomy and
the web form's own labels (tracker.intake.forms), so the offline form asks what the web form
asks, in the same words and the same catalog languages: nothing here needs translating twice.
There is one form per reporter language; each carries every language as XForm ``itext`` (the
collector can switch language in the client), opens in its own, and its form id says which
language the report was given in.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask_babel import force_locale, gettext

from .. import taxonomy
from ..intake import reporter_country_names
from ..intake.forms import ReportForm, RelativeForm

FORM_PREFIX = "tnr_report_"
# Lists that are a taxonomy vocabulary, by the name the XLSForm gives them.
VOCABULARY_LISTS = ("submitter_role", "report_target", "community", "tactic", "date_precision", "channel",
                    "perpetrator_type", "demand", "relationship_type", "relative_status", "retaliation")
# A relative's status date, typed as on the web form: a year, a year and month, or a full date.
PARTIAL_DATE = r"regex(., '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$')"


@dataclass(frozen=True)
class Question:
    """One row of the survey sheet; ``label`` and ``hint`` are msgids (or form fields)."""

    type: str
    name: str
    label: object = None
    hint: str | None = None
    extra: tuple[tuple[str, str], ...] = ()


def _label(unbound) -> str:
    """The (lazy) label of a WTForms field declared on a form class."""
    return unbound.args[0] if unbound.args else unbound.kwargs["label"]


def _questions() -> list[Question]:
    """The survey, in the web form's order (templates/intake/report_form.html)."""
    f, r = ReportForm, RelativeForm
    country = (("appearance", "autocomplete"),)
    dates = [Question("text", f"date_{t.code}", t.label, "_date_hint",
                      (("relevant", f"selected(${{statuses}}, '{t.code}')"), ("constraint", PARTIAL_DATE),
                       ("constraint_message", "_date_message")))
             for t in taxonomy.terms("relative_status")]
    return [
        Question("acknowledge", "urgent_risk", _label(f.urgent_risk),
                 "We will look at your report first and show you where to get help now."),
        Question("begin group", "about", "About you"),
        Question("select_one submitter_role", "submitter_role", _label(f.submitter_role)),
        Question("select_multiple report_target", "targets", _label(f.targets)),
        Question("select_one community", "community", _label(f.community)),
        Question("end group", ""),
        Question("begin group", "what", "What happened"),
        Question("select_multiple tactic", "tactics", _label(f.tactics)),
        Question("end group", ""),
        Question("begin group", "when_where", "When and where"),
        Question("date", "event_date", _label(f.event_date), "If you do not know the exact day, choose any day "
                 "in that month or year and say so below."),
        Question("select_one date_precision", "event_date_precision", _label(f.event_date_precision)),
        Question("text", "place_text", _label(f.place_text), "As precise as you are comfortable with. This stays "
                 "on our server; it is never sent to a map service."),
        Question("select_one country", "place_country", _label(f.place_country), extra=country),
        Question("select_one country", "host_country", _label(f.host_country), extra=country),
        Question("select_one country", "origin_country", _label(f.origin_country), extra=country),
        Question("end group", ""),
        Question("begin group", "how_who", "How and who"),
        Question("select_multiple channel", "channels", _label(f.channels)),
        Question("select_multiple perpetrator_type", "perpetrator_types", _label(f.perpetrator_types)),
        Question("text", "perpetrator_affiliation", _label(f.perpetrator_affiliation)),
        Question("select_multiple demand", "demands", _label(f.demands)),
        Question("end group", ""),
        Question("begin repeat", "relatives", "Your relatives"),
        Question("select_one relationship_type", "relationship_type", _label(r.relationship_type),
                 extra=(("required", "yes"),)),
        Question("select_one country", "residence_country", _label(r.residence_country), extra=country),
        Question("text", "residence_place", _label(r.residence_place)),
        Question("select_multiple relative_status", "statuses", _label(r.statuses)),
        *dates,
        Question("select_multiple relative_status", "roughly", _label(r.roughly),
                 extra=(("choice_filter", "selected(${statuses}, name)"),
                        ("relevant", "count-selected(${statuses}) > 0"))),
        Question("decimal", "sentence_years", _label(r.sentence_years),
                 extra=(("relevant", "selected(${statuses}, 'imprisoned')"),)),
        Question("select_one retaliation", "in_retaliation", _label(r.in_retaliation)),
        Question("text", "details", _label(r.details), extra=(("appearance", "multiline"),)),
        Question("end repeat", ""),
        Question("text", "narrative", _label(f.narrative), "What happened, who was involved, what they said. "
                 "Write in any language.", (("appearance", "multiline"),)),
        Question("begin repeat", "evidence", _label(f.evidence)),
        Question("file", "file", _label(f.evidence), "_files_hint"),
        Question("end repeat", ""),
        Question("begin group", "may", "What we may do"),
        Question("acknowledge", "consent_statistics", _label(f.consent_statistics),
                 "Only counts, never your words or any name."),
        Question("acknowledge", "consent_contact", _label(f.consent_contact)),
        Question("acknowledge", "consent_partners", _label(f.consent_partners)),
        Question("end group", ""),
        Question("text", "contact", _label(f.contact), "For example a Signal number or an email address only "
                 "you read. You can also leave this empty and check for messages with your receipt."),
    ]


def _translated(text, limits: dict[str, int]) -> str:
    """A msgid, lazy string or computed hint in the current locale."""
    if text == "_date_hint":
        return gettext("Enter a date as year-month-day, or leave this empty.")
    if text == "_date_message":
        return gettext("Enter a date as year-month-day, or leave this empty.")
    if text == "_files_hint":
        return gettext("Up to %(num)d files, %(mb)d MB each. Location and camera details are removed from photos.",
                       num=limits["files"], mb=limits["file_mb"])
    return gettext(text) if isinstance(text, str) else str(text)


def language_column(locale: str, names: dict[str, tuple[str, str]]) -> str:
    """pyxform's language name, "Name (code)": clients read the BCP 47 code in the brackets
    (Uyghur's ``ug`` is what makes ODK Collect lay a form out right to left)."""
    return f"{names[locale][0]} ({locale.replace('_', '-')})"


def form_sheets(names: dict[str, tuple[str, str]], limits: dict[str, int]) -> tuple[list[dict], list[dict]]:
    """The XLSForm's survey and choices sheets, with every language's labels and hints."""
    survey = [dict(type=q.type, name=q.name, **dict(q.extra)) for q in _questions()]
    choices = [dict(list_name=name, name=t.code) for name in VOCABULARY_LISTS for t in taxonomy.terms(name)]
    choices += [dict(list_name="country", name=code) for code in reporter_country_names("en")]
    for language in names:
        column = language_column(language, names)
        with force_locale(language):
            for row, question in zip(survey, _questions(), strict=True):
                for key, text in (("label", question.label), ("hint", question.hint),
                                  ("constraint_message", dict(question.extra).get("constraint_message"))):
                    if text:
                        row[f"{key}::{column}"] = _translated(text, limits)
            for row in choices:
                row[f"label::{column}"] = _choice_label(row["list_name"], row["name"], language)
    for row in survey:
        row.pop("constraint_message", None)  # the msgid marker; the translated columns stay
    return survey, choices


def _choice_label(list_name: str, code: str, language: str) -> str:
    """A choice's label: the taxonomy's term, or a country's name in that language."""
    if list_name == "country":
        return reporter_country_names(language)[code]
    return str(taxonomy.term(list_name, code).label)


def _title(locale: str, names: dict[str, tuple[str, str]]) -> str:
    """The form's title in the client's form list: "Send a report" in its language, and which language."""
    with force_locale(locale):
        return f"{gettext('Send a report')} ({names[locale][0]})"


@dataclass(frozen=True)
class BuiltForm:
    """One generated XForm and what the form list says about it."""

    form_id: str
    locale: str
    title: str
    version: str
    xml: bytes

    @property
    def md5(self) -> str:
        """The hash the form list gives, so a client downloads the form again only when it changed."""
        return "md5:" + hashlib.md5(self.xml, usedforsecurity=False).hexdigest()


class FormBuilder:
    """The XForms of one app, generated with pyxform once and kept in ``folder``.

    Generating one takes about a second (ten languages, ~250 countries each), so each is written
    to the instance folder under its content's digest and read from there afterwards, by every
    worker and after a restart. The version is that digest: any change to the taxonomy, a label
    or a translation gives a new version, and clients fetch the new form.
    """

    def __init__(self, folder: Path, names: dict[str, tuple[str, str]], limits: dict[str, int]):
        self.folder, self.names, self.limits = folder, names, limits
        self._sheets: tuple[list[dict], list[dict], str] | None = None
        self._built: dict[str, BuiltForm] = {}

    def sheets(self) -> tuple[list[dict], list[dict], str]:
        """The survey and choices sheets, and their digest (the forms' version)."""
        if self._sheets is None:
            survey, choices = form_sheets(self.names, self.limits)
            version = hashlib.sha256(json.dumps([survey, choices], sort_keys=True).encode()).hexdigest()[:12]
            self._sheets = survey, choices, version
        return self._sheets

    def form(self, locale: str) -> BuiltForm:
        """The XForm that opens in ``locale`` (KeyError for a language the app does not have)."""
        if locale not in self._built:
            survey, choices, version = self.sheets()
            title = _title(locale, self.names)
            path = self.folder / f"{FORM_PREFIX}{locale}-{version}.xml"
            try:
                xml = path.read_bytes()
            except FileNotFoundError:
                from pyxform.xls2xform import convert  # ~0.3 s to import: only when a form is built

                settings = [{"form_id": FORM_PREFIX + locale, "version": version, "form_title": title,
                             "default_language": language_column(locale, self.names)}]
                xml = convert({"survey": survey, "choices": choices, "settings": settings},
                              form_name="data").xform.encode("utf-8")
                _write_atomically(path, xml)
            self._built[locale] = BuiltForm(FORM_PREFIX + locale, locale, title, version, xml)
        return self._built[locale]

    def forms(self) -> list[BuiltForm]:
        """Every language's form, in the languages' order."""
        return [self.form(locale) for locale in self.names]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (two workers may build the same form at once)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)
