"""OAuth2 sign-in for the mailbox and SMTP (Gmail, Microsoft 365): provider presets, the
token file, refreshing, and the one-time consent of `aduan mailbox authorize`.

The tokens live with the data, `[storage] path`/oauth/<mailbox|smtp>.json, mode 0600, written
whole or not at all; they never reach the log. SMTP shares the mailbox's file when it signs in
as the same account with the same client: one consent, one chain of refresh tokens.

An access token is refreshed when it has less than `REFRESH_MARGIN` left, or when a server
refused it (`access_token(rejected=…)`). A provider that rotates refresh tokens (Microsoft)
sends a new one with each refresh; it is written to the file before the access token is
handed out, so a crash cannot leave us holding only a spent refresh token. Read, refresh and
write happen under an exclusive lock on the file, so the daemon's lanes and an `aduan check`
run beside it never spend the same refresh token twice.

oauthlib does the OAuth2 part (request bodies, PKCE, reading token answers into typed
errors); the HTTP is urllib's, with our own timeout and TLS, like every other server seam.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import queue
import secrets
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from oauthlib.oauth2 import DeviceClient, OAuth2Error, WebApplicationClient

from aduan.daemon.clock import Clock
from aduan.daemon.config import MailLogin, Settings
from aduan.daemon.errors import (
    AccessDenied,
    AduanError,
    SourceUnavailable,
    Trouble,
    UsageError,
    describe_network_error,
)
from aduan.daemon.filestore import locked, write_atomically
from aduan.daemon.messages import t

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)
CONSENT_WAIT_SECONDS = 15 * 60  # how long `authorize` waits for the person
DEFAULT_EXPIRES_IN = 3600  # when a provider leaves expires_in out
_TOKEN_MODE = 0o600
_DIR_MODE = 0o700
_PKCE_LENGTH = 64
_FORM = "application/x-www-form-urlencoded"
_DETAIL_CHARS = 200

GOOGLE_MAIL = "https://mail.google.com/"
MICROSOFT_IMAP = "https://outlook.office.com/IMAP.AccessAsUser.All"
MICROSOFT_SMTP = "https://outlook.office.com/SMTP.Send"
MICROSOFT_OFFLINE = "offline_access"


@dataclass(frozen=True)
class Endpoints:
    """Where and what to ask for one account's tokens."""

    label: str  # for messages: "Google", "Microsoft", or the token endpoint's host
    token_url: str
    authorization_url: str | None
    device_authorization_url: str | None
    scopes: tuple[str, ...]
    # Scopes the answer must include for IMAP / SMTP to work (checked after consent).
    needed: tuple[str, ...] = ()
    # Extra parameters of the authorization URL (Google: a refresh token every time).
    authorization_params: tuple[tuple[str, str], ...] = ()
    refresh_with_scope: bool = False  # Microsoft wants the scopes again on refresh
    redirect_host: str = "127.0.0.1"  # the loopback name the provider accepts


def endpoints_of(cfg: MailLogin) -> Endpoints:
    """The endpoints and scopes for `cfg` (auth = "oauth2"): its provider's, or its own."""
    section = cfg.SECTION
    if cfg.provider == "google":
        # Google's device flow does not allow the Gmail scope: browser and redirect only.
        base = Endpoints(
            label="Google",
            token_url="https://oauth2.googleapis.com/token",
            authorization_url="https://accounts.google.com/o/oauth2/v2/auth",
            device_authorization_url=None,
            scopes=(GOOGLE_MAIL,),
            needed=(GOOGLE_MAIL,),
            authorization_params=(("access_type", "offline"), ("prompt", "consent")),
        )
    elif cfg.provider == "microsoft":
        root = f"https://login.microsoftonline.com/{cfg.tenant or 'common'}/oauth2/v2.0"
        base = Endpoints(
            label="Microsoft",
            token_url=f"{root}/token",
            authorization_url=f"{root}/authorize",
            device_authorization_url=f"{root}/devicecode",
            scopes=(MICROSOFT_IMAP, MICROSOFT_SMTP, MICROSOFT_OFFLINE),
            needed=(MICROSOFT_IMAP if section == "mailbox" else MICROSOFT_SMTP,),
            refresh_with_scope=True,
            redirect_host="localhost",  # what an Entra "Mobile and desktop" app accepts
        )
    else:
        assert cfg.token_url is not None  # the config refuses oauth2 without either
        base = Endpoints(
            label=urlsplit(cfg.token_url).hostname or cfg.token_url,
            token_url=cfg.token_url,
            authorization_url=None,
            device_authorization_url=None,
            scopes=(),
        )
    return Endpoints(
        label=base.label,
        token_url=cfg.token_url or base.token_url,
        authorization_url=cfg.authorization_url or base.authorization_url,
        device_authorization_url=cfg.device_authorization_url or base.device_authorization_url,
        scopes=tuple(cfg.scopes) if cfg.scopes else base.scopes,
        needed=() if cfg.scopes else base.needed,
        authorization_params=base.authorization_params,
        refresh_with_scope=base.refresh_with_scope,
        redirect_host=base.redirect_host,
    )


