from __future__ import annotations

import base64
import hashlib
import logging
from datetime import UTC, datetime

import pytest

from aduan.parsers import mail as mail_module
from aduan.parsers.mail import Mail, MailParseError, parse_mail
from tests.mailcorpus import (
    AWKWARD_SNIPPETS,
    BIG_BODY_LINES,
    COMPLAINT_MEDICINE,
    PDF_BYTES,
    STAFF,
    autoreply_mails,
    awkward_mails,
    big_body,
    make_mail,
    png_bytes,
    unparseable_mails,
)

AWKWARD = awkward_mails()
AUTO = autoreply_mails()
UNPARSEABLE = unparseable_mails()


def raw(text: str, body: bytes = b"") -> bytes:
    """Hand-written mail: `text` (headers and maybe body) with CRLF, then raw body bytes."""
    return text.replace("\n", "\r\n").encode() + body


def simple(headers: str, body: str = "Antrian di loket BPJS lama sekali.\n") -> Mail:
    return parse_mail(raw(f"{headers}\n\n{body}"))


# --- the corpus -------------------------------------------------------------------------


def test_every_awkward_case_has_an_expected_snippet() -> None:
    assert set(AWKWARD) == set(AWKWARD_SNIPPETS)


@pytest.mark.parametrize("case", sorted(AWKWARD))
def test_awkward_mail_parses_with_its_content(case: str) -> None:
    mail = parse_mail(AWKWARD[case])
    assert AWKWARD_SNIPPETS[case] in f"{mail.subject}\n{mail.text}"
    assert mail.auto is None
    assert "\ufffd" not in mail.text


@pytest.mark.parametrize("case", sorted(AUTO))
def test_auto_mail_gets_the_kind_its_name_says(case: str) -> None:
    assert parse_mail(AUTO[case]).auto == case.partition("-")[0]


@pytest.mark.parametrize("case", sorted(UNPARSEABLE))
def test_unparseable_input_raises(case: str) -> None:
    with pytest.raises(MailParseError):
        parse_mail(UNPARSEABLE[case])


# --- charsets -----------------------------------------------------------------------------


def test_iso_8859_1_text_decodes_accents() -> None:
    assert "menunggu di café depan" in parse_mail(AWKWARD["iso-8859-1"]).text


def test_cp1252_labelled_us_ascii_decodes_quotes() -> None:
    text = parse_mail(AWKWARD["cp1252-as-us-ascii"]).text
    assert "\u201cobat kosong\u201d \u2013 sudah" in text


def test_mislabelled_utf8_decodes_without_error() -> None:
    assert parse_mail(AWKWARD["cp1252-as-utf-8"]).text.startswith("Ngopi di café \u2013")


def test_unknown_charset_falls_back_to_utf8() -> None:
    assert "jauh dari café." in parse_mail(AWKWARD["unknown-charset"]).text


def test_bytes_no_charset_knows_still_decode() -> None:
    # 0x81 and 0x8d are undefined in cp1252 and invalid in UTF-8: latin-1 takes them.
    mail = simple("Subject: Tes\nContent-Type: text/plain; charset=utf-8", "x\x81y\x8dz")
    assert mail.text == "x\x81y\x8dz"


def test_codec_yielding_lone_surrogates_is_not_trusted() -> None:
    mail = parse_mail(
        raw('Subject: Tes\nContent-Type: text/plain; charset="unicode_escape"\n\n\\ud800 ok'),
    )
    mail.text.encode("utf-8")
    assert mail.text.endswith("ok")


def test_raw_8bit_sender_name_is_decoded() -> None:
    mail = parse_mail(raw("Subject: Tes\nFrom: ") + b"Ren\xe9 <rene@example.id>\r\n\r\nIsi\r\n")
    assert mail.sender_name == "René"


# --- body text ----------------------------------------------------------------------------


def test_line_endings_are_normalised_and_trailing_whitespace_stripped() -> None:
    mail = parse_mail(raw("Subject: Tes\n\n") + b"  \r\nbaris satu   \r\nbaris dua\t\rtiga\r\n\r\n")
    assert mail.text == "baris satu\nbaris dua\ntiga"


def test_plain_text_is_preferred_over_html() -> None:
    mail = parse_mail(make_mail(body="Versi teks.\n", html="<p>Versi <b>HTML</b>.</p>"))
    assert mail.text == "Versi teks."


def test_html_only_mail_becomes_text_without_markup() -> None:
    text = parse_mail(AWKWARD["html-only"]).text
    assert "<" not in text
    assert "&amp;" not in text
    assert "&nbsp;" not in text
    assert "tracker" not in text  # <script>
    assert "color" not in text  # <style>
    assert text.startswith("Ruang tunggu & toilet kotor, café di depan malah lebih bersih.")
    assert "Sampah menumpuk di dekat poli umum." in text


