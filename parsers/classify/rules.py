"""Normalised tokens + lexicon → kind, unit, urgency, with the words that decided.

The order of decisions, each explained by its reasons:
1. cues are found (longest phrase first, per group) and negation is applied: a negated praise
   or service word is a complaint ("tidak ramah", "belum dilayani"), a negated complaint or
   danger word is cancelled ("tidak lama", "tidak ada pungli"), praise after a wish word is a
   suggestion ("semoga lebih ramah");
2. urgency: a direct cue (pungli, salah obat, dipukul, meninggal…); an emergency together
   with refusal, neglect, a treatment or a complaint anywhere in the item; or two cues that
   mean danger only together, close to each other in one sentence: a mistake beside a
   medicine ("obatnya ketuker"), money beside a demand or a free service ("titip 20rb ke
   satpam", "bayar 20rb padahal gratis", "50rb tanpa kuitansi"), a part of the building in a
   dangerous state ("plafon mau runtuh"), a touch on a body part ("colek2 pinggang"), and a
   report made conditional ("kalau saya lapor…", a threat). Benign senses of alarming words
   ("jadwal jatuh hari", "menolak amplop") mask them first. Urgency errs toward recall: a
   false alarm costs a glance, a missed one can cost a life;
3. kind: urgent → keluhan; spam wins when its cues dominate; any real complaint wins over
   praise and questions (mixed praise and complaint is a complaint); then suggestion, question,
   praise by score;
4. unit: the highest sum of unit cue weights; none → lainnya.

Kind and unit are read from the head of a long text (`Normalised.head`), urgency from all of
it. A negation is applied to the kind and to urgency apart, so that the many context words
of the urgency tables ("antri", "tunggu", "suruh") never change how a kind cue is negated.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from aduan.parsers.classification import Classification
from aduan.parsers.classify.lexicon import CueEnd, Lexicon
from aduan.parsers.classify.normalise import (
    BOUNDARIES,
    Normalised,
    may_be_root_word,
    without_clitic,
)

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
    "urgent.kematian",
    "urgent.darurat",
    "urgent.telantar",
    "urgent.tidak_ditangani",
    "urgent.tindakan",
    "urgent.keliru",
    "urgent.pungut",
    "urgent.bahaya",
    "urgent.sentuh",
    "urgent.lapor",
)
# Cue groups that name a thing, not a quality or an act: a negation reaches over them
# ("tidak ada karcisnya" is judged by the rules for receipts, not cancelled).
_INERT = frozenset(
    {
        "unit",
        "urgent.uang",
        "urgent.bukti",
        "urgent.aman",
        "urgent.sarana",
        "urgent.tubuh",
        "urgent.bukan",
        "urgent.intrusi",
        "urgent.privasi",
        "urgent.selesai",
        "urgent.lampau",
        "urgent.berkas",
        "urgent.tahan",
        "urgent.gawat",
        "urgent.palsu",
        "urgent.sulut",
        "urgent.terbakar",
        "urgent.ajak",
        "urgent.sepi",
        "urgent.pulih",
    }
)
# Two kinds of cue that are urgent together when at most this many words apart in a sentence.
_NEAR_PAIRS = (
    ("keliru", "tindakan", 6),  # "obatnya ketuker", "salah ambil botol obat tetes"
    ("uang", "pungut", 8),  # "minta 50rb", "titip 20rb ke satpam", "bayar 20rb padahal gratis"
    # "plafon mau runtuh", "colokan meleleh", "plafon … udah netes dan menggembung"
    ("sarana", "bahaya", 10),
    ("sentuh", "tubuh", 4),  # "pegang2 dada", "colek pinggang", "menyentuh bagian tubuh"
    ("intrusi", "privasi", 8),  # "masuk waktu istri saya mandi", "menyusui… petugas masuk"
    ("bukti", "palsu", 8),  # "kuitansinya tulisan tangan tanpa cap", "nota beda nominal"
    ("sulut", "terbakar", 8),  # "ngerokok deket tabung oksigen", "lilin di samping elpiji"
    ("ajak", "sepi", 6),  # "diajak ke ruangan kosong", "dipanggil masuk, pintu dikunci"
)
# A document and a word holding the patient back for it, this close in one sentence: the
# patient waits on paperwork ("minta fotokopi KK dulu", "ditahan nunggu surat rujukan").
_HOLD_WINDOW = 5
# How close the emergency unit must be named to such a hold, with a word of waiting or
# refusal in the sentence, to make it urgent by itself.
_HOLD_PLACE_WINDOW = 10
# How far before a receipt word a negation makes it missing ("tidak dikasih kuitansi"), and
# before a report word a condition makes it a threat ("kalau saya terus protes").
_LOOK_BACK = 3
_NEGATING = ("flip", "flip_cancel", "cancel")  # negation modes that deny what follows
_SENTENCE_ENDS = frozenset(".?!;")
_YES_NO = frozenset({"tidak", "belum"})  # a message ending on one asks ("buka sabtu gak")


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


@dataclass(slots=True)
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
    denied: float = 0.0  # the part of the praise score that came from denied complaints

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
    n = len(forms)
    hits: list[_Hit] = []
    covered: dict[str, int] = {}  # group → first index not yet covered
    # The lexicon's cue trie, walked from every token: a token that starts no cue (most of
    # them) costs one dictionary look-up.
    for i, nodes in enumerate(map(lexicon.trie.start, forms)):
        if not nodes:
            continue
        candidates: list[CueEnd] = []
        k = i + 1
        while True:
            for node in nodes:
                if node.ends:
                    candidates.extend(node.ends)
            if k == n:
                break
            if len(nodes) == 1:
                nodes = nodes[0].step(forms[k])
            else:
                nodes = tuple(child for node in nodes for child in node.step(forms[k]))
            if not nodes:
                break
            k += 1
        if not candidates:
            continue
        if len(candidates) == 1 and len(candidates[0].groups) == 1:
            # The common case, one cue saying one thing: what the loops below come to.
            (group, label, weight), end = candidates[0].groups[0], i + candidates[0].length
            if covered.get(group, 0) <= i:
                hits.append(_Hit(i, end, group, label, weight))
                covered[group] = end
            continue
        if len(candidates) > 1:
            # In the order of the lexicon's index, looked up per distinct form of the token.
            order = {form: rank for rank, form in enumerate(set(forms[i]))}
            candidates.sort(key=lambda cue: (order[cue.first], cue.rank))
        longest: dict[str, int] = {}  # group → end of its longest cue starting here
        for cue in candidates:
            end = i + cue.length
            for group, _, _ in cue.groups:
                if longest.get(group, 0) < end:
                    longest[group] = end
        # Cues of equal length at one place count once per label ("antrian" is both the
        # cue "antri" and the cue "antrian") and once for each label ("disediakan": a
        # suggestion word and a service word); a longer phrase hides the shorter ones.
        found: dict[tuple[str, str], _Hit] = {}
        for cue in candidates:
            end = i + cue.length
            for group, label, weight in cue.groups:
                if covered.get(group, 0) <= i and end == longest[group]:
                    known = found.get((group, label))
                    if known is None or known.weight < weight:
                        found[group, label] = _Hit(i, end, group, label, weight)
        hits.extend(found.values())
        for group, end in longest.items():
            if covered.get(group, 0) <= i:
                covered[group] = end
    return hits


def evaluate(norm: Normalised, lexicon: Lexicon) -> Verdict:
    """The rules' verdict on one normalised item."""
    tokens = norm.tokens
    head = norm.head_end  # kind and unit are read from here back; urgency from everywhere
    words = [t for t in tokens[:head] if t not in BOUNDARIES]
    if not words:
        return _nothing("teks kosong atau tanpa kata", 0.0)
    hits = _mask(find_hits(norm, lexicon))
    kind = _Evidence()
    neglect: list[str] = []  # spans of "left untreated" found through negation
    _apply_negation(tokens, head, hits, lexicon, kind, neglect)

    def span(hit: _Hit) -> str:
        return " ".join(tokens[hit.start : hit.end])

    for hit in hits:
        if (
            hit.group == "kind"
            and not hit.cancelled
            and hit.label != "layanan"
            and hit.start < head
        ):
            kind.add(hit.label, hit.weight, f"'{span(hit)}' → {hit.label}")

    imperative = _sentence_starts(tokens, head, lexicon, kind)
    _opening_request(tokens, head, hits, kind, imperative)
    _yes_no_ending(tokens, head, kind)
    # Complaint wording, strongest first, when it adds up to a real complaint.
    complaints = kind.best("keluhan", 1) if kind.scores["keluhan"] >= STRONG_COMPLAINT else []
    complaints = [reason.split(" → ")[0] for reason in complaints]
    alarm = _urgency(tokens, hits, neglect, complaints, lexicon, span)
    urgent_reasons, only_told = alarm.reasons, alarm.only_told
    if not urgent_reasons and _foreign(words, lexicon, kind):
        return _nothing("bukan bahasa Indonesia", 0.05)

    units = _Evidence()
    for hit in hits:
        if hit.group == "unit" and hit.start < head:
            units.add(
                hit.label, hit.weight, f"'{span(hit)}' → {hit.label.replace('_', ' ')}", hit.start
            )

    label, spam, urgent, kind_reasons = _decide_kind(
        kind, bool(urgent_reasons), only_told, bool(units.scores), lexicon, alarm.resolved
    )
    # What is not feedback (spam, greetings, tests) concerns no unit.
    unit, unit_conf = _decide_unit(units) if label != "lainnya" else ("lainnya", 0.5)
    if urgent and alarm.emergency and unit in _PLACES_ONLY:
        # An emergency left untreated is the emergency unit's matter, wherever it happened
        # ("pingsan di parkiran", "pintunya digembok", "disuruh urus surat rujukan dulu").
        units.add("ugd", 1.0, f"'{alarm.emergency}' → ugd (darurat)")
        unit, unit_conf = "ugd", 0.6
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


