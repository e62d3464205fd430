"""The facility-editable cue lists (`lexicon.toml`) → one compiled, read-only `Lexicon`.

A facility file names only what it changes: every table in it adds to or replaces the same
table of the default, key by key; a cue with weight 0 (or a negator set to "off") removes
the default's. A unit section the default does not have adds a unit.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from aduan.parsers.classify.normalise import Speller, prepare, tokenise

KINDS = ("keluhan", "saran", "pujian", "pertanyaan", "spam", "lainnya", "layanan")
# Sections with cue → weight tables, and the labels each may hold (None: any label).
_CUE_SECTIONS: dict[str, tuple[str, ...] | None] = {
    "kind": KINDS,
    "unit": None,
    "urgent": (
        "langsung",
        "kematian",
        "darurat",
        "telantar",
        "tidak_ditangani",
        "tindakan",
        "keliru",
        "uang",
        "pungut",
        "bukti",
        "aman",
        "sarana",
        "bahaya",
        "sentuh",
        "tubuh",
        "lapor",
        "bukan",
        "intrusi",
        "privasi",
        "selesai",
        "lampau",
        "berkas",
        "tahan",
        "gawat",
        "palsu",
        "sulut",
        "terbakar",
        "ajak",
        "sepi",
        "pulih",
    ),
}
_SETTINGS = {
    "negation_window": 3,
    "typo_min_length": 5,
    "spam_min_score": 2.0,
    "suggestion_over_complaint": 1.5,
    "min_common_ratio": 0.12,
}
_NEGATOR_VALUES = ("flip", "flip_cancel", "cancel", "wish", "hypothetical", "off")
_BRIDGE_VALUES = ("skip", "target", "off")
_TOP_LEVEL = ("settings", "normalise", "negation", "kind", "start", "unit", "urgent", "language")


class LexiconError(ValueError):
    """The lexicon file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Note:
    """What one cue says: its group ("kind", "unit", "urgent"), label and weight."""

    group: str
    label: str
    weight: float


@dataclass(frozen=True)
class Cue:
    """A word or phrase of the lexicon and everything the tables say about it."""

    words: tuple[str, ...]
    exact: tuple[bool, ...]  # per word: matches as written only, never by its root
    notes: tuple[Note, ...]


def hit_group(group: str, label: str) -> str:
    """The group a cue's hit counts in: urgency tables are separate groups ("urgent.<label>"),
    so that an emergency word and a refusal word may overlap."""
    return f"urgent.{label}" if group == "urgent" else group


class CueEnd:
    """A cue ending at a trie node, with what matching needs precomputed: its first word
    and rank in `Lexicon.index[first word]` (to keep the index's order), its length, and
    its notes as (hit group, label, weight)."""

    __slots__ = ("cue", "first", "groups", "length", "rank")

    def __init__(self, cue: Cue, rank: int) -> None:
        self.cue = cue
        self.first = cue.words[0]
        self.rank = rank
        self.length = len(cue.words)
        self.groups = tuple(
            (hit_group(note.group, note.label), note.label, note.weight) for note in cue.notes
        )


_MEMO_SIZE = 50_000  # distinct tokens whose first step from the root is remembered


class CueTrie:
    """One node of the cue phrases' word trie: the next word, pinned ("=", matched as written
    or without its clitic) or loose (also by its root), leads to the next node."""

    __slots__ = ("_memo", "ends", "exact", "loose", "words")

    def __init__(self) -> None:
        self.exact: dict[str, CueTrie] = {}
        self.loose: dict[str, CueTrie] = {}
        self.ends: list[CueEnd] = []
        self.words: set[str] = set()  # the keys of `exact` and `loose`
        self._memo: dict[tuple[str, str, str], tuple[CueTrie, ...]] = {}

    def start(self, forms: tuple[str, str, str]) -> tuple[CueTrie, ...]:
        """`step` from the root, memoised (the same words come again and again); call it on
        the root only, as the memo is kept by the node."""
        found = self._memo.get(forms)
        if found is None:
            found = self.step(forms)
            if len(self._memo) < _MEMO_SIZE:
                self._memo[forms] = found
        return found

    def step(self, forms: tuple[str, str, str]) -> tuple[CueTrie, ...]:
        """The nodes one token with these match forms (word, without clitic, root) leads to."""
        surface, bare, root = forms
        words = self.words
        if surface not in words and bare not in words and root not in words:
            return ()  # most steps lead nowhere
        exact, loose = self.exact, self.loose
        keys = [(exact, surface), (loose, surface)]
        if bare != surface:
            keys += [(exact, bare), (loose, bare)]
        if root != surface and root != bare:
            keys.append((loose, root))
        return tuple(child for table, word in keys if (child := table.get(word)) is not None)

    def loose_words(self) -> set[str]:
        """Every word a cue matches by its root, at any depth: the stems worth computing."""
        out: set[str] = set()
        nodes = [self]
        while nodes:
            node = nodes.pop()
            out.update(node.loose)
            nodes.extend(node.loose.values())
            nodes.extend(node.exact.values())
        return out

    def add(self, cue: Cue, rank: int) -> None:
        node = self
        for word, pinned in zip(cue.words, cue.exact, strict=True):
            children = node.exact if pinned else node.loose
            child = children.get(word)
            if child is None:
                child = children[word] = CueTrie()
                node.words.add(word)
            node = child
        node.ends.append(CueEnd(cue, rank))


