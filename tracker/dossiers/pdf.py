"""HTML to PDF through WeasyPrint, with local fonts only and no fetching at all.

WeasyPrint would fetch any URL a document names (a stylesheet, an image, a web font). A dossier
names none, and ``LocalOnlyFetcher`` makes sure of it: every fetch is refused and stops the
rendering, so no request about a case can leave the server (DESIGN §2). Glyphs come from the
Debian Noto fonts through fontconfig, picked per script by the stylesheet's font stacks
(templates/dossiers/_style.css). This module is imported only when a PDF is made: WeasyPrint
loads Pango through cffi.
"""
from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher


class FetchRefused(ValueError):
    """A dossier asked for something outside itself."""


class LocalOnlyFetcher(URLFetcher):
    """Refuses every URL (http, https, ftp, file, data); ``refused`` lists what was asked."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True, allowed_protocols=())
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None):
        """Refuse, which stops the rendering (WeasyPrint raises ``FatalURLFetchingError``)."""
        self.refused.append(url)
        raise FetchRefused(f"a dossier fetches nothing: {url[:80]}")


def html_to_pdf(html: str, fetcher: LocalOnlyFetcher | None = None) -> bytes:
    """Typeset HTML into PDF; any URL in it raises ``weasyprint.urls.FatalURLFetchingError``."""
    return HTML(string=html, url_fetcher=fetcher or LocalOnlyFetcher()).write_pdf()