# --- which file, which account ----------------------------------------------------------


def login_of(settings: Settings, section: str) -> MailLogin:
    cfg: MailLogin | None = settings.mailbox if section == "mailbox" else settings.smtp
    if cfg is None:
        raise UsageError("there is no [mailbox] in the config; nothing to authorize")
    return cfg


def username_of(cfg: MailLogin) -> str:
    username = getattr(cfg, "username", None)
    if not username:
        raise UsageError(f"[{cfg.SECTION}] has no username; set the account's address")
    return str(username)


def shares_mailbox_sign_in(settings: Settings) -> bool:
    """True when [smtp] signs in as the same account, with the same client, as [mailbox]."""
    mailbox, smtp = settings.mailbox, settings.smtp
    if mailbox is None or mailbox.auth != "oauth2" or smtp.auth != "oauth2" or not smtp.host:
        return False
    return (
        endpoints_of(mailbox).token_url == endpoints_of(smtp).token_url
        and mailbox.client_id == smtp.client_id
        and (smtp.username or "").lower() == mailbox.username.lower()
    )


def token_path(settings: Settings, section: str) -> Path:
    name = "mailbox" if section == "smtp" and shares_mailbox_sign_in(settings) else section
    return settings.storage.path / "oauth" / f"{name}.json"


def authorize_command(settings: Settings, section: str) -> str:
    """The command a person runs to sign in again, as messages name it."""
    if section == "smtp" and not shares_mailbox_sign_in(settings):
        return "aduan mailbox authorize --smtp"
    return "aduan mailbox authorize"


def token_source(settings: Settings, section: str, clock: Clock) -> TokenSource | None:
    """Access tokens for [mailbox] or [smtp]; None when it signs in with a password."""
    cfg = settings.mailbox if section == "mailbox" else settings.smtp
    if cfg is None or cfg.auth != "oauth2":
        return None
    return TokenSource(
        cfg,
        username_of(cfg),
        TokenFile(token_path(settings, section)),
        authorize_command(settings, section),
        clock,
    )


# --- the token file ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tokens:
    """What the token file holds. `expires_at` is when the access token dies (UTC)."""

    access_token: str
    refresh_token: str
    expires_at: datetime
    scope: str
    token_url: str
    client_id: str
    username: str
    authorized_at: datetime
    refreshed_at: datetime

    def to_json(self) -> bytes:
        data: dict[str, Any] = asdict(self)
        for key in ("expires_at", "authorized_at", "refreshed_at"):
            data[key] = data[key].isoformat()
        return json.dumps({"version": 1, **data}, indent=2).encode() + b"\n"

    @classmethod
    def from_json(cls, raw: bytes) -> Tokens:
        data = json.loads(raw)
        data.pop("version", None)
        for key in ("expires_at", "authorized_at", "refreshed_at"):
            data[key] = datetime.fromisoformat(data[key])
        return cls(**data)


class TokenFile:
    """One account's tokens on disk: 0600, written atomically, read and changed under lock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Tokens | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AccessDenied(
                f"the token file {self.path} cannot be read ({exc.strerror}); "
                "check that it belongs to the user aduan runs as",
                Trouble.TOKEN,
            ) from exc
        try:
            return Tokens.from_json(raw)
        except (ValueError, TypeError, KeyError) as exc:
            raise AccessDenied(
                f"the token file {self.path} is damaged ({type(exc).__name__})",
                Trouble.TOKEN,
            ) from exc

    def save(self, tokens: Tokens) -> None:
        self._folder()
        write_atomically(self.path, tokens.to_json(), _TOKEN_MODE)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive across threads and processes (flock on a file beside it)."""
        self._folder()
        with locked(self.path):
            yield

    def _folder(self) -> None:
        folder = self.path.parent
        try:
            folder.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
        except OSError as exc:
            raise AccessDenied(
                f"{folder} cannot be created ({exc.strerror}); check [storage] path",
                Trouble.TOKEN,
            ) from exc


