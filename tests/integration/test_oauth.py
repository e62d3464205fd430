"""OAuth2 (XOAUTH2) sign-in for the mailbox and SMTP, against a real Dovecot whose `oauth2`
passdb asks a loopback token endpoint (tests/servers/oauth.py), and aiosmtpd taking XOAUTH2
checked against the same endpoint. Nothing reaches the internet; time is an injected clock.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlmodel import Session, select

from aduan.daemon.alerts import TroubleBook
from aduan.daemon.config import Settings, load_settings
from aduan.daemon.errors import AccessDenied, AduanError
from aduan.daemon.oauth import Consent, TokenFile, Tokens, token_path
from aduan.daemon.outbox import enqueue, new_message
from aduan.daemon.runtime import Runtime
from aduan.daemon.service import run_pass
from aduan.models.db import transaction
from aduan.models.tables import Entry
from tests.mailcorpus import make_mail
from tests.servers.dovecot import Dovecot, ImapAccount
from tests.servers.net import free_port
from tests.servers.oauth import OAuthProvider
from tests.servers.smtp import SmtpServer
from tests.support import aduan

SECRET = "rahasia-klien"
OURS = "pengaduan@puskesmas.example"
HEAD = "kapus@puskesmas.example"


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class OAuthSetup:
    """A Dovecot account signed in with OAuth2, its aduan.toml, and the provider's client."""

    config: Path
    account: ImapAccount
    client_id: str
    provider: OAuthProvider
    dovecot: Dovecot
    clock: FakeClock

    @property
    def settings(self) -> Settings:
        return load_settings(self.config)

    @property
    def user(self) -> str:
        return self.account.user

    def runtime(self) -> Runtime:
        return Runtime.open(self.settings, self.clock)

    def seed(self, section: str = "mailbox", *, expires_in: int = 3600) -> Tokens:
        """A finished consent, as `aduan mailbox authorize` leaves it."""
        access, refresh = self.provider.issue(self.user, self.client_id)
        now = self.clock()
        tokens = Tokens(
            access_token=access,
            refresh_token=refresh,
            expires_at=now + timedelta(seconds=expires_in),
            scope="mail",
            token_url=self.provider.token_url,
            client_id=self.client_id,
            username=self.user,
            authorized_at=now,
            refreshed_at=now,
        )
        TokenFile(token_path(self.settings, section)).save(tokens)
        return tokens

    def stored(self, section: str = "mailbox") -> Tokens:
        tokens = TokenFile(token_path(self.settings, section)).load()
        assert tokens is not None
        return tokens

    def refreshes(self) -> int:
        return self.provider.calls["token:refresh_token"]


def login_lines(provider: OAuthProvider, client_id: str, scopes: str = '["mail"]') -> list[str]:
    return [
        'auth = "oauth2"',
        f'client_id = "{client_id}"',
        f'token_url = "{provider.token_url}"',
        f'authorization_url = "{provider.authorization_url}"',
        f'device_authorization_url = "{provider.device_authorization_url}"',
        f"scopes = {scopes}",
        'client_secret_file = "client-secret"',
        "timeout_seconds = 10",
    ]


