"""Raw RFC 5322 bytes → `Mail`: the text a person wrote, who wrote it, and what kind of mail it is.

Contract (implemented by `parse_mail`):
- never raises on odd charsets, broken MIME or missing headers; raises `MailParseError`
  only when the bytes are not a mail at all or hold nothing to register.
"""

from __future__ import annotations

import email
import hashlib
import json
import logging
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.errors import (
    HeaderParseError,
    MultipartInvariantViolationDefect,
    StartBoundaryNotFoundDefect,
)
from email.header import decode_header
from email.message import Message
from email.parser import HeaderParser
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import PurePosixPath
from typing import TypeVar

from mailparser.dates import parse_mail_date
from mailparser.utils import decode_headers, get_addresses

from aduan.parsers.html_text import html_to_text

_T = TypeVar("_T")


class MailParseError(ValueError):
    """The bytes cannot become a register entry; the message says why (English, for the log)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Mail:
    message_id: str | None  # as written, with angle brackets; None when absent
    subject: str
    text: str  # what the person wrote: text/plain, or HTML turned into text
    sender_name: str | None
    sender_address: str | None  # Reply-To wins over From
    date: datetime | None  # the Date header, aware; None when missing or unparseable
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    auto: str | None = None  # None, "autoreply" or "bounce": not to be registered
    forwarded_by: str | None = None  # address of whoever forwarded the complaint to us
    attachments: tuple[Attachment, ...] = field(default=())
    fingerprint: str = ""  # sha256 hex of the content, blind to transport headers
    # For a bounce: Message-IDs (with angle brackets) of the mail it reports as undelivered.
    reported_ids: tuple[str, ...] = ()


# mail-parser logs routine structure ("Email content 'mixed' not handled") as warnings, and
# its ERROR lines quote raw header values, which are personal data in a complaint register.
for _logger_name in ("mailparser", "mailparser.core", "mailparser.utils"):
    logging.getLogger(_logger_name).setLevel(logging.CRITICAL)

# Above this a mail carrying a forward is a complaint of its own, not a staff note on top.
_STAFF_NOTE_MAX = 500
# Longest forward-marker line looked for; bounds the marker search in megabyte bodies.
_MARK_LINE_MAX = 300

# RFC 5322 field name (printable ASCII but ":"), optional obsolete blanks, then the colon.
_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_FORWARD_PREFIX = re.compile(r"^(?:\s*(?:fwd?|tr|trs|wg|terusan)(?:\s*\[\d+\])?\s*:)+\s*", re.I)
# Gmail, Thunderbird, Apple Mail and Indonesian-locale Gmail/Outlook forward markers.
# (?=\n), not $: the search stops early, and $ would match wherever it stops.
_FORWARD_MARK = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:forwarded message|pesan terusan|pesan yang diteruskan)[ \t]*-{2,}"
    r"|begin forwarded message:)[ \t]*(?=\n)",
    re.I | re.M,
)
# Outlook writes these above replies too, so they mean "forward" only under a Fwd: subject.
_QUOTE_MARK = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:original message|pesan asli)[ \t]*-{2,}|_{10,})[ \t]*(?=\n)",
    re.I | re.M,
)
_NON_BLANK = re.compile(r"\S")
_INLINE_FIELD = re.compile(r"\*?([A-Za-z]+)\*?[ \t]*:[ \t]*(.*)")
# Quoted header names, English and Indonesian; To/Cc are read only to know the block goes on.
_INLINE_FIELD_NAMES = {
    "from": "from",
    "dari": "from",
    "date": "date",
    "sent": "date",
    "tanggal": "date",
    "dikirim": "date",
    "subject": "subject",
    "subjek": "subject",
    "perihal": "subject",
    "to": "to",
    "kepada": "to",
    "cc": "cc",
}
_OUTLOOK_MAILTO = re.compile(r"\[mailto:([^\]\s]+)\]")

_BODY_TYPES = frozenset({"text/plain", "text/html"})
_ENCLOSED_TYPES = frozenset({"message/rfc822", "message/global"})
_REPORT_TYPES = frozenset(
    {
        "message/delivery-status",
        "message/disposition-notification",
        "message/feedback-report",
        "text/rfc822-headers",
    },
)
_DAEMON_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster"})
_NOREPLY_LOCAL_PART = re.compile(r"(?:no|do[-_.]?not)[-_.]?reply", re.I)
_AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_AUTO_SUPPRESS = frozenset({"all", "oof", "autoreply"})
_AUTORESPONDER_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponse")
_LIST_HEADERS = ("List-Id", "List-Unsubscribe")
# Parts of a delivery report that return the undelivered mail, or only its header block.
_RETURNED_TYPES = frozenset(
    {
        "message/rfc822",
        "message/global",
        "text/rfc822-headers",
        "message/rfc822-headers",  # not registered, but written by some MTAs
        "message/global-headers",
    },
)
_DELIVERY_STATUS = "message/delivery-status"
# RFC 3464 actions; only "failed" means the mail will never arrive.
_FAILED_ACTION = "failed"
# Exim and qmail bounces quote the returned headers in the text, possibly folded or ">"-quoted.
_QUOTED_MESSAGE_ID = re.compile(
    r"^[ \t>]*message-id[ \t]*:[ \t]*(?:\n[ \t]+)?(<[^<>\s]+>)",
    re.I | re.M,
)


@dataclass
class _Body:
    """Text parts of one message; each enclosed message/rfc822 keeps its own."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    enclosed: list[tuple[Message, _Body]] = field(default_factory=list)

    def text(self) -> str:
        plain = _tidy("\n\n".join(self.plain))
        # Some mailers send an empty text/plain alternative next to the real HTML.
        if plain or not self.html:
            return plain
        # mypy cannot resolve the editable `aduan.*` mapping, so it sees Any here.
        text: str = html_to_text("\n".join(self.html))
        return text


