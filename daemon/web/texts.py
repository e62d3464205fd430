"""Every word the console shows, Indonesian first, English available.

Templates call `_("key", name=value)`; kinds, units and channels are named by
`aduan.daemon.letters.label`, as in mail.
"""

from __future__ import annotations

from typing import Any

from aduan.daemon.letters import label

TEXTS: dict[str, dict[str, str]] = {
    # --- frame -------------------------------------------------------------------------
    "console": {"id": "Konsol Pengaduan", "en": "Complaint console"},
    "nav_dashboard": {"id": "Ringkasan", "en": "Overview"},
    "nav_register": {"id": "Register", "en": "Register"},
    "nav_new": {"id": "Catat aduan", "en": "New entry"},
    "nav_review": {"id": "Periksa slip", "en": "Review slips"},
    "nav_quarantine": {"id": "Karantina", "en": "Quarantine"},
    "nav_box": {"id": "Kotak saran", "en": "Suggestion box"},
    "nav_reports": {"id": "Laporan & papan", "en": "Reports & board"},
    "nav_users": {"id": "Pengguna", "en": "Users"},
    "nav_account": {"id": "Akun saya", "en": "My account"},
    "logout": {"id": "Keluar", "en": "Log out"},
    "logged_in_as": {"id": "Masuk sebagai {name} ({role})", "en": "Logged in as {name} ({role})"},
    "role_staf": {"id": "staf", "en": "staff"},
    "role_tim_mutu": {"id": "tim mutu", "en": "quality team"},
    "role_kepala": {"id": "kepala puskesmas", "en": "head"},
    "skip_to_content": {"id": "Langsung ke isi", "en": "Skip to content"},
    # --- login -------------------------------------------------------------------------
    "login_title": {"id": "Masuk", "en": "Log in"},
    "login_name": {"id": "Nama pengguna", "en": "User name"},
    "login_password": {"id": "Kata sandi", "en": "Password"},
    "login_button": {"id": "Masuk", "en": "Log in"},
    "login_failed": {"id": "Nama atau kata sandi salah.", "en": "Wrong name or password."},
    "login_wait": {
        "id": "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.",
        "en": "Too many failed logins. Try again in {minutes} minutes.",
    },
    "login_expired": {
        "id": "Sesi berakhir atau halaman terlalu lama dibuka. Silakan masuk lagi.",
        "en": "The session ended or the page was open too long. Please log in again.",
    },
    "login_hint": {
        "id": "Akun dibuat oleh admin dengan perintah aduan user add.",
        "en": "Accounts are made by the administrator with aduan user add.",
    },
    "logged_out": {"id": "Anda telah keluar.", "en": "You are logged out."},
    # --- errors ------------------------------------------------------------------------
    "error_403": {
        "id": "Anda tidak berwenang melakukan ini.",
        "en": "You are not allowed to do this.",
    },
    "error_403_role": {
        "id": "Peran {role} tidak berwenang untuk halaman atau tindakan ini.",
        "en": "The role {role} may not use this page or action.",
    },
    "error_csrf": {
        "id": "Formulir tidak sah atau kedaluwarsa (token keamanan tidak cocok). "
        "Muat ulang halaman dan coba lagi; tidak ada yang diubah.",
        "en": "The form is not valid or has expired (security token mismatch). "
        "Reload the page and try again; nothing was changed.",
    },
    "error_404": {"id": "Halaman atau entri tidak ditemukan.", "en": "Page or entry not found."},
    "error_405": {"id": "Cara akses ini tidak diizinkan.", "en": "Method not allowed."},
    "error_400": {"id": "Permintaan tidak dapat diproses: {why}", "en": "Bad request: {why}"},
    "error_500": {
        "id": "Terjadi kesalahan di server. Tidak ada yang diubah; coba lagi atau hubungi admin.",
        "en": "Something went wrong on the server. Nothing was changed; try again or ask "
        "the administrator.",
    },
    "error_title": {"id": "Tidak dapat dilanjutkan", "en": "Cannot continue"},
    "back_home": {"id": "Kembali ke ringkasan", "en": "Back to the overview"},
    # --- dashboard ---------------------------------------------------------------------
    "dash_title": {"id": "Ringkasan", "en": "Overview"},
    "dash_entries": {"id": "Entri di register", "en": "Entries in the register"},
    "dash_overdue": {"id": "Melewati tenggat", "en": "Overdue"},
    "dash_review": {"id": "Slip perlu diperiksa", "en": "Slips to review"},
    "dash_quarantine": {"id": "Di karantina", "en": "In quarantine"},
    "dash_outbox": {"id": "Surel menunggu / gagal", "en": "Mail waiting / failed"},
    "dash_auto": {
        "id": "Balasan otomatis / surel terpental",
        "en": "Auto-replies / bounces",
    },
    "dash_blank": {"id": "Halaman kosong dilewati", "en": "Blank pages skipped"},
    "dash_sources": {"id": "Sumber", "en": "Sources"},
    "dash_source": {"id": "Sumber", "en": "Source"},
    "dash_last_ok": {"id": "Terakhir berhasil", "en": "Last success"},
    "dash_pending": {"id": "Menunggu", "en": "Pending"},
    "dash_state": {"id": "Keadaan", "en": "State"},
    "dash_ok": {"id": "baik", "en": "ok"},
    "dash_failing": {"id": "GANGGUAN", "en": "FAILING"},
    "dash_no_sources": {
        "id": "Belum ada sumber yang diperiksa (apakah aduan run berjalan?).",
        "en": "No source polled yet (is aduan run running?).",
    },
    "dash_box": {"id": "Pembukaan kotak saran", "en": "Suggestion-box openings"},
    "dash_box_none": {
        "id": "Tidak ada pembukaan yang perlu dicocokkan.",
        "en": "No opening to reconcile.",
    },
    "never": {"id": "belum pernah", "en": "never"},
    "show": {"id": "Lihat", "en": "Show"},
    # --- register list -----------------------------------------------------------------
    "reg_title": {"id": "Register pengaduan", "en": "Complaint register"},
    "reg_status": {"id": "Status", "en": "Status"},
    "reg_channel": {"id": "Kanal", "en": "Channel"},
    "reg_kind": {"id": "Jenis", "en": "Kind"},
    "reg_unit": {"id": "Unit", "en": "Unit"},
    "reg_overdue": {"id": "Hanya yang melewati tenggat", "en": "Overdue only"},
    "reg_search": {"id": "Cari (nomor, isi, nama)", "en": "Search (number, text, name)"},
    "reg_search_note": {
        "id": "Kata yang dicari tidak masuk alamat halaman maupun log.",
        "en": "Search words go neither into the page address nor into the log.",
    },
    "reg_filter": {"id": "Tampilkan", "en": "Show"},
    "reg_search_button": {"id": "Cari", "en": "Search"},
    "reg_reset": {"id": "Hapus saringan", "en": "Clear filters"},
    "reg_any": {"id": "semua", "en": "all"},
    "reg_count": {"id": "{n} entri", "en": "{n} entries"},
    "reg_page": {"id": "Halaman {page} dari {pages}", "en": "Page {page} of {pages}"},
    "reg_prev": {"id": "« Sebelumnya", "en": "« Previous"},
    "reg_next": {"id": "Berikutnya »", "en": "Next »"},
    "reg_none": {"id": "Tidak ada entri yang cocok.", "en": "No matching entries."},
    "col_no": {"id": "Nomor", "en": "Number"},
    "col_received": {"id": "Diterima", "en": "Received"},
    "col_summary": {"id": "Ringkasan", "en": "Summary"},
    "col_reporter": {"id": "Pelapor", "en": "Reporter"},
    "col_flags": {"id": "Tanda", "en": "Flags"},
    "flag_urgent": {"id": "MENDESAK", "en": "URGENT"},
    "flag_confidential": {"id": "RAHASIA", "en": "CONFIDENTIAL"},
    "flag_overdue": {"id": "TERLAMBAT", "en": "OVERDUE"},
    "flag_review": {"id": "PERIKSA", "en": "REVIEW"},
    "confidential_hidden": {
        "id": "(rahasia — buka entri untuk membaca)",
        "en": "(confidential — open the entry to read)",
    },
    # --- statuses ----------------------------------------------------------------------
    "status_diterima": {"id": "Diterima", "en": "Received"},
    "status_diteruskan": {"id": "Diteruskan", "en": "Forwarded"},
    "status_ditindaklanjuti": {"id": "Ditindaklanjuti", "en": "Being followed up"},
    "status_selesai": {"id": "Selesai", "en": "Answered"},
    "status_dipublikasikan": {"id": "Dipublikasikan", "en": "Published"},
    "status_bukan_aduan": {"id": "Bukan aduan", "en": "Not feedback"},
    # --- entry -------------------------------------------------------------------------
    "entry_confidential_banner": {
        "id": "RAHASIA — isi dan identitas pelapor hanya dibaca di Puskesmas; surel tentang "
        "entri ini hanya memuat nomornya. Jangan disalin atau dibacakan di depan umum.",
        "en": "CONFIDENTIAL — the text and the reporter are read only inside the facility; mail "
        "about this entry carries its number only. Do not copy it or read it out in public.",
    },
    "entry_data": {"id": "Data entri", "en": "Entry"},
    "entry_received": {"id": "Diterima", "en": "Received"},
    "entry_registered": {"id": "Dicatat", "en": "Registered"},
    "entry_channel": {"id": "Kanal", "en": "Channel"},
    "entry_source": {"id": "Sumber", "en": "Source"},
    "entry_reporter": {"id": "Pelapor", "en": "Reporter"},
    "entry_contact": {"id": "Kontak", "en": "Contact"},
    "entry_address": {"id": "Alamat", "en": "Address"},
    "entry_subject": {"id": "Subjek", "en": "Subject"},
    "entry_slip_date": {"id": "Tanggal di slip", "en": "Date on the slip"},
    "entry_ocr": {"id": "Keyakinan OCR", "en": "OCR confidence"},
    "entry_text": {"id": "Isi", "en": "Text"},
    "entry_images": {"id": "Gambar slip / lampiran", "en": "Slip images / attachments"},
    "entry_page": {"id": "{file}, halaman {page}", "en": "{file}, page {page}"},
    "entry_original": {"id": "Berkas asli", "en": "Original file"},
    "entry_files": {"id": "Berkas", "en": "Files"},
    "entry_classification": {"id": "Klasifikasi", "en": "Classification"},
    "entry_urgent": {"id": "Mendesak", "en": "Urgent"},
    "entry_confidence": {"id": "Keyakinan", "en": "Confidence"},
    "entry_reasons": {"id": "Alasan", "en": "Reasons"},
    "entry_due": {"id": "Tenggat", "en": "Deadlines"},
    "due_forward": {"id": "Diteruskan ke tim mutu", "en": "Forward to the quality team"},
    "due_answer": {"id": "Jawaban ke pelapor", "en": "Answer to the reporter"},
    "due_resolve": {"id": "Penyelesaian", "en": "Resolution"},
    "due_missed": {"id": "terlewati", "en": "missed"},
    "entry_rtl": {"id": "Rencana tindak lanjut (RTL)", "en": "Follow-up plan (RTL)"},
    "entry_response": {"id": "Tanggapan / jawaban", "en": "Response / answer"},
    "entry_events": {"id": "Riwayat", "en": "History"},
    "ev_at": {"id": "Waktu", "en": "When"},
    "ev_type": {"id": "Kejadian", "en": "Event"},
    "ev_by": {"id": "Oleh", "en": "By"},
    "ev_detail": {"id": "Keterangan", "en": "Detail"},
    "entry_receipt": {"id": "Cetak tanda terima (PDF)", "en": "Print receipt (PDF)"},
    "entry_review_needed": {
        "id": "Bacaan mesin perlu diperiksa: {reason}",
        "en": "The machine reading must be checked: {reason}",
    },
    "entry_review_open": {"id": "Periksa di antrean", "en": "Check in the queue"},
    "yes": {"id": "ya", "en": "yes"},
    "no": {"id": "tidak", "en": "no"},
    "none": {"id": "-", "en": "-"},
    # --- entry forms -------------------------------------------------------------------
    "form_correct": {"id": "Koreksi klasifikasi", "en": "Correct the classification"},
    "form_correct_note": {
        "id": "Koreksi dicatat dan dipakai untuk melatih pengklasifikasi.",
        "en": "Corrections are recorded and used to train the classifier.",
    },
    "form_correct_button": {"id": "Simpan koreksi", "en": "Save correction"},
    "form_text": {"id": "Koreksi teks (bacaan OCR)", "en": "Correct the text (OCR reading)"},
    "form_text_note": {
        "id": "Riwayat menyimpan kedua versi; teks baru diklasifikasi ulang.",
        "en": "The history keeps both versions; the new text is classified again.",
    },
    "form_text_button": {"id": "Simpan teks", "en": "Save text"},
    "form_reviewed_button": {"id": "Bacaan sudah benar", "en": "Reading is correct"},
    "form_rtl": {"id": "Rencana tindak lanjut (RTL)", "en": "Follow-up plan (RTL)"},
    "form_rtl_note": {
        "id": "Menyimpan RTL mengubah status menjadi ditindaklanjuti.",
        "en": "Saving an RTL sets the status to being followed up.",
    },
    "form_rtl_button": {"id": "Simpan RTL", "en": "Save RTL"},
    "form_response": {"id": "Tanggapan untuk pelapor", "en": "Answer to the reporter"},
    "form_response_note_mail": {
        "id": "Tanggapan mengubah status menjadi selesai dan DIKIRIM lewat surel ke pelapor.",
        "en": "The answer sets the status to answered and is MAILED to the reporter.",
    },
    "form_response_note": {
        "id": "Tanggapan mengubah status menjadi selesai. Sampaikan kepada pelapor lewat "
        "kanal asalnya.",
        "en": "The answer sets the status to answered. Pass it on to the reporter through "
        "their channel.",
    },
    "form_response_button": {"id": "Simpan tanggapan", "en": "Save answer"},
    "form_status": {"id": "Ubah status", "en": "Change the status"},
    "form_status_button": {"id": "Simpan status", "en": "Save status"},
    "form_note": {"id": "Catatan internal", "en": "Internal note"},
    "form_note_button": {"id": "Tambah catatan", "en": "Add note"},
    "form_refer": {"id": "Rujuk ke Dinas Kesehatan", "en": "Refer to the district health office"},
    "form_refer_note": {
        "id": "Dikirim lewat surel tanpa identitas pelapor; data pribadi di isi disamarkan.",
        "en": "Mailed without the reporter's identity; personal data in the text masked.",
    },
    "form_refer_reason": {"id": "Alasan rujukan", "en": "Why it is referred"},
    "form_refer_button": {"id": "Rujuk ke Dinkes", "en": "Refer"},
    "form_refer_missing": {
        "id": "Alamat Dinas Kesehatan belum diatur ([escalation] dinkes).",
        "en": "No district office address is configured ([escalation] dinkes).",
    },
    "form_confidential": {"id": "Kerahasiaan", "en": "Confidentiality"},
    "form_confidential_on": {"id": "Tandai RAHASIA", "en": "Mark CONFIDENTIAL"},
    "form_confidential_off": {"id": "Cabut tanda rahasia", "en": "Remove the mark"},
    "form_confidential_note": {
        "id": "Entri rahasia: surel hanya memuat nomornya; tidak tampil di papan maupun "
        "ekspor LAPOR!.",
        "en": "Confidential: mail carries its number only; never on the board nor in the "
        "LAPOR! export.",
    },
    "form_unchanged": {"id": "(tidak diubah)", "en": "(unchanged)"},
    "saved_corrected": {"id": "Dikoreksi: {changes}", "en": "Corrected: {changes}"},
    "saved_text": {"id": "Teks disimpan; entri diklasifikasi ulang.", "en": "Text saved."},
    "saved_reviewed": {"id": "Ditandai sudah diperiksa.", "en": "Marked as checked."},
    "saved_unchanged": {"id": "Tidak ada yang berubah.", "en": "Nothing changed."},
    "saved_status": {"id": "Tersimpan; status kini {status}.", "en": "Saved; status now {status}."},
    "saved_answer_mailed": {
        "id": "Tersimpan; jawaban diantrekan untuk dikirim ke pelapor. Status kini {status}.",
        "en": "Saved; the answer is queued for the reporter. Status now {status}.",
    },
    "saved_referral": {
        "id": "Rujukan ke Dinas Kesehatan (ke-{n}) diantrekan untuk dikirim.",
        "en": "Referral no. {n} to the district health office queued for mailing.",
    },
    "saved_note": {"id": "Catatan ditambahkan.", "en": "Note added."},
    "saved_confidential": {"id": "Kerahasiaan diubah.", "en": "Confidentiality changed."},
    "field_empty": {"id": "Isian {field} kosong.", "en": "The field {field} is empty."},
    "event_retried": {"id": "diambil dari karantina #{id}", "en": "taken from quarantine #{id}"},
    # --- new entry ---------------------------------------------------------------------
    "new_title": {"id": "Catat aduan baru", "en": "Record new feedback"},
    "new_note": {
        "id": "Untuk aduan lewat SMS, WhatsApp, telepon, datang langsung, situs web atau media "
        "sosial. Entri diklasifikasi dan diteruskan seperti surel.",
        "en": "For feedback by SMS, WhatsApp, phone, in person, website or social media. It is "
        "classified and forwarded like mail.",
    },
    "new_received": {"id": "Waktu diterima", "en": "Received at"},
    "new_received_note": {"id": "Kosong: sekarang.", "en": "Empty: now."},
    "new_text": {"id": "Isi aduan", "en": "What was said"},
    "new_name": {"id": "Nama pelapor (boleh kosong)", "en": "Reporter's name (optional)"},
    "new_contact": {"id": "No. HP / surel (boleh kosong)", "en": "Phone / e-mail (optional)"},
    "new_address": {"id": "Alamat (boleh kosong)", "en": "Address (optional)"},
    "new_confidential": {
        "id": "Rahasia sejak awal (surel hanya memuat nomornya)",
        "en": "Confidential from the start (mail carries its number only)",
    },
    "new_button": {"id": "Catat", "en": "Register"},
    "new_registered": {"id": "Tercatat sebagai {no}.", "en": "Registered as {no}."},
    "new_duplicate": {"id": "Sudah tercatat sebagai {no}.", "en": "Already registered as {no}."},
    "bad_datetime": {
        "id": "Waktu {value} tidak dapat dibaca; tulis seperti 2026-11-23 08:15.",
        "en": "The time {value} cannot be read; write it like 2026-11-23 08:15.",
    },
    "future_datetime": {
        "id": "Waktu diterima tidak boleh di masa depan.",
        "en": "The time received cannot be in the future.",
    },
    # --- review ------------------------------------------------------------------------
    "review_title": {"id": "Periksa slip", "en": "Review slips"},
    "review_intro": {
        "id": "Bacaan mesin yang meragukan: bandingkan gambar dengan teks, perbaiki, simpan.",
        "en": "Doubtful machine readings: compare the image with the text, fix it, save.",
    },
    "review_empty": {
        "id": "Tidak ada slip yang perlu diperiksa.",
        "en": "No slip needs checking.",
    },
    "review_count": {"id": "{n} slip menunggu", "en": "{n} slips waiting"},
    "review_start": {"id": "Mulai memeriksa", "en": "Start reviewing"},
    "review_reason": {"id": "Alasan", "en": "Reason"},
    "review_position": {"id": "Slip {i} dari {n}", "en": "Slip {i} of {n}"},
    "review_save_next": {"id": "Simpan & berikutnya", "en": "Save & next"},
    "review_ok_next": {"id": "Sudah benar & berikutnya", "en": "Correct as is & next"},
    "review_skip": {"id": "Lewati", "en": "Skip"},
    "review_no_image": {"id": "Tidak ada gambar.", "en": "No image."},
    "review_done": {
        "id": "{no} selesai diperiksa.",
        "en": "{no} checked.",
    },
    "review_fields": {"id": "Terbaca dari slip", "en": "Read from the slip"},
    "review_readings": {
        "id": "Bacaan kedua mesin OCR (tulisan tangan)",
        "en": "Both OCR engines' readings (handwriting)",
    },
    "review_reading_kept": {"id": "dipakai", "en": "used"},
    "review_reading_use": {"id": "mulai dari bacaan ini", "en": "start from this reading"},
    "review_open_entry": {"id": "Buka entri", "en": "Open the entry"},
    "review_already": {
        "id": "Slip ini sudah diperiksa. Perubahan teks tetap tercatat di riwayat entri.",
        "en": "This slip has been checked. A change of its text is still recorded.",
    },
    # --- quarantine --------------------------------------------------------------------
    "q_title": {"id": "Karantina", "en": "Quarantine"},
    "q_intro": {
        "id": "Masukan yang tidak dapat diproses, dengan alasannya. Setelah penyebabnya "
        "diperbaiki, proses ulang.",
        "en": "Input that could not be processed, with the reason. Once the cause is fixed, "
        "process it again.",
    },
    "q_empty": {"id": "Karantina kosong.", "en": "The quarantine is empty."},
    "q_id": {"id": "No.", "en": "No."},
    "q_when": {"id": "Sejak", "en": "Since"},
    "q_source": {"id": "Sumber", "en": "Source"},
    "q_reason": {"id": "Alasan", "en": "Reason"},
    "q_attempts": {"id": "Percobaan", "en": "Attempts"},
    "q_retry": {"id": "Proses ulang", "en": "Retry"},
    "q_download": {"id": "Unduh", "en": "Download"},
    "q_retry_ok": {"id": "Berhasil: tercatat sebagai {no}.", "en": "Done: registered as {no}."},
    "q_retry_failed": {"id": "Masih gagal: {reason}", "en": "Still failing: {reason}"},
    "q_retry_skipped": {"id": "Diproses: {outcome}.", "en": "Processed: {outcome}."},
    # --- box ---------------------------------------------------------------------------
    "box_title": {"id": "Kotak saran", "en": "Suggestion box"},
    "box_intro": {
        "id": "Catat setiap pembukaan kotak dan jumlah slip. Slip yang dipindai sesudahnya "
        "masuk pembukaan itu, dan tenggatnya dihitung dari pembukaan.",
        "en": "Record every opening and the slips taken out. Slips scanned afterwards belong "
        "to it, and their deadlines count from the opening.",
    },
    "box_record": {"id": "Catat pembukaan", "en": "Record an opening"},
    "box_when": {"id": "Waktu dibuka", "en": "Opened at"},
    "box_by": {"id": "Dibuka oleh", "en": "Opened by"},
    "box_count": {"id": "Jumlah slip", "en": "Slips counted"},
    "box_note": {"id": "Catatan", "en": "Note"},
    "box_button": {"id": "Simpan pembukaan", "en": "Save opening"},
    "box_close": {"id": "Tutup", "en": "Close"},
    "box_none": {"id": "Belum ada pembukaan tercatat.", "en": "No opening recorded yet."},
    "box_registered": {"id": "Tercatat", "en": "Registered"},
    "box_state": {"id": "Keadaan", "en": "State"},
    "box_state_cocok": {"id": "cocok", "en": "matches"},
    "box_state_menunggu": {"id": "menunggu pemindaian", "en": "waiting for scans"},
    "box_state_kurang": {"id": "KURANG {n} slip", "en": "{n} slips MISSING"},
    "box_state_lebih": {"id": "LEBIH {n} slip", "en": "{n} slips EXTRA"},
    "box_open": {"id": "terbuka", "en": "open"},
    "box_saved": {"id": "Pembukaan {id} dicatat.", "en": "Opening {id} recorded."},
    "box_closed": {"id": "Pembukaan {id} ditutup.", "en": "Opening {id} closed."},
    "bad_number": {"id": "{field}: bukan angka.", "en": "{field}: not a number."},
    # --- reports -----------------------------------------------------------------------
    "rep_title": {"id": "Laporan dan papan pengumuman", "en": "Reports and notice board"},
    "rep_make": {"id": "Buat rekap", "en": "Make a recap"},
    "rep_kind": {"id": "Jenis rekap", "en": "Recap"},
    "rep_bulanan": {"id": "Bulanan", "en": "Monthly"},
    "rep_semester": {"id": "Semester", "en": "Semester"},
    "rep_mingguan": {"id": "Mingguan (WhatsApp/SMS)", "en": "Weekly (WhatsApp/SMS)"},
    "rep_period": {"id": "Periode", "en": "Period"},
    "rep_period_note": {
        "id": "2026-10 (bulan), 2026-S2 (semester), 2026-W48 (minggu); kosong: periode "
        "terakhir yang sudah lewat.",
        "en": "2026-10 (month), 2026-S2 (semester), 2026-W48 (week); empty: the last "
        "complete period.",
    },
    "rep_formats": {"id": "Format", "en": "Formats"},
    "rep_send": {
        "id": "Kirim juga lewat surel ke kepala dan tim mutu",
        "en": "Also mail it to the head and the quality team",
    },
    "rep_button": {"id": "Buat rekap", "en": "Make recap"},
    "rep_made": {"id": "Dibuat: {title}", "en": "Made: {title}"},
    "rep_queued": {"id": "Diantrekan untuk dikirim lewat surel.", "en": "Queued for mailing."},
    "board_make": {"id": "Buat papan pengumuman", "en": "Make the notice board"},
    "board_note": {
        "id": "Aduan yang sudah ditindaklanjuti, disamarkan, untuk dicetak dan ditempel. "
        "Entri yang sudah dijawab menjadi dipublikasikan.",
        "en": "Followed-up feedback, anonymised, to print and pin up. Answered entries on it "
        "become published.",
    },
    "board_since": {"id": "Sejak tanggal", "en": "Since"},
    "board_send": {
        "id": "Kirim PDF ke tim mutu lewat surel",
        "en": "Mail the PDF to the quality team",
    },
    "board_button": {"id": "Buat papan", "en": "Make board"},
    "board_made": {
        "id": "Papan dibuat: {n} entri, {published} kini dipublikasikan.",
        "en": "Board made: {n} entries, {published} now published.",
    },
    "rep_files": {"id": "Berkas laporan", "en": "Report files"},
    "rep_file": {"id": "Berkas", "en": "File"},
    "rep_file_time": {"id": "Dibuat", "en": "Made"},
    "rep_file_size": {"id": "Ukuran", "en": "Size"},
    "rep_no_files": {"id": "Belum ada berkas.", "en": "No files yet."},
    "bad_format": {"id": "Pilih setidaknya satu format.", "en": "Choose at least one format."},
    "bad_date": {
        "id": "Tanggal {value} tidak dapat dibaca; tulis seperti 2026-11-09.",
        "en": "The date {value} cannot be read; write it like 2026-11-09.",
    },
    # --- users & account ---------------------------------------------------------------
    "users_title": {"id": "Pengguna konsol", "en": "Console users"},
    "users_intro": {
        "id": "Akun dikelola di server: aduan user add NAMA --role staf|tim_mutu|kepala, "
        "aduan user passwd NAMA, aduan user disable NAMA.",
        "en": "Accounts are managed on the server: aduan user add NAME --role "
        "staf|tim_mutu|kepala, aduan user passwd NAME, aduan user disable NAME.",
    },
    "users_name": {"id": "Nama", "en": "Name"},
    "users_role": {"id": "Peran", "en": "Role"},
    "users_created": {"id": "Dibuat", "en": "Created"},
    "users_last_login": {"id": "Terakhir masuk", "en": "Last login"},
    "users_state": {"id": "Keadaan", "en": "State"},
    "users_active": {"id": "aktif", "en": "active"},
    "users_disabled": {"id": "nonaktif", "en": "disabled"},
    "account_title": {"id": "Ganti kata sandi", "en": "Change password"},
    "account_current": {"id": "Kata sandi sekarang", "en": "Current password"},
    "account_new": {"id": "Kata sandi baru", "en": "New password"},
    "account_again": {"id": "Ulangi kata sandi baru", "en": "New password again"},
    "account_note": {
        "id": "Minimal {n} karakter. Sesudah diganti, semua sesi lain akun ini berakhir.",
        "en": "At least {n} characters. Afterwards every other session of this account ends.",
    },
    "account_button": {"id": "Ganti kata sandi", "en": "Change password"},
    "account_wrong": {"id": "Kata sandi sekarang salah.", "en": "The current password is wrong."},
    "account_mismatch": {
        "id": "Kedua kata sandi baru tidak sama.",
        "en": "The two new passwords differ.",
    },
    "account_short": {
        "id": "Kata sandi baru terlalu pendek (minimal {n} karakter) atau sama dengan nama.",
        "en": "The new password is too short (at least {n} characters) or equals the name.",
    },
    "account_changed": {"id": "Kata sandi diganti.", "en": "Password changed."},
}


