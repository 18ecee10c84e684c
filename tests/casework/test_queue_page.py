"""The queue page: filters from the query string, the next-page link, and what the log says.

Search and bulk actions: tests/casework/test_queue_bulk.py."""
from datetime import datetime, timedelta, UTC

from sqlmodel import select

from tests.conftest import post_form
from tests.factories import make_report
from tracker.casework import queue
from tracker.models import AuditEvent


def test_filters_sorting_and_next_link(signed_in, session, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    start = datetime(2026, 2, 1, tzinfo=UTC)
    made = [make_report(session, community="tibetan" if n < 3 else "uyghur", submitted_at=start + timedelta(hours=n))
            for n in range(5)]
    page = signed_in.get("/casework/?community=tibetan&sort=oldest").get_data(as_text=True)
    assert f"#{made[0].id}<" in page and f"#{made[1].id}<" in page and f"#{made[2].id}<" not in page
    link = page.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "community=tibetan" in link and "sort=oldest" in link
    following = signed_in.get(link).get_data(as_text=True)
    assert f"#{made[2].id}<" in following and 'rel="next"' not in following
    assert f"#{made[3].id}<" not in following


def test_unknown_filter_values_are_ignored(signed_in, session):
    report = make_report(session)
    page = signed_in.get("/casework/?community=martian&origin_country=ZZ&status=bogus&submitted_from=yesterday")
    assert page.status_code == 200 and f"#{report.id}<" in page.get_data(as_text=True)


def test_the_log_records_a_search_but_not_its_text(signed_in, session):
    post_form(signed_in, "/casework/search", {"q": "Erkin Yasin", "words": "Kashgar"}, form_url="/casework/",
              follow_redirects=True)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "queue.view").order_by(AuditEvent.id)).all()
    assert [e.detail for e in events] == ['{"searched": false}', '{"searched": true}']
