"""The app's configured languages, for parametrizing browser tests at collection time.

Read from the catalogs folder the same way the app registers languages (tracker.i18n), so a
language added with `flask translate add` is tested as soon as its catalog exists.
"""
from __future__ import annotations

from pathlib import Path

from tracker.i18n import find_languages

TRANSLATIONS = Path(__file__).resolve().parents[2] / "tracker" / "translations"
LANGUAGES: dict[str, tuple[str, str]] = find_languages(TRANSLATIONS)
