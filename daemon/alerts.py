"""Login trouble is loud: the service keeps itself alive, this tells a person.

A source whose poll fails with `AccessDenied` (daemon/errors.py: the password or the token
refused, the OAuth2 sign-in revoked or expired, a certificate not trusted, a folder missing)
is *in trouble* from that moment until a poll succeeds. The trouble book
(`[storage] path`/gangguan.json) remembers since when, so that

* `aduan status` says what is wrong, since when and for how long, with the fix;
* the journal gets one ERROR line when the trouble starts or changes kind, not one per poll;
* once it has lasted `[alerts] after_minutes`, a mail goes to `[escalation] head` and
  `[alerts] admin`, with Message-ID `<gangguan.imap.2026-11-23@domain>`: one per source and
  day (facility time), so it repeats at most daily and the outbox never holds it twice;
* it goes through whatever path still works: the outbox (SMTP, or outbox_dir when there is
  no SMTP host); when SMTP itself is failing, the .eml is written straight into
  `[smtp] outbox_dir` as well and the journal says where. An alert about SMTP goes only
  there: the outbox could not send it.
* when a source works again after an alert was sent, a short "pulih" note follows
  (`[alerts] recovery`), once per episode.

Trouble that is not a login problem (a server that does not answer) shows in `status` as
before and is not mailed: it mends itself, and usually takes SMTP down with it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlmodel import Session

from aduan.daemon.config import Settings
from aduan.daemon.errors import AccessDenied, SourceUnavailable, Trouble
from aduan.daemon.filestore import locked, write_atomically
from aduan.daemon.messages import t
from aduan.models.db import transaction
from aduan.models.tables import SourceState

if TYPE_CHECKING:  # `aduan status` reads the book without loading the mail machinery
    from aduan.daemon.letters import Letters

log = logging.getLogger(__name__)

SMTP_SOURCE = "smtp"  # the outbox, as `aduan status` lists it
ALERT = "gangguan"  # outgoing mail purposes, as in Message-IDs
RECOVERED = "pulih"
BOOK_NAME = "gangguan.json"
_BOOK_MODE = 0o640
_EML_MODE = 0o640
_SLUG = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Problem:
    """One source's login trouble, from its first failure until a poll succeeds."""

    source: str
    kind: Trouble
    message: str  # the error, with its fix
    since: datetime
    alerted_on: date | None = None  # facility day of the last alert mail

    def lasted(self, now: datetime) -> timedelta:
        return now - self.since

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "message": self.message,
            "since": self.since.isoformat(),
            "alerted_on": self.alerted_on.isoformat() if self.alerted_on else None,
        }

    @classmethod
    def from_json(cls, source: str, data: dict[str, Any]) -> Problem:
        alerted = data.get("alerted_on")
        return cls(
            source=source,
            kind=Trouble(data["kind"]),
            message=str(data["message"]),
            since=datetime.fromisoformat(data["since"]),
            alerted_on=date.fromisoformat(alerted) if alerted else None,
        )


@dataclass(frozen=True)
class Recovery:
    """A trouble that ended after an alert went out: the "pulih" note still to send."""

    source: str
    kind: Trouble
    since: datetime
    until: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind.value,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Recovery:
        return cls(
            source=str(data["source"]),
            kind=Trouble(data["kind"]),
            since=datetime.fromisoformat(data["since"]),
            until=datetime.fromisoformat(data["until"]),
        )


@dataclass
class _State:
    problems: dict[str, Problem]
    recoveries: list[Recovery]


