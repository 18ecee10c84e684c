"""The dossier as HTML, from templates/dossiers/, in the language the caseworker chose."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from .. import taxonomy
from ..casework.dates import shown_date
from ..countries import country_name
from .consent import METHODS
from .content import REDACTIONS, Dossier


def dossier_html(dossier: Dossier, language: str) -> str:
    """The dossier as an HTML document, in the chosen language (labels, headings, dates)."""
    template = "dossiers/police.html" if dossier.mechanism == "referral_host_police" else "dossiers/un.html"
    with force_locale(language):
        return render_template(
            template, dossier=dossier, language=language.replace("_", "-"), label=taxonomy.label, when=shown_date,
            country=lambda code: country_name(code, language), consent_method=lambda code: str(METHODS[code]),
            redaction=lambda code: str(REDACTIONS[code]))
