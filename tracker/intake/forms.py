"""The reporter's forms (Flask-WTF). They carry and redisplay what was typed; the checking is
done by the data models in tracker.models.inputs, through tracker.intake.validation.

Nothing identifying is mandatory (issue 3), so no field here is required. Choices are the
taxonomy's codes; the templates show each code's translated label and definition.
"""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from .. import taxonomy
from ..models.base import LONG_TEXT, SHORT_TEXT

MAX_RELATIVES = 10

# The form's long parts, each folded in a <details> that opens on request, so that a short
# report fits in three phone screens (issue 14). Each part names the fields it holds.
FOLDED_PARTS: dict[str, tuple[str, ...]] = {
    "about": ("submitter_role", "targets", "community"),
    "what": ("tactics",),
    "when-where": ("event_date", "event_date_precision", "place_text", "place_country",
                   "host_country", "origin_country"),
    "how-who": ("channels", "perpetrator_types", "perpetrator_affiliation", "demands"),
    "relatives": ("relatives",),
    "files": ("evidence",),
    "contact": ("contact",),
}


def new_retry_token() -> str:
    """A fresh retry token (idempotency key) for a form load, or for a POST that came without one."""
    return secrets.token_urlsafe(24)


def answered(field) -> bool:
    """True when a field holds something the person chose or typed (not just its default)."""
    if isinstance(field, MultipleFileField):  # files never survive a reload; only errors open
        return False
    if isinstance(field, FieldList):
        return len(field) > 0
    if isinstance(field, FormField):
        return any(answered(sub) for sub in field)
    return field.data not in (None, "", [], field.default)


def has_error_in(errors: dict[str, str], names) -> bool:
    """True when one of the errors belongs to a field named in `names` or nested under one."""
    return any(key == name or key.startswith(f"{name}-") for key in errors for name in names)


def _codes(vocabulary: str) -> list[SelectChoice]:
    """The vocabulary's codes; labels are translated at render time from the taxonomy."""
    return [SelectChoice(t.code, t.code) for t in taxonomy.terms(vocabulary)]


def _optional_codes(vocabulary: str) -> list[SelectChoice]:
    """A code list whose first choice is "not said"."""
    return [SelectChoice("", ""), *_codes(vocabulary)]


def _status_dates_form() -> type[Form]:
    """A sub-form with one optional date per relative status (``relatives-0-dates-detained...``).

    Each thing that happened to a relative has its own date: a detention in 2017 and a release
    in 2023 are two facts. Plain text inputs, not date pickers, so a year or a month can be
    typed; how precise the date is follows from what was typed (validation.status_entries).
    """
    # No inputmode="numeric": phone keyboards then lack the "-" of 2019-05.
    fields = {t.code: StringField(render_kw={"maxlength": 10}) for t in taxonomy.terms("relative_status")}
    return type("StatusDates", (Form,), fields)


class RelativeForm(Form):
    """One relative at home: who they are to the reporter and what happened to them, when."""

    relationship_type = SelectField(_l("Who are they to you?"), choices=_optional_codes("relationship_type"))
    residence_country = StringField(_l("Country where they live"), render_kw={"maxlength": 80})
    residence_place = StringField(_l("Town or region (optional)"), render_kw={"maxlength": SHORT_TEXT})
    statuses = SelectMultipleField(_l("What happened to them, and when?"), choices=_codes("relative_status"))
    dates = FormField(_status_dates_form())
    # The statuses whose date is a guess ("estimate" precision).
    roughly = SelectMultipleField(_l("Roughly"), choices=_codes("relative_status"))
    # Issue 12: a prison sentence, in years as people say it; stored in months on "imprisoned".
    sentence_years = StringField(_l("If they were sentenced to prison: for how many years?"),
                                 render_kw={"maxlength": 5, "inputmode": "decimal"})
    in_retaliation = SelectField(_l("Do you think it was because of you or your activities abroad?"),
                                 choices=_codes("retaliation"), default="unknown")
    details = TextAreaField(_l("Anything else about them (optional)"), render_kw={"maxlength": LONG_TEXT})

    def statuses_open(self, errors: dict[str, str]) -> bool:
        """True when the "what happened to them" part holds a tick, a date or an error: a reload
        then shows it open, so nothing typed is hidden (issue 14)."""
        parts = (self.statuses, self.roughly, self.dates)
        return any(answered(field) for field in parts) or has_error_in(errors, [f.name for f in parts])

    def is_blank(self) -> bool:
        """True when the reporter left this relative's block untouched."""
        return not (self.relationship_type.data or self.statuses.data or self.residence_country.data
                    or self.residence_place.data or self.details.data or any(self.dates.data.values())
                    or self.sentence_years.data)


