"""Figures → tables in the reader's language: what the HTML page and the XLSX summary show.

A cell keeps its type (a share, a change, a moment) until the output decides how to write
it: "87,5%" in the page, 0.875 formatted as a percentage in Excel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aduan.daemon.box import BoxCount
from aduan.daemon.letters import shorten
from aduan.daemon.reports.figures import (
    BUCKETS,
    Count,
    Deadline,
    Figures,
    MonthRow,
    Recurring,
    Topic,
    initials,
)
from aduan.daemon.reports.records import Overdue, Record
from aduan.daemon.reports.texts import Texts, limit_text
from aduan.models.tables import KINDS
from aduan.parsers.scrub import scrub

EXCERPT_CHARS = 200


@dataclass(frozen=True)
class Share:
    value: float | None  # 0–1; None: nothing to divide


@dataclass(frozen=True)
class Change:
    value: int | None


@dataclass(frozen=True)
class Duration:
    value: float | None
    unit: str  # "hours" | "days"


@dataclass(frozen=True)
class Moment:
    value: datetime
    time: bool = False  # show the time of day too


@dataclass(frozen=True)
class Lines:
    """Several short lines in one cell (the weekly list packs date and channel together)."""

    lines: tuple[str, ...]


Cell = str | int | Share | Change | Duration | Moment | Lines
NUMERIC = (int, Share, Change, Duration)


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None  # a last, bold row
    notes: tuple[str, ...] = ()
    wide: int | None = None  # the column of long text, given most of the width
    short: tuple[int, ...] = ()  # columns of short text that must not wrap ("≤ 48 jam")

    def css(self, column: int) -> str:
        """The class of a column's cells: numbers right-aligned, as in a ledger."""
        if self.numeric(column):
            return "num"
        if column == self.wide:
            return "wide"
        return "nowrap" if column in self.short else ""

    def numeric(self, column: int) -> bool:
        """Whether a column holds numbers (right-aligned, as in a ledger)."""
        cells = [row[column] for row in self.rows]
        return bool(cells) and all(isinstance(c, NUMERIC) for c in cells)


def text(cell: Cell, t: Texts) -> str:
    """How a cell reads on the page."""
    if isinstance(cell, bool):  # a bool is an int: never show "True"
        return "✓" if cell else ""
    if isinstance(cell, int):
        return t.num(cell)
    if isinstance(cell, Share):
        return t.pct(cell.value)
    if isinstance(cell, Change):
        return t.change(cell.value)
    if isinstance(cell, Duration):
        if cell.value is None:
            return "–"
        return t(cell.unit, n=t.dec(cell.value))
    if isinstance(cell, Moment):
        return t.date_time(cell.value) if cell.time else t.date(cell.value)
    if isinstance(cell, Lines):
        return "\n".join(cell.lines)
    return cell


def comparison(
    title: str, counts: Sequence[Count], t: Texts, kind: str, *, total: bool = True
) -> Table:
    """One row per count: this period, the previous one, the change; a total row."""
    compare = any(c.before is not None for c in counts)
    header: tuple[str, ...] = (t("item"), t(f"now_{kind}"))
    if compare:
        header = (*header, t(f"before_{kind}"), t("change"))
    rows = tuple(_count_row(t.label(c.value), c, compare) for c in counts)
    sums = None
    if total:
        now = sum(c.now for c in counts)
        before = sum(c.before or 0 for c in counts)
        sums = _count_row(t("total"), Count("total", now, before if compare else None), compare)
    return Table(title, header, rows, sums)


def summary(fig: Figures, t: Texts, kind: str) -> Table:
    names = {"total": "line_total", "urgent": "line_urgent", "spam": "line_spam"}
    compare = any(c.before is not None for c in fig.summary)
    header: tuple[str, ...] = (t("item"), t(f"now_{kind}"))
    if compare:
        header = (*header, t(f"before_{kind}"), t("change"))
    rows = tuple(_count_row(t(names[c.value]), c, compare) for c in fig.summary)
    return Table(t("sec_count"), header, rows, notes=(t("note_spam"),))


def _count_row(name: str, count: Count, compare: bool) -> tuple[Cell, ...]:
    if not compare:
        return (name, count.now)
    return (name, count.now, count.before or 0, Change(count.change))


def timeliness(deadlines: Sequence[Deadline], t: Texts, now: datetime) -> Table:
    header = (
        t("deadline"),
        t("limit"),
        t("count"),
        t("on_time"),
        t("late"),
        t("pending"),
        t("on_time_share"),
        t("median"),
    )
    rows = tuple(
        (
            t(f"deadline_{d.name}"),
            limit_text(t, d),
            d.total,
            d.on_time,
            d.late,
            d.pending,
            Share(d.share),
            Duration(d.median, "days" if d.name == "resolve" else "hours"),
        )
        for d in deadlines
    )
    counts = ", ".join(f"{t(f'missed_{d.name}')} {t.num(d.late_pending)}" for d in deadlines)
    notes = (
        t("note_late", counts=counts, when=t.date_time(now)),
        t("note_pending"),
        t("note_milestones"),
    )
    return Table(t("sec_timeliness"), header, rows, notes=notes, short=(1,))


