"""Feedback from channels aduan does not read itself, imported from files staff export:
WhatsApp chat exports (.txt) and CSV logs of SMS and phone complaints.

A chat is many messages; a complaint is usually a few of them in a row. Consecutive messages
of one sender, none more than `GAP` after the one before, make one entry. Every message keeps
its own dedupe key (a hash of chat, sender, time and text), so importing the same chat again
next week registers only what is new. The facility's own messages are its answers: they are
kept as notes on the entry they follow, never registered as complaints.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aduan.daemon.errors import UsageError
from aduan.daemon.intake import ManualItem
from aduan.parsers.chat_export import ChatExport, ChatExportError, ChatMessage, parse_chat_export
from aduan.parsers.contact_log import ContactLogError, LogRow, parse_contact_log

GAP = timedelta(minutes=30)
IMPORT_CHANNELS = ("sms", "whatsapp", "telepon", "langsung", "web", "media_sosial")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,}$")


@dataclass(frozen=True)
class ImportPlan:
    items: list[ManualItem]
    skipped: int  # messages that are no feedback: the facility's own, media without text
    kind: str  # "whatsapp" | "csv"


def plan_import(
    data: bytes,
    filename: str,
    tz: ZoneInfo,
    *,
    channel: str | None,
    own: Iterable[str],
    by: str,
) -> ImportPlan:
    """What importing `data` would register, before any dedupe against the register."""
    file_hash = hashlib.sha256(data).hexdigest()
    if filename.lower().endswith(".csv"):
        try:
            rows = parse_contact_log(data)
        except ContactLogError as exc:
            raise UsageError(f"{filename}: {exc}") from exc
        return ImportPlan(_log_items(rows, file_hash, tz, channel, by), 0, "csv")
    try:
        chat = parse_chat_export(data)
    except ChatExportError as exc:
        raise UsageError(
            f"{filename}: {exc}; give a WhatsApp chat export (.txt) or a CSV log (.csv)"
        ) from exc
    return _chat_plan(chat, file_hash, tz, {o.strip().casefold() for o in own}, by)


def _log_items(
    rows: Sequence[LogRow], file_hash: str, tz: ZoneInfo, channel: str | None, by: str
) -> list[ManualItem]:
    items = []
    for row in rows:
        row_channel = row.channel or channel
        if row_channel is None:
            raise UsageError(
                f"line {row.line}: no channel; add a 'kanal' column or give --channel sms|telepon…"
            )
        received = _aware(row.received_at, tz)
        key = _key(row_channel, received, row.name or row.contact or "", row.text)
        items.append(
            ManualItem(
                channel=row_channel,
                text=row.text,
                received_at=received,
                name=row.name,
                contact=row.contact,
                address=row.address,
                by=by,
                keys=(key,),
                source_id=f"import:{file_hash}:{row.line}",
                notes=(("imported", f"diimpor oleh {by} dari log {row_channel}"),),
            )
        )
    return items


def _chat_plan(
    chat: ChatExport, file_hash: str, tz: ZoneInfo, own: set[str], by: str
) -> ImportPlan:
    items: list[ManualItem] = []
    skipped = 0
    group: list[ChatMessage] = []
    answers: list[ChatMessage] = []

    def flush() -> None:
        nonlocal group, answers
        if group:
            items.append(_chat_item(group, answers, file_hash, tz, by))
        group, answers = [], []

    for message in chat.messages:
        if message.sender.strip().casefold() in own:
            skipped += 1
            if group:
                answers.append(message)
            continue
        if message.media:  # a photo or a deleted message: nothing to read in the export
            skipped += 1
            continue
        if group and (
            answers
            or message.sender != group[-1].sender
            or message.sent_at - group[-1].sent_at > GAP
        ):
            flush()
        group.append(message)
    flush()
    return ImportPlan(items, skipped, "whatsapp")


def _chat_item(
    group: Sequence[ChatMessage],
    answers: Sequence[ChatMessage],
    file_hash: str,
    tz: ZoneInfo,
    by: str,
) -> ManualItem:
    # iOS marks a sender who is not in the phone's contacts with "~ ".
    sender = group[0].sender.removeprefix("~").strip()
    is_phone = bool(_PHONE.match(sender))
    keys = tuple(_key("whatsapp", _aware(m.sent_at, tz), sender, m.text) for m in group)
    notes = [("imported", f"diimpor oleh {by} dari ekspor WhatsApp ({len(group)} pesan)")]
    notes += [
        ("note", f"balasan WhatsApp {a.sent_at:%d/%m/%Y %H.%M}: {a.text.strip()}")
        for a in answers
        if _words(a.text)
    ]
    return ManualItem(
        channel="whatsapp",
        text="\n".join(m.text.strip() for m in group if _words(m.text)),
        received_at=_aware(group[0].sent_at, tz),
        name=None if is_phone else sender,
        contact=sender if is_phone else None,
        by=by,
        keys=keys,
        source_id=f"import:{file_hash}:{group[0].line}",
        notes=tuple(notes),
    )


def _aware(value: datetime | date, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value
    return datetime.combine(value, time(0), tz)


def _key(channel: str, at: datetime, who: str, text: str) -> str:
    """One message, wherever it was exported from: channel, time, sender and words."""
    parts = (channel, at.isoformat(), " ".join(who.split()).casefold(), " ".join(text.split()))
    return "import:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)
