"""Every built-in template renders in both languages, with the facts a reader needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aduan.daemon.letters import Letters
from aduan.models.tables import Entry

RECEIVED = datetime(2026, 11, 23, 1, 15, tzinfo=UTC)  # Monday 08:15 WIB
TEMPLATES = Path(__file__).parents[2] / "daemon" / "templates"


def entry() -> Entry:
    return Entry(
        id=1,
        register_no="ADU-2026-11-0001",
        received_at=RECEIVED,
        registered_at=RECEIVED,
        channel="email",
        source_id="<a@example.id>",
        reporter_name="Siti",
        reporter_contact="siti@example.id",
        subject="Antrian",
        text="Antrian di loket lama sekali.",
        kind="keluhan",
        unit="pendaftaran",
        urgent=True,
        confidence=0.9,
        reasons=["'antrian' → pendaftaran"],
        status="diterima",
        due_forward=RECEIVED + timedelta(hours=48),
        due_answer=RECEIVED + timedelta(hours=72),
        due_resolve=RECEIVED + timedelta(days=60),
        response="Loket kedua dibuka.",
    )


CONTEXTS = {
    "eskalasi": {},
    "tanda_terima": {},
    "jawaban": {},
    "balasan": {"reply": "Belum ada perbaikan.", "received_at": RECEIVED},
    "pengingat": {"deadline": "answer", "due": RECEIVED + timedelta(hours=72)},
    "terlambat": {"deadline": "resolve", "due": RECEIVED + timedelta(days=60)},
}


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_entry_letters_render(lang: str, name: str) -> None:
    letters = Letters(ZoneInfo("Asia/Jakarta"))
    letter = letters.render(
        name,
        lang,
        entry=entry(),
        headline="Antrian",
        internal=True,
        view="lengkap",
        files=[],
        facility="Puskesmas Uji",
        now=None,
        **CONTEXTS[name],
    )
    assert "ADU-2026-11-0001" in letter.subject + letter.body
    assert "\n" not in letter.subject


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("name", ["ringkasan", "mingguan"])
def test_list_letters_render(lang: str, name: str) -> None:
    from aduan.daemon.escalation import _Item

    letter = Letters(ZoneInfo("Asia/Jakarta")).render(
        name,
        lang,
        entries=[_Item(entry(), overdue=True)],
        overdue=1,
        facility="Puskesmas Uji",
        now=RECEIVED,
    )
    assert "[ADU-2026-11-0001]" in letter.body


def test_times_are_shown_in_the_facility_zone_in_indonesian() -> None:
    letter = Letters(ZoneInfo("Asia/Jakarta")).render(
        "tanda_terima", "id", entry=entry(), facility="Puskesmas Uji", headline="", now=None
    )
    assert "Senin, 23 November 2026 pukul 08.15 WIB" in letter.body


def test_a_facility_template_replaces_the_built_in_one(tmp_path: Path) -> None:
    (tmp_path / "id").mkdir()
    (tmp_path / "id" / "tanda_terima.txt.j2").write_text(
        "{% block subject %}Diterima {{ entry.register_no }}{% endblock %}"
        "{% block body %}Terima kasih dari {{ facility }}.{% endblock %}"
    )
    letter = Letters(ZoneInfo("Asia/Jakarta"), tmp_path).render(
        "tanda_terima", "id", entry=entry(), facility="Puskesmas Uji"
    )
    assert letter.subject == "Diterima ADU-2026-11-0001"
    assert letter.body == "Terima kasih dari Puskesmas Uji.\n"
    assert TEMPLATES.is_dir()
