"""TOML → validated `Settings`; the one place that knows every key and its default.

Where the file comes from: `--config PATH`, else `$ADUAN_CONFIG`, else `./aduan.toml`, else the
embedded default (everything under `./var/`). Relative paths in a file are relative to that
file's folder, so a config works wherever the daemon is started from.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, ClassVar, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from aduan.daemon.errors import ConfigError

DEFAULT_CONFIG_NAME = "aduan.toml"
ENV_CONFIG = "ADUAN_CONFIG"
# Secrets may come from the environment instead of a file (e.g. a container's env).
ENV_IMAP_PASSWORD = "ADUAN_IMAP_PASSWORD"
ENV_SMTP_PASSWORD = "ADUAN_SMTP_PASSWORD"
ENV_IMAP_CLIENT_SECRET = "ADUAN_IMAP_CLIENT_SECRET"  # OAuth2 (auth = "oauth2")
ENV_SMTP_CLIENT_SECRET = "ADUAN_SMTP_CLIENT_SECRET"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# A mail bigger than this is quarantined unparsed: parsing it would stall the daemon.
DEFAULT_MAX_MESSAGE_BYTES = 50 * 1024 * 1024


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Facility(_Section):
    name: str = "Puskesmas"
    register_prefix: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{0,9}$")] = "ADU"
    timezone: str = "Asia/Jakarta"
    language: Literal["id", "en"] = "id"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Jakarta)") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Database(_Section):
    url: str = "sqlite:///var/aduan.db"


class MailLogin(_Section):
    """How aduan signs in to a mail server: a password (or an app password), or OAuth2
    (XOAUTH2) as Gmail and Microsoft 365 want. For OAuth2 the endpoints and scopes come from
    `provider` (daemon/oauth.py) or are given; the tokens live in `[storage] path`/oauth/,
    put there by `aduan mailbox authorize`."""

    SECTION: ClassVar[str]
    ENV_CLIENT_SECRET: ClassVar[str]

    auth: Literal["password", "oauth2"] = "password"
    provider: Literal["google", "microsoft"] | None = None
    tenant: Annotated[str, Field(pattern=r"^[A-Za-z0-9.-]+$")] | None = None  # microsoft only
    client_id: str | None = None
    client_secret_file: Path | None = None  # or $ADUAN_IMAP/SMTP_CLIENT_SECRET; none: public
    token_url: str | None = None
    authorization_url: str | None = None
    device_authorization_url: str | None = None
    scopes: list[str] | None = None  # default: the provider's

    @model_validator(mode="after")
    def _login_keys_fit(self) -> MailLogin:
        section = self.SECTION
        oauth_keys = [
            key
            for key in (
                "provider",
                "tenant",
                "client_id",
                "client_secret_file",
                "token_url",
                "authorization_url",
                "device_authorization_url",
                "scopes",
            )
            if getattr(self, key) is not None
        ]
        if self.auth == "password":
            if oauth_keys:
                raise ValueError(
                    f"{', '.join(oauth_keys)}: for auth = 'oauth2' only; "
                    "set auth = 'oauth2' or remove them"
                )
            return self
        if getattr(self, "password", None) or getattr(self, "password_file", None):
            raise ValueError(
                "auth = 'oauth2' signs in with a token, not a password: remove password and "
                "password_file (or set auth = 'password' for an app password)"
            )
        if not self.client_id:
            raise ValueError(
                f"auth = 'oauth2' needs client_id (the OAuth client made for aduan in the "
                f"Google Cloud console or the Entra admin center; see README) in [{section}]"
            )
        if self.tenant is not None and self.provider != "microsoft":
            raise ValueError("tenant applies only to provider = 'microsoft'")
        if self.provider is None:
            if not self.token_url or not (self.authorization_url or self.device_authorization_url):
                raise ValueError(
                    "auth = 'oauth2' needs provider = 'google' or 'microsoft', or token_url "
                    "with authorization_url and/or device_authorization_url"
                )
            if not self.scopes:
                raise ValueError("auth = 'oauth2' without a provider needs scopes")
        for key in ("token_url", "authorization_url", "device_authorization_url"):
            url = getattr(self, key)
            if url is not None:
                _check_endpoint(key, url)
        return self

    def client_secret(self) -> str | None:
        """The OAuth client secret, or None for a public client (no secret)."""
        if self.client_secret_file is not None:
            try:
                return self.client_secret_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(
                    f"[{self.SECTION}] client_secret_file {self.client_secret_file} cannot be "
                    f"read ({exc.strerror}); check the path and its permissions"
                ) from exc
        return os.environ.get(self.ENV_CLIENT_SECRET) or None


def _check_endpoint(key: str, url: str) -> None:
    """An OAuth2 endpoint must be https; plain http only on this machine (tests, a proxy)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    raise ValueError(f"{key} {url!r} must be an https:// URL (http only on 127.0.0.1/localhost)")


