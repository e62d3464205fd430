"""A real SMTP server (aiosmtpd) in-process on loopback, for the outbox's integration tests.

    with SmtpServer.started(tmp_path) as server:
        ...  # send to server.port (STARTTLS) or server.tls_port (implicit TLS)
        server.wait_for(1)
        server.received[0].message()["Message-ID"]

Both listeners require AUTH (PLAIN/LOGIN) as `server.user` / `server.password`, and only
over TLS. The certificate is self-signed for localhost and 127.0.0.1 and is its own CA:
trust `ca_file`. `reject(code)` makes the server refuse the DATA of every message, or with
`recipient=` refuse one recipient at RCPT. `stop()` closes the ports (clients then get
"connection refused") and `start()` opens them again on the same ports.

`xoauth2=check` also offers AUTH XOAUTH2 (Gmail's and Microsoft 365's way): `check(user,
token)` says whether the bearer token is good for the user (tests/servers/oauth.py's
provider). A refused token gets Google's error challenge, then 535, as from the real thing.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.servers.net import LOOPBACK, LoopbackServer, free_ports
from tests.servers.tls import make_certificate

# aiosmtpd logs every envelope address at INFO and a deprecation of its own at WARNING.
_AIOSMTPD_LOG_LEVEL = logging.ERROR
_REPLIES = {
    451: "451 4.3.0 Coba lagi nanti",
    452: "452 4.2.2 Mailbox full",
    421: "421 4.3.2 Shutting down",
    550: "550 5.1.1 Mailbox unavailable",
    552: "552 5.3.4 Message too big",
    554: "554 5.6.0 Transaction failed",
}


class SmtpServerError(RuntimeError):
    """The test server could not be started."""


@dataclass(frozen=True)
class Received:
    """One accepted message: the envelope and the bytes as they came."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    at: float = field(default_factory=time.time)  # when the server accepted it

    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.content)
        assert isinstance(parsed, EmailMessage)
        return parsed


class _Handler:
    """aiosmtpd's hooks, answering as the owning `SmtpServer` says."""

    def __init__(self, owner: SmtpServer) -> None:
        self.owner = owner

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        code = self.owner.rejection(address)
        if code is not None:
            return _REPLIES.get(code, f"{code} Refused")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        code = self.owner.rejection(None)
        if code is not None:
            return _REPLIES.get(code, f"{code} Refused")
        assert envelope.original_content is not None
        self.owner.record(
            Received(
                mail_from=str(envelope.mail_from),
                rcpt_tos=tuple(envelope.rcpt_tos),
                content=bytes(envelope.original_content),
            )
        )
        return "250 2.0.0 OK"


class _XOAuth2Handler(_Handler):
    """`_Handler` plus AUTH XOAUTH2, the token checked by the owner's `xoauth2`."""

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        if len(args) == 1:
            blob = await server.challenge_auth("")
            if blob is MISSING:
                return AuthResult(success=False, handled=True)
        else:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except binascii.Error:
                return AuthResult(success=False, handled=False, message="501 5.5.2 Bad base64")
        assert isinstance(blob, bytes)
        fields = dict(part.split("=", 1) for part in blob.decode().split("\x01") if "=" in part)
        user = fields.get("user", "")
        token = fields.get("auth", "").removeprefix("Bearer ")
        check = self.owner.xoauth2
        if check is not None and check(user, token):
            return AuthResult(success=True, auth_data=user)
        # Google's answer to a bad token: a JSON error challenge; the client sends an empty
        # line, and then the server says 535.
        error = {"status": "401", "schemes": "bearer", "scope": "https://mail.google.com/"}
        await server.challenge_auth(json.dumps(error))
        return AuthResult(success=False, handled=False)