class Lexicon:
    """Compiled cue tables; build with `load_lexicon`."""

    def __init__(self, raw: Mapping[str, Any], source: str = "lexicon") -> None:
        self.raw = raw
        self.source = source
        settings = {**_SETTINGS, **_table(raw, "settings", source)}
        self.negation_window = int(settings["negation_window"])
        self.typo_min_length = int(settings["typo_min_length"])
        self.spam_min_score = float(settings["spam_min_score"])
        self.suggestion_over_complaint = float(settings["suggestion_over_complaint"])
        self.min_common_ratio = float(settings["min_common_ratio"])

        negation = _table(raw, "negation", source)
        self.negators = _choices(negation.get("words", {}), _NEGATOR_VALUES, source, "negation")
        self.bridge = _choices(negation.get("bridge", {}), _BRIDGE_VALUES, source, "negation")
        self.common = frozenset(
            word
            for word, on in _table(raw, "language", source).get("umum", {}).items()
            if on not in (0, False)
        )

        slang: dict[str, tuple[str, ...]] = {}
        for word, standard in _table(raw, "normalise", source).get("words", {}).items():
            if not isinstance(standard, str):
                raise LexiconError(f"{source}: normalise.words.{word} must be a string")
            slang[word.lower()] = tuple(tokenise(prepare(standard)))

        notes_by_phrase: dict[tuple[tuple[str, bool], ...], list[Note]] = {}
        self.units: list[str] = []
        for group, allowed in _CUE_SECTIONS.items():
            for label, cues in _table(raw, group, source).items():
                if allowed is not None and label not in allowed:
                    raise LexiconError(f"{source}: unknown section [{group}.{label}]")
                if not isinstance(cues, dict):
                    raise LexiconError(f"{source}: [{group}.{label}] must be a table")
                if group == "unit" and label not in self.units:
                    self.units.append(label)
                for phrase, weight in cues.items():
                    if isinstance(weight, bool) or not isinstance(weight, int | float):
                        raise LexiconError(f"{source}: {group}.{label}.{phrase} must be a number")
                    phrase_words = _cue_words(phrase)
                    if weight and phrase_words:
                        notes_by_phrase.setdefault(phrase_words, []).append(
                            Note(group, label, float(weight))
                        )
        self.index: dict[str, list[Cue]] = {}
        for key, notes in notes_by_phrase.items():
            words = tuple(word for word, _ in key)
            exact = tuple(pinned for _, pinned in key)
            self.index.setdefault(words[0], []).append(Cue(words, exact, tuple(notes)))
        for cues in self.index.values():
            cues.sort(key=lambda cue: -len(cue.words))  # longest phrase first
        # The same cues as a word trie, built once: matching walks it from each token.
        self.trie = CueTrie()
        for cues in self.index.values():
            for rank, cue in enumerate(cues):
                self.trie.add(cue, rank)

        # Words that say something only at the start of a sentence: an imperative ("bikin
        # jalur landai…", "sediakan kursi roda") is a suggestion, "boleh bawa anak?" a question.
        self.starts: dict[str, tuple[tuple[str, float], ...]] = {}
        for label, cues in _table(raw, "start", source).items():
            if label not in KINDS:
                raise LexiconError(f"{source}: unknown section [start.{label}]")
            if not isinstance(cues, dict):
                raise LexiconError(f"{source}: [start.{label}] must be a table")
            for word, weight in cues.items():
                if isinstance(weight, bool) or not isinstance(weight, int | float):
                    raise LexiconError(f"{source}: start.{label}.{word} must be a number")
                if weight:
                    key = word.lower().strip()
                    self.starts[key] = (*self.starts.get(key, ()), (label, float(weight)))

        single_words = {words[0][0] for words in notes_by_phrase if len(words) == 1}
        single_words |= set(self.starts)
        known = set(self.common) | set(self.negators) | set(self.bridge)
        known |= {word for standard in slang.values() for word in standard}
        self.speller = Speller(
            slang, single_words, known, self.typo_min_length, stems=self.trie.loose_words()
        )

    def __repr__(self) -> str:
        return f"Lexicon({self.source!r}, {sum(map(len, self.index.values()))} cues)"


def _cue_words(phrase: str) -> tuple[tuple[str, bool], ...]:
    """The words of a cue as written in the lexicon, each with its "=" (exact) flag."""
    words: list[tuple[str, bool]] = []
    for part in phrase.split():
        exact = part.startswith("=")
        # Punctuation is kept: "tidak ?" is the yes/no question ending "…bisa gak?".
        words.extend((token, exact) for token in tokenise(part.lstrip("=").lower()))
    return tuple(words)


def _table(raw: Mapping[str, Any], key: str, source: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise LexiconError(f"{source}: [{key}] must be a table")
    return value


def _choices(table: Any, allowed: tuple[str, ...], source: str, section: str) -> dict[str, str]:
    """word → its role, checked against `allowed`; "off" drops the word."""
    if not isinstance(table, dict):
        raise LexiconError(f"{source}: [{section}] entries must be tables")
    out: dict[str, str] = {}
    for word, value in table.items():
        if value not in allowed:
            raise LexiconError(f"{source}: {section}.{word} must be one of {', '.join(allowed)}")
        if value != "off":
            out[word] = value
    return out


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `override` laid over it, table by table, key by key."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def default_lexicon_text() -> str:
    return files("aduan.parsers.classify").joinpath("lexicon.toml").read_text(encoding="utf-8")


_DEFAULT: Lexicon | None = None


def default_lexicon() -> Lexicon:
    """The shipped lexicon, compiled once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Lexicon(tomllib.loads(default_lexicon_text()), "lexicon.toml (bawaan)")
    return _DEFAULT


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The default lexicon, with the facility's file at `path` merged over it when given."""
    if path is None:
        return default_lexicon()
    try:
        override = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise LexiconError(f"{path}: {err}") from err
    unknown = sorted(set(override) - set(_TOP_LEVEL))
    if unknown:
        raise LexiconError(f"{path}: unknown section [{unknown[0]}]")
    return Lexicon(merge(default_lexicon().raw, override), str(path))
