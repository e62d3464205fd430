"""Exceptions typed by what the caller can do about them, each with its exit code.

One CLI handler turns an `AduanError` into its exit code and a one-line message; the
service loop catches `SourceUnavailable` and retries later.
"""

from __future__ import annotations

import socket
import ssl
from enum import IntEnum, StrEnum


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


class Trouble(StrEnum):
    """Kinds of login trouble: the server is there, but a person must act before it lets us
    in. These are what `aduan status` shows apart and what is mailed to the head when it
    lasts (daemon/alerts.py)."""

    LOGIN = "login"  # the password or the token was refused by the server
    TOKEN = "token"  # OAuth2: not signed in yet, sign-in revoked or expired, client refused
    CERTIFICATE = "certificate"  # the server's certificate is not trusted
    FOLDER = "folder"  # the folder to read, or done_folder, is missing


class AccessDenied(SourceUnavailable):
    """A server refused us for a reason a person must fix (`trouble` says which); the
    service retries anyway, so the fix takes effect without a restart."""

    def __init__(self, message: str, trouble: Trouble) -> None:
        super().__init__(message)
        self.trouble = trouble


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


# OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH and X509_V_ERR_IP_ADDRESS_MISMATCH.
_NAME_MISMATCH = frozenset({62, 64})


def describe_certificate_error(exc: ssl.SSLCertVerificationError, section: str) -> str:
    """A certificate we do not trust, with what to change: the host name or the CA."""
    if exc.verify_code in _NAME_MISMATCH:
        return (
            f"the server's certificate is for another name ({exc.verify_message}); "
            f"set [{section}] host to the name on the certificate"
        )
    return (
        f"certificate not trusted ({exc.verify_message}); check the host name, "
        f"or set [{section}] ca_file for a private CA"
    )
