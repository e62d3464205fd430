"""Serving the console with uvicorn: on its own (`aduan web`) or beside `aduan run`."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import uvicorn

from aduan.daemon.config import Settings
from aduan.daemon.errors import AduanError
from aduan.daemon.runtime import Runtime
from aduan.daemon.web.app import Console, create_app

log = logging.getLogger(__name__)


def make_server(
    settings: Settings, lang: str, host: str, port: int
) -> tuple[uvicorn.Server, Runtime]:
    """A uvicorn server for the console, not yet started, and the runtime it uses."""
    runtime = Runtime.open(settings)
    app = create_app(Console(runtime, lang))
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        # Our logging stays as set up at the entry point; no access log: URLs are fine, but
        # one line per image and stylesheet says nothing a sysadmin needs.
        log_config=None,
        access_log=False,
        # X-Forwarded-For is read by the app, from [web] trusted_proxies only.
        proxy_headers=False,
        server_header=False,
        lifespan="off",
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config), runtime


def serve(settings: Settings, lang: str, host: str, port: int) -> None:
    """`aduan web`: serve until SIGTERM/SIGINT, then finish the requests in hand and return
    (exit 0, like `aduan run`)."""
    server, runtime = make_server(settings, lang, host, port)

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        server.should_exit = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    # On a thread, uvicorn leaves the signals to us (on the main thread it would re-raise
    # SIGTERM after shutting down, and the exit status would say "killed").
    thread = threading.Thread(target=server.run, name="web")
    log.info("console listening on http://%s:%d", host, port)
    try:
        thread.start()
        while thread.is_alive():
            thread.join(timeout=0.5)
    finally:
        runtime.close()
    if not server.started:  # uvicorn logged why (the port in use, an unknown address)
        raise AduanError(
            f"the console cannot listen on {host}:{port} (see the line above); "
            "choose another with --port / --host or [web] port / host"
        )


class BackgroundConsole:
    """The console on a thread of `aduan run` ([web] serve_with_run = true)."""

    def __init__(self, settings: Settings, lang: str) -> None:
        self.server, self.runtime = make_server(
            settings, lang, settings.web.host, settings.web.port
        )
        self.thread = threading.Thread(target=self._run, name="web", daemon=True)

    def _run(self) -> None:
        try:
            self.server.run()  # off the main thread: uvicorn leaves the signals to the service
        except Exception:  # the service goes on without its console
            log.exception("the web console stopped")

    def start(self) -> None:
        log.info(
            "console listening on http://%s:%d", self.server.config.host, self.server.config.port
        )
        self.thread.start()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.runtime.close()
