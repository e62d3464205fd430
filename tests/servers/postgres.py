"""A real, throwaway PostgreSQL server on loopback for integration tests.

    with Postgres.start(tmp_path) as server:
        url = server.create_database()          # postgresql+psycopg://aduan@127.0.0.1:PORT/t0001
        copy = server.create_database(template="t0001")

One cluster (initdb) of its own, one `postgres` process listening on 127.0.0.1 on a free
port, no unix socket, trust authentication for the superuser `aduan`. It is tuned for speed,
not durability (fsync, synchronous_commit and full_page_writes off): the data is thrown away
with the server. The session's time zone is Asia/Jakarta, not UTC, so a naive timestamp or
a time zone mix-up shows in the tests.

The data directory is a fresh scratch directory, removed by `stop()`: on /dev/shm when that
tmpfs has room (CREATE DATABASE takes ~0.03 s there, ~0.25 s on an ext4 disk even with
fsync off), else in the system temp dir. The server's log is `postgres.log` in the folder
given to `start`.

PostgreSQL refuses to run as root ("root execution of the PostgreSQL server is not
permitted"). When we are root, initdb and postgres run as `nobody`: Popen's user=, group=
and extra_groups=[] (setgid, setgroups, setuid in the child), so no su, runuser or sudo is
needed. The scratch directory is chowned to nobody; it is outside pytest's temp dirs, which
are mode 0700 root and closed to nobody. We open the log file and the server inherits the
descriptor, so nobody needs no access to those either. Not root: everything runs as we do.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from itertools import count
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from tests.servers.net import LOOPBACK, LoopbackServer, free_port

SUPERUSER = "aduan"
# Debian keeps each major version's programs in /usr/lib/postgresql/N/bin, off PATH.
_DEBIAN_BIN_DIRS = "/usr/lib/postgresql/*/bin"
# The fast place for the data, when at least this much of it is free (a container's /dev/shm
# is often 64 MB; a session's databases take a few hundred).
_TMPFS = Path("/dev/shm")
_TMPFS_MIN_FREE = 2 << 30
_NAME_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# For tests only: every setting that trades durability for speed, on loopback alone.
_SETTINGS = {
    "listen_addresses": "'{host}'",
    "port": "{port}",
    "unix_socket_directories": "''",
    "max_connections": "200",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "shared_buffers": "32MB",
    "max_wal_size": "256MB",
    "timezone": "'Asia/Jakarta'",
    "log_timezone": "'UTC'",
    "log_checkpoints": "off",
}


class PostgresError(RuntimeError):
    """The test server could not be started or driven."""


def find_bin_dir() -> Path | None:
    """The folder with initdb and postgres: Debian's newest version, else whatever is on PATH."""

    def version(path: Path) -> int:
        name = path.parent.name
        return int(name) if name.isdigit() else 0

    candidates = sorted(Path("/").glob(_DEBIAN_BIN_DIRS.lstrip("/")), key=version)
    for candidate in reversed(candidates):
        if (candidate / "initdb").exists() and (candidate / "postgres").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


