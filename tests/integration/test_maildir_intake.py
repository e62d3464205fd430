"""The embedded default: a local Maildir into the register, exactly once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.mailcorpus import make_mail, unparseable_mails
from tests.support import SimulatedCrash, aduan, entries

CONFIG = """
[database]
url = "{url}"
[maildir]
path = "md"
"""

# The same passes on SQLite and on PostgreSQL (a register migrated by `database_url`).
pytestmark = pytest.mark.both_databases


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "aduan.toml"
    path.write_text(CONFIG.format(url=database_url))
    for sub in ("new", "cur", "tmp"):
        (tmp_path / "md" / sub).mkdir(parents=True)
    return path


def drop(config: Path, name: str, data: bytes) -> None:
    (config.parent / "md" / "new" / name).write_bytes(data)


def test_mail_dropped_in_new_is_registered_once_and_moved_to_cur(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(3):
        drop(config, f"m{i}.eml", make_mail(subject=f"Keluhan {i}"))
    assert aduan(capsys, config, "run", "--once").code == 0
    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(entries(capsys, config)) == 3
    assert os.listdir(config.parent / "md" / "new") == []
    assert sorted(os.listdir(config.parent / "md" / "cur")) == [
        "m0.eml:2,S",
        "m1.eml:2,S",
        "m2.eml:2,S",
    ]


def test_crash_before_the_move_registers_once(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    drop(config, "a.eml", make_mail(subject="Obat habis"))

    def crash(*_args: object) -> None:
        raise SimulatedCrash

    with monkeypatch.context() as patch:
        patch.setattr("aduan.daemon.sources.maildir.os.replace", crash)
        with pytest.raises(SimulatedCrash):
            aduan(capsys, config, "run", "--once")
    assert len(entries(capsys, config)) == 1
    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(entries(capsys, config)) == 1
    assert os.listdir(config.parent / "md" / "new") == []


def test_unparseable_file_is_quarantined_and_can_be_retried(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = unparseable_mails()
    for name, data in bad.items():
        drop(config, f"{name}.eml", data)
    assert aduan(capsys, config, "run", "--once").code == 0
    listed = aduan(capsys, config, "quarantine", "list", "--json").json()
    assert len(listed) == len({data for data in bad.values()})
    assert all(q["reason"] and q["source"] == "maildir" for q in listed)
    human = aduan(capsys, config, "quarantine", "list")
    assert str(listed[0]["id"]) in human.out

    retry = aduan(capsys, config, "quarantine", "retry", str(listed[0]["id"]))
    assert retry.code == 1
    assert listed[0]["reason"].split(":")[0] in retry.err
    assert aduan(capsys, config, "quarantine", "retry", "9999").code == 2


def test_quarantined_mail_registers_on_retry_after_the_limit_is_raised(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aduan.daemon.config import load_settings
    from aduan.daemon.intake import RawItem
    from aduan.daemon.runtime import Runtime

    runtime = Runtime.open(load_settings(config))
    item = RawItem("maildir", "x.eml", make_mail(), runtime.clock())
    try:
        assert runtime.intake.take_mail(item, max_bytes=100).outcome.value == "quarantined"
    finally:
        runtime.close()
    (row,) = aduan(capsys, config, "quarantine", "list", "--json").json()
    assert "exceeds the limit" in row["reason"]

    retry = aduan(capsys, config, "quarantine", "retry", str(row["id"]))
    assert retry.code == 0, retry.err
    assert len(entries(capsys, config)) == 1
    assert aduan(capsys, config, "quarantine", "list", "--json").json() == []
    assert aduan(capsys, config, "quarantine", "retry", str(row["id"])).code == 2
