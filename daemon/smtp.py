"""The SMTP server: one `connect()` seam with timeouts and typed errors, and one way to send.

Replies are sorted by who can act on them: a 4xx is tried again later, a 5xx on a recipient
or on the data fails that message, and whatever stops every message (unreachable, TLS, the
login, our sender address, a dropped connection) is `SmtpUnavailable`, which leaves the
queue waiting for the next run.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from typing import TYPE_CHECKING, Literal

from aduan.daemon.config import Smtp
from aduan.daemon.errors import (
    AccessDenied,
    ConfigError,
    SourceUnavailable,
    Trouble,
    describe_certificate_error,
    describe_network_error,
)

if TYPE_CHECKING:
    from aduan.daemon.oauth import TokenSource

log = logging.getLogger(__name__)

# Server replies often quote the address they refuse; last_error and logs must not keep it.
_ADDRESS = re.compile(r"[^\s<>\"'(),;:\[\]]+@[^\s<>\"'(),;:\[\]]+")
_DETAIL_CHARS = 300
# 421 means the server is closing the channel: smtplib drops the connection with it.
_CLOSING = 421
# 552 on MAIL FROM is the SIZE extension refusing this message, not our sender address.
_TOO_BIG = 552
_HEADERS = HeaderRegistry()


class SmtpUnavailable(SourceUnavailable):
    """Outgoing mail cannot be handed over now (SMTP server or outbox_dir); rows wait."""


class SmtpAccessDenied(SmtpUnavailable, AccessDenied):
    """The SMTP server refused us (login, token, certificate) until a person fixes it."""


@dataclass(frozen=True)
class Attempt:
    """What became of one message: `detail` is safe to store (addresses masked)."""

    outcome: Literal["sent", "retry", "failed"]
    detail: str | None = None
    code: int | None = None  # the SMTP reply code that decided it, for the log line


def mask_addresses(text: str) -> str:
    """`text` on one line, clipped, with every mail address replaced by <…>."""
    one_line = " ".join(text.split())
    return _ADDRESS.sub("<…>", one_line)[:_DETAIL_CHARS]


def parse_address(value: str) -> Address:
    """Exactly one mailbox from `value` ("Name <a@b>" or "a@b"), or ValueError.

    The header parser, not `email.utils.parseaddr`: parseaddr quietly picks *some* address
    out of text like "Siti Bcc: x@example.com <siti@example.org>".
    """
    header = _HEADERS("To", value)
    assert isinstance(header, AddressHeader)
    groups = header.groups
    if (
        header.defects
        or len(groups) != 1
        or groups[0].display_name is not None
        or len(header.addresses) != 1
        or "@" not in header.addresses[0].addr_spec
    ):
        raise ValueError("not exactly one mail address")
    address: Address = header.addresses[0]
    return address


def envelope_sender(cfg: Smtp) -> str:
    try:
        return parse_address(cfg.from_).addr_spec
    except ValueError as exc:
        raise ConfigError(
            '[smtp] from is not one mail address (e.g. "Pengaduan <pengaduan@example.org>")'
        ) from exc


def connect(cfg: Smtp, tokens: TokenSource | None = None) -> smtplib.SMTP:
    """The one seam to the SMTP server: TLS as configured, timeouts, login; typed errors.

    With `tokens` (auth = "oauth2") the login is AUTH XOAUTH2 with a fresh access token,
    tried once more after a forced refresh when the server answers 535.
    (`security = "none"` off loopback is refused by the config already.)
    """
    if cfg.host is None:
        raise ConfigError("[smtp] has no host: outgoing mail goes to outbox_dir instead")
    timeout = cfg.timeout_seconds
    where = f"SMTP {cfg.host}:{cfg.port}"
    password = cfg.secret() if cfg.username and tokens is None else ""
    context = ssl.create_default_context(cafile=str(cfg.ca_file) if cfg.ca_file else None)
    try:
        client = (
            smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=timeout, context=context)
            if cfg.security == "tls"
            else smtplib.SMTP(cfg.host, cfg.port, timeout=timeout)
        )
    except (OSError, smtplib.SMTPException) as exc:
        raise _unavailable(where, exc) from exc
    try:
        if cfg.security == "starttls":
            client.starttls(context=context)
        if tokens is not None:
            _xoauth2_login(client, str(cfg.username), tokens, where)
        elif cfg.username:
            client.login(cfg.username, password)
    except SourceUnavailable:
        close_quietly(client)
        raise
    except (OSError, smtplib.SMTPException) as exc:
        close_quietly(client)
        raise _unavailable(where, exc) from exc
    return client


def _unavailable(where: str, exc: BaseException) -> SmtpUnavailable:
    message = f"{where}: {describe(exc)}"
    if isinstance(exc, smtplib.SMTPAuthenticationError) and exc.smtp_code >= 500:
        return SmtpAccessDenied(message, Trouble.LOGIN)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SmtpAccessDenied(message, Trouble.CERTIFICATE)
    return SmtpUnavailable(message)


def _xoauth2_login(client: smtplib.SMTP, user: str, tokens: TokenSource, where: str) -> None:
    client.ehlo_or_helo_if_needed()
    offered = client.esmtp_features.get("auth", "").upper().split()
    if "XOAUTH2" not in offered:
        raise SmtpAccessDenied(
            f"{where}: the server offers no XOAUTH2 sign-in (AUTH {' '.join(offered) or '-'}); "
            "check [smtp] host, port and security",
            Trouble.LOGIN,
        )
    token = _token(tokens, where)
    try:
        client.auth("XOAUTH2", _xoauth2(user, token), initial_response_ok=True)
        return
    except smtplib.SMTPAuthenticationError as exc:
        if exc.smtp_code < 500:
            raise  # 454: the server cannot check tokens now; the outbox retries later
        log.info("SMTP: OAuth2 token refused; refreshing it and trying once more")
    token = _token(tokens, where, rejected=token)
    try:
        client.auth("XOAUTH2", _xoauth2(user, token), initial_response_ok=True)
    except smtplib.SMTPAuthenticationError as exc:
        if exc.smtp_code < 500:
            raise
        raise SmtpAccessDenied(
            f"{where}: the OAuth2 login as {user} was refused even with a fresh token "
            f"({exc.smtp_code}); check that the account may send with SMTP AUTH (Microsoft "
            "365: Authenticated SMTP) and that the app has the send permission, or run "
            f"`{tokens.command}` again",
            Trouble.LOGIN,
        ) from exc


def _xoauth2(user: str, token: str) -> smtplib._AuthObject:
    """smtplib's answer function for AUTH XOAUTH2: the initial response; an empty line to
    the server's error challenge, after which it says 535 and `auth` raises."""

    def answer(challenge: bytes | None = None) -> str:
        if challenge is None:
            return f"user={user}\x01auth=Bearer {token}\x01\x01"
        return ""

    return answer


