"""The recaps the SOPs ask for, written as files: HTML, PDF, CSV and XLSX.

- monthly (`bulanan`): to the head of the Puskesmas ("rekapitulasi laporan hasil pengaduan
  1 bulan sekali"); no reporter's name or contact in the page, the XLSX register has them;
- semester: the analysis for the management review every six months;
- weekly (`mingguan`): the WhatsApp/SMS feedback for the quality team's feedback book,
  reporters as initials.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sqlmodel import Session

from aduan.daemon.box import box_counts
from aduan.daemon.config import Settings
from aduan.daemon.errors import UsageError
from aduan.daemon.letters import Letters
from aduan.daemon.reports import charts, exports, figures, tables
from aduan.daemon.reports.documents import Documents, pdf_bytes, write_files
from aduan.daemon.reports.periods import Period
from aduan.daemon.reports.records import (
    Overdue,
    Record,
    load_overdue,
    load_records,
    load_tallies,
)
from aduan.daemon.reports.texts import Texts, limit_text
from aduan.models.tables import CHANNELS, KINDS, UNITS
from aduan.parsers.scrub import Diagnoses, mask_health

FORMATS = ("html", "pdf", "csv", "xlsx")
# The weekly recap is SOP 004's book of WhatsApp/SMS feedback.
WEEKLY_CHANNELS = ("whatsapp", "sms")
# The printed list of overdue entries stops here, the XLSX summary's further on; past that,
# `aduan register list --overdue` has them all.
OVERDUE_ROWS = 100
OVERDUE_SHEET_ROWS = 1000


@dataclass(frozen=True)
class Report:
    period: Period
    title: str
    summary: list[str]  # 3–8 one-line key figures for a mail body, in the language
    files: list[Path]  # what was written


@dataclass(frozen=True)
class _Content:
    """What one kind of recap hands to the writers."""

    template: str
    context: dict[str, Any]
    sheets: list[tables.Table]  # the XLSX summary sheet
    register: list[Record]  # the CSV rows and the XLSX register
    names: bool  # the XLSX register shows reporters in full
    summary: list[str] = field(default_factory=list)


def file_stem(period: Period) -> str:
    """`rekap-bulanan-2026-11`: the same in every language."""
    return f"rekap-{period.kind}-{period.key}"


def make_report(
    session: Session,
    settings: Settings,
    period: Period,
    now: datetime,
    formats: Sequence[str],
    out_dir: Path,
    lang: str,
) -> Report:
    """Write the recap of `period` in `formats` under `out_dir`; `now` is the moment the
    figures are judged at (what is pending, what is overdue)."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(
            f"report format {unknown[0]!r} is not known; use some of: {', '.join(FORMATS)}"
        )
    t = Texts(lang, settings.facility.tz)
    builders: dict[str, Callable[..., _Content]] = {
        "bulanan": _monthly,
        "semester": _semester,
        "mingguan": _weekly,
    }
    if period.kind not in builders:
        raise UsageError(f"report kind {period.kind!r} is not known")
    pictures = "html" in formats or "pdf" in formats
    content = builders[period.kind](session, settings, period, now, t, pictures)
    title = t.title(period, settings.facility.name)
    stem = file_stem(period)
    files: list[tuple[str, bytes]] = []
    html = ""
    if pictures:
        docs = Documents(Letters(settings.facility.tz))
        html = docs.html(
            content.template,
            lang,
            t=t,
            cell=lambda value: tables.text(value, t),
            title=title,
            heading=t(f"heading_{period.kind}"),
            facility=settings.facility.name,
            period_name=t.period_name(period),
            span=t.span(period),
            made=now,
            to=t(f"to_{period.kind}", facility=settings.facility.name),
            csv_name=f"{stem}.csv" if "csv" in formats else None,
            xlsx_name=f"{stem}.xlsx" if "xlsx" in formats else None,
            **content.context,
        )
    for fmt in dict.fromkeys(formats):
        if fmt == "html":
            files.append((f"{stem}.html", html.encode()))
        elif fmt == "pdf":
            files.append((f"{stem}.pdf", pdf_bytes(html)))
        elif fmt == "csv":
            files.append((f"{stem}.csv", exports.csv_bytes(content.register, t)))
        else:
            data = exports.xlsx_bytes(
                content.sheets, content.register, t, names=content.names, mask=_mask(settings)
            )
            files.append((f"{stem}.xlsx", data))
    return Report(period, title, content.summary, write_files(out_dir, files))


