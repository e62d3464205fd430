"""A small printed receipt for a complaint made in person or by phone: its tracking code.

Printed on a receipt printer (80 mm roll) or cut from A4, and handed to the complainant. The
register number is the tracking code: quoted at the counter, on the phone, or as
"[ADU-…]" in a mail's subject, it finds the entry again.
"""

from __future__ import annotations

from email.utils import parseaddr

from aduan.daemon.config import Settings
from aduan.daemon.letters import Letters
from aduan.daemon.reports.documents import Documents, pdf_bytes
from aduan.models.tables import Entry


def receipt_pdf(entry: Entry, settings: Settings, lang: str) -> bytes:
    docs = Documents(Letters(settings.facility.tz))
    html = docs.html(
        "tanda_terima.html.j2",
        lang,
        facility=settings.facility.name,
        entry=entry,
        address=parseaddr(settings.smtp.from_)[1],
    )
    return pdf_bytes(html)
