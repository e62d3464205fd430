"""The console's pages and forms. Each handler gets a `Ctx` that passed the gate (session,
role, CSRF) and changes the register only through the functions the CLI uses."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

from sqlmodel import Session, col, select
from starlette.responses import Response

from aduan.daemon import actions
from aduan.daemon.box import box_counts, close_box, open_box
from aduan.daemon.errors import UsageError
from aduan.daemon.register import (
    SCANNED,
    Correction,
    EntryFilter,
    Update,
    add_event,
    count_listed,
    entry_json,
    get_entry,
    list_entries,
    overdue_deadlines,
)
from aduan.daemon.slips import readings_of
from aduan.daemon.status import collect_status
from aduan.daemon.web.accounts import (
    BOARD,
    CONFIDENTIAL,
    MIN_PASSWORD,
    NOTE,
    READ,
    REFER,
    REPORTS,
    SEND,
    USERS,
    WORK,
    authenticate,
    list_users,
    set_password,
)
from aduan.daemon.web.app import Ctx, Handler, NotFound
from aduan.models.db import transaction
from aduan.models.tables import (
    CHANNELS,
    ELECTRONIC_CHANNELS,
    KINDS,
    STATUSES,
    Entry,
    EntryFile,
    Event,
    QuarantineItem,
)
from aduan.parsers import handwriting

log = logging.getLogger(__name__)

PAGE_SIZE = 50
REGISTER_NO = re.compile(r"[A-Z][A-Z0-9]{0,9}-\d{4}-\d{2}-\d{4,6}")
SHA256 = re.compile(r"[0-9a-f]{64}")
# What the console serves from [reports] dir: recaps and boards, nothing else there.
REPORT_FILE = re.compile(
    r"(rekap-(bulanan|semester|mingguan)-[0-9]{4}-[0-9SW]{1,3}[0-9]?|papan-\d{4}-\d{2}-\d{2})"
    r"\.(html|pdf|csv|xlsx)"
)
REPORT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A file shown in the browser as it is; anything else is downloaded.
INLINE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
# Channels staff type in (mail and slips arrive by themselves, but a slip can be typed too).
MANUAL_CHANNELS = ("telepon", "langsung", "sms", "whatsapp", "web", "media_sosial", "kotak_saran")
FILE_HEADERS = {
    "x-content-type-options": "nosniff",
    "cache-control": "private, no-store",
    "content-security-policy": "default-src 'none'; sandbox",
}

_T = TypeVar("_T")


# --- helpers --------------------------------------------------------------------------


def _register_no(ctx: Ctx) -> str:
    number = str(ctx.request.path_params.get("no", ""))
    if not REGISTER_NO.fullmatch(number):
        raise NotFound
    return number


def _entry(session: Session, number: str) -> Entry:
    entry = session.exec(select(Entry).where(Entry.register_no == number)).first()
    if entry is None:
        raise NotFound
    return entry


def _entry_path(number: str) -> str:
    return f"/entri/{number}"


def _units(ctx: Ctx) -> tuple[str, ...]:
    return tuple(ctx.console.runtime.classifier.units)


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _local_datetime(ctx: Ctx, value: str | None, *, default: datetime) -> datetime:
    """A time typed in the facility's zone ("2026-11-23T08:15", "2026-11-23 08:15")."""
    if value is None:
        return default
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise UsageError(ctx.t("bad_datetime", value=value)) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ctx.console.settings.facility.tz)
    if parsed > ctx.console.now() + timedelta(minutes=5):
        raise UsageError(ctx.t("future_datetime"))
    return parsed


def _datetime_input(ctx: Ctx, value: datetime) -> str:
    """`value` as a datetime-local input shows it, in the facility's zone."""
    return value.astimezone(ctx.console.settings.facility.tz).strftime("%Y-%m-%dT%H:%M")