def _mask(settings: Settings) -> Callable[[str], str]:
    """What the mailed workbook does to the register's texts: `[privacy] mask_health`."""
    privacy = settings.privacy
    if not privacy.mask_health:
        return str
    diagnoses = Diagnoses.of(privacy.diagnoses, privacy.diagnoses_shown)
    return lambda text: mask_health(text, diagnoses)


def _monthly(
    session: Session, settings: Settings, period: Period, now: datetime, t: Texts, pictures: bool
) -> _Content:
    records, fig, late_total, parts = _counted(session, settings, period, now, t)
    parts["top_units"] = tables.top_units(fig.top_units, t)
    parts["top_words"] = tables.top_words(fig.top_words, t)
    boxes = box_counts(session, period.start, period.end)
    parts["box"] = tables.box_sessions(boxes, t)
    sheets = [parts[k] for k in ("summary", "kind", "channel", "unit", "status", "timeliness")]
    sheets += [parts["overdue_all"], parts["top_units"], parts["top_words"], parts["box"]]
    pics = _count_charts(fig, t, period.kind) if pictures else {}
    summary = _summary_lines(fig, t, period.kind)
    summary.append(t("sum_overdue", when=t.date(now), n=t.num(late_total)))
    if fig.top_units:
        top = fig.top_units[0]
        summary.append(t("sum_top", unit=t.label(top.value), n=top.count))
    if boxes:
        summary.append(t("sum_box", n=len(boxes), flagged=sum(b.flagged for b in boxes)))
    context = {"tables": parts, "charts": pics, "overdue_more": max(0, late_total - OVERDUE_ROWS)}
    return _Content("rekap_bulanan.html.j2", context, sheets, records, True, summary)


def _semester(
    session: Session, settings: Settings, period: Period, now: datetime, t: Texts, pictures: bool
) -> _Content:
    records, fig, late_total, parts = _counted(session, settings, period, now, t)
    more = figures.semester_figures(records, period)
    parts["months"] = tables.months(more.months, t)
    parts["ranked"] = tables.ranked_units(more.ranked_units, t)
    parts["recurring"] = tables.recurring(
        more.recurring, t, len(more.months), figures.RECURRING_MONTHS
    )
    parts["resolution"] = tables.resolution(more.resolution, t)
    order = ("summary", "months", "kind", "channel", "status", "ranked", "recurring")
    sheets = [parts[k] for k in order]
    sheets += [parts["resolution"], parts["timeliness"], parts["overdue_all"]]
    pics: dict[str, Markup] = {}
    if pictures:
        pics = _count_charts(fig, t, period.kind)
        month_labels = [t.short_month(r.month.start) for r in more.months]
        series = [
            charts.Series(t.label(kind), [r.by_kind[i] for r in more.months])
            for i, kind in enumerate(KINDS)
        ]
        if any(any(line.values) for line in series):
            pics["months"] = Markup(charts.lines("months", month_labels, series, t("axis_count")))
        else:
            pics["months"] = Markup("")
        # Beside the ranked table, in its order: complaints, and all feedback per unit.
        ranked = more.ranked_units
        pics["unit"] = Markup(
            charts.bars(
                "ranked",
                [t.label(unit) for unit, _, _ in ranked],
                charts.Series(t("complaints"), [n for _, n, _ in ranked]),
                charts.Series(t("all_feedback"), [n for _, _, n in ranked]),
                horizontal=True,
                axis_label=t("axis_count"),
            )
        )
    summary = _summary_lines(fig, t, period.kind)
    if more.recurring:
        items = ", ".join(
            t.label(r.value) if r.what == "unit" else f"“{r.value}”" for r in more.recurring[:4]
        )
        summary.append(t("sum_recurring", items=items))
    if fig.top_units:
        top = fig.top_units[0]
        summary.append(t("sum_top", unit=t.label(top.value), n=top.count))
    context = {"tables": parts, "charts": pics, "overdue_more": max(0, late_total - OVERDUE_ROWS)}
    return _Content("rekap_semester.html.j2", context, sheets, records, True, summary[:8])


