"""A CSV log of SMS and phone complaints (kept in Excel by staff) → `LogRow`s.

Contract (implemented by `parse_contact_log`):
- the header row names the columns, in Indonesian or English, in any case and spelling of
  spaces and punctuation ("No. HP", "no_hp"); a date column and a text column are required,
  a separate time column (jam, time) is joined to a date-only date column;
- the delimiter is whichever of `;` (Indonesian Excel), `,` and tab makes a header row;
  title rows above the header are skipped;
- UTF-8 with or without BOM, else cp1252 (Excel's "CSV" on a Western Windows);
- dates are day-first (Indonesian) in their slash, dash and dot forms, ISO, or with an
  Indonesian or English month name; `received_at` is a date when no time was written;
- blank rows and rows with no text are skipped;
- raises `ContactLogError`, one line that says what to fix: no header, a missing required
  column, an unreadable date or time, an unknown channel ("line N: …").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from aduan.parsers.dates import MONTHS

CHANNELS = ("sms", "whatsapp", "telepon", "langsung", "web", "media_sosial")


class ContactLogError(ValueError):
    """The log cannot be read; the message names the line or column and what to fix."""


@dataclass(frozen=True)
class LogRow:
    line: int  # 1-based line of the file where the row starts; the header is line 1
    received_at: datetime | date  # naive; a date when the log gives no time
    channel: str | None  # one of CHANNELS; None when the log has no channel column or cell
    name: str | None
    contact: str | None  # as written
    address: str | None
    text: str


_DATE, _TIME, _CHANNEL, _NAME, _CONTACT, _ADDRESS, _TEXT = (
    "date",
    "time",
    "channel",
    "name",
    "contact",
    "address",
    "text",
)

# Header names with everything but letters and digits removed, lowercase; within a field
# the first listed that the file has wins ("tanggal" over "waktu" for the date, "waktu"
# is then the time).
_COLUMNS: dict[str, tuple[str, ...]] = {
    _DATE: (
        "tanggal",
        "tgl",
        "tanggalditerima",
        "tglditerima",
        "tanggalpengaduan",
        "tglpengaduan",
        "date",
        "datetime",
        "receivedat",
        "waktu",
        "time",
    ),
    _TIME: ("jam", "pukul", "time", "waktu"),
    _CHANNEL: ("kanal", "saluran", "media", "channel"),
    _NAME: ("nama", "namapelapor", "namapengadu", "name"),
    _CONTACT: (
        "kontak",
        "nohp",
        "hp",
        "nohpwa",
        "nowa",
        "notelp",
        "telp",
        "telepon",
        "notelepon",
        "nomorhp",
        "phone",
        "nomor",
        "contact",
    ),
    _ADDRESS: ("alamat", "address"),
    _TEXT: (
        "isipengaduan",
        "isi",
        "isikeluhan",
        "isiaduan",
        "pesan",
        "keluhan",
        "pengaduan",
        "text",
        "message",
    ),
}
_REQUIRED = ((_DATE, "date (tanggal)"), (_TEXT, "text (isi pengaduan)"))
# A header is looked for among the first rows only: a log's title block is a few lines.
_HEADER_SEARCH_ROWS = 10
_DELIMITERS = (";", ",", "\t")

_CHANNEL_ALIASES: dict[str, str] = {
    "sms": "sms",
    "wa": "whatsapp",
    "whatsapp": "whatsapp",
    "whats app": "whatsapp",
    "telp": "telepon",
    "tlp": "telepon",
    "telpon": "telepon",
    "telepon": "telepon",
    "telefon": "telepon",
    "phone": "telepon",
    "telephone": "telepon",
    "call": "telepon",
    "langsung": "langsung",
    "datang langsung": "langsung",
    "tatap muka": "langsung",
    "in person": "langsung",
    "web": "web",
    "website": "web",
    "situs web": "web",
    "ig": "media_sosial",
    "instagram": "media_sosial",
    "fb": "media_sosial",
    "facebook": "media_sosial",
    "media sosial": "media_sosial",
    "medsos": "media_sosial",
    "social media": "media_sosial",
    "twitter": "media_sosial",
    "tiktok": "media_sosial",
}

_WEEKDAY = (
    r"(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)"
)
_TIME_PART = (
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?\s*(?:wib|wita|wit)?"
)
# Between the date and the time: a space, ISO's T, a comma, or "pukul"/"jam".
_JOIN = r"(?:\s*(?:,|\s|t|\s(?:pukul|pkl\.?|jam))\s*)"
_DATE_FORMS = (
    r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})",
    r"(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4}|\d{2})",
    r"(?P<day>\d{1,2})[\s\-./]*(?P<month_name>[a-z]+)\.?[\s\-./]*(?P<year>\d{4}|\d{2})",
)
_DATES = tuple(
    re.compile(rf"(?:{_WEEKDAY}\s*,?\s*)?{form}(?:{_JOIN}{_TIME_PART})?", re.I)
    for form in _DATE_FORMS
)
_TIME_ONLY = re.compile(_TIME_PART, re.I)
_DATE_HINT = "write it as 23/11/2026, 2026-11-23 or 23 November 2026"


def parse_contact_log(data: bytes) -> tuple[LogRow, ...]:
    """Read a complaint log; see the module docstring for the contract."""
    text = _decode(data)
    delimiter, header_line, columns = _header(text)
    rows: list[LogRow] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    for cells in reader:
        line, previous_end = previous_end + 1, reader.line_num
        if line <= header_line or not any(cell.strip() for cell in cells):
            continue
        row = _row(line, cells, columns)
        if row is not None:
            rows.append(row)
    return tuple(rows)


def _decode(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ContactLogError("this is an Excel workbook, not CSV: save it as CSV and retry")
    if b"\x00" in data:
        raise ContactLogError("binary data, not a CSV file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" on Windows writes the ANSI code page; cp1252 leaves five
        # bytes undefined, which only a damaged file holds.
        text = data.decode("cp1252", errors="replace")
    if not text.strip():
        raise ContactLogError("empty file")
    # Cells written on several lines keep "\n" only, whatever the file's line ends.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _key(header: str) -> str:
    return "".join(c for c in header.lower() if c.isalnum())


def _header(text: str) -> tuple[str, int, dict[str, int]]:
    """The delimiter, the header's line number and the column of each known field.

    Each delimiter is tried on the first rows; the right one is the one under which a row
    names both required columns. Counting delimiters instead misleads: the complaint texts
    under a `;` header are full of commas.
    """
    found: list[tuple[int, int, str, dict[str, int]]] = []
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        previous_end = 0
        seen = 0
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            columns = _columns(cells)
            if all(field in columns for field, _ in _REQUIRED):
                found.append((line, -len(cells), delimiter, columns))
                break
            seen += 1
            if seen >= _HEADER_SEARCH_ROWS:
                break
    if found:
        line, _, delimiter, columns = min(found, key=lambda item: (item[0], item[1]))
        return delimiter, line, columns
    raise ContactLogError(_missing_columns(text))


def _columns(cells: Sequence[str]) -> dict[str, int]:
    keys = [_key(cell) for cell in cells]
    columns: dict[str, int] = {}
    for field, aliases in _COLUMNS.items():
        for alias in aliases:
            if alias in keys and keys.index(alias) not in columns.values():
                columns[field] = keys.index(alias)
                break
    return columns


def _missing_columns(text: str) -> str:
    first = next(line for line in text.splitlines() if line.strip())
    delimiter = max(_DELIMITERS, key=first.count)
    cells = next(csv.reader([first], delimiter=delimiter))
    columns = _columns(cells)
    missing = [label for field, label in _REQUIRED if field not in columns]
    headers = ", ".join(cell.strip() for cell in cells if cell.strip()) or "none"
    return f"no {' and no '.join(missing)} column in the header; headers found: {headers}"


def _row(line: int, cells: Sequence[str], columns: dict[str, int]) -> LogRow | None:
    def cell(field: str) -> str | None:
        index = columns.get(field)
        if index is None or index >= len(cells):
            return None
        return cells[index].strip() or None

    text = cell(_TEXT)
    if text is None:
        return None
    written_date = cell(_DATE)
    if written_date is None:
        raise ContactLogError(f"line {line}: no date; {_DATE_HINT}")
    received_at = _received_at(line, written_date)
    written_time = cell(_TIME)
    # A time in the date cell wins over the time column: it was written with the date.
    if written_time is not None and not isinstance(received_at, datetime):
        received_at = datetime.combine(received_at, _time(line, written_time))
    channel = cell(_CHANNEL)
    return LogRow(
        line=line,
        received_at=received_at,
        channel=_channel(line, channel) if channel is not None else None,
        name=cell(_NAME),
        contact=cell(_CONTACT),
        address=cell(_ADDRESS),
        text=text,
    )


def _received_at(line: int, written: str) -> datetime | date:
    for form in _DATES:
        match = form.fullmatch(written.strip())
        if match is None:
            continue
        groups = match.groupdict()
        month_name = groups.get("month_name")
        month = MONTHS.get(month_name.lower()) if month_name else int(groups["month"])
        if month is None:
            break
        year = int(groups["year"])
        year = year + 2000 if year < 100 else year
        try:
            day = date(year, month, int(groups["day"]))
        except ValueError:
            raise ContactLogError(
                f"line {line}: date {written!r} does not exist; {_DATE_HINT}"
            ) from None
        if groups["hour"] is None:
            return day
        return datetime.combine(day, _clock(line, written, match))
    raise ContactLogError(f"line {line}: date {written!r} is not readable; {_DATE_HINT}")


def _time(line: int, written: str) -> time:
    match = _TIME_ONLY.fullmatch(written.strip())
    if match is None:
        raise ContactLogError(f"line {line}: time {written!r} is not readable; write it as 08:15")
    return _clock(line, written, match)


def _clock(line: int, written: str, match: re.Match[str]) -> time:
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    ampm = match["ampm"]
    if ampm is not None and 1 <= hour <= 12:
        hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
    elif ampm is not None or hour > 23 or minute > 59 or second > 59:
        raise ContactLogError(f"line {line}: no such time in {written!r}; write it as 08:15")
    return time(hour, minute, second)


def _channel(line: int, written: str) -> str:
    key = " ".join(re.sub(r"[^a-z0-9]+", " ", written.lower()).split())
    channel = _CHANNEL_ALIASES.get(key) or _CHANNEL_ALIASES.get(key.replace(" ", ""))
    if channel is None and key.replace(" ", "_") in CHANNELS:
        channel = key.replace(" ", "_")
    if channel is None:
        raise ContactLogError(
            f"line {line}: unknown channel {written!r}; use SMS, WA, telepon, langsung, web "
            "or media sosial"
        )
    return channel