def _attachment(name: str) -> str:
    """A Content-Disposition filename any browser reads, whatever the characters."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "berkas"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# --- dashboard ------------------------------------------------------------------------


def dashboard(ctx: Ctx) -> Response:
    """What `aduan status` says, login trouble of a source included."""
    from aduan.daemon.alerts import TroubleBook, describe_problem

    settings = ctx.console.settings
    now = ctx.console.now()
    status = collect_status(ctx.console.engine, now, TroubleBook.of(settings).problems())
    troubles = {
        src.source: describe_problem(src.trouble, now, ctx.console.lang, settings.facility.tz)
        for src in status.sources
        if src.trouble is not None
    }
    boxes = [b for b in status.box if b.open or b.flagged]
    return ctx.render("dashboard.html.j2", status=status, boxes=boxes, troubles=troubles)


# --- the register ---------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    status: str | None
    channel: str | None
    kind: str | None
    unit: str | None
    overdue: bool
    search: str | None
    page: int

    def query(self, page: int | None = None) -> str:
        """The URL query of these filters (never the search words)."""
        parts = [
            f"{key}={value}"
            for key, value in (
                ("status", self.status),
                ("kanal", self.channel),
                ("jenis", self.kind),
                ("unit", self.unit),
                ("terlambat", "1" if self.overdue else None),
                ("halaman", str(page) if page and page > 1 else None),
            )
            if value
        ]
        return "?" + "&".join(parts) if parts else ""


def _filters(ctx: Ctx, get: Any) -> Filters:
    return Filters(
        status=_choice(get("status"), STATUSES),
        channel=_choice(get("kanal"), CHANNELS),
        kind=_choice(get("jenis"), KINDS),
        unit=_choice(get("unit"), _units(ctx)),
        overdue=get("terlambat") in ("1", "on"),
        search=(get("cari") or None) if ctx.request.method == "POST" else None,
        page=max(1, _int(get("halaman"), 1)),
    )


def register_list(ctx: Ctx) -> Response:
    """Filters come in the URL (bookmarkable, nothing personal), a search only by POST."""
    get = ctx.field if ctx.request.method == "POST" else ctx.query
    filters = _filters(ctx, get)
    now = ctx.console.now()
    where = EntryFilter(
        status=filters.status,
        channel=filters.channel,
        kind=filters.kind,
        unit=filters.unit,
        overdue_at=now if filters.overdue else None,
        search=filters.search[:200] if filters.search else None,
    )
    with Session(ctx.console.engine) as session:
        total = count_listed(session, where)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(filters.page, pages)
        entries = list_entries(session, where=where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        late = {e.register_no for e in entries if overdue_deadlines(e, now)}
    return ctx.render(
        "register.html.j2",
        entries=entries,
        late=late,
        filters=filters,
        total=total,
        page=page,
        pages=pages,
        statuses=STATUSES,
        channels=CHANNELS,
        kinds=KINDS,
        units=_units(ctx),
    )


# --- one entry ------------------------------------------------------------------------


def entry_page(ctx: Ctx) -> Response:
    number = _register_no(ctx)
    now = ctx.console.now()
    tz = ctx.console.settings.facility.tz
    with Session(ctx.console.engine) as session:
        entry = _entry(session, number)
        data = entry_json(session, entry, tz)
        events = _events(session, entry)
        missed = {kind for kind, _ in overdue_deadlines(entry, now)}
    return ctx.render(
        "entry.html.j2",
        entry=entry,
        data=data,
        events=events,
        missed=missed,
        previews=_previews(data),
        kinds=KINDS,
        units=_units(ctx),
        statuses=STATUSES,
        mailed_answer=entry.channel == "email" and bool(entry.reporter_contact),
        dinkes=bool(ctx.console.settings.escalation.dinkes),
        electronic=entry.channel in ELECTRONIC_CHANNELS,
    )


def _events(session: Session, entry: Entry) -> list[Event]:
    return list(
        session.exec(select(Event).where(Event.entry_id == entry.id).order_by(col(Event.id)))
    )


def _previews(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The pages to show of an entry's scanned files: a slip's own page, else page 1."""
    shown: list[dict[str, Any]] = []
    pages = {image["sha256"]: image["page"] for image in data["review"]["images"]}
    for f in data["files"]:
        if f["content_type"].startswith(SCANNED):
            page = pages.get(f["sha256"], 1) if data["channel"] == "kotak_saran" else 1
            shown.append({**f, "page": page})
    return shown


