"""Every sentence a person reads on the command line, Indonesian first, English available."""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    # `aduan user`: accounts of the web console
    "user_password": {"id": "Kata sandi: ", "en": "Password: "},
    "user_password_again": {"id": "Ulangi kata sandi: ", "en": "Password again: "},
    "user_added": {
        "id": "Akun {name} ({role}) dibuat; masuk di konsol web (aduan web).",
        "en": "Account {name} ({role}) made; log in at the web console (aduan web).",
    },
    "user_passwd": {
        "id": "Kata sandi {name} diganti; sesi yang terbuka berakhir.",
        "en": "Password of {name} changed; its open sessions ended.",
    },
    "user_disabled": {
        "id": "Akun {name} dinonaktifkan; sesinya berakhir.",
        "en": "Account {name} disabled; its sessions ended.",
    },
    "user_enabled": {"id": "Akun {name} aktif kembali.", "en": "Account {name} enabled."},
    "user_none": {
        "id": "Belum ada akun; buat dengan: aduan user add NAMA --role tim_mutu",
        "en": "No accounts yet; make one with: aduan user add NAME --role tim_mutu",
    },
    "web_started": {
        "id": "Konsol web di http://{host}:{port}/ (hentikan dengan Ctrl-C)",
        "en": "Web console at http://{host}:{port}/ (stop with Ctrl-C)",
    },
    "web_no_users": {
        "id": "Belum ada akun konsol; buat dulu: aduan user add NAMA --role tim_mutu",
        "en": "No console account yet; make one first: aduan user add NAME --role tim_mutu",
    },
    "registered": {"id": "Tercatat: {no}", "en": "Registered: {no}"},
    "duplicate": {"id": "Sudah tercatat sebagai {no}", "en": "Already registered as {no}"},
    "corrected": {"id": "Dikoreksi {no}: {changes}", "en": "Corrected {no}: {changes}"},
    "unchanged": {"id": "{no} sudah begitu; tidak ada yang diubah", "en": "{no} already says so"},
    "updated": {"id": "Diperbarui {no}: status {status}", "en": "Updated {no}: status {status}"},
    "answer_queued": {
        "id": "Jawaban diantrekan untuk dikirim ke pelapor.",
        "en": "The answer is queued for the reporter.",
    },
    "classified": {
        "id": "Jenis {kind}, unit {unit}, {urgency} (keyakinan {confidence})",
        "en": "Kind {kind}, unit {unit}, {urgency} (confidence {confidence})",
    },
    "train_kept": {
        "id": "Model v{version} dipakai: aturan {rules:.3f}, aturan+model {rules_model:.3f} "
        "({examples} contoh diuji)",
        "en": "Model v{version} in use: rules {rules:.3f}, rules+model {rules_model:.3f} "
        "({examples} examples tested)",
    },
    "train_not_kept": {
        "id": "Model tidak dipakai: aturan {rules:.3f}, aturan+model {rules_model:.3f} "
        "({examples} contoh diuji); tambah koreksi lewat `aduan register correct`",
        "en": "Model not kept: rules {rules:.3f}, rules+model {rules_model:.3f} "
        "({examples} examples tested); add corrections with `aduan register correct`",
    },
    "written": {"id": "ditulis: {path}", "en": "written: {path}"},
    "report_queued": {
        "id": "Laporan diantrekan untuk dikirim lewat surel.",
        "en": "The report is queued for mailing.",
    },
    "board_made": {
        "id": "Papan pengumuman: {n} entri, {published} kini berstatus dipublikasikan",
        "en": "Notice board: {n} entries, {published} now published",
    },
    "exported": {
        "id": "{n} entri belum selesai diekspor ke {path}",
        "en": "{n} unresolved entries exported to {path}",
    },
    "imported": {
        "id": "{file}: {n} entri baru, {dup} sudah tercatat, {skipped} pesan dilewati "
        "(balasan Puskesmas/media)",
        "en": "{file}: {n} new entries, {dup} already registered, {skipped} messages skipped "
        "(the facility's answers/media)",
    },
    "dinkes_queued": {
        "id": "Rujukan ke Dinas Kesehatan (ke-{n}) diantrekan untuk dikirim.",
        "en": "Referral to the district health office (no. {n}) queued for mailing.",
    },
    "box_opened": {
        "id": "Kotak saran dibuka {at}: sesi {id}, {n} slip dihitung. Slip yang dipindai "
        "mulai sekarang masuk sesi ini.",
        "en": "Suggestion box opened {at}: session {id}, {n} slips counted. Slips scanned from "
        "now on belong to it.",
    },
    "box_none": {
        "id": "Belum ada pembukaan kotak saran yang dicatat; catat dengan `aduan kotak buka`.",
        "en": "No opening of the suggestion box recorded; record one with `aduan kotak buka`.",
    },
    "box_cocok": {
        "id": "Kotak {id} ({at}, {by}): {counted} dihitung, {registered} tercatat: cocok",
        "en": "Box {id} ({at}, {by}): {counted} counted, {registered} registered: all there",
    },
    "box_menunggu": {
        "id": "Kotak {id} ({at}, {by}): {counted} dihitung, {registered} tercatat: "
        "{n} slip belum dipindai",
        "en": "Box {id} ({at}, {by}): {counted} counted, {registered} registered: "
        "{n} slips not scanned yet",
    },
    "box_kurang": {
        "id": "Kotak {id} ({at}, {by}): {counted} dihitung, {registered} tercatat: KURANG {n} "
        "slip; cari slipnya lalu `aduan scan`",
        "en": "Box {id} ({at}, {by}): {counted} counted, {registered} registered: {n} MISSING; "
        "find the slips and `aduan scan` them",
    },
    "box_lebih": {
        "id": "Kotak {id} ({at}, {by}): {counted} dihitung, {registered} tercatat: LEBIH {n}; "
        "periksa slip yang terpindai dua kali atau hitungan yang salah",
        "en": "Box {id} ({at}, {by}): {counted} counted, {registered} registered: {n} EXTRA; "
        "look for a slip scanned twice or a miscount",
    },
    "receipt_written": {"id": "Tanda terima: {path}", "en": "Receipt: {path}"},
    "no_entries": {"id": "Belum ada entri.", "en": "No entries yet."},
    "text_changed": {"id": "teks diganti", "en": "text replaced"},
    "scan_registered": {"id": "{file}: tercatat {nos}", "en": "{file}: registered {nos}"},
    "scan_duplicate": {
        "id": "{file}: sudah tercatat ({nos})",
        "en": "{file}: already registered ({nos})",
    },
    "scan_blank": {
        "id": "{file}: halaman kosong, tidak dicatat",
        "en": "{file}: blank, not registered",
    },
    "scan_quarantined": {
        "id": "{file}: tidak terbaca, dikarantina: {reason}",
        "en": "{file}: unreadable, quarantined: {reason}",
    },
    "scan_some_quarantined": {
        "id": "{n} berkas tidak terbaca dan dikarantina; lihat `aduan quarantine list`",
        "en": "{n} file(s) could not be read and are quarantined; see `aduan quarantine list`",
    },
    "no_review": {
        "id": "Tidak ada entri yang perlu diperiksa.",
        "en": "No entries need checking.",
    },
    "review_image": {"id": "{file}, halaman {page}", "en": "{file}, page {page}"},
    "review_hint": {
        "id": 'Periksa gambarnya, lalu: aduan register correct NO --text "…" (atau --reviewed)',
        "en": 'Check the images, then: aduan register correct NO --text "…" (or --reviewed)',
    },
    "no_quarantine": {"id": "Karantina kosong.", "en": "Quarantine is empty."},
    "retry_ok": {"id": "Berhasil: {no}", "en": "Done: {no}"},
    "retry_skipped": {
        "id": "Diproses ulang: {outcome} (tidak menjadi entri baru)",
        "en": "Processed again: {outcome} (no new entry)",
    },
    "retry_failed": {
        "id": "Masih gagal: {reason}",
        "en": "Still failing: {reason}",
    },
    "db_upgraded": {
        "id": "Skema basis data: {before} → {after}",
        "en": "Database schema: {before} → {after}",
    },
    "pass_done": {
        "id": "Selesai: {counts}",
        "en": "Done: {counts}",
    },
    "pass_failed": {
        "id": "Sumber tidak terjangkau: {error}",
        "en": "Source unreachable: {error}",
    },
    "run_started": {
        "id": (
            "aduan berjalan (Ctrl-C untuk berhenti). Basis data: {db}\n"
            "Taruh surel (.eml) di {maildir}/new, pindaian di {scans}.\n"
            "Surat keluar (eskalasi, tanda terima): {outbox}\n"
            "Untuk kotak surat IMAP, salin aduan.example.toml ke aduan.toml dan isi [mailbox]."
        ),
        "en": (
            "aduan is running (Ctrl-C to stop). Database: {db}\n"
            "Put mail (.eml) in {maildir}/new, scans in {scans}.\n"
            "Outgoing mail (escalations, acknowledgements): {outbox}\n"
            "For an IMAP mailbox, copy aduan.example.toml to aduan.toml and fill in [mailbox]."
        ),
    },
    "status_sources": {"id": "Sumber:", "en": "Sources:"},
    "status_no_sources": {"id": "  (belum pernah dijalankan)", "en": "  (never run yet)"},
    "status_source": {
        "id": "  {source}: terakhir berhasil {ok}, menunggu {pending}",
        "en": "  {source}: last success {ok}, waiting {pending}",
    },
    "status_source_error": {
        "id": "    GALAT {at}: {error}",
        "en": "    ERROR {at}: {error}",
    },
    # Login trouble (daemon/alerts.py) and OAuth2 sign-in (daemon/oauth.py).
    "status_trouble": {
        "id": "    GANGGUAN ({kind}) sejak {since}, sudah {lasted}{alerted}: {error}",
        "en": "    TROUBLE ({kind}) since {since}, for {lasted}{alerted}: {error}",
    },
    "status_trouble_alerted": {
        "id": "; kepala sudah diberi tahu lewat surel {day}",
        "en": "; the head was alerted by mail on {day}",
    },
    "trouble_login": {"id": "login ditolak", "en": "login refused"},
    "trouble_token": {"id": "izin OAuth2", "en": "OAuth2 sign-in"},
    "trouble_certificate": {"id": "sertifikat", "en": "certificate"},
    "trouble_folder": {"id": "folder tidak ada", "en": "missing folder"},
    "duration_minutes": {"id": "{m} menit", "en": "{m} min"},
    "duration_hours": {"id": "{h} jam {m} menit", "en": "{h} h {m} min"},
    "duration_days": {"id": "{d} hari {h} jam", "en": "{d} days {h} h"},
    "oauth_device": {
        "id": (
            "Buka {url} di perangkat apa saja (ponsel atau laptop), masukkan kode\n\n"
            "    {code}\n\n"
            "lalu masuk sebagai {user} dan setujui izinnya (Accept).\n"
            "Kode berlaku {minutes} menit; aduan menunggu di sini…"
        ),
        "en": (
            "Open {url} on any device (a phone or a laptop), enter the code\n\n"
            "    {code}\n\n"
            "then sign in as {user} and accept the permissions.\n"
            "The code is valid for {minutes} minutes; aduan waits here…"
        ),
    },
    "oauth_browser": {
        "id": (
            "1. Buka alamat ini di peramban (browser), masuk sebagai {user}, lalu izinkan "
            "(Allow/Izinkan):\n\n{url}\n\n"
            "2. Sesudah itu peramban dibuka ke http://{host}:{port}/…\n"
            "   - Peramban di server ini: aduan menangkapnya sendiri.\n"
            "   - Peramban di komputer lain: halaman itu gagal dimuat (\"This site can't be "
            'reached"). Salin seluruh alamat dari bilah alamat peramban, tempelkan di sini, '
            "lalu tekan Enter.\n"
            "Menunggu (paling lama {minutes} menit)…"
        ),
        "en": (
            "1. Open this address in a browser, sign in as {user} and allow access:\n\n{url}\n\n"
            "2. The browser is then sent to http://{host}:{port}/…\n"
            "   - A browser on this server: aduan picks it up by itself.\n"
            "   - A browser on another computer: that page fails to load (\"This site can't be "
            "reached\"). Copy the whole address from the browser's address bar, paste it here "
            "and press Enter.\n"
            "Waiting (at most {minutes} minutes)…"
        ),
    },
    "oauth_page_ok": {
        "id": "Berhasil: aduan sudah menerima izinnya. Halaman ini boleh ditutup.",
        "en": "Done: aduan has received the permission. You may close this page.",
    },
    "oauth_page_error": {
        "id": "Izin tidak diberikan. Lihat terminal tempat aduan dijalankan.",
        "en": "Permission was not given. See the terminal where aduan runs.",
    },
    "oauth_stored": {
        "id": "Izin tersimpan di {path} (hanya untuk pengguna ini). Token akses berlaku "
        "{minutes} menit; aduan memperbaruinya sendiri.",
        "en": "Permission stored in {path} (readable by this user only). The access token "
        "lasts {minutes} minutes; aduan renews it by itself.",
    },
    "oauth_shared": {
        "id": "[smtp] masuk dengan akun yang sama: izin ini dipakai juga untuk mengirim surel.",
        "en": "[smtp] signs in as the same account: this permission is used for sending too.",
    },
    "status_register": {
        "id": "Register: {entries} entri, {overdue} lewat tenggat",
        "en": "Register: {entries} entries, {overdue} overdue",
    },
    "status_review": {
        "id": "Perlu diperiksa: {n} (lihat `aduan review`); halaman pindaian kosong: {blank}",
        "en": "To check: {n} (see `aduan review`); blank scanned pages: {blank}",
    },
    "status_quarantine": {
        "id": "Karantina: {n} (lihat `aduan quarantine list`)",
        "en": "Quarantine: {n} (see `aduan quarantine list`)",
    },
    "status_outbox": {
        "id": "Kotak keluar: {waiting} antri, {failed} gagal",
        "en": "Outbox: {waiting} waiting, {failed} failed",
    },
    "status_auto": {
        "id": "Balasan otomatis dilewati: {auto}, laporan gagal kirim: {bounce}",
        "en": "Auto-replies skipped: {auto}, delivery reports: {bounce}",
    },
    "never": {"id": "belum pernah", "en": "never"},
    "urgent": {"id": "SEGERA", "en": "URGENT"},
    "not_urgent": {"id": "biasa", "en": "normal"},
    "show_received": {
        "id": "Diterima : {at} via {channel} ({source})",
        "en": "Received : {at} via {channel} ({source})",
    },
    "show_reporter": {
        "id": "Pelapor  : {name} / {contact} / {address}",
        "en": "Reporter : {name} / {contact} / {address}",
    },
    "show_kind": {
        "id": "Jenis    : {kind}, unit {unit}, {urgency} ({reasons})",
        "en": "Kind     : {kind}, unit {unit}, {urgency} ({reasons})",
    },
    "show_due": {
        "id": "Tenggat  : teruskan {forward}, jawab {answer}, selesai {resolve}",
        "en": "Due      : forward {forward}, answer {answer}, resolve {resolve}",
    },
    "show_subject": {"id": "Subjek   : {subject}", "en": "Subject  : {subject}"},
    "show_file": {
        "id": "Berkas   : {filename} ({content_type}, {size} B) {sha256}",
        "en": "File     : {filename} ({content_type}, {size} B) {sha256}",
    },
    "check_ok": {"id": "OK    {what}", "en": "OK    {what}"},
    "check_fail": {"id": "GAGAL {what}: {why}", "en": "FAIL  {what}: {why}"},
    "check_skip": {"id": "--    {what}: {why}", "en": "--    {what}: {why}"},
    "smtp_unset": {
        "id": "tidak diatur; surat keluar ditulis ke {dir}",
        "en": "not configured; outgoing mail is written to {dir}",
    },
    "mailbox_unset": {
        "id": "tidak diatur; tidak ada polling IMAP",
        "en": "not configured; no IMAP polling",
    },
}


def t(key: str, lang: str = "id", **values: Any) -> str:
    return MESSAGES[key].get(lang, MESSAGES[key]["id"]).format(**values)
