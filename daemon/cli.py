"""Every command of the outside contract (../shared/INTERFACE.md).

One handler turns an `AduanError` into its exit code and a one-line message on stderr.
"""

from __future__ import annotations

import faulthandler
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import typer

from aduan.daemon.cli_box import describe_box, kotak_app
from aduan.daemon.cli_common import (
    JSON_OPT,
    Context,
    ctx_of,
    parse_date,
    print_json,
    runtime_of,
)
from aduan.daemon.cli_mailbox import mailbox_app
from aduan.daemon.cli_reports import board, export_app, import_files, receipt, report_app
from aduan.daemon.cli_users import user_app
from aduan.daemon.errors import AduanError, ExitCode, SourceUnavailable, UsageError
from aduan.daemon.logs import setup_logging
from aduan.daemon.messages import t

app = typer.Typer(
    help="aduan: register complaints from mail and suggestion-box slips (Puskesmas).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
register_app = typer.Typer(
    help="The complaint register: list, show, add, correct, update, receipt.",
    no_args_is_help=True,
)
quarantine_app = typer.Typer(help="Inputs that could not be processed.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
# `aduan --help` lists groups in this order: the register first, set-up last.
app.add_typer(register_app, name="register")
app.add_typer(kotak_app, name="kotak")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(report_app, name="report")
app.add_typer(export_app, name="export")
app.add_typer(user_app, name="user")
app.add_typer(mailbox_app, name="mailbox")
app.add_typer(db_app, name="db")
register_app.command("receipt")(receipt)

MANUAL_CHANNELS = (
    "sms",
    "whatsapp",
    "telepon",
    "langsung",
    "web",
    "media_sosial",
    "kotak_saran",
    "email",
)


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Path | None = typer.Option(
        None, "--config", help="Config file (else $ADUAN_CONFIG, ./aduan.toml, embedded default)."
    ),
    json_: bool = typer.Option(False, "--json", help="Print data as JSON."),
    lang: str | None = typer.Option(None, "--lang", help="Language of messages: id or en."),
    log_level: str = typer.Option("INFO", "--log-level", help="DEBUG, INFO, WARNING, ERROR."),
    log_format: str = typer.Option(
        "kv", "--log-format", help="kv (key=value lines) or json (one object per line)."
    ),
) -> None:
    if lang not in (None, "id", "en"):
        raise typer.BadParameter("--lang must be 'id' or 'en'")
    ctx.obj = Context(config=config, json=json_, lang=lang, log_level=log_level)
    if log_format not in ("kv", "json"):
        raise typer.BadParameter("--log-format must be 'kv' or 'json'")
    setup_logging(log_level, log_format)


@app.command()
def run(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="One pass over every source, then exit."),
) -> None:
    """Run the service in the foreground (until SIGTERM/Ctrl-C), or one pass with --once."""
    from aduan.daemon.service import Service, run_pass

    c = ctx_of(ctx)
    runtime = runtime_of(c)
    if once:
        result = run_pass(runtime)
        counts: dict[str, int] = {}
        for report in result.reports:
            for outcome, n in report.outcomes.items():
                counts[outcome] = counts.get(outcome, 0) + n
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-"
        typer.echo(t("pass_done", c.language, counts=summary))
        if result.failures:
            raise SourceUnavailable("; ".join(str(f) for f in result.failures))
        return
    settings = c.settings
    typer.echo(
        t(
            "run_started",
            c.language,
            db=settings.database.url,
            maildir=settings.maildir.path if settings.maildir else "-",
            scans=settings.scans.inbox,
            outbox=(
                f"SMTP {settings.smtp.host}:{settings.smtp.port}"
                if settings.smtp.host
                else settings.smtp.outbox_dir
            ),
        ),
        err=True,
    )
    # A watchdog timeout ends us with SIGABRT: the journal then shows where each thread hung.
    faulthandler.enable()
    console = None
    if settings.web.serve_with_run:
        from aduan.daemon.web.server import BackgroundConsole

        console = BackgroundConsole(settings, c.language)
        console.start()
    try:
        Service(runtime, reload=c.load).serve()
    finally:
        if console is not None:
            console.stop()