@dataclass(frozen=True)
class _Letter:
    """What one (possibly enclosed or quoted) message says and who wrote it."""

    subject: str
    text: str
    sender_name: str | None
    sender_address: str | None
    date: datetime | None
    enclosed: tuple[tuple[Message, _Body], ...] = ()


class _Headers:
    """Header values by name, as written, with raw 8-bit bytes decoded.

    Built once per message: Message.get() rescans every header on each call, and str() of
    the compat32 Header it returns for 8-bit values drops those bytes.
    """

    def __init__(self, message: Message) -> None:
        self._written: dict[str, list[str]] = {}
        for name, value in message.raw_items():
            self._written.setdefault(name.lower(), []).append(str(value))

    def all(self, name: str) -> list[str]:
        return [_clean(value) for value in self._written.get(name.lower(), [])]

    def first(self, name: str) -> str:
        return next(iter(self.all(name)), "")


def parse_mail(raw: bytes) -> Mail:
    """Parse one RFC 5322 message; see the module docstring for the contract."""
    data = _mail_bytes(raw)
    message = _run_mailparser(lambda: email.message_from_bytes(data))
    envelope = _run_mailparser(lambda: _envelope(message))
    body, attachments = _collect(message)
    headers = _Headers(message)
    letter = _letter(envelope, headers, body)
    auto = _auto_kind(message, headers)
    # Bounces and autoreplies quote our own mail; their outer sender is what matters.
    letter, forwarded_by = (letter, None) if auto else _unwrap_forwards(letter)
    if not (letter.subject or letter.text or attachments):
        raise MailParseError("empty message")
    message_id = _message_id(headers.first("Message-ID"))
    return Mail(
        message_id=message_id,
        subject=letter.subject,
        text=letter.text,
        sender_name=letter.sender_name,
        sender_address=letter.sender_address,
        date=letter.date,
        in_reply_to=_message_ids(headers, "In-Reply-To"),
        references=_message_ids(headers, "References"),
        auto=auto,
        forwarded_by=forwarded_by,
        attachments=tuple(attachments),
        fingerprint=_fingerprint(message_id, letter, attachments),
        reported_ids=_reported_ids(message, headers, letter.text) if auto == "bounce" else (),
    )


def _mail_bytes(raw: bytes) -> bytes:
    """`raw` without leading blank lines, after a cheap check that it starts like a mail."""
    data = raw.lstrip()
    if not data:
        raise MailParseError("empty input")
    lines = data[:4096].split(b"\n", 2)
    # An mbox envelope line ("From sender date") may precede the headers.
    first = lines[1] if lines[0].startswith(b"From ") and len(lines) > 1 else lines[0]
    if not _HEADER_LINE.match(first):
        raise MailParseError("input does not start with a header line")
    return data


