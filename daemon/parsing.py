"""What the workers do with a fetched mail: parse it, store its attachments, classify it.

Kept apart from `intake` so that a worker process imports only the parsers, the classifier
and the file store: importing intake (SQLAlchemy, OCR, escalation) cost each worker a second
of CPU at every start, on the clock of the first batch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from aduan.daemon.filestore import FileStore, StoredFile
from aduan.daemon.learning import ClassifierSpec
from aduan.parsers.classification import UNCLASSIFIED, Classification
from aduan.parsers.mail import Mail, MailParseError, parse_mail

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParsedMail:
    mail: Mail  # without its attachments' bytes: those are in `files` now
    files: tuple[StoredFile, ...]
    classification: Classification


def parse_fetched(
    data: bytes, max_bytes: int | None, store: FileStore, classifier: ClassifierSpec
) -> ParsedMail | str:
    """The parsed and classified mail with its attachments stored, or why it cannot be.

    Runs on the workers. Storing there is safe (content-addressed and idempotent, so a later
    rollback leaves only a harmless copy), spreads the fsyncs over the workers, and keeps
    the attachments' bytes from travelling back to the main process.
    """
    if max_bytes is not None and len(data) > max_bytes:
        return f"message of {len(data)} bytes exceeds the limit of {max_bytes}"
    try:
        mail = parse_mail(data)
    except MailParseError as exc:
        return str(exc)
    except Exception as exc:  # a bug of ours: keep the mail for `quarantine retry`
        log.exception("parser failed")  # the traceback names code, not the mail's content
        return f"internal error in the parser ({type(exc).__name__}); retry after an update"
    files = tuple(
        StoredFile(store.put(a.data), a.filename, a.content_type, len(a.data))
        for a in mail.attachments
    )
    try:
        classification = classifier.classify(mail.text, mail.subject)
    except Exception:  # never lose a complaint to the classifier: register it unclassified
        log.exception("classifier failed")
        classification = UNCLASSIFIED
    return ParsedMail(replace(mail, attachments=()), files, classification)