@app.command()
def web(
    ctx: typer.Context,
    host: str | None = typer.Option(
        None, "--host", help="Address to listen on (default: [web] host, 127.0.0.1)."
    ),
    port: int | None = typer.Option(
        None, "--port", help="Port to listen on (default: [web] port, 8080)."
    ),
) -> None:
    """The staff web console: register, review slips, follow-up, reports (until Ctrl-C)."""
    from aduan.daemon.web.server import serve

    c = ctx_of(ctx)
    settings = c.settings
    listen_host = host or settings.web.host
    listen_port = port or settings.web.port
    typer.echo(t("web_started", c.language, host=listen_host, port=listen_port), err=True)
    from aduan.daemon.database import open_database
    from aduan.daemon.web.accounts import count_users

    if count_users(open_database(settings)) == 0:
        typer.echo(t("web_no_users", c.language), err=True)
    serve(settings, c.language, listen_host, listen_port)


@app.command()
def status(ctx: typer.Context, json_: bool = JSON_OPT) -> None:
    """Health: sources (login trouble: since when, and the fix), register, quarantine, outbox."""
    from aduan.daemon.alerts import TroubleBook, describe_problem
    from aduan.daemon.clock import utc_now
    from aduan.daemon.database import open_database
    from aduan.daemon.status import collect_status

    c = ctx_of(ctx)
    engine = open_database(c.settings)  # not the whole runtime: status must answer fast
    now = utc_now()
    st = collect_status(engine, now, TroubleBook.of(c.settings).problems())
    tz = c.settings.facility.tz
    if json_ or c.json:
        print_json(st.as_json(tz))
        return
    lang = c.language

    def when(value: datetime | None) -> str:
        return (
            t("never", lang) if value is None else value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        )

    typer.echo(t("status_sources", lang))
    if not st.sources:
        typer.echo(t("status_no_sources", lang))
    for src in st.sources:
        typer.echo(
            t(
                "status_source",
                lang,
                source=src.source,
                ok=when(src.last_ok_at),
                pending=src.pending,
            )
        )
        if src.trouble is not None:
            typer.echo(describe_problem(src.trouble, now, lang, tz))
        elif src.failing:
            typer.echo(
                t("status_source_error", lang, at=when(src.last_error_at), error=src.last_error)
            )
    typer.echo(t("status_register", lang, entries=st.entries, overdue=st.overdue))
    typer.echo(t("status_quarantine", lang, n=st.quarantine))
    typer.echo(t("status_outbox", lang, waiting=st.outbox_waiting, failed=st.outbox_failed))
    typer.echo(t("status_auto", lang, auto=st.autoreplies, bounce=st.bounces))
    typer.echo(t("status_review", lang, n=st.review, blank=st.blank_pages))
    for box in st.box:
        if box.open or box.flagged:
            typer.echo(describe_box(box, lang, c.settings.facility.tz))


@app.command()
def scan(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="Images or PDFs."),
) -> None:
    """Read scanned slips into the register now (one entry per page), as the scan folder does.

    The files stay where they are; a file read before adds nothing.
    """
    from datetime import UTC

    from aduan.daemon.intake import RawItem
    from aduan.daemon.processed import Outcome

    c = ctx_of(ctx)
    items = []
    for path in files:
        try:
            items.append(
                RawItem(
                    "scan",
                    str(path),
                    path.read_bytes(),
                    datetime.fromtimestamp(path.stat().st_mtime, UTC),
                )
            )
        except OSError as exc:
            raise UsageError(f"{path} cannot be read ({exc.strerror}); check the path") from exc
    runtime = runtime_of(c)
    results = runtime.intake.take_scans(items)
    if c.json:
        print_json(
            [
                {"file": str(p), "outcome": r.outcome.value, "register_nos": list(r.register_nos)}
                | ({"reason": r.reason} if r.reason else {})
                for p, r in zip(files, results, strict=True)
            ]
        )
    else:
        for path, result in zip(files, results, strict=True):
            nos = ", ".join(result.register_nos)
            typer.echo(
                t(
                    "scan_" + result.outcome.value,
                    c.language,
                    file=path,
                    nos=nos,
                    reason=result.reason,
                )
            )
    quarantined = [
        p for p, r in zip(files, results, strict=True) if r.outcome is Outcome.QUARANTINED
    ]
    if quarantined:
        raise AduanError(t("scan_some_quarantined", c.language, n=len(quarantined)))


