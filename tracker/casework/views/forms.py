"""Reading posted forms into the data models that validate them (no WTForms: CSRF is global)."""
from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel
from werkzeug.datastructures import MultiDict


def _is_list(annotation: Any) -> bool:
    """Whether a field holds a list (a multi-select or repeated inputs)."""
    if typing.get_origin(annotation) is list:
        return True
    return any(typing.get_origin(arg) is list for arg in typing.get_args(annotation))


def read_form(model: type[BaseModel], form: MultiDict, **extra: Any) -> Any:
    """Validate a form against a data model; empty inputs mean "not given"."""
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in extra:
            continue
        if _is_list(info.annotation):
            values[name] = [value for value in form.getlist(name) if value.strip()]
        elif form.get(name, "").strip():
            values[name] = form[name]
    return model.model_validate(values | extra)


def read_names(form: MultiDict) -> list[dict[str, str]]:
    """A person's names from paired ``name`` and ``script`` inputs; blank rows are skipped."""
    scripts = form.getlist("script")
    names = []
    for index, name in enumerate(form.getlist("name")):
        if name.strip():
            script = scripts[index] if index < len(scripts) and scripts[index] else "Latn"
            names.append({"name": name, "script": script})
    return names