class Mailbox(MailLogin):
    SECTION: ClassVar[str] = "mailbox"
    ENV_CLIENT_SECRET: ClassVar[str] = ENV_IMAP_CLIENT_SECRET

    host: str
    port: int = 993
    security: Literal["tls", "starttls", "none"] = "tls"
    username: str
    password: str | None = None
    password_file: Path | None = None
    ca_file: Path | None = None  # trust this CA instead of the system's (own server, tests)
    folder: str = "INBOX"
    done_folder: str | None = None
    poll_seconds: Annotated[int, Field(ge=5)] = 60
    idle: bool = True
    timeout_seconds: Annotated[float, Field(gt=0)] = 60.0
    batch_size: Annotated[int, Field(ge=1, le=1000)] = 100
    max_message_bytes: Annotated[int, Field(ge=1024)] = DEFAULT_MAX_MESSAGE_BYTES

    @model_validator(mode="after")
    def _plaintext_only_on_loopback(self) -> Mailbox:
        if self.security == "none" and self.host not in LOOPBACK_HOSTS:
            raise ValueError(
                "security = 'none' is only allowed for a server on 127.0.0.1/localhost; "
                "use 'tls' or 'starttls'"
            )
        return self

    def secret(self) -> str:
        return _secret(self.password, self.password_file, ENV_IMAP_PASSWORD, "mailbox")


class Maildir(_Section):
    path: Path = Path("var/maildir")
    poll_seconds: Annotated[int, Field(ge=1)] = 10


class Scans(_Section):
    inbox: Path = Path("var/scans/masuk")
    done: Path = Path("var/scans/selesai")
    quarantine: Path = Path("var/scans/karantina")  # files that cannot be read, kept here
    languages: Annotated[str, Field(pattern=r"^[a-z_]+(\+[a-z_]+)*$")] = "ind"
    engine: Literal["auto", "tesseract", "tesserocr"] = "auto"
    # The second engine for handwriting (PP-OCR, the extra "tulisan-tangan"): "auto" uses it
    # when installed, "on" requires it (`aduan check` fails without), "off" never uses it.
    handwriting: Literal["auto", "on", "off"] = "auto"
    poll_seconds: Annotated[int, Field(ge=1)] = 30
    # A file is taken once it has not changed for this long: the scanner may still be writing.
    settle_seconds: Annotated[float, Field(ge=0)] = 5.0
    # Mail from these addresses (a scanner's scan-to-email) is always read as slips.
    senders: list[str] = []


class Smtp(MailLogin):
    SECTION: ClassVar[str] = "smtp"
    ENV_CLIENT_SECRET: ClassVar[str] = ENV_SMTP_CLIENT_SECRET

    host: str | None = None
    port: int = 587
    security: Literal["tls", "starttls", "none"] = "starttls"
    username: str | None = None
    password: str | None = None
    password_file: Path | None = None
    ca_file: Path | None = None
    from_: str = Field(default="Pengaduan <pengaduan@localhost>", alias="from")
    outbox_dir: Path = Path("var/outbox")
    # A send must fit in the outbox's lease (daemon/outbox.py).
    timeout_seconds: Annotated[float, Field(gt=0, le=90)] = 60.0

    @model_validator(mode="after")
    def _plaintext_only_on_loopback(self) -> Smtp:
        if self.host and self.security == "none" and self.host not in LOOPBACK_HOSTS:
            raise ValueError(
                "security = 'none' is only allowed for a server on 127.0.0.1/localhost; "
                "use 'tls' or 'starttls'"
            )
        if self.host and self.auth == "oauth2" and not self.username:
            raise ValueError("auth = 'oauth2' needs username (the account that sends)")
        return self

    def secret(self) -> str:
        return _secret(self.password, self.password_file, ENV_SMTP_PASSWORD, "smtp")