def _act(ctx: Ctx, what: str) -> str:
    """The register number of the entry a form is about; refusals return to its page."""
    number = _register_no(ctx)
    ctx.back = _entry_path(number)
    with Session(ctx.console.engine) as session:
        _entry(session, number)
    log.info("user=%s %s register_no=%s", ctx.by, what, number)
    return number


def correct_labels(ctx: Ctx) -> Response:
    number = _act(ctx, "corrects the classification")
    urgent = {"ya": True, "tidak": False}.get(ctx.field("mendesak") or "")
    labels = Correction(
        _choice(ctx.field("jenis"), KINDS), _choice(ctx.field("unit"), _units(ctx)), urgent
    )
    if labels == Correction():
        return ctx.redirect(ctx.back, ctx.t("saved_unchanged"))
    done = actions.correct(ctx.console.runtime, number, labels, by=ctx.by, now=ctx.console.now())
    message = (
        ctx.t("saved_corrected", changes="; ".join(done.changes))
        if done.changes
        else ctx.t("saved_unchanged")
    )
    return ctx.redirect(ctx.back, message)


def correct_text(ctx: Ctx) -> Response:
    number = _act(ctx, "corrects the text")
    return ctx.redirect(ctx.back, _revise(ctx, number))


def _revise(ctx: Ctx, number: str) -> str:
    """The review's two buttons: save the typed text, or say the machine read it right."""
    with Session(ctx.console.engine) as session:
        in_review = _entry(session, number).review_reason is not None
    if ctx.field("aksi") == "benar":
        actions.correct(
            ctx.console.runtime, number, Correction(), reviewed=True, by=ctx.by,
            now=ctx.console.now(),
        )  # fmt: skip
        return ctx.t("saved_reviewed")
    typed = _required(ctx, ctx.field("teks"), "entry_text")
    done = actions.correct(
        ctx.console.runtime, number, Correction(), text=typed, by=ctx.by, now=ctx.console.now()
    )
    if done.text_changed:
        return ctx.t("saved_text")
    return ctx.t("saved_reviewed") if in_review else ctx.t("saved_unchanged")


def _required(ctx: Ctx, value: _T | None, label: str) -> _T:
    """A form's value, or a one-line error naming the field left empty."""
    if value is None:
        raise UsageError(ctx.t("field_empty", field=ctx.t(label)))
    return value


def _update(ctx: Ctx, number: str, change: Update) -> Response:
    done = actions.update(ctx.console.runtime, number, change, by=ctx.by, now=ctx.console.now())
    status = ctx.t(f"status_{done.status}")
    key = "saved_answer_mailed" if done.answer_mailed else "saved_status"
    return ctx.redirect(ctx.back, ctx.t(key, status=status))


def set_rtl(ctx: Ctx) -> Response:
    number = _act(ctx, "records the RTL")
    value = _required(ctx, ctx.field("rtl"), "form_rtl")
    return _update(ctx, number, Update(rtl=value))


def set_response(ctx: Ctx) -> Response:
    number = _act(ctx, "records the answer")
    value = _required(ctx, ctx.field("tanggapan"), "form_response")
    return _update(ctx, number, Update(response=value))


def set_status(ctx: Ctx) -> Response:
    number = _act(ctx, "sets the status")
    value = _required(ctx, _choice(ctx.field("status"), STATUSES), "reg_status")
    return _update(ctx, number, Update(status=value))


