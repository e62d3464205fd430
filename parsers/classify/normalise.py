"""How people write → the tokens the rules and the model read.

Mail noise (quoted replies, signatures) goes first, then the text is lowercased and cut into
word tokens plus punctuation tokens ("." "?" "!"), which mark clause ends for negation and
questions. Each word is spelled the standard way (slang map from the lexicon, repeated letters,
small typos) and gets its match forms: the word, the word without a clitic (-nya, -ku...),
and its Sastrawi stem.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# Only this much of the raw text is searched for quotes and signatures, and only the first
# PREPARED_LIMIT characters of what remains are prepared: a megabyte paste must cost no more
# than a long letter does.
RAW_LIMIT = 6_000
PREPARED_LIMIT = 5_000
# The kind and unit are read from the first ~1.5k characters of normalised text: what decides
# them is at the start. Urgency is looked for further, to ~4.5k: a long letter may come to
# the emergency only after the introductions. The cost of a pathological input stays bounded.
TEXT_LIMIT = 1_500
ALARM_LIMIT = 4_500

URL_TOKEN = "tautan"  # every link becomes this one word, a cue the lexicon can weigh
MONEY_TOKEN = "uang"  # so does every amount of money: "minta 20rb" reads "minta uang"
BOUNDARIES = frozenset(".?!;,:")

_CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")

# Lines that start a quoted earlier message: everything from them on is not the sender's.
_QUOTE_HEADER = re.compile(
    r"^[ \t]*(?:"
    r"on\b.{0,300}?\bwrote\s*:"
    r"|pada\b.{0,300}?\bmenulis\s*:"
    r"|-{2,}\s*(?:original message|pesan asli|forwarded message|pesan terusan)\s*-{2,}"
    r"|_{10,}\s*$"
    r"|from:[ \t][^\n]+\n[ \t]*(?:sent|date|dikirim|tanggal):"
    r")",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
# Gmail breaks a long "On <date>, <name> <address> wrote:" over two lines.
_QUOTE_HEADER_WRAPPED = re.compile(
    r"^[ \t]*(?:on|pada)\b[^\n]{0,300}\n[^\n]{0,300}\b(?:wrote|menulis)\s*:\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_SIGNATURE_DASHES = re.compile(r"^-- ?$", re.MULTILINE)
_DEVICE_FOOTER = re.compile(
    r"^[ \t]*(?:sent from my\b|dikirim dari\b|get outlook for\b|kirim dari\b|sent via\b)",
    re.IGNORECASE | re.MULTILINE,
)
# A closing formula on a line of its own; cut only when a short name block follows it.
_SIGN_OFF = re.compile(
    r"^\s*(?:salam(?: hormat| sehat| kenal)?|hormat (?:saya|kami)|wassalam\S*|"
    r"wassalamu\S*(?: \S+){0,3}|terima ?kasih|terimakasih|regards|best regards|"
    r"thanks|tabik|best)\s*[,.!]*\s*$",
    re.IGNORECASE,
)
# A letter's address line names the addressee, not the matter: "Kepada Yth. Kepala Puskesmas".
# A longer line that only starts so ("Yth pak, anak saya kejang ditolak di UGD…") is the
# message itself, written on one line, and stays.
_SALUTATION = re.compile(
    r"^\s*(?:kepada\s+)?(?:yth|yang terhormat)\b.*$|^\s*dengan hormat\s*,?\s*$", re.IGNORECASE
)
_SALUTATION_WORDS = 8
_NAME_BLOCK_LINES = 4
_NAME_BLOCK_WIDTH = 60

# "dr." and "dr" before a capitalised word or a kind of doctor mean "dokter"; any other
# lowercase "dr" is the informal "dari" ("dr pagi", "dr rumah"). Done before lowercasing,
# since the capital letter of a name is the only hint. "dr budi" in all lowercase therefore
# reads "dari budi": a known, accepted miss.
_DR_DOCTOR = re.compile(
    r"\b[Dd][Rr]\.\s*|\b[Dd][Rr]\s+(?=[A-Z]|(?i:gigi|umum|jaga|spesialis|sp|anak|kandungan)\b)"
)
_DR_TITLE = re.compile(r"\bDr\b")
# Every repetition below is bounded: on a megabyte without spaces an unbounded run rescans
# the rest of the text from every position, which is quadratic.
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]{1,63}\.(?:com|net|org|id|co|ly|me|xyz|io|link|site|"
    r"info|top|vip|club|online|store|app|click)(?:/\S*)?\b|\bwa\.me/\S+",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[^\s@]{1,64}@[^\s@]{1,255}")
# "pukul 08.15" is a time, not a blow.
_CLOCK = re.compile(r"\bpukul\s+(?=\d)", re.IGNORECASE)
_MONEY = re.compile(
    r"\brp\.?\s?\d[\d.,]{0,15}(?:\s?(?:rb|ribu|k|jt|juta)\b)?"
    r"|\b\d[\d.,]{0,15}\s?(?:rb|rbu|ribu|jt|juta)\b"
    r"|\b\d{1,4}k\b"  # "150k", as thousands are written in chat
    r"|\b\d{1,3}(?:\.\d{3}){1,4}\b",
    re.IGNORECASE,
)
# A bare number right after a word for paying or asking is an amount in thousands, as
# people say it: "bayar aja 300 ke dia", "minta 50 buat admin".
_PAID_NUMBER = re.compile(
    r"\b((?:bayar|kasih|minta|mintain|dimintai|setor|nyetor|titip|nitip|transfer|tf|tarik|narik|"
    r"ditarik|nambah|tambah|ongkos)(?:\s+(?:aja|saja|lagi|dulu))?)\s+\d{2,3}\b(?!\s*(?:[.,:]\d|"
    r"x\b|kali|menit|mnt|jam|hari|minggu|bulan|thn|tahun|orang|org|tablet|butir|biji|ml|mg|cc|"
    r"%|persen|lembar|pasien|nomor|km|meter|derajat))",
    re.IGNORECASE,
)
_URL_HINT = re.compile(r"www\.|://|\.[a-z]", re.IGNORECASE)
_URL_RUN = re.compile(r"[^\s]*(?:www\.|://|\.[a-z])[^\s]*", re.IGNORECASE)
# A number `_PAID_NUMBER` may end on: two or three digits, not part of a longer number.
_BARE_NUMBER = re.compile(r"(?<![\w])\d{2,3}\b")
# Characters after a number and the spaces after it that the pattern's look-ahead reads.
_PAID_AFTER = 12
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# `_DR_DOCTOR`, `_DR_TITLE` and `_CLOCK` without their leading `\b`, which keeps the regex
# engine from skipping ahead to the first letter; `_at_word_start` checks it instead. A match
# away from a word start is left as it is, and no match of the full pattern can start inside
# it (none of its later characters can start one), so the result is the same.
_WORD_CHAR = re.compile(r"\w")
_DR_DOCTOR_SCAN = re.compile(_DR_DOCTOR.pattern.replace(r"\b[Dd][Rr]", "[Dd][Rr]"))
_DR_TITLE_SCAN = re.compile(r"Dr\b")
_CLOCK_SCAN = re.compile(r"pukul\s+(?=\d)", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_TWO_DIGITS = re.compile(r"\d\d")
# Numbers with separators ("08.15", "3,5"), words (with the apostrophe of "jum'at"), or one
# punctuation mark.
_TOKEN = re.compile(r"\d+(?:[.,:]\d+)+|[a-z0-9]+(?:'[a-z]+)?|[.?!;,:]")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_REDUPLICATED = re.compile(r"^([a-z]{2,})2$")  # informal "lama2" for "lama-lama"


@dataclass(frozen=True)
class Normalised:
    """The tokens of one item, each with the forms a cue may match."""

    tokens: tuple[str, ...]
    # Per token, always three: the word, the word without its clitic (else the word again),
    # its stem (else the word again; the speller only stems a word whose stem a cue could
    # match, see `StemGuard`). Exact cues look at the first two only.
    forms: tuple[tuple[str, str, str], ...]
    # How many of the tokens are within TEXT_LIMIT, read for kind and unit (None: all); the
    # rest is read for urgency only.
    head: int | None = None

    @property
    def head_end(self) -> int:
        return len(self.tokens) if self.head is None else self.head

    @property
    def text(self) -> str:
        """The normalised head, tokens separated by single spaces (what the model reads)."""
        return " ".join(self.tokens[: self.head_end])


def strip_mail_noise(text: str) -> str:
    """`text` without the quoted message it answers and without signatures or device footers."""
    text = text[:RAW_LIMIT].replace("\r\n", "\n").replace("\r", "\n")
    cut = len(text)
    for pattern in (_QUOTE_HEADER, _QUOTE_HEADER_WRAPPED, _SIGNATURE_DASHES, _DEVICE_FOOTER):
        found = pattern.search(text, 0, cut)
        # A marker on the first line would leave nothing: then it is not a reply marker.
        if found is not None and text[: found.start()].strip():
            cut = found.start()
    text = text[:cut]
    text = "\n".join(
        line
        for line in text.split("\n")
        if not line.lstrip().startswith(">") and not _is_salutation(line)
    )
    return _strip_sign_off(text).strip()


def _is_salutation(line: str) -> bool:
    return _SALUTATION.match(line) is not None and len(line.split()) <= _SALUTATION_WORDS


def _strip_sign_off(text: str) -> str:
    lines = text.split("\n")
    filled = [k for k, line in enumerate(lines) if line.strip()]
    # Only the last few lines can be a closing formula with a short name block under it.
    tail = filled[-(_NAME_BLOCK_LINES + 1) :]
    for n, k in enumerate(tail):
        if (
            k != filled[0]
            and _SIGN_OFF.fullmatch(lines[k]) is not None
            and all(len(lines[j]) <= _NAME_BLOCK_WIDTH for j in tail[n + 1 :])
        ):
            return "\n".join(lines[:k])
    return text


def prepare(text: str) -> str:
    """Raw text → lowercase plain text with links and addresses replaced and noise removed."""
    text = strip_mail_noise(text)[:PREPARED_LIMIT]
    # Each pattern is only run when the text holds what every match of it must contain: a
    # regex scan costs per character even where nothing matches.
    if any(dr in text for dr in ("dr", "dR", "Dr", "DR")):
        text = _DR_DOCTOR_SCAN.sub(_at_word_start("dokter "), text)
        if "Dr" in text:
            text = _DR_TITLE_SCAN.sub(_at_word_start("dokter"), text)
    if "." in text or ":" in text:
        text = _replace_urls(text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if _DIGIT.search(text) is not None:
        text = _MONEY.sub(f" {MONEY_TOKEN} ", text)
        if _TWO_DIGITS.search(text) is not None:
            text = _paid_numbers(text)
        if _DIGIT.search(text) is not None:
            text = _CLOCK_SCAN.sub(_at_word_start("jam "), text)
    # NFKD then dropping marks turns "é" into "e" and mathematical bold letters, a spammer
    # favourite, into plain ones.
    text = text.lower()
    if text.isascii():  # most mail: nothing to decompose, and the loop below is per character
        return text
    # Only the non-ASCII runs are looked at per character: no ASCII character is a mark.
    return _NON_ASCII.sub(_drop_marks, unicodedata.normalize("NFKD", text))


def _drop_marks(found: re.Match[str]) -> str:
    return "".join(ch for ch in found.group() if not unicodedata.combining(ch))


def _at_word_start(replacement: str) -> Callable[[re.Match[str]], str]:
    """A `sub` callback that replaces a match of a `*_SCAN` pattern only where the pattern it
    stands for, which starts with `\\b`, matches: at the start of a word."""

    def replace(found: re.Match[str]) -> str:
        start = found.start()
        if start and _WORD_CHAR.match(found.string, start - 1) is not None:
            return found.group()
        return replacement

    return replace


def _replace_urls(text: str) -> str:
    """`_URL.sub` on `text`, run only on the runs without whitespace that can hold a link: one
    with "www.", "://" or a dot before a letter (every match of `_URL` has one of these, and
    no link spans whitespace). A sentence's full stop ("lama.") and times ("08.15") are not."""
    if _URL_HINT.search(text) is None:
        return text
    return _URL_RUN.sub(_replace_url_run, text)


