"""Text from reporters cannot reorder the page around it (issue 16, item 5).

A right-to-left override (U+202E) or another embedding, override or isolate control in a
narrative or a name would, on a staff page, run on into the app's own labels and reverse them:
"Status: rejected" could read as something else, or a name could pass as another. Every value a
template prints has these controls replaced by a visible marker such as ``[RLO U+202E]``, so a
caseworker sees that they were sent and they act on nothing; ``|isolate`` also wraps reporter
text in ``<bdi dir="auto">``, so right-to-left names and narratives (Uyghur, Arabic script) take
their own direction without reordering the labels beside them. The marks RLM, LRM and ALM that
right-to-left writing needs are left alone: they affect neighbouring characters only.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from markupsafe import Markup

CONTROLS = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
            "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI"}
_VISIBLE = str.maketrans({char: f"[{name} U+{ord(char):04X}]" for char, name in CONTROLS.items()})


def show_controls(text: str) -> str:
    """The text with every embedding, override and isolate control spelt out as a marker."""
    return text.translate(_VISIBLE)


def finalize(value: Any) -> Any:
    """Jinja's hook for every printed value: plain strings lose their controls; markup the app
    built itself (forms, SVG) is left as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return show_controls(value)
    return value


def isolate(value: Any) -> Markup:
    """Reporter text as an isolated run of its own direction: ``<bdi dir="auto">…</bdi>``."""
    return Markup('<bdi dir="auto">{}</bdi>').format(show_controls(str(value)))


def init_app(app: Flask) -> None:
    """Install the hook and the filter before any template is compiled."""
    app.jinja_env.finalize = finalize
    app.jinja_env.filters["isolate"] = isolate