def test_empty_plain_alternative_falls_back_to_html() -> None:
    mail = parse_mail(make_mail(body="\n", html="<p>Hanya di HTML</p>"))
    assert mail.text == "Hanya di HTML"


def test_several_plain_parts_are_joined() -> None:
    mail = parse_mail(
        raw(
            'Subject: Tes\nContent-Type: multipart/mixed; boundary="B"\n\n'
            "--B\nContent-Type: text/plain\n\nBagian satu\n"
            "--B\nContent-Type: text/plain\n\nBagian dua\n--B--\n",
        ),
    )
    assert mail.text == "Bagian satu\n\nBagian dua"


def test_text_attachment_is_an_attachment_not_body() -> None:
    note = [("catatan.txt", "text/plain", b"rahasia")]
    mail = parse_mail(make_mail(body="Lihat lampiran.\n", attachments=note))
    assert mail.text == "Lihat lampiran."
    assert [(a.filename, a.data) for a in mail.attachments] == [("catatan.txt", b"rahasia")]


def test_one_megabyte_body_comes_through_whole() -> None:
    text = parse_mail(AWKWARD["one-megabyte-body"]).text
    assert len(text) > 1_000_000
    assert text == big_body().strip()
    assert text.count("\n") == BIG_BODY_LINES - 1


def test_base64_text_part_is_decoded() -> None:
    text = parse_mail(AWKWARD["base64-text"]).text
    assert text == "Petugas pendaftaran membentak pasien lansia."


def test_quoted_printable_soft_breaks_are_joined() -> None:
    text = parse_mail(AWKWARD["quoted-printable-text"]).text
    assert "\n" not in text
    assert "pasien harus menunggu lebih dari satu jam" in text
    assert "RS café..." in text


def test_multipart_without_boundary_is_read_as_text() -> None:
    mail = simple("Subject: Tes\nContent-Type: multipart/alternative;", "Isi tetap terbaca\n")
    assert mail.text == "Isi tetap terbaca"
    assert mail.attachments == ()


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "subject", "name"),
    [
        ("encoded-utf8-b", "Keluhan ruang tunggu \u2014 AC mati", "Siti Nur\u2019aini"),
        ("encoded-utf8-q", "Antrian apotek \u2014 lama sekali", "Ni Luh Putu Ayu Dewi"),
        ("encoded-iso-8859-1", "Kantin café puskesmas mahal", "André Wijaya"),
    ],
)
def test_encoded_word_subject_and_sender_name_are_decoded(
    case: str,
    subject: str,
    name: str,
) -> None:
    mail = parse_mail(AWKWARD[case])
    assert (mail.subject, mail.sender_name) == (subject, name)


def test_folded_subject_whitespace_is_collapsed() -> None:
    assert simple("Subject: Antrian\n   loket\tBPJS  ").subject == "Antrian loket BPJS"


def test_missing_subject_is_empty_string() -> None:
    assert simple("From: budi@example.id").subject == ""


def test_reply_to_wins_over_from() -> None:
    mail = simple(
        "Subject: Tes\nFrom: Kantor <kantor@example.id>\nReply-To: Budi Santoso <Budi@Example.ID>",
    )
    assert (mail.sender_name, mail.sender_address) == ("Budi Santoso", "budi@example.id")


def test_sender_address_is_lower_cased() -> None:
    assert simple("Subject: Tes\nFrom: Siti@Example.ID").sender_address == "siti@example.id"


def test_sender_without_display_name_has_no_name() -> None:
    assert simple("Subject: Tes\nFrom: siti@example.id").sender_name is None


@pytest.mark.parametrize("header", ["", "From: bukan alamat\n", "From: <>\n"])
def test_missing_or_unparseable_sender_is_none(header: str) -> None:
    mail = simple(f"{header}Subject: Tes")
    assert (mail.sender_name, mail.sender_address) == (None, None)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("<abc.123@example.id>", "<abc.123@example.id>"),
        ("  <abc.123@example.id>  ", "<abc.123@example.id>"),
        ("<abc.123@example.id> (Postfix)", "<abc.123@example.id>"),
        ("abc.123@example.id", "<abc.123@example.id>"),
        ("tanpa-domain", "tanpa-domain"),
    ],
)
def test_message_id_is_kept_with_angle_brackets(written: str, expected: str) -> None:
    assert simple(f"Subject: Tes\nMessage-ID: {written}").message_id == expected


@pytest.mark.parametrize("header", ["", "Message-ID:\n", "Message-ID:    \n"])
def test_missing_or_empty_message_id_is_none(header: str) -> None:
    assert simple(f"{header}Subject: Tes").message_id is None


def test_date_is_aware() -> None:
    date = parse_mail(make_mail()).date
    assert date == datetime(2024, 6, 3, 2, 15, tzinfo=UTC)
    assert date is not None and date.utcoffset() is not None


