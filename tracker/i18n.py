"""Languages: Flask-Babel, the reporter's choice of language, text direction, `flask translate`."""
from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import click
from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, request, session
from flask.cli import AppGroup
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l

DEFAULT_LANGUAGE = "en"
# Names in their own script for the language switcher, in the order shown. A language added
# later with `flask translate add` is shown under its CLDR name until one is written here.
NATIVE_NAMES: dict[str, str] = {
    "en": "English",
    "zh_Hans": "简体中文",
    "zh_Hant": "繁體中文",
    "ug": "ئۇيغۇرچە",
    "bo": "བོད་ཡིག",
    "es": "Español",
    "fr": "Français",
    "km": "ខ្មែរ",
    "ti": "ትግርኛ",
    "rw": "Ikinyarwanda",
}
# Staff roles, which the templates translate from a variable (`_(user.role)`): extraction cannot
# see a variable, so the msgids are marked here (tracker/staff/accounts.py ROLES).
ROLE_NAMES = (_l("caseworker"), _l("analyst"), _l("admin"))
# Accept-Language tags that name a region rather than a script (zh-TW, zh-HK...).
_TRADITIONAL_CHINESE_REGIONS = frozenset({"tw", "hk", "mo"})
_EXTENSION_KEY = "tracker.languages"


def find_languages(translations: Path) -> dict[str, tuple[str, str]]:
    """English plus every language with a catalog under `translations`: code -> (name, direction).

    A catalog directory is what registers a language, so adding one is one command.
    """
    found = {path.parent.parent.name for path in translations.glob("*/LC_MESSAGES/messages.po")}
    ordered = [code for code in NATIVE_NAMES if code in found or code == DEFAULT_LANGUAGE]
    ordered += sorted(found - set(ordered))
    languages = {}
    for code in ordered:
        locale = Locale.parse(code)
        # CLDR knows the script's direction: Uyghur's Arabic script is right-to-left.
        languages[code] = (NATIVE_NAMES.get(code) or locale.display_name, locale.text_direction)
    return languages


def languages() -> dict[str, tuple[str, str]]:
    """The current app's languages (see find_languages)."""
    return current_app.extensions[_EXTENSION_KEY]


def select_locale() -> str:
    """An explicit choice (``?lang=``, kept in the session cookie CSRF needs anyway), else the
    browser's Accept-Language, else English. No extra cookie for the language (DESIGN §2)."""
    available = languages()
    chosen = request.args.get("lang")
    if chosen in available:
        session["lang"] = chosen
        return chosen
    remembered = session.get("lang")
    if remembered in available:
        return remembered
    return _from_accept_language(available) or DEFAULT_LANGUAGE


def _from_accept_language(available: dict[str, tuple[str, str]]) -> str | None:
    """The best of the browser's languages (highest quality first) that we have, or None."""
    for value, _quality in request.accept_languages:
        code = match_language_tag(value, available)
        if code:
            return code
    return None


def match_language_tag(tag: str, available: dict[str, tuple[str, str]]) -> str | None:
    """Map one BCP 47 tag (zh-CN, zh-Hant-HK, zh-TW, ug-CN, bo...) onto an available code."""
    parts = tag.lower().replace("_", "-").split("-")
    base = parts[0]
    if base == "zh":
        # Script first (zh-Hant-CN is Traditional), then region; plain "zh" is Simplified.
        traditional = "hant" in parts or (
            "hans" not in parts and bool(_TRADITIONAL_CHINESE_REGIONS & set(parts[1:])))
        code = "zh_Hant" if traditional else "zh_Hans"
        return code if code in available else None
    for code in available:
        if code.lower() == base:
            return code
    return None


def text_direction() -> str:
    """"rtl" for Uyghur, else "ltr"; templates put it on <html dir>."""
    return languages().get(str(get_locale()), ("", "ltr"))[1]


