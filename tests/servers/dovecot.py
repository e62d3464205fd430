"""A real, throwaway Dovecot IMAP server on loopback for integration tests.

    with Dovecot.start(tmp_path) as server:
        user, password = server.add_user()
        server.append(user, password, [raw_mail])

Everything (config, TLS certificate, passwd files, Maildirs, logs, sockets)
lives under the directory handed to `Dovecot.start`. Two inet listeners on
127.0.0.1 with free ports: `port` (plaintext, STARTTLS offered) and `tls_port`
(implicit TLS). The certificate is self-signed for localhost and 127.0.0.1 and
is its own CA: trust `ca_file`.

Dovecot quirks this module works around (details where each is handled):

* Mail processes never run as root, and pytest's temp dirs are mode 0700, so
  when we are root the mail processes are chrooted into the mail directory.
* A single passwd-file is re-read at most once per second, so a user added
  right after a login may be rejected; each user gets its own passwd-file.
* Failed logins slow down every later login from 127.0.0.1 (auth penalty), so
  the penalty is switched off.
* Dovecot refuses to delete INBOX, so `recreate_folder("INBOX")` rebuilds it
  on disk.

`Dovecot.start(dir, oauth2_introspection_url=URL)` also takes XOAUTH2 and
OAUTHBEARER logins (the way Gmail and Microsoft 365 are signed in to): an
`oauth2` passdb asks URL (RFC 7662 introspection, `token=` POSTed) whether the
bearer token is active and whose it is (`username`). Password logins keep
their passwd-file, so `append` and the other helpers work as before. Without
the URL the config is exactly the password-only one.
"""

from __future__ import annotations

import atexit
import contextlib
import grp
import os
import pwd
import re
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from imapclient import IMAPClient

from tests.servers.net import LOOPBACK, LoopbackServer, free_ports
from tests.servers.tls import make_certificate

DOVECOT_BINARY = Path("/usr/sbin/dovecot")
DOVEADM_BINARY = Path("/usr/bin/doveadm")

# Dovecot's own username charset (auth_username_chars) minus the characters
# that would be awkward in a file name.
_USER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")
_APPENDUID_RE = re.compile(rb"\[APPENDUID (\d+) ([0-9:,]+)\]")
# MULTIAPPEND sends a whole chunk as one command; bound it so a huge corpus
# doesn't become one enormous command that is hard to debug when it fails.
_APPEND_CHUNK_MESSAGES = 100
_APPEND_CHUNK_BYTES = 8 * 1024 * 1024


class DovecotError(RuntimeError):
    """The test server could not be started or driven."""


@dataclass(frozen=True)
class ImapAccount:
    """Everything a client needs to reach one mailbox on the test server."""

    host: str
    port: int
    tls_port: int
    user: str
    password: str
    ca_file: Path


