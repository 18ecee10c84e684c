"""Export formats (CSV, JSON, XLSX) for released tables and the de-identified dataset.

Every writer takes rows one at a time and yields chunks, so a million-row export holds only a
chunk in memory. XLSX uses openpyxl's write-only mode into a temporary file that is then read
back in chunks (a zip archive cannot be produced front to back).
"""
from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from operator import attrgetter, itemgetter
from typing import Any

from .dataset import DeidentifiedRows
from .dimensions import INCIDENT_DIMENSIONS, RELATIVE_DIMENSIONS, value_label
from .disclosure import ReleasedTable

# Bare media types: Flask adds "; charset=utf-8" to text types itself, so naming the charset
# here sent it twice (issue 12: "charset=utf-8; charset=utf-8", which strict clients reject).
MEDIA_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_ROWS = 1_000
CHUNK_BYTES = 64 * 1024

# The documented shape of a JSON table export (also in the OpenAPI document as StatsTable).
TABLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["dimensions", "threshold", "total", "suppressed_cells", "cells"],
    "properties": {
        "dimensions": {"type": "array", "items": {"type": "string"}},
        "threshold": {"type": "integer", "minimum": 2},
        "total": {"type": ["integer", "null"], "description": "Distinct people; null when withheld"},
        "suppressed_cells": {"type": "integer", "minimum": 0},
        "cells": {"type": "array", "items": {
            "type": "object",
            "required": ["values", "labels", "count"],
            "properties": {
                "values": {"type": "array", "items": {"type": "string"}},
                "labels": {"type": "array", "items": {"type": "string"}},
                "count": {"type": ["integer", "null"], "minimum": 0,
                          "description": "Distinct people; null when withheld by disclosure control"},
            },
        }},
    },
}

DATASET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["codebook", "records"],
    "properties": {
        "codebook": {"type": "object"},
        "records": {"type": "array", "items": {
            "type": "object", "required": ["record"],
            "properties": {"record": {"type": "integer", "minimum": 1}},
            "additionalProperties": {"type": "string"}}},
    },
}


def dimension_vocabulary(name: str) -> str | None:
    """The naming scheme of a dimension's values, whichever catalogue it comes from."""
    dimension = INCIDENT_DIMENSIONS.get(name) or RELATIVE_DIMENSIONS.get(name)
    return dimension.vocabulary if dimension else None


def cell_labels(table: ReleasedTable, key: tuple[str, ...], memo: dict | None = None) -> list[str]:
    """The translated labels of one cell's values; ``memo`` spares a big table repeated lookups."""
    memo = {} if memo is None else memo
    labels = []
    for name, value in zip(table.dimensions, key, strict=True):
        if (name, value) not in memo:
            memo[name, value] = value_label(dimension_vocabulary(name), value)
        labels.append(memo[name, value])
    return labels


class _Labels(dict):
    """One dimension's translated labels by value, each looked up when first needed."""

    def __init__(self, vocabulary: str | None):
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, value: str) -> str:
        label = self[value] = value_label(self.vocabulary, value)
        return label


def table_rows(table: ReleasedTable) -> Iterator[list[Any]]:
    """Header, one row per cell (empty count when withheld), then the total."""
    yield _table_header(table)
    values, named, counts = _table_columns(table)
    shown = ["" if count is None else count for count in counts]
    withheld = ["yes" if count is None else "no" for count in counts]
    yield from map(list, zip(*values, *named, shown, withheld, strict=True))
    yield _table_total(table)


def _table_header(table: ReleasedTable) -> list[str]:
    return [*table.dimensions, *(f"{name}_label" for name in table.dimensions), "count", "suppressed"]


def _table_total(table: ReleasedTable) -> list[Any]:
    blanks = [""] * (2 * len(table.dimensions) - 1)
    return ["total", *blanks, "" if table.total is None else table.total, "no" if table.total is not None else "yes"]


def _table_columns(table: ReleasedTable) -> tuple[list[list[str]], list[list[str]], list[int | None]]:
    """The cells' values and labels per dimension, and their counts, a column at a time.

    Each dimension's labels are looked up once per value (cell_labels' memo, without a call per
    cell): a table can have tens of thousands of cells at 100,000 incidents.
    """
    labels = [_Labels(dimension_vocabulary(name)) for name in table.dimensions]
    keys = list(map(attrgetter("key"), table.cells))
    values = [list(map(itemgetter(place), keys)) for place in range(len(table.dimensions))]
    named = [list(map(label.__getitem__, column)) for label, column in zip(labels, values, strict=True)]
    return values, named, list(map(attrgetter("count"), table.cells))


