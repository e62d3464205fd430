"""Synthetic complaint mails for the intake benchmark.

`generate_mails(n, seed)` yields raw RFC 5322 messages (CRLF line endings)
that resemble what a Puskesmas complaint address receives: Indonesian
complaint texts from many senders and mail clients, sizes spread from 1 KB to
50 KB, about a quarter HTML (multipart/alternative or HTML only), about a
tenth with a photo or PDF attached, a mix of charsets and transfer encodings,
and dates spread over one month. The same seed always gives the same bytes.

    python bench/mailgen.py --n 100 --out /tmp/mails
"""

from __future__ import annotations

import argparse
import base64
import binascii
import functools
import html
import io
import math
import random
import string
import struct
import sys
import time
import zlib
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.header import Header
from email.message import Message
from email.utils import format_datetime, formataddr
from itertools import accumulate, pairwise
from pathlib import Path
from typing import TypeVar

MIN_SIZE = 1024
MAX_SIZE = 50 * 1024
# Sizes are aimed inside the range with room for the estimate's error.
_AIM_LOW, _AIM_HIGH = 1.25 * 1024, 47 * 1024
# Encoded bytes per byte of text, per Content-Transfer-Encoding.
_GROWTH = {"quoted-printable": 1.04, "base64": 1.37, "8bit": 1.0, "7bit": 1.0}
_MIME_FRAMING = 350  # boundaries and part headers of one multipart level
_HTML_MARKUP = 350  # HTML wrapper around the paragraphs, at most
HTML_SHARE = 0.25
ATTACHMENT_SHARE = 0.10

# Mails are dated within the month after this instant.
EPOCH = datetime(2024, 6, 1, tzinfo=timezone(timedelta(hours=7)))
RECIPIENT = ("Pengaduan Puskesmas Sukamaju", "pengaduan@puskesmas-sukamaju.go.id")
MX_HOST = "mx.puskesmas-sukamaju.go.id"

ZONES = [
    (timezone(timedelta(hours=7), "WIB"), 70),
    (timezone(timedelta(hours=8), "WITA"), 12),
    (timezone(timedelta(hours=9), "WIT"), 4),
    (UTC, 14),  # web forms and big providers often stamp UTC
]

FIRST_NAMES = [
    "Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Nur", "Joko", "Sri", "Wahyu",
    "Putri", "Rudi", "Indah", "Eko", "Fitri", "Hendra", "Yuni", "Bambang", "Ratna",
    "Dimas", "Ayu", "Teguh", "Lestari", "Fajar", "Maya", "Irfan", "Novi", "Slamet",
    "Kadek", "Made", "Ni Luh", "Ketut", "Yohanes", "Maria", "Fransiska", "Ahmad",
    "Muhammad", "Aisyah", "Rizky", "Nanda", "Gede", "Wayan", "Théo", "Zoë",
]  # fmt: skip
LAST_NAMES = [
    "Santoso", "Rahmawati", "Setiawan", "Lestari", "Wulandari", "Pratama", "Aini",
    "Susilo", "Hidayat", "Saputra", "Kurniawan", "Nugroho", "Siregar", "Nasution",
    "Simanjuntak", "Sembiring", "Harahap", "Manurung", "Wijaya", "Halim", "Tanoto",
    "Gunawan", "Permana", "Hakim", "Maulana", "Purnomo", "Anggraini", "Yulianti",
]  # fmt: skip
DOMAINS = [
    ("gmail.com", 55), ("yahoo.co.id", 12), ("yahoo.com", 8), ("outlook.com", 6),
    ("hotmail.com", 5), ("ymail.com", 3), ("telkom.net", 2), ("icloud.com", 3),
    ("kemkes.go.id", 1), ("student.ui.ac.id", 2), ("rocketmail.com", 1),
    ("desa-sukamaju.id", 2),
]  # fmt: skip
CLIENTS = [
    (None, 30),
    ("X-Mailer: iPhone Mail (21F90)", 10),
    ("X-Mailer: Microsoft Outlook 16.0", 8),
    ("X-Mailer: YahooMailAndroid/6.80.0", 8),
    ("User-Agent: Mozilla Thunderbird", 4),
    ("X-Mailer: Samsung Mail", 6),
    ("X-Mailer: PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)", 6),
    ("X-Mailer: Open-Xchange Mailer v7.10.6", 2),
]

