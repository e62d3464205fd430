"""A small OAuth2 authorization server in-process on loopback, standing in for Google and
Microsoft in the tests (nothing reaches the internet).

    with OAuthProvider.started() as provider:
        provider.add_client("aduan-uji", secret="rahasia-klien")
        access, refresh = provider.issue("user0001")     # as after a finished consent
        ...  # aduan refreshes at provider.token_url; Dovecot asks provider.introspection_url

What it does, over plain HTTP on 127.0.0.1 (stdlib `http.server`, a thread per request):

* `/authorize` (GET): the browser's part of the authorization-code flow. It "signs in" the
  user named by `consent_user` at once and redirects to the client's loopback
  `redirect_uri` with a code (PKCE S256 checked at the token endpoint), or with
  `error=access_denied` when `deny_consent` is set.
* `/devicecode` (POST): RFC 8628 device authorization; `approve_device(user_code)` is the
  person typing the code on their phone.
* `/token` (POST): `authorization_code`, `refresh_token` and `device_code` grants. Refresh
  tokens rotate when `rotate` is set (Microsoft's habit): the old one is dead after use, so a
  client that forgets to keep the new one finds out on its next refresh.
* `/introspect` (POST `token=…`, RFC 7662): what Dovecot's `oauth2` passdb asks; `active`,
  `username`, `scope`. The SMTP test server asks `introspect()` directly.
* `/revoke` (POST `token=…`, RFC 7009), and `revoke_user()`: the user withdrew consent.
* `expire_access_tokens()`: tokens die before the client expected (clock skew, a server
  that shortened their life), as happens.

Every request is counted in `calls` by endpoint and grant, so tests can assert that a
refresh happened, or did not.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.servers.net import LOOPBACK, LoopbackServer

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass
class _Grant:
    """One consent: a chain of refresh tokens and the access tokens issued from it."""

    user: str
    client_id: str
    scope: str
    refresh_token: str
    revoked: bool = False


@dataclass
class _Access:
    grant: _Grant
    expires_at: float  # time.time()


@dataclass
class _Code:
    user: str
    client_id: str
    scope: str
    redirect_uri: str
    challenge: str | None


@dataclass
class _Device:
    client_id: str
    scope: str
    user_code: str
    expires_at: float
    user: str | None = None
    denied: bool = False
    polls: int = 0


@dataclass
class OAuthProvider(LoopbackServer):
    """The provider's state; `started()` serves it. Public knobs may be set at any time."""

    access_ttl: int = 3600
    rotate: bool = False
    consent_user: str = "user0001"
    deny_consent: bool = False
    require_pkce: bool = True
    calls: Counter[str] = field(default_factory=Counter)
    _clients: dict[str, str | None] = field(default_factory=dict)
    _grants: list[_Grant] = field(default_factory=list)
    _access: dict[str, _Access] = field(default_factory=dict)
    _codes: dict[str, _Code] = field(default_factory=dict)
    _devices: dict[str, _Device] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None

    @classmethod
    def started(cls, **kwargs: Any) -> OAuthProvider:
        provider = cls(**kwargs)
        provider.start()
        return provider

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> None:
        owner = self

        class Handler(_Handler):
            provider = owner

        self._httpd = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, name="oauth-test", daemon=True).start()

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    @property
    def authorization_url(self) -> str:
        return f"{self.base_url}/authorize"

    @property
    def device_authorization_url(self) -> str:
        return f"{self.base_url}/devicecode"

    @property
    def introspection_url(self) -> str:
        return f"{self.base_url}/introspect"

    @property
    def revocation_url(self) -> str:
        return f"{self.base_url}/revoke"

    # -- what a test does --------------------------------------------------

    def add_client(self, client_id: str, secret: str | None = None) -> None:
        with self._lock:
            self._clients[client_id] = secret

    def issue(self, user: str, client_id: str, scope: str = "mail") -> tuple[str, str]:
        """A finished consent for `user`: (access token, refresh token)."""
        with self._lock:
            grant = _Grant(user, client_id, scope, _token("rt"))
            self._grants.append(grant)
            return self._new_access(grant), grant.refresh_token

    def approve_device(self, user_code: str, user: str | None = None) -> None:
        """The person signed in on another device and typed `user_code`."""
        with self._lock:
            for device in self._devices.values():
                if device.user_code == user_code:
                    device.user = user or self.consent_user
                    return
        raise KeyError(user_code)

    def deny_device(self, user_code: str) -> None:
        with self._lock:
            for device in self._devices.values():
                if device.user_code == user_code:
                    device.denied = True
                    return
        raise KeyError(user_code)

    def pending_user_codes(self) -> list[str]:
        with self._lock:
            return [d.user_code for d in self._devices.values() if d.user is None]

    def revoke_user(self, user: str) -> None:
        """The user (or an admin) withdrew the consent: every token of theirs is dead."""
        with self._lock:
            for grant in self._grants:
                if grant.user == user:
                    grant.revoked = True

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working now."""
        with self._lock:
            for access in self._access.values():
                access.expires_at = 0.0

    def introspect(self, token: str) -> dict[str, Any]:
        """RFC 7662's answer for `token`."""
        with self._lock:
            self.calls["introspect"] += 1
            access = self._access.get(token)
            if access is None or access.grant.revoked or access.expires_at <= time.time():
                return {"active": False}
            return {
                "active": True,
                "username": access.grant.user,
                "scope": access.grant.scope,
                "client_id": access.grant.client_id,
                "exp": int(access.expires_at),
            }

    def user_of(self, token: str) -> str | None:
        answer = self.introspect(token)
        return str(answer["username"]) if answer["active"] else None

    def live_refresh_tokens(self, user: str) -> list[str]:
        with self._lock:
            return [g.refresh_token for g in self._grants if g.user == user and not g.revoked]

    # -- endpoints ---------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        """GET /authorize → (status, headers, JSON body)."""
        redirect = query.get("redirect_uri", "")
        where = urlsplit(redirect)
        if where.scheme != "http" or where.hostname not in ("127.0.0.1", "localhost", "::1"):
            return 400, {}, {"error": "invalid_request", "error_description": "redirect_uri"}
        with self._lock:
            self.calls["authorize"] += 1
            if query.get("client_id") not in self._clients:
                return 400, {}, {"error": "invalid_client"}
            params: dict[str, str] = {"state": query.get("state", "")}
            if self.deny_consent:
                params["error"] = "access_denied"
            elif query.get("response_type") != "code":
                params["error"] = "unsupported_response_type"
            elif self.require_pkce and query.get("code_challenge_method") != "S256":
                params["error"] = "invalid_request"
            else:
                code = _token("code")
                self._codes[code] = _Code(
                    self.consent_user,
                    query["client_id"],
                    query.get("scope", ""),
                    redirect,
                    query.get("code_challenge"),
                )
                params["code"] = code
        return 302, {"Location": f"{redirect}?{urlencode(params)}"}, {}

    def device_authorization(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.calls["devicecode"] += 1
            if form.get("client_id") not in self._clients:
                return 400, {"error": "invalid_client"}
            device_code = _token("dc")
            user_code = secrets.token_hex(4).upper()
            self._devices[device_code] = _Device(
                form["client_id"], form.get("scope", ""), user_code, time.time() + 900
            )
        return 200, {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": f"{self.base_url}/device",
            "expires_in": 900,
            "interval": 1,
            "message": f"To sign in, open {self.base_url}/device and enter {user_code}.",
        }

    def token(
        self, form: dict[str, str], basic: tuple[str, str] | None
    ) -> tuple[int, dict[str, Any]]:
        grant_type = form.get("grant_type", "")
        with self._lock:
            self.calls[f"token:{grant_type}"] += 1
            client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret"))
            if client_id not in self._clients or self._clients[client_id] not in (None, secret):
                return 401, {"error": "invalid_client", "error_description": "client refused"}
            if grant_type == "refresh_token":
                return self._refresh(client_id, form.get("refresh_token", ""))
            if grant_type == "authorization_code":
                return self._exchange_code(client_id, form)
            if grant_type == DEVICE_GRANT:
                return self._poll_device(client_id, form.get("device_code", ""))
        return 400, {"error": "unsupported_grant_type"}

    def revoke(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        token = form.get("token", "")
        with self._lock:
            self.calls["revoke"] += 1
            for grant in self._grants:
                if grant.refresh_token == token:
                    grant.revoked = True
            access = self._access.get(token)
            if access is not None:
                access.grant.revoked = True
        return 200, {}

    # -- grants (called with the lock held) ---------------------------------

    def _refresh(self, client_id: str, refresh_token: str) -> tuple[int, dict[str, Any]]:
        for grant in self._grants:
            if grant.refresh_token == refresh_token and grant.client_id == client_id:
                if grant.revoked:
                    break
                answer = self._answer(grant, with_refresh=self.rotate)
                return 200, answer
        return 400, {
            "error": "invalid_grant",
            "error_description": "Token has been expired or revoked.",
        }

    def _exchange_code(self, client_id: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        code = self._codes.pop(form.get("code", ""), None)
        if code is None or code.client_id != client_id:
            return 400, {"error": "invalid_grant", "error_description": "unknown code"}
        if form.get("redirect_uri") != code.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"}
        if code.challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode("ascii")).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != code.challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE failed"}
        grant = _Grant(code.user, client_id, code.scope, _token("rt"))
        self._grants.append(grant)
        return 200, self._answer(grant, with_refresh=True)

    def _poll_device(self, client_id: str, device_code: str) -> tuple[int, dict[str, Any]]:
        device = self._devices.get(device_code)
        if device is None or device.client_id != client_id:
            return 400, {"error": "invalid_grant"}
        device.polls += 1
        if device.denied:
            return 400, {"error": "access_denied"}
        if device.expires_at <= time.time():
            return 400, {"error": "expired_token"}
        if device.user is None:
            return 400, {"error": "authorization_pending"}
        del self._devices[device_code]
        grant = _Grant(device.user, client_id, device.scope, _token("rt"))
        self._grants.append(grant)
        return 200, self._answer(grant, with_refresh=True)

    def _answer(self, grant: _Grant, *, with_refresh: bool) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "access_token": self._new_access(grant),
            "token_type": "Bearer",
            "expires_in": self.access_ttl,
            "scope": grant.scope,
        }
        if with_refresh:
            if self.rotate:
                grant.refresh_token = _token("rt")
            answer["refresh_token"] = grant.refresh_token
        return answer

    def _new_access(self, grant: _Grant) -> str:
        token = _token("at")
        self._access[token] = _Access(grant, time.time() + self.access_ttl)
        return token


def _token(kind: str) -> str:
    return f"{kind}-{secrets.token_urlsafe(24)}"


class _Handler(BaseHTTPRequestHandler):
    provider: OAuthProvider
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/authorize":
            status, headers, body = self.provider.authorize(query)
            self._send(status, body, headers)
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8")
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        path = urlsplit(self.path).path
        if path == "/token":
            status, body = self.provider.token(form, self._basic())
        elif path == "/devicecode":
            status, body = self.provider.device_authorization(form)
        elif path == "/introspect":
            status, body = 200, self.provider.introspect(form.get("token", ""))
        elif path == "/revoke":
            status, body = self.provider.revoke(form)
        else:
            status, body = 404, {"error": "not_found"}
        self._send(status, body)

    def _basic(self) -> tuple[str, str] | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user, password

    def _send(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body).encode() if body or status != 302 else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tokens are in the request lines' bodies, and pytest's output is ours."""


__all__ = ["DEVICE_GRANT", "OAuthProvider"]