class Dovecot(LoopbackServer):
    """One Dovecot instance rooted in a private directory.

    Use `Dovecot.start(dir)`; the constructor only prepares files.
    """

    host = LOOPBACK

    def __init__(
        self,
        root: Path,
        *,
        binary: Path = DOVECOT_BINARY,
        oauth2_introspection_url: str | None = None,
    ) -> None:
        self.root = root.resolve()
        self.binary = binary
        self.oauth2_introspection_url = oauth2_introspection_url
        self.oauth2_conf_path = self.root / "dovecot-oauth2.conf.ext"
        self.port, self.tls_port = free_ports(2)
        self.conf_path = self.root / "dovecot.conf"
        self.log_path = self.root / "dovecot.log"
        self.info_log_path = self.root / "dovecot.info.log"
        self.ca_file = self.root / "cert.pem"
        self.key_file = self.root / "key.pem"
        self.mail_dir = self.root / "mail"
        self.passwd_dir = self.root / "passwd.d"
        self.base_dir = self.root / "run"
        self.state_dir = self.root / "state"
        self._stdout_path = self.root / "dovecot.stdout"
        self._proc: subprocess.Popen[bytes] | None = None
        self._user_numbers = count(1)
        self._as_root = os.geteuid() == 0
        if self._as_root:
            # Mail processes must not be root; Dovecot hard-codes that.
            nobody = pwd.getpwnam("nobody")
            self._mail_uid, self._mail_gid = nobody.pw_uid, nobody.pw_gid
        else:
            self._mail_uid, self._mail_gid = os.geteuid(), os.getegid()
        self._prepare()
        # A script that dies without stop() would otherwise leave Dovecot
        # running: it is in its own session, out of reach of Ctrl-C.
        atexit.register(self.stop)

    # -- lifecycle ---------------------------------------------------------

    @classmethod
    def start(
        cls,
        root: Path,
        *,
        binary: Path = DOVECOT_BINARY,
        timeout: float = 10.0,
        oauth2_introspection_url: str | None = None,
    ) -> Dovecot:
        """Create the server's files under `root` and run it until ready."""
        server = cls(root, binary=binary, oauth2_introspection_url=oauth2_introspection_url)
        server._launch(timeout)
        return server

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and every process it spawned. Idempotent."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        # The master is a session leader, so its pid is the process group of
        # all Dovecot processes. SIGTERM to the master alone takes about a
        # second (it waits for its children); to the whole group, a few ms.
        # Each process still exits through its own handler: IMAP clients get
        # "* BYE Server shutting down." as from a real shutdown.
        pgid = proc.pid
        _signal_group(pgid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(pgid, signal.SIGKILL)
            proc.wait(timeout)
        deadline = time.monotonic() + timeout
        while _group_alive(pgid):
            if time.monotonic() >= deadline:
                _signal_group(pgid, signal.SIGKILL)
                break
            time.sleep(0.01)
        # A killed master leaves its pid file behind; if the pid is reused by
        # then, the next start would refuse with "already running".
        (self.base_dir / "master.pid").unlink(missing_ok=True)

    def restart(self, timeout: float = 10.0) -> None:
        """Stop and start again on the same ports with the same data."""
        self.stop(timeout)
        self._launch(timeout)

    # -- accounts ----------------------------------------------------------

    def add_user(self, name: str | None = None, password: str = "secret") -> tuple[str, str]:
        """Create a user with an empty mailbox and return (user, password)."""
        if name is None:
            name = self._fresh_user_name()
        elif not _USER_RE.fullmatch(name):
            raise ValueError(f"unsupported user name {name!r}")
        if any(c in password for c in ":\r\n\0"):
            raise ValueError("password must not contain ':', CR, LF or NUL (passwd-file format)")
        entry = self.passwd_dir / name
        if entry.exists():
            raise ValueError(f"user {name!r} already exists; tests need fresh mailboxes")
        # Dovecot logs an error when a user's home is missing at login, so
        # create it up front, owned by the account mail processes run as.
        home = self.mail_dir / name
        home.mkdir(mode=0o700)
        os.chown(home, self._mail_uid, self._mail_gid)
        # Write-then-rename so the auth process never reads a half-written file.
        tmp = self.passwd_dir / f".{name}.tmp"
        tmp.write_text(f"{name}:{{PLAIN}}{password}\n", encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(entry)
        return name, password

    def new_account(self, name: str | None = None, password: str = "secret") -> ImapAccount:
        """`add_user`, packaged with the connection details."""
        user, password = self.add_user(name, password)
        return ImapAccount(
            host=self.host,
            port=self.port,
            tls_port=self.tls_port,
            user=user,
            password=password,
            ca_file=self.ca_file,
        )

    # -- client helpers ----------------------------------------------------

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts this server's certificate."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def client(self, user: str, password: str, *, timeout: float = 10.0) -> IMAPClient:
        """A logged-in IMAPClient on the plaintext port. Caller logs out."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=timeout)
        try:
            client.login(user, password)
        except BaseException:
            client.shutdown()
            raise
        return client

    @contextlib.contextmanager
    def session(self, user: str, password: str) -> Iterator[IMAPClient]:
        """`client` as a context manager that always logs out."""
        client = self.client(user, password)
        try:
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.logout()

    def append(
        self,
        user: str,
        password: str,
        messages: Iterable[bytes],
        folder: str = "INBOX",
    ) -> list[int]:
        """APPEND raw messages over one connection; return their UIDs.

        The folder is created if missing. Uses MULTIAPPEND in chunks when the
        server offers it. Returns [] if the server doesn't report APPENDUID.
        """
        uids: list[int] = []
        with self.session(user, password) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            multi = client.has_capability("MULTIAPPEND")
            for chunk in _chunks(iter(messages)):
                if multi:
                    typ, data = client.multiappend(folder, chunk)
                    # imapclient returns NO responses instead of raising.
                    if typ != "OK":
                        raise DovecotError(f"MULTIAPPEND to {folder} failed: {typ} {data!r}")
                    responses: list[bytes] = [bytes(d) for d in data]
                else:
                    responses = [bytes(client.append(folder, m)) for m in chunk]
                for response in responses:
                    uids.extend(_appended_uids(response))
        return uids

    def folder_count(self, user: str, password: str, folder: str) -> int:
        """Number of messages in `folder`."""
        return self.folder_status(user, password, folder)["MESSAGES"]

    def uidvalidity(self, user: str, password: str, folder: str) -> int:
        return self.folder_status(user, password, folder)["UIDVALIDITY"]

    def folder_status(self, user: str, password: str, folder: str) -> dict[str, int]:
        """STATUS MESSAGES/UIDNEXT/UIDVALIDITY/UNSEEN as a plain dict."""
        with self.session(user, password) as client:
            status = client.folder_status(folder, ["MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN"])
        return {_text(key): int(value) for key, value in status.items()}

    def recreate_folder(self, user: str, password: str, folder: str) -> int:
        """Delete and recreate `folder` empty, with a new UIDVALIDITY.

        Returns the new UIDVALIDITY; the next appended message gets UID 1.
        Other folders are untouched. For INBOX (which IMAP cannot delete) the
        user's sessions are kicked and its Maildir is rebuilt on disk, the way
        a server-side mailbox restore would look to a client.
        """
        if folder.upper() == "INBOX":
            self._reset_inbox(user)
        else:
            with self.session(user, password) as client:
                if client.folder_exists(folder):
                    client.delete_folder(folder)
                client.create_folder(folder)
        return self.uidvalidity(user, password, folder)

    # -- inspection --------------------------------------------------------

    def doveadm(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> str:
        """Run doveadm against this instance and return its stdout."""
        result = subprocess.run(
            [str(DOVEADM_BINARY), "-c", str(self.conf_path), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode not in ok_codes:
            raise DovecotError(
                f"doveadm {' '.join(args)} exited {result.returncode}: "
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
        return result.stdout

    def info_log(self) -> str:
        return _read(self.info_log_path)

    def error_log(self) -> str:
        """Dovecot's warnings, errors and fatals.

        Every stop/restart adds "Killed with signal 15" warnings, and a kick
        (see `recreate_folder`) one more; `errors()` leaves warnings out.
        """
        return _read(self.log_path)

    def errors(self) -> list[str]:
        """Error, fatal and panic lines from the log: empty if all is well."""
        kinds = (": Error: ", ": Fatal: ", ": Panic: ")
        return [line for line in self.error_log().splitlines() if any(k in line for k in kinds)]

    def login_count(self, user: str) -> int:
        """Successful IMAP logins for `user` since the server was created.

        Log lines travel through Dovecot's log process, so a login may show
        up here a moment after the client saw it succeed: poll for it.
        """
        marker = f"imap-login: Info: Login: user=<{user}>,"
        return sum(marker in line for line in self.info_log().splitlines())

    # -- internals ---------------------------------------------------------

    def _prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        for path in (self.base_dir, self.state_dir, self.mail_dir, self.passwd_dir):
            path.mkdir(exist_ok=True)
            # Dovecot's unprivileged helpers need to traverse these.
            path.chmod(0o755)
        self.passwd_dir.chmod(0o700)
        self._make_certificate()
        if self.oauth2_introspection_url is not None:
            self.oauth2_conf_path.write_text(self._oauth2_config(), encoding="utf-8")
        self.conf_path.write_text(self._config(), encoding="utf-8")

    def _make_certificate(self) -> None:
        make_certificate(self.ca_file, self.key_file)

    def _config(self) -> str:
        mail_user = pwd.getpwuid(self._mail_uid).pw_name
        mail_group = grp.getgrgid(self._mail_gid).gr_name
        if self._as_root:
            # Mail processes run as nobody, but pytest's temp dirs are 0700 and
            # nobody can't reach anything below them. The "/./" in the home
            # makes Dovecot chroot into the mail dir (as root) first, so
            # nothing above it needs to be traversable.
            home = f"{self.mail_dir}/./%u"
            privileges = f"""
mail_uid = {mail_user}
mail_gid = {mail_group}
valid_chroot_dirs = {self.mail_dir}

# The auth process normally runs as "dovecot", which can't reach the
# passwd files under the 0700 temp dir either.
service auth {{
  user = root
}}
"""
        else:
            # Unprivileged, every process runs as us; chroot() would fail.
            home = f"{self.mail_dir}/%u"
            privileges = f"""
default_internal_user = {mail_user}
default_internal_group = {mail_group}
default_login_user = {mail_user}
mail_uid = {mail_user}
mail_gid = {mail_group}

service anvil {{
  chroot =
}}
service imap-urlauth-login {{
  chroot =
}}
"""
        login_chroot = "" if self._as_root else "  chroot =\n"
        return f"""# Generated by tests/servers/dovecot.py for one test session.
protocols = imap
listen = {self.host}
base_dir = {self.base_dir}
state_dir = {self.state_dir}
log_path = {self.log_path}
info_log_path = {self.info_log_path}
auth_verbose = yes
first_valid_uid = 1
{privileges}
ssl = yes
ssl_cert = <{self.ca_file}
ssl_key = <{self.key_file}
# Tests log in over plaintext on loopback too.
disable_plaintext_auth = no
{self._auth_config()}
userdb {{
  driver = static
  args = home={home}
}}
# fs layout: folder names may contain dots (Maildir++ forbids them with a "/"
# separator), as on most real servers. INBOX gets its own directory so that
# it can be rebuilt without touching the other folders.
mail_location = maildir:~/Maildir:LAYOUT=fs:INBOX=~/Maildir/INBOX
# Throwaway data: durability only costs time.
mail_fsync = never

namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
  }}
  mailbox Sent {{
    special_use = \\Sent
  }}
  mailbox Junk {{
    special_use = \\Junk
  }}
  mailbox Trash {{
    special_use = \\Trash
  }}
  mailbox Archive {{
    special_use = \\Archive
  }}
}}