TOPICS = {
    "antrian lama": [
        "Saya sudah menunggu {hours} jam di {unit} tetapi belum juga dipanggil.",
        "Nomor antrian saya {queue}, sementara yang dipanggil masih {queue_low}.",
        "Antrian pendaftaran sangat panjang dan tidak ada petugas yang mengatur.",
        "Pasien yang datang belakangan malah dilayani lebih dulu.",
        "Loket pendaftaran baru buka pukul {late_time}, padahal jadwalnya {time}.",
    ],
    "obat habis": [
        "Obat {drug} untuk {relation} saya habis dan kami disuruh membeli di apotek luar.",
        "Sudah {times} kali saya datang, obat {drug} selalu kosong.",
        "Apoteker hanya memberi obat untuk {days} hari, padahal resep untuk sebulan.",
        "Obat pengganti yang diberikan membuat {relation} saya mual.",
    ],
    "petugas tidak ramah": [
        "Petugas di {unit} berbicara dengan nada kasar kepada {relation} saya.",
        "Ketika saya bertanya, petugas malah sibuk bermain HP.",
        "Petugas membentak pasien lansia yang kebingungan.",
        "Saya merasa tidak dihargai oleh petugas {unit}.",
    ],
    "BPJS ditolak": [
        "Kartu BPJS {relation} saya ditolak karena {bpjs_reason}.",
        "Kami diminta membayar Rp {amount} padahal peserta BPJS aktif.",
        "Rujukan BPJS ke rumah sakit dipersulit tanpa penjelasan.",
        "Petugas bilang kuota BPJS hari ini sudah habis.",
    ],
    "toilet kotor": [
        "Toilet di {area} sangat kotor dan bau.",
        "Air di toilet tidak mengalir sejak {weekday} lalu.",
        "Tidak ada sabun maupun tisu di toilet {area}.",
        "Lantai toilet licin, {relation} saya hampir terjatuh.",
    ],
    "dokter terlambat": [
        "Dokter {unit} baru datang pukul {late_time}.",
        "Jadwal praktik dokter ditulis {time}, tetapi dokter tidak datang sama sekali.",
        "Pemeriksaan hanya berlangsung dua menit tanpa penjelasan.",
    ],
    "ruang tunggu": [
        "Ruang tunggu {area} panas karena AC rusak.",
        "Kursi di ruang tunggu kurang, banyak pasien berdiri termasuk ibu hamil.",
        "Tidak ada informasi nomor antrian yang sedang dilayani.",
    ],
    "biaya": [
        "Kami dimintai biaya tambahan Rp {amount} tanpa kuitansi.",
        "Tarif surat keterangan sehat berbeda dengan yang tertulis di papan.",
    ],
    "pendaftaran online": [
        "Aplikasi pendaftaran online error sejak {weekday}.",
        "Sudah daftar online tetapi di loket tetap disuruh ambil antrian baru.",
        "Nomor WhatsApp pendaftaran tidak pernah dibalas.",
    ],
    "imunisasi": [
        "Vaksin {vaccine} untuk anak saya kosong saat jadwal posyandu.",
        "Jadwal imunisasi diubah tanpa pemberitahuan.",
    ],
    "ambulans": [
        "Ambulans baru datang {hours} jam setelah kami menelepon.",
        "Telepon layanan darurat tidak diangkat pada malam hari.",
    ],
}
# Said about any topic; mixed into every mail.
GENERAL = [
    "Hal ini sudah berulang kali terjadi.", "Kejadiannya sekitar pukul {late_time}.",
    "Saya sudah menyampaikan ke petugas tetapi tidak ada tanggapan.",
    "Mohon perhatian dari pihak puskesmas.", "Kami warga kecil hanya ingin dilayani dengan baik.",
    "Saya harap ada perbaikan secepatnya.", "Banyak pasien lain yang mengeluhkan hal yang sama.",
    "Saya punya foto sebagai bukti bila diperlukan.", "Kotak saran di depan juga sudah penuh.",
    "Tolong jangan sampai terulang lagi.", "Padahal {relation} saya sedang sakit.",
    "Kami datang dari jauh, naik ojek dari desa sebelah.",
]  # fmt: skip
FILLERS = {
    "unit": ["poli umum", "poli gigi", "poli KIA", "loket pendaftaran", "apotek",
             "laboratorium", "UGD", "poli lansia", "ruang tindakan", "poli anak"],
    "area": ["lantai 1", "dekat poli gigi", "ruang tunggu utama", "gedung belakang",
             "dekat apotek", "UGD"],
    "relation": ["ibu", "bapak", "anak", "suami", "istri", "nenek", "kakek", "adik"],
    "drug": ["amlodipin", "metformin", "paracetamol", "amoksisilin", "captopril",
             "vitamin zat besi", "salbutamol", "glibenklamid", "OAT"],
    "bpjs_reason": ["dianggap tidak aktif", "beda faskes", "NIK tidak terbaca",
                    "tunggakan iuran yang sudah kami lunasi", "data ganda"],
    "vaccine": ["BCG", "polio", "campak", "DPT", "MR", "HPV"],
    "weekday": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    "time": ["07.30", "08.00", "08.30", "13.00"],
    "late_time": ["09.15", "09.45", "10.30", "11.00", "14.20"],
}  # fmt: skip
GREETINGS = [
    "Yth. Kepala Puskesmas Sukamaju,", "Selamat pagi Bapak/Ibu,", "Dengan hormat,",
    "Assalamualaikum wr. wb.,", "Selamat siang,", "Kepada Yth. Bagian Pengaduan,", "Halo admin,",
]  # fmt: skip
OPENINGS = [
    "Saya {name}, warga {address}, ingin menyampaikan keluhan.",
    "Melalui email ini saya ingin melaporkan pengalaman kurang menyenangkan.",
    "Pada hari {weekday} tanggal {day} saya berobat ke puskesmas.",
    "Saya mengantar {relation} saya berobat ke {unit} pada hari {weekday}.",
]
CLOSINGS = [
    "Mohon ditindaklanjuti. Terima kasih.", "Terima kasih atas perhatiannya.",
    "Semoga pelayanan ke depan lebih baik.", "Saya tunggu tanggapannya.",
    "Mohon maaf bila ada kata yang kurang berkenan. 🙏", "Wassalamualaikum wr. wb.",
]  # fmt: skip
SIGNOFFS = ["Hormat saya,", "Salam,", "Terima kasih,", "", "Wassalam,"]
FOOTERS = [
    "", "", "", "Dikirim dari Yahoo Mail di Android", "Sent from my iPhone",
    "Dikirim dari perangkat Samsung Galaxy saya", "Get Outlook for Android",
]  # fmt: skip
STREETS = ["Jl. Melati", "Jl. Kenanga", "Jl. Raya Sukamaju", "Gg. Mawar", "Jl. Pahlawan"]
SUBJECTS = [
    "Keluhan: {topic}", "Pengaduan {topic} di puskesmas", "[Aduan] {topic}",
    "Keluhan pelayanan - {topic}", "{TOPIC}", "Laporan {topic} di {unit}",
    "Mohon perhatian: {topic}", "keluhan", "Aduan warga RT {rt}", "{topic}!!!",
    "Keluhan {topic} 😡", "Pengaduan layanan \u2013 {topic}",
]  # fmt: skip

