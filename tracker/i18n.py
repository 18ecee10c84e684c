"""Languages: Flask-Babel, the reporter's choice of language, and text direction."""
from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel, get_locale

# Code -> (name in its own script, text direction). Babel locale identifiers.
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "ltr"),
    "zh_Hans": ("简体中文", "ltr"),
    "zh_Hant": ("繁體中文", "ltr"),
    "ug": ("ئۇيغۇرچە", "rtl"),
    "bo": ("བོད་ཡིག", "ltr"),
}
DEFAULT_LANGUAGE = "en"


def select_locale() -> str:
    """An explicit choice (``?lang=``, kept in the session cookie CSRF needs anyway), else the
    browser's Accept-Language, else English. No extra cookie for the language (DESIGN §2)."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    remembered = session.get("lang")
    if remembered in LANGUAGES:
        return remembered
    return _from_accept_language() or DEFAULT_LANGUAGE


def _from_accept_language() -> str | None:
    """Map Accept-Language (zh-CN, zh-TW, zh-HK, ug-CN, bo...) onto the languages we have."""
    aliases = {
        "zh-hans": "zh_Hans", "zh-cn": "zh_Hans", "zh-sg": "zh_Hans", "zh": "zh_Hans",
        "zh-hant": "zh_Hant", "zh-tw": "zh_Hant", "zh-hk": "zh_Hant", "zh-mo": "zh_Hant",
    }
    for value, _quality in request.accept_languages:
        tag = value.lower().replace("_", "-")
        if tag in aliases:
            return aliases[tag]
        base = tag.split("-")[0]
        if base in LANGUAGES and base != "zh":
            return base
        if tag.startswith("zh-hant"):
            return "zh_Hant"
    return None


def text_direction() -> str:
    """"rtl" for Uyghur, else "ltr"; templates put it on <html dir>."""
    return LANGUAGES.get(str(get_locale()), ("", "ltr"))[1]


def html_lang() -> str:
    """The BCP 47 tag for <html lang>."""
    return str(get_locale()).replace("_", "-")


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the catalogs under tracker/translations."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES, text_direction=text_direction, html_lang=html_lang
    )