@app.command()
def review(ctx: typer.Context, json_: bool = JSON_OPT) -> None:
    """Entries a person must check (doubtful OCR), with the images to look at."""
    from sqlmodel import Session, col, select

    from aduan.daemon.register import entry_json
    from aduan.daemon.slips import reading_note, readings_of
    from aduan.models.tables import Entry

    c = ctx_of(ctx)
    runtime = runtime_of(c)
    tz = c.settings.facility.tz
    with Session(runtime.engine) as session:
        rows = session.exec(
            select(Entry)
            .where(col(Entry.review_reason).is_not(None))
            .order_by(col(Entry.received_at), col(Entry.id))
        ).all()
        entries = [entry_json(session, e, tz, events=False) for e in rows]
        readings = {e.register_no: readings_of(session, e.id) for e in rows}
    if json_ or c.json:
        print_json(entries)
        return
    if not entries:
        typer.echo(t("no_review", c.language))
    for e in entries:
        confidence = "-" if e["ocr_confidence"] is None else f"{e['ocr_confidence']:.0%}"
        typer.echo(f"{e['register_no']}  OCR {confidence:>4}  {e['review']['reason']}")
        for image in e["review"]["images"]:
            where = t("review_image", c.language, file=image["filename"], page=image["page"])
            typer.echo(f"      {runtime.store.path(image['sha256'])}  ({where})")
        for reading in readings[e["register_no"]]:
            typer.echo(f"      {reading_note(reading)}")
    if entries:
        typer.echo(t("review_hint", c.language))


@register_app.command("list")
def register_list(
    ctx: typer.Context,
    json_: bool = JSON_OPT,
    status_: str | None = typer.Option(None, "--status", help="Only entries with this status."),
    since: str | None = typer.Option(None, "--since", help="Received on or after DATE."),
    overdue: bool = typer.Option(False, "--overdue", help="Only open entries past a due date."),
    limit: int | None = typer.Option(None, "--limit", help="At most this many."),
) -> None:
    """Entries, newest first."""
    from sqlmodel import Session

    from aduan.daemon.register import entry_json, list_entries

    c = ctx_of(ctx)
    runtime = runtime_of(c)
    tz = c.settings.facility.tz
    since_at = None
    if since is not None:
        since_at = parse_date(since, tz, "--since")
        if len(since) == 10:
            since_at = datetime.combine(date.fromisoformat(since), time(0), tz)
    with Session(runtime.engine) as session:
        entries = list_entries(
            session,
            status=status_,
            since=since_at,
            overdue_at=runtime.clock() if overdue else None,
            limit=limit,
        )
        if json_ or c.json:
            print_json([entry_json(session, e, tz) for e in entries])
            return
        if not entries:
            typer.echo(t("no_entries", c.language))
        for e in entries:
            received = e.received_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            subject = (e.subject or e.text.replace("\n", " "))[:50]
            columns = f"{e.channel:<12} {e.kind:<10} {e.unit:<17} {e.status:<15}"
            typer.echo(f"{e.register_no}  {received}  {columns} {subject}")


@register_app.command("show")
def register_show(
    ctx: typer.Context, register_no: str = typer.Argument(..., metavar="NO"), json_: bool = JSON_OPT
) -> None:
    """One entry with its events."""
    from sqlmodel import Session

    from aduan.daemon.register import entry_json, get_entry

    c = ctx_of(ctx)
    runtime = runtime_of(c)
    with Session(runtime.engine) as session:
        data = entry_json(session, get_entry(session, register_no), c.settings.facility.tz)
    if json_ or c.json:
        print_json(data)
        return
    typer.echo(_describe_entry(data, c.language))