# Failed logins would otherwise add up to 15 s to every later login from
# 127.0.0.1 (anvil's auth penalty), making one wrong-password test slow down
# the whole session. Auth finds no penalty socket under the usual name and
# skips the penalty. auth_failure_delay still rounds up to 0.5 s.
auth_failure_delay = 0
service anvil {{
  unix_listener anvil-auth-penalty {{
    path = anvil-auth-penalty-disabled
  }}
}}

service imap-login {{
{login_chroot}  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {self.host}
    port = {self.tls_port}
    ssl = yes
  }}
}}
"""

    def _auth_config(self) -> str:
        # One passwd-file per user: Dovecot stats a passwd-file at most once a
        # second, so a user appended to a shared file right after another login
        # is rejected until the next second. A per-user path is opened fresh on
        # first lookup.
        mechanisms = "\n  mechanisms = plain login" if self.oauth2_introspection_url else ""
        passwd_file = f"""passdb {{
  driver = passwd-file
  args = {self.passwd_dir}/%{{user}}{mechanisms}
}}"""
        if self.oauth2_introspection_url is None:
            return f"auth_mechanisms = plain login\n\n{passwd_file}"
        # Each passdb answers only its own mechanisms: a wrong password never
        # reaches the token endpoint, and a token is never tried as a password.
        return f"""auth_mechanisms = plain login xoauth2 oauthbearer

