"""OpenRosa submissions per second against web-form submissions per second, in one run.

Run: ``python benchmarks/bench_openrosa.py [--seconds 15] [--clients 8] [--rounds 3] [--workers 2]
[--limits-storage redis://127.0.0.1:6379/0]``. It follows benchmarks/bench_intake.py and uses
its instance, gunicorn and client code: a temporary instance (SQLite, fresh keys, an
organisation key, rate limits raised so the run measures work, not refusals), gunicorn with the
project's gunicorn.conf.py on 127.0.0.1, and ``--clients`` concurrent keep-alive clients for
``--seconds`` per case:

- web: POST /report with bench_intake's typical report (two tactics, a channel, a date, a place,
  a relative with two dated statuses, a narrative) and a fresh retry token, as a browser sends it;
- openrosa: POST /openrosa/submission with the same report as an XForm instance in a
  multipart body (``xml_submission_file``), a fresh instanceID, and a device credential in
  HTTP Basic, as ODK Collect sends it.

The server listens on plain HTTP on loopback, so the run sets OPENROSA_REQUIRE_TLS off (a
deployment terminates TLS at its proxy; the check itself is one comparison). Rounds alternate
the cases so a busy spell on the shared machine hits both; it prints each round, the medians,
and the ratio openrosa / web (aim ≥ 0.8), with the load average before and after.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_intake import Client, drive, prepare_instance, start_gunicorn, submit  # noqa: E402

NARRATIVE = "They called my mother and asked about my friends abroad. " * 8
INSTANCE = (
    '<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" '
    'id="tnr_report_en" version="1"><urgent_risk/>'
    "<about><submitter_role/><targets/><community/></about>"
    "<what><tactics>coercion_by_proxy information_demand</tactics></what>"
    "<when_where><event_date>2024-05-17</event_date><event_date_precision>month</event_date_precision>"
    "<place_text>Kashgar</place_text><place_country/><host_country>DE</host_country>"
    "<origin_country>CN</origin_country></when_where>"
    "<how_who><channels>wechat</channels><perpetrator_types/><perpetrator_affiliation/><demands/></how_who>"
    "<relatives><relationship_type>parent</relationship_type><residence_country/><residence_place/>"
    "<statuses>questioned detained_administrative</statuses><date_questioned>2019-03</date_questioned>"
    "<date_detained_administrative>2019</date_detained_administrative><roughly/><sentence_years/>"
    "<in_retaliation>unknown</in_retaliation><details/></relatives>"
    f"<narrative>{NARRATIVE.strip()}</narrative>"
    "<may><consent_statistics>OK</consent_statistics><consent_contact/><consent_partners/></may><contact/>"
    "<meta><instanceID>uuid:{instance_id}</instanceID></meta></data>")


def issue_credential(app) -> str:
    """A device credential made in the instance; the Basic header a collection app would send."""
    from tracker.crypto import get_sealer
    from tracker.db import get_session
    from tracker.openrosa.devices import issue_device

    with app.app_context():
        session = get_session()
        row, secret = issue_device(session, get_sealer(), "benchmark phone", None)
        session.commit()
        return "Basic " + base64.b64encode(f"{row.username}:{secret}".encode()).decode()


def openrosa_submitter(authorization: str):
    """An action for bench_intake.drive: one new submission per call on the client's connection."""
    def send(client: Client) -> bool:
        boundary = "----openrosa" + secrets.token_hex(8)
        xml = INSTANCE.replace("{instance_id}", secrets.token_hex(16)).encode()
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
                f'filename="submission.xml"\r\nContent-Type: text/xml\r\n\r\n').encode() + xml + \
            f"\r\n--{boundary}--\r\n".encode()
        client.connection.request("POST", "/openrosa/submission", body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": authorization,
            "X-OpenRosa-Version": "1.0"})
        response = client.connection.getresponse()
        payload = response.read()
        return response.status == 201 and b"submit_success" in payload
    return send


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternate the cases this many times; medians")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limits-storage", metavar="URI", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    if args.limits_storage.startswith("memory://") and args.workers > 1:
        parser.error("--limits-storage memory:// needs --workers 1 (each worker would count on its own)")
    os.environ.update({"TRACKER_OPENROSA_REQUIRE_TLS": "false",
                       "TRACKER_OPENROSA_DEVICE_LIMIT": "1000000 per minute"})
    with tempfile.TemporaryDirectory(prefix="bench-openrosa-") as tmp:
        folder = Path(tmp)
        load_before = f"{os.getloadavg()[0]:.2f}"
        env, app = prepare_instance(folder, args.limits_storage)
        env.update({"TRACKER_OPENROSA_REQUIRE_TLS": "false", "TRACKER_OPENROSA_DEVICE_LIMIT": "1000000 per minute"})
        authorization = issue_credential(app)
        spec = f"tracker:create_app(instance_path={json.dumps(env.pop('INSTANCE'))})"
        cases = [("web", submit), ("openrosa", openrosa_submitter(authorization))]
        results: dict[str, list[float]] = {name: [] for name, _ in cases}
        for _ in range(args.rounds):
            for name, action in cases:
                try:
                    process, port = start_gunicorn(spec, env, folder, args.workers)
                except RuntimeError:  # say why before the temporary folder goes
                    print((folder / "gunicorn.log").read_text()[-3000:])
                    raise
                try:
                    drive(port, action, args.clients, 2)  # warm-up: imports, caches
                    results[name].append(drive(port, action, args.clients, args.seconds))
                finally:
                    process.terminate()
                    process.wait(timeout=30)
        print(f"load average before / after: {load_before} / {os.getloadavg()[0]:.2f}")
        for name, label in (("web", "web form submissions/s (POST /report)"),
                            ("openrosa", "OpenRosa submissions/s (POST /openrosa/submission)")):
            rounds = " ".join(f"{rate:.1f}" for rate in results[name])
            print(f"{label:52} median {statistics.median(results[name]):6.1f} (rounds: {rounds})")
        ratio = statistics.median(results["openrosa"]) / statistics.median(results["web"])
        print(f"ratio OpenRosa / web form: {ratio:.2f} (aim >= 0.8)")


if __name__ == "__main__":
    main()