# --- refreshing -------------------------------------------------------------------------


class TokenSource:
    """Fresh access tokens for one account, from its token file."""

    def __init__(
        self,
        cfg: MailLogin,
        username: str,
        file: TokenFile,
        command: str,
        clock: Clock,
    ) -> None:
        self.cfg = cfg
        self.username = username
        self.file = file
        self.command = command
        self.clock = clock
        self.endpoints = endpoints_of(cfg)
        self.timeout = float(getattr(cfg, "timeout_seconds", 60.0))

    def access_token(self, rejected: str | None = None) -> str:
        """A valid access token; refreshed first when it is about to expire, or when it is
        `rejected` (a server refused it) and nobody has refreshed it meanwhile."""
        with self.file.lock():
            tokens = self.current()
            now = self.clock()
            if tokens.access_token == rejected or tokens.expires_at - REFRESH_MARGIN <= now:
                tokens = self._refresh(tokens, now)
                self.file.save(tokens)  # before use: a rotated refresh token must not be lost
            return tokens.access_token

    def current(self) -> Tokens:
        """The stored tokens, checked against the config; AccessDenied when there are none."""
        tokens = self.file.load()
        if tokens is None:
            raise AccessDenied(
                f"not signed in to {self.endpoints.label} as {self.username} yet; "
                f"run `{self.command}` once on this server",
                Trouble.TOKEN,
            )
        if (
            tokens.client_id != self.cfg.client_id
            or tokens.token_url != self.endpoints.token_url
            or tokens.username.lower() != self.username.lower()
        ):
            raise AccessDenied(
                f"the stored sign-in ({self.file.path}) was made for another account, client "
                f"or provider than [{self.cfg.SECTION}] now names; run `{self.command}` again",
                Trouble.TOKEN,
            )
        return tokens

    def _refresh(self, tokens: Tokens, now: datetime) -> Tokens:
        client = WebApplicationClient(self.cfg.client_id)
        scope = list(self.endpoints.scopes) if self.endpoints.refresh_with_scope else None
        body = client.prepare_refresh_body(
            refresh_token=tokens.refresh_token,
            scope=scope,
            client_id=self.cfg.client_id,
            client_secret=self.cfg.client_secret(),
        )
        answer = token_request(
            self.endpoints,
            body,
            client,
            self.timeout,
            revoked_hint=f"run `{self.command}` again",
            section=self.cfg.SECTION,
        )
        refreshed = tokens_from(
            answer,
            now,
            previous=tokens,
            token_url=self.endpoints.token_url,
            client_id=str(self.cfg.client_id),
            username=self.username,
        )
        rotated = refreshed.refresh_token != tokens.refresh_token
        log.info(
            "oauth: %s token refreshed, expires in %d min%s",
            self.cfg.SECTION,
            (refreshed.expires_at - now).total_seconds() // 60,
            "; new refresh token stored" if rotated else "",
        )
        return refreshed


def tokens_from(
    answer: dict[str, Any],
    now: datetime,
    *,
    previous: Tokens | None,
    token_url: str,
    client_id: str,
    username: str,
) -> Tokens:
    """A token answer as `Tokens`; a refresh that brings no new refresh token keeps the old."""
    refresh = answer.get("refresh_token") or (previous.refresh_token if previous else None)
    if not refresh:
        raise AduanError(
            "the provider sent no refresh token, so aduan could not stay signed in: for Google, "
            "remove aduan's access at https://myaccount.google.com/permissions and authorize "
            "again; for Microsoft, the scopes must include offline_access"
        )
    expires_in = answer.get("expires_in")
    seconds = int(expires_in) if expires_in is not None else DEFAULT_EXPIRES_IN
    scope = answer.get("scope")
    scope_text = " ".join(scope) if isinstance(scope, list) else str(scope or "")
    return Tokens(
        access_token=str(answer["access_token"]),
        refresh_token=str(refresh),
        expires_at=now + timedelta(seconds=seconds),
        scope=scope_text or (previous.scope if previous else ""),
        token_url=token_url,
        client_id=client_id,
        username=username,
        authorized_at=previous.authorized_at if previous else now,
        refreshed_at=now,
    )


