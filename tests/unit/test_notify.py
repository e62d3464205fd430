"""sd_notify client: real AF_UNIX datagram sockets stand in for systemd's notify socket."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from aduan.daemon.notify import Notifier


def _receive(sock: socket.socket) -> list[str]:
    return sock.recv(4096).decode("utf-8").split("\n")


@pytest.fixture
def path_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    # AF_UNIX paths are limited to 108 bytes; pytest's tmp_path can be longer.
    path = tmp_path / "n.sock"
    if len(str(path)) > 100:
        pytest.skip(f"tmp path too long for AF_UNIX: {path}")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(5)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield sock
    sock.close()


@pytest.fixture
def abstract_socket(monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    name = f"aduan-test-{uuid.uuid4().hex}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(5)
    monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
    yield sock
    sock.close()


def test_every_message_arrives_on_a_path_socket(path_socket: socket.socket) -> None:
    with Notifier() as notifier:
        assert notifier.enabled
        assert notifier.ready("3 sumber aktif")
        assert _receive(path_socket) == ["READY=1", "STATUS=3 sumber aktif"]
        assert notifier.status("polling IMAP")
        assert _receive(path_socket) == ["STATUS=polling IMAP"]
        assert notifier.watchdog()
        assert _receive(path_socket) == ["WATCHDOG=1"]
        assert notifier.reloading()
        reloading = _receive(path_socket)
        assert reloading[0] == "RELOADING=1"
        assert reloading[1].startswith("MONOTONIC_USEC=")
        assert int(reloading[1].split("=", 1)[1]) > 0
        assert notifier.ready()
        assert _receive(path_socket) == ["READY=1"]
        assert notifier.extend_timeout(30)
        assert _receive(path_socket) == ["EXTEND_TIMEOUT_USEC=30000000"]
        assert notifier.stopping("selesai")
        assert _receive(path_socket) == ["STOPPING=1", "STATUS=selesai"]


def test_abstract_namespace_socket(abstract_socket: socket.socket) -> None:
    notifier = Notifier()
    assert notifier.enabled
    assert notifier.ready()
    assert _receive(abstract_socket) == ["READY=1"]
    assert notifier.watchdog()
    assert _receive(abstract_socket) == ["WATCHDOG=1"]
    notifier.close()


def test_status_cannot_inject_other_assignments(path_socket: socket.socket) -> None:
    notifier = Notifier()
    notifier.status("a\nREADY=1\r\nMAINPID=1")
    assert _receive(path_socket) == ["STATUS=a READY=1 MAINPID=1"]


def test_unset_socket_is_a_silent_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    notifier = Notifier()
    assert not notifier.enabled
    assert not notifier.ready("x")
    assert not notifier.status("x")
    assert not notifier.watchdog()
    assert not notifier.stopping()
    assert not notifier.reloading()
    notifier.close()


def test_unusable_addresses_are_ignored() -> None:
    for value in ("relative/path", "@", "vsock:2:1234"):
        notifier = Notifier({"NOTIFY_SOCKET": value})
        assert not notifier.enabled
        assert not notifier.ready()


def test_unreachable_socket_does_not_raise(tmp_path: Path) -> None:
    notifier = Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone.sock")})
    assert notifier.enabled
    assert not notifier.watchdog()
    notifier.close()


def test_explicit_environment_overrides_process_environment(
    path_socket: socket.socket,
) -> None:
    assert not Notifier({}).ready()
    assert Notifier().ready()
    assert _receive(path_socket) == ["READY=1"]


@pytest.mark.parametrize(
    ("env", "timeout"),
    [
        ({"WATCHDOG_USEC": "60000000"}, 60.0),
        ({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": str(os.getpid())}, 60.0),
        ({"WATCHDOG_USEC": "1500000"}, 1.5),
        ({}, None),
        ({"WATCHDOG_USEC": ""}, None),
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "-5"}, None),
        ({"WATCHDOG_USEC": "sixty"}, None),
        ({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": str(os.getpid() + 1)}, None),
        ({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "abc"}, None),
    ],
)
def test_watchdog_timeout_and_interval(env: dict[str, str], timeout: float | None) -> None:
    notifier = Notifier(env)
    assert notifier.watchdog_timeout() == timeout
    assert notifier.watchdog_interval() == (None if timeout is None else timeout / 2)


def test_watchdog_read_from_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "20000000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert Notifier().watchdog_interval() == 10.0
    monkeypatch.setenv("WATCHDOG_PID", "1")
    assert Notifier().watchdog_interval() is None
