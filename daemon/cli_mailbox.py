"""`aduan mailbox authorize`: the one-time OAuth2 consent for Gmail or Microsoft 365."""

from __future__ import annotations

import typer

from aduan.daemon.cli_common import ctx_of
from aduan.daemon.errors import ExitCode, UsageError
from aduan.daemon.messages import t

mailbox_app = typer.Typer(
    help="The complaint mailbox: OAuth2 sign-in (Gmail, Microsoft 365).", no_args_is_help=True
)

FLOWS = ("device", "browser")


@mailbox_app.command("authorize")
def authorize(
    ctx: typer.Context,
    smtp: bool = typer.Option(
        False,
        "--smtp",
        help="Sign in the \\[smtp] account (needed only when it is not \\[mailbox]'s).",
    ),
    flow: str | None = typer.Option(
        None,
        "--flow",
        help="device: a code to type on any phone or laptop (Microsoft); browser: a link to "
        "open, then the browser comes back here or its address is pasted (Google). "
        "Default: device where the provider offers it.",
    ),
    port: int = typer.Option(
        0,
        "--port",
        help="browser: the port on 127.0.0.1 the browser is sent back to (default: a free one; "
        "fix one to forward it with ssh -L).",
    ),
) -> None:
    """Give aduan access to the mailbox once (OAuth2); the tokens are stored with the data
    and renewed by aduan from then on. Run it as the user aduan runs as."""
    from aduan.daemon.check import check_imap, check_smtp
    from aduan.daemon.clock import utc_now
    from aduan.daemon.oauth import Consent, stdin_if_interactive

    c = ctx_of(ctx)
    lang = c.language
    consent = Consent(c.settings, "smtp" if smtp else "mailbox", utc_now, lang)
    chosen = flow or consent.default_flow()
    if chosen not in FLOWS:
        raise UsageError(f"--flow {chosen!r}: use one of {', '.join(FLOWS)}")

    def say(text: str) -> None:
        typer.echo(text)

    if chosen == "device":
        done = consent.device(say)
    else:
        done = consent.browser(say, port=port, pasted=stdin_if_interactive())
    minutes = int((done.tokens.expires_at - utc_now()).total_seconds() // 60)
    typer.echo(t("oauth_stored", lang, path=done.path, minutes=max(minutes, 0)))
    if done.shared:
        typer.echo(t("oauth_shared", lang))
    # Try it at once, as the service will: a refused login is better found now.
    results = [check_smtp(c.settings, lang)] if smtp else [check_imap(c.settings, lang)]
    if done.shared:
        results.append(check_smtp(c.settings, lang))
    worst = ExitCode.OK
    for result in results:
        if result.ok:
            typer.echo(t("check_ok", lang, what=f"{result.what}: {result.detail}"))
        elif result.ok is False:
            typer.echo(t("check_fail", lang, what=result.what, why=result.detail))
            worst = max(worst, result.exit_code)
    if worst:
        raise typer.Exit(worst)
