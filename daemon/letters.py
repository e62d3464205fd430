"""The words of every mail aduan sends: Jinja2 templates, Indonesian first, English available.

Each template defines a `subject` and a `body` block. A facility may replace any of them by
putting a file of the same name (e.g. `id/eskalasi.txt.j2`) in `[escalation] templates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
LABELS: dict[str, dict[str, str]] = {
    "id": {
        "keluhan": "Keluhan",
        "saran": "Saran",
        "pujian": "Pujian",
        "pertanyaan": "Pertanyaan",
        "lainnya": "Lainnya",
        "pendaftaran": "Pendaftaran",
        "poli_umum": "Poli Umum",
        "poli_gigi": "Poli Gigi",
        "kia_kb": "KIA/KB",
        "farmasi": "Farmasi",
        "laboratorium": "Laboratorium",
        "ugd": "UGD",
        "rawat_inap": "Rawat Inap",
        "administrasi": "Administrasi",
        "kebersihan_sarana": "Kebersihan & Sarana",
        "email": "surel",
        "kotak_saran": "kotak saran",
        "sms": "SMS",
        "whatsapp": "WhatsApp",
        "telepon": "telepon",
        "langsung": "datang langsung",
        "web": "situs web",
        "media_sosial": "media sosial",
    },
    "en": {
        "keluhan": "Complaint",
        "saran": "Suggestion",
        "pujian": "Praise",
        "pertanyaan": "Question",
        "lainnya": "Other",
        "pendaftaran": "Registration",
        "poli_umum": "General clinic",
        "poli_gigi": "Dental clinic",
        "kia_kb": "Maternal & child health / family planning",
        "farmasi": "Pharmacy",
        "laboratorium": "Laboratory",
        "ugd": "Emergency",
        "rawat_inap": "Inpatient ward",
        "administrasi": "Administration",
        "kebersihan_sarana": "Cleanliness & facilities",
        "email": "e-mail",
        "kotak_saran": "suggestion box",
        "sms": "SMS",
        "whatsapp": "WhatsApp",
        "telepon": "telephone",
        "langsung": "in person",
        "web": "website",
        "media_sosial": "social media",
    },
}


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


class Letters:
    def __init__(self, tz: ZoneInfo, override: Path | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("aduan.daemon", "templates")]
        if override is not None:
            loaders.insert(0, jinja2.FileSystemLoader(override))
        self.tz = tz
        # Plain-text mail: no HTML escaping; StrictUndefined makes a facility's typo loud.
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, name: str, lang: str, **context: Any) -> Letter:
        """The subject and body of template `name` (e.g. "eskalasi") in `lang`."""
        template = self.env.get_template(f"{lang}/{name}.txt.j2")
        values = {
            "label": lambda value: label(value, lang),
            "when": lambda value: self.when(value, lang),
            "day": lambda value: self.day(value, lang),
            **context,
        }
        ctx = template.new_context(values)
        subject = "".join(template.blocks["subject"](ctx))
        body = "".join(template.blocks["body"](ctx))
        return Letter(" ".join(subject.split()), body.strip() + "\n")

    def when(self, value: datetime | None, lang: str) -> str:
        """ "Senin, 23 November 2026 pukul 08.15 WIB" in the facility's zone."""
        if value is None:
            return "-"
        local = value.astimezone(self.tz)
        clock = local.strftime("%H.%M" if lang == "id" else "%H:%M")
        at = "pukul" if lang == "id" else "at"
        return f"{self.day(local, lang)} {at} {clock} {local.tzname()}"

    def day(self, value: date, lang: str) -> str:
        """ "Senin, 23 November 2026"; a datetime is taken in the facility's zone."""
        local = value.astimezone(self.tz) if isinstance(value, datetime) else value
        day = _DAYS[lang][local.weekday()]
        return f"{day}, {local.day} {MONTHS[lang][local.month - 1]} {local.year}"


def shorten(text: str, limit: int) -> str:
    """`text` on one line, at most about `limit` characters, cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def label(value: str, lang: str) -> str:
    return LABELS[lang].get(value, value.replace("_", " ").capitalize())