# (charset, transfer encoding, weight). utf-8 8bit is what most webmail
# sends for Indonesian text; the rest exercise decoders.
TEXT_ENCODINGS = [
    ("utf-8", "quoted-printable", 35),
    ("utf-8", "base64", 20),
    ("utf-8", "8bit", 20),
    ("iso-8859-1", "quoted-printable", 15),
    ("us-ascii", "7bit", 10),
]


T = TypeVar("T")

# Distinct filled-in sentences per topic. Filling in a template for every
# sentence dominated the run time; drawing from a pool keeps mails varied.
_POOL_SIZE = 200


@dataclass(frozen=True)
class _Sender:
    name: str
    address: str
    domain: str


@dataclass(frozen=True)
class _Sentences:
    by_topic: dict[str, list[str]]
    mean_length: float


def generate_mails(n: int, seed: int = 0) -> Iterator[bytes]:
    """Yield `n` raw complaint mails, identical for identical seeds."""
    rng = random.Random(seed)
    by_topic = {
        topic: [_fill(rng, rng.choice(templates), "") for _ in range(_POOL_SIZE)]
        for topic, templates in [*TOPICS.items(), ("", GENERAL)]
    }
    lengths = [len(s) for pool in by_topic.values() for s in pool]
    sentences = _Sentences(by_topic, sum(lengths) / len(lengths))
    for index in range(n):
        yield _MailBuilder(rng, sentences, seed, index).build()


