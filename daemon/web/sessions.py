"""Logins of the console: the cookie secret, server-side sessions, rate limits, client address.

The session cookie carries a random token; the database keeps its sha256 with the account
and the session's CSRF token. Logging out, a new password or a disabled account deletes the
row, so a copied cookie stops working at once. A session ends after IDLE without a request,
and after LIFETIME in any case.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from aduan.daemon.errors import ConfigError
from aduan.daemon.web.accounts import Staff
from aduan.models.db import transaction
from aduan.models.tables import StaffSession, StaffUser

IDLE = timedelta(hours=2)
LIFETIME = timedelta(hours=12)  # a long working day; then log in again
TOUCH = timedelta(minutes=1)  # last_seen_at is written at most this often
SECRET_BYTES = 32


def load_secret(path: Path) -> bytes:
    """The key that signs the console's cookies; made (random, mode 0600) on first use."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(SECRET_BYTES) + "\n")
        secret = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not text"
        raise ConfigError(
            f"[web] secret_file {path} cannot be read or made ({reason}); "
            "check the path and its permissions"
        ) from exc
    if len(secret) < 32:
        raise ConfigError(f"[web] secret_file {path} holds under 32 characters; delete it")
    return secret.encode("ascii")


@dataclass(frozen=True)
class Login:
    """A live session: who, and the token its forms must carry."""

    staff: Staff
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(engine: Engine, staff: Staff, now: datetime) -> tuple[str, Login]:
    """A new session for `staff`: the cookie's token, and the login."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with transaction(engine) as session:
        # Old sessions of anyone are swept here rather than by a timer.
        session.execute(
            delete(StaffSession).where(
                (col(StaffSession.last_seen_at) < now - IDLE)
                | (col(StaffSession.created_at) < now - LIFETIME)
            )
        )
        session.add(
            StaffSession(
                token_hash=_digest(token),
                user_id=staff.id,
                csrf=csrf,
                created_at=now,
                last_seen_at=now,
            )
        )
    return token, Login(staff, csrf)


def find_session(engine: Engine, token: str | None, now: datetime) -> Login | None:
    """The login the cookie's token belongs to, if it is still valid."""
    if not token or len(token) > 100:
        return None
    digest = _digest(token)
    with Session(engine) as session:
        found = session.exec(
            select(StaffSession, StaffUser)
            .join(StaffUser, col(StaffUser.id) == col(StaffSession.user_id))
            .where(StaffSession.token_hash == digest)
        ).first()
    if found is None:
        return None
    row, user = found
    expired = row.last_seen_at < now - IDLE or row.created_at < now - LIFETIME
    if expired or user.disabled:
        end_session(engine, token)
        return None
    if row.last_seen_at < now - TOUCH:
        with transaction(engine) as session:
            live = session.get(StaffSession, row.id)
            if live is not None:
                live.last_seen_at = now
                session.add(live)
    assert user.id is not None
    return Login(Staff(user.id, user.name, user.role), row.csrf)


def end_session(engine: Engine, token: str | None) -> None:
    if token:
        with transaction(engine) as session:
            session.execute(
                delete(StaffSession).where(col(StaffSession.token_hash) == _digest(token))
            )


class LoginLimiter:
    """At most `limit` failed logins per account name and per client address in `window`;
    past that, the login is refused (429) until the oldest failure leaves the window.

    Kept in memory: a restart forgives, which a person at the counter may need anyway.
    """

    def __init__(
        self,
        limit: int = 5,
        window: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, name: str, address: str) -> int:
        """0 if a login may be tried now, else how many seconds until it may."""
        now = self.clock()
        with self._lock:
            waits = [
                self._wait(key, now) for key in (self._name_key(name), self._address_key(address))
            ]
        return max(waits)

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (self._name_key(name), self._address_key(address)):
                self._failures.setdefault(key, deque()).append(now)
            if len(self._failures) > 10_000:  # a flood of names: forget the oldest half
                for key in list(self._failures)[:5_000]:
                    del self._failures[key]

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(self._name_key(name), None)

    def _wait(self, key: str, now: float) -> int:
        times = self._failures.get(key)
        if times is None:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0
        if len(times) < self.limit:
            return 0
        return max(1, int(times[-self.limit] + self.window - now + 0.999))

    @staticmethod
    def _name_key(name: str) -> str:
        return "name:" + name.strip().lower()[:100]

    @staticmethod
    def _address_key(address: str) -> str:
        return "addr:" + address


def client_address(
    peer: str | None,
    forwarded_for: str | None,
    trusted: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> str:
    """The address of the person's browser: the peer, or — when the peer is a trusted
    reverse proxy — the last address in X-Forwarded-For that is not a trusted proxy."""
    address = peer or "unknown"
    if not forwarded_for or not _trusted(address, trusted):
        return address
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        if not hop:
            continue
        if not _trusted(hop, trusted):
            return hop
        address = hop
    return address


def _trusted(
    address: str, trusted: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)
