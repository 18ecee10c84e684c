"""Evidence files and failures: a report that is not stored leaves no file behind, and files a
crash left are swept by ``flask retention run``."""
from __future__ import annotations

import errno
import io
import os
import stat
import time
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from tests.intake.helpers import send_report
from tracker.models import AuditEvent, Evidence, Report

from .helpers import add_evidence_file
from .test_fail_closed import CANARY, REPORT


def _files() -> list:
    return [(io.BytesIO(b"first scan of the summons"), "summons.txt"),
            (io.BytesIO(b"second scan, the letter"), "letter.txt")]


def _count(app, model) -> int:
    with app.extensions["tracker.engine"].connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar()


def _assert_refused_and_nothing_kept(app, response, folder: Path) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "NOT received" in html and CANARY in html and "chosen again" in html
    assert not folder.exists() or sorted(folder.iterdir()) == []  # no file, whole or partial
    assert _count(app, Report) == 0 and _count(app, Evidence) == 0 and _count(app, AuditEvent) == 0


def test_a_full_disk_while_writing_evidence_refuses_the_report_and_leaves_no_file(
        app, client, tmp_path, monkeypatch):
    real_fsync = os.fsync
    written = []

    def disk_fills_on_the_second_file(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            written.append(fd)
            if len(written) == 2:  # the first file is whole; the second has its bytes half-way
                raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", disk_fills_on_the_second_file)
    response = send_report(client, REPORT, files=_files())
    assert len(written) == 2
    _assert_refused_and_nothing_kept(app, response, tmp_path / "evidence")


def test_a_failed_commit_removes_the_evidence_files_it_had_written(app, client, tmp_path):
    def commit_fails(_connection) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    event.listen(app.extensions["tracker.engine"], "commit", commit_fails)
    try:
        response = send_report(client, REPORT, files=_files())
    finally:
        event.remove(app.extensions["tracker.engine"], "commit", commit_fails)
    _assert_refused_and_nothing_kept(app, response, tmp_path / "evidence")


def test_a_stored_report_keeps_whole_files_and_no_temporary_one(app, client, tmp_path):
    assert send_report(client, REPORT, files=_files()).status_code == 200
    names = sorted(p.name for p in (tmp_path / "evidence").iterdir())
    with app.extensions["tracker.engine"].connect() as connection:
        stored = sorted(connection.execute(select(Evidence.stored_name)).scalars())
    assert names == stored and len(names) == 2


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


@pytest.mark.parametrize("dry_run", [True, False])
def test_retention_run_sweeps_old_orphan_and_temporary_files_only(app, session, runner, tmp_path, dry_run):
    from tracker.crypto import get_sealer

    folder = tmp_path / "evidence"
    kept = add_evidence_file(session, folder, get_sealer(), content=b"a real record")
    orphan, partial, young = folder / ("ab" * 16 + ".sealed"), folder / ".cd.sealed.partial", folder / "young.sealed"
    for path in (orphan, partial, young):
        path.write_bytes(b"sealed bytes a killed worker left")
    for path in (orphan, partial, folder / kept.stored_name):
        _age(path, 2 * 3600)
    result = runner.invoke(args=["retention", "run", *(["--dry-run"] if dry_run else [])])
    assert result.exit_code == 0 and "orphan evidence files: 2" in result.output, result.output
    expected = {kept.stored_name, young.name} | ({orphan.name, partial.name} if dry_run else set())
    assert {p.name for p in folder.iterdir()} == expected
