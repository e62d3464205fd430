"""Commands that make documents from the register or bring feedback into it from files:
recaps, the notice board, the LAPOR! export and imports of other channels."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import typer

from aduan.daemon.cli_common import JSON_OPT, ctx_of, parse_date, print_json, runtime_of
from aduan.daemon.errors import UsageError
from aduan.daemon.messages import t

report_app = typer.Typer(
    help="Recaps: monthly, semester (management review), weekly WhatsApp/SMS.",
    no_args_is_help=True,
)
export_app = typer.Typer(help="The register in other systems' formats.", no_args_is_help=True)

FormatOpt = typer.Option(
    None, "--format", help="Comma-separated: html,pdf,csv,xlsx (default: [reports] formats)."
)
OutOpt = typer.Option(None, "--out", help="Folder to write to (default: [reports] dir).")
SendOpt = typer.Option(
    False, "--send", help="Mail it to the head and the quality team (through the outbox)."
)


def _formats(value: str | None) -> list[str] | None:
    if value is None:
        return None
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = sorted(set(formats) - {"html", "pdf", "csv", "xlsx"})
    if unknown or not formats:
        raise UsageError(f"--format {value!r}: use html, pdf, csv and/or xlsx, comma-separated")
    return formats


def _report(
    ctx: typer.Context,
    kind: str,
    period_text: str | None,
    formats: str | None,
    out: Path | None,
    send: bool,
) -> None:
    from aduan.daemon.reports import periods
    from aduan.daemon.reports.publish import publish_report
    from aduan.daemon.reports.recap import make_report
    from aduan.models.db import transaction

    c = ctx_of(ctx)
    settings = c.settings
    tz = settings.facility.tz
    runtime = runtime_of(c)
    now = runtime.clock()
    parse = {"bulanan": periods.month, "semester": periods.semester, "mingguan": periods.week}
    period = parse[kind](period_text, tz) if period_text else periods.last_complete(kind, now, tz)
    chosen = _formats(formats) or list(settings.reports.formats)
    folder = out or settings.reports.dir
    with transaction(runtime.engine) as session:
        if send:
            report = publish_report(
                session, settings, runtime.escalator, period, now, "staf",
                out_dir=folder, formats=chosen, lang=c.language,
            )  # fmt: skip
        else:
            report = make_report(session, settings, period, now, chosen, folder, c.language)
    if c.json:
        print_json({"title": report.title, "files": [str(p) for p in report.files]})
        return
    typer.echo(report.title)
    for line in report.summary:
        typer.echo(f"  {line}")
    for path in report.files:
        typer.echo(t("written", c.language, path=path))
    if send:
        typer.echo(t("report_queued", c.language))


@report_app.command("monthly")
def report_monthly(
    ctx: typer.Context,
    month: str | None = typer.Option(
        None, "--month", help="YYYY-MM (default: the last complete month)."
    ),
    format_: str | None = FormatOpt,
    out: Path | None = OutOpt,
    send: bool = SendOpt,
) -> None:
    """The monthly recap for the head of the Puskesmas (SOP: once a month)."""
    _report(ctx, "bulanan", month, format_, out, send)


@report_app.command("semester")
def report_semester(
    ctx: typer.Context,
    semester: str | None = typer.Option(
        None, "--semester", help="YYYY-S1 (Jan–Jun) or YYYY-S2 (default: the last complete)."
    ),
    format_: str | None = FormatOpt,
    out: Path | None = OutOpt,
    send: bool = SendOpt,
) -> None:
    """Six months of feedback for the management review (rapat tinjauan manajemen)."""
    _report(ctx, "semester", semester, format_, out, send)


@report_app.command("weekly")
def report_weekly(
    ctx: typer.Context,
    week: str | None = typer.Option(None, "--week", help="ISO week YYYY-Www (default: last week)."),
    format_: str | None = FormatOpt,
    out: Path | None = OutOpt,
    send: bool = typer.Option(False, "--send", help="Mail it to the quality team."),
) -> None:
    """The weekly recap of WhatsApp and SMS feedback (SOP 004)."""
    _report(ctx, "mingguan", week, format_, out, send)


def board(
    ctx: typer.Context,
    since: str | None = typer.Option(
        None, "--since", help="Start of the period (default: [reports] board_every_days ago)."
    ),
    out: Path | None = OutOpt,
    format_: str = typer.Option("html,pdf", "--format", help="html and/or pdf."),
    send: bool = typer.Option(False, "--send", help="Mail the PDF to the quality team."),
) -> None:
    """The anonymised public notice board of followed-up complaints (HTML and A4 PDF).

    Answered entries on it become `dipublikasikan`.
    """
    from aduan.daemon.reports.publish import publish_board
    from aduan.models.db import transaction

    c = ctx_of(ctx)
    settings = c.settings
    formats = _formats(format_) or []
    if set(formats) - {"html", "pdf"}:
        raise UsageError("--format: the board is made as html and/or pdf")
    runtime = runtime_of(c)
    now = runtime.clock()
    days = settings.reports.board_every_days or 14
    start = (
        parse_date(since, settings.facility.tz, "--since") if since else now - timedelta(days=days)
    )
    with transaction(runtime.engine) as session:
        made = publish_board(
            session, settings, runtime.escalator, start, now, now, "staf",
            out_dir=out, lang=c.language, formats=formats, send=send,
        )  # fmt: skip
    if c.json:
        print_json(
            {
                "entries": [item.register_no for item in made.items],
                "published": made.published,
                "files": [str(p) for p in made.files],
            }
        )
        return
    typer.echo(t("board_made", c.language, n=len(made.items), published=len(made.published)))
    for path in made.files:
        typer.echo(t("written", c.language, path=path))


@export_app.command("lapor")
def export_lapor(
    ctx: typer.Context,
    out: Path | None = typer.Option(
        None, "--out", help="File to write (default: print to the terminal)."
    ),
    format_: str = typer.Option("csv", "--format", help="csv (Excel) or json."),
    since: str | None = typer.Option(None, "--since", help="Only entries received since DATE."),
    agency: str = typer.Option(
        "Dinas Kesehatan", "--agency", help="LAPOR!'s 'instansi tujuan' for every row."
    ),
    with_contact: bool = typer.Option(
        False, "--with-contact", help="Include the reporter (only with their consent)."
    ),
) -> None:
    """Unresolved entries laid out as LAPOR!-SP4N's form, for entry there (see README)."""
    from sqlmodel import Session

    from aduan.daemon.filestore import write_atomically
    from aduan.daemon.reports.lapor import as_csv, as_json, lapor_rows, unresolved

    c = ctx_of(ctx)
    if format_ not in ("csv", "json"):
        raise UsageError(f"--format {format_!r}: use csv or json")
    settings = c.settings
    runtime = runtime_of(c)
    start = parse_date(since, settings.facility.tz, "--since") if since else None
    with Session(runtime.engine) as session:
        entries = unresolved(session, start)
        rows = lapor_rows(
            entries, settings, runtime.clock(), agency=agency, with_contact=with_contact
        )
    data = as_csv(rows) if format_ == "csv" else as_json(rows)
    if out is None:
        typer.echo(data.decode("utf-8-sig"), nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(out, data)
    typer.echo(t("exported", c.language, n=len(rows), path=out), err=True)


def import_files(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., metavar="FILE...", exists=False),
    channel: str | None = typer.Option(
        None, "--channel", help="For a CSV log without a 'kanal' column: sms, telepon…"
    ),
    own: list[str] = typer.Option(
        [], "--own", help="The facility's own name in a chat (its answers are not complaints)."
    ),
    by: str = typer.Option("staf", "--by", help="Who imports (recorded in the audit trail)."),
    json_: bool = JSON_OPT,
) -> None:
    """Import a WhatsApp chat export (.txt) or a CSV log of SMS/phone complaints.

    Each message becomes an entry once: importing the same or a longer export again adds
    only what is new.
    """
    from aduan.daemon.imports import IMPORT_CHANNELS, plan_import
    from aduan.daemon.processed import Outcome

    c = ctx_of(ctx)
    if channel is not None and channel not in IMPORT_CHANNELS:
        raise UsageError(f"--channel {channel!r}: use one of {', '.join(IMPORT_CHANNELS)}")
    settings = c.settings
    runtime = runtime_of(c)
    summary: list[dict[str, Any]] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"{path}: cannot be read ({exc.strerror})") from exc
        plan = plan_import(
            data,
            path.name,
            settings.facility.tz,
            channel=channel,
            own=[*own, settings.facility.name],
            by=by,
        )
        results = runtime.intake.take_manuals(plan.items, f"import:{plan.kind}")
        new = [r.register_no for r in results if r.outcome is Outcome.REGISTERED]
        summary.append(
            {
                "file": str(path),
                "registered": new,
                "duplicates": len(results) - len(new),
                "skipped": plan.skipped,
            }
        )
    if json_ or c.json:
        print_json(summary)
        return
    for s in summary:
        typer.echo(
            t(
                "imported",
                c.language,
                file=s["file"],
                n=len(s["registered"]),
                dup=s["duplicates"],
                skipped=s["skipped"],
            )
        )
        for no in s["registered"]:
            typer.echo(f"  {no}")


def receipt(
    ctx: typer.Context,
    register_no: str = typer.Argument(..., metavar="NO"),
    out: Path | None = typer.Option(
        None, "--out", help="PDF to write (default: tanda-terima-NO.pdf in [reports] dir)."
    ),
) -> None:
    """A small printable receipt (80 mm) with the tracking code, for the complainant."""
    from sqlmodel import Session

    from aduan.daemon.filestore import write_atomically
    from aduan.daemon.register import get_entry
    from aduan.daemon.reports.receipt import receipt_pdf

    c = ctx_of(ctx)
    settings = c.settings
    runtime = runtime_of(c)
    with Session(runtime.engine) as session:
        data = receipt_pdf(get_entry(session, register_no), settings, c.language)
    path = out or settings.reports.dir / f"tanda-terima-{register_no}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)
    typer.echo(t("receipt_written", c.language, path=path))