class _MailBuilder:
    def __init__(self, rng: random.Random, sentences: _Sentences, seed: int, index: int) -> None:
        self.rng = rng
        self.sentences = sentences
        self.seed = seed
        self.index = index
        self.sender = _sender(rng)
        self.topic = rng.choice(list(TOPICS))
        zone = _weighted(rng, ZONES)
        self.date = _mail_date(rng).astimezone(zone)
        # Log-uniform: mostly short mails, a long tail of long ones.
        self.size = math.exp(rng.uniform(math.log(_AIM_LOW), math.log(_AIM_HIGH)))

    def build(self) -> bytes:
        rng = self.rng
        msg = Message()
        self._headers(msg)
        has_html = rng.random() < HTML_SHARE
        html_only = has_html and rng.random() < 0.3
        attachment = self._attachment() if rng.random() < ATTACHMENT_SHARE else None
        charset, cte = _weighted(rng, [((c, e), w) for c, e, w in TEXT_ENCODINGS])
        html_style = rng.choice(["gmail", "outlook", "plain"])
        html_cte = rng.choice(["quoted-printable", "quoted-printable", "base64"])

        # Work out how much text makes the whole mail come out at self.size.
        room = self.size - sum(len(k) + len(v) + 4 for k, v in msg.items())
        growth = 0.0 if html_only else _GROWTH[cte]
        if has_html:
            room -= _HTML_MARKUP
            growth += 1.05 * _GROWTH[html_cte]
        if has_html and not html_only:
            room -= _MIME_FRAMING
        if attachment is not None:
            room -= _MIME_FRAMING + len(attachment[0]) * 1.37
        paragraphs = self._paragraphs(int(room / growth))

        # Without attachments the top-level message is the content itself.
        content = msg if attachment is None else Message()
        text = "\n\n".join(paragraphs)
        if html_only:
            _html_part(paragraphs, html_style, html_cte, content)
        elif has_html:
            _multipart("alternative", self._boundary(), content)
            content.attach(_text_part(text, "plain", charset, cte))
            content.attach(_html_part(paragraphs, html_style, html_cte))
        else:
            _text_part(text, "plain", charset, cte, content)

        if attachment is not None:
            data, maintype, subtype, filename = attachment
            _multipart("mixed", self._boundary(), msg)
            msg.attach(content)
            msg.attach(_binary_part(data, maintype, subtype, filename))
        return _serialize(msg)

    def _headers(self, msg: Message) -> None:
        rng = self.rng
        for received in self._received():
            msg["Received"] = received
        sender = self.sender
        msg["From"] = _address(sender.name, f"{sender.address}@{sender.domain}")
        msg["To"] = _address(*RECIPIENT)
        if rng.random() < 0.08:
            msg["Cc"] = _address("Dinas Kesehatan", "pengaduan@dinkes.example.go.id")
        subject = rng.choice(SUBJECTS).format(
            topic=self.topic, TOPIC=self.topic.upper(), unit=rng.choice(FILLERS["unit"]),
            rt=f"{rng.randint(1, 12):02d}",
        )  # fmt: skip
        reply = rng.random() < 0.12
        if reply:
            subject = rng.choice(["Re: ", "RE: ", "Balas: "]) + subject
        elif rng.random() < 0.05:
            subject = "Fwd: " + subject
        msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
        msg["Date"] = format_datetime(self.date)
        msg["Message-ID"] = self._message_id(sender.domain)
        if reply:
            parent = f"<{rng.getrandbits(64):016x}@puskesmas-sukamaju.go.id>"
            msg["In-Reply-To"] = parent
            msg["References"] = parent
        if rng.random() < 0.1:
            msg["Reply-To"] = _address(sender.name, f"{sender.address}.balas@{sender.domain}")
        client = _weighted(rng, CLIENTS)
        if client is not None:
            key, _, value = client.partition(": ")
            msg[key] = value
        msg["MIME-Version"] = "1.0"

    def _received(self) -> list[str]:
        rng = self.rng
        domain = self.sender.domain
        # The relay chain from the sender's client to our MX; a mail carries
        # the trace of its last few links, newest first.
        relay = f"mail-{rng.choice(['sor', 'ej1', 'yw1', 'pl1'])}-f{rng.randint(10, 99)}"
        chain = [
            (f"[10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}]", ""),
            (f"smtp{rng.randint(1, 9)}.{domain}", "Exim 4.96"),
            (f"{relay}.{domain}", "SMTP"),
            (MX_HOST, "Postfix"),
        ]
        links = rng.choice([0, 1, 1, 2, 2, 3])
        stamp = self.date
        lines = []
        for (source, _), (by, software) in list(pairwise(chain))[3 - links :]:
            stamp += timedelta(seconds=rng.randint(1, 40))
            ip = f"{rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{rng.randint(1, 254)}"
            when = stamp.astimezone(EPOCH.tzinfo) if by == MX_HOST else stamp
            proto = rng.choice(["ESMTPS", "ESMTPSA", "SMTP"])
            # Folded by hand the way MTAs write them.
            lines.append(
                f"from {source} ({source} [{ip}])\r\n\tby {by} ({software}) with {proto}"
                f" id {rng.getrandbits(40):010X}\r\n\tfor <{RECIPIENT[1]}>;"
                f" {format_datetime(when)}"
            )
        return lines[::-1]

    def _message_id(self, domain: str) -> str:
        token = f"{self.seed:x}.{self.index:x}.{self.rng.getrandbits(48):012x}"
        return f"<{token}@{domain}>"

    def _boundary(self) -> str:
        return f"=_{self.rng.getrandbits(96):024x}"

    def _paragraphs(self, budget: int) -> list[str]:
        rng = self.rng
        sender = self.sender
        parts = [rng.choice(GREETINGS), _fill(rng, rng.choice(OPENINGS), sender.name)]
        # Long mails ramble over several topics, the mail's own topic most.
        others = rng.sample(list(TOPICS), 2)
        pool = self.sentences.by_topic
        candidates = pool[self.topic] * 3 + pool[others[0]] + pool[others[1]] + pool[""] * 2
        # Beyond their text, sentences cost about 2.1 bytes each in spaces and
        # CRLF CRLF between paragraphs; the sign-off below adds about 110.
        # Draw more than enough, then cut where the budget is reached.
        need = budget - sum(map(len, parts)) - 110
        estimate = max(2, round(need / (self.sentences.mean_length + 2.1)))
        sentences = rng.choices(candidates, k=estimate * 13 // 10 + 2)
        running = list(accumulate(map(len, sentences)))
        sentences = sentences[: max(2, bisect_left(running, need - 2.1 * estimate) + 1)]
        sizes = rng.choices((2, 3, 4, 5), k=len(sentences) // 2 + 1)
        start = 0
        for size in sizes:
            if start >= len(sentences):
                break
            parts.append(" ".join(sentences[start : start + size]))
            start += size
        parts.append(rng.choice(CLOSINGS))
        signoff = rng.choice(SIGNOFFS)
        phone = f"08{rng.randint(11, 99)}-{rng.randint(1000, 9999)}-{rng.randint(100, 9999)}"
        parts.append("\n".join(x for x in (signoff, sender.name, phone) if x))
        footer = rng.choice(FOOTERS)
        if footer:
            parts.append(footer)
        return parts

    def _attachment(self) -> tuple[bytes, str, str, str]:
        rng = self.rng
        kind = rng.random()
        if kind < 0.55:
            name = rng.choice(
                ["IMG_20240603_101512.jpg", "foto.jpg", "WhatsApp Image 2024-06-03.jpeg"]
            )
            return _vary_jpeg(rng.choice(_base_jpegs()), rng), "image", "jpeg", name
        if kind < 0.8:
            name = rng.choice(["Screenshot_2024-06-03.png", "tangkapan layar.png"])
            return _vary_png(rng.choice(_base_pngs()), rng), "image", "png", name
        name = rng.choice(["surat_keluhan.pdf", "kwitansi.pdf", "resep dokter.pdf"])
        return _pdf(rng), "application", "pdf", name


def _fill(rng: random.Random, template: str, name: str) -> str:
    # Only the template's own fields are drawn: drawing all of them for
    # every sentence was a large share of the run time.
    values: dict[str, str] = {}
    for field in _fields(template):
        if field == "queue_low":  # a number already called, below {queue}
            values[field] = str(rng.randint(1, int(values["queue"]) - 1))
        else:
            values[field] = _draw(rng, field, name)
    return template.format(**values)


@functools.cache
def _fields(template: str) -> tuple[str, ...]:
    return tuple(field for _, field, _, _ in string.Formatter().parse(template) if field)


def _draw(rng: random.Random, field: str, name: str) -> str:
    if field in FILLERS:
        return rng.choice(FILLERS[field])
    match field:
        case "name":
            return name
        case "address":
            return (
                f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}, "
                f"RT {rng.randint(1, 12):02d}/RW {rng.randint(1, 9):02d}"
            )
        case "hours":
            return str(rng.randint(2, 6))
        case "queue":
            return str(rng.randint(20, 140))
        case "times":
            return str(rng.randint(2, 5))
        case "days":
            return str(rng.choice([3, 5, 7]))
        case "amount":
            return f"{rng.randint(2, 40) * 5000:,}".replace(",", ".")
        case "day":
            return str(rng.randint(1, 28))
    raise KeyError(f"no filler for {{{field}}}")


def _address(name: str, addr: str) -> str:
    # formataddr RFC 2047-encodes non-ASCII display names.
    return formataddr((name, addr), charset="utf-8") if name else addr


# -- MIME parts ---------------------------------------------------------------
# Payloads are encoded here with binascii/base64 (C code): the email
# package's own quoted-printable encoder is pure Python and slow on 50 KB.


def _text_part(
    text: str, subtype: str, charset: str, cte: str, part: Message | None = None
) -> Message:
    part = Message() if part is None else part
    part["Content-Type"] = f'text/{subtype}; charset="{charset}"'
    part["Content-Transfer-Encoding"] = cte
    data = text.replace("\n", "\r\n").encode(charset, "replace")
    if cte == "quoted-printable":
        payload = binascii.b2a_qp(data).decode("ascii")
    elif cte == "base64":
        payload = _base64(data)
    else:
        payload = data.decode(charset)  # with unencodable characters replaced
    part.set_payload(payload)
    return part


def _html_part(
    paragraphs: Sequence[str], style: str, cte: str, part: Message | None = None
) -> Message:
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>\n" for p in paragraphs)
    if style == "gmail":
        doc = f'<div dir="ltr">{body}</div>\n'
    elif style == "outlook":
        doc = (
            '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            "<style>p.MsoNormal{margin:0cm;font-size:11.0pt;font-family:Calibri}</style>"
            f'</head><body lang="EN-ID"><div class="WordSection1">{body}</div></body></html>\n'
        )
    else:
        doc = f'<html><body style="font-family:Arial">{body}</body></html>\n'
    return _text_part(doc, "html", "utf-8", cte, part)


def _binary_part(data: bytes, maintype: str, subtype: str, filename: str) -> Message:
    part = Message()
    part["Content-Type"] = f'{maintype}/{subtype}; name="{filename}"'
    part["Content-Disposition"] = f'attachment; filename="{filename}"'
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(_base64(data))
    return part


def _serialize(msg: Message) -> bytes:
    """Flatten the tree into what BytesGenerator would write for it.

    Headers here are built already RFC 2047-encoded and folded, and payloads
    already encoded with CRLF line ends, so both are written verbatim. The
    stock generator re-folds every header and re-splits every payload line,
    which took three quarters of the run time.
    """
    out: list[bytes] = []
    _flatten(msg, out)
    return b"".join(out)


def _flatten(msg: Message, out: list[bytes]) -> None:
    head = "".join(f"{name}: {value}\r\n" for name, value in msg.items())
    out.append(head.encode("ascii") + b"\r\n")
    payload = msg.get_payload()
    if isinstance(payload, str):
        # 8bit payloads come back as text; the rest are ASCII already.
        out.append(payload.encode(msg.get_content_charset("ascii")))
        return
    assert isinstance(payload, list), "multipart payload"
    boundary = msg.get_boundary()
    for part in payload:
        assert isinstance(part, Message)
        out.append(f"--{boundary}\r\n".encode())
        _flatten(part, out)
        out.append(b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())


def _base64(data: bytes) -> str:
    # encodebytes ends its 76-character lines with a bare LF.
    return base64.encodebytes(data).decode("ascii").replace("\n", "\r\n")


def _multipart(subtype: str, boundary: str, part: Message | None = None) -> Message:
    part = Message() if part is None else part
    part["Content-Type"] = f'multipart/{subtype}; boundary="{boundary}"'
    return part


# -- attachments ----------------------------------------------------------------


@functools.cache
def _base_jpegs() -> tuple[bytes, ...]:
    return tuple(
        _image(size, "JPEG", seed) for seed, size in enumerate([(96, 72), (160, 120), (240, 180)])
    )


@functools.cache
def _base_pngs() -> tuple[bytes, ...]:
    return tuple(_image(size, "PNG", seed) for seed, size in enumerate([(64, 48), (120, 90)]))


def _image(size: tuple[int, int], fmt: str, seed: int) -> bytes:
    # Imported here: only attachments need Pillow, and it is slow to import.
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = size
    # Noise compresses badly, which gives photo-like file sizes from tiny images.
    image = Image.frombytes("RGB", size, rng.randbytes(width * height * 3))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle((x, y, x + width // 3, y + height // 4), fill=colour)
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def _vary_jpeg(jpeg: bytes, rng: random.Random) -> bytes:
    # A COM segment right after SOI: still a valid JPEG, different bytes.
    comment = rng.randbytes(rng.randint(16, 512))
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]


def _vary_png(png: bytes, rng: random.Random) -> bytes:
    # A tEXt chunk before IEND (the last 12 bytes): valid, different bytes.
    text = b"Comment\0" + rng.randbytes(rng.randint(16, 256)).hex().encode()
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text
    chunk += struct.pack(">I", zlib.crc32(chunk[4:]))
    return png[:-12] + chunk + png[-12:]


def _pdf(rng: random.Random) -> bytes:
    stream = zlib.compress(rng.randbytes(rng.randint(2_000, 20_000)))
    return (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>\nendobj\n"
        + f"4 0 obj\n<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
        + stream
        + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


# -- helpers --------------------------------------------------------------------


def _weighted(rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights)[0]


def _sender(rng: random.Random) -> _Sender:
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES) if rng.random() < 0.85 else ""
    name = f"{first} {last}".strip()
    domain = _weighted(rng, DOMAINS)
    local = rng.choice(
        [
            f"{first}.{last}",
            f"{first}{last}{rng.randint(1, 99)}",
            f"{first}_{rng.randint(1970, 2005)}",
            f"{first[0]}{last}",
        ]
    )
    local = "".join(c for c in local.lower() if c.isascii() and (c.isalnum() or c in "._")).strip(
        "."
    )
    if rng.random() < 0.07:
        name = ""  # bare address, no display name
    return _Sender(name, local or f"warga{rng.randint(1, 999)}", domain)


def _mail_date(rng: random.Random) -> datetime:
    day = rng.randrange(30)
    # Most complaints are written in the morning queue or in the evening.
    hour = rng.choices(
        range(24), [1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 9, 8, 6, 6, 6, 5, 5, 5, 6, 8, 8, 6, 4, 2]
    )[0]
    return EPOCH + timedelta(days=day, hours=hour, seconds=rng.randrange(3600))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=100, help="number of mails")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="directory for NNNNN.eml files")
    args = parser.parse_args(argv)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    total = 0
    for index, raw in enumerate(generate_mails(args.n, args.seed), start=1):
        total += len(raw)
        if args.out is not None:
            (args.out / f"{index:05d}.eml").write_bytes(raw)
    elapsed = time.perf_counter() - started
    where = f" to {args.out}" if args.out is not None else ""
    print(f"{args.n} mails, {total / 1024:.0f} KiB{where} in {elapsed:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