# Words that may stand before the first word of a sentence without starting it: "pak, bikin
# jalur landai", "bu, boleh bawa anak?".
_VOCATIVES = frozenset(
    {"pak", "bu", "bapak", "ibu", "mas", "mbak", "kak", "dok", "bang", "min", "admin", "sus"}
)


def _sentence_starts(
    tokens: tuple[str, ...], head: int, lexicon: Lexicon, kind: _Evidence
) -> tuple[int, float] | None:
    """The lexicon's [start.*] words where a sentence begins: an imperative ("bikin jalur
    landai", "sediakan kursi roda") suggests, "boleh bawa anak?" asks. Returns where and how
    strong an imperative opening the message is, if one does."""
    if not lexicon.starts:
        return None
    opening: tuple[int, float] | None = None
    at_start = True
    for i in range(head):
        token = tokens[i]
        if token in _SENTENCE_ENDS:
            at_start = True
            continue
        if at_start:
            if token in _VOCATIVES or token == ",":
                continue  # "pak, …": the sentence starts after the address
            notes = lexicon.starts.get(token)
            if notes is None:
                bare = without_clitic(token)
                notes = lexicon.starts.get(bare) if bare != token else None
            for label, weight in notes or ():
                if label == "saran" and (_in_question(tokens, i) or _narrates(tokens, i)):
                    continue  # "pasang behel bisa di puskesmas?" asks
                kind.add(label, weight, f"'{token}' → {label} (awal kalimat)", i)
                if label == "saran":
                    # An imperative is suggestion wording of the weakest sort ("bikin surat
                    # sehat dimintai 50rb" narrates): it does not keep an urgent item a saran.
                    kind.wished += weight
                    if not any(t in _SENTENCE_ENDS or t == "," for t in tokens[:i]):
                        opening = (i, weight)
        at_start = False
    return opening


