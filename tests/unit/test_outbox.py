from __future__ import annotations

import email.policy
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from aduan.daemon.filestore import write_atomically
from aduan.daemon.outbox import (
    eml_name,
    enqueue,
    envelope_recipients,
    mark_bounced,
    new_message,
    retry_delay,
)
from aduan.daemon.smtp import mask_addresses, parse_address
from aduan.models import db
from aduan.models.tables import Entry, OutboxMessage

NOW = datetime(2026, 11, 23, 1, 15, tzinfo=UTC)
FROM = "Pengaduan Puskesmas Uji <pengaduan@puskesmas.example>"
MSG_ID = "<eskalasi.ADU-2026-11-0001.1@puskesmas.example>"
INJECTION = "\r\nBcc: x@example.com"

# Every test that uses the register runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def _message(message_id: str = MSG_ID, **kwargs: object) -> EmailMessage:
    defaults: dict[str, object] = {
        "from_": FROM,
        "to": ["mutu@puskesmas.example"],
        "subject": "[ADU-2026-11-0001] Aduan baru",
        "body_text": "Ada aduan baru.",
        "message_id": message_id,
    }
    return new_message(**(defaults | kwargs))  # type: ignore[arg-type]


def _rows(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def _entry(session: Session, no: str) -> int:
    entry = Entry(
        register_no=no,
        received_at=NOW,
        registered_at=NOW,
        channel="email",
        source_id=f"<{no}@example.org>",
        text="teks",
        due_forward=NOW,
        due_resolve=NOW,
    )
    session.add(entry)
    session.flush()
    assert entry.id is not None
    return entry.id


# --- composing --------------------------------------------------------------------------


def test_new_message_carries_threading_and_auto_submitted_headers() -> None:
    msg = _message(
        to=[("Siti Aminah", "siti@example.org")],
        cc=["kapus@puskesmas.example"],
        in_reply_to="<asli@example.org>",
        references=["<a@example.org>", "<asli@example.org>"],
        auto_submitted="auto-replied",
    )
    assert str(msg["Message-ID"]) == MSG_ID
    assert str(msg["In-Reply-To"]) == "<asli@example.org>"
    assert str(msg["References"]) == "<a@example.org> <asli@example.org>"
    assert str(msg["Auto-Submitted"]) == "auto-replied"
    assert envelope_recipients(msg) == ["siti@example.org", "kapus@puskesmas.example"]


def test_complaint_text_in_subject_or_display_name_cannot_add_a_header() -> None:
    msg = _message(
        subject=f"Antrian lama{INJECTION}",
        to=[(f"Siti{INJECTION}", "siti@example.org")],
        in_reply_to=f"<asli@example.org>{INJECTION}",
        references=[f"<a@example.org>{INJECTION}"],
    )
    raw = msg.as_bytes(policy=email.policy.SMTP)
    parsed = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert parsed["Bcc"] is None
    assert b"\r\nBcc:" not in raw
    assert envelope_recipients(msg) == ["siti@example.org"]
    assert "Antrian lama" in str(parsed["Subject"])


def test_the_email_package_refuses_a_header_value_with_a_line_break() -> None:
    # The second line of defence, under new_message: assigning raw text with CR/LF raises.
    msg = EmailMessage(policy=email.policy.SMTP)
    with pytest.raises(ValueError):
        msg["Subject"] = f"Antrian lama{INJECTION}"


def test_a_recipient_string_must_be_exactly_one_address() -> None:
    # parseaddr would quietly take x@example.com out of this; the header parser refuses.
    with pytest.raises(ValueError):
        _message(to=["Siti Bcc: x@example.com <siti@example.org>"])
    with pytest.raises(ValueError):
        parse_address("a@example.org, b@example.org")
    assert parse_address(FROM).addr_spec == "pengaduan@puskesmas.example"


def test_message_id_must_be_bracketed() -> None:
    with pytest.raises(ValueError):
        _message(message_id="eskalasi.ADU-2026-11-0001.1@puskesmas.example")


def test_non_ascii_and_long_lines_are_sent_7bit_safe() -> None:
    body = "Pelayanan di loket pendaftaran lambat sekali, saya menunggu é " * 40
    raw = _message(body_text=body).as_bytes(policy=email.policy.SMTP)
    assert raw.isascii()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    parsed = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)
    assert parsed.get_content().replace("\r\n", "\n") == body + "\n"


# --- queueing ---------------------------------------------------------------------------