def _replace_url_run(found: re.Match[str]) -> str:
    return _URL.sub(f" {URL_TOKEN} ", found.group())


def _paid_numbers(text: str) -> str:
    """`_PAID_NUMBER.sub` on `text`, looked for only around the bare two- and three-digit
    numbers (the regex's alternation, tried at every word, is what costs on a long mail)."""
    out: list[str] = []
    done = 0  # text before this is copied to `out` already
    for number in _BARE_NUMBER.finditer(text):
        if number.start() < done:
            continue
        # The window holds the two words before the number (the verb and an optional "aja",
        # "saja", "lagi", "dulu") and what the look-ahead after it reads.
        start = _word_before(text, _word_before(text, number.start(), done), done)
        end = number.end()
        while end < len(text) and text[end].isspace():
            end += 1
        window_end = min(len(text), end + _PAID_AFTER)
        for found in _PAID_NUMBER.finditer(text, start, window_end):
            if found.end() == number.end() and found.start() >= done:
                out.append(text[done : found.start()])
                out.append(f"{found.group(1)} {MONEY_TOKEN} ")
                done = found.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _word_before(text: str, k: int, lowest: int) -> int:
    """Where the word before position `k` (over the spaces between) starts, not before
    `lowest`."""
    while k > lowest and text[k - 1].isspace():
        k -= 1
    while k > lowest and (text[k - 1].isalnum() or text[k - 1] == "_"):
        k -= 1
    return k