# Words that make a sentence a story, not an instruction: "pasang IUD, 2 bulan kemudian
# hamil", "bikin surat kemarin dimintai uang".
_NARRATIVE = frozenset(
    {"kemudian", "kemarin", "tadi", "sudah", "sempat", "lalu", "pas", "waktu", "ketika", "saat"}
)


def _narrates(tokens: tuple[str, ...], i: int) -> bool:
    """Whether the sentence from token `i` holds a word that tells a past event."""
    for token in tokens[i:]:
        if token in _SENTENCE_ENDS:
            return False
        if token in _NARRATIVE:
            return True
    return False


def _opening_request(
    tokens: tuple[str, ...],
    head: int,
    hits: list[_Hit],
    kind: _Evidence,
    imperative: tuple[int, float] | None,
) -> None:
    """A message that opens with a request and gives the problem as its reason is a
    suggestion ("ambulans kalau bisa ditambah satu, yang ada sering kosong"; "antrian lab
    dipisah untuk ibu hamil, kasihan berdiri lama"): suggestion wording in the first clause,
    with no complaint wording there, counts once more."""
    end = next((k for k in range(head) if tokens[k] in BOUNDARIES), head)
    first = [h for h in hits if h.group == "kind" and h.start < end and not h.cancelled]
    if (not first and imperative is None) or any(
        h.label in ("keluhan", "pertanyaan") for h in first
    ):
        return
    asks = [h for h in first if h.label == "saran"]
    request = sum(h.weight for h in asks)
    spans = [(h.start, h.end) for h in asks]
    if imperative is not None:
        request += imperative[1]
        spans.append((imperative[0], imperative[0] + 1))
    if request >= 1:
        words = " ".join(tokens[min(a for a, _ in spans) : max(b for _, b in spans)])
        kind.add("saran", request, f"'{words}' → saran (permintaan di awal)", 0)
        kind.wished += request  # a second count of the same words: never explicit


