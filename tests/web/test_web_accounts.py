"""Console accounts from the command line (`aduan user …`), their passwords, the cookie key,
the login limits, the client's address behind a proxy, `[web]` settings, the console served
beside `aduan run`, and the systemd unit of `aduan web`."""

from __future__ import annotations

import ipaddress
import os
import re
import urllib.request
from pathlib import Path

import pytest
from sqlmodel import Session, select

from aduan.daemon.config import parse_settings
from aduan.daemon.errors import ConfigError
from aduan.daemon.web.sessions import LoginLimiter, client_address, load_secret
from aduan.models import db
from aduan.models.tables import StaffUser
from tests.servers.net import LOOPBACK, free_port
from tests.support import aduan

ROOT = Path(__file__).resolve().parents[2]
WEB_UNIT = ROOT / "systemd" / "aduan-web.service"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "aduan.toml"
    path.write_text('[database]\nurl = "sqlite:///var/aduan.db"\n', encoding="utf-8")
    return path


def _password_file(tmp_path: Path, value: str) -> str:
    path = tmp_path / "sandi.txt"
    path.write_text(value + "\n", encoding="utf-8")
    return str(path)


def _hash_of(config: Path, name: str) -> str:
    engine = db.make_engine(f"sqlite:///{config.parent / 'var' / 'aduan.db'}")
    with Session(engine) as session:
        user = session.exec(select(StaffUser).where(StaffUser.name == name)).one()
    engine.dispose()
    return user.password_hash