@dataclass(frozen=True)
class _Envelope:
    """The header fields mail-parser decodes for us: the subject, the date and the first
    From and Reply-To mailboxes.

    Read with mail-parser's own decoders, not its whole parse: that one also decodes every
    part, re-encodes the attachments and reads the Received chain, none of which is used
    here, and it was a third of the cost of a mail.
    """

    subject: str
    date: datetime | None
    mailboxes: dict[str, list[tuple[str, str]]]  # "from", "reply-to" → (name, address)


def _envelope(message: Message) -> _Envelope:
    # mail-parser's choices: the first Date, the first of each address header, a name equal
    # to its address dropped, and mailboxes without an address left out.
    date = next((value for name, value in message.raw_items() if name.lower() == "date"), None)
    mailboxes = {
        header: [
            ("" if name == address else name, address)
            for name, address in get_addresses(message.get(header), defects=[], decode_names=True)
            if address
        ]
        for header in ("from", "reply-to")
    }
    return _Envelope(
        subject=_first(decode_headers(message.get_all("subject"))),
        date=None if date is None else parse_mail_date(date).value,
        mailboxes=mailboxes,
    )


def _run_mailparser(build: Callable[[], _T]) -> _T:
    try:
        return build()
    except Exception as exc:  # hostile mail can break mail-parser in many ways
        # `from None`: the cause's message may quote the mail's content.
        raise MailParseError(f"mail-parser failed: {type(exc).__name__}") from None


def _collect(root: Message) -> tuple[_Body, list[Attachment]]:
    """Body texts per message (outer and enclosed) and every attachment at any depth."""
    body = _Body()
    attachments: list[Attachment] = []
    # An explicit stack: MIME nesting depth is chosen by the sender.
    stack: list[tuple[Message, _Body]] = [(root, body)]
    while stack:
        part, owner = stack.pop()
        content_type = part.get_content_type()
        inner = _enclosed_message(part) if content_type in _ENCLOSED_TYPES else None
        if inner is not None:
            child = _Body()
            owner.enclosed.append((inner, child))
            stack.append((inner, child))
        elif part.is_multipart():
            # message/delivery-status and kin parse into header blocks: machine data.
            if part.get_content_maintype() == "multipart":
                stack.extend((sub, owner) for sub in reversed(_subparts(part)))
        elif _is_body_text(part, content_type):
            texts = owner.html if content_type == "text/html" else owner.plain
            texts.append(_decode_text(part))
        else:
            attachment = _attachment(part, content_type, len(attachments) + 1)
            if attachment is not None:
                attachments.append(attachment)
    return body, attachments


def _is_body_text(part: Message, content_type: str) -> bool:
    # A multipart that is still a leaf lost its boundary: its body is raw text, best read.
    readable = content_type in _BODY_TYPES or part.get_content_maintype() == "multipart"
    return readable and part.get_content_disposition() != "attachment"


def _subparts(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [sub for sub in payload if isinstance(sub, Message)] if isinstance(payload, list) else []


def _enclosed_message(part: Message) -> Message | None:
    return next(iter(_subparts(part)), None)


def _decode_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    return _decode_bytes(payload, part.get_content_charset()) if isinstance(payload, bytes) else ""


def _decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset, else the usual mislabelled suspects; never fails."""
    for candidate in (charset or "utf-8", "utf-8", "cp1252"):
        try:
            text = data.decode(candidate)
            # Codecs such as unicode_escape yield lone surrogates, which no database stores.
            text.encode("utf-8")
        except (LookupError, ValueError):
            continue
        return text
    return data.decode("latin-1")


def _clean(value: str) -> str:
    """`value` with raw 8-bit header bytes (kept by the email parser as surrogates) decoded."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _decode_bytes(value.encode("utf-8", "surrogateescape"), None)
    return value


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Splitting a megabyte body into lines costs milliseconds; skip it when no line ends in
    # a space or a tab, the trailing whitespace mailers actually leave.
    if " \n" in text or "\t\n" in text:
        text = "\n".join(map(str.rstrip, text.split("\n")))
    return text.strip()


def _attachment(part: Message, content_type: str, number: int) -> Attachment | None:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes) or not data:
        return None
    return Attachment(_filename(part, content_type, number), content_type, data)


