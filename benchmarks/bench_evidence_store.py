"""What keeping evidence in the database costs against the folder, in one run (issue 17 item 3).

Run: ``python benchmarks/bench_evidence_store.py [--files 20] [--sizes 100000 10000000]
[--database sqlite postgresql]``. For each engine and file size it stores ``--files`` sealed
files through each store the way intake does (``put`` then the report transaction's commit:
the folder fsyncs the file and its folder, the database commits the parts), then opens each
(``get``), alternating the two stores file by file so machine load hits both alike, and prints
milliseconds per file and the database/folder ratio. The bytes are random (sealed bytes do not
compress); sealing itself is the same for both stores and is left out.
"""
from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import tracker.models  # noqa: E402,F401 - registers every table
from tracker.db import make_engine  # noqa: E402
from tracker.evidence_store import DatabaseStore, FolderStore  # noqa: E402

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def database(kind: str, folder: Path) -> tuple[str, callable]:
    """A fresh database with the schema, and a function that drops it."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}", lambda: None
    name = f"tracker_bench_store_{secrets.token_hex(4)}"
    admin = create_engine(make_url(POSTGRES_SERVER), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False), drop


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def measure(kind: str, size: int, files: int) -> dict[str, float]:
    """Seconds per file for put+commit and for get, for each store."""
    folder = Path(tempfile.mkdtemp())
    url, drop = database(kind, folder)
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    totals = {"folder put": 0.0, "database put": 0.0, "folder get": 0.0, "database get": 0.0}
    try:
        with Session(engine) as session:
            stores = {"folder": FolderStore(session, folder / "evidence"), "database": DatabaseStore(session)}
            names: dict[str, list[str]] = {"folder": [], "database": []}
            for _ in range(files):
                data = secrets.token_bytes(size)
                for kind_of_store, store in stores.items():
                    def put(store=store, kind_of_store=kind_of_store, data=data) -> None:
                        names[kind_of_store].append(store.put(data))
                        session.commit()
                    totals[f"{kind_of_store} put"] += timed(put)
            for index in range(files):
                for kind_of_store, store in stores.items():
                    name = names[kind_of_store][index]
                    totals[f"{kind_of_store} get"] += timed(lambda store=store, name=name: store.get(name))
                    session.rollback()
    finally:
        engine.dispose()
        drop()
    return {name: total / files for name, total in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 10_000_000])
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    for kind in args.database:
        for size in args.sizes:
            per = measure(kind, size, args.files)
            print(f"{kind}, {size / 1e6:g} MB x {args.files}: put+commit {per['database put'] * 1e3:.1f} ms "
                  f"(database) vs {per['folder put'] * 1e3:.1f} ms (folder), ratio "
                  f"{per['database put'] / per['folder put']:.2f}; get {per['database get'] * 1e3:.1f} ms vs "
                  f"{per['folder get'] * 1e3:.1f} ms, ratio {per['database get'] / per['folder get']:.2f}")


if __name__ == "__main__":
    main()