def _weekly(
    session: Session, settings: Settings, period: Period, now: datetime, t: Texts, pictures: bool
) -> _Content:
    records = load_records(session, period.start, period.end, now, channels=WEEKLY_CHANNELS)
    before = period.previous()
    previous = load_tallies(session, before.start, before.end, channels=WEEKLY_CHANNELS)
    fig = figures.figures(records, previous, settings.deadlines, now)
    real = [r for r in records if not r.spam]
    parts = {
        "summary": tables.summary(fig, t, period.kind),
        "kind": tables.comparison(t("sec_kind"), fig.by_kind, t, period.kind),
        "unit": tables.comparison(t("sec_unit"), fig.by_unit, t, period.kind),
        "channel": tables.comparison(
            t("sec_channel"),
            [c for c in fig.by_channel if c.value in WEEKLY_CHANNELS],
            t,
            period.kind,
        ),
        "items": tables.weekly_items(real, t),
    }
    sheets = [parts[k] for k in ("summary", "channel", "kind", "unit")]
    total = fig.summary[0]
    summary = [
        _total_line(total, t, period.kind),
        t(
            "sum_weekly",
            wa=sum(r.channel == "whatsapp" for r in real),
            sms=sum(r.channel == "sms" for r in real),
            complaints=sum(r.kind == "keluhan" for r in real),
        ),
        t("sum_urgent", n=fig.summary[1].now),
        t("sum_open", n=sum(r.resolved_at is None for r in real)),
    ]
    context = {"tables": parts, "charts": {}, "overdue_more": 0}
    return _Content("rekap_mingguan.html.j2", context, sheets, records, False, summary)


def _counted(
    session: Session, settings: Settings, period: Period, now: datetime, t: Texts
) -> tuple[list[Record], figures.Figures, int, dict[str, tables.Table]]:
    """What the monthly and semester recaps share: the period's entries, their figures
    against the period before, the overdue count and the common tables."""
    records = load_records(session, period.start, period.end, now)
    before = period.previous()
    previous = load_tallies(session, before.start, before.end)
    fig = figures.figures(records, previous, settings.deadlines, now)
    late, late_total = load_overdue(session, period.end, now, OVERDUE_SHEET_ROWS)
    return records, fig, late_total, _common_tables(fig, late, late_total, t, period.kind, now)


def _common_tables(
    fig: figures.Figures,
    late: list[Overdue],
    late_total: int,
    t: Texts,
    kind: str,
    now: datetime,
) -> dict[str, tables.Table]:
    return {
        "summary": tables.summary(fig, t, kind),
        "kind": tables.comparison(t("sec_kind"), fig.by_kind, t, kind),
        "channel": tables.comparison(t("sec_channel"), fig.by_channel, t, kind),
        "unit": tables.comparison(t("sec_unit"), fig.by_unit, t, kind),
        "status": tables.comparison(t("sec_status"), fig.by_status, t, kind),
        "timeliness": tables.timeliness(fig.timeliness, t, now),
        "overdue": tables.overdue(late[:OVERDUE_ROWS], t),
        "overdue_all": tables.overdue(late, t, late_total),
    }


def _count_charts(fig: figures.Figures, t: Texts, kind: str) -> dict[str, Markup]:
    def draw(
        name: str, counts: list[figures.Count], vocabulary: Sequence[str], **kw: Any
    ) -> Markup:
        shown = [c for c in counts if c.value in vocabulary or c.now or c.before]
        labels = [t.label(c.value) for c in shown]
        now = charts.Series(t(f"now_{kind}"), [c.now for c in shown])
        before = None
        if any(c.before is not None for c in shown):
            before = charts.Series(t(f"before_{kind}"), [c.before or 0 for c in shown])
        if not any(now.values) and (before is None or not any(before.values)):
            return Markup("")  # the template says so in words
        svg = charts.bars(name, labels, now, before, axis_label=t("axis_count"), **kw)
        return Markup(svg)

    return {
        "kind": draw("kind", fig.by_kind, KINDS),
        "channel": draw("channel", fig.by_channel, CHANNELS),
        "unit": draw("unit", fig.by_unit, UNITS, horizontal=True),
    }


def _summary_lines(fig: figures.Figures, t: Texts, kind: str) -> list[str]:
    total, urgent, spam = fig.summary
    lines = [
        _total_line(total, t, kind),
        t("sum_urgent", n=t.num(urgent.now)),
        t("sum_spam", n=t.num(spam.now)),
    ]
    for d in fig.timeliness:
        limit = limit_text(t, d)
        lines.append(
            t("sum_deadline", deadline=t(f"deadline_{d.name}"), limit=limit, share=t.pct(d.share))
        )
    return lines


def _total_line(total: figures.Count, t: Texts, kind: str) -> str:
    if total.before is None:
        return t("sum_total_plain", n=t.num(total.now))
    return t(
        "sum_total",
        n=t.num(total.now),
        before_label=t(f"before_{kind}").lower(),
        before=t.num(total.before),
        change=t.change(total.change),
    )
