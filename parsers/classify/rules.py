"""Normalised tokens + lexicon → kind, unit, urgency, with the words that decided.

The order of decisions, each explained by its reasons:
1. cues are found (longest phrase first, per group) and negation is applied: a negated praise
   or service word is a complaint ("tidak ramah", "belum dilayani"), a negated complaint or
   danger word is cancelled ("tidak lama", "tidak ada pungli"), praise after a wish word is a
   suggestion ("semoga lebih ramah");
2. urgency: a direct cue (pungli, salah obat, dipukul, meninggal…) or an emergency together
   with refusal or neglect anywhere in the item. Urgency errs toward recall: a false alarm
   costs a glance, a missed one can cost a life;
3. kind: urgent → keluhan; spam wins when its cues dominate; any real complaint wins over
   praise and questions (mixed praise and complaint is a complaint); then suggestion, question,
   praise by score;
4. unit: the highest sum of unit cue weights; none → lainnya.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aduan.parsers.classification import Classification
from aduan.parsers.classify.lexicon import Cue, Lexicon
from aduan.parsers.classify.normalise import BOUNDARIES, Normalised, root_words, stem

# Complaint cues adding up to less than this are "weak": a clear question or suggestion
# beside them wins ("apakah obat yang habis sudah ada?").
STRONG_COMPLAINT = 1.0
# A question outweighing its complaint cues this many times over is a question that mentions
# a problem ("kartu saya hilang, bagaimana cara buat yang baru?").
QUESTION_OVER_COMPLAINT = 2.0
# An urgent item stays a suggestion ("mohon plafon segera diperbaiki, bahaya") only with this
# much suggestion wording of its own; otherwise it is a complaint.
EXPLICIT_SUGGESTION = 1.0
_MAX_REASONS = 8
_URGENT_GROUPS = (
    "urgent.langsung",
    "urgent.darurat",
    "urgent.telantar",
    "urgent.tidak_ditangani",
    "urgent.tindakan",
)


@dataclass(frozen=True)
class Verdict:
    """The rules' classification, with how sure they are of kind and unit separately and the
    reasons for each target (the classification's reasons are these, joined)."""

    classification: Classification
    kind_confidence: float
    unit_confidence: float
    unit_reasons: tuple[str, ...] = ()
    kind_reasons: tuple[str, ...] = ()
    urgent_reasons: tuple[str, ...] = ()


@dataclass
class _Hit:
    start: int
    end: int
    group: str  # "kind", "unit", or "urgent.<label>"
    label: str
    weight: float
    cancelled: bool = False


@dataclass
class _Evidence:
    """Weighted reasons per label, in the order found."""

    scores: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    reasons: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))
    first: dict[str, int] = field(default_factory=dict)  # label → token index first seen
    wished: float = 0.0  # the part of the suggestion score that came from wish words

    def add(self, label: str, weight: float, reason: str, at: int = 0) -> None:
        self.scores[label] += weight
        self.reasons[label].append((weight, reason))
        self.first.setdefault(label, at)

    def best(self, label: str, n: int) -> list[str]:
        ranked = sorted(self.reasons[label], key=lambda item: -item[0])
        return list(dict.fromkeys(reason for _, reason in ranked))[:n]


def find_hits(norm: Normalised, lexicon: Lexicon) -> list[_Hit]:
    """Every cue occurrence; within a group the longest phrase wins and phrases never overlap."""
    forms = norm.forms
    hits: list[_Hit] = []
    covered: dict[str, int] = {}  # group → first index not yet covered
    for i, token_forms in enumerate(forms):
        candidates: dict[int, Cue] = {}
        for form in set(token_forms):
            for cue in lexicon.index.get(form, ()):
                if id(cue) not in candidates and _matches(cue, forms, i):
                    candidates[id(cue)] = cue
        longest: dict[str, int] = {}  # group → end of its longest cue starting here
        for cue in candidates.values():
            for note in cue.notes:
                group = _group(note.group, note.label)
                longest[group] = max(longest.get(group, 0), i + len(cue.words))
        # Cues of equal length at one place count once per label ("antrian" is both the
        # cue "antri" and the cue "antrian") and once for each label ("disediakan": a
        # suggestion word and a service word); a longer phrase hides the shorter ones.
        found: dict[tuple[str, str], _Hit] = {}
        for cue in candidates.values():
            end = i + len(cue.words)
            for note in cue.notes:
                group = _group(note.group, note.label)
                if covered.get(group, 0) <= i and end == longest[group]:
                    known = found.get((group, note.label))
                    if known is None or known.weight < note.weight:
                        found[group, note.label] = _Hit(i, end, group, note.label, note.weight)
        hits.extend(found.values())
        for group, end in longest.items():
            if covered.get(group, 0) <= i:
                covered[group] = end
    return hits


