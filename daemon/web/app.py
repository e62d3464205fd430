"""The staff web console: a small Starlette app, rendered on the server, Indonesian first.

Every request passes the same gate (`_gate`): a valid session, the role's permission for the
route's action, and on POST the session's CSRF token. Handlers are plain functions run in a
worker thread (the register's functions are synchronous); they change the register only
through `aduan.daemon.actions` and the register's own functions, with the logged-in person's
name as the events' `by`.

Nothing personal goes into a URL or the log: URLs carry register numbers, file hashes and
filter values; searches are POSTed; the log names register numbers and account names.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import threading
import traceback
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aduan.daemon.config import Settings
from aduan.daemon.errors import AduanError
from aduan.daemon.runtime import Runtime
from aduan.daemon.web.accounts import Staff, authenticate, may, normalise_name, user_exists
from aduan.daemon.web.sessions import (
    IDLE,
    Login,
    LoginLimiter,
    client_address,
    end_session,
    find_session,
    load_secret,
    start_session,
)
from aduan.daemon.web.texts import event_label, status_label, text, value_label

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
LOGIN_PATH = "/masuk"
FLASH_COOKIE = "aduan_pesan"
LOGIN_COOKIE = "aduan_masuk"
LOGIN_FORM_SECONDS = 60 * 60
MAX_BODY = 2 * 1024 * 1024  # forms only: no uploads
# Paths a login may return to: no query, nothing but what our own routes use.
_NEXT = re.compile(r"/(?!/)[A-Za-z0-9/_.-]{0,200}")

# Every page: no framing, no scripts, nothing cached, no referrer to anywhere.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cache-control": "no-store",
}


class NotFound(Exception):
    """The entry, file or item asked for does not exist: a 404 page."""


@dataclass
class Console:
    """What every request needs: the runtime, the language, the signer, the limits."""

    runtime: Runtime
    lang: str
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    clock: Callable[[], datetime] | None = None

    def __post_init__(self) -> None:
        settings = self.runtime.settings
        web = settings.web
        secret_file = web.secret_file or settings.storage.path / "web-secret"
        self.signer = URLSafeTimedSerializer(load_secret(secret_file), salt="aduan-web")
        self.secure = (web.base_url or "").startswith("https://")
        # __Host-: the browser keeps it for this host only, over HTTPS, for the whole site.
        self.session_cookie = "__Host-aduan_sesi" if self.secure else "aduan_sesi"
        self.trusted = [ipaddress.ip_network(p, strict=False) for p in web.trusted_proxies]
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("aduan.daemon.web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        tz = settings.facility.tz
        lang = self.lang

        def when(value: datetime | None) -> str:
            if value is None:
                return "-"
            local = value.astimezone(tz)
            return local.strftime("%d/%m/%Y %H.%M" if lang == "id" else "%Y-%m-%d %H:%M")

        self.env.globals.update(
            _=lambda key, **values: text(key, lang, **values),
            label=lambda value: value_label(value, lang),
            status_label=lambda value: status_label(value, lang),
            event_label=lambda value: event_label(value, lang),
            when=when,
            lang=lang,
            facility=settings.facility.name,
            may=may,
        )
        self.previews = Previews()

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def engine(self) -> Engine:
        return self.runtime.engine

    def now(self) -> datetime:
        return (self.clock or self.runtime.clock)()

    def t(self, key: str, **values: Any) -> str:
        return text(key, self.lang, **values)

    def html(self, template: str, code: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(template).render(**context), code)

    def error_page(
        self, status: int, message: str, login: Login | None = None, request: Request | None = None
    ) -> HTMLResponse:
        return self.html(
            "error.html.j2",
            status,
            status=status,
            message=message,
            staff=login.staff if login else None,
            csrf=login.csrf if login else "",
            flash=None,
            path=request.url.path if request else "",
        )

    def client(self, request: Request) -> str:
        peer = request.client.host if request.client else None
        return client_address(peer, request.headers.get("x-forwarded-for"), self.trusted)

    def set_flash(self, response: Response, message: str, error: bool = False) -> None:
        value = self.signer.dumps({"m": message[:500], "e": error}, salt="flash")
        response.set_cookie(
            FLASH_COOKIE,
            value,
            max_age=120,
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )

    def read_flash(self, request: Request) -> tuple[str, bool] | None:
        raw = request.cookies.get(FLASH_COOKIE)
        if not raw:
            return None
        try:
            data = self.signer.loads(raw, salt="flash", max_age=120)
        except BadSignature:
            return None
        return str(data.get("m", "")), bool(data.get("e"))


@dataclass
class Ctx:
    """One request that passed the gate: who, what they sent, and how to answer."""

    console: Console
    request: Request
    login: Login
    form: FormData | None
    flash: tuple[str, bool] | None
    back: str = "/"  # where a refused POST returns to, with the reason

    @property
    def staff(self) -> Staff:
        return self.login.staff

    @property
    def by(self) -> str:
        """The name an event records."""
        return self.login.staff.name

    def t(self, key: str, **values: Any) -> str:
        return self.console.t(key, **values)

    def field(self, name: str) -> str | None:
        """A form field, stripped; None when absent or empty."""
        if self.form is None:
            return None
        value = self.form.get(name)
        if not isinstance(value, str):
            return None
        value = value.replace("\r\n", "\n").strip()
        return value or None

    def query(self, name: str) -> str | None:
        value = self.request.query_params.get(name, "").strip()
        return value or None

    def render(self, template: str, code: int = 200, **context: Any) -> HTMLResponse:
        response = self.console.html(
            template,
            code,
            staff=self.staff,
            csrf=self.login.csrf,
            flash=self.flash,
            path=self.request.url.path,
            **context,
        )
        if self.flash is not None:
            response.delete_cookie(FLASH_COOKIE)
        return response

    def redirect(self, path: str, message: str | None = None, error: bool = False) -> Response:
        response = RedirectResponse(path, status_code=303)
        if message:
            self.console.set_flash(response, message, error)
        return response

    def forbidden(self) -> Response:
        return self.console.error_page(
            403,
            self.t("error_403_role", role=self.t(f"role_{self.staff.role}")),
            self.login,
            self.request,
        )


Handler = Callable[[Ctx], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


def guarded(console: Console, handler: Handler, action: str) -> Endpoint:
    """The gate every page and form passes: session, role, CSRF; then the handler."""

    async def endpoint(request: Request) -> Response:
        login = await run_in_threadpool(
            find_session, console.engine, request.cookies.get(console.session_cookie), console.now()
        )
        if login is None:
            response: Response
            if request.method == "GET":
                target = request.url.path
                query = f"?lanjut={target}" if target != "/" and _NEXT.fullmatch(target) else ""
                response = RedirectResponse(LOGIN_PATH + query, status_code=303)
            else:
                response = RedirectResponse(LOGIN_PATH, status_code=303)
                console.set_flash(response, console.t("login_expired"), error=True)
            response.delete_cookie(console.session_cookie)
            return response
        if not login.staff.may(action):
            log.warning("user=%s refused: %s %s", login.staff.name, request.method, action)
            return console.error_page(
                403,
                console.t("error_403_role", role=console.t(f"role_{login.staff.role}")),
                login,
                request,
            )
        form = None
        if request.method == "POST":
            form = await request.form(max_files=0, max_fields=50)
            token = form.get("csrf")
            if not isinstance(token, str) or not secrets.compare_digest(token, login.csrf):
                log.warning("user=%s refused: CSRF token missing or wrong", login.staff.name)
                return console.error_page(403, console.t("error_csrf"), login, request)
        ctx = Ctx(console, request, login, form, console.read_flash(request))
        try:
            return await run_in_threadpool(handler, ctx)
        except NotFound:
            return console.error_page(404, console.t("error_404"), login, request)
        except AduanError as exc:
            if request.method == "POST":
                return ctx.redirect(ctx.back, str(exc), error=True)
            return console.error_page(400, console.t("error_400", why=str(exc)), login, request)

    return endpoint


# --- logging in and out ---------------------------------------------------------------


def _login_form(console: Console, request: Request, status: int = 200, **extra: Any) -> Response:
    """The login page, with a fresh pre-login token: the form's copy is signed, the cookie's
    is plain, and the POST must bring both (a login form on another site cannot)."""
    nonce = secrets.token_urlsafe(24)
    flash = console.read_flash(request)
    next_path = request.query_params.get("lanjut", "")
    response = console.html(
        "login.html.j2",
        status,
        staff=None,
        csrf=console.signer.dumps(nonce, salt="login"),
        flash=flash,
        path=LOGIN_PATH,
        next_path=next_path if _NEXT.fullmatch(next_path) else "",
        name=extra.pop("name", ""),
        **extra,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=LOGIN_FORM_SECONDS,
        httponly=True,
        samesite="strict",
        secure=console.secure,
        path=LOGIN_PATH,
    )
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE)
    return response


def login_endpoints(console: Console) -> tuple[Endpoint, Endpoint, Endpoint]:
    async def show(request: Request) -> Response:
        login = await run_in_threadpool(
            find_session, console.engine, request.cookies.get(console.session_cookie), console.now()
        )
        if login is not None:
            return RedirectResponse("/", status_code=303)
        return _login_form(console, request)

    async def submit(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        name = str(form.get("nama") or "")[:100]
        password = str(form.get("sandi") or "")
        token = str(form.get("csrf") or "")
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        try:
            signed = console.signer.loads(token, salt="login", max_age=LOGIN_FORM_SECONDS)
        except BadSignature:
            signed = None
        if not nonce or not isinstance(signed, str) or not secrets.compare_digest(signed, nonce):
            return _login_form(console, request, 403, error=console.t("login_expired"), name=name)
        address = console.client(request)
        wait = console.limiter.wait_seconds(name, address)
        if wait:
            log.warning("console login refused: too many failures (rate limit)")
            minutes = max(1, (wait + 59) // 60)
            response = _login_form(
                console, request, 429, error=console.t("login_wait", minutes=minutes), name=name
            )
            response.headers["retry-after"] = str(wait)
            return response
        staff = await run_in_threadpool(authenticate, console.engine, name, password, console.now())
        if staff is None:
            console.limiter.failed(name, address)
            known = await run_in_threadpool(user_exists, console.engine, name)
            # A name typed into the wrong field could be someone's password: log known ones only.
            log.warning(
                "console login failed for %s",
                f"user={normalise_name(name)}" if known else "an unknown name",
            )
            return _login_form(console, request, 401, error=console.t("login_failed"), name=name)
        console.limiter.succeeded(name)
        token_value, _ = await run_in_threadpool(
            start_session, console.engine, staff, console.now()
        )
        log.info("user=%s logged in (role %s)", staff.name, staff.role)
        next_path = str(form.get("lanjut") or "/")
        response = RedirectResponse(
            next_path if _NEXT.fullmatch(next_path) else "/", status_code=303
        )
        response.set_cookie(
            console.session_cookie,
            token_value,
            max_age=int(IDLE.total_seconds()) * 6,  # the server decides; IDLE ends it there
            httponly=True,
            samesite="lax",
            secure=console.secure,
            path="/",
        )
        response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH)
        return response

    async def logout(request: Request) -> Response:
        token = request.cookies.get(console.session_cookie)
        login = await run_in_threadpool(find_session, console.engine, token, console.now())
        form = await request.form(max_files=0, max_fields=5)
        csrf = form.get("csrf")
        if login is not None:
            if not isinstance(csrf, str) or not secrets.compare_digest(csrf, login.csrf):
                return console.error_page(403, console.t("error_csrf"), login, request)
            await run_in_threadpool(end_session, console.engine, token)
            log.info("user=%s logged out", login.staff.name)
        response = RedirectResponse(LOGIN_PATH, status_code=303)
        response.delete_cookie(console.session_cookie, path="/")
        console.set_flash(response, console.t("logged_out"))
        return response

    return show, submit, logout


# --- images of slips ------------------------------------------------------------------


class Previews:
    """Slip pages rendered as JPEG for the browser (TIFF and PDF scans cannot be shown as
    they are), a few kept in memory: the review queue shows each page more than once."""

    KEEP = 16
    WIDTH = 1400

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha256: str, page: int, load: Callable[[], bytes]) -> bytes:
        key = (sha256, page)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        png = self._render(load(), page)
        with self._lock:
            self._cache[key] = png
            while len(self._cache) > self.KEEP:
                self._cache.popitem(last=False)
        return png

    def _render(self, data: bytes, page: int) -> bytes:
        import io

        from aduan.parsers.pages import ScanFileError, render_page

        try:
            image = render_page(data, page).image
        except (ScanFileError, ValueError) as exc:
            raise NotFound from exc
        if image.width > self.WIDTH:
            image = image.resize((self.WIDTH, round(image.height * self.WIDTH / image.width)))
        out = io.BytesIO()
        # JPEG: a phone on the clinic's Wi-Fi gets a tenth of the bytes of a noisy scan's PNG.
        image.save(out, "JPEG", quality=85)
        return out.getvalue()


# --- the app --------------------------------------------------------------------------


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response that does not set its own."""

    def __init__(self, app: ASGIApp, secure: bool) -> None:
        self.app = app
        self.headers = dict(SECURITY_HEADERS)
        if secure:
            self.headers["strict-transport-security"] = "max-age=31536000"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in self.headers.items():
                    if key not in headers:
                        headers[key] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(console: Console) -> Starlette:
    from aduan.daemon.web import pages

    show, submit, logout = login_endpoints(console)
    routes: list[BaseRoute] = [
        Route(LOGIN_PATH, show, methods=["GET"]),
        Route(LOGIN_PATH, submit, methods=["POST"]),
        Route("/keluar", logout, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    for path, method, handler, action in pages.ROUTES:
        routes.append(Route(path, guarded(console, handler, action), methods=[method]))

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        key = {404: "error_404", 405: "error_405"}.get(status, "error_500")
        return console.error_page(status, console.t(key), request=request)

    async def server_error(request: Request, exc: Exception) -> Response:
        # The message may quote SQL parameters (complaint texts): the type and where only.
        where = "".join(traceback.format_tb(exc.__traceback__)[-3:])
        log.error("console error %s on %s %s\n%s", type(exc).__name__, request.method,
                  request.url.path, where)  # fmt: skip
        return console.error_page(500, console.t("error_500"), request=request)

    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_error, Exception: server_error},
        max_body_size=MAX_BODY,
    )
    app.add_middleware(SecurityHeaders, secure=console.secure)
    return app
