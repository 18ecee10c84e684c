"""Languages: negotiation, text direction, catalogs that match their sources, `flask translate`,
and reporter pages that show no English where the catalog has a translation."""
from __future__ import annotations

import re
import shutil
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import tracker
from tests.conftest import make_test_app, post_form
from tracker.i18n import find_languages

ROOT = Path(tracker.__file__).parent.parent
TRANSLATIONS = ROOT / "tracker" / "translations"
# Every language with a catalog, so one added with `flask translate add` is checked like these.
LOCALES = tuple(code for code in find_languages(TRANSLATIONS) if code != "en")
# The files whose strings a reporter (or a partner tool, through the API) sees: staff pages may
# lag behind, these may not.
REPORTER_SOURCES = ("templates/base.html", "templates/intake/", "templates/errors/", "tracker/intake/",
                    "tracker/taxonomy.py", "tracker/errors.py", "tracker/api/reports.py")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@pytest.fixture
def app_config() -> dict:
    """A low receipt limit, so the rate-limit message is reached on the third try."""
    return {"INTAKE_RECEIPT_LIMIT": "2 per minute"}


@cache
def catalog(code: str) -> Catalog:
    """The committed .po catalog of one language."""
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=code)


def is_reporter_facing(message: Message) -> bool:
    """Whether a reporter page, error or taxonomy label uses this message."""
    return any(path.startswith(REPORTER_SOURCES) for path, _line in message.locations)


def forms(text: str | tuple | list) -> tuple[str, ...]:
    """A msgid or msgstr as a tuple: one item, or the plural forms of an ngettext message."""
    return (text,) if isinstance(text, str) else tuple(text)


def reporter_messages(code: str) -> list[Message]:
    """The catalog entries of reporter-facing strings."""
    return [m for m in catalog(code) if m.id and is_reporter_facing(m)]


# -- Locale negotiation and direction ----------------------------------------------------------

@pytest.mark.parametrize(("accept_language", "expected"), [
    ("zh-CN,zh;q=0.9", "zh-Hans"),
    ("zh", "zh-Hans"),
    ("zh-SG", "zh-Hans"),
    ("zh-Hans-HK", "zh-Hans"),
    ("zh-TW", "zh-Hant"),
    ("zh-HK,en;q=0.5", "zh-Hant"),
    ("zh-MO", "zh-Hant"),
    ("zh-Hant-CN", "zh-Hant"),
    ("ug-CN,ug;q=0.9,en;q=0.5", "ug"),
    ("ug-Arab-CN", "ug"),
    ("bo-IN", "bo"),
    ("de-DE,bo;q=0.5", "bo"),
    ("en-GB,zh-CN;q=0.8", "en"),
    ("zh-CN;q=0.3,ug;q=0.8", "ug"),
    ("es-NI,es;q=0.9,en;q=0.5", "es"),
    ("es-419", "es"),
    ("fr-FR,bo;q=0.5", "fr"),
    ("fr-CA", "fr"),
    ("km-KH", "km"),
    ("am-ET,ti;q=0.8", "ti"),
    ("ti-ER", "ti"),
    ("rw-RW,en;q=0.5", "rw"),
    ("de-DE,ru", "en"),
    (None, "en"),
])
def test_locale_from_accept_language(client, accept_language, expected):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    page = client.get("/", headers=headers).get_data(as_text=True)
    assert f'<html lang="{expected}"' in page


def test_explicit_choice_wins_and_is_remembered(client):
    headers = {"Accept-Language": "zh-CN"}
    assert '<html lang="ug" dir="rtl"' in client.get("/?lang=ug", headers=headers).get_data(as_text=True)
    # The choice stays without ?lang= on the next page; an unknown code changes nothing.
    assert '<html lang="ug"' in client.get("/safety", headers=headers).get_data(as_text=True)
    assert '<html lang="ug"' in client.get("/safety?lang=xx", headers=headers).get_data(as_text=True)
    assert '<html lang="bo"' in client.get("/?lang=bo", headers=headers).get_data(as_text=True)


@pytest.mark.parametrize(("code", "direction"), [
    ("en", "ltr"), ("zh_Hans", "ltr"), ("zh_Hant", "ltr"), ("ug", "rtl"), ("bo", "ltr"),
    ("es", "ltr"), ("fr", "ltr"), ("km", "ltr"), ("ti", "ltr"), ("rw", "ltr"),
])
def test_every_reporter_page_has_the_language_direction(client, code, direction):
    client.get(f"/?lang={code}")
    for url in reporter_get_urls(client.application):
        page = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert re.search(rf'<html lang="{code.replace("_", "-")}" dir="{direction}">', page), url