class TroubleBook:
    """The sources in trouble, on disk; every change under an exclusive lock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def of(cls, settings: Settings) -> TroubleBook:
        return cls(settings.storage.path / BOOK_NAME)

    def problems(self) -> dict[str, Problem]:
        return self._read().problems

    def recoveries(self) -> list[Recovery]:
        return self._read().recoveries

    def failed(self, source: str, exc: SourceUnavailable, now: datetime) -> Problem | None:
        """Note a failed poll. Returns the problem when it is new or changed kind (what the
        journal is told), else None."""
        if not isinstance(exc, AccessDenied):
            return None  # not login trouble: a trouble already noted stays as it is
        with self._changing() as state:
            known = state.problems.get(source)
            if known is not None and known.kind == exc.trouble:
                if known.message != str(exc):
                    state.problems[source] = replace(known, message=str(exc))
                return None
            since = known.since if known is not None else now
            problem = Problem(
                source,
                exc.trouble,
                str(exc),
                since,
                known.alerted_on if known is not None else None,
            )
            state.problems[source] = problem
            return problem

    def ok(self, source: str, now: datetime) -> Problem | None:
        """Note a good poll; returns the problem it ended, if there was one."""
        if not self.path.exists() or source not in self.problems():
            return None  # the usual case: no write, no lock
        with self._changing() as state:
            ended = state.problems.pop(source, None)
            if ended is not None and ended.alerted_on is not None:
                state.recoveries.append(Recovery(source, ended.kind, ended.since, now))
            return ended

    def forget_others(self, sources: set[str]) -> dict[str, Problem]:
        """Drop the trouble of sources not in `sources`; the problems that remain."""
        problems = self.problems()
        if set(problems) <= sources:
            return problems
        with self._changing() as state:
            state.problems = {s: p for s, p in state.problems.items() if s in sources}
            return dict(state.problems)

    def mark_alerted(self, source: str, day: date) -> None:
        with self._changing() as state:
            known = state.problems.get(source)
            if known is not None:
                state.problems[source] = replace(known, alerted_on=day)

    def forget_recovery(self, recovery: Recovery) -> None:
        with self._changing() as state:
            state.recoveries = [r for r in state.recoveries if r != recovery]

    # -- the file ----------------------------------------------------------------------

    def _read(self) -> _State:
        try:
            data = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return _State({}, [])
        except (OSError, ValueError) as exc:
            # A damaged book must not stop intake: it is rebuilt from the next failures.
            log.warning("trouble book %s unreadable (%s); starting afresh", self.path, exc)
            return _State({}, [])
        problems = {
            source: Problem.from_json(source, value)
            for source, value in data.get("problems", {}).items()
        }
        recoveries = [Recovery.from_json(r) for r in data.get("recoveries", [])]
        return _State(problems, recoveries)

    @contextlib.contextmanager
    def _changing(self) -> Iterator[_State]:
        """The state read under the lock; written back on leaving if it changed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with locked(self.path):
            state = self._read()
            before = _State(dict(state.problems), list(state.recoveries))
            yield state
            if state != before:
                self._write(state)

    def _write(self, state: _State) -> None:
        data = {
            "version": 1,
            "problems": {s: p.as_json() for s, p in sorted(state.problems.items())},
            "recoveries": [r.as_json() for r in state.recoveries],
        }
        write_atomically(self.path, json.dumps(data, indent=2).encode() + b"\n", _BOOK_MODE)