_CLOCK_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
ClockTime = Annotated[str, Field(pattern=_CLOCK_TIME)]
Weekday = Literal["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"]
WEEKDAYS: tuple[Weekday, ...] = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")


class Escalation(_Section):
    quality_team: list[str] = []
    head: list[str] = []
    acknowledge: bool = True
    units: dict[str, list[str]] = {}
    # Kinds mailed to the quality team as soon as they are registered; the others (praise,
    # by default) wait for the next digest. Urgent entries always go at once.
    immediate: list[Literal["keluhan", "saran", "pujian", "pertanyaan", "lainnya"]] = [
        "keluhan",
        "saran",
        "pertanyaan",
    ]
    digest_times: list[ClockTime] = ["07:30"]  # facility time; a digest only when it has news
    weekly_day: Weekday = "senin"  # the weekly digest of open entries
    weekly_time: ClockTime = "07:30"
    acknowledge_per_day: Annotated[int, Field(ge=0)] = 1  # per sender: no mail loops
    remind_answer_hours: Annotated[int, Field(ge=0)] = 12  # before due.answer; 0: no reminder
    remind_resolve_days: Annotated[int, Field(ge=0)] = 7  # before due.resolve; 0: no reminder
    templates: Path | None = None  # a folder whose *.j2 files replace the built-in templates
    # The district health office (Dinas Kesehatan): what cannot be solved locally goes there.
    dinkes: list[str] = []


class Classification(_Section):
    lexicon: Path | None = None  # the facility's additions to the built-in lexicon.toml
    train_time: ClockTime = "02:00"  # daily retraining from staff corrections


class Deadlines(_Section):
    """The SOP windows. Each is counted on the wall clock (the SOPs' "2x24 jam") or in
    working days of `[calendar]` (LAPOR!-SP4N's "hari kerja"; hours ÷ 24, rounded up)."""

    forward: Annotated[int, Field(ge=1)] = 48
    answer_electronic: Annotated[int, Field(ge=1)] = 72
    resolve_days: Annotated[int, Field(ge=1)] = 60
    forward_count: Literal["jam", "hari_kerja"] = "jam"
    answer_count: Literal["jam", "hari_kerja"] = "jam"
    resolve_count: Literal["hari", "hari_kerja"] = "hari"


class Calendar(_Section):
    """The facility's working calendar (facility time): working days count `hari_kerja`
    deadlines, and mail that is not urgent waits out quiet hours and days off."""

    # Most Puskesmas serve Monday to Saturday.
    working_days: Annotated[list[Weekday], Field(min_length=1)] = [
        "senin",
        "selasa",
        "rabu",
        "kamis",
        "jumat",
        "sabtu",
    ]
    work_start: ClockTime = "07:30"
    work_end: ClockTime = "14:30"
    # Days with other hours, e.g. {jumat = ["07:30", "11:00"], sabtu = ["07:30", "12:30"]}.
    day_hours: dict[Weekday, tuple[ClockTime, ClockTime]] = {}
    national_holidays: bool = True  # national holidays and cuti bersama are days off
    holidays: list[date] = []  # the facility's own days off (e.g. the regency's anniversary)
    # Digests, reminders, overdue alerts and recaps wait until these end on a working day;
    # quiet_start = quiet_end: nothing waits, not even on days off.
    quiet_start: ClockTime = "20:00"
    quiet_end: ClockTime = "07:00"
    quiet_applies_to_urgent: bool = False  # true: urgent escalations wait too (never past due)

    @model_validator(mode="after")
    def _opens_before_it_closes(self) -> Calendar:
        if self.work_start >= self.work_end:  # "HH:MM" strings compare as times
            raise ValueError(
                f"work_start {self.work_start} must be before work_end {self.work_end}"
            )
        for day, (start, end) in self.day_hours.items():
            if start >= end:
                raise ValueError(f"day_hours.{day}: {start} must be before {end}")
        return self