def write_oauth_config(
    tmp_path: Path,
    account: ImapAccount,
    provider: OAuthProvider,
    client_id: str,
    *,
    smtp: list[str] | None = None,
    extra: str = "",
) -> Path:
    (tmp_path / "client-secret").write_text(SECRET + "\n")
    lines = [
        "[facility]",
        'name = "Puskesmas Uji"',
        "[database]",
        'url = "sqlite:///var/aduan.db"',
        "[mailbox]",
        f'host = "{account.host}"',
        f"port = {account.port}",
        'security = "none"',
        f'username = "{account.user}"',
        'done_folder = "Aduan/Diproses"',
        "idle = false",
        *login_lines(provider, client_id),
        "[smtp]",
        *(smtp or []),
        f'from = "Pengaduan <{OURS}>"',
        "[escalation]",
        f'head = ["{HEAD}"]',
        "acknowledge = false",
        extra,
    ]
    path = tmp_path / "aduan.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_setup(
    tmp_path: Path,
    dovecot: Dovecot,
    provider: OAuthProvider,
    now: datetime,
    *,
    smtp: list[str] | None = None,
    extra: str = "",
) -> OAuthSetup:
    """A fresh Dovecot account and OAuth client, and an aduan.toml signing in with them."""
    account = dovecot.new_account()
    client_id = f"aduan-{account.user}"
    provider.add_client(client_id, SECRET)
    provider.consent_user = account.user
    config = write_oauth_config(tmp_path, account, provider, client_id, smtp=smtp, extra=extra)
    return OAuthSetup(config, account, client_id, provider, dovecot, FakeClock(now))


@pytest.fixture
def setup(tmp_path: Path, oauth_dovecot: Dovecot, oauth_provider: OAuthProvider) -> OAuthSetup:
    # The real time: `aduan check` and `status` in these tests run on the real clock.
    now = datetime.now(UTC).replace(microsecond=0)
    return make_setup(tmp_path, oauth_dovecot, oauth_provider, now)


def registered(runtime: Runtime) -> int:
    with Session(runtime.engine) as session:
        return len(session.exec(select(Entry)).all())


def xoauth2_logins(dovecot: Dovecot, user: str) -> int:
    marker = f"Login: user=<{user}>, method=XOAUTH2"
    return sum(marker in line for line in dovecot.info_log().splitlines())


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


# --- IMAP ----------------------------------------------------------------------------------


def test_mail_is_read_over_xoauth2_without_a_password(setup: OAuthSetup) -> None:
    setup.seed()
    setup.dovecot.append(setup.user, setup.account.password, [make_mail()])
    refreshes = setup.refreshes()
    runtime = setup.runtime()
    result = run_pass(runtime)
    assert not result.failures, result.failures
    assert registered(runtime) == 1
    assert setup.refreshes() == refreshes  # an hour left: no refresh
    wait_until(lambda: xoauth2_logins(setup.dovecot, setup.user) >= 1)


def test_token_is_refreshed_before_it_expires_and_never_logged(
    setup: OAuthSetup, caplog: pytest.LogCaptureFixture
) -> None:
    seeded = setup.seed(expires_in=4 * 60)  # inside the five-minute margin
    refreshes = setup.refreshes()
    caplog.set_level(logging.DEBUG)
    result = run_pass(setup.runtime())
    assert not result.failures, result.failures
    assert setup.refreshes() == refreshes + 1
    stored = setup.stored()
    assert stored.access_token != seeded.access_token
    assert stored.expires_at == setup.clock() + timedelta(hours=1)
    assert stored.refresh_token == seeded.refresh_token  # this provider does not rotate
    assert "token refreshed, expires in 60 min" in caplog.text
    for secret in (seeded.access_token, seeded.refresh_token, stored.access_token, SECRET):
        assert secret not in caplog.text
    path = token_path(setup.settings, "mailbox")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_a_rotated_refresh_token_is_kept_for_the_next_refresh(setup: OAuthSetup) -> None:
    setup.provider.rotate = True  # as Microsoft does: each refresh token works once
    first = setup.seed()
    start = setup.clock()
    runtime = setup.runtime()
    for hours in (2, 4, 6):
        setup.clock.now = start + timedelta(hours=hours)
        result = run_pass(runtime)
        assert not result.failures, result.failures
    stored = setup.stored()
    assert stored.refresh_token != first.refresh_token
    assert setup.provider.live_refresh_tokens(setup.user) == [stored.refresh_token]
    assert stored.authorized_at == start


