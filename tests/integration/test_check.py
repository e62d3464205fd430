"""`aduan check` names each problem a sysadmin meets, in one line with the fix."""

from __future__ import annotations

import socket
import sqlite3
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.dovecot import ImapAccount
from tests.servers.tls import make_certificate
from tests.support import aduan, write_config


def test_wrong_password_says_so(
    imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, imap_account)
    config.write_text(config.read_text().replace(imap_account.password, "salah"))
    result = aduan(capsys, config, "check")
    assert result.code == 3
    assert "login" in result.out and "password" in result.out


def test_missing_folder_says_which(
    imap_account: ImapAccount, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, imap_account, mailbox_extra='folder = "Pengaduan"')
    result = aduan(capsys, config, "check")
    assert result.code != 0
    assert "'Pengaduan' does not exist" in result.out and "[mailbox] folder" in result.out


@pytest.fixture
def tls_server_for_another_name(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A TLS server on 127.0.0.1 whose certificate names mail.example.org only."""
    cert, key = tmp_path / "other.pem", tmp_path / "other.key"
    make_certificate(cert, key, names=("mail.example.org",))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.sendall(b"* OK ready\r\n")
            except (OSError, ssl.SSLError):
                conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield port, cert
    listener.close()


def test_certificate_for_another_name_says_to_fix_the_host(
    tls_server_for_another_name: tuple[int, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port, cert = tls_server_for_another_name
    config = tmp_path / "aduan.toml"
    config.write_text(
        f'[mailbox]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "tls"\n'
        f'username = "u"\npassword = "p"\nca_file = "{cert}"\ntimeout_seconds = 5\n'
    )
    result = aduan(capsys, config, "check")
    assert result.code == 3
    assert "certificate is for another name" in result.out
    assert "set [mailbox] host" in result.out


def test_locked_database_is_named_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "aduan.toml"
    config.write_text('[database]\nurl = "sqlite:///var/a.db"\n')
    assert aduan(capsys, config, "status").code == 0  # creates the database
    holder = sqlite3.connect(tmp_path / "var" / "a.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a backup tool or a sqlite3 shell mid-write
    try:
        result = aduan(capsys, config, "check")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.code == 2
    assert "is locked by another program" in result.out


def test_missing_ocr_language_names_the_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "aduan.toml"
    config.write_text('[scans]\nlanguages = "ind+jav"\n')
    result = aduan(capsys, config, "check")
    assert result.code == 2
    assert "tesseract-ocr-jav" in result.out