def test_babel_knows_every_language_and_its_direction():
    languages = find_languages(TRANSLATIONS)
    assert list(languages) == ["en", "zh_Hans", "zh_Hant", "ug", "bo", "es", "fr", "km", "ti", "rw"]
    assert languages["ug"] == ("ئۇيغۇرچە", "rtl")
    assert languages["km"] == ("ខ្មែរ", "ltr") and languages["ti"] == ("ትግርኛ", "ltr")
    assert [Locale.parse(code).script for code in ("zh_Hans", "zh_Hant")] == ["Hans", "Hant"]


def test_language_switcher_links_every_language_without_javascript(client):
    page = client.get("/").get_data(as_text=True)
    for code in LOCALES:
        assert f'href="?lang={code}"' in page


@pytest.mark.parametrize("code", ["es", "fr", "km", "ti", "rw"])
def test_each_new_language_is_chosen_from_the_switcher(client, code):
    name = find_languages(TRANSLATIONS)[code][0]
    assert f">{name}<" in client.get("/").get_data(as_text=True)
    page = client.get(f"/?lang={code}").get_data(as_text=True)
    assert f'<html lang="{code}" dir="ltr"' in page
    assert str(catalog(code)["Send a report"].string) in page


# -- Catalogs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("code", LOCALES)
def test_every_reporter_string_is_translated(code):
    missing = [m.id for m in reporter_messages(code) if not all(forms(m.string)) or m.fuzzy]
    assert missing == []


@pytest.mark.parametrize("code", LOCALES)
def test_translations_keep_placeholders(code):
    def kept(message: Message) -> bool:
        # Every form keeps the plural msgid's placeholders (languages without plurals use one).
        expected = sorted(PLACEHOLDER.findall(forms(message.id)[-1]))
        return all(sorted(PLACEHOLDER.findall(form)) == expected for form in forms(message.string))

    broken = [m.id for m in catalog(code) if m.id and any(forms(m.string)) and not kept(m)]
    assert broken == []


@pytest.mark.parametrize("code", LOCALES)
def test_compiled_catalog_matches_its_source(code):
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        compiled = {forms(m.id): forms(m.string) for m in read_mo(mo) if m.id}
    # pybabel compile leaves out fuzzy and untranslated entries (they show in English).
    source = {forms(m.id): forms(m.string) for m in catalog(code)
              if m.id and all(forms(m.string)) and not m.fuzzy}
    assert compiled == source


@pytest.mark.parametrize("code", LOCALES)
def test_catalog_says_it_needs_native_review(code):
    assert "needs native-speaker review" in catalog(code).header_comment
    assert not catalog(code).fuzzy


@pytest.mark.parametrize("code", ["zh_Hans", "zh_Hant", "ug", "bo"])
def test_staff_role_names_are_translated(code):
    """Templates translate a role from a variable (`_(user.role)`), which extraction cannot see;
    tracker.i18n marks the names so every catalog holds them."""
    from tracker.staff.accounts import ROLES

    assert all(catalog(code)[role] and catalog(code)[role].string for role in ROLES)


def test_catalogs_cover_every_reporter_string_in_the_sources():
    """A string added to a reporter page must be extracted and translated (`flask translate
    update`), or it would render in English without any catalog entry to catch it."""
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    method_map = [("tracker/**.py", "python"), ("templates/**.html", "jinja2")]
    in_sources = {message_id for path, _line, message_id, *_rest
                  in extract_from_dir(str(ROOT), method_map, keywords=keywords)
                  if path.startswith(REPORTER_SOURCES)}
    for code in LOCALES:
        assert in_sources - {m.id for m in catalog(code)} == set(), code


# -- Reporter pages render no English source string that has a translation ---------------------

