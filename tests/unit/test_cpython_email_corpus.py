"""CPython's own email test data: odd, old and broken mails (plus images) from real life."""

from __future__ import annotations

from pathlib import Path

import pytest

from aduan.parsers.mail import Mail, MailParseError, parse_mail


def _corpus() -> list[Path]:
    try:
        import test.test_email
    except ImportError:  # Debian and others ship Python without its test package
        return []
    return sorted((Path(test.test_email.__file__).parent / "data").iterdir())


CORPUS = _corpus()


@pytest.mark.skipif(not CORPUS, reason="CPython's test.test_email package is not installed")
@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_file_parses_or_raises_mail_parse_error(path: Path) -> None:
    try:
        mail = parse_mail(path.read_bytes())
    except MailParseError:
        return
    assert isinstance(mail, Mail)
    assert mail.subject or mail.text or mail.attachments