def add_note(ctx: Ctx) -> Response:
    number = _act(ctx, "adds a note")
    value = _required(ctx, ctx.field("catatan"), "form_note")
    actions.update(
        ctx.console.runtime, number, Update(note=value), by=ctx.by, now=ctx.console.now()
    )
    return ctx.redirect(ctx.back, ctx.t("saved_note"))


def refer(ctx: Ctx) -> Response:
    number = _act(ctx, "refers to dinkes")
    done = actions.update(
        ctx.console.runtime,
        number,
        Update(),
        refer_to_dinkes=True,
        reason=ctx.field("alasan"),
        by=ctx.by,
        now=ctx.console.now(),
    )
    return ctx.redirect(ctx.back, ctx.t("saved_referral", n=done.referral))


def confidential(ctx: Ctx) -> Response:
    number = _act(ctx, "changes confidentiality")
    answer = {"ya": True, "tidak": False}.get(ctx.field("rahasia") or "")
    value = _required(ctx, answer, "form_confidential")
    actions.update(
        ctx.console.runtime, number, Update(confidential=value), by=ctx.by, now=ctx.console.now()
    )
    return ctx.redirect(ctx.back, ctx.t("saved_confidential"))


def receipt(ctx: Ctx) -> Response:
    from aduan.daemon.reports.receipt import receipt_pdf

    number = _register_no(ctx)
    with Session(ctx.console.engine) as session:
        data = receipt_pdf(_entry(session, number), ctx.console.settings, ctx.console.lang)
    headers = {**FILE_HEADERS, "content-disposition": _attachment(f"tanda-terima-{number}.pdf")}
    return Response(data, media_type="application/pdf", headers=headers)


# --- a new entry ----------------------------------------------------------------------


def new_form(ctx: Ctx) -> Response:
    return ctx.render(
        "new.html.j2",
        channels=MANUAL_CHANNELS,
        now_input=_datetime_input(ctx, ctx.console.now()),
    )


def new_entry(ctx: Ctx) -> Response:
    from aduan.daemon.intake import ManualItem
    from aduan.daemon.processed import Outcome

    ctx.back = "/entri/baru"
    channel = _required(ctx, _choice(ctx.field("kanal"), MANUAL_CHANNELS), "reg_channel")
    body = _required(ctx, ctx.field("isi"), "new_text")
    runtime = ctx.console.runtime
    result = runtime.intake.take_manual(
        ManualItem(
            channel=channel,
            text=body,
            received_at=_local_datetime(ctx, ctx.field("diterima"), default=ctx.console.now()),
            name=ctx.field("nama"),
            contact=ctx.field("kontak"),
            address=ctx.field("alamat"),
            by=ctx.by,
            confidential=ctx.field("rahasia") == "ya",
        )
    )
    assert result.register_no is not None
    log.info("user=%s registers register_no=%s", ctx.by, result.register_no)
    key = "new_registered" if result.outcome is Outcome.REGISTERED else "new_duplicate"
    return ctx.redirect(_entry_path(result.register_no), ctx.t(key, no=result.register_no))


# --- files ----------------------------------------------------------------------------


def _entry_file(ctx: Ctx) -> EntryFile:
    sha = str(ctx.request.path_params.get("sha", ""))
    if not SHA256.fullmatch(sha):
        raise NotFound
    with Session(ctx.console.engine) as session:
        found = session.exec(
            select(EntryFile).where(EntryFile.sha256 == sha).order_by(col(EntryFile.id))
        ).first()
    if found is None or not ctx.console.runtime.store.path(sha).exists():
        raise NotFound
    return found


def file_original(ctx: Ctx) -> Response:
    """A kept file as it came in, with the type it came with; only pictures are shown in
    the browser, anything else (HTML, PDF, office files) is downloaded."""
    stored = _entry_file(ctx)
    data = ctx.console.runtime.store.get(stored.sha256)
    content_type = stored.content_type.split(";")[0].strip().lower() or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    disposition = "inline" if inline else _attachment(stored.filename)
    return Response(
        data,
        media_type=content_type if inline else "application/octet-stream",
        headers={**FILE_HEADERS, "content-disposition": disposition},
    )


