"""The numbers of a recap, computed from `Record`s: no database, no language, no layout.

Spam (`bukan_aduan`) is counted once, on its own line, and left out of every other figure:
a wave of promotions must not look like a month of complaints.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from aduan.daemon.config import Deadlines
from aduan.daemon.reports.periods import Period
from aduan.daemon.reports.records import SPAM, Record
from aduan.models.tables import CHANNELS, KINDS, STATUSES, UNITS

TOP = 10
# "'antri' → pendaftaran", "'tidak ramah' → keluhan (negasi)": the cue and what it decided.
_CUE = re.compile(r"^'([^']+)' → ([^(]+?)(?: \(.*\))?$")
# Cues that say what went wrong: a unit's cues and the complaint cues. Praise, suggestion,
# urgency and spam cues describe the tone or the danger, not the topic.
_TOPIC_TARGETS = frozenset({unit.replace("_", " ") for unit in UNITS} | {"keluhan"})
RECURRING_MONTHS = 3
BUCKETS = (7, 14, 30, 60)  # days to resolution; then "over 60" and "not yet"


class Counted(Protocol):
    """What counting reads of an entry: a `Record`, or a `Tally` of a previous period."""

    @property
    def channel(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def urgent(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def spam(self) -> bool: ...


@dataclass(frozen=True)
class Count:
    """A count of this period, and of the previous one when the recap compares."""

    value: str  # a vocabulary code (kind, unit, channel, status) or a summary line's name
    now: int
    before: int | None = None

    @property
    def change(self) -> int | None:
        return None if self.before is None else self.now - self.before


@dataclass(frozen=True)
class Deadline:
    """How entries fared against one SOP deadline.

    `late` includes `late_pending`: entries not done yet and already past due are late
    whatever happens next. `pending` are those not done and not yet due: not judged.
    """

    name: str  # forward | answer | resolve
    limit: int  # hours (forward, answer) or days (resolve), as in [deadlines]
    counted: str  # jam | hari | hari_kerja: how the register counts it
    total: int
    on_time: int
    late: int
    late_pending: int
    pending: int
    median: float | None  # hours or days, among those done

    @property
    def share(self) -> float | None:
        judged = self.on_time + self.late
        return None if judged == 0 else self.on_time / judged


@dataclass(frozen=True)
class Topic:
    value: str  # a unit code or a cue word
    count: int


@dataclass(frozen=True)
class Figures:
    """What every recap counts."""

    summary: list[Count]  # total, urgent, spam
    by_kind: list[Count]
    by_channel: list[Count]
    by_unit: list[Count]
    by_status: list[Count]
    timeliness: list[Deadline]
    top_units: list[Topic]  # units with the most complaints (keluhan)
    top_words: list[Topic]  # the classifier's cue words, one per entry


@dataclass(frozen=True)
class MonthRow:
    month: Period
    by_kind: list[int]  # in KINDS order
    total: int


@dataclass(frozen=True)
class Recurring:
    what: str  # "unit" | "word"
    value: str
    months: int  # in how many of the period's months it came up
    count: int


@dataclass(frozen=True)
class SemesterFigures:
    months: list[MonthRow]
    recurring: list[Recurring]
    ranked_units: list[tuple[str, int, int]]  # unit, complaints, all feedback; most first
    resolution: list[Topic]  # bucket name ("7", "14", "30", "60", "over", "open"), count


def figures(
    records: Sequence[Record],
    previous: Sequence[Counted] | None,
    deadlines: Deadlines,
    now: datetime,
) -> Figures:
    real = [r for r in records if not r.spam]
    before = None if previous is None else [r for r in previous if not r.spam]
    spam_before = None if previous is None else sum(r.spam for r in previous)
    summary = [
        Count("total", len(real), None if before is None else len(before)),
        Count("urgent", sum(r.urgent for r in real), _sum(before, lambda r: r.urgent)),
        Count("spam", len(records) - len(real), spam_before),
    ]
    complaints = [r for r in real if r.kind == "keluhan"]
    unit_counts = Counter(r.unit for r in complaints)
    return Figures(
        summary=summary,
        by_kind=counts(real, before, "kind", KINDS),
        by_channel=counts(real, before, "channel", CHANNELS),
        by_unit=counts(real, before, "unit", UNITS),
        by_status=counts(real, before, "status", [s for s in STATUSES if s != SPAM]),
        timeliness=timeliness(real, deadlines, now),
        top_units=[Topic(u, n) for u, n in unit_counts.most_common(TOP)],
        top_words=[Topic(w, n) for w, n in Counter(_words(real)).most_common(TOP)],
    )


def counts(
    records: Sequence[Counted],
    previous: Sequence[Counted] | None,
    field: str,
    vocabulary: Sequence[str],
) -> list[Count]:
    """One `Count` per vocabulary value, zeros included, then any value found outside it
    (a unit a facility added)."""
    now = Counter(getattr(r, field) for r in records)
    before = None if previous is None else Counter(getattr(r, field) for r in previous)
    extra = sorted((set(now) | set(before or ())) - set(vocabulary))
    return [
        Count(value, now[value], None if before is None else before[value])
        for value in [*vocabulary, *extra]
    ]


def timeliness(records: Sequence[Record], deadlines: Deadlines, now: datetime) -> list[Deadline]:
    """Each SOP deadline, judged against the due date the register stored for the entry:
    the same rule as the reminders and overdue alerts, in hours or in working days."""
    hour, day = timedelta(hours=1), timedelta(days=1)
    return [
        _deadline(
            "forward",
            deadlines.forward,
            deadlines.forward_count,
            [(r.received_at, r.forwarded_at, r.due_forward) for r in records],
            hour,
            now,
        ),
        _deadline(
            "answer",
            deadlines.answer_electronic,
            deadlines.answer_count,
            [
                (r.received_at, r.answered_at, r.due_answer)
                for r in records
                if r.due_answer is not None
            ],
            hour,
            now,
        ),
        _deadline(
            "resolve",
            deadlines.resolve_days,
            deadlines.resolve_count,
            [(r.received_at, r.resolved_at, r.due_resolve) for r in records],
            day,
            now,
        ),
    ]


def _deadline(
    name: str,
    limit: int,
    counted: str,
    cases: Sequence[tuple[datetime, datetime | None, datetime]],
    unit: timedelta,
    now: datetime,
) -> Deadline:
    on_time = late = late_pending = pending = 0
    taken: list[float] = []
    for received, done, due in cases:
        if done is None:
            if now > due:
                late += 1
                late_pending += 1
            else:
                pending += 1
            continue
        taken.append((done - received) / unit)
        if done <= due:
            on_time += 1
        else:
            late += 1
    median = statistics.median(taken) if taken else None
    return Deadline(name, limit, counted, len(cases), on_time, late, late_pending, pending, median)


def semester_figures(records: Sequence[Record], period: Period) -> SemesterFigures:
    real = [r for r in records if not r.spam]
    rows: list[MonthRow] = []
    units_by_month: list[set[str]] = []
    words_by_month: list[set[str]] = []
    for month in period.months():
        inside = [r for r in real if month.start <= r.received_at < month.end]
        kinds = Counter(r.kind for r in inside)
        rows.append(MonthRow(month, [kinds[k] for k in KINDS], len(inside)))
        complaints = [r for r in inside if r.kind == "keluhan"]
        units_by_month.append({r.unit for r in complaints if r.unit != "lainnya"})
        words_by_month.append(set(_words(complaints)))
    complaints = [r for r in real if r.kind == "keluhan"]
    unit_total = Counter(r.unit for r in complaints)
    word_total = Counter(_words(complaints))
    recurring = [
        *_recurring("unit", units_by_month, unit_total),
        *_recurring("word", words_by_month, word_total),
    ]
    feedback = Counter(r.unit for r in real)
    ranked = sorted(
        ((unit, unit_total[unit], feedback[unit]) for unit in feedback),
        key=lambda row: (-row[1], -row[2], row[0]),
    )
    return SemesterFigures(rows, recurring, ranked, resolution_buckets(real))


def _recurring(what: str, by_month: list[set[str]], totals: Counter[str]) -> list[Recurring]:
    months = Counter(value for found in by_month for value in found)
    found = [
        Recurring(what, value, n, totals[value])
        for value, n in months.items()
        if n >= RECURRING_MONTHS
    ]
    return sorted(found, key=lambda r: (-r.months, -r.count, r.value))[:TOP]


def resolution_buckets(records: Sequence[Record]) -> list[Topic]:
    """How long entries took to be resolved: ≤ 7, ≤ 14, ≤ 30, ≤ 60, > 60 days, not yet."""
    found: Counter[str] = Counter()
    for r in records:
        if r.resolved_at is None:
            found["open"] += 1
            continue
        days = (r.resolved_at - r.received_at) / timedelta(days=1)
        bucket = next((str(limit) for limit in BUCKETS if days <= limit), "over")
        found[bucket] += 1
    return [Topic(name, found[name]) for name in (*map(str, BUCKETS), "over", "open")]


def initials(name: str | None) -> str:
    """ "Siti Aminah" → "S. A.": enough for the team to tell entries apart."""
    if not name:
        return "-"
    return " ".join(f"{part[0].upper()}." for part in name.split() if part[0].isalnum()) or "-"


def _words(records: Iterable[Record]) -> Iterable[str]:
    for record in records:
        seen: set[str] = set()
        for reason in record.reasons:
            match = _CUE.match(reason)
            if match and match[2] in _TOPIC_TARGETS and match[1] not in seen:
                seen.add(match[1])
                yield match[1]


def _sum(records: Sequence[Counted] | None, test: Callable[[Counted], bool]) -> int | None:
    return None if records is None else sum(test(r) for r in records)