def _yes_no_ending(tokens: tuple[str, ...], head: int, kind: _Evidence) -> None:
    """ "poli gigi buka hari sabtu gak", "harus puasa dulu atau tidak": a message that ends
    on "tidak" or "belum" asks, even without a question mark."""
    if head < len(tokens):
        return
    words = [t for t in tokens if t not in (".", "!")]
    if len(words) >= 2 and words[-1] in _YES_NO and words[-2] not in BOUNDARIES:
        kind.add("pertanyaan", 1.5, f"'{words[-2]} {words[-1]}' → pertanyaan", len(words) - 1)


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
    head: int,
    hits: list[_Hit],
    lexicon: Lexicon,
    kind: _Evidence,
    neglect: list[str],
) -> None:
    """Turn negated praise into complaint, cancel negated complaints; see the module doc."""
    starts: dict[int, list[_Hit]] = defaultdict(list)
    inside: set[int] = set()  # negation words within a phrase cue: "hampir tidak tertolong"
    for hit in hits:
        starts[hit.start].append(hit)
        if hit.end - hit.start > 2 and hit.group not in _INERT:
            inside.update(range(hit.start + 1, hit.end))
    for i, token in enumerate(tokens):
        mode = lexicon.negators.get(token)
        if mode is None or i in inside:
            continue
        if mode == "hypothetical":
            if not _in_question(tokens, i):
                continue  # "kalau pagi antrinya lama" is a habit, not a supposition
            if i > 0 and tokens[i - 1] in _JUDGED:
                continue  # "apakah wajar kalau petugas minta uang…?" asks about a fact
            # "kalau malam anak kejang, boleh langsung ke UGD atau harus ke RS?": an emergency
            # asked about, to the end of the question, is a supposition.
            _suppose(tokens, i, starts)
        # A phrase that starts with the negator has its own meaning: "tidak manusiawi" is a
        # complaint as it stands; "tidak perlu" is praise, and reaches on ("tidak perlu
        # antri lama").
        phrases = [h for h in starts[i] if h.end - h.start > 1 and h.group not in _INERT]
        if phrases and not all(h.group == "kind" and h.label == "pujian" for h in phrases):
            continue
        reach_from = max((h.end for h in phrases), default=i + 1)
        flips = mode in ("flip", "flip_cancel") and not phrases
        # Kind and urgency are negated apart: for the kind, the negation lands on the first
        # kind cue in reach (or a direct alarm: "tidak ada pungli"), so that context words of
        # the urgency rules ("tidak perlu ANTRI lama") change nothing; for urgency, on the
        # first cue of any sort.
        target, fallback = _negation_target(tokens, reach_from - 1, starts, lexicon, _stops_kind)
        if i < head:
            _negate_kind(tokens, i, mode, flips, target, fallback, starts, kind, lexicon)
        if target is None and fallback is not None and flips:
            # "bidannya tidak ada", "dokter tidak bisa": nobody there to help.
            neglect.append(" ".join(tokens[i : fallback + 1]))
        alarm, _ = _negation_target(tokens, reach_from - 1, starts, lexicon, _stops_any)
        if alarm is None:
            continue
        words = " ".join(tokens[i : max(hit.end for hit in starts[alarm])])
        for hit in starts[alarm]:
            if hit.group == "urgent.tidak_ditangani" and flips:
                neglect.append(words)
            elif mode in ("flip_cancel", "cancel", "hypothetical") and hit.group in _URGENT_GROUPS:
                hit.cancelled = True