class _Fields(dict):
    """Values as the csv module writes them in a row of several fields, each worked out once."""

    def __missing__(self, value: Any) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow([value, ""])
        field = self[value] = buffer.getvalue()[:-3]  # without the empty last field's "," and "\r\n"
        return field


def table_csv_chunks(table: ReleasedTable) -> Iterator[str]:
    """The same text as ``csv_chunks(table_rows(table))``, each distinct value quoted once.

    A table has a few hundred distinct values and labels but tens of thousands of cells, so the
    body is made of fields the csv module quoted once each (quoting a field depends on nothing
    else in its row when the row has more than one), joined in C; the header and total row are
    the csv module's own.
    """
    head = io.StringIO()
    writer = csv.writer(head, lineterminator="\r\n")
    writer.writerow(_table_header(table))
    yield head.getvalue()
    values, named, counts = _table_columns(table)
    fields = _Fields()
    columns = [list(map(fields.__getitem__, column)) for column in (*values, *named)]
    shown = ["" if count is None else fields[count] for count in counts]
    withheld = ["yes" if count is None else "no" for count in counts]
    lines = map(",".join, zip(*columns, shown, withheld, strict=True))
    while chunk := list(islice(lines, CHUNK_ROWS)):
        yield "\r\n".join(chunk) + "\r\n"
    tail = io.StringIO()
    csv.writer(tail, lineterminator="\r\n").writerow(_table_total(table))
    yield tail.getvalue()


def table_document(table: ReleasedTable) -> dict[str, Any]:
    """A released table as the JSON document TABLE_SCHEMA describes."""
    memo: dict = {}
    return {
        "dimensions": list(table.dimensions),
        "threshold": table.threshold,
        "total": table.total,
        "suppressed_cells": table.suppressed_cells,
        "cells": [{"values": list(cell.key), "labels": cell_labels(table, cell.key, memo), "count": cell.count}
                  for cell in table.cells],
    }


def csv_chunks(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text in chunks of CHUNK_ROWS rows (the csv module writes each chunk in one call)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        writer.writerows(chunk)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def dataset_json_chunks(rows: Iterable[list[Any]], codebook: dict[str, Any]) -> Iterator[str]:
    """The dataset as one JSON object, records streamed between a fixed head and tail."""
    iterator = iter(rows)
    header = next(iterator)
    yield '{"codebook": ' + json.dumps(codebook, ensure_ascii=False) + ', "records": ['
    parts: list[str] = []
    for number, row in enumerate(iterator):
        parts.append(("," if number else "") + json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False))
        if len(parts) >= CHUNK_ROWS:
            yield "".join(parts)
            parts.clear()
    yield "".join(parts) + "]}"


def xlsx_chunks(rows: Iterable[list[Any]], title: str) -> Iterator[bytes]:
    """An XLSX workbook with one sheet, written in openpyxl's write-only mode, in chunks."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


def _table_json_chunks(table: ReleasedTable) -> Iterator[str]:
    """The table as one JSON document, made only when iterated.

    Labels are translated while the caller iterates, inside its locale: ``flask export`` forces
    English around the loop and has no request, so labelling eagerly failed there (issue 12).
    """
    yield json.dumps(table_document(table), ensure_ascii=False)


def table_chunks(table: ReleasedTable, fmt: str) -> Iterator[str | bytes]:
    """A released table in one export format."""
    if fmt == "json":
        return _table_json_chunks(table)
    if fmt == "xlsx":
        return xlsx_chunks(table_rows(table), "statistics")
    return table_csv_chunks(table)


def dataset_chunks(rows: Iterable[list[Any]], fmt: str, codebook: dict[str, Any]) -> Iterator[str | bytes]:
    """The de-identified dataset in one export format."""
    if fmt == "json":
        return dataset_json_chunks(rows, codebook)
    if fmt == "xlsx":
        return xlsx_chunks(rows, "incidents")
    if isinstance(rows, DeidentifiedRows):
        return rows.csv_chunks(CHUNK_ROWS)  # the same text, a run's shared values rendered once
    return csv_chunks(rows)


def record_export(session, what: str, fmt: str, detail: dict[str, Any], *, user_id: int | None = None,
                  actor: str = "staff") -> None:
    """Write the export to the audit log and commit, before any byte of it leaves (DESIGN §2)."""
    from ..audit import record

    record(session, "analytics.export", user_id=user_id, actor=actor, object_type=what,
           detail={"format": fmt, **detail})
    session.commit()
