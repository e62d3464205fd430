"""`aduan user`: accounts of the staff web console."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from aduan.daemon.cli_common import JSON_OPT, ctx_of, print_json
from aduan.daemon.errors import UsageError
from aduan.daemon.messages import t

if TYPE_CHECKING:
    from sqlalchemy import Engine

user_app = typer.Typer(help="Accounts of the staff web console (aduan web).", no_args_is_help=True)

PasswordFileOpt = typer.Option(
    None,
    "--password-file",
    help="Read the password from this file (its first line) instead of asking for it.",
)


def _password(file: Path | None, lang: str) -> str:
    """From the file, or asked twice without echo. Never printed nor logged."""
    if file is not None:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--password-file {file} cannot be read ({exc})") from exc
        return lines[0] if lines else ""
    first = getpass.getpass(t("user_password", lang))
    if getpass.getpass(t("user_password_again", lang)) != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


def _engine(ctx: typer.Context) -> Engine:
    from aduan.daemon.database import open_database

    return open_database(ctx_of(ctx).settings)


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="Login name (recorded as `by`)."),
    role: str = typer.Option(..., "--role", help="staf, tim_mutu or kepala."),
    password_file: Path | None = PasswordFileOpt,
) -> None:
    """Make a console account. Without --password-file the password is asked for twice."""
    from aduan.daemon.clock import utc_now
    from aduan.daemon.web.accounts import add_user, check_name, check_password
    from aduan.models.tables import ROLES

    c = ctx_of(ctx)
    value = check_name(name)
    if role not in ROLES:
        raise UsageError(f"--role {role!r} is not known; use one of: {', '.join(ROLES)}")
    engine = _engine(ctx)
    password = _password(password_file, c.language)
    check_password(password, value)
    add_user(engine, value, role, password, utc_now())
    typer.echo(t("user_added", c.language, name=value, role=role))


@user_app.command("passwd")
def user_passwd(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME"),
    password_file: Path | None = PasswordFileOpt,
) -> None:
    """Set a new password; the account's open sessions end."""
    from aduan.daemon.web.accounts import set_password, user_exists

    c = ctx_of(ctx)
    engine = _engine(ctx)
    if not user_exists(engine, name):
        raise UsageError(f"no account {name}; see `aduan user list`")
    set_password(engine, name, _password(password_file, c.language))
    typer.echo(t("user_passwd", c.language, name=name.strip().lower()))


@user_app.command("list")
def user_list(ctx: typer.Context, json_: bool = JSON_OPT) -> None:
    """Every account with its role and last login."""
    from aduan.daemon.web.accounts import list_users

    c = ctx_of(ctx)
    tz = c.settings.facility.tz
    rows: list[dict[str, Any]] = [
        {
            "name": u.name,
            "role": u.role,
            "disabled": u.disabled,
            "created_at": u.created_at.astimezone(tz).isoformat(),
            "last_login_at": u.last_login_at.astimezone(tz).isoformat()
            if u.last_login_at
            else None,
        }
        for u in list_users(_engine(ctx))
    ]
    if json_ or c.json:
        print_json(rows)
        return
    if not rows:
        typer.echo(t("user_none", c.language))
    for row in rows:
        state = " (nonaktif)" if row["disabled"] else ""
        last = (row["last_login_at"] or "-")[:16]
        typer.echo(f"{row['name']:<20} {row['role']:<9} {last}{state}")


@user_app.command("disable")
def user_disable(ctx: typer.Context, name: str = typer.Argument(..., metavar="NAME")) -> None:
    """Stop an account from logging in (its sessions end now); the trail keeps its name."""
    from aduan.daemon.web.accounts import set_disabled

    set_disabled(_engine(ctx), name, True)
    typer.echo(t("user_disabled", ctx_of(ctx).language, name=name.strip().lower()))


@user_app.command("enable")
def user_enable(ctx: typer.Context, name: str = typer.Argument(..., metavar="NAME")) -> None:
    """Let a disabled account log in again."""
    from aduan.daemon.web.accounts import set_disabled

    set_disabled(_engine(ctx), name, False)
    typer.echo(t("user_enabled", ctx_of(ctx).language, name=name.strip().lower()))