def test_user_add_stores_an_argon2id_hash_and_never_the_password(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "kata sandi yang panjang"
    added = aduan(capsys, config, "user", "add", "Rina", "--role", "tim_mutu",
                  "--password-file", _password_file(tmp_path, secret))  # fmt: skip
    assert added.code == 0, added.err
    assert "rina" in added.out and secret not in added.out + added.err
    stored = _hash_of(config, "rina")
    # RFC 9106's second recommendation, argon2-cffi's default: 64 MiB, 3 passes.
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    listed = aduan(capsys, config, "user", "list", "--json").json()
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [("rina", "tim_mutu", False)]


@pytest.mark.parametrize(
    ("args", "password", "says"),
    [
        (["rina", "--role", "admin"], "kata sandi panjang", "--role 'admin' is not known"),
        (["r", "--role", "staf"], "kata sandi panjang", "is not allowed"),
        (["rina san", "--role", "staf"], "kata sandi panjang", "is not allowed"),
        (["rina", "--role", "staf"], "pendek", "too short"),
        (["rina", "--role", "staf"], "RINA", "too short"),
    ],
)
def test_user_add_refuses_bad_names_roles_and_passwords(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    password: str,
    says: str,
) -> None:
    result = aduan(capsys, config, "user", "add", *args, "--password-file",
                   _password_file(tmp_path, password))  # fmt: skip
    assert result.code == 2
    assert says in result.err
    assert password not in result.err or len(password) > 10


def test_user_add_twice_is_refused(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _password_file(tmp_path, "kata sandi panjang")
    assert (
        aduan(capsys, config, "user", "add", "sari", "--role", "staf", "--password-file", file).code
        == 0
    )
    again = aduan(
        capsys, config, "user", "add", "SARI", "--role", "kepala", "--password-file", file
    )
    assert again.code == 2 and "exists already" in again.err


def test_passwd_asks_twice_without_echo(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    file = _password_file(tmp_path, "kata sandi pertama")
    assert (
        aduan(capsys, config, "user", "add", "sari", "--role", "staf", "--password-file", file).code
        == 0
    )
    before = _hash_of(config, "sari")
    answers = iter(["sandi baru sekali", "sandi baru beda"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    differ = aduan(capsys, config, "user", "passwd", "sari")
    assert differ.code == 2 and "differ" in differ.err
    assert _hash_of(config, "sari") == before
    answers = iter(["sandi baru sekali", "sandi baru sekali"])
    changed = aduan(capsys, config, "user", "passwd", "sari")
    assert changed.code == 0, changed.err
    assert "sandi baru" not in changed.out + changed.err
    assert _hash_of(config, "sari") != before
    assert aduan(capsys, config, "user", "passwd", "siapa").code == 2


def test_disable_and_enable(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _password_file(tmp_path, "kata sandi panjang")
    aduan(capsys, config, "user", "add", "budi", "--role", "kepala", "--password-file", file)
    assert aduan(capsys, config, "user", "disable", "budi").code == 0
    assert aduan(capsys, config, "user", "list", "--json").json()[0]["disabled"] is True
    assert aduan(capsys, config, "user", "enable", "budi").code == 0
    assert aduan(capsys, config, "user", "list", "--json").json()[0]["disabled"] is False


def test_the_cookie_key_is_made_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "berkas" / "web-secret"
    first = load_secret(path)
    assert len(first) == 64
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_secret(path) == first
    path.write_text("pendek")
    with pytest.raises(ConfigError, match="under 32 characters"):
        load_secret(path)


def test_web_settings_defaults_and_checks(tmp_path: Path) -> None:
    settings = parse_settings({"storage": {"path": "data"}}, tmp_path / "aduan.toml")
    assert (settings.web.host, settings.web.port) == ("127.0.0.1", 8080)
    assert settings.web.secret_file == tmp_path / "data" / "web-secret"
    assert settings.web.serve_with_run is False
    set_ = parse_settings(
        {"web": {"base_url": "https://aduan.example/", "trusted_proxies": ["10.0.0.0/8"]}},
        tmp_path / "aduan.toml",
    )
    assert set_.web.base_url == "https://aduan.example"
    for bad in ({"base_url": "aduan.example"}, {"trusted_proxies": ["nginx"]}, {"port": 0}):
        with pytest.raises(ConfigError, match="web"):
            parse_settings({"web": bad}, tmp_path / "aduan.toml")


def test_login_limiter_counts_per_name_and_per_address() -> None:
    now = [1000.0]
    limiter = LoginLimiter(limit=5, window=900, clock=lambda: now[0])
    for i in range(4):
        limiter.failed("Rina", f"10.0.0.{i}")
    assert limiter.wait_seconds("rina", "10.0.0.9") == 0
    limiter.failed("rina", "10.0.0.9")
    assert limiter.wait_seconds("RINA", "10.0.0.10") == 900
    now[0] += 600
    assert limiter.wait_seconds("rina", "10.0.0.10") == 300
    limiter.succeeded("rina")
    assert limiter.wait_seconds("rina", "10.0.0.10") == 0
    for name in ("a", "b", "c", "d", "e"):
        limiter.failed(name, "192.0.2.7")
    assert limiter.wait_seconds("someone", "192.0.2.7") > 0
    now[0] += 901
    assert limiter.wait_seconds("someone", "192.0.2.7") == 0


def test_the_client_address_behind_a_trusted_proxy_only() -> None:
    proxies = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.1.0.0/16")]
    assert client_address("192.0.2.5", "203.0.113.9", proxies) == "192.0.2.5"  # not a proxy
    assert client_address("127.0.0.1", None, proxies) == "127.0.0.1"
    assert client_address("127.0.0.1", "192.168.1.20", proxies) == "192.168.1.20"
    # A client's own X-Forwarded-For comes first; the proxies append the real address.
    assert client_address("127.0.0.1", "1.2.3.4, 192.168.1.20, 10.1.2.3", proxies) == "192.168.1.20"
    assert client_address("127.0.0.1", "192.168.1.20", []) == "127.0.0.1"


def test_run_can_serve_the_console_on_a_thread(tmp_path: Path) -> None:
    from aduan.daemon.web.server import BackgroundConsole

    port = free_port()
    settings = parse_settings(
        {
            "database": {"url": "sqlite:///var/aduan.db"},
            "web": {"port": port, "serve_with_run": True},
        },
        tmp_path / "aduan.toml",
    )
    console = BackgroundConsole(settings, "id")
    console.start()
    try:
        for _ in range(200):
            if console.server.started:
                break
            console.thread.join(0.05)
        with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/masuk", timeout=10) as response:
            page = response.read().decode()
            assert response.headers["x-frame-options"] == "DENY"
        assert "Kata sandi" in page
    finally:
        console.stop()
    assert not console.thread.is_alive()


# --- systemd/aduan-web.service --------------------------------------------------------


def _unit() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for raw in WEB_UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def test_web_unit_mirrors_the_service_hardening() -> None:
    web = _unit()
    service: dict[str, list[str]] = {}
    for raw in (ROOT / "systemd" / "aduan.service").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            service.setdefault(key, []).append(value)
    assert web["ExecStart"] == ["/opt/aduan/.venv/bin/aduan --config /etc/aduan/aduan.toml web"]
    same = ("User", "Group", "StateDirectory", "WorkingDirectory", "ProtectSystem",
            "SystemCallFilter", "MemoryDenyWriteExecute", "CapabilityBoundingSet",
            "RestrictAddressFamilies", "PrivateDevices", "NoNewPrivileges", "UMask")  # fmt: skip
    for key in same:
        assert web[key] == service[key], key
    assert "LoadCredential" not in web  # it never needs the mail passwords


def test_web_unit_is_verified_and_scores_like_the_service() -> None:
    from tests.integration.test_systemd_unit import _run, _tool

    analyze = _tool("systemd-analyze")
    result = _run(analyze, "security", "--offline=yes", "--no-pager", str(WEB_UNIT))
    assert result.returncode == 0, result.stderr
    match = re.search(
        r"Overall exposure level for aduan-web\.service: (\d+(?:\.\d+)?)", result.stdout
    )
    assert match and float(match[1]) <= 2.0, result.stdout
    verify = _run(analyze, "verify", str(WEB_UNIT))
    complaints = [line for line in verify.stderr.splitlines() if line.strip()]
    if not Path("/opt/aduan/.venv/bin/aduan").exists():
        assert complaints == [
            "aduan-web.service: Command /opt/aduan/.venv/bin/aduan is not executable: "
            "No such file or directory"
        ]
    else:
        assert complaints == []
    assert os.access(WEB_UNIT, os.R_OK)