def _describe_entry(data: dict[str, Any], lang: str) -> str:
    reporter = data["reporter"]
    due = data["due"]
    lines = [
        f"{data['register_no']}  [{data['status']}]",
        t(
            "show_received",
            lang,
            at=data["received_at"],
            channel=data["channel"],
            source=data["source_id"],
        ),
        t(
            "show_reporter",
            lang,
            name=reporter["name"] or "-",
            contact=reporter["contact"] or "-",
            address=reporter["address"] or "-",
        ),
        t(
            "show_kind",
            lang,
            kind=data["kind"],
            unit=data["unit"],
            urgency=t("urgent" if data["urgent"] else "not_urgent", lang),
            reasons="; ".join(data["reasons"]),
        ),
        t(
            "show_due",
            lang,
            forward=due["forward"],
            answer=due["answer"] or "-",
            resolve=due["resolve"],
        ),
        t("show_subject", lang, subject=data["subject"] or "-"),
        "",
        data["text"],
        "",
    ]
    lines += [t("show_file", lang, **f) for f in data["files"]]
    lines += [f"{e['at']}  {e['type']:<16} {e['by']:<8} {e['detail']}" for e in data["events"]]
    return "\n".join(lines)


@register_app.command("add")
def register_add(
    ctx: typer.Context,
    channel: str = typer.Option(
        ..., "--channel", help="sms, whatsapp, telepon, langsung, web, media_sosial…"
    ),
    text: str = typer.Option(..., "--text", help="What the person said or wrote."),
    name: str | None = typer.Option(None, "--name"),
    contact: str | None = typer.Option(None, "--contact"),
    address: str | None = typer.Option(None, "--address"),
    received_at: str | None = typer.Option(
        None, "--received-at", help="When it was received (default: now)."
    ),
    confidential: bool = typer.Option(
        False, "--rahasia", help="Confidential: mail about it carries only its number."
    ),
    by: str = typer.Option("staf", "--by", help="Who enters it (recorded in the audit trail)."),
) -> None:
    """Manual entry for channels the daemon does not read."""
    from aduan.daemon.intake import ManualItem
    from aduan.daemon.processed import Outcome

    c = ctx_of(ctx)
    if channel not in MANUAL_CHANNELS:
        raise UsageError(
            f"--channel {channel!r} is not known; use one of: {', '.join(MANUAL_CHANNELS)}"
        )
    if not text.strip():
        raise UsageError("--text is empty; write what the complainant said")
    runtime = runtime_of(c)
    at = (
        parse_date(received_at, c.settings.facility.tz, "--received-at")
        if received_at
        else runtime.clock()
    )
    result = runtime.intake.take_manual(
        ManualItem(
            channel=channel,
            text=text.strip(),
            received_at=at,
            name=name,
            contact=contact,
            address=address,
            by=by,
            confidential=confidential,
        )
    )
    key = "registered" if result.outcome is Outcome.REGISTERED else "duplicate"
    if c.json:
        print_json({"register_no": result.register_no, "outcome": result.outcome.value})
    else:
        typer.echo(t(key, c.language, no=result.register_no))


@register_app.command("correct")
def register_correct(
    ctx: typer.Context,
    register_no: str = typer.Argument(..., metavar="NO"),
    kind: str | None = typer.Option(None, "--kind", help="keluhan, saran, pujian, pertanyaan…"),
    unit: str | None = typer.Option(None, "--unit", help="pendaftaran, farmasi, ugd…"),
    urgent: bool | None = typer.Option(None, "--urgent/--not-urgent", help="Urgency."),
    text: str | None = typer.Option(
        None, "--text", help="The text as the slip really says (fixes an OCR misread)."
    ),
    reviewed: bool = typer.Option(
        False, "--reviewed", help="The machine's reading was checked and is right."
    ),
    by: str = typer.Option("staf", "--by", help="Who corrects (recorded in the audit trail)."),
) -> None:
    """Correct the classifier (kind, unit, urgency) or the text read from a slip.

    Label corrections are recorded and used by `aduan train`. A new --text (or --reviewed)
    ends the entry's review; the text is then classified again unless labels are given.
    """
    from aduan.daemon.actions import correct
    from aduan.daemon.register import Correction

    c = ctx_of(ctx)
    labels = Correction(kind, unit, urgent)
    if labels == Correction() and text is None and not reviewed:
        raise UsageError(
            "nothing to correct; give --kind, --unit, --urgent/--not-urgent, --text or --reviewed"
        )
    if text is not None and not text.strip():
        raise UsageError("--text is empty; write what the slip says")
    runtime = runtime_of(c)
    done = correct(
        runtime, register_no, labels, text=text, reviewed=reviewed, by=by, now=runtime.clock()
    )
    changes = [t("text_changed", c.language)] * done.text_changed + done.changes
    key = "corrected" if changes or reviewed else "unchanged"
    typer.echo(t(key, c.language, no=register_no, changes="; ".join(changes) or "-"))


