"""Replies to aduan's own mail: the register numbers a subject names, the new part of a reply,
and the commands a quality-team member writes at its top.

Pure functions on text already decoded by `aduan.parsers.mail`: no database, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# The register's statuses (models.tables.STATUSES; parsers may not import models).
STATUSES = (
    "diterima",
    "diteruskan",
    "ditindaklanjuti",
    "selesai",
    "dipublikasikan",
    "bukan_aduan",
)

# Read by the person who wrote the commands, so Indonesian.
_UNKNOWN_STATUS = "status '{value}' tidak dikenal; pakai: {choices}"
_EMPTY_STATUS = "status kosong; pakai: {choices}"
_EMPTY_FIELD = "{keyword} kosong; tulis isinya sesudah '{keyword}:'"
_REPEATED = "{keyword} ditulis lebih dari sekali; yang dipakai yang terakhir"


@dataclass(frozen=True)
class Commands:
    """What a quality-team reply asks for; None where it says nothing (or nothing valid)."""

    status: str | None = None  # one of STATUSES
    rtl: str | None = None  # rencana tindak lanjut, the follow-up plan
    response: str | None = None  # the answer to send to the complainant
    note: str | None = None
    errors: tuple[str, ...] = ()  # Indonesian, one sentence per problem, for the writer


# --- subject tags ---------------------------------------------------------------------------

# PREFIX-YYYY-MM-NNNN; the counter is zero-padded to four digits and grows past them.
_REGISTER_NO = r"([A-Za-z][A-Za-z0-9]{0,9})-(\d{4}-(?:0[1-9]|1[0-2])-\d{4,6})"
_REGISTER_NO_RE = re.compile(_REGISTER_NO)
_BRACKETED = re.compile(r"\[([^\[\]]{1,200})\]")
# Only a bracket that holds nothing but register numbers is a tag: "[Aduan ADU-…]" or a
# mailing-list prefix is not ours, and a date such as [2026-11-01] has no prefix.
_TAG_CONTENT = re.compile(rf"\s*{_REGISTER_NO}(?:\s*[,;/&]?\s*{_REGISTER_NO})*\s*")


def find_tags(subject: str, *, prefix: str | None = None) -> tuple[str, ...]:
    """Register numbers tagged in `subject` as "[ADU-2026-11-0001]", upper-cased, first seen first.

    A bracket may hold several numbers ("[ADU-2026-11-0001, ADU-2026-11-0002]") and spaces
    next to the brackets. With `prefix`, numbers with another prefix are left out.
    """
    found: dict[str, None] = {}
    for bracket in _BRACKETED.finditer(subject):
        if not _TAG_CONTENT.fullmatch(bracket.group(1)):
            continue
        for written_prefix, rest in _REGISTER_NO_RE.findall(bracket.group(1)):
            if prefix is None or written_prefix.upper() == prefix.upper():
                found[f"{written_prefix.upper()}-{rest}"] = None
    return tuple(found)


def find_codes(text: str, *, prefix: str) -> tuple[str, ...]:
    """Register numbers with `prefix` written anywhere in `text` ("kode ADU-2026-11-0001"),
    first seen first: the tracking code a reporter copies when their mail program dropped
    our headers and the subject's tag."""
    # Most texts name no code, and the scan below costs per letter: this test is twenty times
    # cheaper and misses no code (`upper` maps each character alone, ASCII stays ASCII).
    if f"{prefix.upper()}-" not in text.upper():
        return ()
    found: dict[str, None] = {}
    for written_prefix, rest in _REGISTER_NO_RE.findall(text):
        if written_prefix.upper() == prefix.upper():
            found[f"{written_prefix.upper()}-{rest}"] = None
    return tuple(found)


# --- the new part of a reply ----------------------------------------------------------------