def file_page(ctx: Ctx) -> Response:
    """Page N of a scanned file as JPEG: a TIFF or PDF slip cannot be shown as it is."""
    stored = _entry_file(ctx)
    if not stored.content_type.startswith(SCANNED):
        raise NotFound
    page = int(ctx.request.path_params.get("page", 1))
    if not 1 <= page <= 500:
        raise NotFound
    store = ctx.console.runtime.store
    jpeg = ctx.console.previews.get(stored.sha256, page, lambda: store.get(stored.sha256))
    headers = {**FILE_HEADERS, "content-disposition": "inline"}
    return Response(jpeg, media_type="image/jpeg", headers=headers)


# --- the review queue -----------------------------------------------------------------


def _queue(session: Session) -> list[str]:
    """Register numbers to check, oldest first (as `aduan review`)."""
    return list(
        session.exec(
            select(Entry.register_no)
            .where(col(Entry.review_reason).is_not(None))
            .order_by(col(Entry.received_at), col(Entry.id))
        )
    )


def review_queue(ctx: Ctx) -> Response:
    with Session(ctx.console.engine) as session:
        entries = list(
            session.exec(
                select(Entry)
                .where(col(Entry.review_reason).is_not(None))
                .order_by(col(Entry.received_at), col(Entry.id))
            )
        )
    return ctx.render("review_list.html.j2", entries=entries)


def review_item(ctx: Ctx) -> Response:
    number = _register_no(ctx)
    tz = ctx.console.settings.facility.tz
    with Session(ctx.console.engine) as session:
        entry = _entry(session, number)
        data = entry_json(session, entry, tz, events=False)
        queue = _queue(session)
        readings = readings_of(session, entry.id)
    # Staff may start from either engine's reading of the complaint (`?bacaan=ppocr`).
    text = entry.text
    body = next((reading for reading in readings if reading.field in ("body", "page")), None)
    chosen = ctx.query("bacaan")
    if body is not None and chosen in ("tesseract", handwriting.NAME):
        text = body.tesseract if chosen == "tesseract" else body.second
    if number in queue:
        position = queue.index(number)
        following = queue[position + 1 :] + queue[:position]
    else:
        position, following = -1, queue
    return ctx.render(
        "review_item.html.j2",
        entry=entry,
        text=text,
        readings=readings,
        data=data,
        previews=_previews(data),
        position=position + 1,
        total=len(queue),
        next_no=following[0] if following else None,
    )


def review_save(ctx: Ctx) -> Response:
    number = _register_no(ctx)
    ctx.back = f"/tinjau/{number}"
    with Session(ctx.console.engine) as session:
        before = _queue(session)
        _entry(session, number)
    log.info("user=%s reviews register_no=%s", ctx.by, number)
    _revise(ctx, number)
    # The next one after this in the queue as it was; the queue's start when it was last.
    with Session(ctx.console.engine) as session:
        now_waiting = _queue(session)
    later = before[before.index(number) + 1 :] if number in before else []
    following = [n for n in later if n in now_waiting] or now_waiting
    message = ctx.t("review_done", no=number)
    if following:
        return ctx.redirect(f"/tinjau/{following[0]}", message)
    return ctx.redirect("/tinjau", message)


# --- quarantine -----------------------------------------------------------------------


def quarantine(ctx: Ctx) -> Response:
    with Session(ctx.console.engine) as session:
        items = list(
            session.exec(
                select(QuarantineItem)
                .where(QuarantineItem.status == "karantina")
                .order_by(col(QuarantineItem.id))
            )
        )
    return ctx.render("quarantine.html.j2", items=items)