{passwd_file}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {self.oauth2_conf_path}
}}"""

    def _oauth2_config(self) -> str:
        # Dovecot 2.3 (Debian 12): introspection_mode = post sends "token=…" as
        # a form; the answer must say active = true and name the login user.
        return f"""# Generated by tests/servers/dovecot.py: tokens checked by the test provider.
introspection_url = {self.oauth2_introspection_url}
introspection_mode = post
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
timeout_msecs = 5000
"""

    def _launch(self, timeout: float) -> None:
        if self.running:
            raise DovecotError("already running")
        with self._stdout_path.open("ab") as out:
            # A new session so that stop() can signal the whole process tree.
            self._proc = subprocess.Popen(
                [str(self.binary), "-F", "-c", str(self.conf_path)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        """Wait until both listeners greet: the master opens the sockets
        before imap-login and auth are up, so a successful connect alone
        doesn't mean logins will work."""
        deadline = time.monotonic() + timeout
        context = self.ssl_context()
        last_error: Exception | None = None
        for port, tls in ((self.port, False), (self.tls_port, True)):
            while True:
                proc = self._proc
                if proc is None or proc.poll() is not None:
                    code = None if proc is None else proc.returncode
                    raise DovecotError(f"dovecot exited with {code} during startup\n{self._tail()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DovecotError(
                        f"dovecot not ready on port {port} after {timeout} s "
                        f"({last_error})\n{self._tail()}"
                    )
                try:
                    greeting = _read_greeting(
                        self.host, port, context if tls else None, min(remaining, 2.0)
                    )
                except OSError as exc:
                    last_error = exc
                    time.sleep(0.01)
                    continue
                if not greeting.startswith(b"* OK"):
                    raise DovecotError(f"unexpected greeting {greeting!r}\n{self._tail()}")
                break

    def _tail(self, lines: int = 30) -> str:
        parts = []
        for path in (self._stdout_path, self.log_path, self.info_log_path):
            text = _read(path)
            if text:
                tail = "\n".join(text.splitlines()[-lines:])
                parts.append(f"--- {path.name} ---\n{tail}")
        return "\n".join(parts) or "(no dovecot output)"

    def _fresh_user_name(self) -> str:
        while True:
            name = f"user{next(self._user_numbers):04d}"
            if not (self.passwd_dir / name).exists():
                return name

    def _reset_inbox(self, user: str) -> None:
        # No process may hold INBOX's index open while its files vanish, or it
        # would keep serving (and rewriting) the old state. Exit code 68 is
        # "no users kicked".
        self.doveadm("kick", user, ok_codes=(0, 68))
        self._wait_sessions_gone(user)
        maildir = self.mail_dir / user / "Maildir"
        inbox = maildir / "INBOX"
        # INBOX's children live in subdirectories of INBOX/; keep them.
        for sub in ("cur", "new", "tmp"):
            directory = inbox / sub
            if directory.is_dir():
                for message in directory.iterdir():
                    message.unlink()
        doomed = [p for p in inbox.glob("dovecot*") if p.is_file()]
        # The mailbox list index caches each folder's UIDVALIDITY; it is
        # rebuilt from the folders on next access.
        doomed += [p for p in maildir.glob("dovecot.list.index*") if p.is_file()]
        for path in doomed:
            path.unlink()

    def _wait_sessions_gone(self, user: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        # Output is a header line plus one line per user with sessions.
        while any(line.split()[:1] == [user] for line in self.doveadm("who", user).splitlines()):
            if time.monotonic() >= deadline:
                raise DovecotError(f"sessions of {user} still alive after kick")
            time.sleep(0.01)


def _read_greeting(host: str, port: int, context: ssl.SSLContext | None, timeout: float) -> bytes:
    with socket.create_connection((host, port), timeout=timeout) as raw:
        sock: socket.socket = (
            context.wrap_socket(raw, server_hostname=host) if context is not None else raw
        )
        with sock:
            data = b""
            while b"\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    raise ConnectionError(f"connection closed before greeting: {data!r}")
                data += chunk
            return data.split(b"\n", 1)[0]


def _chunks(messages: Iterator[bytes]) -> Iterator[list[bytes]]:
    chunk: list[bytes] = []
    size = 0
    for message in messages:
        chunk.append(message)
        size += len(message)
        if len(chunk) >= _APPEND_CHUNK_MESSAGES or size >= _APPEND_CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _appended_uids(response: bytes) -> list[int]:
    match = _APPENDUID_RE.search(response)
    if match is None:
        return []
    uids: list[int] = []
    for part in match.group(2).split(b","):
        first, _, last = part.partition(b":")
        uids.extend(range(int(first), int(last or first) + 1))
    return uids


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


__all__ = [
    "DOVEADM_BINARY",
    "DOVECOT_BINARY",
    "Dovecot",
    "DovecotError",
    "ImapAccount",
]
