"""Every word and number format of the recaps, Indonesian first, English available.

The templates get one `Texts` as `t`: `t("sec_kind")` for a sentence, `t.pct(0.875)` for a
number as the reader writes it ("87,5%" in Indonesian, "87.5%" in English).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aduan.daemon.letters import MONTHS, label  # one list of month names for all output
from aduan.daemon.reports.periods import Period

if TYPE_CHECKING:
    from aduan.daemon.reports.figures import Deadline

STRINGS: dict[str, dict[str, str]] = {
    # --- titles ------------------------------------------------------------------------------
    "title_bulanan": {
        "id": "Rekapitulasi Pengaduan Bulan {period} — {facility}",
        "en": "Monthly Complaint Recap, {period} — {facility}",
    },
    "title_semester": {
        "id": "Analisis Pengaduan {period} — {facility}",
        "en": "Complaint Analysis, {period} — {facility}",
    },
    "title_mingguan": {
        "id": "Rekap Umpan Balik WhatsApp/SMS {period} — {facility}",
        "en": "WhatsApp/SMS Feedback Recap, {period} — {facility}",
    },
    "heading_bulanan": {
        "id": "Rekapitulasi Laporan Hasil Pengaduan",
        "en": "Monthly Recap of Complaints",
    },
    "heading_semester": {
        "id": "Analisis Pengaduan Enam Bulanan",
        "en": "Six-Monthly Complaint Analysis",
    },
    "heading_mingguan": {
        "id": "Rekap Mingguan Umpan Balik WhatsApp/SMS",
        "en": "Weekly Recap of WhatsApp/SMS Feedback",
    },
    "semester_name": {"id": "Semester {half} Tahun {year}", "en": "{half} of {year}"},
    "half_1": {"id": "I", "en": "First Half"},
    "half_2": {"id": "II", "en": "Second Half"},
    "week_name": {"id": "Minggu ke-{week} Tahun {year}", "en": "Week {week} of {year}"},
    "period": {"id": "Periode", "en": "Period"},
    "made": {"id": "Dibuat", "en": "Made"},
    "to": {"id": "Kepada", "en": "To"},
    "to_bulanan": {"id": "Kepala {facility}", "en": "The head of {facility}"},
    "to_semester": {
        "id": "Rapat Tinjauan Manajemen {facility}",
        "en": "Management review, {facility}",
    },
    "to_mingguan": {"id": "Tim Mutu (internal)", "en": "Quality team (internal)"},
    "until": {"id": "s.d.", "en": "to"},
    "page_of": {"id": "Halaman", "en": "Page"},
    # --- sections ----------------------------------------------------------------------------
    "sec_count": {"id": "Jumlah pengaduan", "en": "Feedback received"},
    "sec_kind": {"id": "Menurut jenis", "en": "By kind"},
    "sec_channel": {"id": "Menurut kanal", "en": "By channel"},
    "sec_unit": {"id": "Menurut unit layanan", "en": "By service unit"},
    "sec_status": {"id": "Status penanganan", "en": "Handling status"},
    "sec_timeliness": {"id": "Ketepatan waktu penanganan", "en": "Timeliness"},
    "sec_overdue": {
        "id": "Pengaduan yang melewati batas waktu",
        "en": "Entries past a deadline",
    },
    "sec_topics": {"id": "Masalah yang paling sering dikeluhkan", "en": "Most frequent topics"},
    "sec_months": {"id": "Pengaduan per bulan", "en": "Feedback per month"},
    "sec_ranked": {"id": "Unit dengan keluhan terbanyak", "en": "Units with most complaints"},
    "sec_recurring": {"id": "Masalah berulang", "en": "Recurring problems"},
    "sec_resolution": {"id": "Lama penyelesaian", "en": "Time to resolution"},
    "sec_items": {"id": "Daftar umpan balik", "en": "The feedback, item by item"},
    "confidential_text": {
        "id": "RAHASIA – baca dengan: aduan register show {no}",
        "en": "CONFIDENTIAL – read it with: aduan register show {no}",
    },
    "sec_files": {"id": "Lampiran", "en": "Attachments"},
    "sec_box": {"id": "Pembukaan kotak saran", "en": "Suggestion box openings"},
    "box_opened": {"id": "Dibuka", "en": "Opened"},
    "box_by": {"id": "Oleh", "en": "By"},
    "box_counted": {"id": "Dihitung", "en": "Counted"},
    "box_registered": {"id": "Tercatat", "en": "Registered"},
    "box_difference": {"id": "Selisih", "en": "Difference"},
    "box_state": {"id": "Keadaan", "en": "State"},
    "box_cocok": {"id": "cocok", "en": "all there"},
    "box_menunggu": {"id": "belum semua dipindai", "en": "not all scanned yet"},
    "box_kurang": {"id": "KURANG: slip hilang?", "en": "MISSING: slips lost?"},
    "box_lebih": {"id": "LEBIH: dipindai dua kali?", "en": "EXTRA: scanned twice?"},
    "box_none": {
        "id": "Tidak ada pembukaan kotak saran yang dicatat pada periode ini "
        "(catat dengan `aduan kotak buka`).",
        "en": "No opening of the suggestion box was recorded in this period "
        "(record one with `aduan kotak buka`).",
    },
    "box_note": {
        "id": "Slip yang dihitung saat kotak dibuka dibandingkan dengan slip yang tercatat di "
        "register untuk pembukaan itu.",
        "en": "Slips counted when the box was opened, against the slips registered for that "
        "opening.",
    },
    "sum_box": {
        "id": "Kotak saran: {n} kali dibuka, {flagged} dengan selisih slip",
        "en": "Suggestion box: opened {n} times, {flagged} with a slip count that differs",
    },
    # --- table headings ----------------------------------------------------------------------
    "item": {"id": "Uraian", "en": "Item"},
    "now_bulanan": {"id": "Bulan ini", "en": "This month"},
    "before_bulanan": {"id": "Bulan lalu", "en": "Last month"},
    "now_semester": {"id": "Semester ini", "en": "This half-year"},
    "before_semester": {"id": "Semester lalu", "en": "Previous half-year"},
    "now_mingguan": {"id": "Minggu ini", "en": "This week"},
    "before_mingguan": {"id": "Minggu lalu", "en": "Last week"},
    "change": {"id": "Perubahan", "en": "Change"},
    "total": {"id": "Jumlah", "en": "Total"},
    "count": {"id": "Jumlah", "en": "Count"},
    "share": {"id": "Persentase", "en": "Share"},
    "kind": {"id": "Jenis", "en": "Kind"},
    "channel": {"id": "Kanal", "en": "Channel"},
    "unit": {"id": "Unit", "en": "Unit"},
    "status": {"id": "Status", "en": "Status"},
    "no": {"id": "No.", "en": "No."},
    "register_no": {"id": "No. Register", "en": "Register no."},
    "received": {"id": "Tanggal diterima", "en": "Received"},
    "date": {"id": "Tanggal", "en": "Date"},
    "missed": {"id": "Batas waktu terlewat", "en": "Deadline missed"},
    "rank": {"id": "Peringkat", "en": "Rank"},
    "complaints": {"id": "Keluhan", "en": "Complaints"},
    "all_feedback": {"id": "Semua umpan balik", "en": "All feedback"},
    "word": {"id": "Kata kunci", "en": "Keyword"},
    "entries": {"id": "Jumlah pengaduan", "en": "Entries"},
    "month": {"id": "Bulan", "en": "Month"},
    "months_seen": {"id": "Muncul (bulan)", "en": "Months seen"},
    "what": {"id": "Unit / kata kunci", "en": "Unit / keyword"},
    "duration": {"id": "Lama penyelesaian", "en": "Time to resolution"},
    "deadline": {"id": "Tenggat", "en": "Deadline"},
    "limit": {"id": "Batas", "en": "Limit"},
    "on_time": {"id": "Tepat waktu", "en": "On time"},
    "late": {"id": "Terlambat*", "en": "Late*"},
    "pending": {"id": "Belum**", "en": "Not yet**"},
    "on_time_share": {"id": "% tepat waktu", "en": "% on time"},
    "median": {"id": "Median", "en": "Median"},
    "reporter": {"id": "Pelapor", "en": "Reporter"},
    "content": {"id": "Isi (ringkas)", "en": "Content (short)"},
    "rtl": {"id": "RTL", "en": "Follow-up (RTL)"},
    "date_channel": {"id": "Tanggal / kanal", "en": "Date / channel"},
    "kind_unit": {"id": "Jenis / unit", "en": "Kind / unit"},
    "status_rtl": {"id": "Status / RTL", "en": "Status / follow-up"},
    # --- lines and notes ---------------------------------------------------------------------
    "line_total": {"id": "Pengaduan (di luar spam)", "en": "Feedback (spam excluded)"},
    "line_urgent": {"id": "Mendesak", "en": "Urgent"},
    "line_spam": {"id": "Bukan aduan (spam/promosi)", "en": "Not feedback (spam/promotion)"},
    "deadline_forward": {"id": "Diteruskan ke tim mutu", "en": "Forwarded to the quality team"},
    "deadline_answer": {
        "id": "Dijawab (media elektronik)",
        "en": "Answered (electronic media)",
    },
    "deadline_resolve": {"id": "Selesai ditangani", "en": "Resolved"},
    "missed_forward": {"id": "diteruskan", "en": "forward"},
    "missed_answer": {"id": "dijawab", "en": "answer"},
    "missed_resolve": {"id": "selesai", "en": "resolve"},
    "missed_due": {"id": "{deadline} (batas {due})", "en": "{deadline} (due {due})"},
    "hours": {"id": "{n} jam", "en": "{n} h"},
    "days": {"id": "{n} hari", "en": "{n} d"},
    "within_hours": {"id": "≤ {n} jam", "en": "≤ {n} hours"},
    "within_days": {"id": "≤ {n} hari", "en": "≤ {n} days"},
    "within_working_days": {"id": "≤ {n} hari kerja", "en": "≤ {n} working days"},
    "over_days": {"id": "> {n} hari", "en": "> {n} days"},
    "not_resolved": {"id": "Belum selesai", "en": "Not resolved yet"},
    "note_late": {
        "id": "* Terlambat termasuk pengaduan yang belum ditangani padahal batas waktunya sudah "
        "lewat per {when}: {counts}.",
        "en": "* Late includes entries not handled yet although their deadline had passed by "
        "{when}: {counts}.",
    },
    "note_pending": {
        "id": "** Belum ditangani dan masih dalam batas waktu; tidak dihitung dalam persentase. "
        "Persentase = tepat waktu ÷ (tepat waktu + terlambat).",
        "en": "** Not handled yet and still within the deadline; not counted in the share. "
        "Share = on time ÷ (on time + late).",
    },
    "note_milestones": {
        "id": "Diteruskan: saat surel eskalasi terkirim ke tim mutu atau status diubah dari "
        "'diterima'. Dijawab: tanggapan pertama. Selesai: tanggapan pertama atau status "
        "'selesai', mana yang lebih dulu. Median dihitung dari yang sudah ditangani.",
        "en": "Forwarded: when the escalation mail reached the quality team or the status left "
        "'received'. Answered: the first response. Resolved: the first response or status "
        "'answered', whichever came first. Medians are of those handled.",
    },
    "note_spam": {
        "id": "Bukan aduan (spam/promosi) hanya dihitung pada baris tersendiri di atas dan "
        "tidak masuk angka lain dalam laporan ini.",
        "en": "Not-feedback items (spam/promotion) are counted on their own line above only, "
        "and left out of every other figure of this report.",
    },
    "overdue_as_of": {
        "id": "Pengaduan yang masih terbuka dan melewati batas waktu per {when}, termasuk dari "
        "bulan-bulan sebelumnya. Nama dan kontak pelapor tidak dicantumkan; lihat register.",
        "en": "Open entries past a deadline as of {when}, earlier months included. Reporters' "
        "names and contacts are left out; see the register.",
    },
    "overdue_none": {
        "id": "Tidak ada pengaduan yang melewati batas waktu per {when}.",
        "en": "No entry was past a deadline as of {when}.",
    },
    "overdue_more": {
        "id": "… dan {n} pengaduan lainnya (lihat lembar Ringkasan berkas XLSX, atau "
        "`aduan register list --overdue`).",
        "en": "… and {n} more (see the XLSX workbook, sheet Summary, or "
        "`aduan register list --overdue`).",
    },
    "overdue_more_sheet": {
        "id": "… dan {n} pengaduan lainnya: `aduan register list --overdue`.",
        "en": "… and {n} more: `aduan register list --overdue`.",
    },
    "topics_note": {
        "id": "Kata kunci: kata dalam pengaduan yang dikenali sistem sebagai penanda unit "
        "atau keluhan, dihitung sekali per pengaduan.",
        "en": "Keywords: words the classifier recognised as naming a unit or a complaint, "
        "counted once per entry.",
    },
    "top_units": {"id": "Unit dengan keluhan terbanyak", "en": "Units with most complaints"},
    "top_words": {"id": "Kata kunci tersering", "en": "Most frequent keywords"},
    "none": {"id": "Tidak ada.", "en": "None."},
    "recurring_note": {
        "id": "Unit dan kata kunci keluhan yang muncul dalam sedikitnya {n} dari {months} bulan "
        "semester ini.",
        "en": "Units and complaint keywords that came up in at least {n} of the {months} months "
        "of this half-year.",
    },
    "recurring_unit": {"id": "unit", "en": "unit"},
    "recurring_word": {"id": "kata kunci", "en": "keyword"},
    "chart_kind": {"id": "Gambar {n}. Pengaduan menurut jenis", "en": "Figure {n}. By kind"},
    "chart_empty": {
        "id": "Tidak ada yang tercatat pada periode ini.",
        "en": "Nothing was registered in this period.",
    },
    "chart_channel": {"id": "Gambar {n}. Pengaduan menurut kanal", "en": "Figure {n}. By channel"},
    "chart_unit": {
        "id": "Gambar {n}. Pengaduan menurut unit layanan",
        "en": "Figure {n}. By service unit",
    },
    "chart_ranked": {
        "id": "Gambar {n}. Keluhan dan semua umpan balik per unit layanan",
        "en": "Figure {n}. Complaints and all feedback per service unit",
    },
    "chart_months": {
        "id": "Gambar {n}. Pengaduan per bulan menurut jenis",
        "en": "Figure {n}. Feedback per month by kind",
    },
    "axis_count": {"id": "Jumlah", "en": "Count"},
    "files_csv": {
        "id": "{name}: satu baris per pengaduan yang diterima dalam periode ini, termasuk "
        "bukan aduan (kode, tanpa nama pelapor). UTF-8 dengan BOM dan pemisah koma, agar "
        "langsung terbuka di Excel.",
        "en": "{name}: one row per entry received in the period, not-feedback included (codes, "
        "no reporter names). UTF-8 with a BOM and commas, so that Excel opens it as it is.",
    },
    "files_xlsx": {
        "id": "{name}: lembar Ringkasan (tabel laporan ini) dan lembar Register (buku register "
        "pengaduan sesuai SOP, dengan nama dan kontak pelapor — simpan dengan aman).",
        "en": "{name}: sheet Summary (the tables of this report) and sheet Register (the "
        "complaint register book as in the SOP, with reporters' names and contacts — keep it "
        "safe).",
    },
    "files_xlsx_weekly": {
        "id": "{name}: lembar Ringkasan dan lembar Register (pelapor hanya inisial).",
        "en": "{name}: sheet Summary and sheet Register (reporters as initials only).",
    },
    "weekly_intro": {
        "id": "Umpan balik yang masuk lewat WhatsApp dan SMS dalam minggu ini, untuk dicatat di "
        "buku umpan balik. Pelapor ditulis dengan inisial saja.",
        "en": "Feedback received by WhatsApp and SMS this week, for the feedback book. "
        "Reporters are shown by their initials only.",
    },
    "items_none": {
        "id": "Tidak ada umpan balik WhatsApp/SMS dalam minggu ini.",
        "en": "No WhatsApp/SMS feedback this week.",
    },
    "sign_known": {"id": "Mengetahui,", "en": "Acknowledged,"},
    "sign_head": {"id": "Kepala {facility}", "en": "Head of {facility}"},
    "sign_made": {"id": "Penanggung jawab,", "en": "Prepared by,"},
    "sign_team": {"id": "Ketua Tim Mutu", "en": "Head of the quality team"},
    "sign_id": {"id": "NIP.", "en": "Staff no."},
    # --- summary lines for a mail body -------------------------------------------------------
    "sum_total": {
        "id": "Pengaduan: {n} ({before_label} {before}, {change})",
        "en": "Feedback: {n} ({before_label} {before}, {change})",
    },
    "sum_total_plain": {"id": "Pengaduan: {n}", "en": "Feedback: {n}"},
    "sum_urgent": {"id": "Mendesak: {n}", "en": "Urgent: {n}"},
    "sum_spam": {"id": "Bukan aduan (spam/promosi): {n}", "en": "Not feedback (spam): {n}"},
    "sum_deadline": {"id": "{deadline} {limit}: {share}", "en": "{deadline} {limit}: {share}"},
    "sum_overdue": {
        "id": "Melewati batas waktu per {when}: {n}",
        "en": "Past a deadline as of {when}: {n}",
    },
    "sum_top": {"id": "Keluhan terbanyak: {unit} ({n})", "en": "Most complaints: {unit} ({n})"},
    "sum_recurring": {"id": "Masalah berulang: {items}", "en": "Recurring problems: {items}"},
    "sum_weekly": {
        "id": "WhatsApp {wa}, SMS {sms}; keluhan {complaints}",
        "en": "WhatsApp {wa}, SMS {sms}; complaints {complaints}",
    },
    "sum_open": {"id": "Belum selesai: {n}", "en": "Not resolved yet: {n}"},
    # --- spreadsheet -------------------------------------------------------------------------
    "sheet_summary": {"id": "Ringkasan", "en": "Summary"},
    "sheet_register": {"id": "Register", "en": "Register"},
}

# The SOP's register book columns, in its order; what aduan adds comes after them.
REGISTER_COLUMNS = {
    "id": (
        "No",
        "Tanggal",
        "Nama/Alamat/No. HP",
        "Isi Pengaduan",
        "Tanggapan",
        "RTL",
        "Status",
        "No. Register",
        "Kanal",
        "Jenis",
        "Unit",
    ),
    "en": (
        "No",
        "Date",
        "Name/Address/Phone",
        "Complaint",
        "Response",
        "Follow-up plan (RTL)",
        "Status",
        "Register no.",
        "Channel",
        "Kind",
        "Unit",
    ),
}

_STATUS_LABELS = {
    "id": {
        "diterima": "Diterima",
        "diteruskan": "Diteruskan",
        "ditindaklanjuti": "Ditindaklanjuti",
        "selesai": "Selesai",
        "dipublikasikan": "Dipublikasikan",
        "bukan_aduan": "Bukan aduan",
    },
    "en": {
        "diterima": "Received",
        "diteruskan": "Forwarded",
        "ditindaklanjuti": "Followed up",
        "selesai": "Answered",
        "dipublikasikan": "Published",
        "bukan_aduan": "Not feedback",
    },
}


class Texts:
    """The words and number formats of one language."""

    def __init__(self, lang: str, tz: ZoneInfo) -> None:
        self.lang = lang
        self.tz = tz

    def __call__(self, key: str, **values: object) -> str:
        return STRINGS[key][self.lang].format(**values)

    def label(self, value: str) -> str:
        """A kind, unit, channel or status code as people read it."""
        text = _STATUS_LABELS[self.lang].get(value) or label(value, self.lang)
        # Mail puts channels mid-sentence ("lewat surel"); a table cell starts a line.
        return text[:1].upper() + text[1:]

    def num(self, value: int) -> str:
        text = f"{value:,}"
        return text.replace(",", ".") if self.lang == "id" else text

    def dec(self, value: float) -> str:
        text = f"{value:,.1f}"
        if self.lang == "id":
            text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
        return text

    def pct(self, value: float | None) -> str:
        return "–" if value is None else f"{self.dec(value * 100)}%"

    def change(self, value: int | None) -> str:
        if value is None:
            return "–"
        if value == 0:
            return "0"
        return f"▲ {self.num(value)}" if value > 0 else f"▼ {self.num(-value)}"

    def date(self, value: datetime) -> str:
        """23/11/2026 in Indonesian, 2026-11-23 in English."""
        local = value.astimezone(self.tz)
        return local.strftime("%d/%m/%Y" if self.lang == "id" else "%Y-%m-%d")

    def date_time(self, value: datetime) -> str:
        local = value.astimezone(self.tz)
        return local.strftime("%d/%m/%Y %H.%M" if self.lang == "id" else "%Y-%m-%d %H:%M")

    def month_name(self, value: datetime) -> str:
        return f"{MONTHS[self.lang][value.month - 1]} {value.year}"

    def short_month(self, value: datetime) -> str:
        """ "Nov 2026": for chart axes and table columns."""
        return f"{MONTHS[self.lang][value.month - 1][:3]} {value.year}"

    def period_name(self, period: Period) -> str:
        """ "November 2026", "Semester II Tahun 2026", "Minggu ke-48 Tahun 2026"."""
        if period.kind == "bulanan":
            return self.month_name(period.start)
        if period.kind == "semester":
            half = self("half_1" if period.start.month == 1 else "half_2")
            return self("semester_name", half=half, year=period.start.year)
        year, week_no, _ = period.start.date().isocalendar()
        return self("week_name", week=week_no, year=year)

    def span(self, period: Period) -> str:
        """ "1 November 2026 s.d. 30 November 2026": the first and the last day."""
        last = period.end - timedelta(days=1)
        return f"{self._day(period.start)} {self('until')} {self._day(last)}"

    def title(self, period: Period, facility: str) -> str:
        return self(f"title_{period.kind}", period=self.period_name(period), facility=facility)

    def _day(self, value: datetime) -> str:
        return f"{value.day} {MONTHS[self.lang][value.month - 1]} {value.year}"


def limit_text(t: Texts, deadline: Deadline) -> str:
    """ "≤ 48 jam", "≤ 60 hari", or in working days "≤ 2 hari kerja"."""
    if deadline.counted == "hari_kerja":
        days = deadline.limit if deadline.name == "resolve" else -(-deadline.limit // 24)
        return t("within_working_days", n=days)
    return t("within_days" if deadline.name == "resolve" else "within_hours", n=deadline.limit)