def _negate_kind(
    tokens: tuple[str, ...],
    i: int,
    mode: str,
    flips: bool,
    target: int | None,
    fallback: int | None,
    starts: dict[int, list[_Hit]],
    kind: _Evidence,
    lexicon: Lexicon,
) -> None:
    """The negation word at `i`, landing on `target`, applied to the kind evidence."""
    if flips and i > 0 and lexicon.negators.get(tokens[i - 1]) == "wish":
        # "biar tidak nunggu lama", "supaya tidak ada lagi": a wish, not a complaint.
        flips = False
    if target is None:
        if flips and fallback is not None:
            words = " ".join(tokens[i : fallback + 1])
            kind.add("keluhan", 0.75, f"'{words}' → keluhan (negasi)", i)
        elif flips and i + 1 < len(tokens) and tokens[i + 1] not in BOUNDARIES:
            # "tidak steril", "belum dibagikan": a negated word the lexicon does not know
            # still leans toward a complaint, weakly.
            kind.add("keluhan", 0.5, f"'{tokens[i]} {tokens[i + 1]}' → keluhan (negasi)", i)
        return
    at_target = starts[target]
    words = " ".join(tokens[i : max(hit.end for hit in at_target)])
    for hit in at_target:
        if hit.group != "kind":
            continue
        if hit.label == "saran" and flips:
            # "tidak diganti", "belum diperbaiki": what should have been done, was not.
            hit.cancelled = True
            kind.add("keluhan", max(hit.weight, 1.0), f"'{words}' → keluhan (negasi)", i)
        elif hit.label in ("pujian", "layanan"):
            if mode == "wish":
                if hit.label == "pujian":
                    hit.cancelled = True
                    kind.add("saran", max(hit.weight, 1.0), f"'{words}' → saran (harapan)", i)
                    kind.wished += max(hit.weight, 1.0)
            elif flips:
                hit.cancelled = True
                kind.add("keluhan", max(hit.weight, 1.0), f"'{words}' → keluhan (negasi)", i)
        elif hit.label == "keluhan" and mode in ("flip_cancel", "cancel", "hypothetical"):
            hit.cancelled = True
            if mode == "flip_cancel" and hit.weight >= 1 and not _supposed(tokens, i, lexicon):
                # "tidak pernah kecewa", "tidak mengecewakan", "obatnya tidak mahal": a denied
                # complaint says the service was good, mildly.
                weight = min(0.5 * hit.weight, 1.0)
                kind.add("pujian", weight, f"'{words}' → pujian (negasi)", i)
                kind.denied += weight