@register_app.command("update")
def register_update(
    ctx: typer.Context,
    register_no: str = typer.Argument(..., metavar="NO"),
    status_: str | None = typer.Option(None, "--status", help="New status."),
    response: str | None = typer.Option(
        None, "--response", help="The answer; mailed to a reporter who wrote by mail."
    ),
    rtl: str | None = typer.Option(None, "--rtl", help="The follow-up plan (RTL)."),
    note: str | None = typer.Option(
        None, "--note", help="An internal note (with --escalate: why it is referred)."
    ),
    escalate: str | None = typer.Option(
        None,
        "--escalate",
        help="dinkes: refer it to the district health office ([escalation] dinkes), by mail.",
    ),
    confidential: bool | None = typer.Option(
        None,
        "--rahasia/--tidak-rahasia",
        help="Confidential: mail about it carries only its number, never its text or reporter.",
    ),
    by: str = typer.Option("staf", "--by", help="Who records it (audit trail)."),
) -> None:
    """Record progress: status, follow-up plan (RTL), the answer, a note, a referral,
    confidentiality."""
    from aduan.daemon.actions import update as record_update
    from aduan.daemon.register import Update

    c = ctx_of(ctx)
    if escalate not in (None, "dinkes"):
        raise UsageError(f"--escalate {escalate!r}: the one referral known is 'dinkes'")
    update = Update(status_, response, rtl, None if escalate else note, confidential)
    if update == Update() and escalate is None:
        raise UsageError(
            "nothing to update; give --status, --response, --rtl, --note, --rahasia "
            "or --escalate dinkes"
        )
    runtime = runtime_of(c)
    done = record_update(
        runtime,
        register_no,
        update,
        refer_to_dinkes=escalate is not None,
        reason=note,
        by=by,
        now=runtime.clock(),
    )
    typer.echo(t("updated", c.language, no=register_no, status=done.status))
    if done.answer_mailed:
        typer.echo(t("answer_queued", c.language))
    if done.referral:
        typer.echo(t("dinkes_queued", c.language, n=done.referral))


@quarantine_app.command("list")
def quarantine_list(ctx: typer.Context, json_: bool = JSON_OPT) -> None:
    """Inputs that could not be processed, with the reason."""
    from sqlmodel import Session, col, select

    from aduan.models.tables import QuarantineItem

    c = ctx_of(ctx)
    runtime = runtime_of(c)
    tz = c.settings.facility.tz
    with Session(runtime.engine) as session:
        rows = list(
            session.exec(
                select(QuarantineItem)
                .where(QuarantineItem.status == "karantina")
                .order_by(col(QuarantineItem.id))
            )
        )
    store = runtime.store
    items: list[dict[str, Any]] = [
        {
            "id": r.id,
            "source": r.source,
            "ref": r.source_ref,
            "reason": r.reason,
            "attempts": r.attempts,
            "created_at": r.created_at.astimezone(tz).isoformat(),
            "sha256": r.sha256,
            "path": str(store.path(r.sha256)),
        }
        for r in rows
    ]
    if json_ or c.json:
        print_json(items)
        return
    if not items:
        typer.echo(t("no_quarantine", c.language))
    for i in items:
        typer.echo(f"{i['id']:>4}  {i['created_at'][:16]}  {i['source']} {i['ref']}: {i['reason']}")
        typer.echo(f"      {i['path']}")


