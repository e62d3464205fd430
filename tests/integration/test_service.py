"""`aduan run` as `make run` starts it: embedded default, foreground, stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.mailcorpus import make_mail
from tests.support import aduan, entries


def wait_until(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def registered(cwd: Path) -> int:
    out = subprocess.run(
        [sys.executable, "-m", "aduan.daemon", "register", "list", "--json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return len(json.loads(out))


def test_run_on_the_embedded_default_registers_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ADUAN_CONFIG"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aduan.daemon", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        new = tmp_path / "var" / "maildir" / "new"
        wait_until(new.is_dir)
        (new / "1.eml").write_bytes(make_mail(subject="Antrian lama"))
        wait_until(lambda: registered(tmp_path) == 1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "var/maildir/new" in err  # tells the user where to put mail
    assert (tmp_path / "var" / "aduan.db").exists()


def test_log_holds_no_names_addresses_or_complaint_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "aduan.toml"
    config.write_text('[database]\nurl = "sqlite:///var/a.db"\n[maildir]\npath = "md"\n')
    new = tmp_path / "md" / "new"
    new.mkdir(parents=True)
    secrets = [
        "Wahyuningsih Rahayu",
        "wahyu.rahayu@example.id",
        "0812-7788-9900",
        "obat salah dosis",
    ]
    body = f"Saya {secrets[0]}, HP {secrets[2]}. Anak saya diberi {secrets[3]}."
    (new / "a.eml").write_bytes(
        make_mail(sender=f"{secrets[0]} <{secrets[1]}>", subject="Keluhan farmasi", body=body)
    )
    (new / "b.eml").write_bytes(b"not a mail " + secrets[0].encode())
    result = aduan(capsys, config, "--log-level", "DEBUG", "run", "--once")
    assert result.code == 0
    assert len(entries(capsys, config)) == 1
    logged = result.err
    assert "registered" in logged and "quarantined" in logged
    for secret in secrets:
        assert secret not in logged
