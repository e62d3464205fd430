"""Recipient classes and their views: who gets which message, and what each view shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aduan.daemon.config import Privacy, parse_settings
from aduan.daemon.errors import ConfigError
from aduan.daemon.letters import Letters
from aduan.daemon.privacy import HEAD, TEAM, UNITS, Audience, Views, for_reporter
from aduan.models.tables import Entry
from aduan.parsers.scrub import DIAGNOSIS, NUMBER

RECEIVED = datetime(2026, 11, 23, 1, 15, tzinfo=UTC)
TEXT = (
    "Saya Rina Marlina, HP 0812-3456-7890, NIK 3201012301900001, No. RM 12-34-56. "
    "Saya positif HIV dan dr. Budi membentak saya di depan pasien lain. " + "Lama sekali. " * 30
)


def entry(**changes: object) -> Entry:
    values: dict[str, object] = {
        "id": 1,
        "register_no": "ADU-2026-11-0001",
        "received_at": RECEIVED,
        "registered_at": RECEIVED,
        "channel": "email",
        "source_id": "<a@example.id>",
        "reporter_name": "Rina Marlina",
        "reporter_contact": "rina@example.id",
        "reporter_address": "Jl. Kenanga No. 7",
        "subject": "Dibentak karena HIV",
        "text": TEXT,
        "kind": "keluhan",
        "unit": "poli_umum",
        "urgent": False,
        "reasons": ["'membentak' → keluhan"],
        "due_forward": RECEIVED + timedelta(hours=48),
        "due_answer": RECEIVED + timedelta(hours=72),
        "due_resolve": RECEIVED + timedelta(days=60),
        "rtl": "Teguran untuk dr. Budi; pasien HIV dilayani di ruang tertutup.",
        "response": "Mohon maaf, sudah kami tindak.",
        **changes,
    }
    return Entry(**values)


# --- who gets which message ----------------------------------------------------------------


def test_one_message_per_view_the_main_class_keeps_the_message_id() -> None:
    views = Views(Privacy())
    found = views.audiences(
        [(TEAM, ["mutu@x.id"]), (UNITS, ["apotek@x.id"]), (HEAD, ["kapus@x.id"])]
    )
    assert found == [
        Audience("lengkap", ("mutu@x.id", "apotek@x.id"), None),
        Audience("ringkas", ("kapus@x.id",), "kepala"),
    ]


def test_an_address_in_two_classes_gets_one_message_in_the_fuller_view() -> None:
    views = Views(Privacy())
    found = views.audiences([(HEAD, ["Kapus@x.id ", "wakil@x.id"]), (TEAM, ["kapus@x.id"])])
    # The overdue alert: the head's is the mail's own, the team's takes a suffix.
    assert found == [
        Audience("ringkas", ("wakil@x.id",), None),
        Audience("lengkap", ("kapus@x.id",), "tim"),
    ]


def test_classes_with_the_same_view_share_a_message_and_nobody_means_no_message() -> None:
    views = Views(Privacy(head="lengkap"))
    assert views.audiences([(TEAM, ["mutu@x.id"]), (HEAD, ["kapus@x.id"])]) == [
        Audience("lengkap", ("mutu@x.id", "kapus@x.id"), None)
    ]
    assert views.audiences([(TEAM, []), (HEAD, [" "])]) == []
    # No team: the head's message still has its own Message-ID, never the team's.
    assert Views(Privacy()).audiences([(TEAM, []), (HEAD, ["kapus@x.id"])]) == [
        Audience("ringkas", ("kapus@x.id",), "kepala")
    ]


# --- what each view shows ------------------------------------------------------------------


def test_lengkap_has_the_reporter_and_the_text_with_health_data_masked() -> None:
    shown = Views(Privacy()).show(entry(), "lengkap")
    assert shown.reporter_name == "Rina Marlina" and shown.reporter_contact == "rina@example.id"
    assert shown.reporter_address == "Jl. Kenanga No. 7"
    assert "0812-3456-7890" in shown.text and "dr. Budi" in shown.text
    assert f"NIK {NUMBER}" in shown.text and f"No. RM {NUMBER}" in shown.text
    assert "positif HIV" not in shown.text and DIAGNOSIS in shown.text
    assert shown.subject == f"Dibentak karena {DIAGNOSIS}"
    assert "HIV" not in (shown.rtl or "") and shown.headline.startswith("Dibentak karena [")
    unmasked = Views(Privacy(mask_health=False)).show(entry(), "lengkap")
    assert unmasked.text == TEXT


def test_ringkas_has_initials_and_a_short_masked_text() -> None:
    shown = Views(Privacy()).show(entry(), "ringkas")
    assert shown.reporter_name == "R. M."
    assert shown.reporter_contact is None and shown.reporter_address is None
    assert len(shown.text) <= 300 and shown.text.endswith("…")
    assert "Rina" not in shown.text and "0812" not in shown.text and "HIV" not in shown.text
    assert "dr. Budi" in shown.text  # staff are named: the head must know whom to talk to
    assert shown.read_locally == "aduan register show ADU-2026-11-0001"


def test_anonim_has_nobody_and_a_scrubbed_text() -> None:
    shown = Views(Privacy()).show(entry(), "anonim")
    assert shown.reporter_name is None and shown.reporter_contact is None
    assert "Rina" not in shown.text and "Budi" not in shown.text and "HIV" not in shown.text
    assert "membentak" in shown.text


@pytest.mark.parametrize("view", ["lengkap", "ringkas", "anonim"])
def test_a_confidential_entry_shows_its_number_only(view: str) -> None:
    shown = Views(Privacy()).show(entry(confidential=True), view)  # type: ignore[arg-type]
    assert shown.confidential and shown.register_no == "ADU-2026-11-0001"
    assert shown.unit == "poli_umum" and shown.kind == "keluhan"
    assert shown.text == "" and shown.subject is None and shown.headline == ""
    assert shown.reporter_name is None and shown.reporter_contact is None
    assert shown.rtl is None and shown.response is None and shown.reasons == ()
    assert Views(Privacy()).show_text(entry(confidential=True), view, "balasan") == ""  # type: ignore[arg-type]


def test_the_reporter_sees_their_own_words_but_a_confidential_one_is_not_quoted() -> None:
    assert for_reporter(entry()).text == TEXT
    mine = for_reporter(entry(confidential=True))
    assert mine.subject is None and mine.text == ""
    assert mine.response == "Mohon maaf, sudah kami tindak."
    assert mine.reporter_name == "Rina Marlina"


# --- every template, every view: nothing of a confidential entry ---------------------------

CONTEXTS: dict[str, dict[str, object]] = {
    "eskalasi": {},
    "balasan": {"reply": "Saya masih menunggu, HIV saya", "received_at": RECEIVED},
    "pengingat": {"deadline": "answer", "due": RECEIVED + timedelta(hours=72)},
    "terlambat": {"deadline": "resolve", "due": RECEIVED + timedelta(days=60)},
    "dinkes": {"text": "", "reason": None},
}
SECRET_WORDS = ("Rina", "rina@", "Kenanga", "membentak", "Dibentak", "HIV", "Budi", "0812")


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("view", ["lengkap", "ringkas", "anonim"])
@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_templates_put_nothing_of_a_confidential_entry_in_mail(
    name: str, view: str, lang: str
) -> None:
    shown = Views(Privacy()).show(entry(confidential=True), view)  # type: ignore[arg-type]
    letter = Letters(ZoneInfo("Asia/Jakarta")).render(
        name,
        lang,
        entry=shown,
        headline=shown.headline,
        internal=False,
        view=view,
        files=[],
        facility="Puskesmas Uji",
        now=None,
        **CONTEXTS[name],
    )
    whole = letter.subject + "\n" + letter.body
    # Where to read it: staff get the local command; the district office, whom to ask.
    if name == "dinkes":
        assert "register ADU-2026-11-0001" in whole or "register number ADU-2026-11-0001" in whole
    else:
        assert "aduan register show ADU-2026-11-0001" in whole
    for word in SECRET_WORDS:
        assert word not in whole, word


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_digest_lists_a_confidential_entry_by_number(lang: str) -> None:
    from aduan.daemon.escalation import _Item

    views = Views(Privacy())
    items = [_Item(views.show(entry(confidential=True), "lengkap"))]
    letter = Letters(ZoneInfo("Asia/Jakarta")).render(
        "ringkasan", lang, entries=items, facility="Puskesmas Uji", now=RECEIVED
    )
    assert "aduan register show ADU-2026-11-0001" in letter.body
    assert not any(word in letter.body for word in SECRET_WORDS)


# --- config --------------------------------------------------------------------------------


def test_privacy_config_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "aduan.toml"
    settings = parse_settings({"privacy": {"head": "anonim", "diagnoses": ["cacar"]}}, path)
    assert settings.privacy.head == "anonim" and settings.privacy.quality_team == "lengkap"
    with pytest.raises(ConfigError, match=r"privacy\.head"):
        parse_settings({"privacy": {"head": "semua"}}, path)
    with pytest.raises(ConfigError, match="not a built-in diagnosis term"):
        parse_settings({"privacy": {"diagnoses_shown": ["flu"]}}, path)
    with pytest.raises(ConfigError, match=r"unknown key .privacy\.kepala."):
        parse_settings({"privacy": {"kepala": "ringkas"}}, path)