def _token(tokens: TokenSource, where: str, rejected: str | None = None) -> str:
    try:
        return tokens.access_token(rejected=rejected)
    except AccessDenied as exc:
        raise SmtpAccessDenied(f"{where}: {exc}", exc.trouble) from exc
    except SourceUnavailable as exc:
        raise SmtpUnavailable(f"{where}: {exc}") from exc


def describe(exc: BaseException) -> str:
    """A one-line reason with the next step, without addresses."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"login refused ({exc.smtp_code}); check [smtp] username and password_file, "
            "and that the account may send mail"
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return describe_certificate_error(exc, "smtp")
    if isinstance(exc, ssl.SSLError):
        return (
            f"TLS handshake failed ({exc.reason}); check [smtp] security and port "
            "(tls is usually 465, starttls 587)"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return (
            f"{mask_addresses(str(exc))}; check [smtp] security "
            "(the server may offer STARTTLS or AUTH only on another port)"
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"server answered {exc.smtp_code} {_text(exc.smtp_error)}"
    if (network := describe_network_error(exc, "smtp")) is not None:
        return network
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"connection closed by the server ({mask_addresses(str(exc))})"
    return f"{type(exc).__name__}: {mask_addresses(str(exc))}"


class SmtpTransport:
    """One SMTP connection for a whole delivery run."""

    def __init__(self, cfg: Smtp, tokens: TokenSource | None = None) -> None:
        self._where = f"SMTP {cfg.host}:{cfg.port}"
        self._sender = envelope_sender(cfg)
        self._client = connect(cfg, tokens)

    def send(self, message_id: str, recipients: Sequence[str], raw: bytes) -> Attempt:
        try:
            refused = self._client.sendmail(self._sender, list(recipients), raw)
        except smtplib.SMTPRecipientsRefused as exc:
            return self._all_refused(recipients, exc.recipients)
        except smtplib.SMTPSenderRefused as exc:
            return self._sender_refused(exc)
        except smtplib.SMTPDataError as exc:
            return self._by_code(exc.smtp_code, "DATA", exc.smtp_error)
        except smtplib.SMTPResponseException as exc:
            return self._by_code(exc.smtp_code, "reply", exc.smtp_error)
        except UnicodeEncodeError:
            # smtplib speaks ASCII on the envelope; SMTPUTF8 is not negotiated.
            return Attempt("failed", "non-ASCII mail address (SMTPUTF8 not supported)")
        except (OSError, smtplib.SMTPException) as exc:
            raise SmtpUnavailable(f"{self._where} failed while sending: {describe(exc)}") from exc
        if not refused:
            return Attempt("sent")
        # Some recipients took it: the message counts as sent. Retrying the whole message
        # would send it twice to everyone who accepted, so a recipient that answered 4xx
        # is not tried again; last_error names it by position in `recipients`.
        return Attempt("sent", f"delivered, but {_refusals(recipients, refused)}")

    def close(self) -> None:
        close_quietly(self._client)

    def _all_refused(
        self, recipients: Sequence[str], refusals: Mapping[str, tuple[int, bytes]]
    ) -> Attempt:
        codes = [code for code, _ in refusals.values()]
        if _CLOSING in codes:
            raise SmtpUnavailable(f"{self._where} closed the connection ({_CLOSING})")
        detail = _refusals(recipients, refusals)
        temporary = [code for code in codes if 400 <= code < 500]
        if temporary:
            return Attempt("retry", detail, temporary[0])
        return Attempt("failed", detail, codes[0] if codes else None)

    def _sender_refused(self, exc: smtplib.SMTPSenderRefused) -> Attempt:
        if exc.smtp_code == _TOO_BIG or 400 <= exc.smtp_code < 500:
            return self._by_code(exc.smtp_code, "MAIL FROM", exc.smtp_error)
        # Any other refusal of our own address would fail every message alike: that is
        # the configuration, not this message, so the queue waits for a person to fix it.
        raise SmtpUnavailable(
            f"{self._where} refused the sender address ({exc.smtp_code} "
            f"{_text(exc.smtp_error)}); check [smtp] from and that the account may send as it"
        )

    def _by_code(self, code: int, stage: str, text: bytes | str) -> Attempt:
        if code == _CLOSING:
            raise SmtpUnavailable(f"{self._where} closed the connection ({code})")
        detail = f"{stage}: {code} {_text(text)}"
        return Attempt("retry" if 400 <= code < 500 else "failed", detail, code)


def _refusals(recipients: Sequence[str], refusals: Mapping[str, tuple[int, bytes]]) -> str:
    positions = {address: n for n, address in enumerate(recipients, start=1)}
    parts = [
        f"#{positions.get(address, 0)} {code} {_text(text)}"
        for address, (code, text) in refusals.items()
    ]
    return mask_addresses(
        f"{len(refusals)} of {len(recipients)} recipients refused: " + "; ".join(parts)
    )


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return mask_addresses(text)


def close_quietly(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        log.debug("SMTP QUIT failed; the connection is dropped anyway")
        client.close()
