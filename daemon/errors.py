"""Exceptions typed by what the caller can do about them, each with its exit code.

One CLI handler turns an `AduanError` into its exit code and a one-line message; the
service loop catches `SourceUnavailable` and retries later.
"""

from __future__ import annotations

import socket
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1  # something went wrong while working
    USAGE = 2  # usage or configuration error: a person must fix the config or the call
    UNREACHABLE = 3  # a server could not be reached: retry later or fix the network


class AduanError(Exception):
    """Base of every error a user can meet; `str()` is the one-line message."""

    exit_code: ExitCode = ExitCode.FAILURE


class ConfigError(AduanError):
    """The configuration is wrong; the message names the file, the key and the fix."""

    exit_code = ExitCode.USAGE


class UsageError(AduanError):
    """The command was called wrongly (unknown register number, bad date…)."""

    exit_code = ExitCode.USAGE


class SourceUnavailable(AduanError):
    """A server (IMAP, SMTP, database) could not be reached or refused us; retry later."""

    exit_code = ExitCode.UNREACHABLE


class SchemaOutdated(AduanError):
    """The database schema is older than the code: run `aduan db upgrade`."""

    exit_code = ExitCode.USAGE


def describe_network_error(exc: BaseException, section: str) -> str | None:
    """The common ways a connection fails, with what to check; None for anything else."""
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer (timeout); check the host, port and firewall"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused; is the server running on that port?"
    if isinstance(exc, socket.gaierror):
        return f"host name not found; check [{section}] host"
    return None