def test_enqueue_stores_crlf_bytes_without_bcc_and_all_recipients(engine: Engine) -> None:
    msg = _message(cc=["kapus@puskesmas.example"])
    msg["Bcc"] = "arsip@puskesmas.example"
    with db.transaction(engine) as session:
        assert enqueue(session, msg, purpose="eskalasi", entry_id=None, now=NOW)
    [row] = _rows(engine)
    assert row.message_id == MSG_ID
    assert row.recipients == [
        "mutu@puskesmas.example",
        "kapus@puskesmas.example",
        "arsip@puskesmas.example",
    ]
    assert (row.status, row.attempts, row.next_attempt_at, row.created_at) == ("antri", 0, NOW, NOW)
    assert b"\r\n" in row.raw and b"\n" not in row.raw.replace(b"\r\n", b"")
    parsed = BytesParser(policy=email.policy.default).parsebytes(row.raw)
    assert parsed["Bcc"] is None
    assert parsed["Date"].datetime == NOW
    assert msg["Bcc"] is not None, "the caller's message is left as it was"


def test_enqueue_twice_with_the_same_message_id_keeps_one_row(engine: Engine) -> None:
    with db.transaction(engine) as session:
        assert enqueue(session, _message(), purpose="eskalasi", entry_id=None, now=NOW)
    with db.transaction(engine) as session:
        again = _message(subject="Lain")
        assert not enqueue(session, again, purpose="eskalasi", entry_id=None, now=NOW)
    assert len(_rows(engine)) == 1


def test_enqueue_does_not_commit_the_callers_transaction(engine: Engine) -> None:
    with pytest.raises(RuntimeError), db.transaction(engine) as session:
        enqueue(session, _message(), purpose="eskalasi", entry_id=None, now=NOW)
        raise RuntimeError("the change that caused the mail failed")
    assert _rows(engine) == []


def test_enqueue_refuses_a_message_without_message_id_or_recipient(engine: Engine) -> None:
    no_id = EmailMessage()
    no_id["To"] = "mutu@puskesmas.example"
    no_rcpt = _message(to=[])
    with db.transaction(engine) as session:
        with pytest.raises(ValueError):
            enqueue(session, no_id, purpose="eskalasi", entry_id=None, now=NOW)
        with pytest.raises(ValueError):
            enqueue(session, no_rcpt, purpose="eskalasi", entry_id=None, now=NOW)


def test_mark_bounced_fails_the_rows_once_and_names_their_entries(engine: Engine) -> None:
    with db.transaction(engine) as session:
        first, second = _entry(session, "ADU-2026-11-0001"), _entry(session, "ADU-2026-11-0002")
        for n, entry_id in ((1, first), (2, second), (3, second)):
            msg = _message(f"<balasan.ADU.{n}@puskesmas.example>")
            enqueue(session, msg, purpose="balasan", entry_id=entry_id, now=NOW)
    ids = ["balasan.ADU.1@puskesmas.example", "<balasan.ADU.2@puskesmas.example>", "<x@y>"]
    with db.transaction(engine) as session:
        affected = mark_bounced(session, ids, "550 5.1.1 <siti@example.org> unknown")
    assert affected == [first, second]
    with db.transaction(engine) as session:
        assert mark_bounced(session, ids, "again") == []
    rows = _rows(engine)
    assert [r.status for r in rows] == ["gagal", "gagal", "antri"]
    assert rows[0].last_error == "bounced: 550 5.1.1 <<…>> unknown"


# --- pure helpers -----------------------------------------------------------------------


def test_retry_delay_doubles_from_one_minute_up_to_six_hours() -> None:
    minutes = [retry_delay(n) / timedelta(minutes=1) for n in range(1, 12)]
    assert minutes == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360]
    assert retry_delay(1000) == timedelta(hours=6)


def test_eml_names_are_safe_and_distinct() -> None:
    assert eml_name(MSG_ID) == "eskalasi.ADU-2026-11-0001.1@puskesmas.example.eml"
    odd = [eml_name("<../../etc/passwd@x>"), eml_name("<a/b@x>"), eml_name("<a_b@x>")]
    assert all("/" not in name and not name.startswith(".") for name in odd)
    assert len(set(odd)) == 3
    assert len(eml_name("<" + "a" * 600 + "@x>")) < 200


def test_write_atomically_leaves_only_the_final_file(tmp_path: Path) -> None:
    target = tmp_path / "a.eml"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert [p.name for p in tmp_path.iterdir()] == ["a.eml"]
    assert target.read_bytes() == b"two"


def test_mask_addresses_hides_every_address() -> None:
    text = "550 5.1.1 <siti@example.org>: Recipient address rejected\r\n for a.b+c@d.e"
    assert mask_addresses(text) == "550 5.1.1 <<…>>: Recipient address rejected for <…>"