Format = Literal["html", "pdf", "csv", "xlsx"]


class Reports(_Section):
    """Recaps and the public notice board: where they are written and when the service
    makes them. Times are the facility's."""

    dir: Path = Path("var/laporan")
    formats: list[Format] = ["html", "pdf", "csv", "xlsx"]
    monthly_day: Annotated[int, Field(ge=0, le=28)] = 1  # 0: the service makes none
    monthly_time: ClockTime = "07:00"
    semester_months: list[Annotated[int, Field(ge=1, le=12)]] = [1, 7]
    weekly_day: Weekday | Literal[""] = "senin"  # the WhatsApp/SMS recap; "": none
    weekly_time: ClockTime = "07:00"
    board_every_days: Annotated[int, Field(ge=0)] = 14  # 0: the service makes no board
    board_first: date = date(2026, 1, 5)  # boards fall on this day and every N days after
    board_time: ClockTime = "07:00"


class Storage(_Section):
    """Where aduan keeps files: attachments, slip images, quarantined raw input."""

    path: Path = Path("var/berkas")


# How much of an entry a recipient class sees in mail (daemon/privacy.py): `lengkap` the
# reporter and the whole text, `ringkas` initials and a short masked text, `anonim` nobody
# and a scrubbed text.
View = Literal["lengkap", "ringkas", "anonim"]


class Privacy(_Section):
    """What leaves the building by mail, per recipient class of `[escalation]`."""

    quality_team: View = "lengkap"
    units: View = "lengkap"  # [escalation.units]
    head: View = "ringkas"
    dinkes: View = "anonim"
    # NIK/BPJS/record numbers and stigmatising diagnoses masked in `lengkap` mail too;
    # `ringkas` and `anonim` always mask them.
    mask_health: bool = True
    diagnoses: list[str] = []  # more terms to mask (parsers/diagnoses.py says how to write one)
    diagnoses_shown: list[str] = []  # built-in terms this facility does not mask

    @model_validator(mode="after")
    def _known_terms(self) -> Privacy:
        from aduan.parsers.scrub import Diagnoses

        Diagnoses.of(self.diagnoses, self.diagnoses_shown)  # ValueError names the term
        return self


class Web(_Section):
    """The staff web console (`aduan web`, daemon/web/)."""

    host: str = "127.0.0.1"  # loopback: reach it through a reverse proxy or set a LAN address
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    # Signs the console's cookies; made (0600, random) on first start. Default:
    # [storage] path / "web-secret".
    secret_file: Path | None = None
    base_url: str | None = None  # "https://aduan.puskesmas.example": links in mail, Secure cookies
    # Addresses (or networks) of reverse proxies whose X-Forwarded-For is believed.
    trusted_proxies: list[str] = []
    serve_with_run: bool = False  # true: `aduan run` serves the console too, on a thread

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(f"{value!r} is not an http(s) URL, e.g. https://aduan.example.org")
        return value.rstrip("/")

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return value


class Alerts(_Section):
    """Login trouble (a refused password or token, a revoked sign-in, an untrusted
    certificate, a missing folder) is mailed to `[escalation] head` and `admin` once it has
    lasted `after_minutes`, at most once a day per source (daemon/alerts.py)."""

    after_minutes: Annotated[int, Field(ge=0)] = 60
    admin: list[str] = []  # e.g. the district's IT person; besides the head
    recovery: bool = True  # a short "pulih" note when it works again after an alert


class Settings(_Section):
    facility: Facility = Facility()
    database: Database = Database()
    mailbox: Mailbox | None = None
    maildir: Maildir | None = None  # on in the embedded default only
    scans: Scans = Scans()
    smtp: Smtp = Smtp()
    escalation: Escalation = Escalation()
    alerts: Alerts = Alerts()
    classification: Classification = Classification()
    deadlines: Deadlines = Deadlines()
    calendar: Calendar = Calendar()
    reports: Reports = Reports()
    storage: Storage = Storage()
    privacy: Privacy = Privacy()
    web: Web = Web()
    source: str = "bawaan"  # where the settings came from, for messages; not a TOML key