def _filename(part: Message, content_type: str, number: int) -> str:
    written = part.get_filename()
    # The name comes from the sender and may end up as a path: keep only its last segment.
    name = PurePosixPath(_decode_words(written).replace("\\", "/")).name if written else ""
    if name in ("", ".", ".."):
        extension = mimetypes.guess_extension(content_type) or ".bin"
        return f"lampiran-{number}{extension}"
    return name


def _decode_words(value: str) -> str:
    # Outlook and Gmail put RFC 2047 encoded words in filenames, where RFC 2231 is due.
    try:
        chunks = decode_header(_clean(value))
    except HeaderParseError:
        return _clean(value)
    return "".join(
        _decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in chunks
    )


def _letter(envelope: _Envelope, headers: _Headers, body: _Body) -> _Letter:
    name, address = _sender(envelope, headers)
    return _Letter(
        subject=_one_line(_clean(envelope.subject)),
        text=body.text(),
        sender_name=name,
        sender_address=address,
        date=envelope.date,
        enclosed=tuple(body.enclosed),
    )


def _first(value: str | list[str]) -> str:
    # mail-parser gives a list when a header is repeated.
    return value[0] if isinstance(value, list) else value


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _sender(envelope: _Envelope, headers: _Headers) -> tuple[str | None, str | None]:
    # Reply-To names where answers must go, which is what the register needs.
    for header in ("reply-to", "from"):
        for name, address in _mailboxes(envelope, headers, header):
            if "@" in address:
                return _one_line(name) or None, address.lower()
    return None, None


def _mailboxes(envelope: _Envelope, headers: _Headers, header: str) -> list[tuple[str, str]]:
    written = headers.first(header)
    if written.isascii():
        return envelope.mailboxes[header]
    # Raw 8-bit names (not encoded words): mail-parser escapes any that are not UTF-8.
    name, address = parseaddr(written)
    return [(_decode_words(name), address)]