_QUOTED = re.compile(r"[ \t]*>")
_ATTRIBUTION_START = re.compile(r"[ \t]*(?:on|pada)\b", re.I)
# "On Mon, 3 Jun 2024 at 10:15, Siti <siti@example.id> wrote:" (Gmail, Apple Mail,
# Thunderbird), "Pada Sen, 3 Jun 2024 pukul 10.15 Siti <…> menulis:" (Indonesian locales).
# The digit (a date or a time) keeps "On Monday the staff wrote:" in a complaint.
_ATTRIBUTION = re.compile(
    r"(?=[^\n]*\d)[ \t]*(?:on|pada)\b.{0,400}\b(?:wrote|menulis)[ \t]*:[ \t]*",
    re.I,
)
# Clients wrap a long attribution line, usually inside the address.
_ATTRIBUTION_LINES = 3
_ATTRIBUTION_LINE_MAX = 1000
_ORIGINAL_MARK = re.compile(
    r"[ \t]*(?:-{2,}[ \t]*(?:original message|pesan asli|forwarded message|pesan terusan"
    r"|pesan yang diteruskan)[ \t]*-{2,}|_{10,}|begin forwarded message:)[ \t]*",
    re.I,
)
# Outlook quotes the original under its header block: "From: … / Sent: …", "Dari: … /
# Dikirim: …"; turned from HTML it may stand on one line.
_QUOTED_FROM = re.compile(r"[ \t]*\*?(?:from|dari)\*?[ \t]*:[ \t]*\S", re.I)
_QUOTED_SENT = re.compile(r"[ \t]*\*?(?:sent|date|dikirim|terkirim|tanggal)\*?[ \t]*:", re.I)
_QUOTED_SENT_INLINE = re.compile(r"\s\*?(?:sent|dikirim|terkirim)\*?[ \t]*:", re.I)
# "-- " is the standard signature separator; mail.py strips its trailing space.
_SIGNATURE_DASHES = re.compile(r"--[ \t]*")
# Device and app signatures; the app or device word keeps "Dikirim dari pustu ke RSUD…".
_DEVICE_SIGNATURE = re.compile(
    r"[ \t]*(?:(?:sent|dikirim)[ \t]+(?:from|with|via|dari|melalui|lewat|dengan)\b.{0,50}?"
    r"\b(?:iphone|ipad|ios|android|samsung|galaxy|xiaomi|redmi|oppo|vivo|realme|huawei"
    r"|blackberry|ponsel|hp|handphone|perangkat|seluler|mobile|smartphone|outlook|yahoo"
    r"|gmail|mail|windows)\b.{0,40}|(?:get|dapatkan)[ \t]+outlook\b.{0,40})",
    re.I,
)


def reply_text(text: str) -> str:
    """What the writer of a reply added: quoted lines, quoted originals and signatures removed.

    Returns all of `text` (line endings normalised, stripped) when nothing would remain.
    """
    lines = _split_lines(text)
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _QUOTED.match(line):
            index += 1
            continue
        after = _attribution_end(lines, index)
        if after is not None:
            if not _quote_follows(lines, after):
                break  # the original follows unquoted (HTML turned into text): all of it goes
            index = after  # bottom-posting or interleaving: the writer's text goes on after it
            continue
        if _starts_original(lines, index) or _is_signature(line):
            break
        kept.append(line.rstrip())
        index += 1
    new = "\n".join(_squeeze_blank_lines(kept)).strip()
    return new or "\n".join(lines).strip()


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _attribution_end(lines: list[str], index: int) -> int | None:
    """Index after the attribution line(s) starting at `index`, or None if there is none."""
    if not _ATTRIBUTION_START.match(lines[index]):
        return None
    joined = ""
    for end in range(index, min(index + _ATTRIBUTION_LINES, len(lines))):
        line = lines[end]
        if len(line) > _ATTRIBUTION_LINE_MAX or (end > index and not line.strip()):
            return None
        joined = f"{joined} {line.strip()}" if joined else line
        if _ATTRIBUTION.fullmatch(joined):
            return end + 1
    return None


def _quote_follows(lines: list[str], index: int) -> bool:
    rest = (line for line in lines[index:] if line.strip())
    return _QUOTED.match(next(rest, ">")) is not None


