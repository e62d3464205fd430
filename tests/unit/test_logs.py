"""Log lines: key=value or JSON, one per event, and the chatty libraries kept quiet."""

from __future__ import annotations

import json
import logging

import pytest

from aduan.daemon.logs import setup_logging


def emit(capsys: pytest.CaptureFixture[str], fmt: str) -> str:
    setup_logging("DEBUG", fmt)
    logging.getLogger("aduan.test").info("registered %s source=%s", "ADU-2026-11-0001", "maildir")
    logging.getLogger("imapclient.imaplib").debug("> FETCH 1 BODY[] Siti Rahmawati")
    return capsys.readouterr().err


def test_key_value_lines(capsys: pytest.CaptureFixture[str]) -> None:
    (line,) = emit(capsys, "kv").splitlines()
    assert line == ('level=info logger=aduan.test msg="registered ADU-2026-11-0001 source=maildir"')


def test_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    (line,) = emit(capsys, "json").splitlines()
    assert json.loads(line) == {
        "level": "info",
        "logger": "aduan.test",
        "msg": "registered ADU-2026-11-0001 source=maildir",
    }