class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and the labelling attributes."""

    LABELS = ("title", "alt", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        self.parts += [values[name] for name in self.LABELS if values.get(name)]
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"])

    def handle_data(self, data) -> None:
        if data.strip():
            self.parts.append(" ".join(data.split()))


@cache
def english_patterns(code: str) -> dict[str, re.Pattern]:
    """Regexes for the reporter msgids that must not appear on a page in this language.

    A msgid left as is on purpose (WeChat in Tibetan) or quoted inside any translation of this
    language (Signal, Tor Browser) is not evidence of a missing translation, so it is skipped.
    """
    translations = " ".join(form for m in catalog(code) if m.id for form in forms(m.string))
    patterns = {}
    for message in reporter_messages(code):
        for text in forms(message.id):
            if text in forms(message.string) or re.search(
                    rf"(?<![A-Za-z]){re.escape(text)}(?![A-Za-z])", translations):
                continue
            body = ".+?".join(re.escape(" ".join(piece.split())) for piece in PLACEHOLDER.split(text))
            patterns[text] = re.compile(rf"(?<![A-Za-z]){body}(?![A-Za-z])")
    return patterns


def untranslated(code: str, html: str) -> set[str]:
    """The catalog's English msgids that appear in the page's visible text.

    A sentence is found anywhere in the text; a label of one or two words ("New", "Other")
    only as a whole text segment, so English data such as a country name that CLDR lacks in
    this language ("New Caledonia") is not taken for a missing translation.
    """
    parser = VisibleText()
    parser.feed(html)
    text = "\n".join(parser.parts)
    segments = {part.strip(" .,:;()·") for part in parser.parts}
    found = set()
    for message, pattern in english_patterns(code).items():
        if len(message.split()) < 3:
            if any(pattern.fullmatch(segment) for segment in segments):
                found.add(message)
        elif pattern.search(text):
            found.add(message)
    return found


def reporter_get_urls(app) -> list[str]:
    """Every GET route of the reporter blueprint that takes no URL argument."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith("intake.") and "GET" in rule.methods and not rule.arguments)


class FormFields(HTMLParser):
    """The controls of a page's forms: (tag, type, name, value, list attribute)."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[tuple[str, str, str, str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag in {"input", "select", "textarea"} and values.get("name"):
            self.controls.append((tag, values.get("type") or "text", values["name"],
                                  values.get("value") or "", values.get("list") or ""))


def form_controls(client, url: str, response=None) -> list[tuple[str, str, str, str, str]]:
    """The form controls of the page at `url` (or of a response already fetched)."""
    parser = FormFields()
    parser.feed((response or client.get(url)).get_data(as_text=True))
    return parser.controls


def invalid_answers(client) -> dict[str, str]:
    """A report form filled with a wrong value in every checkable field, to show every error.

    The form opens with no relative's block, so one is opened first (as a reporter would) and
    its fields get wrong values too: relationship, country, each status's date."""
    with_relative = post_form(client, "/report", {"add_relative": "y"})
    data = {}
    for tag, kind, name, value, datalist in form_controls(client, "/report", with_relative):
        if kind == "hidden" and name != "csrf_token":
            data[name] = value
        elif tag == "select" or kind in {"checkbox", "radio"}:
            data[name] = "not-a-choice"
        elif datalist == "countries":
            data[name] = "Atlantis"
        elif kind == "date" or "-dates-" in name:
            data[name] = "someday"
    data.pop("consent_statistics", None)  # a checkbox: any value means yes, never an error
    return data


def visit_reporter_pages(client, code: str) -> dict[str, str]:
    """Every reporter page and error message in one language: name -> HTML."""
    pages: dict[str, str] = {}

    def keep(name: str, response) -> None:
        assert response.status_code < 500, name
        pages[name] = response.get_data(as_text=True)

    client.get(f"/?lang={code}")
    for url in reporter_get_urls(client.application):
        keep(f"GET {url}", client.get(url, follow_redirects=True))
    keep("error: not found", client.get("/no-such-page"))
    keep("error: method not allowed", client.post("/safety"))
    keep("report: every field wrong", post_form(client, "/report", invalid_answers(client)))
    keep("report: expired form", client.post("/report", data={"narrative": "x"}))
    hidden = {n: v for _t, kind, n, v, _l in form_controls(client, "/report") if kind == "hidden"}
    receipt_page = post_form(client, "/report", {**hidden, "narrative": "测试", "urgent_risk": "y"})
    keep("receipt (urgent)", receipt_page)
    receipt = re.search(r'id="receipt-code">([^<]+)<', pages["receipt (urgent)"]).group(1)
    keep("receipt: wrong", post_form(client, "/receipt", {"receipt": "AAAA-BBBB-CCCC-DDDD"}))
    keep("my report", post_form(client, "/receipt", {"receipt": receipt}, follow_redirects=True))
    keep("reply: empty", post_form(client, "/my-report/reply", {"body": ""}, form_url="/my-report"))
    keep("reply: sent", post_form(client, "/my-report/reply", {"body": "测试"}, form_url="/my-report",
                                  follow_redirects=True))
    keep("add: empty", post_form(client, "/my-report/add", {"narrative": ""}, form_url="/my-report"))
    keep("delete: confirm", client.get("/my-report/delete"))
    keep("delete: unticked", post_form(client, "/my-report/delete", {}))
    keep("delete: done", post_form(client, "/my-report/delete", {"confirm": "y"}))
    keep("after deletion", client.get("/my-report", follow_redirects=True))
    keep("receipt: rate limited", post_form(client, "/receipt", {"receipt": receipt}))
    return pages


