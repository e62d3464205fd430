"""`aduan check`: reach every configured part and say, per part, what is wrong and the fix."""

from __future__ import annotations

import contextlib
import os
import smtplib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from sqlite3 import OperationalError

from imapclient.exceptions import IMAPClientError
from sqlalchemy import Engine

from aduan.daemon.clock import utc_now
from aduan.daemon.config import Settings
from aduan.daemon.database import open_database
from aduan.daemon.errors import AduanError, ExitCode
from aduan.daemon.messages import t
from aduan.daemon.oauth import token_source, token_state
from aduan.daemon.smtp import connect as smtp_connect
from aduan.daemon.sources.imap import connect

LOCK_WAIT_MS = 3000


class CheckFailed(AduanError):
    """Something on this machine or in the config needs fixing (a folder, a path)."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class CheckResult:
    what: str
    ok: bool | None  # None: not configured, nothing to check
    detail: str = ""
    exit_code: ExitCode = ExitCode.OK


def run_checks(settings: Settings, lang: str) -> Iterator[CheckResult]:
    yield _guard("config", lambda: settings.source)
    yield _guard("database", lambda: _check_database(settings))
    for label, path in _folders(settings):
        yield _guard(label, partial(_check_writable, path))
    yield _guard("OCR", lambda: _check_ocr(settings))
    yield check_handwriting(settings)
    yield check_imap(settings, lang)
    yield check_smtp(settings, lang)


def check_imap(settings: Settings, lang: str) -> CheckResult:
    """Log in to the mailbox as the service does (password or OAuth2) and find the folder."""
    if settings.mailbox is None:
        return CheckResult("IMAP", None, t("mailbox_unset", lang))
    return _guard(f"IMAP {settings.mailbox.host}", lambda: _check_imap(settings))


def check_smtp(settings: Settings, lang: str) -> CheckResult:
    """Connect and log in to the SMTP server as the outbox does."""
    if not settings.smtp.host:
        return CheckResult("SMTP", None, t("smtp_unset", lang, dir=settings.smtp.outbox_dir))
    return _guard(f"SMTP {settings.smtp.host}", lambda: _check_smtp(settings))


def _guard(what: str, check: Callable[[], str]) -> CheckResult:
    try:
        return CheckResult(what, True, check())
    except AduanError as exc:
        return CheckResult(what, False, str(exc), exc.exit_code)


def _folders(settings: Settings) -> list[tuple[str, Path]]:
    found = [
        ("storage", settings.storage.path),
        ("scans inbox", settings.scans.inbox),
        ("scans done", settings.scans.done),
        ("scans quarantine", settings.scans.quarantine),
    ]
    if settings.maildir is not None:
        found.append(("maildir", settings.maildir.path))
    if not settings.smtp.host:
        found.append(("outbox_dir", settings.smtp.outbox_dir))
    return found


def _check_database(settings: Settings) -> str:
    engine = open_database(settings)
    try:
        if engine.dialect.name == "sqlite":
            _check_sqlite_writable(engine)
    finally:
        engine.dispose()
    return "schema current"


def _check_sqlite_writable(engine: Engine) -> None:
    """Take the write lock for a moment: another program holding it stalls every intake."""
    raw = engine.raw_connection()
    try:
        sqlite = raw.driver_connection
        assert sqlite is not None
        sqlite.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        sqlite.execute("BEGIN IMMEDIATE")
        sqlite.execute("ROLLBACK")
    except OperationalError as exc:  # the DBAPI's own, not SQLAlchemy's
        raise CheckFailed(
            f"the database {engine.url.database} is locked by another program ({exc}); "
            "stop it (a second aduan, a backup tool, an open sqlite3 shell) and check again"
        ) from exc
    finally:
        raw.close()


def _check_writable(path: Path) -> str:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CheckFailed(
            f"{path} cannot be created ({exc.strerror}); fix the path or permissions"
        ) from exc
    if not os.access(path, os.W_OK):
        raise CheckFailed(f"{path} is not writable; give the aduan user write access")
    return str(path)


def _check_ocr(settings: Settings) -> str:
    """The engines that work here, and the configured one reads the configured languages."""
    from aduan.parsers.ocr import OcrError, check_engine, engines

    scans = settings.scans
    try:
        used = check_engine(scans.engine, scans.languages)
    except OcrError as exc:
        raise CheckFailed(str(exc)) from exc
    return f"{used} with {scans.languages!r} (installed: {', '.join(engines())})"


def check_handwriting(settings: Settings) -> CheckResult:
    """Whether slips' handwriting gets the second engine: installed, complete, and loading."""
    from aduan.parsers import handwriting

    what = "OCR tulisan tangan"
    wanted = settings.scans.handwriting
    if wanted == "off":
        return CheckResult(what, None, 'off ([scans] handwriting = "off")')
    state = handwriting.status()
    if not state.usable:
        if wanted == "auto":
            return CheckResult(what, None, f"{state.detail}; slips are read by tesseract alone")
        return CheckResult(what, False, state.detail, ExitCode.USAGE)
    return _guard(what, lambda: _load_handwriting(state.detail))


def _load_handwriting(detail: str) -> str:
    from PIL import Image

    from aduan.parsers import handwriting
    from aduan.parsers.ocr import OcrError

    try:
        handwriting.read(Image.new("L", (64, 32), 255))
    except (OcrError, OSError, RuntimeError) as exc:
        raise CheckFailed(f"{handwriting.NAME} cannot start ({exc}); reinstall the extra") from exc
    return f"{handwriting.NAME} active ({detail})"


def _check_imap(settings: Settings) -> str:
    cfg = settings.mailbox
    assert cfg is not None
    tokens = token_source(settings, "mailbox", utc_now)
    client = connect(cfg, tokens)
    try:
        if not client.folder_exists(cfg.folder):
            raise CheckFailed(
                f"folder {cfg.folder!r} does not exist on the server; fix [mailbox] folder"
            )
        note = ""
        if cfg.done_folder and not client.folder_exists(cfg.done_folder):
            note = f"; done_folder {cfg.done_folder!r} will be created at the first poll"
        how = f" ({token_state(tokens)})" if tokens is not None else ""
        return f"login ok{how}, folder {cfg.folder!r} found{note}"
    finally:
        with contextlib.suppress(OSError, IMAPClientError):
            client.logout()


def _check_smtp(settings: Settings) -> str:
    # The same seam the outbox sends through: the same TLS, login and error wording.
    tokens = token_source(settings, "smtp", utc_now)
    client = smtp_connect(settings.smtp, tokens)
    with contextlib.suppress(OSError, smtplib.SMTPException):
        client.quit()
    if tokens is not None:
        return f"connected, login ok ({token_state(tokens)})"
    return "connected" + (", login ok" if settings.smtp.username else "")
