"""The same sheet read from CSV, XLSX and ODS gives the same rows; damaged files are refused clearly."""
import csv
import io

import pytest
from openpyxl import Workbook

from tests.exchange.conftest import SAMPLE
from tracker.exchange.sheets import SheetNotReadable, read_rows


def sample_table() -> list[list[str]]:
    """The synthetic sample as a table of text cells, header first."""
    return list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))


def as_xlsx(table: list[list[str]]) -> bytes:
    """The table as an XLSX workbook."""
    workbook = Workbook()
    for row in table:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_ods(table: list[list[str]]) -> bytes:
    """The table as an OpenDocument spreadsheet, empty cells left out as office suites do."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Cases")
    for row in table:
        table_row = TableRow()
        for value in row:
            table_cell = TableCell(valuetype="string") if value else TableCell()
            if value:
                table_cell.addElement(P(text=value))
            table_row.addElement(table_cell)
        sheet.addElement(table_row)
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def normalised(rows) -> list[dict[str, str]]:
    """Rows with empty cells dropped, so formats that omit them compare equal."""
    return [{k: str(v) for k, v in row.items() if v not in (None, "")} for row in rows]


def test_csv_xlsx_and_ods_read_the_same_rows():
    from_csv = normalised(read_rows(SAMPLE.read_bytes(), "cases.csv"))
    assert len(from_csv) == 7 and from_csv[0]["Name (own script)"] == "ئابدۇكېرىم تېستجان"
    assert normalised(read_rows(as_xlsx(sample_table()), "cases.xlsx")) == from_csv
    assert normalised(read_rows(as_ods(sample_table()), "cases.ods")) == from_csv


@pytest.mark.parametrize("name, content", [
    ("cases.xlsx", b"not a zip"), ("cases.ods", b"not a zip"), ("cases.csv", "Name\nAblimit".encode("utf-16")),
])
def test_damaged_files_are_refused_with_a_reason(name, content):
    with pytest.raises(SheetNotReadable):
        list(read_rows(content, name))


@pytest.mark.parametrize("name, save", [("cases.xlsx", as_xlsx), ("cases.ods", as_ods)])
def test_a_spreadsheet_imports_like_the_csv_and_its_rows_are_the_same_rows(runner, profile, tmp_path, name, save):
    path = tmp_path / name
    path.write_bytes(save(sample_table()))
    result = runner.invoke(args=["import", "spreadsheet", str(path), "--profile", "ngo-wide-sheet"])
    assert result.exit_code == 0, result.output
    assert "Imported: 4 created, 1 linked, 2 refused" in result.output
    from_csv = runner.invoke(args=["import", "spreadsheet", str(SAMPLE), "--profile", "ngo-wide-sheet"])
    assert "Imported: 5 duplicate, 2 refused" in from_csv.output  # the same rows, saved as CSV
