"""Unresolved entries in a form ready for LAPOR!-SP4N, the national complaint system.

LAPOR! has no import interface a Puskesmas can use: staff type each report into its form.
This export lays out the form's fields (judul, klasifikasi, kategori, isi, tanggal and lokasi
kejadian, instansi tujuan, anonim) one row per entry, so that copying is mechanical. Field
names and values are documented in README ("Ekspor LAPOR!").

The reporter is anonymous by default, and personal data in the text is masked: a report in
LAPOR! can become public. `with_contact` includes the reporter, for a reporter who agreed.
A confidential (`rahasia`) entry is left out entirely: a row with its number only could not
be typed into the form, and would still tell that there is such a complaint.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from aduan.daemon.config import Settings
from aduan.daemon.letters import shorten
from aduan.daemon.register import overdue_deadlines
from aduan.models.tables import OPEN_STATUSES, Entry
from aduan.parsers.scrub import Diagnoses, scrub

# LAPOR!'s three classifications, from our kinds; praise and spam are not reports.
CLASSIFICATION = {
    "keluhan": "pengaduan",
    "saran": "aspirasi",
    "pertanyaan": "permintaan informasi",
}
CATEGORY = "Kesehatan"
TITLE_CHARS = 100
FIELDS = (
    "nomor_register",
    "judul",
    "klasifikasi",
    "kategori",
    "isi",
    "tanggal_kejadian",
    "lokasi_kejadian",
    "instansi_tujuan",
    "anonim",
    "nama_pelapor",
    "kontak_pelapor",
    "kanal_asal",
    "unit",
    "mendesak",
    "status",
    "rtl",
    "tanggapan",
    "tenggat_selesai",
    "terlambat",
)


def unresolved(session: Session, since: datetime | None = None) -> list[Entry]:
    """Open entries LAPOR! could take, oldest first."""
    query = select(Entry).where(
        col(Entry.status).in_(OPEN_STATUSES),
        col(Entry.kind).in_(tuple(CLASSIFICATION)),
        col(Entry.confidential).is_(False),
    )
    if since is not None:
        query = query.where(Entry.received_at >= since)
    return list(session.exec(query.order_by(col(Entry.received_at), col(Entry.id))))


def lapor_rows(
    entries: Sequence[Entry],
    settings: Settings,
    now: datetime,
    *,
    agency: str,
    with_contact: bool = False,
) -> list[dict[str, Any]]:
    tz = settings.facility.tz
    diagnoses = Diagnoses.of(settings.privacy.diagnoses, settings.privacy.diagnoses_shown)
    rows = []
    for entry in entries:
        if entry.confidential:
            continue  # never exported, however it got here
        names = [] if with_contact or not entry.reporter_name else [entry.reporter_name]
        shown = entry.text if with_contact else scrub(entry.text, names, diagnoses)
        text = " ".join(shown.split())
        title = " ".join((entry.subject or "").split()) if with_contact else ""
        rows.append(
            {
                "nomor_register": entry.register_no,
                "judul": shorten(title or text, TITLE_CHARS),
                "klasifikasi": CLASSIFICATION[entry.kind],
                "kategori": CATEGORY,
                "isi": text,
                "tanggal_kejadian": entry.received_at.astimezone(tz).date().isoformat(),
                "lokasi_kejadian": settings.facility.name,
                "instansi_tujuan": agency,
                "anonim": "tidak" if with_contact and entry.reporter_name else "ya",
                "nama_pelapor": (entry.reporter_name or "") if with_contact else "",
                "kontak_pelapor": (entry.reporter_contact or "") if with_contact else "",
                "kanal_asal": entry.channel,
                "unit": entry.unit,
                "mendesak": "ya" if entry.urgent else "tidak",
                "status": entry.status,
                "rtl": entry.rtl or "",
                "tanggapan": entry.response or "",
                "tenggat_selesai": entry.due_resolve.astimezone(tz).date().isoformat(),
                "terlambat": "ya" if overdue_deadlines(entry, now) else "tidak",
            }
        )
    return rows


def as_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM: Excel on an office PC opens it with the right letters."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_json(rows: Sequence[dict[str, Any]]) -> bytes:
    return (json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
