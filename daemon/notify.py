"""A minimal sd_notify client for `Type=notify` units.

Written here rather than taken from a package: the protocol is one datagram of
`KEY=value` lines to the socket named in $NOTIFY_SOCKET, and a dependency (or libsystemd
through ctypes) would cost more start-up time and packaging than these few lines.

Every call is a no-op when the service was not started by systemd ($NOTIFY_SOCKET unset), so
`aduan run` in a terminal, the tests and `make run` use the same code path as production.
A notification that cannot be delivered is logged at DEBUG and otherwise ignored: the
daemon's work matters more than systemd's view of it, and if the watchdog pings really stop
arriving systemd restarts the service, which is the intended outcome anyway.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Mapping
from types import TracebackType

log = logging.getLogger(__name__)

# A blocking send to a full notify queue would wait for systemd indefinitely; the loop that
# pings the watchdog must never hang on its own liveness signal.
SEND_TIMEOUT_SECONDS = 5.0


def _socket_address(value: str) -> str | None:
    """The address to send to, or None for values this client cannot use.

    A leading '@' names a socket in Linux's abstract namespace (systemd uses these inside
    containers and for user managers), written with a NUL byte on the wire.
    """
    if value.startswith("/"):
        return value
    if value.startswith("@") and len(value) > 1:
        return "\0" + value[1:]
    # Relative paths are meaningless for a daemon with its own WorkingDirectory, and
    # newer systemd's "vsock:" addresses (VMs) are not something aduan runs under.
    return None


def _clean(text: str) -> str:
    """One line: a newline in a status text would start a new assignment in the datagram
    (e.g. a forged "READY=1" or "MAINPID=" line)."""
    return " ".join(text.splitlines()).strip()


class Notifier:
    """Tells systemd about the service's state; silent when not under systemd.

    Create one in the main process. With `NotifyAccess=main` systemd ignores messages from any
    other process (the OCR and parser workers), so a worker that constructs one by mistake
    does no harm. Thread-safe: the watchdog may be pinged from another thread.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self._watchdog_usec = env.get("WATCHDOG_USEC", "")
        self._watchdog_pid = env.get("WATCHDOG_PID", "")
        raw = env.get("NOTIFY_SOCKET", "")
        self._address = _socket_address(raw) if raw else None
        if raw and self._address is None:
            log.warning("NOTIFY_SOCKET=%r is not a socket address aduan can use; ignored", raw)
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        """True when running under a systemd that listens for notifications."""
        return self._address is not None

    # --- the messages ---------------------------------------------------------------

    def ready(self, status: str | None = None) -> bool:
        """Start-up (or a reload) is complete: systemd finishes `systemctl start` now and
        dependent units may start."""
        return self.notify("READY=1", *self._status_field(status))

    def status(self, text: str) -> bool:
        """A one-line state for `systemctl status` (no personal data: it is world-readable)."""
        return self.notify(f"STATUS={_clean(text)}")

    def watchdog(self) -> bool:
        """Proof that the main loop still turns; send at least every `watchdog_interval()`."""
        return self.notify("WATCHDOG=1")

    def stopping(self, status: str | None = None) -> bool:
        """Shutdown has begun, so systemd shows "deactivating" instead of a hung service."""
        return self.notify("STOPPING=1", *self._status_field(status))

    def reloading(self, status: str | None = None) -> bool:
        """The configuration is being re-read; follow with `ready()` when done.

        MONOTONIC_USEC is required with RELOADING=1 by systemd ≥ 253's Type=notify-reload (to
        tell this reload from an earlier one); older systemd ignores it.
        """
        usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        return self.notify("RELOADING=1", f"MONOTONIC_USEC={usec}", *self._status_field(status))

    def extend_timeout(self, seconds: float) -> bool:
        """Ask for more time in the current start or stop phase (a long database migration
        at start-up would otherwise hit TimeoutStartSec and be killed halfway)."""
        return self.notify(f"EXTEND_TIMEOUT_USEC={max(0, round(seconds * 1_000_000))}")

    # --- the watchdog ---------------------------------------------------------------

    def watchdog_timeout(self) -> float | None:
        """WatchdogSec= in seconds, or None when no watchdog is set for this process.

        $WATCHDOG_PID is checked because the variables are inherited: a child process (or a
        `aduan` started from within the service) must not think the watchdog is its own.
        """
        if self._watchdog_pid:
            try:
                if int(self._watchdog_pid) != os.getpid():
                    return None
            except ValueError:
                return None
        try:
            usec = int(self._watchdog_usec)
        except ValueError:
            return None
        if usec <= 0:
            return None
        return usec / 1_000_000

    def watchdog_interval(self) -> float | None:
        """How often to call `watchdog()`: half the timeout, as sd_watchdog_enabled(3)
        advises, so one late turn of the loop does not get the service killed."""
        timeout = self.watchdog_timeout()
        return None if timeout is None else timeout / 2

    # --- the transport --------------------------------------------------------------

    def notify(self, *fields: str) -> bool:
        """Send `KEY=value` fields as one datagram. True if sent, False if not (unset, or an
        error, logged at DEBUG)."""
        if self._address is None or not fields:
            return False
        payload = "\n".join(fields).encode("utf-8")
        with self._lock:
            try:
                if self._socket is None:
                    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
                    sock.settimeout(SEND_TIMEOUT_SECONDS)
                    self._socket = sock
                self._socket.sendto(payload, self._address)
            except OSError as exc:
                log.debug("sd_notify %s failed: %s", fields[0].split("=", 1)[0], exc)
                return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None

    def __enter__(self) -> Notifier:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @staticmethod
    def _status_field(status: str | None) -> tuple[str, ...]:
        return () if status is None else (f"STATUS={_clean(status)}",)
