"""The complaint mailbox over IMAP.

Position is UIDVALIDITY + last UID, but position alone never decides that a message is old
(FINDINGS: servers that reset UIDs lost mail in comparable systems): with a `done_folder`
everything still in the folder is looked at, without one every UNSEEN message is too, and the
register's dedupe key decides. Handled mail is moved (or flagged) only after its commit.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.imapclient import SEEN, SocketTimeout

from aduan.daemon.config import Mailbox
from aduan.daemon.errors import (
    AccessDenied,
    SourceUnavailable,
    Trouble,
    describe_certificate_error,
    describe_network_error,
)
from aduan.daemon.intake import Intake, ParsingBatch, Position, RawItem
from aduan.daemon.sources import PollReport, StopRequested

if TYPE_CHECKING:
    from aduan.daemon.oauth import TokenSource

log = logging.getLogger(__name__)

# One FETCH brings at most this many bytes of message bodies into memory; two batches are
# in hand at a time (one parsing, one recording).
FETCH_BYTES = 8 * 1024 * 1024
# Message sizes are asked for this many UIDs at a time.
SIZE_SLICE = 500
# RFC 2177: servers may drop an IDLE after 30 minutes; renew it well before.
IDLE_RENEW_SECONDS = 25 * 60
IDLE_CHECK_SECONDS = 1.0  # how often an IDLE wait looks at the stop flag
RECONNECT_MAX_SECONDS = 300.0
_TEMPORARY = "[UNAVAILABLE]"  # the response code of a login the server cannot check now


def connect(cfg: Mailbox, tokens: TokenSource | None = None) -> IMAPClient:
    """The one seam to the IMAP server: TLS as configured, timeouts, login; typed errors.

    With `tokens` (auth = "oauth2") the login is XOAUTH2 with a fresh access token; when the
    server refuses it, the token is refreshed and the login tried once more on a new
    connection (the token may have died early: revoked, or the clocks disagree).
    """
    where = f"IMAP {cfg.host}:{cfg.port}"
    if tokens is None:
        password = cfg.secret()
        try:
            return _open(cfg, lambda client: client.login(cfg.username, password))
        except _Refused as exc:
            raise AccessDenied(
                f"{where}: login as {cfg.username} refused; check the password "
                "(password_file; for Gmail an app password) and that IMAP is enabled for "
                "the account",
                Trouble.LOGIN,
            ) from exc
    token = _token(tokens, where)
    try:
        return _open(cfg, lambda client: client.oauth2_login(cfg.username, token))
    except _Refused:
        log.info("IMAP: OAuth2 token refused; refreshing it and trying once more")
    token = _token(tokens, where, rejected=token)
    try:
        return _open(cfg, lambda client: client.oauth2_login(cfg.username, token))
    except _Refused as exc:
        raise AccessDenied(
            f"{where}: the OAuth2 login as {cfg.username} was refused even with a fresh token; "
            "check that IMAP is enabled for the account and that the app has the mail "
            f"permission, or run `{tokens.command}` again",
            Trouble.LOGIN,
        ) from exc


class _Refused(Exception):
    """The server said no to the login itself (wrong password, dead token)."""


def _token(tokens: TokenSource, where: str, rejected: str | None = None) -> str:
    try:
        return tokens.access_token(rejected=rejected)
    except AccessDenied as exc:
        raise AccessDenied(f"{where}: {exc}", exc.trouble) from exc
    except SourceUnavailable as exc:
        raise SourceUnavailable(f"{where}: {exc}") from exc


def _open(cfg: Mailbox, login: Callable[[IMAPClient], object]) -> IMAPClient:
    where = f"{cfg.host}:{cfg.port}"
    context = ssl.create_default_context(cafile=str(cfg.ca_file) if cfg.ca_file else None)
    timeout = SocketTimeout(connect=cfg.timeout_seconds, read=cfg.timeout_seconds)
    try:
        client = IMAPClient(
            cfg.host, port=cfg.port, ssl=cfg.security == "tls", ssl_context=context, timeout=timeout
        )
    except ssl.SSLCertVerificationError as exc:
        raise _certificate(where, exc) from exc
    except (OSError, IMAPClientError) as exc:
        raise SourceUnavailable(f"IMAP {where} unreachable: {_describe(exc)}") from exc
    try:
        if cfg.security == "starttls":
            client.starttls(context)
        login(client)
    except LoginError as exc:
        _shutdown_quietly(client)
        if _TEMPORARY in str(exc).upper():  # RFC 5530: the server's trouble, not our login
            raise SourceUnavailable(f"IMAP {where}: login failed for now ({exc})") from exc
        raise _Refused() from exc
    except ssl.SSLCertVerificationError as exc:
        _shutdown_quietly(client)
        raise _certificate(where, exc) from exc
    except (OSError, IMAPClientError) as exc:
        _shutdown_quietly(client)
        raise SourceUnavailable(f"IMAP {where} unreachable: {_describe(exc)}") from exc
    # Aware INTERNALDATEs: the deadlines start from when the server received the mail.
    client.normalise_times = False
    return client


def _certificate(where: str, exc: ssl.SSLCertVerificationError) -> AccessDenied:
    return AccessDenied(
        f"IMAP {where}: {describe_certificate_error(exc, 'mailbox')}", Trouble.CERTIFICATE
    )


def watch(
    cfg: Mailbox,
    arrived: Callable[[], None],
    stop: threading.Event,
    tokens: TokenSource | None = None,
) -> None:
    """Hold an IMAP IDLE on the folder and call `arrived` when mail comes, until `stop`.

    Polling goes on regardless; this only makes intake react in seconds. Reconnects with
    backoff; returns for good when the server does not offer IDLE.
    """
    backoff = 1.0
    while not stop.is_set():
        try:
            client = connect(cfg, tokens)
        except SourceUnavailable as exc:
            if isinstance(exc, AccessDenied):
                # A person must act first; polling reports it, and finds the fix in time.
                backoff = RECONNECT_MAX_SECONDS
            log.warning("IMAP IDLE: %s; retrying in %.0f s", exc, backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, RECONNECT_MAX_SECONDS)
            continue
        try:
            if not client.has_capability("IDLE"):
                log.info("IMAP server offers no IDLE; polling only")
                return
            client.select_folder(cfg.folder, readonly=True)
            backoff = 1.0
            arrived()  # whatever came while we were not watching
            while not stop.is_set():
                if _idle_once(client, stop):
                    arrived()
        except (OSError, IMAPClientError) as exc:
            log.warning("IMAP IDLE dropped (%s); reconnecting in %.0f s", _describe(exc), backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, RECONNECT_MAX_SECONDS)
        finally:
            _logout_quietly(client)


def _idle_once(client: IMAPClient, stop: threading.Event) -> bool:
    """One IDLE, ended by new mail, the renewal time or `stop`; True when mail came."""
    client.idle()
    renew_at = time.monotonic() + IDLE_RENEW_SECONDS
    came = False
    try:
        while not came and not stop.is_set() and time.monotonic() < renew_at:
            for response in client.idle_check(timeout=IDLE_CHECK_SECONDS):
                if len(response) > 1 and response[1] in (b"EXISTS", b"RECENT"):
                    came = True
    finally:
        client.idle_done()
    return came


def _describe(exc: BaseException) -> str:
    return describe_network_error(exc, "mailbox") or f"{type(exc).__name__}: {exc}"


class ImapSource:
    def __init__(self, cfg: Mailbox, tokens: TokenSource | None = None) -> None:
        self.cfg = cfg
        self.tokens = tokens
        self.name = f"imap:{cfg.folder}"

    def poll(self, intake: Intake, stop: StopRequested) -> PollReport:
        client = connect(self.cfg, self.tokens)
        try:
            return self._poll(client, intake, stop)
        except (OSError, IMAPClientError) as exc:
            raise SourceUnavailable(
                f"IMAP {self.cfg.host}:{self.cfg.port} failed during the poll: {_describe(exc)}"
            ) from exc
        finally:
            _logout_quietly(client)

    def _poll(self, client: IMAPClient, intake: Intake, stop: StopRequested) -> PollReport:
        report = PollReport(self.name)
        self._ensure_done_folder(client)
        selected = self._select(client)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        uids = self._candidates(client, intake, uidvalidity)
        taken = 0
        # A pipeline one batch deep: the workers parse batch N+1 while this process records
        # batch N. Batch N is marked only after its commit, as always.
        in_flight: ParsingBatch | None = None
        for batch in self._batches(client, uids):
            if stop():
                break
            parsing = self._fetch(client, intake, uidvalidity, batch)
            if in_flight is not None:
                self._finish(client, intake, in_flight, report)
            in_flight = parsing
            taken += len(batch)
        if in_flight is not None:
            self._finish(client, intake, in_flight, report)
        report.pending = len(uids) - taken
        return report

    def _ensure_done_folder(self, client: IMAPClient) -> None:
        target = self.cfg.done_folder
        if not target or client.folder_exists(target):
            return
        try:
            client.create_folder(target)
        except IMAPClientError as exc:
            raise AccessDenied(
                f"IMAP {self.cfg.host}:{self.cfg.port}: done_folder {target!r} is missing and "
                f"cannot be created ({_describe(exc)}); create it in the mail program or fix "
                "[mailbox] done_folder",
                Trouble.FOLDER,
            ) from exc

    def _select(self, client: IMAPClient) -> dict[bytes, Any]:
        try:
            selected: dict[bytes, Any] = client.select_folder(self.cfg.folder)
        except IMAPClientError as exc:
            if client.folder_exists(self.cfg.folder):
                raise
            raise AccessDenied(
                f"IMAP {self.cfg.host}:{self.cfg.port}: folder {self.cfg.folder!r} does not "
                "exist on the server; fix [mailbox] folder",
                Trouble.FOLDER,
            ) from exc
        return selected

    def _batches(self, client: IMAPClient, uids: list[int]) -> Iterator[list[int]]:
        """`uids` in batches bounded by count and by bytes."""
        # Sizes a slice at a time: one FETCH answer for a whole big mailbox costs more memory
        # than the mail itself.
        for first in range(0, len(uids), SIZE_SLICE):
            chunk = uids[first : first + SIZE_SLICE]
            fetched = client.fetch(chunk, ["RFC822.SIZE"])
            # A UID missing here was expunged meanwhile; the body FETCH will skip it too.
            sizes = {uid: int(data[b"RFC822.SIZE"]) for uid, data in fetched.items()}
            yield from _batches(chunk, sizes, self.cfg.batch_size)

    def _candidates(self, client: IMAPClient, intake: Intake, uidvalidity: int) -> list[int]:
        if self.cfg.done_folder:
            return sorted(client.search(["NOT", "DELETED"]))
        last = intake.last_position(self.name)
        if last is None or last.uidvalidity != uidvalidity:
            return sorted(client.search(["NOT", "DELETED"]))
        # "n:*" always includes the highest UID even when it is below n: filter it out.
        after = [u for u in client.search(["UID", f"{last.uid + 1}:*"]) if u > last.uid]
        return sorted(set(after) | set(client.search(["UNSEEN", "NOT", "DELETED"])))

    def _fetch(
        self, client: IMAPClient, intake: Intake, uidvalidity: int, batch: list[int]
    ) -> ParsingBatch:
        fetched = client.fetch(batch, ["BODY.PEEK[]", "INTERNALDATE"])
        # A UID missing from the answer was expunged by someone else meanwhile.
        items = [
            RawItem(
                source=self.name,
                ref=f"UID {uid}",
                data=bytes(fetched[uid][b"BODY[]"]),
                received_at=_aware(fetched[uid].get(b"INTERNALDATE"), intake),
                position=Position(uidvalidity, uid),
            )
            for uid in batch
            if uid in fetched
        ]
        return intake.parse_mails(items, max_bytes=self.cfg.max_message_bytes)

    def _finish(
        self, client: IMAPClient, intake: Intake, batch: ParsingBatch, report: PollReport
    ) -> None:
        for result in intake.record_mails(batch):
            report.add(result)
        positions = (item.position for item in batch.items)
        self._mark_done(client, [pos.uid for pos in positions if pos is not None])

    def _mark_done(self, client: IMAPClient, uids: list[int]) -> None:
        if not uids:
            return
        target = self.cfg.done_folder
        if target is None:
            client.add_flags(uids, [SEEN], silent=True)
        elif client.has_capability("MOVE"):
            client.move(uids, target)
        else:
            client.copy(uids, target)
            client.delete_messages(uids, silent=True)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(uids)
            else:
                client.expunge()


def _batches(uids: list[int], sizes: dict[int, int], most: int) -> Iterator[list[int]]:
    batch: list[int] = []
    total = 0
    for uid in uids:
        if batch and (len(batch) >= most or total + sizes.get(uid, 0) > FETCH_BYTES):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += sizes.get(uid, 0)
    if batch:
        yield batch


def _aware(value: object, intake: Intake) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    now: datetime = intake.clock()
    return now


def _shutdown_quietly(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except (OSError, IMAPClientError):
        log.debug("IMAP shutdown failed; the connection is dropped anyway")


def _logout_quietly(client: IMAPClient) -> None:
    try:
        client.logout()
    except (OSError, IMAPClientError):
        log.debug("IMAP logout failed; the connection is dropped anyway")