@quarantine_app.command("retry")
def quarantine_retry(ctx: typer.Context, item_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Process a quarantined input again."""
    from sqlmodel import Session

    from aduan.daemon.processed import Outcome
    from aduan.models.tables import QuarantineItem

    c = ctx_of(ctx)
    runtime = runtime_of(c)
    max_bytes = c.settings.mailbox.max_message_bytes if c.settings.mailbox else None
    result = runtime.intake.retry_quarantined(item_id, max_bytes=max_bytes)
    if result.outcome is Outcome.QUARANTINED:
        with Session(runtime.engine) as session:
            row = session.get(QuarantineItem, item_id)
            reason = row.reason if row else "?"
        typer.echo(t("retry_failed", c.language, reason=reason), err=True)
        raise typer.Exit(ExitCode.FAILURE)
    if result.outcome is Outcome.REGISTERED or result.register_no:
        typer.echo(t("retry_ok", c.language, no=result.register_no))
    else:
        typer.echo(t("retry_skipped", c.language, outcome=result.outcome.value))


@app.command()
def classify(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="The text to classify."),
    subject: str | None = typer.Option(None, "--subject", help="A mail subject, if any."),
    json_: bool = JSON_OPT,
) -> None:
    """What the classifier says about a text, with its reasons."""
    from aduan.daemon.learning import current_spec

    c = ctx_of(ctx)
    result = current_spec(c.settings).classify(text, subject)
    data = {
        "kind": result.kind,
        "unit": result.unit,
        "urgent": result.urgent,
        "confidence": round(result.confidence, 3),
        "reasons": list(result.reasons),
        "spam": result.spam,
    }
    if json_ or c.json:
        print_json(data)
        return
    urgency = t("urgent" if result.urgent else "not_urgent", c.language)
    typer.echo(
        t(
            "classified",
            c.language,
            kind=result.kind,
            unit=result.unit,
            urgency=urgency,
            confidence=data["confidence"],
        )
    )
    for reason in result.reasons:
        typer.echo(f"  - {reason}")


@app.command()
def train(ctx: typer.Context, json_: bool = JSON_OPT) -> None:
    """Retrain the classifier on staff corrections; keep the model only if it beats the rules."""
    from sqlmodel import Session

    from aduan.daemon.learning import retrain

    c = ctx_of(ctx)
    runtime = runtime_of(c)
    with Session(runtime.engine) as session:
        result = retrain(session, c.settings, runtime.clock())
    scores = {
        "rules": result.rules.overall,
        "rules_model": result.combined.overall,
        "kept": result.kept,
        "examples": len(result.evaluated),
        "version": result.model.meta.version if result.model else None,
    }
    if json_ or c.json:
        print_json(scores)
        return
    key = "train_kept" if result.kept else "train_not_kept"
    typer.echo(t(key, c.language, **scores))


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Apply schema migrations."""
    from aduan.models import db

    c = ctx_of(ctx)
    engine = db.make_engine(c.settings.database.url)
    try:
        before, after = db.upgrade(engine)
    except Exception as exc:  # the driver's own error types vary by database
        raise SourceUnavailable(f"database upgrade failed: {exc}") from exc
    typer.echo(t("db_upgraded", c.language, before=before or "-", after=after))


@app.command()
def check(ctx: typer.Context) -> None:
    """Validate the config and reach every server; say what is wrong and how to fix it."""
    from aduan.daemon.check import run_checks

    c = ctx_of(ctx)
    worst = ExitCode.OK
    for result in run_checks(c.settings, c.language):
        if result.ok is None:
            typer.echo(t("check_skip", c.language, what=result.what, why=result.detail))
        elif result.ok:
            typer.echo(t("check_ok", c.language, what=f"{result.what}: {result.detail}"))
        else:
            typer.echo(t("check_fail", c.language, what=result.what, why=result.detail))
            worst = max(worst, result.exit_code)
    if worst:
        raise typer.Exit(worst)


# Commands defined in cli_reports.py, listed after this file's own.
app.command("import")(import_files)
app.command("board")(board)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; turn our errors into one line and an exit code."""
    try:
        app(args=argv, prog_name="aduan")
    except AduanError as exc:
        typer.echo(f"aduan: {exc}", err=True)
        return int(exc.exit_code)
    except SystemExit as exc:  # click ends every run this way; usage errors with 2
        return exc.code if isinstance(exc.code, int) else int(ExitCode.FAILURE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