def html_lang() -> str:
    """The BCP 47 tag for <html lang>."""
    return str(get_locale()).replace("_", "-")


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the catalogs under tracker/translations, and `flask translate`."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.extensions[_EXTENSION_KEY] = find_languages(translations_dir(app))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        LANGUAGES=app.extensions[_EXTENSION_KEY], text_direction=text_direction,
        html_lang=html_lang,
    )
    app.cli.add_command(translate_cli)


def translations_dir(app: Flask) -> Path:
    """The catalogs folder: the first of BABEL_TRANSLATION_DIRECTORIES, relative to tracker/."""
    first = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0]
    return Path(app.root_path, first)


# -- `flask translate`: the catalog workflow, wrapping pybabel so nobody has to remember flags.
# Babel's catalog tools are imported by the commands that use them, not by every start-up (issue 17).

translate_cli = AppGroup("translate", help="Extract, update, compile and add translations.")


def _pybabel(*args: str) -> None:
    """Run one pybabel subcommand in this process; raise ClickException if it fails."""
    from babel.messages.frontend import CommandLineInterface

    try:
        CommandLineInterface().run(["pybabel", "--quiet", *args])
    except SystemExit as exit_:  # pybabel exits on bad input; turn that into a clean CLI error
        if exit_.code:
            raise click.ClickException(f"pybabel {args[0]} failed") from None


def _extract(pot: Path) -> None:
    """Extract every gettext string of tracker/ and templates/ (babel.cfg) into `pot`."""
    root = Path(current_app.root_path).parent
    config = root / "babel.cfg"
    if not config.exists():
        raise click.ClickException(f"{config} not found: run this from a source checkout")
    # From the root, so the catalogs cite portable paths (templates/base.html:7).
    with contextlib.chdir(root):
        _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
                 "--sort-by-file", "--project", "tracker", "-o", str(pot), ".")


@translate_cli.command("update")
def update_command() -> None:
    """Extract strings and merge them into every catalog, keeping existing translations."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp, "messages.pot")
        _extract(pot)
        _pybabel("update", "-i", str(pot), "-d", str(translations_dir(current_app)),
                 "--width", "100", "--ignore-obsolete", "--no-fuzzy-matching")
    click.echo("Catalogs updated; translate the new and fuzzy entries, then run "
               "`flask translate compile`.")


@translate_cli.command("compile")
def compile_command() -> None:
    """Compile every catalog to .mo (fuzzy and untranslated entries are left out, shown in English)."""
    for po_path in sorted(translations_dir(current_app).glob("*/LC_MESSAGES/messages.po")):
        compiled, total = compile_catalog(po_path)
        click.echo(f"{po_path.parent.parent.name}: {compiled} of {total} messages translated")


def compile_catalog(po_path: Path) -> tuple[int, int]:
    """Write messages.mo beside `po_path` with only complete, non-fuzzy translations; return
    (compiled, total). pybabel compile keeps a plural whose forms are all empty, and gettext
    would then show a blank where the English text belongs."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as po:
        catalog = read_po(po)
    messages = [message for message in catalog if message.id]
    for message in messages:
        forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        if message.fuzzy or not all(forms):
            catalog.delete(message.id, context=message.context)
    with po_path.with_suffix(".mo").open("wb") as mo:
        write_mo(mo, catalog)
    return len(catalog), len(messages)


@translate_cli.command("add")
@click.argument("code")
def add_command(code: str) -> None:
    """Add a language (a Babel locale code such as ar, ru, km, zh_Hant) and register it."""
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        raise click.ClickException(f"{code!r} is not a locale Babel knows") from None
    target = translations_dir(current_app)
    if (target / code / "LC_MESSAGES" / "messages.po").exists():
        raise click.ClickException(f"{code} already has a catalog")
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp, "messages.pot")
        _extract(pot)
        _pybabel("init", "-i", str(pot), "-d", str(target), "-l", code, "--width", "100")
    compile_catalog(target / code / "LC_MESSAGES" / "messages.po")
    click.echo(f"Added {code}: translate {target / code / 'LC_MESSAGES' / 'messages.po'}, then "
               "`flask translate compile`. It appears in the language switcher from the next "
               "start; give it a name in its own script in NATIVE_NAMES (tracker/i18n.py).")