def _starts_original(lines: list[str], index: int) -> bool:
    line = lines[index]
    if _ORIGINAL_MARK.fullmatch(line):
        return True
    if not _QUOTED_FROM.match(line):
        return False
    if _QUOTED_SENT_INLINE.search(line):
        return True
    # The From: value may wrap onto a second line before Sent: comes.
    return any(_QUOTED_SENT.match(following) for following in lines[index + 1 : index + 3])


def _is_signature(line: str) -> bool:
    return bool(_SIGNATURE_DASHES.fullmatch(line) or _DEVICE_SIGNATURE.fullmatch(line))


def _squeeze_blank_lines(lines: list[str]) -> Iterator[str]:
    # Removed quotes leave runs of blank lines between the parts that stay.
    previous_blank = False
    for line in lines:
        blank = not line
        if not (blank and previous_blank):
            yield line
        previous_blank = blank


# --- commands ---------------------------------------------------------------------------------

# "STATUS: selesai", "Status : selesai", "*RTL:*" (bold turned into text). Not "http://…".
_COMMAND = re.compile(r"\*{0,2}([A-Za-z_]+)\*{0,2}[ \t]*:(?!/)[ \t]*(.*)")
_FIELDS = {
    "status": "status",
    "rtl": "rtl",
    "tanggapan": "response",
    "response": "response",
    "catatan": "note",
    "note": "note",
}
# Fields whose value may go on over the following lines.
_TEXT_FIELDS = frozenset({"rtl", "response", "note"})
_STATUS_SEPARATORS = re.compile(r"[\s-]+")


@dataclass
class _Written:
    keyword: str  # as the writer spelt it, upper-cased, for error messages
    lines: list[str]


def parse_commands(text: str) -> Commands:
    """The command block at the very top of `text` (give it `reply_text` output).

    The block is the first non-blank lines, each "KEYWORD: value"; RTL, TANGGAPAN/RESPONSE and
    CATATAN/NOTE go on over indented or ordinary lines until a blank line or the next command.
    A blank line followed by another command continues the block; an unknown "WORD:" line or
    ordinary text after a blank line ends it. Commands further down are not commands.
    """
    written: dict[str, _Written] = {}
    errors: list[str] = []
    open_field: str | None = None  # a text field the next line may continue
    for line in _split_lines(text):
        if not line.strip():
            open_field = None
            continue
        if open_field is not None and line[:1] in (" ", "\t"):
            written[open_field].lines.append(line.strip())
            continue
        matched = _COMMAND.fullmatch(line.strip())
        field = _FIELDS.get(matched.group(1).lower()) if matched else None
        if field is not None and matched is not None:
            keyword = matched.group(1).upper()
            if field in written:
                errors.append(_REPEATED.format(keyword=keyword))
            written[field] = _Written(keyword, [matched.group(2).strip()])
            open_field = field if field in _TEXT_FIELDS else None
        elif open_field is not None and matched is None:
            written[open_field].lines.append(line.strip())
        else:
            break
    status = _status(written.pop("status", None), errors)
    texts = {field: _text(value, errors) for field, value in written.items()}
    return Commands(
        status=status,
        rtl=texts.get("rtl"),
        response=texts.get("response"),
        note=texts.get("note"),
        errors=tuple(errors),
    )


def _status(written: _Written | None, errors: list[str]) -> str | None:
    if written is None:
        return None
    raw = " ".join(written.lines).strip()
    value = _STATUS_SEPARATORS.sub("_", raw.rstrip(".!").strip().lower())
    if value in STATUSES:
        return value
    choices = ", ".join(STATUSES)
    if raw:
        errors.append(_UNKNOWN_STATUS.format(value=raw, choices=choices))
    else:
        errors.append(_EMPTY_STATUS.format(choices=choices))
    return None


def _text(written: _Written, errors: list[str]) -> str | None:
    value = "\n".join(written.lines).strip()
    if not value:
        errors.append(_EMPTY_FIELD.format(keyword=written.keyword))
        return None
    return value