@pytest.mark.parametrize("header", ["", "Date: kemarin sore\n", "Date: 31 Feb 2024 10:00 +0700\n"])
def test_missing_or_garbled_date_is_none(header: str) -> None:
    assert simple(f"{header}Subject: Tes").date is None


def test_in_reply_to_and_references_are_tuples_of_ids() -> None:
    mail = simple(
        "Subject: Re: Tes\nIn-Reply-To: <a@x.id>\n"
        "References: <root@x.id>\n <a@x.id>\n\t<a@x.id> sampah",
    )
    assert mail.in_reply_to == ("<a@x.id>",)
    assert mail.references == ("<root@x.id>", "<a@x.id>")


def test_missing_thread_headers_give_empty_tuples() -> None:
    mail = simple("Subject: Tes")
    assert (mail.in_reply_to, mail.references) == ((), ())


# --- auto mails ---------------------------------------------------------------------------


def test_ordinary_complaint_is_not_auto() -> None:
    assert parse_mail(make_mail()).auto is None


def test_list_mail_is_autoreply() -> None:
    mail = parse_mail(make_mail(extra_headers={"List-Id": "<pengumuman.dinkes.example.id>"}))
    assert mail.auto == "autoreply"


def test_auto_submitted_no_is_not_autoreply() -> None:
    assert parse_mail(make_mail(extra_headers={"Auto-Submitted": "no"})).auto is None


def test_suppress_header_without_autoreply_values_is_not_autoreply() -> None:
    mail = parse_mail(make_mail(extra_headers={"X-Auto-Response-Suppress": "DR, RN, NRN"}))
    assert mail.auto is None


def test_null_return_path_alone_is_autoreply() -> None:
    assert parse_mail(AUTO["autoreply-null-return-path"]).auto == "autoreply"


def test_null_return_path_with_report_part_is_bounce() -> None:
    assert parse_mail(AUTO["bounce-null-return-path-with-report"]).auto == "bounce"


def test_bounce_keeps_its_own_sender_and_is_not_unwrapped() -> None:
    mail = parse_mail(AUTO["bounce-delivery-status"])
    assert mail.sender_address == "daemon@mx.example.id"
    assert mail.forwarded_by is None
    assert mail.subject == "Undelivered Mail Returned to Sender"
    assert "aduan Anda sudah kami terima" not in mail.text


# --- forwards -----------------------------------------------------------------------------


def test_rfc822_forward_uses_the_enclosed_complaint() -> None:
    outer = parse_mail(AWKWARD["forwarded-rfc822"])
    assert outer.subject == "Keluhan obat kosong"
    assert outer.text == COMPLAINT_MEDICINE.strip()
    assert (outer.sender_name, outer.sender_address) == ("Budi Santoso", "budi.santoso@example.id")
    assert outer.forwarded_by == "tu@puskesmas-sukamaju.go.id"
    assert outer.date == datetime(2024, 5, 31, 13, 5, tzinfo=UTC)


def test_rfc822_forward_keeps_the_outer_message_id() -> None:
    mail = parse_mail(AWKWARD["forwarded-rfc822"])
    assert mail.message_id is not None
    assert mail.message_id.endswith("@puskesmas-sukamaju.go.id>")


def test_rfc822_forward_counts_enclosed_attachments_but_not_the_message() -> None:
    mail = parse_mail(AWKWARD["forwarded-rfc822"])
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("foto-resep.png", "image/png"),
    ]
    assert mail.attachments[0].data == png_bytes()


def test_rfc822_forward_text_is_not_duplicated() -> None:
    mail = parse_mail(AWKWARD["forwarded-rfc822"])
    assert mail.text.count("amlodipin") == 1
    assert "Mohon ditindaklanjuti" not in mail.text


def test_rfc822_under_a_long_text_is_not_a_forward() -> None:
    long_text = "Saya juga ingin menambahkan keluhan sendiri. " * 15
    enclosed = make_mail(sender="budi@example.id", body="Isi lampiran.\n")
    mail = parse_mail(
        raw(
            f"From: {STAFF}\nSubject: Dua keluhan\n"
            'Content-Type: multipart/mixed; boundary="B"\n\n'
            f"--B\nContent-Type: text/plain\n\n{long_text}\n"
            "--B\nContent-Type: message/rfc822\n\n",
            enclosed + b"\r\n--B--\r\n",
        ),
    )
    assert mail.sender_address == "tu@puskesmas-sukamaju.go.id"
    assert mail.forwarded_by is None
    assert mail.text == long_text.strip()


def test_broken_enclosed_message_leaves_the_outer_mail() -> None:
    # A multipart with no parts at all trips mail-parser (AttributeError on the epilogue).
    mail = parse_mail(
        raw(
            f"From: {STAFF}\nSubject: Fwd: Rusak\n"
            'Content-Type: multipart/mixed; boundary="A"\n\n'
            "--A\nContent-Type: text/plain\n\nCatatan staf\n"
            "--A\nContent-Type: message/rfc822\n\n"
            'From: budi@example.id\nContent-Type: multipart/mixed; boundary="B"\n\n--B--\n'
            "--A--\n",
        ),
    )
    assert (mail.text, mail.forwarded_by) == ("Catatan staf", None)


