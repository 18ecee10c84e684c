"""Referral dossier typesetting: cost per page for a small and a large case, in one run.

Run: ``python benchmarks/bench_dossier.py [--repeat 5] [--sizes 1 60]``. For each size it builds a
dossier of that many incidents (each with a perpetrator named in Uyghur and Chinese) and as many
relatives, without a database, renders the HTML and typesets the PDF with WeasyPrint and the local
Noto fonts, and prints the median CPU milliseconds (process time: the build machine is shared), pages
and bytes. The ratios printed at the end are
the large case's cost per page over the small one's (near 1: typesetting scales with pages), and
the PDF step's share of the whole (the HTML template is cheap next to it).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2  # noqa: E402 - after the path set-up above

from tracker import create_app  # noqa: E402
from tracker.dossiers.content import Dossier, IncidentPart, Name, PersonPart, RelativePart, StatusLine  # noqa: E402
from tracker.dossiers.pdf import html_to_pdf  # noqa: E402
from tracker.dossiers.render import dossier_html  # noqa: E402
from tracker.models import ReferralConsent  # noqa: E402

NAMES = [Name("Abdureshit Tohti", "Latn", "en", False), Name("ئابدۇرېشىت توختى", "Arab", "ug", True),
         Name("阿不都热西提·托合提", "Hans", "zh-Hans", False)]


def person(n: int) -> PersonPart:
    """A person with names in three scripts."""
    return PersonPart(n, NAMES, False, 1957, ["CN"], "uyghur", "CN", "Kashgar")


def dossier(size: int) -> Dossier:
    """A dossier with ``size`` incidents and relatives."""
    line = StatusLine("detained_administrative", date(2018, 3, 1), "month", "Kashgar", None, None, None, None)
    made = Dossier("un_wgeid", "TNR-2099-00001", datetime.now(UTC), 1, frozenset(), person(0), arrest=line,
                   history=[line] * 3, custody=line, source=person(1), source_relation="child")
    made.incidents = [IncidentPart(i, date(2019, 1, 1), "month", None, None, ["coercion_by_proxy"], ["wechat"],
                                   ["stop_activism"], "Kashgar", "NL", "A call from the police station. " * 6,
                                   [("state_security", "likely", person(i))]) for i in range(size)]
    made.relatives = [RelativePart(person(i), "sibling", line, None) for i in range(size)]
    made.consent = ReferralConsent(case_id=1, person_id=0, mechanism="un_wgeid", given_on=date(2026, 1, 5),
                                   method="written")
    return made


def measure(size: int, repeat: int) -> tuple[float, float, int, int]:
    """Median milliseconds for the HTML and the PDF, the pages and the bytes."""
    html_times, pdf_times = [], []
    for _ in range(repeat):
        started = time.process_time()
        html = dossier_html(dossier(size), "en")
        middle = time.process_time()
        pdf = html_to_pdf(html)
        html_times.append(middle - started)
        pdf_times.append(time.process_time() - middle)
    pages = len(pypdfium2.PdfDocument(pdf))
    return statistics.median(html_times) * 1000, statistics.median(pdf_times) * 1000, pages, len(pdf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs=2, default=[1, 60])
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"}, instance_path=folder)
        with app.test_request_context():
            html_to_pdf(dossier_html(dossier(1), "en"))  # warm the fonts once
            rows = {size: measure(size, arguments.repeat) for size in arguments.sizes}
    for size, (html_ms, pdf_ms, pages, size_bytes) in rows.items():
        print(f"{size:4d} incidents: HTML {html_ms:7.1f} ms, PDF {pdf_ms:7.1f} ms, {pages} pages, {size_bytes} bytes")
    small, large = (rows[size] for size in arguments.sizes)
    print(f"ratio, ms per page large/small: {(large[1] / large[2]) / (small[1] / small[2]):.2f}")
    print(f"ratio, PDF share of the time (large case): {large[1] / (large[0] + large[1]):.2f}")


if __name__ == "__main__":
    main()