def quarantine_retry(ctx: Ctx) -> Response:
    from aduan.daemon.processed import Outcome

    ctx.back = "/karantina"
    item_id = int(ctx.request.path_params["id"])
    runtime = ctx.console.runtime
    mailbox = runtime.settings.mailbox
    log.info("user=%s retries quarantine item %d", ctx.by, item_id)
    result = runtime.intake.retry_quarantined(
        item_id, max_bytes=mailbox.max_message_bytes if mailbox else None
    )
    if result.outcome is Outcome.QUARANTINED:
        with Session(runtime.engine) as session:
            row = session.get(QuarantineItem, item_id)
            reason = row.reason if row else "?"
        return ctx.redirect("/karantina", ctx.t("q_retry_failed", reason=reason), error=True)
    if result.register_no:
        # On the entry's trail: who took it out of quarantine.
        with transaction(runtime.engine) as session:
            entry = get_entry(session, result.register_no)
            assert entry.id is not None
            detail = ctx.t("event_retried", id=item_id)
            add_event(session, entry.id, ctx.console.now(), "retried", ctx.by, detail)
        return ctx.redirect(
            _entry_path(result.register_no), ctx.t("q_retry_ok", no=result.register_no)
        )
    return ctx.redirect("/karantina", ctx.t("q_retry_skipped", outcome=result.outcome.value))


def quarantine_file(ctx: Ctx) -> Response:
    item_id = int(ctx.request.path_params["id"])
    with Session(ctx.console.engine) as session:
        row = session.get(QuarantineItem, item_id)
    if row is None or not ctx.console.runtime.store.path(row.sha256).exists():
        raise NotFound
    suffix = re.sub(r"[^a-z0-9]", "", row.filename.rpartition(".")[2].lower())[:5]
    name = f"karantina-{item_id}" + (f".{suffix}" if suffix and "." in row.filename else "")
    headers = {**FILE_HEADERS, "content-disposition": _attachment(name)}
    data = ctx.console.runtime.store.get(row.sha256)
    return Response(data, media_type="application/octet-stream", headers=headers)


# --- the suggestion box ---------------------------------------------------------------


def box(ctx: Ctx) -> Response:
    with Session(ctx.console.engine) as session:
        counts = box_counts(session)
    return ctx.render(
        "box.html.j2", counts=counts, now_input=_datetime_input(ctx, ctx.console.now())
    )


def box_record(ctx: Ctx) -> Response:
    ctx.back = "/kotak"
    now = ctx.console.now()
    opened_at = _local_datetime(ctx, ctx.field("dibuka"), default=now)
    try:
        counted = int(ctx.field("jumlah") or "")
    except ValueError:
        raise UsageError(ctx.t("bad_number", field=ctx.t("box_count"))) from None
    if counted < 0:
        raise UsageError(ctx.t("bad_number", field=ctx.t("box_count")))
    opened_by = ctx.field("oleh") or ctx.by
    with transaction(ctx.console.engine) as session:
        opening = open_box(session, opened_at, opened_by[:100], counted, ctx.field("catatan"), now)
        box_id = opening.id
    log.info("user=%s records box opening %s", ctx.by, box_id)
    return ctx.redirect("/kotak", ctx.t("box_saved", id=box_id))


def box_close(ctx: Ctx) -> Response:
    ctx.back = "/kotak"
    box_id = int(ctx.request.path_params["id"])
    with transaction(ctx.console.engine) as session:
        close_box(session, box_id, ctx.console.now())
    log.info("user=%s closes box opening %d", ctx.by, box_id)
    return ctx.redirect("/kotak", ctx.t("box_closed", id=box_id))


# --- reports and the board ------------------------------------------------------------


@dataclass(frozen=True)
class ReportFile:
    name: str
    made: datetime
    size: int


def _report_files(ctx: Ctx) -> list[ReportFile]:
    """Recaps and boards in [reports] dir, newest first."""
    folder = ctx.console.settings.reports.dir
    if not folder.is_dir():
        return []
    tz = ctx.console.settings.facility.tz
    found = []
    for path in folder.iterdir():
        if REPORT_FILE.fullmatch(path.name) and path.is_file():
            stat = path.stat()
            found.append(
                ReportFile(path.name, datetime.fromtimestamp(stat.st_mtime, tz), stat.st_size)
            )
    found.sort(key=lambda f: (f.made, f.name), reverse=True)
    return found[:60]


