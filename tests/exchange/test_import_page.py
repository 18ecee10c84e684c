"""The staff import page: upload, save a profile, preview, dry run, import; CSRF, role and audit."""
import io

from sqlmodel import func, select

from tests.conftest import csrf_token, login_as
from tests.exchange.conftest import SAMPLE, SAMPLE_PROFILE
from tests.factories import make_user
from tracker.models import AuditEvent, Person

URL = "/casework/import/"


def post_sheet(client, action: str, **fields):
    """POST the sample sheet with a CSRF token from the form."""
    data = {"csrf_token": csrf_token(client, URL), "action": action,
            "sheet": (io.BytesIO(SAMPLE.read_bytes()), "cases.csv"), **fields}
    return client.post(URL, data=data, content_type="multipart/form-data")


def test_a_caseworker_saves_a_profile_previews_dry_runs_and_imports(client, session):
    login_as(client, make_user(session, "caseworker"))
    preview = post_sheet(client, "preview", profile_json=SAMPLE_PROFILE.read_text(encoding="utf-8"))
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "ئابدۇكېرىم تېستجان [Arab]" in page and "ngo-wide-sheet" in page
    dry = post_sheet(client, "dry_run", profile="ngo-wide-sheet")
    assert "Dry run: nothing was written" in dry.get_data(as_text=True)
    assert session.exec(select(func.count()).select_from(Person)).one() == 0
    done = post_sheet(client, "import", profile="ngo-wide-sheet").get_data(as_text=True)
    assert "Imported" in done and "refused" in done
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Person)).one() == 10
    actions = set(session.exec(select(AuditEvent.action)).all())
    assert {"import.preview", "import.dry_run", "import.spreadsheet", "import.row"} <= actions


def test_without_a_file_the_form_says_so(client, session):
    login_as(client, make_user(session, "caseworker"))
    response = client.post(URL, data={"csrf_token": csrf_token(client, URL)})
    assert response.status_code == 422 and "Choose a spreadsheet file" in response.get_data(as_text=True)


def test_a_post_without_csrf_token_is_refused(client, session):
    login_as(client, make_user(session, "caseworker"))
    response = client.post(URL, data={"action": "import", "sheet": (io.BytesIO(b"a\n"), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert session.exec(select(func.count()).select_from(Person)).one() == 0


def test_a_caseworker_imports_only_rows_of_their_own_communities(client, session):
    login_as(client, make_user(session, "caseworker", communities=["tibetan"]))
    page = post_sheet(client, "import", profile_json=SAMPLE_PROFILE.read_text(encoding="utf-8")).get_data(as_text=True)
    assert page.count("a community outside your access") == 4  # three Uyghur rows and the Chinese one
    session.expire_all()
    communities = set(session.exec(select(Person.community)).all())
    assert communities == {"tibetan"}
