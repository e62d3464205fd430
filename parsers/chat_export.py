"""A WhatsApp chat export (the .txt of "Export chat") → `ChatExport`: who wrote what, when.

Contract (implemented by `parse_chat_export`):
- both phone platforms' layouts, in Indonesian and English locales:
  Android `23/11/26 08.15 - Siti: teks`, `11/23/26, 8:15 AM - Siti: text`,
  `23/11/2026, 08:15 - Siti: text`; iOS `[23/11/26 08.15.02] Siti: teks`,
  `[11/23/26, 8:15:02 AM] Siti: text`, `[23.11.26 08:15:02] Siti: text`;
- `sent_at` is naive, the wall-clock time written in the export: the phone's zone is not in
  the file, the caller attaches the facility's;
- day and month order is decided once for the whole file (see `_day_first`);
- a line that does not start with a timestamp continues the message above it;
- lines without a sender (encryption notice, group events) are not messages; on iOS those
  carry the chat's name as sender and a left-to-right mark before the text;
- media placeholders and deleted messages stay messages with `media=True`, so the caller
  decides; the "edited" marker is dropped from the text;
- raises `ChatExportError` (one line) only when the bytes are not a WhatsApp export:
  empty, binary, not UTF-8, no line with a timestamp, or a date that cannot exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

ANDROID = "android"
IOS = "ios"


class ChatExportError(ValueError):
    """The bytes are not a readable WhatsApp export; the message says why (one line)."""


@dataclass(frozen=True)
class ChatMessage:
    sent_at: datetime  # naive: local wall-clock time as written in the export
    sender: str  # as written: a contact name or a number like "+62 812-3456-7890"
    text: str  # continuation lines joined with "\n"; the "edited" marker removed
    line: int  # 1-based line of the file where the message starts
    media: bool  # only a media placeholder, or a deleted message: no text of its own


@dataclass(frozen=True)
class ChatExport:
    messages: tuple[ChatMessage, ...]
    format: str  # ANDROID or IOS


# Invisible direction marks WhatsApp writes around timestamps, senders and placeholders
# (U+202A…U+202C wrap phone-number senders on Android).
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_TABLE = str.maketrans("", "", _BIDI)
_TRIM = _BIDI + " \t\n\u00a0\u202f"
# Newer phones put a narrow no-break space before AM/PM; some locales a no-break space.
_GAP = "[ \u00a0\u202f\u200e\u200f]"

_STAMP = re.compile(
    r"(?P<open>\[)?"
    r"(?P<first>\d{1,2})(?P<dsep>[/.\-])(?P<second>\d{1,2})(?P=dsep)(?P<year>\d{4}|\d{2})"
    rf",?{_GAP}+"
    r"(?P<hour>\d{1,2})(?P<tsep>[:.])(?P<minute>\d{2})(?:(?P=tsep)(?P<sec>\d{2}))?"
    rf"(?:{_GAP}*(?P<ampm>[AaPp]\.?{_GAP}?[Mm]\.?))?"
    # iOS closes the bracket; Android puts a dash (an en dash on a few phones).
    rf"(?(open)\]{_GAP}+|{_GAP}+[-\u2013]{_GAP}+)"
)
# "Sender: text"; the text may be empty ("Siti:" and the message on the lines below).
_SENDER = re.compile(r"(?P<sender>[^:]+?):(?:[ \u00a0\u202f]|$)(?P<text>.*)", re.S)
# A group event on Android that quotes a subject with a colon in it reads like a sender
# ("Siti changed the subject to "Keluhan: antrian""); a real sender has no quotes.
_QUOTES = frozenset('"“”')

# The encryption notice, in case an editor dropped iOS's direction mark before it.
_ENCRYPTION_NOTICE = re.compile(
    r"(?:messages and calls are end-to-end encrypted"
    r"|messages to this group are now secured with end-to-end encryption"
    r"|pesan dan panggilan terenkripsi secara end-to-end"
    r"|pesan yang dikirim ke grup ini kini diamankan dengan enkripsi end-to-end)",
    re.I,
)
_EDITED = re.compile(r"<(?:this message was edited|pesan ini diedit)>\s*$", re.I)
# Whole-text placeholders for media left out of (or attached to) the export.
# Only a document's placeholder carries text before it: its name and page count.
_MEDIA = re.compile(
    r"<[^<>\n]*(?:omitted|tidak disertakan)>"  # Android: <Media omitted>, <Media tidak …>
    r"|<(?:attached|terlampir|lampiran):[^<>\n]+>"  # iOS, exported with media
    r"|[^\n]+\.\w{1,5} \((?:file attached|file terlampir)\)"  # Android, with media
    r"|(?:image|video|audio|sticker|gif|contact card|view once (?:photo|video|voice message))"
    r" omitted"  # iOS, without media
    r"|(?:gambar|foto|video|audio|stiker|gif|kartu kontak) tidak disertakan"
    r"|(?:[^\n]* )?(?:document omitted|dokumen tidak disertakan)",
    re.I,
)
_DELETED = re.compile(
    r"(?:this message was deleted|you deleted this message|pesan ini telah dihapus"
    r"|anda menghapus pesan ini)\.?",
    re.I,
)

_AMBIGUOUS_LIMIT = 12  # a date field above this is a day, never a month


@dataclass(frozen=True)
class _Header:
    line: int
    format: str
    first: int
    second: int
    year: int
    hour: int
    minute: int
    second_of_minute: int
    ampm: str | None  # "am", "pm" or None for a 24-hour clock
    rest: str  # the line after the timestamp: "Sender: text" or a system line


@dataclass
class _Open:
    """The message being read: its header and the lines of text so far."""

    header: _Header
    sender: str
    lines: list[str]
    system_mark: bool  # iOS: the text started with a direction mark


def parse_chat_export(data: bytes) -> ChatExport:
    """Read a WhatsApp export; see the module docstring for the contract."""
    lines = _lines(data)
    headers: dict[int, _Header] = {}
    export_format: str | None = None
    for number, line in enumerate(lines, start=1):
        header = _header(number, line)
        # The first timestamp fixes the platform: a line in the other layout is text
        # somebody pasted into a message.
        if header is None or (export_format is not None and header.format != export_format):
            continue
        export_format = header.format
        headers[number] = header
    if export_format is None:
        raise ChatExportError("no line starts with a WhatsApp timestamp: not a chat export")
    day_first = _day_first(list(headers.values()))

    messages: list[ChatMessage] = []
    current: _Open | None = None
    for number, line in enumerate(lines, start=1):
        header = headers.get(number)
        if header is None:
            if current is not None:
                current.lines.append(line)
            continue  # before the first message: nothing to continue
        if current is not None:
            messages.extend(_finish(current, day_first))
        current = _open(header)  # None for a system line: its continuation is dropped too
    if current is not None:
        messages.extend(_finish(current, day_first))
    return ChatExport(tuple(messages), export_format)


def _lines(data: bytes) -> list[str]:
    if not data.strip():
        raise ChatExportError("empty file")
    if b"\x00" in data:
        raise ChatExportError("binary data, not a text export")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ChatExportError(f"not UTF-8 text (byte {error.start})") from None
    # Split on line ends only: str.splitlines() also splits on characters a message may
    # hold (U+2028, form feed), which would shift every line number after them.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _header(number: int, line: str) -> _Header | None:
    stripped = line.lstrip(_BIDI + "\ufeff ")
    match = _STAMP.match(stripped)
    if match is None:
        return None
    ampm = match["ampm"]
    return _Header(
        line=number,
        format=IOS if match["open"] else ANDROID,
        first=int(match["first"]),
        second=int(match["second"]),
        year=int(match["year"]),
        hour=int(match["hour"]),
        minute=int(match["minute"]),
        second_of_minute=int(match["sec"] or 0),
        ampm=ampm.replace(".", "").lower()[0] + "m" if ampm else None,
        rest=stripped[match.end() :],
    )


def _day_first(headers: list[_Header]) -> bool:
    """Whether dates read day/month, decided once for the file: the export writes every
    line in the phone's one locale, and deciding per line would read 05/11 and 23/11 of
    the same file in different orders.

    A first field above 12 can only be a day, a second field above 12 only a day too. When
    no date tells (every one before the 13th), a 12-hour clock means a US-English phone
    (month first); otherwise day first, as Indonesian and most other locales write it.
    """
    day_first_at = next((h.line for h in headers if h.first > _AMBIGUOUS_LIMIT), None)
    month_first_at = next((h.line for h in headers if h.second > _AMBIGUOUS_LIMIT), None)
    if day_first_at is not None and month_first_at is not None:
        raise ChatExportError(
            f"dates are day-first on line {day_first_at} but month-first on line "
            f"{month_first_at}: not one export"
        )
    if day_first_at is not None:
        return True
    if month_first_at is not None:
        return False
    return not any(h.ampm for h in headers)


def _open(header: _Header) -> _Open | None:
    """The message a timestamped line starts, or None for a system line."""
    match = _SENDER.fullmatch(header.rest)
    if match is None:
        return None  # "Siti added Budi", the encryption notice, group events
    if header.format == ANDROID and _QUOTES.intersection(match["sender"]):
        return None
    sender = " ".join(match["sender"].translate(_BIDI_TABLE).split())
    text = match["text"]
    return _Open(header, sender, [text], system_mark=text.startswith(tuple(_BIDI)))


def _finish(message: _Open, day_first: bool) -> list[ChatMessage]:
    header = message.header
    text = _EDITED.sub("", "\n".join(message.lines).rstrip()).strip(_TRIM)
    bare = text.translate(_BIDI_TABLE).strip()
    media = bool(_MEDIA.fullmatch(bare) or _DELETED.fullmatch(bare))
    if _ENCRYPTION_NOTICE.match(bare) or (
        # iOS writes group events as messages from the chat itself, the text behind a
        # left-to-right mark; a person's media placeholder has that mark too.
        header.format == IOS and message.system_mark and not media
    ):
        return []
    return [
        ChatMessage(
            sent_at=_sent_at(header, day_first),
            sender=message.sender,
            text=bare if media else text,
            line=header.line,
            media=media,
        )
    ]


def _sent_at(header: _Header, day_first: bool) -> datetime:
    day, month = (header.first, header.second) if day_first else (header.second, header.first)
    year = header.year + 2000 if header.year < 100 else header.year
    hour = header.hour
    if header.ampm is not None:
        if not 1 <= hour <= 12:
            raise ChatExportError(f"line {header.line}: hour {hour} with AM/PM")
        hour = hour % 12 + (12 if header.ampm == "pm" else 0)
    try:
        return datetime(year, month, day, hour, header.minute, header.second_of_minute)
    except ValueError as error:
        raise ChatExportError(f"line {header.line}: no such date or time ({error})") from None
