"""Mail from a real Dovecot into the register, exactly once, through `aduan run --once`."""

from __future__ import annotations

from pathlib import Path

import pytest

from aduan.daemon.sources.imap import ImapSource
from tests.mailcorpus import autoreply_mails, awkward_mails, make_mail, unparseable_mails
from tests.servers.dovecot import Dovecot, ImapAccount
from tests.servers.net import free_port
from tests.support import SimulatedCrash, aduan, entries, write_config

DONE = "Aduan/Diproses"


def mails(n: int, tag: str = "") -> list[bytes]:
    return [
        make_mail(subject=f"Keluhan {tag}{i}", body=f"Antrian lama sekali nomor {tag}{i}.")
        for i in range(n)
    ]


def test_each_mail_is_registered_once_and_moved(
    dovecot: Dovecot, imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acct = imap_account
    dovecot.append(acct.user, acct.password, mails(5))
    config = write_config(tmp_path, acct)

    first = aduan(capsys, config, "run", "--once")
    assert first.code == 0, first.err
    assert len(entries(capsys, config)) == 5
    assert dovecot.folder_count(acct.user, acct.password, "INBOX") == 0
    assert dovecot.folder_count(acct.user, acct.password, DONE) == 5

    again = aduan(capsys, config, "run", "--once")
    assert again.code == 0
    assert len(entries(capsys, config)) == 5


def test_register_numbers_are_consecutive_and_entries_have_the_interface_shape(
    dovecot: Dovecot, imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acct = imap_account
    dovecot.append(acct.user, acct.password, mails(3))
    config = write_config(tmp_path, acct)
    assert aduan(capsys, config, "run", "--once").code == 0

    listed = entries(capsys, config)
    numbers = sorted(e["register_no"] for e in listed)
    prefix = numbers[0][: -len("0001")]
    assert numbers == [f"{prefix}{i:04d}" for i in (1, 2, 3)]
    entry = listed[0]
    assert set(entry) >= {
        "register_no",
        "received_at",
        "channel",
        "source_id",
        "reporter",
        "subject",
        "text",
        "kind",
        "unit",
        "urgent",
        "confidence",
        "reasons",
        "status",
        "due",
        "events",
    }
    assert entry["channel"] == "email"
    assert entry["source_id"].startswith("<") and entry["source_id"].endswith(">")
    assert entry["reporter"] == {
        "name": "Siti Rahmawati",
        "contact": "siti.rahmawati@example.id",
        "address": None,
    }
    # The corpus mail complains about the BPJS counter queue.
    assert (entry["kind"], entry["unit"], entry["urgent"]) == ("keluhan", "pendaftaran", False)
    assert entry["reasons"] and 0 < entry["confidence"] <= 1
    assert entry["status"] == "diterima"
    assert entry["received_at"].endswith("+07:00")
    assert set(entry["due"]) == {"forward", "answer", "resolve"}
    assert entry["events"][0]["type"] == "registered"

    shown = aduan(capsys, config, "register", "show", entry["register_no"], "--json").json()
    assert shown["register_no"] == entry["register_no"]
    assert "Antrian lama" in shown["text"]


def test_flag_mode_marks_seen_and_still_takes_each_mail_once(
    dovecot: Dovecot, imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acct = imap_account
    dovecot.append(acct.user, acct.password, mails(3, "a"))
    config = write_config(tmp_path, acct, done_folder=None)
    assert aduan(capsys, config, "run", "--once").code == 0
    assert dovecot.folder_status(acct.user, acct.password, "INBOX")["UNSEEN"] == 0

    dovecot.append(acct.user, acct.password, mails(2, "b"))
    assert aduan(capsys, config, "run", "--once").code == 0
    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(entries(capsys, config)) == 5
    assert dovecot.folder_count(acct.user, acct.password, "INBOX") == 5


@pytest.mark.parametrize("done_folder", [DONE, None])
def test_crash_between_commit_and_move_registers_once(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    done_folder: str | None,
) -> None:
    acct = imap_account
    dovecot.append(acct.user, acct.password, mails(7))
    config = write_config(tmp_path, acct, done_folder=done_folder, mailbox_extra="batch_size = 3")

    def crash(*_args: object) -> None:
        raise SimulatedCrash

    with monkeypatch.context() as patch:
        patch.setattr(ImapSource, "_mark_done", crash)
        with pytest.raises(SimulatedCrash):
            aduan(capsys, config, "run", "--once")
    assert len(entries(capsys, config)) == 3  # the first batch was committed, then the crash
    assert dovecot.folder_count(acct.user, acct.password, "INBOX") == 7

    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(entries(capsys, config)) == 7
    if done_folder:
        assert dovecot.folder_count(acct.user, acct.password, "INBOX") == 0
        assert dovecot.folder_count(acct.user, acct.password, done_folder) == 7
    else:
        assert dovecot.folder_status(acct.user, acct.password, "INBOX")["UNSEEN"] == 0


def test_uidvalidity_reset_neither_duplicates_nor_skips(
    dovecot: Dovecot, imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acct = imap_account
    old = mails(3, "lama")
    dovecot.append(acct.user, acct.password, old)
    config = write_config(tmp_path, acct, done_folder=None)
    assert aduan(capsys, config, "run", "--once").code == 0
    before = dovecot.uidvalidity(acct.user, acct.password, "INBOX")

    # The mailbox is restored from a backup: same mail, new UIDVALIDITY, UIDs from 1 again —
    # and a new complaint that now has a UID the old checkpoint already passed.
    assert dovecot.recreate_folder(acct.user, acct.password, "INBOX") != before
    dovecot.append(acct.user, acct.password, [*old, *mails(1, "baru")])
    assert aduan(capsys, config, "run", "--once").code == 0
    subjects = sorted(e["subject"] for e in entries(capsys, config))
    assert subjects == ["Keluhan baru0", "Keluhan lama0", "Keluhan lama1", "Keluhan lama2"]


def test_same_mail_delivered_twice_is_one_entry(
    dovecot: Dovecot, imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acct = imap_account
    mail = make_mail(message_id="<dua-kali@example.id>")
    relayed = (
        b"Received: from relay.example.id by mx.example.id; Mon, 23 Nov 2026 08:00:00 +0700\r\n"
        + mail
    )
    dovecot.append(acct.user, acct.password, [mail, relayed])
    config = write_config(tmp_path, acct)
    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(entries(capsys, config)) == 1
    assert dovecot.folder_count(acct.user, acct.password, "INBOX") == 0


def test_same_message_id_with_different_body_is_two_entries(
    dovecot: Dovecot, imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acct = imap_account
    first = make_mail(message_id="<sama@example.id>", body="Obat habis di apotek.")
    second = make_mail(message_id="<sama@example.id>", body="Toilet kotor sekali.")
    dovecot.append(acct.user, acct.password, [first, second])
    config = write_config(tmp_path, acct)
    assert aduan(capsys, config, "run", "--once").code == 0
    listed = entries(capsys, config)
    assert len(listed) == 2
    noted = [ev for e in listed for ev in e["events"] if ev["type"] == "same_message_id"]
    assert len(noted) == 1


def test_awkward_mailbox_is_registered_skipped_or_quarantined(
    dovecot: Dovecot, imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acct = imap_account
    awkward, auto, bad = awkward_mails(), autoreply_mails(), unparseable_mails()
    bad = {k: v for k, v in bad.items() if v.strip()}  # an IMAP server refuses an empty APPEND
    dovecot.append(acct.user, acct.password, [*awkward.values(), *auto.values(), *bad.values()])
    config = write_config(tmp_path, acct)

    assert aduan(capsys, config, "run", "--once").code == 0
    listed = entries(capsys, config)
    assert len(listed) == len(awkward)
    assert all(e["text"] or e["subject"] for e in listed)
    quarantined = aduan(capsys, config, "quarantine", "list", "--json").json()
    assert len(quarantined) == len(bad)
    assert all(q["reason"] for q in quarantined)
    assert all(Path(q["path"]).exists() for q in quarantined)
    status = aduan(capsys, config, "status", "--json").json()
    assert status["autoreplies"] + status["bounces"] == len(auto)
    assert status["quarantine"] == len(bad)
    assert dovecot.folder_count(acct.user, acct.password, "INBOX") == 0

    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(entries(capsys, config)) == len(awkward)
    assert aduan(capsys, config, "status", "--json").json()["quarantine"] == len(bad)


def test_copy_and_expunge_when_the_server_has_no_move(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from imapclient import IMAPClient

    real = IMAPClient.has_capability
    monkeypatch.setattr(
        IMAPClient, "has_capability", lambda self, cap: cap.upper() != "MOVE" and real(self, cap)
    )
    acct = imap_account
    dovecot.append(acct.user, acct.password, mails(4))
    config = write_config(tmp_path, acct)
    assert aduan(capsys, config, "run", "--once").code == 0
    assert dovecot.folder_count(acct.user, acct.password, "INBOX") == 0
    assert dovecot.folder_count(acct.user, acct.password, DONE) == 4
    assert len(entries(capsys, config)) == 4


@pytest.mark.parametrize(("security", "host"), [("tls", "localhost"), ("starttls", "127.0.0.1")])
def test_tls_and_starttls_verify_the_certificate(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    security: str,
    host: str,
) -> None:
    acct = imap_account
    dovecot.append(acct.user, acct.password, mails(1))
    config = write_config(tmp_path, acct, security=security, host=host)
    result = aduan(capsys, config, "run", "--once")
    assert result.code == 0, result.err
    assert len(entries(capsys, config)) == 1


def test_untrusted_certificate_is_refused_with_a_clear_line(
    imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, imap_account, security="tls", host="localhost")
    config.write_text(config.read_text().replace(f'ca_file = "{imap_account.ca_file}"\n', ""))
    result = aduan(capsys, config, "run", "--once")
    assert result.code == 3
    assert "certificate" in result.err


def test_server_down_exits_3_with_one_line_and_status_shows_it(
    imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, imap_account, port=free_port())
    result = aduan(capsys, config, "run", "--once")
    assert result.code == 3
    error_lines = [line for line in result.err.splitlines() if line.startswith("aduan:")]
    assert len(error_lines) == 1 and "unreachable" in error_lines[0]
    status = aduan(capsys, config, "status", "--json").json()
    (source,) = [s for s in status["sources"] if s["source"].startswith("imap:")]
    assert source["failing"] and "unreachable" in source["last_error"]


def test_wrong_password_is_reported_as_a_login_problem(
    imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, imap_account)
    config.write_text(config.read_text().replace(imap_account.password, "salah"))
    result = aduan(capsys, config, "run", "--once")
    assert result.code == 3
    assert "login" in result.err and "password" in result.err


def test_check_reaches_the_mailbox(
    imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, imap_account)
    result = aduan(capsys, config, "check")
    assert result.code == 0, result.out
    assert "login ok" in result.out
    down = write_config(tmp_path, imap_account, port=free_port())
    result = aduan(capsys, down, "check")
    assert result.code == 3
    assert "unreachable" in result.out
