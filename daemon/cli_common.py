"""What every command shares: the context of a run, the runtime, JSON output, dates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from aduan.daemon.errors import UsageError

if TYPE_CHECKING:  # `aduan --help` must start fast: pydantic and the rest load when used
    from aduan.daemon.config import Settings


@dataclass
class Context:
    config: Path | None
    json: bool
    lang: str | None
    log_level: str
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = self.load()
        return self._settings

    def load(self) -> Settings:
        from aduan.daemon.config import load_settings

        return load_settings(self.config)

    @property
    def language(self) -> str:
        return self.lang or self.settings.facility.language


def ctx_of(ctx: typer.Context) -> Context:
    obj = ctx.find_root().obj
    assert isinstance(obj, Context)
    return obj


JSON_OPT = typer.Option(False, "--json", help="Print data as JSON.")


def runtime_of(c: Context) -> Any:
    from aduan.daemon.runtime import Runtime

    return Runtime.open(c.settings)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def parse_date(value: str, tz: Any, option: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None
    if isinstance(parsed, datetime) and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed
