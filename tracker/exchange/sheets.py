"""Reading a spreadsheet file (CSV, XLSX, ODS) as rows of cells keyed by the header row."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import PurePath

FORMATS = ("csv", "xlsx", "ods")


class SheetNotReadable(ValueError):
    """The file is not a spreadsheet this importer reads."""


def sheet_format(filename: str) -> str:
    """The format named by the file's extension; SheetNotReadable for anything else."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise SheetNotReadable(f"not a CSV, XLSX or ODS file: {PurePath(filename).name}")
    return suffix


def read_rows(content: bytes, filename: str) -> Iterator[dict[str, object]]:
    """Each data row as {header: cell}; blank rows are skipped, header cells are stripped."""
    reader = {"csv": _csv_rows, "xlsx": _xlsx_rows, "ods": _ods_rows}[sheet_format(filename)]
    try:
        rows = reader(content)
        header = [str(cell or "").strip() for cell in next(rows, [])]
        for cells in rows:
            if any(str(cell or "").strip() for cell in cells):
                yield {name: cell for name, cell in zip(header, cells, strict=False) if name}
    except (ValueError, KeyError, OSError, csv.Error) as error:
        raise SheetNotReadable(str(error) or type(error).__name__) from error


def _csv_rows(content: bytes) -> Iterator[list[object]]:
    """CSV in UTF-8 (with or without the byte-order mark spreadsheet programs write)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SheetNotReadable("the CSV file is not UTF-8 text") from error
    yield from csv.reader(io.StringIO(text, newline=""))


def _xlsx_rows(content: bytes) -> Iterator[list[object]]:
    """The first worksheet of an XLSX workbook, read-only so large sheets stream."""
    from openpyxl import load_workbook
    from zipfile import BadZipFile

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except BadZipFile as error:
        raise SheetNotReadable("the XLSX file is damaged") from error
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _ods_rows(content: bytes) -> Iterator[list[object]]:
    """The first table of an OpenDocument spreadsheet (odfpy), repeated cells expanded."""
    from zipfile import BadZipFile

    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    try:
        document = load(io.BytesIO(content))
    except (BadZipFile, KeyError) as error:
        raise SheetNotReadable("the ODS file is damaged") from error
    tables = document.spreadsheet.getElementsByType(Table)
    if not tables:
        return
    for row in tables[0].getElementsByType(TableRow):
        cells: list[object] = []
        for cell in row.getElementsByType(TableCell):
            repeat = min(int(cell.getAttribute("numbercolumnsrepeated") or 1), 200)
            cells.extend([_ods_text(cell)] * repeat)
        yield cells


def _ods_text(cell) -> str:
    """A cell's text, its paragraphs joined by newlines."""
    from odf import teletype
    from odf.text import P

    return "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P))