def _group(group: str, label: str) -> str:
    # Urgency tables are separate groups: an emergency word and a refusal word may overlap.
    return f"urgent.{label}" if group == "urgent" else group


def _matches(cue: Cue, forms: tuple[tuple[str, str, str], ...], i: int) -> bool:
    if i + len(cue.words) > len(forms):
        return False
    for k, (word, exact) in enumerate(zip(cue.words, cue.exact, strict=True)):
        surface, bare, root = forms[i + k]
        if word not in (surface, bare) and (exact or word != root):
            return False
    return True


def evaluate(norm: Normalised, lexicon: Lexicon) -> Verdict:
    """The rules' verdict on one normalised item."""
    tokens = norm.tokens
    words = [t for t in tokens if t not in BOUNDARIES]
    if not words:
        return _nothing("teks kosong atau tanpa kata", 0.0)
    hits = find_hits(norm, lexicon)
    kind = _Evidence()
    neglect: list[str] = []  # spans of "left untreated" found through negation
    _apply_negation(tokens, hits, lexicon, kind, neglect)

    def span(hit: _Hit) -> str:
        return " ".join(tokens[hit.start : hit.end])

    for hit in hits:
        if hit.group == "kind" and not hit.cancelled and hit.label != "layanan":
            kind.add(hit.label, hit.weight, f"'{span(hit)}' → {hit.label}")

    # Complaint words of full weight ("ditolak", "kasar"), as quoted in their reasons.
    complaints = [r.split(" → ")[0] for w, r in kind.reasons["keluhan"] if w >= STRONG_COMPLAINT]
    urgent_reasons = _urgency(hits, neglect, complaints, span)
    if not urgent_reasons and _foreign(words, lexicon, kind):
        return _nothing("bukan bahasa Indonesia", 0.05)

    units = _Evidence()
    for hit in hits:
        if hit.group == "unit":
            units.add(
                hit.label, hit.weight, f"'{span(hit)}' → {hit.label.replace('_', ' ')}", hit.start
            )

    label, spam, urgent, kind_reasons = _decide_kind(
        kind, bool(urgent_reasons), bool(units.scores), lexicon
    )
    # What is not feedback (spam, greetings, tests) concerns no unit.
    unit, unit_conf = _decide_unit(units) if label != "lainnya" else ("lainnya", 0.5)
    kind_conf = _kind_confidence(kind, label, urgent)
    unit_reasons = tuple(units.best(unit, 2)) if unit != "lainnya" else ()
    urgent_texts = tuple(f"{reason} → mendesak" for reason in urgent_reasons) if urgent else ()
    return Verdict(
        Classification(
            kind=label,
            unit=unit,
            urgent=urgent,
            confidence=overall_confidence(kind_conf, unit_conf),
            reasons=join_reasons(unit_reasons, kind_reasons, urgent_texts),
            spam=spam,
        ),
        kind_confidence=kind_conf,
        unit_confidence=unit_conf,
        unit_reasons=unit_reasons,
        kind_reasons=tuple(kind_reasons),
        urgent_reasons=urgent_texts,
    )


def overall_confidence(kind_confidence: float, unit_confidence: float) -> float:
    """One number for the register: the kind matters more than the unit."""
    return round(min(1.0, max(0.0, 0.6 * kind_confidence + 0.4 * unit_confidence)), 3)


def join_reasons(*groups: Sequence[str]) -> tuple[str, ...]:
    """Unit, kind and urgency reasons as one short list, without repeats."""
    joined = tuple(dict.fromkeys(reason for group in groups for reason in group))
    return joined[:_MAX_REASONS] or ("tidak ada kata kunci",)


def _nothing(reason: str, confidence: float) -> Verdict:
    return Verdict(
        Classification("lainnya", "lainnya", False, confidence, (reason,)),
        kind_confidence=confidence,
        unit_confidence=confidence,
    )


