"""A realistic register for the recap and notice-board tests, with its numbers known.

`fill_register` writes a month of ~40 mixed entries (every channel, kind, unit and status,
spam included, some urgent) through the register's own functions, each with forwarding,
follow-up and answers at chosen times, so that every figure of a recap is known: on time,
late, still pending, overdue. Around it: a previous month to compare with, two earlier months
and one later month (the semester), and two entries in the previous semester.

Reporters' names, phones, e-mails, addresses and a NIK are spread over the entries and
their texts; `FixtureRegister.personal` lists them, so that a test can check that no
public or head-bound document leaks any.

Times are the facility's wall clock; the report's `now` is 70 days after the month began,
so every forward and answer deadline of the month has passed and the 60-day resolution
deadline has passed for the first ten days only.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from aduan.daemon.config import Deadlines, Settings
from aduan.daemon.register import (
    DAEMON,
    EntryDraft,
    Update,
    add_event,
    create_entries,
    update_entry,
)
from aduan.models.tables import ELECTRONIC_CHANNELS, OPEN_STATUSES, Entry
from aduan.parsers.classification import Classification

STAFF = "petugas"
# Channels where a person, not the escalation mail, passes the entry on.
_BY_HAND = frozenset({"telepon", "langsung"})
_UNIT_TARGETS = {
    "pendaftaran": "pendaftaran",
    "poli umum": "poli_umum",
    "poli gigi": "poli_gigi",
    "kia kb": "kia_kb",
    "farmasi": "farmasi",
    "laboratorium": "laboratorium",
    "ugd": "ugd",
    "rawat inap": "rawat_inap",
    "administrasi": "administrasi",
    "kebersihan sarana": "kebersihan_sarana",
}


@dataclass(frozen=True)
class Spec:
    """One entry: when (month offset from the fixture's month, day, "HH:MM"; day -1 is the
    month's last day), what, who, and what happened after, in hours from receipt."""

    month: int
    day: int
    clock: str
    channel: str
    kind: str
    unit: str
    text: str
    cues: tuple[str, ...] = ()
    urgent: bool = False
    spam: bool = False
    name: str | None = None
    contact: str | None = None
    address: str | None = None
    forward: float | None = None
    rtl: float | None = None
    answer: float | None = None  # a response: the entry becomes `selesai`
    close: float | None = None  # status `selesai` without a response
    publish: float | None = None
    inbound_forward: bool = False  # a colleague forwarded the complaint to our mailbox
    key: str = ""  # for tests that look one entry up

    @property
    def status(self) -> str:
        if self.spam:
            return "bukan_aduan"
        if self.publish is not None:
            return "dipublikasikan"
        if self.answer is not None or self.close is not None:
            return "selesai"
        if self.rtl is not None:
            return "ditindaklanjuti"
        if self.forward is not None:
            return "diteruskan"
        return "diterima"


def _spam(month: int, day: int, clock: str, channel: str, text: str, cue: str) -> Spec:
    return Spec(
        month, day, clock, channel, "lainnya", "lainnya", text, (f"'{cue}' → spam (bukan aduan)",),
        spam=True,
    )  # fmt: skip


# fmt: off
SPECS: tuple[Spec, ...] = (
    # --- the month ------------------------------------------------------------------------
    # 00.30 on the 1st, local: the previous day in UTC, still this month's.
    Spec(0, 1, "00:30", "email", "keluhan", "pendaftaran",
         "Antrian pendaftaran lama sekali, saya menunggu dua jam.",
         ("'antri' → pendaftaran", "'lama' → keluhan"),
         name="Siti Aminah", contact="siti.aminah@example.org", address="Jl. Melati No. 5",
         forward=2, rtl=30, answer=50, key="siti"),
    Spec(0, 1, "09:00", "kotak_saran", "saran", "kebersihan_sarana",
         "Sebaiknya toilet dibersihkan lebih sering.",
         ("'toilet' → kebersihan sarana", "'sebaiknya' → saran"), forward=20),
    Spec(0, 2, "08:15", "whatsapp", "keluhan", "farmasi",
         "Obat habis terus di apotek. Saya Bapak Budi Santoso, hubungi 0812-3456-7890.",
         ("'obat' → farmasi", "'habis' → keluhan"),
         name="Budi Santoso", contact="+6281234567890", forward=10, answer=60, key="budi"),
    Spec(0, 2, "10:00", "sms", "pertanyaan", "administrasi",
         "Apakah BPJS bisa dipakai untuk cek gula darah?",
         ("'bpjs' → administrasi", "'apakah' → pertanyaan"),
         contact="+6285711112222", forward=5, answer=80),
    Spec(0, 3, "07:45", "telepon", "keluhan", "ugd",
         "Pasien kecelakaan menunggu lama di UGD, darah terus keluar.",
         ("'ugd' → ugd", "'menunggu' → keluhan", "'darah' → mendesak"), urgent=True,
         name="Rudi Hartono", contact="0813-9876-5432", forward=1, rtl=3, answer=24, publish=200),
    Spec(0, 3, "13:00", "langsung", "pujian", "poli_umum",
         "Terima kasih, dokter di poli umum sangat ramah.",
         ("'terima kasih' → pujian", "'poli umum' → poli umum"),
         name="Ani Wijaya", forward=30, answer=100),
    Spec(0, 4, "09:30", "web", "keluhan", "laboratorium",
         "Hasil lab keluar terlambat tiga hari.",
         ("'lab' → laboratorium", "'terlambat' → keluhan"),
         name="Dewi Lestari", contact="dewi.lestari@example.com",
         forward=60, rtl=100, answer=150),
    Spec(0, 4, "20:00", "media_sosial", "keluhan", "poli_gigi",
         "Dokter gigi sering tidak ada di tempat.",
         ("'dokter gigi' → poli gigi", "'tidak ada' → keluhan (negasi)"), forward=12, rtl=40),
    _spam(0, 5, "08:00", "email", "PROMO pinjaman online cair cepat, hubungi 0899-1234-5678!",
          "pinjaman"),
    Spec(0, 5, "11:00", "kotak_saran", "keluhan", "kia_kb",
         "Ruang KIA panas, kipas angin rusak.", ("'kia' → kia kb", "'rusak' → keluhan"),
         name="Ratna Sari", address="RT 03 RW 02 Desa Sukamaju", forward=70),
    Spec(0, 6, "09:00", "whatsapp", "saran", "rawat_inap",
         "Mohon jam besuk rawat inap diperpanjang.",
         ("'rawat inap' → rawat inap", "'mohon' → saran"),
         name="Agus Salim", contact="+6281122334455", forward=8, answer=30),
    Spec(0, 6, "14:00", "telepon", "pertanyaan", "lainnya",
         "Jam buka puskesmas hari Sabtu sampai jam berapa?", ("'jam buka' → pertanyaan",),
         forward=4, answer=5),
    Spec(0, 7, "08:30", "email", "keluhan", "pendaftaran",
         "Antri dari jam 6 pagi, baru dipanggil jam 11.",
         ("'antri' → pendaftaran", "'dipanggil' → pendaftaran"),
         name="Hendra Gunawan", contact="hendra.g@example.net",
         forward=1, rtl=20, answer=1500, key="late_answer"),  # after 62.5 days: late
    Spec(0, 8, "10:00", "sms", "keluhan", "farmasi",
         "Obat yang diberikan salah dosis. NIK saya 3171234567890123.",
         ("'obat' → farmasi", "'salah' → keluhan", "'salah dosis' → mendesak"), urgent=True,
         contact="+6287812345678", forward=0.5, rtl=2, answer=20, publish=300),
    Spec(0, 9, "09:00", "langsung", "keluhan", "administrasi",
         "Pengurusan surat rujukan berbelit dan petugas tidak ramah.",
         ("'rujukan' → administrasi", "'tidak ramah' → keluhan (negasi)"),
         name="Bambang Susilo", key="never_forwarded"),
    Spec(0, 10, "12:00", "email", "keluhan", "kebersihan_sarana",
         "Toilet kotor dan bau.", ("'toilet' → kebersihan sarana", "'kotor' → keluhan"),
         name="Lina Marlina", contact="lina.m@example.org", forward=3, rtl=10, answer=40),
    Spec(0, 11, "09:00", "whatsapp", "keluhan", "pendaftaran",
         "Antrian online tidak berfungsi sejak kemarin.",
         ("'antri' → pendaftaran", "'tidak berfungsi' → keluhan"),
         name="Yusuf Maulana", contact="+6281399887766", forward=6, rtl=50),
    Spec(0, 12, "10:00", "kotak_saran", "pujian", "kebersihan_sarana",
         "Puskesmas sekarang bersih, terima kasih.",
         ("'bersih' → kebersihan sarana", "'terima kasih' → pujian"), forward=40),
    Spec(0, 12, "08:00", "whatsapp", "keluhan", "poli_umum",
         "Dokter poli umum datang terlambat, pasien menunggu dua jam.",
         ("'poli umum' → poli umum", "'terlambat' → keluhan", "'menunggu' → keluhan"),
         name="Sri Wahyuni", contact="+6281211112222", forward=2, rtl=30, key="weekly_rtl"),
    Spec(0, 13, "19:00", "sms", "saran", "farmasi",
         "Sebaiknya apotek buka sampai sore.", ("'apotek' → farmasi", "'sebaiknya' → saran"),
         contact="+6285600001111", forward=14, answer=48),
    _spam(0, 14, "07:00", "whatsapp", "Slot gacor hari ini, daftar sekarang!", "slot"),
    Spec(0, 15, "16:00", "whatsapp", "pertanyaan", "kia_kb",
         "Jadwal imunisasi anak bulan ini kapan? Saya Ibu Maya Putri, 0819-0000-2222.",
         ("'imunisasi' → kia kb",),
         name="Maya Putri", contact="+6281900002222", forward=20, answer=24),
    Spec(0, 15, "12:00", "langsung", "lainnya", "lainnya",
         "Titip pesan untuk bidan desa.", forward=5),
    Spec(0, 16, "21:00", "sms", "keluhan", "laboratorium",
         "Hasil lab saya tertukar dengan pasien lain.",
         ("'lab' → laboratorium", "'tertukar' → keluhan", "'tertukar' → mendesak"), urgent=True,
         contact="+6287700003333", forward=0.2, rtl=1),
    Spec(0, 17, "09:00", "media_sosial", "keluhan", "pendaftaran",
         "Antrian di pendaftaran kacau.", ("'antri' → pendaftaran", "'kacau' → keluhan"),
         forward=5, rtl=20, answer=60),
    # Sunday 23.30 of the fixture's week: still that week.
    Spec(0, 18, "23:30", "whatsapp", "keluhan", "pendaftaran",
         "Antri lama di pendaftaran.", ("'antri' → pendaftaran", "'lama' → keluhan"),
         name="Rina Kusuma", contact="+6281300004444"),
    Spec(0, 19, "00:15", "sms", "keluhan", "ugd",
         "UGD tutup malam hari.", ("'ugd' → ugd", "'tutup' → keluhan"),
         contact="+6285200005555", forward=9, answer=70),
    Spec(0, 19, "10:00", "web", "saran", "poli_gigi",
         "Tambah kursi di ruang tunggu poli gigi.",
         ("'poli gigi' → poli gigi", "'tambah' → saran"),
         name="Fajar Nugroho", contact="fajar.n@example.com", forward=25, answer=200),
    Spec(0, 20, "09:00", "media_sosial", "pujian", "ugd",
         "Terima kasih tim UGD cepat tanggap.",
         ("'ugd' → ugd", "'terima kasih' → pujian"), forward=30, answer=30.5),
    Spec(0, 21, "08:00", "email", "pertanyaan", "laboratorium",
         "Berapa biaya cek kolesterol?",
         ("'cek kolesterol' → laboratorium", "'berapa' → pertanyaan"),
         name="Teguh Prasetyo", contact="teguh.p@example.org", forward=2, answer=3),
    Spec(0, 22, "10:30", "telepon", "keluhan", "rawat_inap",
         "Makanan pasien rawat inap dingin.",
         ("'rawat inap' → rawat inap", "'dingin' → keluhan"), forward=50, rtl=60),
    Spec(0, 23, "11:00", "langsung", "saran", "administrasi",
         "Perlu papan informasi alur pelayanan.",
         ("'informasi' → administrasi", "'perlu' → saran"),
         name="Wati Susanti", forward=10),
    Spec(0, 24, "09:00", "kotak_saran", "keluhan", "farmasi",
         "Antri obat lama, Bapak Budi di apotek kurang ramah.",
         ("'antri obat' → farmasi", "'lama' → keluhan"),
         forward=30, rtl=60, answer=100, publish=400),
    # Forwarded to our mailbox by a colleague at once, to the team only after 70 hours.
    Spec(0, 25, "15:00", "email", "keluhan", "lainnya",
         "Parkir motor sempit dan tidak ada petugas.", ("'sempit' → keluhan",),
         name="Ahmad Fauzi", contact="ahmad.fauzi@example.com", address="Jl. Kenanga 12",
         forward=70, inbound_forward=True, key="inbound"),
    Spec(0, 26, "08:00", "whatsapp", "keluhan", "kebersihan_sarana",
         "Air di toilet mati.", ("'toilet' → kebersihan sarana", "'mati' → keluhan"),
         contact="+6281500006666", forward=1, answer=10),
    Spec(0, 27, "09:00", "email", "saran", "lainnya",
         "Mohon disediakan wifi untuk pasien.", ("'mohon' → saran",),
         contact="pasien123@example.org", forward=3, close=100),
    Spec(0, 28, "13:00", "sms", "pujian", "farmasi",
         "Apoteker menjelaskan obat dengan baik.", ("'obat' → farmasi", "'baik' → pujian"),
         forward=20),
    _spam(0, 28, "20:00", "email", "Selamat! Anda memenangkan hadiah, klik tautan ini.",
          "hadiah"),
    Spec(0, 28, "08:00", "telepon", "keluhan", "pendaftaran",
         "Nomor antrian habis sebelum jam 8.",
         ("'antri' → pendaftaran", "'habis' → keluhan"),
         name="Dedi Kurniawan", contact="0812-1111-9999", forward=2, rtl=24),
    Spec(0, 27, "10:00", "langsung", "keluhan", "poli_umum",
         "Ruang tunggu poli umum penuh, kursi kurang.",
         ("'poli umum' → poli umum", "'kurang' → keluhan")),
    # 23.30 on the last day, local: the next month in no zone that matters here.
    Spec(0, -1, "23:30", "web", "pertanyaan", "pendaftaran",
         "Bagaimana cara daftar online?",
         ("'daftar' → pendaftaran", "'bagaimana' → pertanyaan"),
         name="Putri Ayu", contact="putri.ayu@example.com", forward=3, key="last_minute"),
    # --- the previous month: the comparison ----------------------------------------------
    Spec(-1, 3, "09:00", "email", "keluhan", "pendaftaran", "Antrian panjang.",
         ("'antri' → pendaftaran",), name="Joko Susanto", contact="joko.s@example.org",
         forward=2, answer=40),
    Spec(-1, 10, "10:00", "whatsapp", "keluhan", "farmasi", "Obat kosong lagi.",
         ("'obat' → farmasi",), contact="+6281700007777", forward=5),
    Spec(-1, 15, "08:00", "kotak_saran", "saran", "kebersihan_sarana",
         "Tambah tempat sampah.", ("'sampah' → kebersihan sarana",), forward=30, rtl=100),
    Spec(-1, 20, "14:00", "telepon", "pujian", "ugd", "UGD sigap.", ("'ugd' → ugd",),
         forward=10, answer=12),
    _spam(-1, 25, "09:00", "sms", "Pinjaman tanpa agunan, cair 5 menit.", "pinjaman"),
    Spec(-1, -1, "23:30", "langsung", "keluhan", "pendaftaran", "Antri sampai siang.",
         ("'antri' → pendaftaran",), forward=4),
    # --- the rest of the semester --------------------------------------------------------
    Spec(-3, 7, "08:00", "langsung", "keluhan", "pendaftaran", "Antrian tidak teratur.",
         ("'antri' → pendaftaran",), forward=3, answer=1600),
    Spec(-3, 20, "09:00", "whatsapp", "saran", "poli_gigi", "Tambah dokter gigi.",
         ("'dokter gigi' → poli gigi",), forward=10, answer=70),
    Spec(-2, 5, "09:00", "email", "keluhan", "pendaftaran", "Antri dua jam.",
         ("'antri' → pendaftaran",), forward=1, answer=30),
    Spec(-2, 18, "10:00", "kotak_saran", "keluhan", "farmasi", "Obat sering habis.",
         ("'obat' → farmasi",), forward=20, rtl=50, answer=300),
    Spec(1, 3, "09:00", "email", "keluhan", "pendaftaran", "Antrian pagi panjang.",
         ("'antri' → pendaftaran",), forward=2),
    # --- the previous semester -----------------------------------------------------------
    Spec(-7, 10, "09:00", "email", "keluhan", "farmasi", "Obat tidak tersedia.",
         ("'obat' → farmasi",), forward=2, answer=20),
    Spec(-5, 5, "10:00", "kotak_saran", "saran", "pendaftaran", "Tambah loket.",
         ("'loket' → pendaftaran",), forward=40),
)
# fmt: on

PHONES_IN_TEXT = ("0812-3456-7890", "0899-1234-5678", "0819-0000-2222")
NIKS = ("3171234567890123",)


@dataclass(frozen=True)
class Timely:
    on_time: int
    late: int  # late_pending included
    late_pending: int
    pending: int

    @property
    def share(self) -> float | None:
        judged = self.on_time + self.late
        return None if judged == 0 else self.on_time / judged


@dataclass(frozen=True)
class Expected:
    """What a recap of a set of entries must say."""

    total: int  # spam excluded
    urgent: int
    spam: int
    by_kind: dict[str, int]
    by_channel: dict[str, int]
    by_unit: dict[str, int]
    by_status: dict[str, int]
    forward: Timely
    answer: Timely
    resolve: Timely
    register_nos: tuple[str, ...]  # every entry, spam included, oldest first


@dataclass(frozen=True)
class FixtureRegister:
    now: datetime  # when the tests make the reports
    month: str  # "2026-10"
    previous_month: str
    semester: str  # "2026-S2"
    week: str  # "2026-W42": the ISO week with day 14 of the month
    monthly: Expected
    previous: Expected
    semester_total: Expected
    semester_months: dict[str, dict[str, int]]  # "2026-07" → kind → count (spam excluded)
    weekly: Expected  # WhatsApp and SMS of the week
    overdue: dict[str, tuple[str, ...]]  # received before the month's end: no → missed
    numbers: dict[str, str]  # Spec.key → register number
    names: tuple[str, ...]
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    addresses: tuple[str, ...]
    niks: tuple[str, ...]
    texts: dict[str, str] = field(default_factory=dict)  # register number → text

    @property
    def personal(self) -> tuple[str, ...]:
        """Every personal string in the register: none may reach a public document."""
        return (*self.names, *self.phones, *self.emails, *self.addresses, *self.niks)


@dataclass(frozen=True)
class _Placed:
    spec: Spec
    received: datetime
    number: str


def fill_register(engine: Engine, settings: Settings, month: str = "2026-10") -> FixtureRegister:
    tz = settings.facility.tz
    year, month_no = (int(part) for part in month.split("-"))
    placed = sorted(
        ((spec, _when(spec, year, month_no, tz)) for spec in SPECS), key=lambda pair: pair[1]
    )
    now = datetime(year, month_no, 1, 7, 0, tzinfo=tz) + timedelta(days=70)
    entries: list[_Placed] = []
    with Session(engine) as session:
        for spec, received in placed:
            (created,) = create_entries(
                session, settings, [_draft(spec, received)], received + timedelta(minutes=1)
            )
            entries.append(_Placed(spec, received, created.register_no))
            _progress(session, created.id, created.register_no, spec, received)
        session.commit()

    month_start = datetime(year, month_no, 1, tzinfo=tz)
    month_end = _shift(month_start, 1)
    before_start = _shift(month_start, -1)
    half_start = datetime(year, 1 if month_no <= 6 else 7, 1, tzinfo=tz)
    half_end = _shift(half_start, 6)
    fourteenth = datetime(year, month_no, 14, tzinfo=tz)
    iso_year, iso_week, iso_day = fourteenth.isocalendar()
    week_start = fourteenth - timedelta(days=iso_day - 1)
    week_end = week_start + timedelta(days=7)

    def inside(start: datetime, end: datetime) -> list[_Placed]:
        return [e for e in entries if start <= e.received < end]

    deadlines = settings.deadlines
    semester_months = {}
    cursor = half_start
    while cursor < half_end:
        found = [e for e in inside(cursor, _shift(cursor, 1)) if not e.spec.spam]
        semester_months[f"{cursor:%Y-%m}"] = dict(Counter(e.spec.kind for e in found))
        cursor = _shift(cursor, 1)
    weekly = [e for e in inside(week_start, week_end) if e.spec.channel in ("whatsapp", "sms")]
    specs = [e.spec for e in entries]
    return FixtureRegister(
        now=now,
        month=month,
        previous_month=f"{before_start:%Y-%m}",
        semester=f"{year}-S{1 if month_no <= 6 else 2}",
        week=f"{iso_year}-W{iso_week:02d}",
        monthly=_expected(inside(month_start, month_end), deadlines, now),
        previous=_expected(inside(before_start, month_start), deadlines, now),
        semester_total=_expected(inside(half_start, half_end), deadlines, now),
        semester_months=semester_months,
        weekly=_expected(weekly, deadlines, now),
        overdue={
            e.number: missed
            for e in entries
            if e.received < month_end and (missed := _missed(e, deadlines, now))
        },
        numbers={e.spec.key: e.number for e in entries if e.spec.key},
        names=tuple(sorted({s.name for s in specs if s.name})),
        phones=tuple(sorted({s.contact for s in specs if s.contact and "@" not in s.contact}))
        + PHONES_IN_TEXT,
        emails=tuple(sorted({s.contact for s in specs if s.contact and "@" in s.contact})),
        addresses=tuple(sorted({s.address for s in specs if s.address})),
        niks=NIKS,
        texts={e.number: e.spec.text for e in entries},
    )


def _when(spec: Spec, year: int, month_no: int, tz: ZoneInfo) -> datetime:
    first = _shift(datetime(year, month_no, 1, tzinfo=tz), spec.month)
    day = calendar.monthrange(first.year, first.month)[1] if spec.day == -1 else spec.day
    hour, minute = (int(part) for part in spec.clock.split(":"))
    return first.replace(day=day, hour=hour, minute=minute)


def _shift(first: datetime, months: int) -> datetime:
    index = first.year * 12 + first.month - 1 + months
    return first.replace(year=index // 12, month=index % 12 + 1)


def _draft(spec: Spec, received: datetime) -> EntryDraft:
    notes = (("forwarded", "diteruskan oleh staf@puskesmas.example"),)
    return EntryDraft(
        received_at=received,
        channel=spec.channel,
        source_id=f"fixture:{received.isoformat()}:{spec.channel}",
        text=spec.text,
        classification=Classification(
            kind=spec.kind,
            unit=spec.unit,
            urgent=spec.urgent,
            confidence=0.9,
            reasons=spec.cues,
            spam=spec.spam,
        ),
        reporter_name=spec.name,
        reporter_contact=spec.contact,
        reporter_address=spec.address,
        notes=notes if spec.inbound_forward else (),
    )


def _progress(session: Session, entry_id: int, number: str, spec: Spec, received: datetime) -> None:
    """What the team did, in time order; each step through the register's functions."""

    def at(hours: float) -> datetime:
        return received + timedelta(hours=hours)

    if spec.forward is not None:
        if spec.channel in _BY_HAND:
            update_entry(session, number, Update(status="diteruskan"), STAFF, at(spec.forward))
        else:
            # As the escalation does when its mail reaches the server.
            entry = session.get(Entry, entry_id)
            assert entry is not None
            entry.status = "diteruskan"
            session.add(entry)
            detail = f"ke tim mutu <eskalasi.{number}@puskesmas.example>"
            add_event(session, entry_id, at(spec.forward), "forwarded", DAEMON, detail)
    if spec.rtl is not None:
        plan = f"Tindak lanjut untuk {number}: dibahas dengan kepala unit."
        update_entry(session, number, Update(rtl=plan), STAFF, at(spec.rtl))
    if spec.answer is not None:
        answer = "Terima kasih atas masukan Anda; sudah kami tindak lanjuti."
        update_entry(session, number, Update(response=answer), STAFF, at(spec.answer))
    if spec.close is not None:
        update_entry(session, number, Update(status="selesai"), STAFF, at(spec.close))
    if spec.publish is not None:
        update_entry(session, number, Update(status="dipublikasikan"), STAFF, at(spec.publish))


def _expected(entries: list[_Placed], deadlines: Deadlines, now: datetime) -> Expected:
    real = [e for e in entries if not e.spec.spam]
    forward_h, answer_h = deadlines.forward, deadlines.answer_electronic
    resolve_h = deadlines.resolve_days * 24
    return Expected(
        total=len(real),
        urgent=sum(e.spec.urgent for e in real),
        spam=len(entries) - len(real),
        by_kind=dict(Counter(e.spec.kind for e in real)),
        by_channel=dict(Counter(e.spec.channel for e in real)),
        by_unit=dict(Counter(e.spec.unit for e in real)),
        by_status=dict(Counter(e.spec.status for e in real)),
        forward=_timely([(e, e.spec.forward) for e in real], forward_h, now),
        answer=_timely(
            [(e, e.spec.answer) for e in real if e.spec.channel in ELECTRONIC_CHANNELS],
            answer_h,
            now,
        ),
        resolve=_timely([(e, _resolved(e.spec)) for e in real], resolve_h, now),
        register_nos=tuple(e.number for e in entries),
    )


def _resolved(spec: Spec) -> float | None:
    done = [h for h in (spec.answer, spec.close) if h is not None]
    return min(done) if done else None


def _timely(pairs: list[tuple[_Placed, float | None]], limit_h: float, now: datetime) -> Timely:
    on_time = late = late_pending = pending = 0
    for entry, hours in pairs:
        if hours is None:
            if entry.received + timedelta(hours=limit_h) < now:
                late, late_pending = late + 1, late_pending + 1
            else:
                pending += 1
        elif hours <= limit_h:
            on_time += 1
        else:
            late += 1
    return Timely(on_time, late, late_pending, pending)


def _missed(entry: _Placed, deadlines: Deadlines, now: datetime) -> tuple[str, ...]:
    """The deadlines an open entry has missed by `now`, as the register's overdue check."""
    spec, received = entry.spec, entry.received
    if spec.status not in OPEN_STATUSES:
        return ()
    missed = []
    if spec.status == "diterima" and received + timedelta(hours=deadlines.forward) < now:
        missed.append("forward")
    answer_due = received + timedelta(hours=deadlines.answer_electronic)
    if spec.channel in ELECTRONIC_CHANNELS and spec.answer is None and answer_due < now:
        missed.append("answer")
    if received + timedelta(days=deadlines.resolve_days) < now:
        missed.append("resolve")
    return tuple(missed)