def test_inline_gmail_forward_uses_inner_sender() -> None:
    mail = parse_mail(AWKWARD["gmail-inline-forward"])
    assert (mail.sender_name, mail.sender_address) == ("Dewi Lestari", "dewi.lestari@example.id")
    assert mail.forwarded_by == "tu@puskesmas-sukamaju.go.id"
    assert mail.subject == "Pelayanan poli gigi"
    assert mail.text == (
        "Poli gigi tutup tanpa pemberitahuan hari Sabtu kemarin.\n"
        "Anak saya sudah izin sekolah untuk cabut gigi."
    )


def test_inline_gmail_forward_in_html_uses_inner_sender() -> None:
    html_only = make_mail(
        subject="Fwd: Poli gigi",
        sender=STAFF,
        body="",
        html=(
            '<div dir="ltr">Tolong dicatat.<br><br><div class="gmail_quote">'
            '<div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>'
            "From: <strong>Dewi Lestari</strong> <span>&lt;"
            '<a href="mailto:dewi.lestari@example.id">dewi.lestari@example.id</a>&gt;</span><br>'
            "Date: Mon, 3 Jun 2024 at 10:15<br>Subject: Poli gigi tutup<br></div><br><br>"
            '<div dir="ltr">Poli gigi tutup hari Sabtu.</div></div></div>'
        ),
    )
    mail = parse_mail(html_only)
    assert (mail.sender_address, mail.subject, mail.text) == (
        "dewi.lestari@example.id",
        "Poli gigi tutup",
        "Poli gigi tutup hari Sabtu.",
    )


def test_inline_indonesian_forward_uses_inner_sender() -> None:
    mail = parse_mail(AWKWARD["gmail-inline-forward-id"])
    assert (mail.sender_name, mail.sender_address) == ("Agus Salim", "agus.salim@example.id")
    assert mail.subject == "Bidan desa jarang datang"
    assert mail.text.startswith("Bidan desa di Dusun Krajan")
    # "Sen, 3 Jun 2024 pukul 08.40" has no zone: the outer Date stays.
    assert mail.date == datetime(2024, 6, 3, 2, 15, tzinfo=UTC)


def test_inline_outlook_forward_reads_the_mailto_address() -> None:
    mail = parse_mail(AWKWARD["outlook-inline-forward"])
    assert (mail.sender_name, mail.sender_address) == ("Yanti Kusuma", "yanti.kusuma@example.id")
    assert mail.text == "Ambulans baru datang dua jam setelah kami telepon."


def test_outlook_quote_under_a_reply_is_not_a_forward() -> None:
    body = (
        "Terima kasih, sudah saya terima.\n\n-----Original Message-----\n"
        "From: Puskesmas <aduan@puskesmas-sukamaju.go.id>\nSubject: Aduan\n\nAduan diterima.\n"
    )
    mail = parse_mail(make_mail(subject="RE: Aduan", body=body))
    assert mail.sender_address == "siti.rahmawati@example.id"
    assert mail.forwarded_by is None


def test_inline_forward_under_a_long_text_is_not_unwrapped() -> None:
    body = "Keluhan saya sendiri panjang. " * 20 + "\n\n" + _gmail_block()
    mail = parse_mail(make_mail(subject="Fwd: Poli gigi", body=body))
    assert (mail.sender_address, mail.forwarded_by) == ("siti.rahmawati@example.id", None)


def test_inline_forward_with_zoned_date_takes_that_date() -> None:
    body = _gmail_block(date="Sun, 2 Jun 2024 21:30:00 +0700")
    mail = parse_mail(make_mail(subject="Fwd: Poli gigi", sender=STAFF, body=body))
    assert mail.date == datetime(2024, 6, 2, 14, 30, tzinfo=UTC)


def test_inline_forward_without_an_address_is_not_unwrapped() -> None:
    body = _gmail_block(sender="Dewi Lestari")
    mail = parse_mail(make_mail(subject="Fwd: Poli gigi", sender=STAFF, body=body))
    assert mail.forwarded_by is None
    assert "From: Dewi Lestari" in mail.text


def test_forward_prefixes_are_stripped_from_the_subject() -> None:
    body = _gmail_block(subject=None)
    mail = parse_mail(make_mail(subject="Fwd: FW: Tr: Poli gigi tutup", sender=STAFF, body=body))
    assert mail.subject == "Poli gigi tutup"


