"""The Dovecot test server behaves like the real servers the daemon talks to."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable

import pytest
from imapclient import IMAPClient

from tests.servers.dovecot import Dovecot, ImapAccount

HOSTS = ["localhost", "127.0.0.1"]


def mail(n: int, subject: str = "Keluhan") -> bytes:
    return (
        f"From: Warga {n} <warga{n}@example.id>\r\n"
        f"To: pengaduan@puskesmas.example.id\r\n"
        f"Subject: {subject} {n}\r\n"
        f"Message-ID: <{n}.{subject}@example.id>\r\n"
        "\r\n"
        "Antrian lama sekali.\r\n"
    ).encode()


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.01)


@pytest.mark.parametrize("host", HOSTS)
def test_starttls_login_verifies_certificate(imap_account: ImapAccount, host: str) -> None:
    client = IMAPClient(host, port=imap_account.port, ssl=False, timeout=10)
    try:
        assert b"STARTTLS" in client.capabilities()
        client.starttls(ssl.create_default_context(cafile=str(imap_account.ca_file)))
        client.login(imap_account.user, imap_account.password)
        assert client.folder_exists("INBOX")
    finally:
        client.logout()


@pytest.mark.parametrize("host", HOSTS)
def test_tls_port_login_verifies_certificate(imap_account: ImapAccount, host: str) -> None:
    context = ssl.create_default_context(cafile=str(imap_account.ca_file))
    client = IMAPClient(host, port=imap_account.tls_port, ssl=True, ssl_context=context, timeout=10)
    try:
        client.login(imap_account.user, imap_account.password)
        assert client.folder_exists("INBOX")
    finally:
        client.logout()


def test_tls_port_rejected_without_the_test_ca(imap_account: ImapAccount) -> None:
    # Proves the positive tests above really verify the certificate.
    with pytest.raises(ssl.SSLCertVerificationError):
        IMAPClient(
            "localhost",
            port=imap_account.tls_port,
            ssl=True,
            ssl_context=ssl.create_default_context(),
            timeout=10,
        )


def test_append_three_then_count(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    user, password = imap_account.user, imap_account.password

    uids = dovecot.append(user, password, [mail(i) for i in range(3)])

    assert uids == [1, 2, 3]
    assert dovecot.folder_count(user, password, "INBOX") == 3


def test_append_creates_missing_folder(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    user, password = imap_account.user, imap_account.password

    assert dovecot.append(user, password, [mail(1)], folder="Arsip/2024") == [1]
    assert dovecot.folder_count(user, password, "Arsip/2024") == 1


@pytest.mark.parametrize("folder", ["INBOX", "Keluhan"])
def test_recreate_folder_changes_uidvalidity(
    dovecot: Dovecot, imap_account: ImapAccount, folder: str
) -> None:
    user, password = imap_account.user, imap_account.password
    dovecot.append(user, password, [mail(i) for i in range(3)], folder=folder)
    dovecot.append(user, password, [mail(9)], folder="Other")
    before = dovecot.uidvalidity(user, password, folder)

    after = dovecot.recreate_folder(user, password, folder)

    assert after != before
    assert dovecot.uidvalidity(user, password, folder) == after
    assert dovecot.folder_count(user, password, folder) == 0
    assert dovecot.append(user, password, [mail(1)], folder=folder) == [1]
    assert dovecot.folder_count(user, password, "Other") == 1


def test_restart_keeps_mail_and_ports(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    user, password = imap_account.user, imap_account.password
    dovecot.append(user, password, [mail(i) for i in range(2)])
    ports = (dovecot.port, dovecot.tls_port)
    client = dovecot.client(user, password)
    client.select_folder("INBOX")

    dovecot.restart()

    # The open connection died with the old server, as in a real outage.
    try:
        with pytest.raises((IMAPClient.AbortError, OSError)):
            client.noop()
    finally:
        client.shutdown()
    assert (dovecot.port, dovecot.tls_port) == ports
    assert dovecot.folder_count(user, password, "INBOX") == 2
    assert dovecot.append(user, password, [mail(3)]) == [3]


def test_users_have_separate_mailboxes(dovecot: Dovecot) -> None:
    alice, alice_pw = dovecot.add_user()
    bob, bob_pw = dovecot.add_user(password="another secret")

    dovecot.append(alice, alice_pw, [mail(1), mail(2)])
    dovecot.append(bob, bob_pw, [mail(3)])

    assert dovecot.folder_count(alice, alice_pw, "INBOX") == 2
    assert dovecot.folder_count(bob, bob_pw, "INBOX") == 1
    with pytest.raises(IMAPClient.Error):
        dovecot.client(alice, bob_pw)


def test_new_users_can_log_in_at_once(dovecot: Dovecot) -> None:
    # Guards the per-user passwd files: with one shared file, a user added
    # within the same second as a previous login is unknown to Dovecot.
    for _ in range(5):
        user, password = dovecot.add_user()
        with dovecot.session(user, password) as client:
            assert client.folder_exists("INBOX")


def test_append_200_uses_one_connection(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    user, password = imap_account.user, imap_account.password

    uids = dovecot.append(user, password, (mail(i) for i in range(200)))

    assert uids == list(range(1, 201))
    assert dovecot.folder_count(user, password, "INBOX") == 200
    # folder_count logged in once more; wait for both logins to reach the log.
    wait_until(lambda: dovecot.login_count(user) >= 2)
    assert dovecot.login_count(user) == 2


def test_clients_can_create_folders(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    names = ["Junk", "Keluhan.2024", "Proses/Selesai", "Gagal Diproses"]
    with dovecot.session(imap_account.user, imap_account.password) as client:
        for name in names:
            client.create_folder(name)
        listed = {name: flags for flags, _sep, name in client.list_folders()}

    assert set(names) <= set(listed)
    assert b"\\Junk" in listed["Junk"]