class Postgres(LoopbackServer):
    """One PostgreSQL cluster rooted in a private directory.

    Use `Postgres.start(dir)`; the constructor only runs initdb.
    """

    host = LOOPBACK

    def __init__(self, root: Path, *, bin_dir: Path | None = None) -> None:
        found = bin_dir or find_bin_dir()
        if found is None:
            raise PostgresError("initdb not found (Debian package postgresql)")
        self.bin_dir = found
        self.root = root.resolve()
        self.port = free_port()
        self.log_path = self.root / "postgres.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._names = count(1)
        self._as_root = os.geteuid() == 0
        if self._as_root:
            nobody = pwd.getpwnam("nobody")
            self._uid, self._gid = nobody.pw_uid, nobody.pw_gid
        else:
            self._uid, self._gid = os.geteuid(), os.getegid()
        self._scratch: Path | None = Path(
            tempfile.mkdtemp(prefix="aduan-postgres-", dir=_scratch_parent())
        )
        os.chown(self._scratch, self._uid, self._gid)
        self.data_dir = self._scratch / "data"
        # A script that dies without stop() would otherwise leave postgres running: it is in
        # its own session, out of reach of Ctrl-C.
        atexit.register(self.stop)
        try:
            self._initdb()
        except BaseException:
            self.stop()
            raise

    # -- lifecycle ---------------------------------------------------------

    @classmethod
    def start(cls, root: Path, *, bin_dir: Path | None = None, timeout: float = 30.0) -> Postgres:
        """Create a cluster under `root` and run it until it accepts connections."""
        server = cls(root, bin_dir=bin_dir)
        try:
            server._launch(timeout)
        except BaseException:
            server.stop()
            raise
        return server

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (fast shutdown: sessions are ended) and delete its data.
        Idempotent."""
        self._halt(timeout)
        scratch, self._scratch = self._scratch, None
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    def restart(self, timeout: float = 30.0) -> None:
        """Stop and start again on the same port with the same data; sessions are cut.
        (`stop` deletes the data: after it, there is nothing to start again.)"""
        if self._scratch is None:
            raise PostgresError("stopped for good: the data directory is gone")
        self._halt(timeout)
        self._launch(timeout)

    # -- databases ---------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of `database` (psycopg 3)."""
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[Any]:
        """An autocommit connection as the superuser. Caller closes it."""
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=SUPERUSER,
            dbname=database,
            autocommit=True,
            connect_timeout=10,
        )

    def create_database(self, name: str | None = None, *, template: str | None = None) -> str:
        """A new database, empty or a copy of `template` (which nobody may be connected to);
        returns its URL."""
        name = _checked(name or self._fresh_name())
        source = _checked(template or "template0")
        # FILE_COPY copies the files after a checkpoint (cheap with fsync off); the default,
        # WAL_LOG, would also write every page of the copy to the WAL.
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY")
        with self.connect() as conn:
            conn.execute(statement.format(sql.Identifier(name), sql.Identifier(source)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop `name`, ending its sessions first."""
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        with self.connect() as conn:
            conn.execute(statement.format(sql.Identifier(_checked(name))))

    def query(
        self, database: str, statement: str, params: Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        """The rows of one statement, in a session of its own (autocommit)."""
        with self.connect(database) as conn:
            cursor = conn.execute(statement.encode(), params)
            return cursor.fetchall() if cursor.description else []

    def log(self) -> str:
        """The server's own log (warnings and errors; startup and shutdown)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    # -- internals ---------------------------------------------------------

    def _fresh_name(self) -> str:
        return f"t{next(self._names):04d}"

    def _run_as_server_user(self, argv: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        """Start a PostgreSQL program as the account the cluster belongs to."""
        cwd = self.data_dir.parent  # a folder that account can enter: the scratch directory
        if self._as_root:
            # extra_groups=[] drops root's supplementary groups (setgroups) before setuid.
            kwargs |= {"user": self._uid, "group": self._gid, "extra_groups": []}
        return subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, **kwargs)

    def _initdb(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        argv = [
            str(self.bin_dir / "initdb"),
            "--pgdata", str(self.data_dir),
            "--username", SUPERUSER,
            "--auth", "trust",
            "--encoding", "UTF8",
            "--locale", "C",
            "--no-sync",
            "--no-instructions",
        ]  # fmt: skip
        proc = self._run_as_server_user(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out, _ = proc.communicate(timeout=120)
        if proc.returncode != 0:
            raise PostgresError(f"initdb exited {proc.returncode}: {out.decode(errors='replace')}")
        settings = "".join(
            f"{key} = {value.format(host=self.host, port=self.port)}\n"
            for key, value in _SETTINGS.items()
        )
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"\n# Added by tests/servers/postgres.py\n{settings}")

    def _launch(self, timeout: float) -> None:
        if self.running:
            raise PostgresError("already running")
        argv = [str(self.bin_dir / "postgres"), "-D", str(self.data_dir)]
        with self.log_path.open("ab") as out:
            # A new session so that stop() can signal every backend, even if the postmaster
            # itself is gone.
            self._proc = self._run_as_server_user(
                argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self._halt(timeout)
            raise

    def _wait_ready(self, timeout: float) -> None:
        """Connecting is the only proof: the port opens while the server is still starting
        up ("the database system is starting up")."""
        deadline = time.monotonic() + timeout
        while True:
            proc = self._proc
            if proc is None or proc.poll() is not None:
                code = None if proc is None else proc.returncode
                raise PostgresError(f"postgres exited with {code} during startup\n{self._tail()}")
            try:
                with self.connect() as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() >= deadline:
                    raise PostgresError(
                        f"postgres not ready on port {self.port} after {timeout} s ({exc})\n"
                        f"{self._tail()}"
                    ) from exc
            time.sleep(0.01)

    def _halt(self, timeout: float) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        # SIGINT is PostgreSQL's fast shutdown: sessions are ended, no waiting for clients.
        _signal_group(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait(timeout)
        # Backends of a killed postmaster would keep the port and the shared memory.
        deadline = time.monotonic() + timeout
        while _signal_group(proc.pid, 0):
            if time.monotonic() >= deadline:
                _signal_group(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.01)

    def _tail(self, lines: int = 30) -> str:
        text = self.log()
        return "\n".join(text.splitlines()[-lines:]) or "(no postgres output)"


def _checked(name: str) -> str:
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"unsupported database name {name!r}")
    return name


def _scratch_parent() -> str | None:
    """/dev/shm if it is a writable tmpfs with room, else None (the system temp dir)."""
    try:
        roomy = shutil.disk_usage(_TMPFS).free >= _TMPFS_MIN_FREE
    except OSError:
        return None
    return str(_TMPFS) if roomy and os.access(_TMPFS, os.W_OK | os.X_OK) else None


def _signal_group(pgid: int, sig: int) -> bool:
    """Send `sig` to the process group (0: only look); False once no process of it is left."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    return True


__all__ = ["SUPERUSER", "Postgres", "PostgresError", "find_bin_dir"]