def test_forward_of_a_forward_reaches_the_original_writer() -> None:
    inner = _gmail_block(sender="Kepala <kepala@puskesmas-sukamaju.go.id>", text=_gmail_block())
    mail = parse_mail(make_mail(subject="Fwd: Fwd: Poli gigi", sender=STAFF, body=inner))
    assert mail.sender_address == "dewi.lestari@example.id"
    assert mail.forwarded_by == "tu@puskesmas-sukamaju.go.id"
    assert mail.text == "Poli gigi tutup hari Sabtu."


def _gmail_block(
    *,
    sender: str = "Dewi Lestari <dewi.lestari@example.id>",
    date: str = "Mon, 3 Jun 2024 at 10:15",
    subject: str | None = "Poli gigi tutup",
    text: str = "Poli gigi tutup hari Sabtu.\n",
) -> str:
    subject_line = f"Subject: {subject}\n" if subject is not None else ""
    return (
        f"---------- Forwarded message ---------\nFrom: {sender}\nDate: {date}\n"
        f"{subject_line}To: <kepala@puskesmas-sukamaju.go.id>\n\n\n{text}"
    )


# --- attachments --------------------------------------------------------------------------


def test_image_and_pdf_attachments_are_decoded() -> None:
    mail = parse_mail(AWKWARD["image-and-pdf"])
    assert [(a.filename, a.content_type, a.data) for a in mail.attachments] == [
        ("foto-antrian.png", "image/png", png_bytes()),
        ("rujukan.pdf", "application/pdf", PDF_BYTES),
    ]


def test_nameless_inline_image_gets_a_generated_name() -> None:
    mail = parse_mail(AWKWARD["nested-multipart"])
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("lampiran-1.png", "image/png"),
        ("surat-rujukan.pdf", "application/pdf"),
    ]


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ('attachment; filename="=?utf-8?B?a2FydHUgw6kucGRm?="', "kartu é.pdf"),
        ("attachment; filename*=utf-8''kartu%20%C3%A9.pdf", "kartu é.pdf"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="C:\\\\Dokumen\\\\rujukan.pdf"', "rujukan.pdf"),
        ('attachment; filename=".."', "lampiran-1.pdf"),
        ("attachment", "lampiran-1.pdf"),
    ],
)
def test_attachment_filename_is_decoded_and_safe(disposition: str, expected: str) -> None:
    pdf = base64.b64encode(PDF_BYTES).decode()
    mail = parse_mail(
        raw(
            'Subject: Tes\nContent-Type: multipart/mixed; boundary="B"\n\n'
            "--B\nContent-Type: text/plain\n\nTerlampir.\n"
            f"--B\nContent-Type: application/pdf\nContent-Disposition: {disposition}\n"
            f"Content-Transfer-Encoding: base64\n\n{pdf}\n--B--\n",
        ),
    )
    assert [a.filename for a in mail.attachments] == [expected]


def test_empty_attachment_is_skipped() -> None:
    mail = parse_mail(make_mail(attachments=[("kosong.pdf", "application/pdf", b"")]))
    assert mail.attachments == ()


def test_attachment_alone_is_enough_to_register() -> None:
    attachment = [("foto.png", "image/png", png_bytes())]
    mail = parse_mail(make_mail(subject="", body="", attachments=attachment))
    assert [a.filename for a in mail.attachments] == ["foto.png"]


# --- fingerprint --------------------------------------------------------------------------


def _delivered(*, relay: str, body: str = "Isi sama.\n") -> bytes:
    transport = [
        ("Received", f"from {relay} by mx.puskesmas-sukamaju.go.id; {relay}"),
        ("Received", f"from client.{relay} by {relay}"),
        ("Delivered-To", f"{relay}@puskesmas-sukamaju.go.id"),
        ("Return-Path", f"<bounce-{relay}@example.id>"),
        ("X-Original-To", f"{relay}@puskesmas-sukamaju.go.id"),
        ("DKIM-Signature", f"v=1; a=rsa-sha256; d=example.id; b={relay}"),
        ("X-Spam-Status", f"No, score={len(relay)}"),
    ]
    return make_mail(message_id="<sama-1@example.id>", body=body, extra_headers=transport)


def test_fingerprint_is_sha256_hex() -> None:
    fingerprint = parse_mail(make_mail()).fingerprint
    assert len(fingerprint) == len(hashlib.sha256().hexdigest())
    int(fingerprint, 16)


def test_fingerprint_ignores_received_headers() -> None:
    first = parse_mail(_delivered(relay="relay-a"))
    again = parse_mail(_delivered(relay="relay-bb"))
    assert first.fingerprint == again.fingerprint


def test_fingerprint_changes_with_the_body() -> None:
    first = parse_mail(_delivered(relay="relay-a"))
    other = parse_mail(_delivered(relay="relay-a", body="Isi berbeda.\n"))
    assert first.fingerprint != other.fingerprint


def test_fingerprint_changes_with_an_attachment() -> None:
    def with_attachment(data: bytes) -> str:
        mail = make_mail(message_id="<sama-2@example.id>", attachments=[("a.pdf", "x/y", data)])
        return parse_mail(mail).fingerprint

    assert with_attachment(b"%PDF-1") != with_attachment(b"%PDF-2")