def test_a_token_dead_before_its_time_is_refreshed_once(setup: OAuthSetup) -> None:
    setup.seed()
    setup.provider.expire_access_tokens()  # the server says no although we think it is good
    refreshes = setup.refreshes()
    result = run_pass(setup.runtime())
    assert not result.failures, result.failures
    assert setup.refreshes() == refreshes + 1


def test_a_revoked_sign_in_is_named_with_its_fix_in_check_and_status(
    setup: OAuthSetup, capsys: pytest.CaptureFixture[str]
) -> None:
    setup.seed()
    setup.provider.revoke_user(setup.user)
    check = aduan(capsys, setup.config, "check")
    assert check.code == 3
    lines = [line for line in check.out.splitlines() if "revoked or has expired" in line]
    assert len(lines) == 1, check.out
    assert lines[0].startswith("GAGAL IMAP") and "`aduan mailbox authorize`" in lines[0]

    once = aduan(capsys, setup.config, "run", "--once")
    assert once.code == 3
    status = aduan(capsys, setup.config, "status")
    trouble = [line for line in status.out.splitlines() if "GANGGUAN" in line]
    assert len(trouble) == 1, status.out
    assert "(izin OAuth2)" in trouble[0] and "`aduan mailbox authorize`" in trouble[0]
    data = aduan(capsys, setup.config, "status", "--json").json()
    (imap,) = [s for s in data["sources"] if s["source"] == "imap:INBOX"]
    assert imap["trouble"]["kind"] == "token"
    english = aduan(capsys, setup.config, "--lang", "en", "status")
    assert "TROUBLE (OAuth2 sign-in) since" in english.out


def test_not_signed_in_yet_says_to_authorize(
    setup: OAuthSetup, capsys: pytest.CaptureFixture[str]
) -> None:
    check = aduan(capsys, setup.config, "check")
    assert check.code == 3
    assert "not signed in" in check.out and "`aduan mailbox authorize`" in check.out


def test_another_accounts_token_is_refused_even_after_a_refresh(
    setup: OAuthSetup, capsys: pytest.CaptureFixture[str]
) -> None:
    # Tokens that belong to someone else (Dovecot checks the token's username): the login
    # fails, the forced refresh brings another of theirs, and that fails too.
    tokens = setup.seed()
    access, refresh = setup.provider.issue("someone-else", setup.client_id)
    TokenFile(token_path(setup.settings, "mailbox")).save(
        replace(tokens, access_token=access, refresh_token=refresh)
    )
    refreshes = setup.refreshes()
    check = aduan(capsys, setup.config, "check")
    assert check.code == 3
    assert "refused even with a fresh token" in check.out
    assert setup.refreshes() == refreshes + 1