# The register's event types (the `type` of `Event`), as people name them.
EVENTS: dict[str, dict[str, str]] = {
    "registered": {"id": "dicatat", "en": "registered"},
    "entered": {"id": "diketik petugas", "en": "typed in"},
    "imported": {"id": "diimpor", "en": "imported"},
    "ocr": {"id": "dibaca OCR", "en": "OCR read"},
    "review": {"id": "perlu diperiksa", "en": "to be checked"},
    "ocr_readings": {"id": "bacaan dua mesin OCR", "en": "both OCR engines' readings"},
    "reviewed": {"id": "diperiksa", "en": "checked"},
    "text_corrected": {"id": "teks dikoreksi", "en": "text corrected"},
    "corrected": {"id": "klasifikasi dikoreksi", "en": "classification corrected"},
    "reclassified": {"id": "diklasifikasi ulang", "en": "classified again"},
    "forwarded": {"id": "diteruskan", "en": "forwarded"},
    "forwarded_in": {"id": "diteruskan masuk", "en": "forwarded to us"},
    "escalated": {"id": "dirujuk", "en": "referred"},
    "rtl": {"id": "RTL", "en": "RTL"},
    "response": {"id": "tanggapan", "en": "answer"},
    "status": {"id": "status", "en": "status"},
    "note": {"id": "catatan", "en": "note"},
    "confidential": {"id": "kerahasiaan", "en": "confidentiality"},
    "reply": {"id": "balasan", "en": "reply"},
    "command_error": {"id": "perintah gagal", "en": "command failed"},
    "bounce": {"id": "surel terpental", "en": "bounced"},
    "kotak": {"id": "kotak saran", "en": "suggestion box"},
    "linked": {"id": "terkait", "en": "linked"},
    "same_message_id": {"id": "Message-ID sama", "en": "same Message-ID"},
    "retried": {"id": "dari karantina", "en": "from quarantine"},
    "blank_page": {"id": "halaman kosong", "en": "blank page"},
}


def event_label(type_: str, lang: str) -> str:
    found = EVENTS.get(type_)
    return (found.get(lang) or found["en"]) if found else type_


def text(key: str, lang: str, **values: Any) -> str:
    """The sentence `key` in `lang` (English when a sentence has no Indonesian, or the key
    itself when it is unknown, so a missing text shows rather than breaks a page)."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    sentence = entry.get(lang) or entry["en"]
    return sentence.format(**values) if values else sentence


def status_label(status: str, lang: str) -> str:
    return text(f"status_{status}", lang) if f"status_{status}" in TEXTS else status


def value_label(value: str, lang: str) -> str:
    """A kind, unit or channel as people name it."""
    return label(value, lang)