def token_request(
    endpoints: Endpoints,
    body: str,
    client: WebApplicationClient | DeviceClient,
    timeout: float,
    *,
    revoked_hint: str,
    section: str,
) -> dict[str, Any]:
    """POST `body` to the token endpoint; the answer, or a typed error saying who can act."""
    try:
        return token_answer(endpoints, body, client, timeout)
    except OAuth2Error as exc:
        raise token_error(exc, endpoints.label, revoked_hint, section) from exc


def token_answer(
    endpoints: Endpoints, body: str, client: WebApplicationClient | DeviceClient, timeout: float
) -> dict[str, Any]:
    """POST `body` to the token endpoint: the answer, or oauthlib's `OAuth2Error` for the
    provider's refusal (its `error` says which); SourceUnavailable when it cannot answer."""
    status, raw = post_form(endpoints.token_url, body, timeout, endpoints.label)
    if status >= 500:
        raise SourceUnavailable(
            f"{endpoints.label} token endpoint answered {status}; tried again later"
        )
    try:
        answer: dict[str, Any] = client.parse_request_body_response(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceUnavailable(
            f"{endpoints.label} token endpoint sent an answer that is not a token "
            f"(HTTP {status}); tried again later"
        ) from exc
    return answer


def token_error(exc: OAuth2Error, label: str, revoked_hint: str, section: str) -> AduanError:
    """The provider's refusal as one of our errors, with what to do about it."""
    code = str(exc.error)
    detail = _first_line(exc.description or "")
    said = f"{code}: {detail}" if detail else code
    if code == "invalid_grant":
        return AccessDenied(
            f"the {label} sign-in was revoked or has expired ({said}); {revoked_hint}",
            Trouble.TOKEN,
        )
    if code in ("invalid_client", "unauthorized_client"):
        return AccessDenied(
            f"{label} refused the OAuth client ({said}); check [{section}] client_id and "
            "client_secret_file against the app registration",
            Trouble.TOKEN,
        )
    if code in ("temporarily_unavailable", "server_error"):
        return SourceUnavailable(
            f"{label} token endpoint is unavailable ({said}); tried again later"
        )
    return AccessDenied(
        f"{label} refused the token request ({said}); {revoked_hint}", Trouble.TOKEN
    )


def post_form(url: str, body: str, timeout: float, label: str) -> tuple[int, bytes]:
    """POST a form; (status, body) for any HTTP answer, SourceUnavailable for no answer."""
    request = urllib.request.Request(
        url,
        data=body.encode("ascii"),
        headers={"Content-Type": _FORM, "Accept": "application/json"},
        method="POST",
    )
    context = ssl.create_default_context()
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return int(exc.code), bytes(exc.read())
    except ssl.SSLCertVerificationError as exc:
        raise AccessDenied(
            f"the certificate of {label}'s token endpoint is not trusted "
            f"({exc.verify_message}); check the machine's clock and CA certificates "
            "(Debian package ca-certificates)",
            Trouble.CERTIFICATE,
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        described = (
            describe_network_error(reason, "oauth") if isinstance(reason, BaseException) else None
        )
        raise SourceUnavailable(
            f"{label} token endpoint unreachable ({described or reason}); tried again later"
        ) from exc


def _first_line(text: str) -> str:
    """A provider's description, first line and clipped (Microsoft's run to trace ids)."""
    return " ".join(text.strip().splitlines()[:1])[:_DETAIL_CHARS]


# --- the one-time consent ---------------------------------------------------------------

Say = Callable[[str], None]


@dataclass(frozen=True)
class Authorized:
    tokens: Tokens
    path: Path
    shared: bool  # [smtp] signs in with these too


class Consent:
    """`aduan mailbox authorize`: ask the person for access once and store the tokens."""

    def __init__(self, settings: Settings, section: str, clock: Clock, lang: str) -> None:
        self.settings = settings
        self.section = section
        self.cfg = login_of(settings, section)
        if self.cfg.auth != "oauth2":
            raise UsageError(
                f'[{section}] signs in with a password (auth = "password"); set auth = "oauth2" '
                "and provider to sign in with OAuth2"
            )
        self.username = username_of(self.cfg)
        self.clock = clock
        self.lang = lang
        self.endpoints = endpoints_of(self.cfg)
        self.shared = section == "mailbox" and shares_mailbox_sign_in(settings)
        scopes = list(self.endpoints.scopes)
        if self.shared:
            scopes += [s for s in endpoints_of(settings.smtp).scopes if s not in scopes]
        self.scopes = scopes
        self.timeout = float(getattr(self.cfg, "timeout_seconds", 60.0))
        self.file = TokenFile(token_path(settings, section))

    def default_flow(self) -> str:
        return "device" if self.endpoints.device_authorization_url else "browser"

    # -- device code (RFC 8628): finish on any phone or laptop -----------------------------

    def device(self, say: Say, sleep: Callable[[float], None] = time.sleep) -> Authorized:
        url = self.endpoints.device_authorization_url
        if url is None:
            raise UsageError(
                f"{self.endpoints.label} offers no device sign-in for mail; use --flow browser"
            )
        form = urlencode({"client_id": self.cfg.client_id, "scope": " ".join(self.scopes)})
        status, raw = post_form(url, form, self.timeout, self.endpoints.label)
        try:
            start = json.loads(raw)
        except ValueError:
            start = {}
        if status != 200 or "device_code" not in start:
            error = start.get("error_description") or start.get("error") or f"HTTP {status}"
            raise AduanError(
                f"{self.endpoints.label} refused the device sign-in ({_first_line(str(error))}); "
                f"check [{self.section}] client_id and that the app allows public client flows"
            )
        lifetime = int(start.get("expires_in", 900))
        say(
            t(
                "oauth_device",
                self.lang,
                url=start.get("verification_uri") or start.get("verification_url"),
                code=start["user_code"],
                user=self.username,
                minutes=lifetime // 60,
            )
        )
        client = DeviceClient(self.cfg.client_id)
        interval = float(start.get("interval", 5))
        deadline = time.monotonic() + lifetime
        secret = self.cfg.client_secret()
        while True:
            sleep(interval)
            body = client.prepare_request_body(
                start["device_code"], include_client_id=True, client_secret=secret
            )
            try:
                answer = token_answer(self.endpoints, body, client, self.timeout)
            except OAuth2Error as exc:
                code = str(exc.error)
                if code == "authorization_pending" and time.monotonic() < deadline:
                    continue  # the person has not finished yet
                if code == "slow_down":
                    interval += 5
                    continue
                if code in ("expired_token", "authorization_pending"):
                    raise AduanError(
                        "the code expired before sign-in finished; run the command again"
                    ) from exc
                if code in ("access_denied", "authorization_declined"):
                    raise AduanError(
                        "access was refused on the sign-in page; run the command again "
                        "and choose Accept"
                    ) from exc
                raise token_error(
                    exc, self.endpoints.label, "run the command again", self.section
                ) from exc
            return self._store(answer)

    # -- authorization code with a loopback redirect (Google) ------------------------------

    def browser(
        self,
        say: Say,
        *,
        port: int = 0,
        pasted: TextIO | None = None,
        wait_seconds: float = CONSENT_WAIT_SECONDS,
    ) -> Authorized:
        """The person opens a URL in a browser; the provider sends the browser back to a
        listener on this machine, or the person pastes that address here (`pasted`)."""
        auth_url = self.endpoints.authorization_url
        if auth_url is None:
            raise UsageError(
                f"[{self.section}] has no authorization_url; use --flow device or set it"
            )
        arrived: queue.Queue[str] = queue.Queue()
        try:
            listener = HTTPServer(("127.0.0.1", port), _redirect_handler(arrived, self.lang))
        except OSError as exc:
            raise UsageError(
                f"port {port} on 127.0.0.1 cannot be used ({exc.strerror}); choose another "
                "with --port"
            ) from exc
        bound = int(listener.server_address[1])
        redirect_uri = f"http://{self.endpoints.redirect_host}:{bound}/"
        client = WebApplicationClient(self.cfg.client_id)
        verifier = client.create_code_verifier(_PKCE_LENGTH)
        state = secrets.token_urlsafe(24)
        params = {
            "response_type": "code",
            "client_id": str(self.cfg.client_id),
            "redirect_uri": redirect_uri,
            "scope": " ".join(self.scopes),
            "state": state,
            "code_challenge": client.create_code_challenge(verifier, "S256"),
            "code_challenge_method": "S256",
            "login_hint": self.username,
            **dict(self.endpoints.authorization_params),
        }
        url = f"{auth_url}?{urlencode(params, quote_via=quote)}"
        threading.Thread(target=listener.serve_forever, name="oauth-redirect", daemon=True).start()
        if pasted is not None:
            threading.Thread(
                target=_read_pasted, args=(pasted, arrived), name="oauth-paste", daemon=True
            ).start()
        say(
            t(
                "oauth_browser",
                self.lang,
                url=url,
                user=self.username,
                host=self.endpoints.redirect_host,
                port=bound,
                minutes=int(wait_seconds // 60),
            )
        )
        try:
            code = self._wait_for_code(arrived, state, wait_seconds)
        finally:
            listener.shutdown()
            listener.server_close()
        body = client.prepare_request_body(
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=verifier,
            include_client_id=True,
            client_secret=self.cfg.client_secret(),
        )
        answer = token_request(
            self.endpoints,
            body,
            client,
            self.timeout,
            revoked_hint="run the command again",
            section=self.section,
        )
        return self._store(answer)

    def _wait_for_code(self, arrived: queue.Queue[str], state: str, wait_seconds: float) -> str:
        deadline = time.monotonic() + wait_seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AduanError(
                    f"no answer from the browser within {int(wait_seconds // 60)} minutes; "
                    "run the command again"
                )
            try:
                address = arrived.get(timeout=remaining)
            except queue.Empty:
                continue
            query = parse_qs(urlsplit(address.strip()).query)
            if not query:
                continue  # a stray line or a browser's favicon request
            if query.get("state", [""])[0] != state:
                raise AduanError(
                    "that address belongs to another sign-in attempt (state differs); "
                    "use the address from this run"
                )
            if "error" in query:
                error = query["error"][0]
                if error == "access_denied":
                    raise AduanError(
                        "access was refused on the consent screen; run the command again "
                        "and choose Allow"
                    )
                detail = query.get("error_description", [""])[0]
                raise AduanError(f"{self.endpoints.label} refused: {error} {_first_line(detail)}")
            if "code" in query:
                return query["code"][0]

    def _store(self, answer: dict[str, Any]) -> Authorized:
        now = self.clock()
        tokens = tokens_from(
            answer,
            now,
            previous=None,
            token_url=self.endpoints.token_url,
            client_id=str(self.cfg.client_id),
            username=self.username,
        )
        granted = set(tokens.scope.split())
        needed = set(self.endpoints.needed)
        if self.shared:
            needed |= set(endpoints_of(self.settings.smtp).needed)
        missing = sorted(needed - granted) if tokens.scope else []
        if missing:
            raise AduanError(
                f"access was given without {', '.join(missing)}; run the command again and "
                "tick every permission on the consent screen (for Gmail: read, compose, send "
                "and permanently delete all your email)"
            )
        with self.file.lock():
            self.file.save(tokens)
        log.info(
            "oauth: %s signed in; token expires in %d min", self.section, _minutes(tokens, now)
        )
        return Authorized(tokens, self.file.path, self.shared)


def _minutes(tokens: Tokens, now: datetime) -> int:
    return int((tokens.expires_at - now).total_seconds() // 60)


def _read_pasted(source: TextIO, arrived: queue.Queue[str]) -> None:
    """Lines typed or pasted at the prompt: the address the browser ended on."""
    with contextlib.suppress(OSError, ValueError):  # stdin closed, or not readable here
        for line in source:
            if "?" in line:
                arrived.put(line)


def _redirect_handler(arrived: queue.Queue[str], lang: str) -> type[BaseHTTPRequestHandler]:
    class Redirected(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            if query:
                arrived.put(self.path)
            key = "oauth_page_error" if "error" in query else "oauth_page_ok"
            page = (
                "<!doctype html><meta charset=utf-8><title>aduan</title>"
                f"<p>{html.escape(t(key, lang))}</p>"
            ).encode()
            self.send_response(200 if query else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the request line carries the authorization code."""

    return Redirected


def stdin_if_interactive() -> TextIO | None:
    """Where a pasted address can come from: stdin, unless there is none."""
    stream = sys.stdin
    if stream is None or stream.closed:
        return None
    return stream


def token_state(source: TokenSource) -> str:
    """One line for `aduan check`: how long the access token lasts (no secret in it)."""
    tokens = source.current()
    minutes = _minutes(tokens, source.clock())
    return f"OAuth2 ({source.endpoints.label}), access token valid for {max(minutes, 0)} min"