def tokenise(text: str, limit: int = TEXT_LIMIT) -> Iterable[str]:
    """Raw word and punctuation tokens of prepared `text`, about `limit` characters' worth."""
    used = 0
    previous = ""
    for found in _TOKEN.finditer(text):
        token = found.group()
        if token in BOUNDARIES and token == previous:
            continue  # "!!!" and "..." say nothing more than one mark
        used += len(token) + 1
        if used > limit:
            return
        previous = token
        yield token


@lru_cache(maxsize=1)
def _stemmer() -> object:
    # The bare Sastrawi stemmer: its own cache wrapper stems whole texts and never evicts.
    return StemmerFactory().create_stemmer().delegatedStemmer


@lru_cache(maxsize=1)
def root_words() -> frozenset[str]:
    """Sastrawi's dictionary of Indonesian root words."""
    dictionary = _stemmer().dictionary  # type: ignore[attr-defined]
    return frozenset(word for word in dictionary.words if word)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Sastrawi stem of one lowercase word (cached: Sastrawi takes up to ms per word)."""
    if len(word) < 4 or not word.isalpha() or word in root_words():
        return word  # Sastrawi returns a root word as it is, after setting up its search
    result: str = _stemmer().stem_word(word)  # type: ignore[attr-defined]
    return result or word


# What Sastrawi can strip around a root, for `StemGuard`: the suffixes in the order they come
# (derivational, possessive, particle), and the prefixes, each also without its first letter,
# which a nasal before it may have replaced ("memperbaiki": mem + [p]er + baik).
_SUFFIXES = frozenset(
    d + p + q
    for d in ("", "i", "kan", "an", "is", "isme", "isasi")
    for p in ("", "ku", "mu", "nya")
    for q in ("", "lah", "kah", "tah", "pun")
)
_SUFFIX_LENGTHS = tuple(sorted({len(suffix) for suffix in _SUFFIXES}))
_PREFIXES = (
    "di|ke|se|ber|be|bel|ter|te|me|mem|men|meng|meny|menge|pe|pem|pen|peng|peny|penge|per|pel"
    "|ku|kau|i|e|er|el|em|en|eng|eny|enge|u|au"
)
_PREFIX_CHAIN = re.compile(f"(?:{_PREFIXES}){{0,4}}")
_INFIXES = ("el", "er", "em", "in")


class StemGuard:
    """Whether Sastrawi could stem a word to one of some roots, told without stemming it.

    Sastrawi strips prefixes (where a nasal may replace the root's first letter, and an infix
    may go) and suffixes, and returns a dictionary word or the word unchanged. So a root
    ``r`` can be the stem of ``word`` only when ``r[1:]`` ends the word before a run of
    suffixes and what stands before it is prefixes, with or without ``r[0]`` and an infix.
    `may_stem_to` checks that: False means the stem is none of the roots, True means it may be
    (ask Sastrawi). Stemming a word costs up to a millisecond; this costs microseconds.
    """

    def __init__(self, roots: Iterable[str]) -> None:
        self._firsts: dict[str, set[str]] = {}
        for root in roots:
            if len(root) >= 2:
                self._firsts.setdefault(root[1:], set()).add(root[0])
        self._lengths = sorted({len(tail) for tail in self._firsts})

    def may_stem_to(self, word: str) -> bool:
        firsts_of = self._firsts
        for cut in _SUFFIX_LENGTHS:
            if cut >= len(word):
                break
            base = word[: len(word) - cut]
            if cut and word[-cut:] not in _SUFFIXES:
                continue
            for length in self._lengths:
                if length >= len(base):
                    break
                firsts = firsts_of.get(base[-length:])
                if firsts is not None and _prefixed(base[:-length], firsts):
                    return True
        return False


def _prefixed(before: str, firsts: set[str]) -> bool:
    """Whether `before` (non-empty) is Sastrawi prefixes, then perhaps a root's first letter
    from `firsts` (kept, not replaced), then perhaps an infix."""
    chain = _PREFIX_CHAIN.fullmatch
    if chain(before) is not None:
        return True
    if before[-1] in firsts and chain(before[:-1]) is not None:
        return True
    if before[-2:] in _INFIXES:
        return chain(before[:-2]) is not None or chain(before[:-3]) is not None
    return False


@lru_cache(maxsize=1)
def _root_guard() -> StemGuard:
    return StemGuard(root_words())


def may_be_root_word(word: str) -> bool:
    """Whether `word` or its stem is a Sastrawi root word (`word in root_words() or
    stem(word) in root_words()`), stemming only when a root could be its stem."""
    roots = root_words()
    if word in roots:
        return True
    if len(word) < 4 or not word.isalpha() or not _root_guard().may_stem_to(word):
        return False
    return stem(word) in roots


def without_clitic(word: str) -> str:
    """ "obatnya" → "obat", "bisakah" → "bisa"; other words unchanged."""
    for clitic in _CLITICS:
        if word.endswith(clitic) and len(word) - len(clitic) >= 3:
            return word[: -len(clitic)]
    return word


@lru_cache(maxsize=200_000)
def word_forms(word: str) -> tuple[str, str, str]:
    """`word`, `word` without its clitic, and its stem (see `Normalised.forms`)."""
    if word in BOUNDARIES:
        return (word, word, word)
    return (word, without_clitic(word), stem(word))


def collapse_repeats(word: str, known: Callable[[str], bool]) -> str:
    """ "lamaaaa" → "lama", "maaaaf" → "maaf": runs of three or more letters lose the excess."""
    if _REPEAT.search(word) is None:
        return word
    single = _REPEAT.sub(r"\1", word)
    if known(single):
        return single
    double = _REPEAT.sub(r"\1\1", word)
    if known(double):
        return double
    # Neither is a known word: the single letter is the more common intent ("tolonggg").
    return single


def split_reduplication(word: str) -> str:
    """ "org2" → "org": the informal 2 repeats the word, which counts once."""
    found = _REDUPLICATED.match(word)
    return found.group(1) if found else word


def _nasal_roots(word: str) -> list[str]:
    """Roots a colloquial nasal-prefixed verb may come from: "nyuruh" → "suruh", "curuh"."""
    vowels = "aeiou"
    if word.startswith("nge") and len(word) > 5:
        return [word[2:], "k" + word[2:], word[3:], "k" + word[3:]]
    if word.startswith("ng") and word[2:3] in vowels:
        return [word[2:], "k" + word[2:]]
    if word.startswith("ny") and word[2:3] in vowels:
        return ["s" + word[2:], "c" + word[2:]]
    if word.startswith(("n", "m")) and word[1:2] in vowels:
        return [("t" if word[0] == "n" else "p") + word[1:]]
    return []


def edit_distance_one(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by one insertion, deletion, substitution or transposition."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (
        i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    )


def deletions(word: str) -> set[str]:
    """`word` and every string one deletion away: the keys of a symmetric-delete index."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