class ReportForm(FlaskForm):
    """The report form: what happened, when, where, how, who, to whom; relatives; consent."""

    class Meta:
        def get_translations(self, form):
            """None: WTForms' own messages never reach a reporter (validation.py writes every
            message), and Flask-WTF would otherwise read WTForms' catalog from disk on every
            submission just to name the unlabelled hidden fields."""
            return None

    # A random token per form load: a retried POST (double click, flaky network) finds the
    # report the first POST made instead of creating a second one (issue 3, §5).
    idempotency_key = HiddenField()
    # Honeypot: hidden from people by CSS and from screen readers; bots fill every field.
    website = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})
    # Nothing is pre-selected or pre-ticked (issue 14): a question left unanswered gets the same
    # value from the form and the API (validation.py, README "Unanswered questions").
    submitter_role = SelectField(_l("Who are you reporting for?"), choices=_codes("submitter_role"))
    targets = SelectMultipleField(_l("Who was targeted?"), choices=_codes("report_target"))
    community = SelectField(_l("Community (optional)"), choices=_optional_codes("community"))
    tactics = SelectMultipleField(_l("What happened?"), choices=_codes("tactic"))
    event_date = StringField(_l("When did it happen?"), render_kw={"type": "date"})
    event_date_precision = SelectField(_l("How sure are you of the date?"),
                                       choices=_codes("date_precision"), default="unknown")
    place_text = StringField(_l("Where did it happen? (town, region; optional)"),
                             render_kw={"maxlength": SHORT_TEXT})
    place_country = StringField(_l("Country where it happened"), render_kw={"maxlength": 80})
    origin_country = StringField(_l("Which country's government do you think is behind it?"),
                                 render_kw={"maxlength": 80})
    host_country = StringField(_l("Country where you live now"), render_kw={"maxlength": 80})
    channels = SelectMultipleField(_l("How did they reach you or your family?"), choices=_codes("channel"))
    perpetrator_types = SelectMultipleField(_l("Who did it?"), choices=_codes("perpetrator_type"))
    perpetrator_affiliation = StringField(_l("Did they say who they work for? (optional)"),
                                          render_kw={"maxlength": SHORT_TEXT})
    demands = SelectMultipleField(_l("What did they want from you?"), choices=_codes("demand"))
    relatives = FieldList(FormField(RelativeForm), min_entries=0, max_entries=MAX_RELATIVES)
    add_relative = SubmitField(_l("Add another relative"))
    narrative = TextAreaField(_l("Tell us what happened, in your own words"),
                              render_kw={"maxlength": LONG_TEXT, "rows": 6})
    evidence = MultipleFileField(_l("Photos, screenshots, documents or recordings (optional)"))
    contact = StringField(_l("How can we reach you safely? (optional)"), render_kw={"maxlength": SHORT_TEXT})
    consent_contact = BooleanField(_l("You may contact me about this report"))
    consent_statistics = BooleanField(_l("You may count this report in anonymous statistics"))
    consent_partners = BooleanField(_l("You may share this report with trusted partner organisations"))
    urgent_risk = BooleanField(_l("I or someone I report about may be in danger now"))
    submit = SubmitField(_l("Send report"))

    def part_is_open(self, part: str, errors: dict[str, str]) -> bool:
        """True when a folded part holds an answer or an error: it is then shown open after a
        reload, so what was typed is never hidden behind a closed <details>."""
        names = FOLDED_PARTS[part]
        return any(answered(getattr(self, name)) for name in names) or has_error_in(errors, names)

    def ensure_idempotency_key(self) -> None:
        """Give a freshly loaded form its retry token (kept as is when the form is re-shown)."""
        if not self.idempotency_key.data:
            self.idempotency_key.data = new_retry_token()


class ReceiptForm(FlaskForm):
    """Enter a receipt code to come back to a report."""

    receipt = StringField(_l("Your receipt code"), render_kw={
        "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": 40})
    submit = SubmitField(_l("Open my report"))


class ReplyForm(FlaskForm):
    """Answer the caseworker."""

    body = TextAreaField(_l("Your answer"), render_kw={"maxlength": LONG_TEXT, "rows": 5})
    submit = SubmitField(_l("Send answer"))


class AddInformationForm(FlaskForm):
    """Add information or evidence to a report already sent (kept as a new, linked report)."""

    narrative = TextAreaField(_l("What would you like to add?"), render_kw={"maxlength": LONG_TEXT, "rows": 6})
    evidence = MultipleFileField(_l("More files (optional)"))
    # Issue 12: news about a relative (released, sentenced, no proof of life...) as facts, so the
    # caseworker sees it as an update on the person that relative became.
    relatives = FieldList(FormField(RelativeForm), min_entries=1, max_entries=1)
    submit = SubmitField(_l("Add to my report"))


class DeleteForm(FlaskForm):
    """Confirm deleting the report."""

    confirm = BooleanField(_l("Yes, delete my report and everything I sent with it"))
    submit = SubmitField(_l("Delete my report"))


class LeaveForm(FlaskForm):
    """Close the report on this device."""

    submit = SubmitField(_l("Close my report on this device"))
