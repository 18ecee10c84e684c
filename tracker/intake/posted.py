"""A posted report form read straight from the request, as WTForms would read it, without WTForms.

Building the WTForms ReportForm binds ~60 field objects (each relative's block another 25) and
was a sixth of a submission's CPU (issue 17, item 4), yet a report that is accepted never shows
the form again. So ``POST /report`` reads its values through ``posted_report()``: the same
field names and the same ``.data`` each WTForms field would hold (a missing select takes its
default, a checkbox is false when missing or "false", relatives' blocks are renumbered from 0
in the order of their indexes, at most ``max_entries``), and the validation in validation.py
runs unchanged on either. Only a form that must be shown again (errors, the honeypot, "add a
relative") is built with WTForms, which then renders what was typed.

How each field is read is worked out once per process from the form classes themselves, so a
field added to ReportForm is read here too; a kind of field this module does not know stops
the app at the first submission instead of being read wrongly (tests/intake/test_posted.py
compares both readings).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from flask import request
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict, MultiDict
from wtforms import BooleanField, FieldList, FileField, Form, FormField, SelectField, SelectMultipleField, StringField
from wtforms.fields.core import UnboundField

from .forms import RelativeForm, ReportForm

# A field reader: the posted values of one name -> the field's .data.
Reader = Callable[[list[Any]], Any]


class PostedField:
    """One field as posted: its full name, its name within its form, and its data."""

    __slots__ = ("name", "short_name", "data")

    def __init__(self, name: str, short_name: str, data: Any):
        self.name, self.short_name, self.data = name, short_name, data


class PostedForm:
    """A form's fields as posted, as attributes (``form.narrative.data``), in the form's order."""

    def __init__(self, fields: dict[str, Any]):
        self.__dict__.update(fields)
        self._order = list(fields)

    def __iter__(self) -> Iterator[Any]:
        return (getattr(self, name) for name in self._order)

    @property
    def data(self) -> dict[str, Any]:
        """Like a WTForms FormField's data: each field's data by its name."""
        return {name: getattr(self, name).data for name in self._order}


class PostedRelative(PostedForm):
    """A relative's block as posted; asks whether it is blank the way RelativeForm does."""

    is_blank = RelativeForm.is_blank


class PostedEntry:
    """One entry of a FieldList as posted: its (renumbered) name and its form."""

    __slots__ = ("name", "form")

    def __init__(self, name: str, form: PostedForm):
        self.name, self.form = name, form


def unbound_fields(form_class: type[Form]) -> list[tuple[str, UnboundField]]:
    """A form class's fields in the order WTForms binds them (by creation)."""
    fields = [(name, getattr(form_class, name)) for name in dir(form_class) if not name.startswith("_")]
    fields = [(name, field) for name, field in fields if isinstance(field, UnboundField)]
    return sorted(fields, key=lambda item: (item[1].creation_counter, item[0]))


def _default(field: UnboundField) -> Any:
    default = field.kwargs.get("default")
    return default() if callable(default) else default


def reader(field: UnboundField) -> Reader | None:
    """How WTForms turns the posted values of one plain field into its data (its
    ``process_formdata`` on ``formdata.getlist(name)``); None for files, which are read apart."""
    kind = field.field_class
    if field.kwargs.get("filters") or field.kwargs.get("coerce", str) is not str:
        raise NotImplementedError(f"{kind.__name__} with filters or coerce is not read by posted_report")
    if issubclass(kind, FileField):
        return None
    if issubclass(kind, BooleanField):  # SubmitField too
        false_values = field.kwargs.get("false_values") or BooleanField.false_values
        return lambda values: bool(values) and values[0] not in false_values
    if issubclass(kind, SelectMultipleField):
        return lambda values: [str(value) for value in values]
    if issubclass(kind, SelectField):
        default = _default(field)
        return lambda values: str(values[0]) if values else default
    if issubclass(kind, StringField):  # TextAreaField, HiddenField
        default = _default(field)
        return lambda values: values[0] if values else default
    raise NotImplementedError(f"posted_report cannot read a {kind.__name__}")


@cache
def layout(form_class: type[Form]) -> tuple[tuple[str, str, Any], ...]:
    """(name, kind, how) of each field of a form class: ("plain", reader), ("form", sub-layout)
    or ("list", (entry layout, entry form class, max entries)). Worked out once per process."""
    fields = []
    for name, field in unbound_fields(form_class):
        kind = field.field_class
        if issubclass(kind, FieldList):
            entry = field.args[0]
            if not issubclass(entry.field_class, FormField):
                raise NotImplementedError("posted_report reads lists of forms only")
            fields.append((name, "list", (layout(entry.args[0]), field.kwargs.get("max_entries"))))
        elif issubclass(kind, FormField):
            fields.append((name, "form", layout(field.args[0])))
        else:
            read = reader(field)
            if read is not None:
                fields.append((name, "plain", read))
    return tuple(fields)


def _read(formdata: MultiDict, fields: tuple, prefix: str, form_type: type[PostedForm],
          named: str | None = None) -> PostedForm:
    """One form's fields as posted under ``prefix`` (``relatives-3-``), named under ``named``
    (default: the same). WTForms renumbers a list's entries from 0 after reading them, names
    of their fields included, so relatives-3-details read from the request is relatives-0-details."""
    named = prefix if named is None else named
    values: dict[str, Any] = {}
    for name, kind, how in fields:
        full, full_name = prefix + name, named + name
        if kind == "plain":
            values[name] = PostedField(full_name, name, how(formdata.getlist(full)))
        elif kind == "form":
            values[name] = _read(formdata, how, full + "-", PostedForm, full_name + "-")
        else:
            entry_fields, max_entries = how
            values[name] = [PostedEntry(f"{full_name}-{number}", _read(formdata, entry_fields, f"{full}-{index}-",
                                                                       PostedRelative, f"{full_name}-{number}-"))
                            for number, index in enumerate(_indices(formdata, full, max_entries))]
    return form_type(values)


def _indices(formdata: MultiDict, prefix: str, max_entries: int | None) -> list[int]:
    """The entry numbers posted for a FieldList, as WTForms finds them: sorted, at most max_entries."""
    offset = len(prefix) + 1
    found = sorted({int(part) for key in formdata if key.startswith(prefix)
                    for part in [key[offset:].split("-", 1)[0]] if part.isdigit()})
    return found[:max_entries] if max_entries else found


def _formdata() -> MultiDict | None:
    """What Flask-WTF would give the form on this request (FlaskForm.Meta.wrap_formdata)."""
    if request.files:
        return CombinedMultiDict((request.files, request.form))
    if request.form:
        return request.form
    if request.is_json:
        return ImmutableMultiDict(request.get_json())
    return None


def posted_report() -> PostedForm | None:
    """The posted report form, or None when nothing was posted (WTForms then reads every field
    as its default: the caller builds ReportForm)."""
    formdata = _formdata()
    if formdata is None:
        return None
    return _read(formdata, layout(ReportForm), "", PostedForm)
