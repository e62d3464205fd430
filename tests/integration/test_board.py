"""The public notice board: followed-up complaints of a period, with nobody recognisable on
it, printed to A4; its answered entries become `dipublikasikan`."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from aduan.daemon.config import Facility, Settings
from aduan.daemon.reports.board import make_board
from aduan.models.db import transaction
from aduan.models.tables import Entry, Event
from tests.register_fixture import FixtureRegister, fill_register

SETTINGS = Settings(facility=Facility(name="Puskesmas Contoh"))


def pdf_text(path: Path) -> str:
    """The PDF's words, one space apart: a line the layout wrapped reads as one."""
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return " ".join(done.stdout.split())


def window(register: FixtureRegister) -> tuple[datetime, datetime]:
    """The whole fixture: every follow-up of the month and after it."""
    start = datetime.fromisoformat(f"{register.month}-01T00:00").replace(
        tzinfo=SETTINGS.facility.tz
    )
    return start - timedelta(days=40), register.now


def make(engine: Engine, out: Path, since: datetime, until: datetime, lang: str = "id") -> object:
    with transaction(engine) as session:
        return make_board(
            session, SETTINGS, since, until, out_dir=out, lang=lang, by="petugas", now=until
        )


def test_board_lists_followed_up_complaints_without_personal_data(
    engine: Engine, tmp_path: Path
) -> None:
    register = fill_register(engine, SETTINGS)
    since, until = window(register)
    with Session(engine) as session:
        acted = set(
            session.exec(
                select(Entry.register_no)
                .join(Event, col(Event.entry_id) == col(Entry.id))
                .where(
                    col(Event.type).in_(("rtl", "response")),
                    Event.at >= since,
                    Event.at < until,
                    col(Entry.kind).in_(("keluhan", "saran")),
                    col(Entry.status) != "bukan_aduan",
                )
            )
        )
        was_done = set(session.exec(select(Entry.register_no).where(Entry.status == "selesai")))
    board = make(engine, tmp_path, since, until)
    items = {item.register_no for item in board.items}  # type: ignore[attr-defined]
    assert items == acted and len(items) >= 5
    assert set(board.published) == acted & was_done  # type: ignore[attr-defined]

    html = (tmp_path / f"papan-{until.date().isoformat()}.html").read_text(encoding="utf-8")
    pdf = pdf_text(tmp_path / f"papan-{until.date().isoformat()}.pdf")
    assert "PAPAN INFORMASI TINDAK LANJUT PENGADUAN" in pdf
    assert "Puskesmas Contoh" in pdf
    for number in items:
        assert number in html and number in pdf
    for personal in register.personal:
        assert personal not in html, personal
        assert personal not in pdf, personal
        for word in personal.split():
            # every part of a name, too ("Bapak Budi" on its own)
            if len(word) >= 4 and word[0].isupper() and "@" not in word and not word[1:2].isdigit():
                assert not re.search(rf"\b{re.escape(word)}\b", html), (personal, word)
    assert "[nomor disamarkan]" in html or "[nama]" in html

    with Session(engine) as session:
        statuses = dict(
            session.exec(
                select(Entry.register_no, Entry.status).where(col(Entry.register_no).in_(items))
            ).all()
        )
    assert {statuses[no] for no in board.published} == {"dipublikasikan"}  # type: ignore[attr-defined]
    assert "selesai" not in {statuses[no] for no in items}
    # Entries still being followed up are on the board but keep their (open) status.
    assert "ditindaklanjuti" in statuses.values() or len(items) == len(board.published)  # type: ignore[attr-defined]


def test_making_the_board_again_gives_the_same_board(engine: Engine, tmp_path: Path) -> None:
    register = fill_register(engine, SETTINGS)
    since, until = window(register)
    first = make(engine, tmp_path / "1", since, until)
    second = make(engine, tmp_path / "2", since, until)
    assert first.items == second.items  # type: ignore[attr-defined]
    assert second.published == []  # type: ignore[attr-defined]
    name = f"papan-{until.date().isoformat()}.html"
    assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()


def test_an_empty_period_and_english(engine: Engine, tmp_path: Path) -> None:
    fill_register(engine, SETTINGS)
    until = datetime(2020, 1, 20, 7, tzinfo=SETTINGS.facility.tz)
    board = make(engine, tmp_path, until - timedelta(days=14), until, lang="en")
    assert board.items == []  # type: ignore[attr-defined]
    text = pdf_text(tmp_path / "papan-2020-01-20.pdf")
    assert "No complaints were followed up in this period." in text
    assert "FOLLOW-UP OF COMPLAINTS" in text


def test_making_a_pdf_leaves_pillow_strict_about_truncated_scans(tmp_path: Path) -> None:
    # WeasyPrint's import relaxes Pillow for the whole process; the service makes PDFs and
    # reads scans in one process, and a truncated scan must still be quarantined.
    from PIL import ImageFile

    from aduan.daemon.reports.documents import pdf_bytes

    assert pdf_bytes("<p>uji</p>").startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