class Speller:
    """Standard spelling for informal words: slang map, repeated letters, near-miss typos.

    The typo step only touches words of at least `min_typo_length` letters that are neither
    Indonesian root words nor known forms, and only when exactly one target word is one edit
    away; "rumah" never becomes "ramah" because "rumah" is a word.
    """

    def __init__(
        self,
        slang: Mapping[str, tuple[str, ...]],
        targets: Iterable[str],
        known: Iterable[str],
        min_typo_length: int = 5,
        stems: Iterable[str] | None = None,
    ) -> None:
        self._slang = dict(slang)
        self._min = min_typo_length
        self._targets = frozenset(t for t in targets if len(t) >= min_typo_length - 1)
        self._known = frozenset(known) | self._targets | frozenset(self._slang)
        self._index: dict[str, set[str]] = {}
        for target in self._targets:
            for key in deletions(target):
                self._index.setdefault(key, set()).add(target)
        self._cache: dict[str, tuple[str, ...]] = {}
        # The stems a cue can match (None: any): a word that cannot stem to one of them keeps
        # itself as its third match form, and is not stemmed.
        self._stems = None if stems is None else StemGuard(set(stems) & root_words())
        _root_guard()  # built now, not on the first unknown word
        self._forms: dict[str, tuple[str, str, str]] = {}

    def is_known(self, word: str) -> bool:
        return word in self._known or may_be_root_word(word)

    def forms(self, word: str) -> tuple[str, str, str]:
        """`word_forms(word)`, with the stem only where a cue could match it (cached)."""
        found = self._forms.get(word)
        if found is None:
            if self._stems is None or word in BOUNDARIES:
                found = word_forms(word)
            elif len(word) >= 4 and word.isalpha() and self._stems.may_stem_to(word):
                found = (word, without_clitic(word), stem(word))
            else:
                found = (word, without_clitic(word), word)
            if len(self._forms) < 500_000:
                self._forms[word] = found
        return found

    def clear_caches(self) -> None:
        """Forget every word spelled and its forms (to measure the cold path)."""
        self._cache.clear()
        self._forms.clear()

    def spell(self, raw: str) -> tuple[str, ...]:
        """The standard tokens for one raw token (cached per speller)."""
        cached = self._cache.get(raw)
        if cached is None:
            cached = self._spell(raw)
            if len(self._cache) < 500_000:
                self._cache[raw] = cached
        return cached

    def _spell(self, raw: str) -> tuple[str, ...]:
        if raw in self._slang:
            return self._slang[raw]
        base = without_clitic(raw)
        if base != raw and len(self._slang.get(base, ())) == 1:
            # "ngantrinya" → "antrinya": the clitic stays so the match forms keep it.
            return (self._slang[base][0] + raw[len(base) :],)
        word = collapse_repeats(split_reduplication(raw), self.is_known)
        if word in self._slang:
            return self._slang[word]
        return (self._correct(self._informal(word)),)

    def _informal(self, word: str) -> str:
        """The standard form of a colloquial verb: "ngamuk" → "amuk", "dijelasin" → "dijelaskan".

        Colloquial Indonesian drops "me-" from the nasal prefix ("nyuruh", "nonjok") and
        writes "-in" for "-kan"/"-i"; a rewrite is kept only when it gives a known word.
        """
        if len(word) < 5 or not word.isalpha():
            return word
        bases = [word]
        if word.endswith("in"):
            stem_ = word[:-2]
            bases = [stem_ + "kan", stem_ + "i", stem_, word]
        candidates = [
            candidate
            for base in bases
            for candidate in (base, *_nasal_roots(base))
            if candidate != word
        ]
        # Whether the word is known is asked only when there is a rewrite to choose instead:
        # it may cost a Sastrawi stemming.
        if not candidates or self.is_known(word):
            return word
        return next((c for c in candidates if self.is_known(c)), word)

    def _correct(self, word: str) -> str:
        if len(word) < self._min or not word.isalpha() or word in self._known:
            return word
        candidates: set[str] = set()
        for key in deletions(word):
            candidates |= self._index.get(key, set())
        matches = [c for c in candidates if edit_distance_one(word, c)]
        # Whether the word is known (which may cost a stemming) matters only when there is
        # one correction to make.
        if len(matches) != 1 or self.is_known(word):
            return word
        return matches[0]