def _apply_negation(
    tokens: tuple[str, ...],
    hits: list[_Hit],
    lexicon: Lexicon,
    kind: _Evidence,
    neglect: list[str],
) -> None:
    """Turn negated praise into complaint, cancel negated complaints; see the module doc."""
    starts: dict[int, list[_Hit]] = defaultdict(list)
    for hit in hits:
        starts[hit.start].append(hit)
    for i, token in enumerate(tokens):
        mode = lexicon.negators.get(token)
        if mode is None:
            continue
        if mode == "hypothetical" and not _in_question(tokens, i):
            continue  # "kalau pagi antrinya lama" is a habit, not a supposition
        # A phrase that starts with the negator has its own meaning: "tidak manusiawi" is a
        # complaint as it stands; "tidak perlu" is praise, and reaches on ("tidak perlu
        # antri lama").
        phrases = [h for h in starts[i] if h.end - h.start > 1 and h.group != "unit"]
        if phrases and not all(h.group == "kind" and h.label == "pujian" for h in phrases):
            continue
        reach_from = max((h.end for h in phrases), default=i + 1)
        target, fallback = _negation_target(tokens, reach_from - 1, starts, lexicon)
        flips = mode in ("flip", "flip_cancel") and not phrases
        if target is None:
            if flips and fallback is not None:
                words = " ".join(tokens[i : fallback + 1])
                kind.add("keluhan", 0.75, f"'{words}' → keluhan (negasi)", i)
            elif flips and i + 1 < len(tokens) and tokens[i + 1] not in BOUNDARIES:
                # "tidak steril", "belum dibagikan": a negated word the lexicon does not know
                # still leans toward a complaint, weakly.
                kind.add("keluhan", 0.5, f"'{token} {tokens[i + 1]}' → keluhan (negasi)", i)
            continue
        at_target = starts[target]
        end = max(hit.end for hit in at_target)
        words = " ".join(tokens[i:end])
        for hit in at_target:
            if hit.group == "kind" and hit.label == "saran" and flips:
                # "tidak diganti", "belum diperbaiki": what should have been done, was not.
                hit.cancelled = True
                kind.add("keluhan", max(hit.weight, 1.0), f"'{words}' → keluhan (negasi)", i)
            elif hit.group == "kind" and hit.label in ("pujian", "layanan"):
                if mode == "wish":
                    if hit.label == "pujian":
                        hit.cancelled = True
                        kind.add("saran", max(hit.weight, 1.0), f"'{words}' → saran (harapan)", i)
                        kind.wished += max(hit.weight, 1.0)
                elif flips:
                    hit.cancelled = True
                    kind.add("keluhan", max(hit.weight, 1.0), f"'{words}' → keluhan (negasi)", i)
            elif hit.group == "urgent.tidak_ditangani" and flips:
                neglect.append(words)
            elif mode in ("flip_cancel", "cancel", "hypothetical") and (
                (hit.group == "kind" and hit.label == "keluhan") or hit.group in _URGENT_GROUPS
            ):
                hit.cancelled = True


def _in_question(tokens: tuple[str, ...], i: int) -> bool:
    """Whether the sentence holding token `i` ends with a question mark."""
    for token in tokens[i:]:
        if token in (".", "!", "?"):
            return token == "?"
    return False


def _negation_target(
    tokens: tuple[str, ...], i: int, starts: dict[int, list[_Hit]], lexicon: Lexicon
) -> tuple[int | None, int | None]:
    """Where the negation at `i` lands: the first cue in reach, else a "target" bridge word."""
    budget = lexicon.negation_window
    fallback: int | None = None
    j = i + 1
    while j < len(tokens) and budget > 0:
        token = tokens[j]
        if token in BOUNDARIES:
            break
        role = lexicon.bridge.get(token)
        # A second negation word is reached over: "tidak perlu antri lama", "tidak kurang".
        if role is not None or token in lexicon.negators:
            if role == "target" and fallback is None:
                fallback = j
            j += 1
            continue
        if any(hit.group != "unit" for hit in starts.get(j, ())):
            return j, fallback
        budget -= 1
        j += 1
    return None, fallback


def _urgency(
    hits: list[_Hit], neglect: list[str], complaints: list[str], show: Callable[[_Hit], str]
) -> list[str]:
    """The reasons an item is urgent (empty: not urgent)."""
    live = [hit for hit in hits if not hit.cancelled]
    direct = [hit for hit in live if hit.group == "urgent.langsung"]
    reasons = list(dict.fromkeys(f"'{show(hit)}'" for hit in direct))
    emergency = [hit for hit in live if hit.group == "urgent.darurat"]
    refused = [f"'{show(hit)}'" for hit in live if hit.group == "urgent.telantar"]
    refused += [f"'{words}'" for words in neglect]
    treated = [f"'{show(hit)}'" for hit in live if hit.group == "urgent.tindakan"]
    if emergency and refused:
        reasons.append(f"'{show(emergency[0])}' + {refused[0]}")
    elif emergency and treated:
        reasons.append(f"{treated[0]} + '{show(emergency[0])}'")
    elif emergency and complaints:
        # An emergency the writer complains about is urgent however the failure is worded.
        reasons.append(f"'{show(emergency[0])}' + {complaints[0]}")
    return reasons


