"""OAuth2 settings, provider presets, the token file and the trouble book: no servers."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aduan.daemon.alerts import TroubleBook, describe_problem, duration
from aduan.daemon.config import Settings, parse_settings
from aduan.daemon.errors import AccessDenied, ConfigError, SourceUnavailable, Trouble
from aduan.daemon.oauth import (
    GOOGLE_MAIL,
    MICROSOFT_IMAP,
    MICROSOFT_OFFLINE,
    MICROSOFT_SMTP,
    TokenFile,
    Tokens,
    authorize_command,
    endpoints_of,
    shares_mailbox_sign_in,
    token_path,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def settings(tmp_path: Path, **sections: dict[str, Any]) -> Settings:
    return parse_settings(dict(sections), tmp_path / "aduan.toml")


def mailbox(**keys: Any) -> dict[str, Any]:
    return {"host": "imap.example.org", "username": "pengaduan@example.org", **keys}


GOOGLE = {"auth": "oauth2", "provider": "google", "client_id": "123.apps.googleusercontent.com"}


# --- config -----------------------------------------------------------------------------


def test_password_stays_the_default(tmp_path: Path) -> None:
    cfg = settings(tmp_path, mailbox=mailbox(password="p")).mailbox
    assert cfg is not None and cfg.auth == "password" and cfg.secret() == "p"


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ({"password": "p", "provider": "google"}, "provider: for auth = 'oauth2' only"),
        ({"auth": "oauth2", "provider": "google"}, "needs client_id"),
        ({**GOOGLE, "password_file": "pw"}, "remove password and password_file"),
        ({"auth": "oauth2", "client_id": "c"}, "needs provider = 'google' or 'microsoft'"),
        (
            {"auth": "oauth2", "client_id": "c", "token_url": "https://t",
             "device_authorization_url": "https://d"},
            "without a provider needs scopes",
        ),
        ({**GOOGLE, "token_url": "http://oauth.example.org/token"}, "must be an https:// URL"),
        ({**GOOGLE, "tenant": "contoso.onmicrosoft.com"}, "tenant applies only to"),
        ({**GOOGLE, "provider": "yahoo"}, "provider"),
    ],
)  # fmt: skip
def test_oauth2_keys_are_checked_with_the_fix(
    tmp_path: Path, keys: dict[str, Any], says: str
) -> None:
    with pytest.raises(ConfigError, match="mailbox") as caught:
        settings(tmp_path, mailbox=mailbox(**keys))
    assert says in str(caught.value)


def test_loopback_http_endpoints_are_allowed(tmp_path: Path) -> None:
    cfg = settings(
        tmp_path,
        mailbox=mailbox(
            auth="oauth2",
            client_id="c",
            token_url="http://127.0.0.1:8080/token",
            authorization_url="http://localhost:8080/auth",
            scopes=["mail"],
        ),
    ).mailbox
    assert cfg is not None
    assert endpoints_of(cfg).token_url == "http://127.0.0.1:8080/token"


def test_smtp_oauth2_needs_the_sending_account(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="needs username"):
        settings(tmp_path, smtp={"host": "smtp.gmail.com", **GOOGLE})


def test_client_secret_from_a_file_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret").write_text("s3cret\n")
    cfg = settings(tmp_path, mailbox=mailbox(**GOOGLE, client_secret_file="secret")).mailbox
    assert cfg is not None and cfg.client_secret() == "s3cret"
    public = settings(tmp_path, mailbox=mailbox(**GOOGLE)).mailbox
    assert public is not None and public.client_secret() is None
    monkeypatch.setenv("ADUAN_IMAP_CLIENT_SECRET", "dari-env")
    assert public.client_secret() == "dari-env"


def test_alerts_defaults(tmp_path: Path) -> None:
    alerts = settings(tmp_path).alerts
    assert (alerts.after_minutes, alerts.admin, alerts.recovery) == (60, [], True)


# --- provider presets -------------------------------------------------------------------


def test_google_preset_is_browser_only_with_the_gmail_scope(tmp_path: Path) -> None:
    cfg = settings(tmp_path, mailbox=mailbox(**GOOGLE)).mailbox
    assert cfg is not None
    ends = endpoints_of(cfg)
    assert ends.token_url == "https://oauth2.googleapis.com/token"
    assert ends.authorization_url == "https://accounts.google.com/o/oauth2/v2/auth"
    assert ends.device_authorization_url is None  # Gmail's scope is not allowed there
    assert ends.scopes == (GOOGLE_MAIL,) and ends.needed == (GOOGLE_MAIL,)
    assert ("access_type", "offline") in ends.authorization_params


def test_microsoft_preset_uses_the_tenant_and_asks_for_offline_access(tmp_path: Path) -> None:
    ms = {"auth": "oauth2", "provider": "microsoft", "client_id": "c", "tenant": "contoso.com"}
    s = settings(
        tmp_path,
        mailbox=mailbox(**ms),
        smtp={"host": "smtp.office365.com", "username": "pengaduan@example.org", **ms},
    )
    assert s.mailbox is not None
    ends = endpoints_of(s.mailbox)
    root = "https://login.microsoftonline.com/contoso.com/oauth2/v2.0"
    assert (ends.token_url, ends.device_authorization_url) == (
        f"{root}/token",
        f"{root}/devicecode",
    )
    assert ends.scopes == (MICROSOFT_IMAP, MICROSOFT_SMTP, MICROSOFT_OFFLINE)
    assert ends.needed == (MICROSOFT_IMAP,) and endpoints_of(s.smtp).needed == (MICROSOFT_SMTP,)
    assert ends.refresh_with_scope
    # Same account, same client: one consent, one token file.
    assert shares_mailbox_sign_in(s)
    assert (
        token_path(s, "smtp") == token_path(s, "mailbox") == s.storage.path / "oauth/mailbox.json"
    )
    assert authorize_command(s, "smtp") == "aduan mailbox authorize"


def test_smtp_as_another_account_has_its_own_sign_in(tmp_path: Path) -> None:
    s = settings(
        tmp_path,
        mailbox=mailbox(**GOOGLE),
        smtp={"host": "smtp.gmail.com", "username": "kirim@example.org", **GOOGLE},
    )
    assert not shares_mailbox_sign_in(s)
    assert token_path(s, "smtp").name == "smtp.json"
    assert authorize_command(s, "smtp") == "aduan mailbox authorize --smtp"


def test_explicit_endpoints_override_the_preset(tmp_path: Path) -> None:
    cfg = settings(
        tmp_path,
        mailbox=mailbox(**GOOGLE, token_url="https://proxy.example.org/token", scopes=["x"]),
    ).mailbox
    assert cfg is not None
    ends = endpoints_of(cfg)
    assert ends.token_url == "https://proxy.example.org/token"
    assert ends.scopes == ("x",) and ends.needed == ()


# --- the token file ---------------------------------------------------------------------


def tokens(**changes: Any) -> Tokens:
    base = Tokens(
        access_token="at",
        refresh_token="rt",
        expires_at=NOW + timedelta(hours=1),
        scope=GOOGLE_MAIL,
        token_url="https://oauth2.googleapis.com/token",
        client_id="c",
        username="u@example.org",
        authorized_at=NOW,
        refreshed_at=NOW,
    )
    return Tokens(**{**base.__dict__, **changes})


def test_token_file_is_private_and_round_trips(tmp_path: Path) -> None:
    file = TokenFile(tmp_path / "oauth" / "mailbox.json")
    assert file.load() is None
    file.save(tokens())
    assert file.load() == tokens()
    assert stat.S_IMODE(os.stat(file.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(file.path.parent).st_mode) == 0o700


def test_a_damaged_token_file_is_token_trouble(tmp_path: Path) -> None:
    file = TokenFile(tmp_path / "mailbox.json")
    file.path.write_text("{not json")
    with pytest.raises(AccessDenied) as caught:
        file.load()
    assert caught.value.trouble is Trouble.TOKEN


# --- the trouble book -------------------------------------------------------------------


def refused(message: str = "IMAP x: login refused; check the password") -> AccessDenied:
    return AccessDenied(message, Trouble.LOGIN)


def test_trouble_is_news_once_and_keeps_its_start(tmp_path: Path) -> None:
    book = TroubleBook(tmp_path / "gangguan.json")
    first = book.failed("imap:INBOX", refused(), NOW)
    assert first is not None and first.since == NOW
    assert book.failed("imap:INBOX", refused(), NOW + timedelta(minutes=1)) is None
    assert book.failed("imap:INBOX", SourceUnavailable("timeout"), NOW) is None  # not login
    changed = book.failed(
        "imap:INBOX", AccessDenied("revoked", Trouble.TOKEN), NOW + timedelta(minutes=2)
    )
    assert changed is not None and changed.kind is Trouble.TOKEN and changed.since == NOW
    assert book.problems()["imap:INBOX"].message == "revoked"


def test_recovery_is_noted_only_after_an_alert(tmp_path: Path) -> None:
    book = TroubleBook(tmp_path / "gangguan.json")
    book.failed("smtp", refused(), NOW)
    assert book.ok("smtp", NOW + timedelta(minutes=5)) is not None
    assert book.recoveries() == []  # nobody was told: nothing to take back
    book.failed("smtp", refused(), NOW)
    book.mark_alerted("smtp", NOW.date())
    book.ok("smtp", NOW + timedelta(hours=2))
    (recovery,) = book.recoveries()
    assert (recovery.source, recovery.since) == ("smtp", NOW)
    book.forget_recovery(recovery)
    assert book.recoveries() == [] and book.problems() == {}


def test_a_good_poll_without_trouble_writes_nothing(tmp_path: Path) -> None:
    book = TroubleBook(tmp_path / "gangguan.json")
    assert book.ok("imap:INBOX", NOW) is None
    assert not book.path.exists()


def test_trouble_of_sources_no_longer_configured_is_forgotten(tmp_path: Path) -> None:
    book = TroubleBook(tmp_path / "gangguan.json")
    book.failed("imap:INBOX", refused(), NOW)
    book.failed("smtp", refused(), NOW)
    assert set(book.forget_others({"smtp"})) == {"smtp"}
    assert set(book.problems()) == {"smtp"}


def test_an_unreadable_book_starts_afresh(tmp_path: Path) -> None:
    book = TroubleBook(tmp_path / "gangguan.json")
    book.path.write_text("[")
    assert book.problems() == {}
    assert book.failed("smtp", refused(), NOW) is not None


@pytest.mark.parametrize(
    ("minutes", "id_", "en"),
    [
        (12, "12 menit", "12 min"),
        (61, "1 jam 1 menit", "1 h 1 min"),
        (3000, "2 hari 2 jam", "2 days 2 h"),
    ],
)
def test_durations_read_as_people_say_them(minutes: int, id_: str, en: str) -> None:
    assert duration(timedelta(minutes=minutes), "id") == id_
    assert duration(timedelta(minutes=minutes), "en") == en


def test_the_status_line_says_what_since_when_and_the_fix(tmp_path: Path) -> None:
    book = TroubleBook(tmp_path / "gangguan.json")
    book.failed("imap:INBOX", AccessDenied("run `aduan mailbox authorize`", Trouble.TOKEN), NOW)
    book.mark_alerted("imap:INBOX", NOW.date())
    problem = book.problems()["imap:INBOX"]
    line = describe_problem(problem, NOW + timedelta(hours=3), "id", ZoneInfo("Asia/Jakarta"))
    assert line == (
        "    GANGGUAN (izin OAuth2) sejak 2026-11-23 08:00, sudah 3 jam 0 menit; kepala sudah "
        "diberi tahu lewat surel 2026-11-23: run `aduan mailbox authorize`"
    )