# --- errors -------------------------------------------------------------------------------


def test_empty_input_says_so() -> None:
    with pytest.raises(MailParseError, match="empty input"):
        parse_mail(b"")


def test_binary_input_is_not_a_mail() -> None:
    with pytest.raises(MailParseError, match="header line"):
        parse_mail(UNPARSEABLE["random-binary"])


def test_mail_with_nothing_to_register_is_an_empty_message() -> None:
    with pytest.raises(MailParseError, match="empty message") as caught:
        parse_mail(UNPARSEABLE["no-subject-no-body-no-attachment"])
    assert "siti" not in str(caught.value).lower()


def test_mailparser_crash_becomes_mail_parse_error_without_its_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(data: bytes) -> None:
        raise RuntimeError("siti.rahmawati@example.id")

    monkeypatch.setattr(mail_module.email, "message_from_bytes", explode)
    with pytest.raises(MailParseError) as caught:
        parse_mail(make_mail())
    assert str(caught.value) == "mail-parser failed: RuntimeError"
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_mbox_envelope_line_is_accepted() -> None:
    mail = parse_mail(b"From siti@example.id Mon Jun  3 09:15:00 2024\r\n" + make_mail())
    assert mail.sender_address == "siti.rahmawati@example.id"


def test_leading_blank_lines_are_tolerated() -> None:
    assert parse_mail(b"\r\n\r\n" + make_mail()).subject == "Antrian loket BPJS terlalu lama"


def test_mailparser_noise_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    # A nameless, id-less image makes mail-parser warn "Email content 'png' not handled".
    caplog.set_level(logging.DEBUG)
    parse_mail(
        raw(
            'Subject: Tes\nContent-Type: multipart/mixed; boundary="B"\n\n'
            "--B\nContent-Type: text/plain\n\nFoto:\n"
            "--B\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n"
            f"{base64.b64encode(png_bytes()).decode()}\n--B--\n",
        ),
    )
    assert not [record for record in caplog.records if record.name.startswith("mailparser")]


# --- bounces: which of our mails they report ----------------------------------------------

ESCALATION_ID = "<eskalasi.ADU-2026-11-0001.1@puskesmas.example>"
ACKNOWLEDGEMENT_ID = "<terima.ADU-2026-11-0001.1@puskesmas.example>"
COMPLAINT_ID = "<CAKx9f=siti.rahmawati@mail.gmail.com>"

OUR_ESCALATION = f"""Return-Path: <pengaduan@puskesmas.example>
Received: from aduan.puskesmas.example (localhost [127.0.0.1])
\tby mx.puskesmas.example (Postfix) with ESMTP id 4XyZ1a2b3c; Mon, 23 Nov 2026 08:20:00 +0700
Message-ID: {ESCALATION_ID}
Date: Mon, 23 Nov 2026 08:20:00 +0700
From: Pengaduan Puskesmas Contoh <pengaduan@puskesmas.example>
To: mutu@dinkes.example
Subject: [ADU-2026-11-0001] Aduan baru: pendaftaran
Auto-Submitted: auto-generated
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Aduan baru ADU-2026-11-0001 menunggu tindak lanjut tim mutu.
"""

POSTFIX_NOTICE = """This is the mail system at host mx.puskesmas.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<mutu@dinkes.example>: host mx.dinkes.example[203.0.113.7] said: 550 5.1.1
    <mutu@dinkes.example>: Recipient address rejected: User unknown (in reply
    to RCPT TO command)
"""


def postfix_bounce(returned_type: str, returned: str, *, action: str = "failed") -> bytes:
    """A Postfix non-delivery report; `returned` is the body of its third part."""
    boundary = "4XyZ1a2b3c.1795400401/mx.puskesmas.example"
    return raw(
        f"""Return-Path: <>
Received: by mx.puskesmas.example (Postfix) id 4XyZ1a2b3c; Mon, 23 Nov 2026 08:20:01 +0700
Date: Mon, 23 Nov 2026 08:20:01 +0700
From: MAILER-DAEMON@mx.puskesmas.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: pengaduan@puskesmas.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{boundary}"
Content-Transfer-Encoding: 8bit
Message-Id: <20261123012001.4XyZ1a2b3c@mx.puskesmas.example>

This is a MIME-encapsulated message.

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=utf-8

{POSTFIX_NOTICE}
--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.puskesmas.example
X-Postfix-Queue-ID: 4XyZ1a2b3c
X-Postfix-Sender: rfc822; pengaduan@puskesmas.example
Arrival-Date: Mon, 23 Nov 2026 08:20:00 +0700

Final-Recipient: rfc822; mutu@dinkes.example
Original-Recipient: rfc822;mutu@dinkes.example
Action: {action}
Status: 5.1.1
Remote-MTA: dns; mx.dinkes.example
Diagnostic-Code: smtp; 550 5.1.1 <mutu@dinkes.example>: Recipient address
    rejected: User unknown

--{boundary}
Content-Description: Undelivered Message
Content-Type: {returned_type}

{returned}
--{boundary}--
""",
    )