@pytest.mark.parametrize("code", LOCALES)
def test_reporter_pages_render_no_untranslated_string(client, code):
    if "intake.new_report" not in client.application.view_functions:
        pytest.skip("the report form (issue 3) is not in this checkout")
    pages = visit_reporter_pages(client, code)
    # The walk reached what it meant to: errors, the receipt, the limit, the report itself.
    assert str(catalog(code)["Save this receipt now"].string) in pages["receipt (urgent)"]
    assert str(catalog(code)["Your answer was sent."].string) in pages["reply: sent"]
    assert str(catalog(code)["Tick the box to confirm."].string) in pages["delete: unticked"]
    assert str(catalog(code)["Too many attempts were made in a short time. Nothing was sent. "
                              "Please wait a few minutes and try again."].string) in pages["receipt: rate limited"]
    assert str(catalog(code)["Page not found"].string) in pages["error: not found"]
    for name in ("report: every field wrong", "reply: empty", "receipt: wrong"):
        assert 'class="field-error"' in pages[name], name
    found = {name: sorted(untranslated(code, html)) for name, html in pages.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_check_catches_an_untranslated_string():
    """The page check itself: English source text on a Tibetan page is reported."""
    html = ("<p>བོད་ཡིག</p><h1>Send a report</h1><input type=submit value='Send report'>"
            "<p>ཡིག་ཆ། Every question is optional. Answer only what you feel safe answering. "
            "You do not have to give your name.</p><option>New</option>")
    assert untranslated("bo", html) == {"Send a report", "Send report", "New", (
        "Every question is optional. Answer only what you feel safe answering. "
        "You do not have to give your name.")}
    assert untranslated("bo", "<p>WeChat · Signal · 2019</p><option>New Caledonia</option>") == set()


# -- `flask translate` ----------------------------------------------------------------------------

def app_with_catalogs(tmp_path: Path, *codes: str):
    """An app whose catalogs are copies of these languages' in tmp_path, so commands may edit them."""
    folder = tmp_path / "translations"
    for code in codes:
        shutil.copytree(TRANSLATIONS / code, folder / code)
    return make_test_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}",
                         BABEL_TRANSLATION_DIRECTORIES=str(folder)), folder


def test_translate_add_creates_and_registers_a_language(tmp_path):
    app, folder = app_with_catalogs(tmp_path, *LOCALES)
    result = app.test_cli_runner().invoke(args=["translate", "add", "am"])
    assert result.exit_code == 0, result.output
    assert (folder / "am" / "LC_MESSAGES" / "messages.mo").exists()
    with (folder / "am" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        assert "Send a report" in read_po(po)
    with (folder / "am" / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
        # Nothing is translated yet, so nothing is compiled: not even a plural's empty forms,
        # which gettext would show as a blank instead of English.
        assert [m.id for m in read_mo(mo) if m.id] == []
    # A catalog folder is what registers a language: the next start lists it and serves it.
    restarted = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}",
                              BABEL_TRANSLATION_DIRECTORIES=str(folder))
    assert list(restarted.extensions["tracker.languages"]) == ["en", *LOCALES, "am"]
    assert restarted.extensions["tracker.languages"]["am"] == ("አማርኛ", "ltr")
    page = restarted.test_client().get("/?lang=am").get_data(as_text=True)
    assert '<html lang="am" dir="ltr"' in page


@pytest.mark.parametrize(("code", "message"), [("xx_Nowhere", "not a locale"), ("ug", "already has")])
def test_translate_add_refuses_bad_or_existing_codes(tmp_path, code, message):
    app, _ = app_with_catalogs(tmp_path, "ug")
    result = app.test_cli_runner().invoke(args=["translate", "add", code])
    assert result.exit_code != 0 and message in result.output


def test_translate_update_keeps_translations(tmp_path):
    app, folder = app_with_catalogs(tmp_path, "zh_Hant")
    assert app.test_cli_runner().invoke(args=["translate", "update"]).exit_code == 0
    with (folder / "zh_Hant" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        updated = read_po(po)
    kept = {m.id: m.string for m in updated if m.id and any(forms(m.string))}
    before = {m.id: m.string for m in catalog("zh_Hant") if m.id}
    assert {m.id for m in reporter_messages("zh_Hant")} <= set(kept)
    assert all(before[message_id] == string for message_id, string in kept.items())
    assert not any(m.fuzzy for m in updated if m.id)
