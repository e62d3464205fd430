"""Loopback ports and the context-manager shape shared by the test servers."""

from __future__ import annotations

import contextlib
import socket
import time
from types import TracebackType
from typing import Self

LOOPBACK = "127.0.0.1"


def free_ports(count: int, host: str = LOOPBACK) -> list[int]:
    """Return `count` distinct ports that were free a moment ago.

    All sockets stay bound until every port is known, so one call never hands
    out the same port twice. The usual race remains: another process may take
    a port before the caller binds it.
    """
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((host, 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


def free_port(host: str = LOOPBACK) -> int:
    """Return a port on `host` that was free a moment ago."""
    return free_ports(1, host)[0]


def wait_for_port(host: str, port: int, timeout: float) -> None:
    """Block until a TCP connection to host:port succeeds.

    Raises TimeoutError with the last connection error once `timeout` seconds
    have passed.
    """
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        try:
            with socket.create_connection((host, port), timeout=max(remaining, 0.05)):
                return
        except OSError as exc:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{host}:{port} not accepting connections: {exc}") from exc
        # A refused connect returns at once; the pause keeps this from spinning.
        time.sleep(0.01)


class LoopbackServer:
    """A test server used as a context manager: leaving the block stops it."""

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