def test_an_unreachable_token_endpoint_is_an_outage_not_login_trouble(
    setup: OAuthSetup,
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/token"
    setup.config.write_text(setup.config.read_text().replace(setup.provider.token_url, closed))
    tokens = setup.seed(expires_in=60)  # due for a refresh
    TokenFile(token_path(setup.settings, "mailbox")).save(replace(tokens, token_url=closed))
    result = run_pass(setup.runtime())
    (failure,) = result.failures
    assert not isinstance(failure, AccessDenied)
    assert "token endpoint unreachable (connection refused" in str(failure)
    assert TroubleBook.of(setup.settings).problems() == {}


def test_a_server_that_cannot_check_tokens_now_is_an_outage(
    tmp_path: Path, oauth_provider: OAuthProvider
) -> None:
    # A Dovecot whose token check is down answers [UNAVAILABLE]: its trouble, not our login.
    dead = f"http://127.0.0.1:{free_port()}/introspect"
    with Dovecot.start(tmp_path / "dovecot", oauth2_introspection_url=dead) as dovecot:
        setup = make_setup(tmp_path, dovecot, oauth_provider, datetime.now(UTC))
        setup.seed()
        (failure,) = run_pass(setup.runtime()).failures
    assert not isinstance(failure, AccessDenied)
    assert "login failed for now" in str(failure) and "UNAVAILABLE" in str(failure)


# --- SMTP ----------------------------------------------------------------------------------


@pytest.fixture
def xoauth2_smtp(
    tmp_path: Path, smtp_certificate: tuple[Path, Path], oauth_provider: OAuthProvider
) -> Iterator[SmtpServer]:
    cert, key = smtp_certificate

    def good(user: str, token: str) -> bool:
        return oauth_provider.user_of(token) == user

    with SmtpServer.started(tmp_path, cert_file=cert, key_file=key, xoauth2=good) as server:
        yield server


def smtp_oauth_lines(server: SmtpServer, setup: OAuthSetup, username: str) -> list[str]:
    return [
        f'host = "{server.host}"',
        f"port = {server.port}",
        'security = "starttls"',
        f'ca_file = "{server.ca_file}"',
        f'username = "{username}"',
        *login_lines(setup.provider, setup.client_id),
    ]


def queue_one(runtime: Runtime, subject: str) -> None:
    message = new_message(
        f"Pengaduan <{OURS}>", [HEAD], subject, "isi", message_id=f"<{subject}@uji>"
    )
    with transaction(runtime.engine) as session:
        enqueue(session, message, purpose="uji", entry_id=None, now=runtime.clock())


def test_outbox_sends_over_xoauth2_with_the_mailboxs_sign_in(
    setup: OAuthSetup, xoauth2_smtp: SmtpServer, tmp_path: Path
) -> None:
    write_oauth_config(
        tmp_path,
        setup.account,
        setup.provider,
        setup.client_id,
        smtp=smtp_oauth_lines(xoauth2_smtp, setup, setup.user),
    )
    setup.seed()
    assert token_path(setup.settings, "smtp") == token_path(setup.settings, "mailbox")
    runtime = setup.runtime()
    queue_one(runtime, "satu")
    assert not run_pass(runtime).failures
    xoauth2_smtp.wait_for(1)

    setup.provider.expire_access_tokens()  # SMTP answers 535: refresh once, send
    refreshes = setup.refreshes()
    queue_one(runtime, "dua")
    result = run_pass(runtime)
    assert not result.failures, result.failures
    assert xoauth2_smtp.message_ids()[-1] == "<dua@uji>"
    assert setup.refreshes() == refreshes + 1
    assert sorted(p.name for p in token_path(setup.settings, "smtp").parent.glob("*.json")) == [
        "mailbox.json"
    ]


def test_a_revoked_smtp_sign_in_is_trouble_with_its_fix(
    setup: OAuthSetup,
    xoauth2_smtp: SmtpServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # SMTP as another account: its own token file and `authorize --smtp`.
    sender, _ = setup.dovecot.add_user()
    write_oauth_config(
        tmp_path,
        setup.account,
        setup.provider,
        setup.client_id,
        smtp=smtp_oauth_lines(xoauth2_smtp, setup, sender),
    )
    setup.seed()
    access, refresh = setup.provider.issue(sender, setup.client_id)
    TokenFile(token_path(setup.settings, "smtp")).save(
        replace(setup.stored(), access_token=access, refresh_token=refresh, username=sender)
    )
    setup.provider.revoke_user(sender)
    runtime = setup.runtime()
    queue_one(runtime, "tiga")
    result = run_pass(runtime)
    assert [str(f).split(":")[0] for f in result.failures] == ["SMTP 127.0.0.1"]
    status = aduan(capsys, setup.config, "status")
    assert "`aduan mailbox authorize --smtp`" in status.out
    assert xoauth2_smtp.received == []


# --- aduan mailbox authorize -------------------------------------------------------------


def test_authorize_with_a_code_typed_on_another_device(
    setup: OAuthSetup, capsys: pytest.CaptureFixture[str]
) -> None:
    def approve() -> None:
        wait_until(lambda: bool(setup.provider.pending_user_codes()))
        (code,) = setup.provider.pending_user_codes()
        setup.provider.approve_device(code, setup.user)

    approver = threading.Thread(target=approve)
    approver.start()
    result = aduan(capsys, setup.config, "mailbox", "authorize", "--flow", "device")
    approver.join()
    assert result.code == 0, result.out + result.err
    assert "masukkan kode" in result.out
    assert "OK    IMAP 127.0.0.1: login ok (OAuth2" in result.out
    path = token_path(setup.settings, "mailbox")
    assert path.stat().st_mode & 0o777 == 0o600
    stored = json.loads(path.read_text())
    assert stored["username"] == setup.user and stored["client_id"] == setup.client_id
    assert stored["refresh_token"] in setup.provider.live_refresh_tokens(setup.user)


def start_browser_flow(config: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "aduan.daemon", "--config", str(config)),
            *("mailbox", "authorize", "--flow", "browser"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "/authorize?" in line:
            return proc, line.strip()
    proc.kill()
    raise AssertionError(f"no authorization URL printed: {proc.communicate()}")


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = proc.communicate(timeout=30)
    return proc.returncode, out + err


def test_authorize_in_a_browser_on_this_machine(setup: OAuthSetup) -> None:
    proc, url = start_browser_flow(setup.config)
    # The browser: the provider signs the user in and sends it back to aduan's listener.
    with urllib.request.urlopen(url, timeout=10) as page:
        assert "Berhasil" in page.read().decode()
    code, output = finish(proc)
    assert code == 0, output
    assert setup.stored().username == setup.user


class BrowserFlow:
    """`Consent.browser` on a thread, as `authorize --flow browser` runs it; the test is the
    person with the browser (and the keyboard, for a pasted address)."""

    def __init__(self, setup: OAuthSetup) -> None:
        read, self._write = os.pipe()
        self._pasted = os.fdopen(read, "r")
        self._said: queue.Queue[str] = queue.Queue()
        self.error: BaseException | None = None
        consent = Consent(setup.settings, "mailbox", setup.clock, "en")
        self._thread = threading.Thread(target=self._run, args=(consent,))
        self._thread.start()

    def _run(self, consent: Consent) -> None:
        try:
            consent.browser(self._said.put, pasted=self._pasted)
        except BaseException as exc:  # handed to the test
            self.error = exc

    def url(self) -> str:
        said = self._said.get(timeout=10)
        (line,) = [x for x in said.splitlines() if "/authorize?" in x]
        return line.strip()

    def paste(self, address: str) -> None:
        os.write(self._write, (address + "\n").encode())

    def join(self) -> None:
        self._thread.join(timeout=30)
        os.close(self._write)
        self._pasted.close()


def test_authorize_by_pasting_the_address_from_a_browser_elsewhere(setup: OAuthSetup) -> None:
    flow = BrowserFlow(setup)
    parts = urlsplit(flow.url())
    # The browser elsewhere: it follows the provider's redirect to a 127.0.0.1 it cannot
    # reach; the person copies the address from its address bar.
    connection = HTTPConnection(parts.netloc, timeout=10)
    connection.request("GET", f"{parts.path}?{parts.query}")
    response = connection.getresponse()
    assert response.status == 302
    landed = response.getheader("Location")
    assert landed is not None and "code=" in landed
    flow.paste("")  # a stray Enter first
    flow.paste(landed)
    flow.join()
    assert flow.error is None, flow.error
    assert setup.stored().username == setup.user


def test_refused_consent_says_so_and_stores_nothing(setup: OAuthSetup) -> None:
    setup.provider.deny_consent = True
    flow = BrowserFlow(setup)
    with urllib.request.urlopen(flow.url(), timeout=10) as page:
        assert "not given" in page.read().decode()
    flow.join()
    assert isinstance(flow.error, AduanError)
    assert "access was refused" in str(flow.error)
    assert not token_path(setup.settings, "mailbox").exists()
