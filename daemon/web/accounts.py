"""Console accounts: roles and what each may do, passwords (argon2id), logging in.

`aduan user add/passwd/list/disable/enable` and the console share these functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func
from sqlmodel import Session, col, select

from aduan.daemon.errors import UsageError
from aduan.models.db import transaction
from aduan.models.tables import ROLES, StaffSession, StaffUser

STAF, TIM_MUTU, KEPALA = ROLES
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")

# What each role may do. Every route names one of these; the check is made on the server for
# every request, whatever the page showed.
READ = "lihat"  # the register, entries, images, the dashboard, queues and lists
WORK = "kerjakan"  # register, correct, review, RTL/answer/status, quarantine, box openings
NOTE = "catatan"  # an internal note on an entry
REFER = "rujuk"  # refer to the district health office
CONFIDENTIAL = "rahasia"  # mark an entry confidential or not
REPORTS = "laporan"  # make and download recaps, download boards
BOARD = "papan"  # make the notice board (it publishes answered entries)
SEND = "kirim"  # mail a recap or board to the head and the team
USERS = "pengguna"  # the list of accounts

PERMISSIONS: dict[str, frozenset[str]] = {
    STAF: frozenset({READ, WORK, NOTE}),
    TIM_MUTU: frozenset({READ, WORK, NOTE, REFER, CONFIDENTIAL, REPORTS, BOARD, SEND, USERS}),
    # The head reads everything and makes recaps; the only change is a note.
    KEPALA: frozenset({READ, NOTE, REPORTS}),
}


def may(role: str, action: str) -> bool:
    return action in PERMISSIONS.get(role, frozenset())


@dataclass(frozen=True)
class Staff:
    """The logged-in person, detached from any database session."""

    id: int
    name: str
    role: str

    def may(self, action: str) -> bool:
        return may(self.role, action)


@cache
def hasher() -> PasswordHasher:
    """argon2id with the library's defaults (RFC 9106's second choice: 64 MiB, 3 passes)."""
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    return hasher().hash("aduan: no such account")


def normalise_name(name: str) -> str:
    return name.strip().lower()


def check_name(name: str) -> str:
    value = normalise_name(name)
    if not NAME.fullmatch(value):
        raise UsageError(
            f"name {name!r} is not allowed: 2-32 characters, letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return value


def check_password(password: str, name: str) -> None:
    """Length is what matters (NIST SP 800-63B): at least MIN_PASSWORD characters."""
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is too short: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UsageError(f"the password is too long: at most {MAX_PASSWORD} characters")
    if normalise_name(password) == normalise_name(name):
        raise UsageError("the password must not be the account's name")


def add_user(engine: Engine, name: str, role: str, password: str, now: datetime) -> StaffUser:
    value = check_name(name)
    if role not in ROLES:
        raise UsageError(f"role {role!r} is not known; use one of: {', '.join(ROLES)}")
    check_password(password, value)
    with transaction(engine) as session:
        if _find(session, value) is not None:
            raise UsageError(f"account {value} exists already; `aduan user passwd {value}`")
        user = StaffUser(
            name=value, role=role, password_hash=hasher().hash(password), created_at=now
        )
        session.add(user)
        session.flush()
        return user


def set_password(engine: Engine, name: str, password: str) -> None:
    """A new password; every session of the account ends (a stolen cookie with it)."""
    value = normalise_name(name)
    check_password(password, value)
    with transaction(engine) as session:
        user = _existing(session, value)
        user.password_hash = hasher().hash(password)
        session.add(user)
        end_sessions(session, user)


def set_disabled(engine: Engine, name: str, disabled: bool) -> None:
    """A disabled account cannot log in, and its sessions end now."""
    with transaction(engine) as session:
        user = _existing(session, normalise_name(name))
        user.disabled = disabled
        session.add(user)
        if disabled:
            end_sessions(session, user)


def list_users(engine: Engine) -> list[StaffUser]:
    with transaction(engine) as session:
        return list(session.exec(select(StaffUser).order_by(col(StaffUser.name))))


def count_users(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(StaffUser)).one())


def end_sessions(session: Session, user: StaffUser) -> None:
    session.execute(delete(StaffSession).where(col(StaffSession.user_id) == user.id))


def authenticate(engine: Engine, name: str, password: str, now: datetime) -> Staff | None:
    """The account if `password` is its password, else None.

    Takes as long for an unknown or disabled account as for a wrong password (a hash is
    always verified), so timing does not tell which names exist.
    """
    value = normalise_name(name)
    with Session(engine) as session:
        user = _find(session, value) if NAME.fullmatch(value) else None
    stored = user.password_hash if user is not None else _dummy_hash()
    try:
        hasher().verify(stored, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    with transaction(engine) as session:
        fresh = session.get(StaffUser, user.id)
        if fresh is None or fresh.disabled:
            return None
        fresh.last_login_at = now
        if hasher().check_needs_rehash(fresh.password_hash):  # the library's defaults rose
            fresh.password_hash = hasher().hash(password)
        session.add(fresh)
        assert fresh.id is not None
        return Staff(fresh.id, fresh.name, fresh.role)


def user_exists(engine: Engine, name: str) -> bool:
    with Session(engine) as session:
        return _find(session, normalise_name(name)) is not None


def _find(session: Session, name: str) -> StaffUser | None:
    return session.exec(select(StaffUser).where(StaffUser.name == name)).first()


def _existing(session: Session, name: str) -> StaffUser:
    user = _find(session, name)
    if user is None:
        raise UsageError(f"no account {name}; see `aduan user list`")
    return user
