"""Raw mail bytes for tests: awkward but real-world mails, auto mails, and non-mails.

Every builder returns CRLF-terminated bytes, as an IMAP server stores them, so the same
corpus can be APPENDed to a real mailbox by integration tests.
"""

from __future__ import annotations

import base64
import email.policy
import io
import quopri
import random
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from email.parser import BytesParser
from email.quoprimime import header_encode
from email.utils import make_msgid
from functools import cache

from PIL import Image

PUSKESMAS = "Puskesmas Sukamaju <aduan@puskesmas-sukamaju.go.id>"
STAFF = "Admin TU Puskesmas <tu@puskesmas-sukamaju.go.id>"
DATE = "Mon, 03 Jun 2024 09:15:00 +0700"

COMPLAINT_QUEUE = (
    "Selamat pagi Bapak/Ibu,\n\n"
    "Kemarin saya antri di loket BPJS dari jam 07.00 sampai jam 11.30 baru dipanggil.\n"
    "Nomor antrian tidak jelas dan petugas sering meninggalkan loket.\n"
    "Mohon sistem antriannya diperbaiki.\n\n"
    "Terima kasih,\nSiti Rahmawati\n"
)
COMPLAINT_MEDICINE = (
    "Obat hipertensi ibu saya (amlodipin) sudah dua kali kosong di apotek puskesmas.\n"
    "Kami disuruh membeli sendiri di apotek luar padahal peserta BPJS.\n"
    "Mohon stok obat diperhatikan.\n"
)
BIG_BODY_LINES = 13_000

# For each awkward_mails() case: a snippet parse_mail must find in the subject or the text.
AWKWARD_SNIPPETS: dict[str, str] = {
    "iso-8859-1": "café",
    "cp1252-as-us-ascii": "\u201cobat kosong\u201d",
    "cp1252-as-utf-8": "café \u2013 ruang tunggu",
    "unknown-charset": "café",
    "html-only": "Ruang tunggu & toilet kotor, café",
    "nested-multipart": "Kartu BPJS anak saya ditolak",
    "forwarded-rfc822": "amlodipin",
    "gmail-inline-forward": "Poli gigi tutup",
    "gmail-inline-forward-id": "Bidan desa",
    "outlook-inline-forward": "Ambulans baru datang",
    "no-message-id": "Antrian loket BPJS",
    "encoded-utf8-b": "Keluhan ruang tunggu \u2014 AC mati",
    "encoded-utf8-q": "Antrian apotek \u2014 lama sekali",
    "encoded-iso-8859-1": "Kantin café puskesmas",
    "empty-body-with-subject": "Mohon info jadwal imunisasi",
    "one-megabyte-body": f"{BIG_BODY_LINES - 1:06d} Antrian",
    "image-and-pdf": "foto antrian",
    "base64-text": "Petugas pendaftaran",
    "quoted-printable-text": "Dokter jaga tidak ada",
}