def reports(ctx: Ctx) -> Response:
    from aduan.daemon.reports.recap import FORMATS

    settings = ctx.console.settings
    days = settings.reports.board_every_days or 14
    since = (ctx.console.now() - timedelta(days=days)).astimezone(settings.facility.tz).date()
    return ctx.render(
        "reports.html.j2",
        files=_report_files(ctx),
        formats=FORMATS,
        default_formats=settings.reports.formats,
        board_since=since.isoformat(),
    )


def _formats(ctx: Ctx, allowed: tuple[str, ...]) -> list[str]:
    assert ctx.form is not None
    chosen = [f for f in ctx.form.getlist("format") if isinstance(f, str) and f in allowed]
    if not chosen:
        raise UsageError(ctx.t("bad_format"))
    return list(dict.fromkeys(chosen))


def report_make(ctx: Ctx) -> Response:
    from aduan.daemon.reports import periods
    from aduan.daemon.reports.publish import publish_report
    from aduan.daemon.reports.recap import FORMATS, make_report

    ctx.back = "/laporan"
    settings = ctx.console.settings
    tz = settings.facility.tz
    kind = _required(ctx, _choice(ctx.field("jenis"), periods.KINDS), "rep_kind")
    formats = _formats(ctx, FORMATS)
    send = ctx.field("kirim") == "ya"
    if send and not ctx.staff.may(SEND):
        return ctx.forbidden()
    now = ctx.console.now()
    text = ctx.field("periode")
    period = periods.parse(kind, text, tz) if text else periods.last_complete(kind, now, tz)
    runtime = ctx.console.runtime
    lang = ctx.console.lang
    log.info("user=%s makes recap %s %s", ctx.by, kind, period.key)
    with transaction(runtime.engine) as session:
        if send:
            report = publish_report(
                session, settings, runtime.escalator, period, now, ctx.by,
                formats=formats, lang=lang,
            )  # fmt: skip
        else:
            report = make_report(
                session, settings, period, now, formats, settings.reports.dir, lang
            )
    message = ctx.t("rep_made", title=report.title)
    if send:
        message += " " + ctx.t("rep_queued")
    return ctx.redirect("/laporan", message)


def board_make(ctx: Ctx) -> Response:
    from aduan.daemon.reports.publish import publish_board

    ctx.back = "/laporan"
    settings = ctx.console.settings
    tz = settings.facility.tz
    now = ctx.console.now()
    raw = ctx.field("sejak")
    days = settings.reports.board_every_days or 14
    if raw is None:
        since = now - timedelta(days=days)
    else:
        try:
            since = datetime.combine(date.fromisoformat(raw), time(0), tz)
        except ValueError:
            raise UsageError(ctx.t("bad_date", value=raw)) from None
    formats = _formats(ctx, ("html", "pdf"))
    send = ctx.field("kirim") == "ya"
    if send and not ctx.staff.may(SEND):
        return ctx.forbidden()
    runtime = ctx.console.runtime
    log.info("user=%s makes the notice board", ctx.by)
    with transaction(runtime.engine) as session:
        made = publish_board(
            session, settings, runtime.escalator, since, now, now, ctx.by,
            lang=ctx.console.lang, formats=formats, send=send,
        )  # fmt: skip
    message = ctx.t("board_made", n=len(made.items), published=len(made.published))
    if send:
        message += " " + ctx.t("rep_queued")
    return ctx.redirect("/laporan", message)