def _foreign(words: list[str], lexicon: Lexicon, kind: _Evidence) -> bool:
    """Whether the text reads as another language: few Indonesian words, few cues."""
    if len(words) < 5 or sum(kind.scores.values()) >= 3:
        return False
    roots = root_words()
    indonesian = sum(1 for word in words if word in lexicon.common or stem(word) in roots)
    return indonesian / len(words) < lexicon.min_common_ratio


def _decide_kind(
    kind: _Evidence, urgent: bool, has_unit: bool, lexicon: Lexicon
) -> tuple[str, bool, bool, list[str]]:
    """(kind, spam?, still urgent?, reasons) from the kind evidence."""
    s = kind.scores
    complaint, suggestion = s["keluhan"], s["saran"]
    praise, question, spam, other = s["pujian"], s["pertanyaan"], s["spam"], s["lainnya"]
    if not urgent and spam >= lexicon.spam_min_score and spam > complaint + suggestion + question:
        reasons = [r.replace("→ spam", "→ spam (bukan aduan)") for r in kind.best("spam", 3)]
        return "lainnya", True, False, reasons
    peak = max((weight for weight, _ in kind.reasons["keluhan"]), default=0.0)
    label = _label(complaint, peak, suggestion, praise, question, lexicon)
    if label is None:
        if other > 0:
            label = "lainnya"
        elif has_unit:
            # A complaint box mostly receives complaints: an item that names a service and
            # says nothing else is taken as one, with low confidence.
            return "keluhan", False, urgent, ["menyebut layanan tanpa kata penilaian → keluhan"]
        else:
            label = "lainnya"
    elif other > max(complaint, suggestion, praise, question):
        label = "lainnya"
    if urgent:
        if label == "pujian" and complaint == 0:
            # A thank-you letter may mention a death ("almarhumah"); praise is never urgent.
            return label, False, False, kind.best(label, 3)
        explicit_suggestion = suggestion - kind.wished
        if label in ("pertanyaan", "lainnya") or (
            label == "saran" and (explicit_suggestion < EXPLICIT_SUGGESTION or complaint >= 1)
        ):
            return "keluhan", False, True, kind.best("keluhan", 2) or ["mendesak → keluhan"]
    if label == "lainnya":
        return label, False, urgent, kind.best("lainnya", 2) or ["tidak ada kata kunci jenis"]
    return label, False, urgent, kind.best(label, 3)


def _label(
    complaint: float,
    peak: float,
    suggestion: float,
    praise: float,
    question: float,
    lexicon: Lexicon,
) -> str | None:
    """The kind the scores point to; None when there is no kind evidence at all."""
    if (
        complaint >= STRONG_COMPLAINT
        and (peak >= STRONG_COMPLAINT or complaint >= praise)
        and question < QUESTION_OVER_COMPLAINT * complaint
    ):
        # A request that outweighs the complaint words is a suggestion about the problem.
        return "saran" if suggestion > lexicon.suggestion_over_complaint * complaint else "keluhan"
    others = {"saran": suggestion, "pertanyaan": question, "pujian": praise}
    # Ties go to the first: a suggestion is what a facility can act on; "terima kasih" under
    # a question is politeness.
    label = max(others, key=lambda k: others[k])
    if suggestion >= 2.0 and praise > suggestion:
        label = "saran"  # praise with an explicit suggestion: the suggestion is the point
    if complaint > 0 and complaint >= others[label]:
        return "keluhan"
    return label if others[label] > 0 else None


def _kind_confidence(kind: _Evidence, label: str, urgent: bool) -> float:
    if urgent:
        return 0.95
    scores = kind.scores
    top = scores["spam" if label == "lainnya" and scores["spam"] > 0 else label]
    if top <= 0:
        return 0.3 if label == "keluhan" else 0.1
    rest = sum(scores.values()) - top
    return round((1 - math.exp(-top)) * top / (top + 0.5 * rest), 3)


def _decide_unit(units: _Evidence) -> tuple[str, float]:
    if not units.scores:
        return "lainnya", 0.2
    # Equal totals: the unit named first, as people name the matter before the details.
    ranked = sorted(units.scores.items(), key=lambda item: (-item[1], units.first[item[0]]))
    unit, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    return unit, round((1 - math.exp(-top / 2)) * top / (top + second), 3)
