"""The recap's data for spreadsheets: the entries as CSV, the tables and the register as XLSX.

The CSV is for scripts and Excel alike: vocabulary codes, local ISO times, UTF-8 with a
byte-order mark (without it Excel reads UTF-8 as the local code page) and commas.
The XLSX "Register" sheet is the SOP's register book, its columns in the SOP's order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aduan.daemon.reports.figures import initials
from aduan.daemon.reports.records import Record
from aduan.daemon.reports.tables import Cell, Change, Duration, Lines, Moment, Share, Table, text
from aduan.daemon.reports.texts import REGISTER_COLUMNS, Texts

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

CSV_COLUMNS = (
    "register_no",
    "received_at",
    "channel",
    "kind",
    "unit",
    "urgent",
    "status",
    "forwarded_at",
    "answered_at",
    "resolved_at",
    "overdue",
)
# Excel refuses longer cells; complaint texts are cut there with a mark.
_EXCEL_CELL_CHARS = 32_000
_REGISTER_WIDTHS = (5, 16, 28, 60, 40, 40, 16, 20, 14, 13, 22)


def csv_bytes(records: Sequence[Record], t: Texts) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        writer.writerow(
            (
                r.register_no,
                _iso(r.received_at, t),
                r.channel,
                r.kind,
                r.unit,
                int(r.urgent),
                r.status,
                _iso(r.forwarded_at, t),
                _iso(r.answered_at, t),
                _iso(r.resolved_at, t),
                "+".join(r.missed),
            )
        )
    return out.getvalue().encode("utf-8-sig")


def _iso(value: datetime | None, t: Texts) -> str:
    return "" if value is None else value.astimezone(t.tz).isoformat(timespec="minutes")


def xlsx_bytes(
    tables: Sequence[Table],
    register: Sequence[Record],
    t: Texts,
    *,
    names: bool,
    mask: Callable[[str], str] = str,
) -> bytes:
    """A workbook with the summary tables and the register; `names=False` writes the
    reporter as initials only. The register's texts go through `mask` (the workbook is
    mailed: health data masked), and a confidential entry shows its number only."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = t("sheet_summary")
    _summary_sheet(summary, tables, t)
    _register_sheet(book.create_sheet(t("sheet_register")), register, t, names=names, mask=mask)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary_sheet(sheet: Worksheet, tables: Sequence[Table], t: Texts) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    row = 1
    widest = 1
    for table in tables:
        sheet.cell(row, 1, table.title).font = Font(bold=True, size=12)
        row += 1
        for col, name in enumerate(table.header, 1):
            cell = sheet.cell(row, col, name)
            cell.font, cell.fill = bold, grey
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widest = max(widest, len(table.header))
        row += 1
        for cells in (*table.rows, *([table.total] if table.total else [])):
            for col, value in enumerate(cells, 1):
                _put(sheet, row, col, value, t, bold=cells is table.total)
            row += 1
        for note in table.notes:
            sheet.cell(row, 1, note).font = Font(italic=True, size=9)
            row += 1
        row += 1
    sheet.column_dimensions["A"].width = 38
    for col in range(2, widest + 1):
        sheet.column_dimensions[_letter(col)].width = 16


def _put(sheet: Worksheet, row: int, col: int, value: Cell, t: Texts, *, bold: bool) -> None:
    from openpyxl.styles import Alignment, Font

    cell = sheet.cell(row, col)
    number_format = None
    stored: Any
    if isinstance(value, Share):
        stored, number_format = value.value, "0.0%"
    elif isinstance(value, Change):
        stored, number_format = value.value, '"▲ "0;"▼ "0;0'
    elif isinstance(value, Duration):
        suffix = t(value.unit, n="").strip()
        stored, number_format = value.value, f'0.0 "{suffix}"'
    elif isinstance(value, Moment):
        stored = _local(value.value, t)
        number_format = "dd/mm/yyyy hh:mm" if value.time else "dd/mm/yyyy"
    elif isinstance(value, int):
        stored = value
    else:
        stored = _safe(text(value, t))
    cell.value = stored
    if isinstance(stored, str):
        cell.data_type = "s"  # text that starts with "=" stays text, never a formula
        cell.alignment = Alignment(wrap_text=isinstance(value, Lines), vertical="top")
    if number_format is not None:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)


def _register_sheet(
    sheet: Worksheet,
    records: Sequence[Record],
    t: Texts,
    *,
    names: bool,
    mask: Callable[[str], str],
) -> None:
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    header = REGISTER_COLUMNS[t.lang]
    sheet.append(header)
    thin = Side(style="thin", color="999999")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=thin)
    # Named styles: setting one per cell is a lookup by name, where a style object per cell
    # is hashed and compared each time (minutes for a semester of a district register).
    book = sheet.parent
    top = Alignment(vertical="top")
    book.add_named_style(
        NamedStyle("aduan-teks", alignment=Alignment(wrap_text=True, vertical="top"))
    )
    book.add_named_style(NamedStyle("aduan-angka", alignment=top))
    book.add_named_style(NamedStyle("aduan-waktu", alignment=top, number_format="dd/mm/yyyy hh:mm"))
    line = 1
    for number, r in enumerate((r for r in records if not r.spam), 1):
        line += 1
        who = _reporter(r) if names else initials(r.reporter_name)
        text, response, rtl = (mask(v) for v in (r.text, r.response or "", r.rtl or ""))
        if r.confidential:
            who, text, response, rtl = "", t("confidential_text", no=r.register_no), "", ""
        row = (
            number,
            _local(r.received_at, t),
            who,
            text,
            response,
            rtl,
            t.label(r.status),
            r.register_no,
            t.label(r.channel),
            t.label(r.kind),
            t.label(r.unit),
        )
        for col, value in enumerate(row, 1):
            cell = sheet.cell(line, col)
            if isinstance(value, str):
                cell.value = _safe(value)
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
                cell.style = "aduan-teks"
            else:
                cell.value = value
                cell.style = "aduan-waktu" if isinstance(value, datetime) else "aduan-angka"
    for col, width in enumerate(_REGISTER_WIDTHS, 1):
        sheet.column_dimensions[_letter(col)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _reporter(r: Record) -> str:
    return "\n".join(v for v in (r.reporter_name, r.reporter_address, r.reporter_contact) if v)


def _local(value: datetime, t: Texts) -> datetime:
    # Excel has no time zones: the facility's wall-clock time is what staff expect to see.
    return value.astimezone(t.tz).replace(tzinfo=None)


def _safe(value: str) -> str:
    """What Excel can store: no control characters (mail and OCR text may carry them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cleaned = str(ILLEGAL_CHARACTERS_RE.sub("", value))
    if len(cleaned) > _EXCEL_CELL_CHARS:
        cleaned = cleaned[:_EXCEL_CELL_CHARS] + "…"
    return cleaned


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))