# "apakah wajar kalau …", "apa pantas jika …": what follows happened, and is being judged.
_JUDGED = frozenset({"wajar", "pantas", "etis", "adil", "benar", "dibenarkan", "boleh"})

# Words before a negation within its clause that make it a wish or a supposition, not a
# statement: "biar tidak lama", "kalau tidak antri", "semoga tidak kecewa".
_NOT_A_STATEMENT = ("wish", "hypothetical")


def _supposed(tokens: tuple[str, ...], i: int, lexicon: Lexicon) -> bool:
    """Whether the negation at `i` follows a wish or a condition in its clause."""
    for k in range(i - 1, -1, -1):
        if tokens[k] in BOUNDARIES:
            return False
        if lexicon.negators.get(tokens[k]) in _NOT_A_STATEMENT or tokens[k] == "semoga":
            return True
    return False


def _stops_kind(hit: _Hit) -> bool:
    return hit.group in ("kind", "urgent.langsung", "urgent.kematian")


def _stops_any(hit: _Hit) -> bool:
    return hit.group not in _INERT


# What a supposed emergency is made of: the sign, the refusal, the treatment, the neglect.
_SUPPOSED = frozenset(
    {"urgent.darurat", "urgent.telantar", "urgent.tindakan", "urgent.tidak_ditangani"}
)


def _suppose(tokens: tuple[str, ...], i: int, starts: dict[int, list[_Hit]]) -> None:
    """Cancel the emergency cues from token `i` to the end of its sentence."""
    for j in range(i + 1, len(tokens)):
        if tokens[j] in _SENTENCE_ENDS:
            return
        for hit in starts.get(j, ()):
            if hit.group in _SUPPOSED:
                hit.cancelled = True


def _in_question(tokens: tuple[str, ...], i: int) -> bool:
    """Whether the sentence holding token `i` ends with a question mark."""
    for token in tokens[i:]:
        if token in (".", "!", "?"):
            return token == "?"
    return False