def gmail_bounce(*, returned: bool = True, thread_headers: str | None = None) -> bytes:
    """Gmail's non-delivery report: HTML and icons first, the status, then our mail."""
    if thread_headers is None:
        # Gmail copies the whole chain: the complaint we answered, then our acknowledgement.
        thread_headers = (
            f"References: {COMPLAINT_ID}\n {ACKNOWLEDGEMENT_ID}\n"
            f"In-Reply-To: {ACKNOWLEDGEMENT_ID}\n"
        )
    original_id = (
        f"X-Original-Message-ID: {ACKNOWLEDGEMENT_ID}\n" if returned else "Arrival-Date: x\n"
    )
    returned_part = (
        "--00000000000032ff9a063a99824d\nContent-Type: message/rfc822\n\n"
        f"Message-ID: {ACKNOWLEDGEMENT_ID}\nFrom: pengaduan@puskesmas.example\n"
        "To: siti.rahmawati@gmail.com\nSubject: [ADU-2026-11-0001] Aduan Anda sudah kami terima\n"
        f"In-Reply-To: {COMPLAINT_ID}\nReferences: {COMPLAINT_ID}\n\n"
        "Terima kasih, aduan Anda tercatat sebagai ADU-2026-11-0001.\n\n"
        if returned
        else ""
    )
    return raw(
        f"""Return-Path: <>
Content-Type: multipart/report; boundary="00000000000032ff9a063a99824d"; report-type=delivery-status
To: pengaduan@puskesmas.example
Auto-Submitted: auto-replied
Message-ID: <6880f151.050a0220.3414c9.27f3.GMR@mx.google.com>
Date: Mon, 23 Nov 2026 01:27:29 -0800 (PST)
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
Subject: Delivery Status Notification (Failure)
{thread_headers}X-Failed-Recipients: siti.rahmawati@gmail.com

--00000000000032ff9a063a99824d
Content-Type: multipart/related; boundary="00000000000033222b063a998286"

--00000000000033222b063a998286
Content-Type: multipart/alternative; boundary="000000000000332237063a998287"

--000000000000332237063a998287
Content-Type: text/plain; charset="UTF-8"

** Address not found **

Your message wasn't delivered to siti.rahmawati@gmail.com because the address couldn't be found.

--000000000000332237063a998287
Content-Type: text/html; charset="UTF-8"

<html><body><h2>Address not found</h2></body></html>

--000000000000332237063a998287--
--00000000000033222b063a998286
Content-Type: image/png; name="icon.png"
Content-Disposition: attachment; filename="icon.png"
Content-Transfer-Encoding: base64
Content-ID: <icon.png>

{base64.b64encode(png_bytes()).decode()}
--00000000000033222b063a998286--
--00000000000032ff9a063a99824d
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; pengaduan@puskesmas.example
Arrival-Date: Mon, 23 Nov 2026 01:27:26 -0800 (PST)
{original_id}
Final-Recipient: rfc822; siti.rahmawati@gmail.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.

{returned_part}--00000000000032ff9a063a99824d--
""",
    )


QMAIL_BOUNCE = f"""Return-Path: <>
Date: 23 Nov 2026 01:20:05 -0000
From: MAILER-DAEMON@mail.pasien.example
To: pengaduan@puskesmas.example
Subject: failure notice

Hi. This is the qmail-send program at mail.pasien.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<siti@pasien.example>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <pengaduan@puskesmas.example>
Received: (qmail 12345 invoked from network); 23 Nov 2026 01:20:04 -0000
Message-ID: {ACKNOWLEDGEMENT_ID}
From: Pengaduan Puskesmas Contoh <pengaduan@puskesmas.example>
To: siti@pasien.example
In-Reply-To: {COMPLAINT_ID}
Subject: [ADU-2026-11-0001] Aduan Anda sudah kami terima

Terima kasih, aduan Anda tercatat sebagai ADU-2026-11-0001.
"""

EXIM_BOUNCE = f"""From: Mail Delivery System <Mailer-Daemon@mail.pasien.example>
To: pengaduan@puskesmas.example
Subject: Mail delivery failed: returning message to sender
Auto-Submitted: auto-replied
X-Failed-Recipients: siti@pasien.example

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  siti@pasien.example
    Unrouteable address

------ This is a copy of the message, including all the headers. ------

Return-path: <pengaduan@puskesmas.example>
Message-Id:
 {ACKNOWLEDGEMENT_ID}
Subject: [ADU-2026-11-0001] Aduan Anda sudah kami terima
"""