class SmtpServer(LoopbackServer):
    """aiosmtpd listening on 127.0.0.1: `port` with STARTTLS, `tls_port` with implicit TLS."""

    host = LOOPBACK

    def __init__(
        self,
        root: Path,
        *,
        user: str = "pengaduan",
        password: str = "rahasia-uji",
        cert_file: Path | None = None,
        key_file: Path | None = None,
        xoauth2: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.root = root
        self.user = user
        self.password = password
        self.xoauth2 = xoauth2
        self.port, self.tls_port = free_ports(2)
        if cert_file is None or key_file is None:
            cert_file, key_file = root / "smtp-cert.pem", root / "smtp-key.pem"
            make_certificate(cert_file, key_file)
        self.ca_file = cert_file
        self._tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._tls.load_cert_chain(cert_file, key_file)
        self._received: list[Received] = []
        self._rejections: dict[str | None, int] = {}
        self._changed = threading.Condition()
        self._controllers: list[Controller] = []

    @classmethod
    def started(cls, root: Path, **kwargs: Any) -> SmtpServer:
        """A server with its files under `root`, listening."""
        server = cls(root, **kwargs)
        server.start()
        return server

    def config(self, sender: str = "Pengaduan <pengaduan@puskesmas.example>") -> str:
        """The `[smtp]` section of an aduan.toml that sends here (STARTTLS and login)."""
        return "\n".join(
            [
                "[smtp]",
                f'host = "{self.host}"',
                f"port = {self.port}",
                'security = "starttls"',
                f'username = "{self.user}"',
                f'password = "{self.password}"',
                f'ca_file = "{self.ca_file}"',
                f'from = "{sender}"',
            ]
        )

    # -- lifecycle ---------------------------------------------------------

    @property
    def running(self) -> bool:
        return bool(self._controllers)

    def start(self) -> None:
        """Listen on both ports (again). A stopped aiosmtpd loop cannot restart: new ones."""
        if self._controllers:
            return
        logging.getLogger("mail.log").setLevel(_AIOSMTPD_LOG_LEVEL)
        common: dict[str, Any] = {
            "hostname": self.host,
            "server_hostname": "localhost",
            "authenticator": self._authenticate,
            "ready_timeout": 10.0,
        }
        handler = _Handler if self.xoauth2 is None else _XOAuth2Handler
        starttls = Controller(
            handler(self),
            port=self.port,
            tls_context=self._tls,
            require_starttls=True,
            auth_required=True,
            auth_require_tls=True,
            **common,
        )
        # aiosmtpd counts only STARTTLS as TLS for auth_require_tls, so on this port, TLS
        # from the first byte, requiring it would hide AUTH; and it warns about requiring
        # AUTH without requiring TLS. AUTH is offered and checked here, not required.
        implicit = Controller(
            handler(self),
            port=self.tls_port,
            ssl_context=self._tls,
            auth_require_tls=False,
            **common,
        )
        for controller in (starttls, implicit):
            try:
                controller.start()
            except Exception as exc:
                self.stop()
                raise SmtpServerError(f"aiosmtpd did not start: {exc}") from exc
            self._controllers.append(controller)

    def stop(self) -> None:
        """Close both ports. Idempotent."""
        controllers, self._controllers = self._controllers, []
        for controller in controllers:
            controller.stop()

    # -- behaviour ---------------------------------------------------------

    def reject(self, code: int, recipient: str | None = None) -> None:
        """Answer `code` at RCPT for `recipient`, or at DATA for every message if None."""
        with self._changed:
            self._rejections[recipient.lower() if recipient else None] = code

    def accept_all(self) -> None:
        with self._changed:
            self._rejections.clear()

    def rejection(self, recipient: str | None) -> int | None:
        with self._changed:
            return self._rejections.get(recipient.lower() if recipient else None)

    # -- what arrived ------------------------------------------------------

    def record(self, received: Received) -> None:
        with self._changed:
            self._received.append(received)
            self._changed.notify_all()

    @property
    def received(self) -> list[Received]:
        with self._changed:
            return list(self._received)

    def message_ids(self) -> list[str]:
        return [str(r.message()["Message-ID"]) for r in self.received]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until at least `count` messages have arrived, or fail."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self._received)} of {count} messages arrived")
                self._changed.wait(remaining)
            return list(self._received)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == self.user.encode()
            and data.password == self.password.encode()
        )
        # handled=False: aiosmtpd then answers 535 itself instead of staying silent.
        return AuthResult(success=ok, handled=False)


__all__ = ["Received", "SmtpServer", "SmtpServerError", "make_certificate"]
