"""Helpers shared by the integration tests: configs on disk, the CLI in-process, the register."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aduan.daemon.cli import main
from tests.servers.dovecot import ImapAccount


class SimulatedCrash(BaseException):
    """Stands for a power cut: nothing after it runs, no handler catches it."""


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def write_config(
    tmp_path: Path,
    account: ImapAccount | None = None,
    *,
    done_folder: str | None = "Aduan/Diproses",
    security: str = "none",
    port: int | None = None,
    host: str | None = None,
    extra: str = "",
    mailbox_extra: str = "",
    database_url: str = "sqlite:///var/aduan.db",
) -> Path:
    """An aduan.toml in `tmp_path` reading `account` (plain IMAP on loopback by default)."""
    lines = [
        "[facility]",
        'name = "Puskesmas Uji"',
        "[database]",
        f'url = "{database_url}"',
    ]
    if account is not None:
        lines += [
            "[mailbox]",
            f'host = "{host or account.host}"',
            f"port = {port or (account.tls_port if security == 'tls' else account.port)}",
            f'security = "{security}"',
            f'username = "{account.user}"',
            f'password = "{account.password}"',
            f'ca_file = "{account.ca_file}"',
            "timeout_seconds = 10",
        ]
        if done_folder is not None:
            lines.append(f'done_folder = "{done_folder}"')
        lines.append(mailbox_extra)
    lines.append(extra)
    path = tmp_path / "aduan.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def aduan(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> CliResult:
    """Run the `aduan` command in-process, as a user would from the shell."""
    capsys.readouterr()
    code = main(["--config", str(config), *args])
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)


def entries(capsys: pytest.CaptureFixture[str], config: Path) -> list[dict[str, Any]]:
    result = aduan(capsys, config, "register", "list", "--json")
    assert result.code == 0, result.err
    data: list[dict[str, Any]] = result.json()
    return data