def _negation_target(
    tokens: tuple[str, ...],
    i: int,
    starts: dict[int, list[_Hit]],
    lexicon: Lexicon,
    stops: Callable[[_Hit], bool],
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
        if any(stops(hit) for hit in starts.get(j, ())):
            return j, fallback
        budget -= 1
        j += 1
    return None, fallback


def _mask(hits: list[_Hit]) -> list[_Hit]:
    """`hits` without the alarm and complaint cues inside a benign phrase ([urgent.bukan]):
    "jadwal posyandu jatuh hari Senin", "bidan menolak amplop"."""
    benign = sorted((hit.start, hit.end) for hit in hits if hit.group == "urgent.bukan")
    if not benign:
        return hits
    # A hit lies inside a benign phrase when one starting at or before it reaches its end:
    # the furthest end of the phrases starting up to each start says so.
    starts = [start for start, _ in benign]
    reach = list(accumulate((end for _, end in benign), max))

    def masked(hit: _Hit) -> bool:
        if not (hit.group.startswith("urgent.") or (hit.group, hit.label) == ("kind", "keluhan")):
            return False
        k = bisect_right(starts, hit.start)
        return k > 0 and hit.end <= reach[k - 1]

    return [hit for hit in hits if hit.group != "urgent.bukan" and not masked(hit)]


# Units a text names only as the place where something happened: an emergency there goes to
# the emergency unit.
_PLACES_ONLY = frozenset({"kebersihan_sarana", "lainnya", "administrasi"})


@dataclass(frozen=True)
class _Alarm:
    """What `_urgency` found."""

    reasons: list[str]
    # The reasons only tell what happened to a patient (a death, an emergency and its
    # treatment): a thank-you letter or a question tells that too, and is not urgent for it.
    only_told: bool
    # The emergency sign of an emergency left untreated or complained about, if that is why.
    emergency: str | None
    # The words saying a past matter is settled ("dulu pernah …, sekarang sudah dibenahi").
    resolved: str | None


def _urgency(
    tokens: tuple[str, ...],
    hits: list[_Hit],
    neglect: list[str],
    complaints: list[str],
    lexicon: Lexicon,
    show: Callable[[_Hit], str],
) -> _Alarm:
    """The reasons an item is urgent (empty: not urgent), and what they are made of."""
    live: dict[str, list[_Hit]] = defaultdict(list)
    for hit in hits:
        if not hit.cancelled and hit.group.startswith("urgent."):
            live[hit.group.removeprefix("urgent.")].append(hit)
    told = [f"'{show(hit)}'" for hit in live["kematian"]]
    reasons = [f"'{show(hit)}'" for hit in live["langsung"]]
    emergency = live["darurat"]
    refused = [f"'{show(hit)}'" for hit in live["telantar"]]
    refused += [f"'{words}'" for words in neglect]
    treated = [f"'{show(hit)}'" for hit in live["tindakan"]]
    sentence = _sentences(tokens)
    # Paperwork held against the patient: a refusal when there is an emergency, urgent in
    # itself in the emergency unit.
    hold = _near(
        [hit for hit in live["berkas"] if not _in_question(tokens, hit.start)],
        live["tahan"],
        _HOLD_WINDOW,
        sentence,
    )
    held: str | None = None
    if hold is not None:
        held = " ".join(tokens[hold[0].start : hold[1].end])
        refused.append(f"'{held}'")
    untreated: str | None = None
    if emergency and refused:
        reasons.append(f"'{show(emergency[0])}' + {refused[0]}")
        untreated = show(emergency[0])
    elif emergency and treated:
        # An emergency that came in, was treated and is over ("demam tinggi, diperiksa dokter
        # jaga, sudah membaik") is a story; a sign after a treatment may be its harm.
        recovered = live["pulih"] and emergency[0].start < live["tindakan"][0].start
        if not recovered:
            told.append(f"{treated[0]} + '{show(emergency[0])}'")
    elif emergency and complaints:
        # An emergency the writer complains about is urgent however the failure is worded.
        reasons.append(f"'{show(emergency[0])}' + {complaints[0]}")
        untreated = show(emergency[0])
    if hold is not None and untreated is None:
        span = _Hit(min(hold[0].start, hold[1].start), max(hold[0].end, hold[1].end), "", "", 0)
        place = _near(live["gawat"], [span], _HOLD_PLACE_WINDOW, sentence)
        # Asked for a document in the emergency unit is routine; kept waiting for it is not.
        kept = any(sentence[hit.start] == sentence[span.start] for hit in live["telantar"])
        if place is not None and kept:
            where = show(place[0] if place[0] is not span else place[1])
            reasons.append(f"'{where}' + '{held}'")
            untreated = where
    # A receipt that was not given ("tidak dikasih kuitansi") makes money a demand.
    demands = live["pungut"] + [
        hit
        for hit in live["bukti"]
        if _preceded_by(tokens, hit.start, lexicon, _NEGATING) is not None
    ]
    for first, second, window in _NEAR_PAIRS:
        partners = demands if second == "pungut" else live[second]
        pair = _near(live[first], partners, window, sentence)
        if pair is not None:
            reasons.append(f"'{show(pair[0])}' + '{show(pair[1])}'")
    for hit in live["aman"]:
        # "disuntik tanpa sarung tangan", "alatnya tidak disterilkan".
        start = _preceded_by(tokens, hit.start, lexicon, _NEGATING)
        if start is not None:
            reasons.append(f"'{' '.join(tokens[start : hit.end])}'")
            break
    for hit in live["lapor"]:
        # "kalau saya lapor ke dinas…", said to the writer: a threat, unless asked as a question.
        start = _preceded_by(tokens, hit.start, lexicon, ("hypothetical",))
        if start is not None and not _in_question(tokens, hit.start):
            reasons.append(f"'{' '.join(tokens[start : hit.end])}'")
            break
    return _Alarm(
        reasons=list(dict.fromkeys(told + reasons)),
        only_told=bool(told) and not reasons,
        emergency=untreated,
        resolved=show(live["selesai"][0]) if live["selesai"] and live["lampau"] else None,
    )


def _sentences(tokens: tuple[str, ...]) -> list[int]:
    """The sentence number of every token."""
    out, n = [], 0
    for token in tokens:
        out.append(n)
        if token in _SENTENCE_ENDS:
            n += 1
    return out


def _near(
    firsts: list[_Hit], seconds: list[_Hit], window: int, sentence: list[int]
) -> tuple[_Hit, _Hit] | None:
    """The first pair of hits at most `window` words apart in one sentence."""
    for a in firsts:
        for b in seconds:
            gap = max(a.start, b.start) - min(a.end, b.end)
            if gap <= window and sentence[a.start] == sentence[b.start]:
                return (a, b) if a.start <= b.start else (b, a)
    return None


def _preceded_by(
    tokens: tuple[str, ...], i: int, lexicon: Lexicon, modes: tuple[str, ...]
) -> int | None:
    """Where a negation word of one of `modes` stands a few words before token `i`, if any."""
    for k in range(i - 1, max(-1, i - 1 - _LOOK_BACK), -1):
        if tokens[k] in BOUNDARIES:
            return None
        if lexicon.negators.get(tokens[k]) in modes:
            return k
    return None


def _foreign(words: list[str], lexicon: Lexicon, kind: _Evidence) -> bool:
    """Whether the text reads as another language: few Indonesian words, few cues."""
    if len(words) < 5 or sum(kind.scores.values()) >= 3:
        return False
    indonesian = sum(1 for word in words if word in lexicon.common or may_be_root_word(word))
    return indonesian / len(words) < lexicon.min_common_ratio


def _decide_kind(
    kind: _Evidence,
    urgent: bool,
    only_told: bool,
    has_unit: bool,
    lexicon: Lexicon,
    resolved: str | None = None,
) -> tuple[str, bool, bool, list[str]]:
    """(kind, spam?, still urgent?, reasons) from the kind evidence."""
    s = kind.scores
    complaint, suggestion = s["keluhan"], s["saran"]
    praise, question, spam, other = s["pujian"], s["pertanyaan"], s["spam"], s["lainnya"]
    rest = complaint + suggestion + question
    # Spam that happens to use an alarming word ("bayar denda 350rb ke rekening") stays spam
    # when its own wording clearly dominates.
    overwhelming = spam >= 2 * lexicon.spam_min_score and spam > 2 * rest
    if (not urgent or overwhelming) and spam >= lexicon.spam_min_score and spam > rest:
        reasons = [r.replace("→ spam", "→ spam (bukan aduan)") for r in kind.best("spam", 3)]
        return "lainnya", True, False, reasons
    if resolved and praise - kind.denied > 0 and question < 1:
        # "Dulu pernah salah dikasih obat, sudah diselesaikan, terima kasih": thanks for a
        # past matter settled, not a complaint, and no alarm.
        settled = f"'{resolved}' → pujian (sudah selesai)"
        return "pujian", False, False, [settled, *kind.best("pujian", 2)]
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
        if (
            label in ("pujian", "pertanyaan", "saran")
            and complaint == 0
            and only_told
            and (label != "pujian" or praise > kind.denied)
        ):
            # A thank-you letter may mention a death ("almarhumah") or an emergency and its
            # treatment, and so may a question ("ayah saya meninggal, syarat surat kematian
            # apa?") or a suggestion: then it is not urgent. Any other alarm is.
            return label, False, False, kind.best(label, 3)
        explicit_suggestion = suggestion - kind.wished
        if label in ("pertanyaan", "lainnya", "pujian") or (
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