def overdue(items: Sequence[Overdue], t: Texts, total: int | None = None) -> Table:
    """The overdue list; `total` beyond the items listed adds a note of how many more."""
    header = (t("no"), t("register_no"), t("received"), t("kind"), t("unit"), t("missed"))
    rows = tuple(
        (
            i,
            item.register_no,
            Moment(item.received_at),
            t.label(item.kind),
            t.label(item.unit),
            "; ".join(
                t("missed_due", deadline=t(f"missed_{name}"), due=t.date(due))
                for name, due in item.deadlines
            ),
        )
        for i, item in enumerate(items, 1)
    )
    more = (total or 0) - len(items)
    notes = (t("overdue_more_sheet", n=t.num(more)),) if more > 0 else ()
    return Table(t("sec_overdue"), header, rows, notes=notes)


def box_sessions(counts: Sequence[BoxCount], t: Texts) -> Table:
    """Each opening of the suggestion box: slips counted against slips registered."""
    header = (
        t("no"), t("box_opened"), t("box_by"), t("box_counted"), t("box_registered"),
        t("box_difference"), t("box_state"),
    )  # fmt: skip
    rows = tuple(
        (
            i,
            Moment(box.opened_at, time=True),
            box.opened_by,
            box.counted,
            box.registered,
            Change(box.difference),
            t(f"box_{box.state}"),
        )
        for i, box in enumerate(sorted(counts, key=lambda b: b.opened_at), 1)
    )
    return Table(t("sec_box"), header, rows, notes=(t("box_note"),))


def top_units(topics: Sequence[Topic], t: Texts) -> Table:
    rows = tuple((i, t.label(x.value), x.count) for i, x in enumerate(topics, 1))
    return Table(t("top_units"), (t("rank"), t("unit"), t("complaints")), rows)


def top_words(topics: Sequence[Topic], t: Texts) -> Table:
    rows = tuple((i, x.value, x.count) for i, x in enumerate(topics, 1))
    header = (t("rank"), t("word"), t("entries"))
    return Table(t("top_words"), header, rows, notes=(t("topics_note"),))


def months(rows: Sequence[MonthRow], t: Texts) -> Table:
    header = (t("month"), *(t.label(k) for k in KINDS), t("total"))
    body: tuple[tuple[Cell, ...], ...] = tuple(
        (t.month_name(r.month.start), *r.by_kind, r.total) for r in rows
    )
    sums: tuple[Cell, ...] = (
        t("total"),
        *(sum(r.by_kind[i] for r in rows) for i in range(len(KINDS))),
        sum(r.total for r in rows),
    )
    return Table(t("sec_months"), header, body, sums)


def ranked_units(ranked: Sequence[tuple[str, int, int]], t: Texts) -> Table:
    header = (t("rank"), t("unit"), t("complaints"), t("all_feedback"))
    rows = tuple((i, t.label(u), c, n) for i, (u, c, n) in enumerate(ranked, 1))
    return Table(t("sec_ranked"), header, rows)


def recurring(found: Sequence[Recurring], t: Texts, months: int, least: int) -> Table:
    header = (t("what"), t("months_seen"), t("complaints"))
    rows = tuple(
        (
            f"{t.label(r.value)} ({t('recurring_unit')})"
            if r.what == "unit"
            else f"“{r.value}” ({t('recurring_word')})",
            r.months,
            r.count,
        )
        for r in found
    )
    note = t("recurring_note", n=least, months=months)
    return Table(t("sec_recurring"), header, rows, notes=(note,))


def resolution(buckets: Sequence[Topic], t: Texts) -> Table:
    total = sum(b.count for b in buckets)
    names = {str(limit): t("within_days", n=limit) for limit in BUCKETS}
    names |= {"over": t("over_days", n=BUCKETS[-1]), "open": t("not_resolved")}
    rows = tuple(
        (names[b.value], b.count, Share(b.count / total if total else None)) for b in buckets
    )
    header = (t("duration"), t("count"), t("share"))
    return Table(
        t("sec_resolution"), header, rows, (t("total"), total, Share(1.0 if total else None))
    )


def weekly_items(records: Sequence[Record], t: Texts) -> Table:
    """The WhatsApp/SMS items for the feedback book: reporters as initials, and the
    personal data in their words masked as on the notice board."""
    header = (
        t("no"),
        t("date_channel"),
        t("reporter"),
        t("kind_unit"),
        t("content"),
        t("status_rtl"),
    )
    rows = tuple(
        (
            i,
            Lines((t.date_time(r.received_at), t.label(r.channel), r.register_no)),
            "-" if r.confidential else initials(r.reporter_name),
            Lines((t.label(r.kind), t.label(r.unit))),
            t("confidential_text", no=r.register_no) if r.confidential else _excerpt(r.text, r),
            Lines(
                (
                    t.label(r.status),
                    *([_excerpt(r.rtl, r)] if r.rtl and not r.confidential else []),
                )
            ),
        )
        for i, r in enumerate(records, 1)
    )
    return Table(t("sec_items"), header, rows, wide=4)


def _excerpt(text: str, r: Record) -> str:
    """The start of `text` on one line, the reporter's name and contacts scrubbed."""
    names = (r.reporter_name,) if r.reporter_name else ()
    return shorten(scrub(text, names), EXCERPT_CHARS)