def _message_id(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    bracketed = _MESSAGE_ID.search(value)
    if bracketed is not None:
        return bracketed.group()
    if "@" in value and len(value.split()) == 1:
        return f"<{value}>"
    return value


def _message_ids(headers: _Headers, name: str) -> tuple[str, ...]:
    values = " ".join(headers.all(name))
    return tuple(dict.fromkeys(_MESSAGE_ID.findall(values)))


def _auto_kind(message: Message, headers: _Headers) -> str | None:
    if _is_bounce(message, headers):
        return "bounce"
    if _is_autoreply(headers):
        return "autoreply"
    return None


def _is_bounce(message: Message, headers: _Headers) -> bool:
    if message.get_content_type() == "multipart/report":
        return True
    if _local_part(headers.first("From")) in _DAEMON_LOCAL_PARTS:
        return True
    return _null_return_path(headers) and any(
        part.get_content_type() in _REPORT_TYPES for part in message.walk()
    )


def _is_autoreply(headers: _Headers) -> bool:
    submitted = headers.all("Auto-Submitted")
    precedence = {_first_token(headers.first(name)) for name in ("Precedence", "X-Precedence")}
    suppress = set(re.split(r"[\s,;]+", headers.first("X-Auto-Response-Suppress").lower()))
    return (
        any(_first_token(value) != "no" for value in submitted)
        or any(headers.all(name) for name in (*_AUTORESPONDER_HEADERS, *_LIST_HEADERS))
        or bool(precedence & _AUTO_PRECEDENCE)
        or bool(suppress & _AUTO_SUPPRESS)
        or _null_return_path(headers)
        or _NOREPLY_LOCAL_PART.match(_local_part(headers.first("From"))) is not None
    )


def _first_token(value: str) -> str:
    tokens = re.split(r"[\s;(]+", value.strip().lower(), maxsplit=1)
    return tokens[0]


def _local_part(address_header: str) -> str:
    return parseaddr(address_header)[1].rsplit("@", 1)[0].lower()


def _null_return_path(headers: _Headers) -> bool:
    return any("".join(value.split()) == "<>" for value in headers.all("Return-Path"))


def _reported_ids(message: Message, headers: _Headers, text: str) -> tuple[str, ...]:
    """Message-IDs of the mail a bounce reports as undelivered, from the surest source."""
    report = _Report.read(message)
    if not report.failed:
        return ()
    if report.message_ids:
        return report.message_ids
    # In-Reply-To names the bounced mail itself. References also lists that mail's ancestors
    # (Gmail copies the whole chain), which were delivered: only its last entry is the mail.
    replied = _message_ids(headers, "In-Reply-To") or _message_ids(headers, "References")[-1:]
    if replied:
        return replied
    return tuple(dict.fromkeys(_QUOTED_MESSAGE_ID.findall(text)))


@dataclass(frozen=True)
class _Report:
    """What the machine-readable parts of a delivery report say."""

    message_ids: tuple[str, ...]  # of the returned mail, from its headers or the report fields
    failed: bool  # False for delay and success notices, read receipts and abuse reports

    @classmethod
    def read(cls, root: Message) -> _Report:
        ids: list[str] = []
        actions: list[str] = []
        report_types: set[str] = set()
        # Only multipart containers are opened: a message/rfc822 inside the returned mail
        # (a complaint attached to our escalation) is not what bounced.
        stack = [root]
        while stack:
            part = stack.pop()
            content_type = part.get_content_type()
            if content_type in _RETURNED_TYPES:
                ids.append(_returned_message_id(part) or "")
            elif content_type == _DELIVERY_STATUS:
                blocks = _status_blocks(part)
                # Gmail names the returned mail in the per-message block.
                ids.extend(
                    _message_id(block.first("X-Original-Message-ID")) or "" for block in blocks
                )
                actions.extend(
                    _first_token(value) for block in blocks for value in block.all("Action")
                )
            elif part.get_content_maintype() == "multipart":
                stack.extend(reversed(_subparts(part)))
            if content_type in _REPORT_TYPES:
                report_types.add(content_type)
        if _DELIVERY_STATUS in report_types:
            # A status part without any Action field is unreadable: trust the bounce verdict.
            failed = not actions or _FAILED_ACTION in actions
        else:
            # Read receipts and abuse reports say the mail arrived; a bounce with no report part
            # at all (Exim, qmail) is always a failure.
            failed = not report_types - {"text/rfc822-headers"}
        found = (value for value in ids if _MESSAGE_ID.fullmatch(value))
        return cls(message_ids=tuple(dict.fromkeys(found)), failed=failed)


def _returned_message_id(part: Message) -> str | None:
    inner = _enclosed_message(part)
    if inner is not None and inner.keys():
        return _message_id(_Headers(inner).first("Message-ID"))
    if inner is not None:
        # The email package ignores a Content-Transfer-Encoding on message/*: a base64 or
        # quoted-printable returned mail becomes a headerless message holding the encoded text.
        payload = inner.get_payload()
        carrier = Message()
        carrier["Content-Transfer-Encoding"] = _Headers(part).first("Content-Transfer-Encoding")
        carrier.set_payload(payload if isinstance(payload, str) else "")
        part = carrier
    # text/rfc822-headers, or anything else the email package left as text.
    returned = HeaderParser().parsestr(_decode_text(part).lstrip(), headersonly=True)
    return _message_id(_Headers(returned).first("Message-ID"))


def _status_blocks(part: Message) -> list[_Headers]:
    """The field blocks of a message/delivery-status part, parsed or (when encoded) not."""
    blocks = _subparts(part)
    if not blocks and not part.is_multipart():
        text = _decode_text(part).replace("\r\n", "\n")
        blocks = [HeaderParser().parsestr(chunk.lstrip()) for chunk in text.split("\n\n")]
    return [_Headers(block) for block in blocks]


def _unwrap_forwards(letter: _Letter) -> tuple[_Letter, str | None]:
    """The forwarded complaint inside `letter`, and who forwarded it (None if not a forward)."""
    forwarder = letter.sender_address
    unwrapped = letter
    while (inner := _enclosed_forward(unwrapped) or _inline_forward(unwrapped)) is not None:
        unwrapped = inner
    return (letter, None) if unwrapped is letter else (unwrapped, forwarder)


def _enclosed_forward(letter: _Letter) -> _Letter | None:
    if not letter.enclosed or len(letter.text) >= _STAFF_NOTE_MAX:
        return None
    message, body = letter.enclosed[0]
    if _broken_multipart(message):
        return None  # a broken enclosed message leaves the outer mail as the complaint
    try:
        envelope = _run_mailparser(lambda: _envelope(message))
    except MailParseError:
        return None
    inner = _letter(envelope, _Headers(message), body)
    return replace(
        inner,
        subject=_forwarded_subject(inner.subject, letter.subject),
        date=inner.date or letter.date,
    )


def _broken_multipart(message: Message) -> bool:
    """A multipart whose boundary never opens a part: nothing in it can be trusted."""
    broken = (StartBoundaryNotFoundDefect, MultipartInvariantViolationDefect)
    return any(isinstance(d, broken) for part in message.walk() for d in part.defects)


def _inline_forward(letter: _Letter) -> _Letter | None:
    end = _mark_search_end(letter.text)
    mark = _FORWARD_MARK.search(letter.text, 0, end)
    if mark is None and _FORWARD_PREFIX.match(letter.subject):
        mark = _QUOTE_MARK.search(letter.text, 0, end)
    if mark is None or len(letter.text[: mark.start()].strip()) >= _STAFF_NOTE_MAX:
        return None
    fields, text = _split_inline_header(letter.text[mark.end() :])
    name, address = parseaddr(_OUTLOOK_MAILTO.sub(r"<\1>", fields.get("from", "")))
    if "@" not in address:
        return None
    return _Letter(
        subject=_forwarded_subject(fields.get("subject", ""), letter.subject),
        text=text,
        sender_name=_one_line(name.strip("*")) or None,
        sender_address=address.lower(),
        date=_quoted_date(fields.get("date", "")) or letter.date,
    )


def _mark_search_end(text: str) -> int:
    """Where a marker search may stop: a marker further down has too long a note above it."""
    # `text` is stripped, so the note above a marker at `start` is text[:start].rstrip(): it is
    # too long once it holds a non-blank character at index _STAFF_NOTE_MAX - 1 or later.
    too_long = _NON_BLANK.search(text, _STAFF_NOTE_MAX - 1)
    return len(text) if too_long is None else too_long.start() + _MARK_LINE_MAX


def _split_inline_header(text: str) -> tuple[dict[str, str], str]:
    """The quoted header block ("From: …", "Dari: …") under a forward marker, and the rest."""
    block, _, rest = text.lstrip("\n").partition("\n\n")
    fields: dict[str, str] = {}
    last = ""
    for line in block.split("\n"):
        matched = _INLINE_FIELD.fullmatch(line.strip())
        key = _INLINE_FIELD_NAMES.get(matched.group(1).lower(), "") if matched else ""
        if matched and key:
            fields[key] = _one_line(matched.group(2))
            last = key
        elif last:  # a long To: or Subject: wrapped onto the next line
            fields[last] = _one_line(f"{fields[last]} {line}")
        else:
            return {}, text
    return fields, rest.strip()


def _forwarded_subject(inner: str, outer: str) -> str:
    return _one_line(_FORWARD_PREFIX.sub("", inner or outer))


def _quoted_date(value: str) -> datetime | None:
    """A quoted "Date:" line, only when it is RFC 5322 with a zone (Thunderbird writes those).

    Gmail and Outlook quote localised dates without a zone ("Sen, 3 Jun 2024 pukul 10.15",
    "Monday, June 3, 2024 7:02 PM"); guessing those would give wrong times.
    """
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None


def _fingerprint(message_id: str | None, letter: _Letter, attachments: list[Attachment]) -> str:
    # Only what the sender wrote: the same mail delivered twice (other Received,
    # Delivered-To, DKIM... headers) must collide; different content must not.
    canonical = [
        message_id or "",
        letter.sender_address or "",
        letter.subject,
        letter.date.isoformat() if letter.date else "",
        hashlib.sha256(letter.text.encode("utf-8")).hexdigest(),  # cheaper than JSON-escaping
        sorted(hashlib.sha256(attachment.data).hexdigest() for attachment in attachments),
    ]
    serialised = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(serialised.encode("utf-8")).hexdigest()