def make_mail(
    *,
    subject: str = "Antrian loket BPJS terlalu lama",
    body: str = COMPLAINT_QUEUE,
    sender: str = "Siti Rahmawati <siti.rahmawati@example.id>",
    message_id: str | None = "",
    extra_headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    html: str | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> bytes:
    """A simple mail. `message_id` "" makes a fresh one, None leaves the header out.

    `extra_headers` replace the headers set here (Subject, From, To, Date, Message-ID)
    and are added otherwise, so several Received headers can be given as pairs.
    `attachments` are (filename, content type, data).
    """
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = PUSKESMAS
    message["Date"] = DATE
    if message_id is not None:
        message["Message-ID"] = message_id or make_msgid(domain="example.id")
    pairs = extra_headers.items() if isinstance(extra_headers, Mapping) else extra_headers
    for name, value in pairs:
        if name.lower() in {"subject", "from", "to", "date", "message-id"} and name in message:
            message.replace_header(name, value)
        else:
            message[name] = value
    if html is not None and not body:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


@cache
def png_bytes() -> bytes:
    """A small valid PNG (a red square)."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
)


def awkward_mails() -> dict[str, bytes]:
    """Real-world oddities every intake must survive; keys are those of AWKWARD_SNIPPETS."""
    return {
        "iso-8859-1": _single_part(
            "Ruang tunggu penuh",
            "text/plain; charset=iso-8859-1",
            "Ruang tunggu penuh, saya terpaksa menunggu di café depan puskesmas.\n".encode(
                "iso-8859-1",
            ),
        ),
        "cp1252-as-us-ascii": _single_part(
            "Obat kosong lagi",
            "text/plain; charset=us-ascii",
            "Petugas apotek bilang \u201cobat kosong\u201d \u2013 sudah tiga kali.\n".encode(
                "cp1252",
            ),
        ),
        "cp1252-as-utf-8": _single_part(
            "AC ruang tunggu mati",
            'text/plain; charset="utf-8"',
            "Ngopi di café \u2013 ruang tunggu panas sekali, AC mati.\n".encode("cp1252"),
        ),
        "unknown-charset": _single_part(
            "Parkir sempit",
            'text/plain; charset="x-unknown-foo"',
            "Parkir motor sempit, pasien lansia harus jalan jauh dari café.\n".encode(),
        ),
        "html-only": _single_part("Kebersihan", 'text/html; charset="utf-8"', _HTML.encode()),
        "nested-multipart": _nested_multipart(),
        "forwarded-rfc822": _forwarded_rfc822(),
        "gmail-inline-forward": _gmail_inline_forward(),
        "gmail-inline-forward-id": make_mail(
            subject="Fwd: Bidan desa jarang datang",
            sender=STAFF,
            body=_INDONESIAN_GMAIL_FORWARD,
        ),
        "outlook-inline-forward": make_mail(
            subject="FW: Ambulans terlambat",
            sender=STAFF,
            body=_OUTLOOK_FORWARD,
        ),
        "no-message-id": make_mail(message_id=None),
        "encoded-utf8-b": _single_part(
            _b_word("Keluhan ruang tunggu \u2014 AC mati", "utf-8"),
            'text/plain; charset="utf-8"',
            COMPLAINT_QUEUE.encode(),
            sender=_b_word("Siti Nur\u2019aini", "utf-8") + " <siti.nuraini@example.id>",
        ),
        "encoded-utf8-q": _single_part(
            _q_word("Antrian apotek \u2014 lama sekali", "utf-8"),
            'text/plain; charset="utf-8"',
            COMPLAINT_MEDICINE.encode(),
            sender=_q_word("Ni Luh Putu Ayu Dewi", "utf-8") + " <ayu.dewi@example.id>",
        ),
        "encoded-iso-8859-1": _single_part(
            _q_word("Kantin café puskesmas mahal", "iso-8859-1"),
            "text/plain; charset=iso-8859-1",
            "Harga makanan di kantin terlalu mahal untuk keluarga pasien.\n".encode("latin-1"),
            sender=_q_word("André Wijaya", "iso-8859-1") + " <andre.wijaya@example.id>",
        ),
        "empty-body-with-subject": make_mail(subject="Mohon info jadwal imunisasi", body=""),
        "one-megabyte-body": make_mail(subject="Antrian (laporan panjang)", body=big_body()),
        "image-and-pdf": make_mail(
            subject="Bukti antrian",
            body="Terlampir foto antrian dan surat rujukan.\n",
            attachments=[
                ("foto-antrian.png", "image/png", png_bytes()),
                ("rujukan.pdf", "application/pdf", PDF_BYTES),
            ],
        ),
        "base64-text": _single_part(
            "Petugas tidak ramah",
            'text/plain; charset="utf-8"',
            base64.encodebytes(b"Petugas pendaftaran membentak pasien lansia.\n"),
            encoding="base64",
        ),
        "quoted-printable-text": _single_part(
            "IGD malam hari",
            'text/plain; charset="utf-8"',
            quopri.encodestring(_QP_TEXT.encode()),
            encoding="quoted-printable",
        ),
    }


def big_body() -> str:
    """About 1 MB of numbered lines, so a test can tell the whole body came through."""
    return "".join(
        f"{number:06d} Antrian di loket pendaftaran BPJS sangat panjang, mohon tambah petugas.\n"
        for number in range(BIG_BODY_LINES)
    )


def autoreply_mails() -> dict[str, bytes]:
    """Machine-sent mails; the key's first word is the expected `Mail.auto`."""
    mails = {
        "bounce-delivery-status": _delivery_report("delivery-status"),
        "bounce-disposition-notification": _delivery_report("disposition-notification"),
        "bounce-null-return-path-with-report": _delivery_report(
            "delivery-status",
            container="multipart/mixed",
            sender="Mail System <system@mx.example.id>",
            return_path="<>",
        ),
        "bounce-mailer-daemon": make_mail(
            subject="Undelivered Mail Returned to Sender",
            sender="Mail Delivery System <MAILER-DAEMON@mx.example.id>",
            body="This is the mail system at host mx.example.id.\nI'm sorry to inform you...\n",
        ),
        "bounce-postmaster": make_mail(
            subject="Delivery failure",
            sender="postmaster@example.id",
            body="Your message could not be delivered.\n",
        ),
        "autoreply-null-return-path": _out_of_office([("Return-Path", "<>")]),
        "autoreply-noreply-sender": _out_of_office(sender="BPJS Kesehatan <noreply@example.id>"),
        "autoreply-no-reply-sender": _out_of_office(sender="no-reply@layanan.example.id"),
        "autoreply-donotreply-sender": _out_of_office(sender="DoNotReply@example.id"),
    }
    header_signals = {
        "autoreply-auto-submitted-replied": ("Auto-Submitted", "auto-replied (vacation)"),
        "autoreply-auto-submitted-generated": ("Auto-Submitted", "auto-generated"),
        "autoreply-x-autoreply": ("X-Autoreply", "yes"),
        "autoreply-x-autorespond": ("X-Autorespond", "Saya sedang cuti"),
        "autoreply-x-autoresponse": ("X-Autoresponse", "1"),
        "autoreply-suppress-all": ("X-Auto-Response-Suppress", "All"),
        "autoreply-suppress-oof": ("X-Auto-Response-Suppress", "DR, OOF"),
        "autoreply-suppress-autoreply": ("X-Auto-Response-Suppress", "AutoReply"),
        "autoreply-precedence-bulk": ("Precedence", "bulk"),
        "autoreply-precedence-junk": ("Precedence", "junk"),
        "autoreply-precedence-list": ("Precedence", "list"),
        "autoreply-precedence-auto-reply": ("Precedence", "auto_reply"),
        "autoreply-x-precedence-bulk": ("X-Precedence", "Bulk"),
        "autoreply-list-id": ("List-Id", "Info Dinkes <info.dinkes.example.id>"),
        "autoreply-list-unsubscribe": ("List-Unsubscribe", "<mailto:leave@example.id>"),
    }
    for name, header in header_signals.items():
        mails[name] = _out_of_office([header])
    return mails


def unparseable_mails() -> dict[str, bytes]:
    """Bytes that are not a mail, or a mail with nothing to register.

    None holds a NUL byte: IMAP literals cannot carry one, and these go to a real server too.
    """
    junk = random.Random(20240603).randbytes(4096).replace(b"\x00", b"\xff")
    return {
        "empty": b"",
        "blank-lines": b"\r\n\r\n\r\n",
        "empty-headers-empty-body": b"\r\n",
        "random-binary": b"\x89" + junk,
        "pdf-file": PDF_BYTES,
        "no-subject-no-body-no-attachment": _lines(
            "From: Siti Rahmawati <siti.rahmawati@example.id>\n"
            f"To: {PUSKESMAS}\nDate: {DATE}\nMessage-ID: <kosong-1@example.id>\n\n   \n",
        ),
    }


def _lines(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("ascii")


def _body(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _single_part(
    subject: str,
    content_type: str,
    body: bytes,
    *,
    encoding: str = "8bit",
    sender: str = "Siti Rahmawati <siti.rahmawati@example.id>",
) -> bytes:
    head = _lines(
        f"From: {sender}\nTo: {PUSKESMAS}\nSubject: {subject}\nDate: {DATE}\n"
        f"Message-ID: {make_msgid(domain='example.id')}\nMIME-Version: 1.0\n"
        f"Content-Type: {content_type}\nContent-Transfer-Encoding: {encoding}\n\n",
    )
    return head + _body(body)


def _b_word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def _q_word(text: str, charset: str) -> str:
    return header_encode(text.encode(charset), charset)


_HTML = """<!DOCTYPE html>
<html><head><title>Keluhan</title>
<style>p { color: #333; } .ttd { font-size: 10px; }</style>
<script>var tracker = 1 < 2;</script></head>
<body>
<p>Ruang tunggu &amp; toilet kotor, caf&eacute; di depan malah lebih bersih.</p>
<div>Sampah&nbsp;menumpuk di dekat <b>poli umum</b>.</div>
<ul><li>Tempat sampah penuh</li><li>Wastafel rusak</li></ul>
<p class="ttd">Salam,<br>Rudi Hartono</p>
</body></html>
"""

_QP_TEXT = (
    "Dokter jaga tidak ada di IGD pada malam hari tanggal 2 Juni, pasien harus menunggu "
    "lebih dari satu jam sebelum ada petugas yang datang. Kami dirujuk ke RS caf\u00e9... "
    "maksud saya ke RSUD.\n"
)


def _nested_multipart() -> bytes:
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = "Kartu BPJS ditolak"
    message["From"] = "Rina Marlina <rina.marlina@example.id>"
    message["To"] = PUSKESMAS
    message["Date"] = DATE
    message["Message-ID"] = make_msgid(domain="example.id")
    message.set_content("Kartu BPJS anak saya ditolak di pendaftaran.\nFoto kartu terlampir.\n")
    message.add_alternative(
        '<p>Kartu BPJS anak saya ditolak di pendaftaran.</p><img src="cid:kartu">',
        subtype="html",
    )
    html_part = message.get_payload()[1]
    html_part.add_related(png_bytes(), "image", "png", cid="<kartu>")
    message.add_attachment(
        PDF_BYTES, maintype="application", subtype="pdf", filename="surat-rujukan.pdf"
    )
    return message.as_bytes()


def _forwarded_rfc822() -> bytes:
    original = make_mail(
        subject="Keluhan obat kosong",
        sender="Budi Santoso <budi.santoso@example.id>",
        message_id="<asli-obat-1@example.id>",
        body=COMPLAINT_MEDICINE,
        extra_headers={"Date": "Fri, 31 May 2024 20:05:00 +0700"},
        attachments=[("foto-resep.png", "image/png", png_bytes())],
    )
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = "Fwd: Keluhan obat kosong"
    message["From"] = STAFF
    message["To"] = PUSKESMAS
    message["Date"] = DATE
    message["Message-ID"] = make_msgid(domain="puskesmas-sukamaju.go.id")
    message.set_content("Mohon ditindaklanjuti.\n\n-- \nAdmin TU\n")
    message.add_attachment(BytesParser(policy=email.policy.SMTP).parsebytes(original))
    return message.as_bytes()


_GMAIL_FORWARD_TEXT = """Tolong dicatat sebagai aduan.

---------- Forwarded message ---------
From: Dewi Lestari <dewi.lestari@example.id>
Date: Mon, 3 Jun 2024 at 10:15
Subject: Pelayanan poli gigi
To: <kepala@puskesmas-sukamaju.go.id>


Poli gigi tutup tanpa pemberitahuan hari Sabtu kemarin.
Anak saya sudah izin sekolah untuk cabut gigi.
"""

_GMAIL_FORWARD_HTML = """<div dir="ltr">Tolong dicatat sebagai aduan.<br><br>
<div class="gmail_quote"><div dir="ltr" class="gmail_attr">
---------- Forwarded message ---------<br>
From: <strong class="gmail_sendername" dir="auto">Dewi Lestari</strong>
<span dir="auto">&lt;<a href="mailto:dewi.lestari@example.id">dewi.lestari@example.id</a>&gt;
</span><br>
Date: Mon, 3 Jun 2024 at 10:15<br>Subject: Pelayanan poli gigi<br>
To: &lt;<a href="mailto:kepala@puskesmas-sukamaju.go.id">kepala@puskesmas-sukamaju.go.id</a>&gt;<br>
</div><br><br><div dir="ltr">Poli gigi tutup tanpa pemberitahuan hari Sabtu kemarin.<br>
Anak saya sudah izin sekolah untuk cabut gigi.</div></div></div>
"""


def _gmail_inline_forward() -> bytes:
    return make_mail(
        subject="Fwd: Pelayanan poli gigi",
        sender=STAFF,
        body=_GMAIL_FORWARD_TEXT,
        html=_GMAIL_FORWARD_HTML,
    )


_INDONESIAN_GMAIL_FORWARD = """---------- Pesan terusan ---------
Dari: Agus Salim <agus.salim@example.id>
Tanggal: Sen, 3 Jun 2024 pukul 08.40
Subjek: Bidan desa jarang datang
Kepada: <kepala@puskesmas-sukamaju.go.id>


Bidan desa di Dusun Krajan jarang datang ke posyandu.
Ibu hamil harus ke puskesmas sendiri.
"""

_OUTLOOK_FORWARD = """Mohon ditindaklanjuti.

-----Original Message-----
From: Yanti Kusuma [mailto:yanti.kusuma@example.id]
Sent: Monday, June 3, 2024 7:02 AM
To: Kepala Puskesmas
Subject: Ambulans terlambat

Ambulans baru datang dua jam setelah kami telepon.
"""


def _out_of_office(
    headers: Iterable[tuple[str, str]] = (),
    *,
    sender: str = "Dr. Hendra Gunawan <hendra.gunawan@example.id>",
) -> bytes:
    return make_mail(
        subject="Re: Antrian loket BPJS terlalu lama",
        sender=sender,
        body="Saya sedang cuti sampai 10 Juni 2024. Untuk keperluan mendesak hubungi TU.\n",
        extra_headers=headers,
    )


def _delivery_report(
    report_type: str,
    *,
    container: str = "multipart/report",
    sender: str = "Mail Delivery System <daemon@mx.example.id>",
    return_path: str = "<bounces@mx.example.id>",
) -> bytes:
    report_params = f"; report-type={report_type}" if container == "multipart/report" else ""
    return _lines(
        f"Return-Path: {return_path}\nFrom: {sender}\nTo: {PUSKESMAS}\n"
        f"Subject: Undelivered Mail Returned to Sender\nDate: {DATE}\n"
        f"Message-ID: <laporan-{report_type}@mx.example.id>\nMIME-Version: 1.0\n"
        f'Content-Type: {container}{report_params}; boundary="LAPORAN"\n\n'
        "--LAPORAN\nContent-Type: text/plain; charset=us-ascii\n\n"
        "Pesan Anda tidak dapat dikirim ke penerima.\n\n"
        f"--LAPORAN\nContent-Type: message/{report_type}\n\n"
        "Reporting-MTA: dns; mx.example.id\n\n"
        "Final-Recipient: rfc822; pasien@example.id\nAction: failed\nStatus: 5.1.1\n\n"
        "--LAPORAN\nContent-Type: message/rfc822\n\n"
        f"From: {PUSKESMAS}\nTo: pasien@example.id\nSubject: Tanggapan aduan\n\n"
        "Terima kasih, aduan Anda sudah kami terima.\n\n"
        "--LAPORAN--\n",
    )