# No config file: everything under ./var, mail in a local Maildir, outgoing mail written to
# var/outbox for local addresses, so a first run shows every step without any server.
EMBEDDED_DEFAULT = Settings(
    maildir=Maildir(),
    escalation=Escalation(quality_team=["tim-mutu@localhost"], head=["kepala@localhost"]),
)


def _secret(value: str | None, file: Path | None, env: str, section: str) -> str:
    if file is not None:
        try:
            return file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"[{section}] password_file {file} cannot be read ({exc.strerror}); "
                "check the path and its permissions"
            ) from exc
    if value is not None:
        return value
    if env in os.environ:
        return os.environ[env]
    raise ConfigError(f"[{section}] has no password: set password_file, password or ${env}")


def config_path(explicit: Path | None) -> Path | None:
    """The config file to read, or None for the embedded default."""
    if explicit is not None:
        return explicit
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.exists() else None


def load_settings(explicit: Path | None = None) -> Settings:
    path = config_path(explicit)
    if path is None:
        return _anchor(EMBEDDED_DEFAULT, Path.cwd())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist; create it or drop --config") from exc
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return parse_settings(data, path)


def parse_settings(data: dict[str, object], path: Path) -> Settings:
    """Validate a parsed TOML document; the first problem becomes a one-line ConfigError."""
    try:
        settings = Settings.model_validate({**data, "source": str(path)})
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc)}") from exc
    return _anchor(settings, path.resolve().parent)


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    if first["type"] == "extra_forbidden":
        return f"unknown key '{key}' (see aduan.example.toml for the valid keys)"
    if first["type"] == "missing":
        return f"missing key '{key}'"
    return f"key '{key}': {first['msg']}"


def _anchor(settings: Settings, base: Path) -> Settings:
    """Make every relative path absolute against `base` (the config file's folder)."""

    def fix(p: Path) -> Path:
        return p if p.is_absolute() else base / p

    def fix_opt(p: Path | None) -> Path | None:
        return None if p is None else fix(p)

    updates: dict[str, object] = {
        "database": settings.database.model_copy(
            update={"url": _anchor_sqlite_url(settings.database.url, base)}
        ),
        "scans": settings.scans.model_copy(
            update={
                "inbox": fix(settings.scans.inbox),
                "done": fix(settings.scans.done),
                "quarantine": fix(settings.scans.quarantine),
            }
        ),
        "smtp": settings.smtp.model_copy(
            update={
                "outbox_dir": fix(settings.smtp.outbox_dir),
                "password_file": fix_opt(settings.smtp.password_file),
                "ca_file": fix_opt(settings.smtp.ca_file),
                "client_secret_file": fix_opt(settings.smtp.client_secret_file),
            }
        ),
        "storage": settings.storage.model_copy(update={"path": fix(settings.storage.path)}),
        "web": settings.web.model_copy(
            update={
                "secret_file": fix(settings.web.secret_file or settings.storage.path / "web-secret")
            }
        ),
        "reports": settings.reports.model_copy(update={"dir": fix(settings.reports.dir)}),
        "escalation": settings.escalation.model_copy(
            update={"templates": fix_opt(settings.escalation.templates)}
        ),
        "classification": settings.classification.model_copy(
            update={"lexicon": fix_opt(settings.classification.lexicon)}
        ),
    }
    if settings.maildir is not None:
        updates["maildir"] = settings.maildir.model_copy(
            update={"path": fix(settings.maildir.path)}
        )
    if settings.mailbox is not None:
        updates["mailbox"] = settings.mailbox.model_copy(
            update={
                "password_file": fix_opt(settings.mailbox.password_file),
                "ca_file": fix_opt(settings.mailbox.ca_file),
                "client_secret_file": fix_opt(settings.mailbox.client_secret_file),
            }
        )
    return settings.model_copy(update=updates)


def _anchor_sqlite_url(url: str, base: Path) -> str:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite:///:memory:":
        return url
    rest = url[len(prefix) :]
    if rest.startswith("/"):
        return url
    return prefix + str(base / rest)
