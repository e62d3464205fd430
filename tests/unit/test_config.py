from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from aduan.daemon.config import load_settings, parse_settings
from aduan.daemon.errors import ConfigError, ExitCode

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "aduan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid_and_complete() -> None:
    path = REPO / "aduan.example.toml"
    settings = parse_settings(tomllib.loads(path.read_text()), path)
    assert settings.mailbox is not None and settings.mailbox.done_folder == "Aduan/Diproses"
    assert settings.escalation.units["farmasi"] == ["apoteker@example.org"]
    assert settings.smtp.from_.startswith("Pengaduan")


def test_unknown_key_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[mailbox]\nhost='h'\nusername='u'\npasword_file='x'\n")
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert "mailbox.pasword_file" in str(err.value)
    assert str(path) in str(err.value)
    assert err.value.exit_code == ExitCode.USAGE


def test_unknown_section_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'mailboks'"):
        load_settings(write(tmp_path, "[mailboks]\nhost='h'\n"))


def test_plaintext_imap_only_on_loopback(tmp_path: Path) -> None:
    text = "[mailbox]\nhost='imap.example.org'\nusername='u'\nsecurity='none'\n"
    with pytest.raises(ConfigError, match=r"loopback|127\.0\.0\.1"):
        load_settings(write(tmp_path, text))
    ok = load_settings(write(tmp_path, text.replace("imap.example.org", "127.0.0.1")))
    assert ok.mailbox is not None and ok.mailbox.security == "none"


def test_bad_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[facility\n"))


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[maildir]\npath='md'\n"))
    assert settings.maildir is not None and settings.maildir.path == tmp_path / "md"
    assert settings.database.url == f"sqlite:///{tmp_path}/var/aduan.db"


def test_embedded_default_lives_under_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ADUAN_CONFIG", raising=False)
    settings = load_settings(None)
    assert settings.maildir is not None and settings.maildir.path == tmp_path / "var/maildir"
    assert settings.mailbox is None
    assert settings.smtp.host is None and settings.smtp.outbox_dir == tmp_path / "var/outbox"


def test_config_file_without_maildir_section_has_no_maildir_source(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, "[facility]\nname='X'\n")).maildir is None


def test_password_from_file_env_or_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "imap.pw"
    secret.write_text("rahasia\n")
    base = "[mailbox]\nhost='h'\nusername='u'\n"
    mailbox = load_settings(write(tmp_path, base + "password_file='imap.pw'\n")).mailbox
    assert mailbox is not None and mailbox.secret() == "rahasia"
    monkeypatch.setenv("ADUAN_IMAP_PASSWORD", "dari-env")
    mailbox = load_settings(write(tmp_path, base)).mailbox
    assert mailbox is not None and mailbox.secret() == "dari-env"
    monkeypatch.delenv("ADUAN_IMAP_PASSWORD")
    with pytest.raises(ConfigError, match="no password"):
        mailbox.secret()


def test_unreadable_password_file_says_so(tmp_path: Path) -> None:
    mailbox = load_settings(
        write(tmp_path, "[mailbox]\nhost='h'\nusername='u'\npassword_file='missing'\n")
    ).mailbox
    assert mailbox is not None
    with pytest.raises(ConfigError, match=r"password_file .*missing"):
        mailbox.secret()


def test_register_prefix_must_be_capitals(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="register_prefix"):
        load_settings(write(tmp_path, "[facility]\nregister_prefix='adu-x'\n"))


def test_unknown_timezone_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="time zone"):
        load_settings(write(tmp_path, "[facility]\ntimezone='Asia/Bandung'\n"))