def report_file(ctx: Ctx) -> Response:
    name = str(ctx.request.path_params.get("name", ""))
    match = REPORT_FILE.fullmatch(name)
    path = ctx.console.settings.reports.dir / name
    if match is None or not path.is_file():
        raise NotFound
    suffix = name.rpartition(".")[2]
    headers = dict(FILE_HEADERS)
    if suffix == "html":
        # Our own recap: shown, with its inline styles and pictures, and no script at all.
        headers["content-security-policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; sandbox"
        )
        headers["content-disposition"] = "inline"
    else:
        headers["content-disposition"] = _attachment(name)
    return Response(path.read_bytes(), media_type=REPORT_TYPES[suffix], headers=headers)


# --- accounts -------------------------------------------------------------------------


def users(ctx: Ctx) -> Response:
    return ctx.render("users.html.j2", users=list_users(ctx.console.engine))


def account(ctx: Ctx) -> Response:
    return ctx.render("account.html.j2", min_password=MIN_PASSWORD, error=None)


def account_save(ctx: Ctx) -> Response:
    engine = ctx.console.engine
    current = ctx.form.get("sekarang") if ctx.form else None
    new = ctx.form.get("baru") if ctx.form else None
    again = ctx.form.get("ulang") if ctx.form else None
    error = None
    if not all(isinstance(v, str) for v in (current, new, again)):
        error = ctx.t("account_mismatch")
    elif authenticate(engine, ctx.by, str(current), ctx.console.now()) is None:
        error = ctx.t("account_wrong")
    elif new != again:
        error = ctx.t("account_mismatch")
    else:
        try:
            set_password(engine, ctx.by, str(new))
        except UsageError:
            error = ctx.t("account_short", n=MIN_PASSWORD)
    if error is not None:
        return ctx.render("account.html.j2", 400, min_password=MIN_PASSWORD, error=error)
    log.info("user=%s changed their password", ctx.by)
    # Every session ended with the old password, this one too: log in with the new one.
    return ctx.redirect("/masuk", ctx.t("account_changed"))


ROUTES: list[tuple[str, str, Handler, str]] = [
    ("/", "GET", dashboard, READ),
    ("/register", "GET", register_list, READ),
    ("/register", "POST", register_list, READ),
    ("/entri/baru", "GET", new_form, WORK),
    ("/entri/baru", "POST", new_entry, WORK),
    ("/entri/{no}", "GET", entry_page, READ),
    ("/entri/{no}/klasifikasi", "POST", correct_labels, WORK),
    ("/entri/{no}/teks", "POST", correct_text, WORK),
    ("/entri/{no}/rtl", "POST", set_rtl, WORK),
    ("/entri/{no}/tanggapan", "POST", set_response, WORK),
    ("/entri/{no}/status", "POST", set_status, WORK),
    ("/entri/{no}/catatan", "POST", add_note, NOTE),
    ("/entri/{no}/rujuk", "POST", refer, REFER),
    ("/entri/{no}/rahasia", "POST", confidential, CONFIDENTIAL),
    ("/entri/{no}/tanda-terima", "GET", receipt, READ),
    ("/berkas/{sha}", "GET", file_original, READ),
    ("/berkas/{sha}/halaman/{page:int}", "GET", file_page, READ),
    ("/tinjau", "GET", review_queue, READ),
    ("/tinjau/{no}", "GET", review_item, READ),
    ("/tinjau/{no}", "POST", review_save, WORK),
    ("/karantina", "GET", quarantine, READ),
    ("/karantina/{id:int}/ulang", "POST", quarantine_retry, WORK),
    ("/karantina/{id:int}/berkas", "GET", quarantine_file, READ),
    ("/kotak", "GET", box, READ),
    ("/kotak", "POST", box_record, WORK),
    ("/kotak/{id:int}/tutup", "POST", box_close, WORK),
    ("/laporan", "GET", reports, REPORTS),
    ("/laporan", "POST", report_make, REPORTS),
    ("/papan", "POST", board_make, BOARD),
    ("/laporan/berkas/{name}", "GET", report_file, REPORTS),
    ("/pengguna", "GET", users, USERS),
    ("/akun", "GET", account, READ),
    ("/akun", "POST", account_save, READ),
]
