"""A bug in the parser or the classifier must not lose a mail."""

from __future__ import annotations

from pathlib import Path

import pytest

from aduan.daemon import parsing
from aduan.daemon.filestore import FileStore
from aduan.daemon.learning import ClassifierSpec
from aduan.parsers.classification import UNCLASSIFIED
from tests.mailcorpus import make_mail


class Broken(ClassifierSpec):
    def classify(self, text: str, subject: str | None = None) -> parsing.Classification:
        raise RuntimeError("bug")


def test_a_classifier_bug_registers_the_mail_unclassified(tmp_path: Path) -> None:
    spec = Broken(None, tmp_path, None)
    parsed = parsing.parse_fetched(make_mail(), None, FileStore(tmp_path), spec)
    assert isinstance(parsed, parsing.ParsedMail)
    assert parsed.classification == UNCLASSIFIED


def test_a_parser_bug_quarantines_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_data: bytes) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(parsing, "parse_mail", broken)
    spec = ClassifierSpec(None, tmp_path, None)
    reason = parsing.parse_fetched(make_mail(), None, FileStore(tmp_path), spec)
    assert reason == "internal error in the parser (KeyError); retry after an update"