def test_postfix_bounce_reports_the_returned_mail() -> None:
    mail = parse_mail(postfix_bounce("message/rfc822", OUR_ESCALATION))
    assert mail.auto == "bounce"
    assert mail.reported_ids == (ESCALATION_ID,)


def test_bounce_with_returned_headers_only_reports_their_message_id() -> None:
    headers = OUR_ESCALATION.partition("\n\n")[0].replace(
        f"Message-ID: {ESCALATION_ID}",
        f"Message-ID:\n {ESCALATION_ID}",  # folded, as long ids are
    )
    mail = parse_mail(postfix_bounce("text/rfc822-headers", headers))
    assert mail.reported_ids == (ESCALATION_ID,)


def test_base64_returned_mail_is_decoded_for_its_message_id() -> None:
    encoded = base64.encodebytes(OUR_ESCALATION.replace("\n", "\r\n").encode()).decode()
    mail = parse_mail(
        postfix_bounce("message/rfc822\nContent-Transfer-Encoding: base64", encoded),
    )
    assert mail.reported_ids == (ESCALATION_ID,)


def test_mail_attached_to_the_returned_mail_is_not_reported() -> None:
    # Our escalation carries the complaint as message/rfc822; only the escalation bounced.
    boundary = "lampiran-aduan"
    escalation = (
        OUR_ESCALATION.partition("Content-Type:")[0]
        + f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
        f"--{boundary}\nContent-Type: text/plain\n\nAduan baru terlampir.\n"
        f"--{boundary}\nContent-Type: message/rfc822\n\n"
        f"Message-ID: {COMPLAINT_ID}\nFrom: siti.rahmawati@gmail.com\nSubject: Antrian\n\n"
        f"Antrian lama.\n--{boundary}--\n"
    )
    assert parse_mail(postfix_bounce("message/rfc822", escalation)).reported_ids == (ESCALATION_ID,)


def test_gmail_bounce_reports_only_the_bounced_mail_not_its_ancestors() -> None:
    mail = parse_mail(gmail_bounce())
    assert mail.auto == "bounce"
    assert mail.reported_ids == (ACKNOWLEDGEMENT_ID,)


def test_bounce_without_returned_part_falls_back_to_in_reply_to() -> None:
    assert parse_mail(gmail_bounce(returned=False)).reported_ids == (ACKNOWLEDGEMENT_ID,)


def test_bounce_with_references_only_reports_the_last_reference() -> None:
    references = f"References: {COMPLAINT_ID}\n {ACKNOWLEDGEMENT_ID}\n"
    mail = parse_mail(gmail_bounce(returned=False, thread_headers=references))
    assert mail.reported_ids == (ACKNOWLEDGEMENT_ID,)


@pytest.mark.parametrize("bounce", [QMAIL_BOUNCE, EXIM_BOUNCE], ids=["qmail", "exim"])
def test_plain_text_bounce_reports_the_quoted_message_id(bounce: str) -> None:
    mail = parse_mail(raw(bounce))
    assert mail.auto == "bounce"
    assert mail.reported_ids == (ACKNOWLEDGEMENT_ID,)


def test_delay_notice_reports_nothing() -> None:
    # "delayed": the mail is still queued and may arrive; only "failed" is final.
    mail = parse_mail(postfix_bounce("message/rfc822", OUR_ESCALATION, action="delayed"))
    assert mail.auto == "bounce"
    assert mail.reported_ids == ()


def test_read_receipt_reports_nothing() -> None:
    mail = parse_mail(AUTO["bounce-disposition-notification"])
    assert mail.auto == "bounce"
    assert mail.reported_ids == ()


def test_bounce_without_any_message_id_reports_nothing() -> None:
    assert parse_mail(AUTO["bounce-delivery-status"]).reported_ids == ()


def test_reply_and_autoreply_report_nothing() -> None:
    thread = {"In-Reply-To": ESCALATION_ID, "References": ESCALATION_ID}
    assert parse_mail(make_mail(extra_headers=thread)).reported_ids == ()
    autoreply = {**thread, "Auto-Submitted": "auto-replied"}
    assert parse_mail(make_mail(extra_headers=autoreply)).reported_ids == ()


@pytest.mark.parametrize(
    ("returned_type", "returned"),
    [
        ("message/rfc822", ""),
        ("message/rfc822\nContent-Transfer-Encoding: base64", "!!! kein base64 ***"),
        ("text/rfc822-headers; charset=x-unknown", "Message-ID: \xff\xfe"),
        ("message/delivery-status\nContent-Transfer-Encoding: base64", "QWN0aW9uOiBmYWlsZWQ="),
        ("message/rfc822", "Message-ID: tanpa-kurung-sudut"),
    ],
)
def test_broken_returned_part_reports_nothing_and_does_not_raise(
    returned_type: str,
    returned: str,
) -> None:
    mail = parse_mail(postfix_bounce(returned_type, returned))
    assert mail.auto == "bounce"
    assert mail.reported_ids == ()