def normalise_item(text: str, subject: str | None, speller: Speller) -> Normalised:
    """An item's subject and text, normalised together.

    The subject often names the matter in two words ("Antrian lama"); it is read first, as
    its own sentence, so that no phrase runs from the subject into the body.
    """
    subject = (subject or "").strip()
    return normalise(f"{subject}.\n{text}" if subject else text, speller)


def normalise(
    text: str, speller: Speller, limit: int = TEXT_LIMIT, alarm_limit: int = ALARM_LIMIT
) -> Normalised:
    """Tokens and match forms of `text` (raw, as the person wrote it): the first `limit`
    characters' worth as the head, read for everything, up to `alarm_limit` in all."""
    tokens: list[str] = []
    head: int | None = None
    # `tokenise`, inlined: one `findall` instead of a generator step per token.
    overall = max(limit, alarm_limit)
    used = 0
    previous = ""
    spell = speller.spell
    for raw in _TOKEN.findall(prepare(text)):
        if raw in BOUNDARIES:
            if raw == previous:
                continue  # "!!!" and "..." say nothing more than one mark
            used += 2
            if used > overall:
                break
            if head is None and used > limit:
                head = len(tokens)
            tokens.append(raw)
        else:
            used += len(raw) + 1
            if used > overall:
                break
            if head is None and used > limit:
                head = len(tokens)
            tokens.extend(spell(raw))
        previous = raw
    return Normalised(tuple(tokens), tuple(map(speller.forms, tokens)), head)