class Alerts:
    """What the service does about login trouble: note it, log it once, mail it."""

    def __init__(self, settings: Settings, letters: Letters, domain: str) -> None:
        self.settings = settings
        self.cfg = settings.alerts
        self.book = TroubleBook.of(settings)
        self.letters = letters
        self.domain = domain
        self.tz = settings.facility.tz
        self.lang = settings.facility.language

    def failed(self, source: str, exc: SourceUnavailable, now: datetime) -> bool:
        """Note a failed poll; True when it is news the journal was told at ERROR."""
        problem = self.book.failed(source, exc, now)
        if problem is None:
            return False
        log.error(
            "source=%s login trouble (%s) since %s: %s; the head is told by mail if it "
            "lasts %d min",
            source,
            problem.kind.value,
            problem.since.isoformat(timespec="minutes"),
            problem.message,
            self.cfg.after_minutes,
        )
        return True

    def ok(self, source: str, now: datetime) -> None:
        ended = self.book.ok(source, now)
        if ended is not None:
            log.warning(
                "source=%s works again after %d min of login trouble (%s)",
                source,
                ended.lasted(now).total_seconds() // 60,
                ended.kind.value,
            )

    def raise_due(self, engine: Engine, now: datetime) -> list[str]:
        """Alert mail for trouble that has lasted long enough, and "pulih" notes for trouble
        that ended after an alert; returns their Message-IDs."""
        done: list[str] = []
        after = timedelta(minutes=self.cfg.after_minutes)
        day = now.astimezone(self.tz).date()
        problems = self.book.forget_others(self._watched())
        smtp_down = SMTP_SOURCE in problems or _failing(engine, SMTP_SOURCE)
        for problem in problems.values():
            if problem.lasted(now) < after:
                continue
            message_id = f"<{ALERT}.{_slug(problem.source)}.{day.isoformat()}@{self.domain}>"
            # Today's alert is out; but if SMTP broke after it was queued, it waits there:
            # a copy in outbox_dir then, as for an alert made while SMTP was down.
            stranded = (
                smtp_down and bool(self._recipients()) and not self._eml_path(message_id).exists()
            )
            if problem.alerted_on == day and not stranded:
                continue
            queue = problem.alerted_on != day and problem.source != SMTP_SOURCE
            if self._alert(engine, problem, message_id, now, smtp_down=smtp_down, queue=queue):
                done.append(message_id)
            self.book.mark_alerted(problem.source, day)
        for recovery in self.book.recoveries():
            if self.cfg.recovery and self._recipients():
                done.append(self._recovered(engine, recovery, now))
            self.book.forget_recovery(recovery)
        return done

    def _alert(
        self,
        engine: Engine,
        problem: Problem,
        message_id: str,
        now: datetime,
        *,
        smtp_down: bool,
        queue: bool,
    ) -> bool:
        """Send today's alert about `problem` the ways that work; False if nobody is set to
        be told (the journal says so instead)."""
        recipients = self._recipients()
        if not recipients:
            log.error(
                "source=%s has had login trouble since %s and nobody is set to be told: "
                "set [alerts] admin or [escalation] head",
                problem.source,
                problem.since.isoformat(timespec="minutes"),
            )
            return False
        from aduan.daemon.outbox import enqueue

        message = self._message("gangguan", recipients, message_id, problem, now)
        if problem.source == SMTP_SOURCE or smtp_down:
            self._write_eml(problem.source, message_id, message)
        if queue:
            with transaction(engine) as session:
                enqueue(session, message, purpose=ALERT, entry_id=None, now=now)
            log.error(
                "source=%s alert %s queued for %d recipient(s): login trouble for %d min",
                problem.source,
                message_id,
                len(recipients),
                problem.lasted(now).total_seconds() // 60,
            )
        return True

    def _recovered(self, engine: Engine, recovery: Recovery, now: datetime) -> str:
        stamp = recovery.since.strftime("%Y%m%dT%H%M%S")
        from aduan.daemon.outbox import enqueue

        message_id = f"<{RECOVERED}.{_slug(recovery.source)}.{stamp}@{self.domain}>"
        problem = Problem(recovery.source, recovery.kind, "", recovery.since)
        message = self._message(
            "pulih", self._recipients(), message_id, problem, now, until=recovery.until
        )
        with transaction(engine) as session:
            enqueue(session, message, purpose=RECOVERED, entry_id=None, now=now)
        log.info("source=%s recovery note %s queued", recovery.source, message_id)
        return message_id

    def _message(
        self,
        template: str,
        recipients: list[str],
        message_id: str,
        problem: Problem,
        now: datetime,
        until: datetime | None = None,
    ) -> EmailMessage:
        from aduan.daemon.oauth import authorize_command
        from aduan.daemon.outbox import new_message

        smtp, mailbox = self.settings.smtp, self.settings.mailbox
        kind = problem.source.split(":", 1)[0]
        oauth = False
        if kind == "imap" and mailbox is not None:
            account, server = mailbox.username, f"{mailbox.host}:{mailbox.port}"
            oauth = mailbox.auth == "oauth2"
        elif kind == SMTP_SOURCE:
            account, server = smtp.username or "-", f"{smtp.host}:{smtp.port}"
            oauth = smtp.auth == "oauth2"
        else:
            account, server = "-", "-"
        command = authorize_command(self.settings, "smtp" if kind == SMTP_SOURCE else "mailbox")
        letter = self.letters.render(
            template,
            self.lang,
            facility=self.settings.facility.name,
            source=problem.source,
            source_kind=kind,
            account=account,
            server=server,
            kind=problem.kind.value,
            message=problem.message,
            since=problem.since,
            until=until,
            lasted=duration(((until or now) - problem.since), self.lang),
            command=command,
            oauth=oauth,
            admin=bool(self.cfg.admin),
            now=now,
        )
        message = new_message(
            self.settings.smtp.from_,
            recipients,
            letter.subject,
            letter.body,
            message_id=message_id,
            auto_submitted="auto-generated",
        )
        message["Date"] = format_datetime(now.astimezone(UTC))
        return message

    def _watched(self) -> set[str]:
        """The sources that can be in login trouble with this config (the others' trouble
        is stale: a mailbox folder renamed, SMTP removed)."""
        watched = set()
        if self.settings.mailbox is not None:
            watched.add(f"imap:{self.settings.mailbox.folder}")
        if self.settings.smtp.host:
            watched.add(SMTP_SOURCE)
        return watched

    def _recipients(self) -> list[str]:
        seen: dict[str, str] = {}
        for address in [*self.settings.escalation.head, *self.cfg.admin]:
            seen.setdefault(address.lower(), address)
        return list(seen.values())

    def _eml_path(self, message_id: str) -> Path:
        from aduan.daemon.outbox import eml_name

        return self.settings.smtp.outbox_dir / eml_name(message_id)

    def _write_eml(self, source: str, message_id: str, message: EmailMessage) -> None:
        """The alert as a file in outbox_dir, for when SMTP is the broken path."""
        target = self._eml_path(message_id)
        folder = target.parent
        try:
            if not target.exists():
                folder.mkdir(parents=True, exist_ok=True)
                write_atomically(target, message.as_bytes(), _EML_MODE)
        except OSError as exc:
            log.error(
                "source=%s alert %s could not be written to %s either (%s): only this journal "
                "line tells",
                source,
                message_id,
                folder,
                exc.strerror or type(exc).__name__,
            )
            return
        log.error(
            "source=%s alert %s written to %s: SMTP is not working, so it cannot be mailed",
            source,
            message_id,
            target,
        )


def _failing(engine: Engine, source: str) -> bool:
    with Session(engine) as session:
        state = session.get(SourceState, source)
    if state is None or state.last_error_at is None:
        return False
    return state.last_ok_at is None or state.last_error_at > state.last_ok_at


def _slug(source: str) -> str:
    return _SLUG.sub("-", source.split(":", 1)[0].lower()).strip("-") or "sumber"


def duration(span: timedelta, lang: str) -> str:
    """ "3 jam 5 menit", "2 hari 4 jam", "12 menit" (or English)."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return t("duration_days", lang, d=days, h=hours)
    if hours:
        return t("duration_hours", lang, h=hours, m=mins)
    return t("duration_minutes", lang, m=mins)


def describe_problem(problem: Problem, now: datetime, lang: str, tz: Any) -> str:
    """The `aduan status` line for a source in trouble: what, since when, how long, the fix."""
    alerted = (
        t("status_trouble_alerted", lang, day=problem.alerted_on.isoformat())
        if problem.alerted_on
        else ""
    )
    return t(
        "status_trouble",
        lang,
        kind=t(f"trouble_{problem.kind.value}", lang),
        since=problem.since.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        lasted=duration(problem.lasted(now), lang),
        error=problem.message,
        alerted=alerted,
    )
