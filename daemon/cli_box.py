"""`aduan kotak`: openings of the suggestion box, and whether every slip was registered."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import typer

from aduan.daemon.box import BoxCount
from aduan.daemon.cli_common import JSON_OPT, ctx_of, parse_date, print_json, runtime_of
from aduan.daemon.messages import t

kotak_app = typer.Typer(
    help="The suggestion box: record each opening and the slips taken out.", no_args_is_help=True
)


@kotak_app.command("buka")
def kotak_buka(
    ctx: typer.Context,
    date: str | None = typer.Option(
        None, "--date", help="When it was opened: YYYY-MM-DD or YYYY-MM-DDTHH:MM (default: now)."
    ),
    by: str = typer.Option(..., "--by", help="Who opened it."),
    count: int = typer.Option(..., "--count", help="How many slips were taken out."),
    note: str | None = typer.Option(None, "--note", help="Anything worth keeping."),
) -> None:
    """Record that the box was opened. Slips registered from now on belong to this opening,
    and their deadlines count from it. The opening before it is closed."""
    from aduan.daemon.box import open_box
    from aduan.models.db import transaction

    c = ctx_of(ctx)
    tz = c.settings.facility.tz
    runtime = runtime_of(c)
    now = runtime.clock()
    opened_at = parse_date(date, tz, "--date") if date else now
    with transaction(runtime.engine) as session:
        box = open_box(session, opened_at, by, count, note, now)
        box_id, at = box.id, box.opened_at
    typer.echo(t("box_opened", c.language, id=box_id, at=_local(at, tz), n=count))


@kotak_app.command("tutup")
def kotak_tutup(
    ctx: typer.Context,
    box_id: int | None = typer.Argument(None, metavar="[ID]", help="Default: the open one."),
) -> None:
    """Close an opening: every slip of it is registered, or the rest are lost."""
    from aduan.daemon.box import box_counts, close_box
    from aduan.models.db import transaction

    c = ctx_of(ctx)
    runtime = runtime_of(c)
    with transaction(runtime.engine) as session:
        closed = close_box(session, box_id, runtime.clock())
        (count,) = [b for b in box_counts(session) if b.id == closed.id]
    typer.echo(describe_box(count, c.language, c.settings.facility.tz))


@kotak_app.command("list")
def kotak_list(ctx: typer.Context, json_: bool = JSON_OPT) -> None:
    """Every opening, newest first: slips counted against slips registered."""
    from sqlmodel import Session

    from aduan.daemon.box import box_counts

    c = ctx_of(ctx)
    tz = c.settings.facility.tz
    runtime = runtime_of(c)
    with Session(runtime.engine) as session:
        counts = box_counts(session)
    if json_ or c.json:
        print_json([b.as_json(tz) for b in counts])
        return
    if not counts:
        typer.echo(t("box_none", c.language))
    for box in counts:
        typer.echo(describe_box(box, c.language, tz))


def describe_box(box: BoxCount, lang: str, tz: ZoneInfo) -> str:
    """One line: which opening, counted vs registered, and what it means."""
    return t(
        f"box_{box.state}",
        lang,
        id=box.id,
        at=_local(box.opened_at, tz),
        by=box.opened_by,
        counted=box.counted,
        registered=box.registered,
        n=abs(box.difference),
    )


def _local(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
