"""Snapshot of the rules classifier's outputs, to prove an optimisation changes none.

    .venv/bin/python -m bench.classify_snapshot OUT.json            # write a snapshot
    .venv/bin/python -m bench.classify_snapshot OUT.json --compare BEFORE.json

Runs the rules (no model) over every labelled text in tests/data/*.jsonl and the seed set,
plus synthetic long and odd inputs, and stores every verdict in full (kind, unit, urgent,
spam, confidences, reasons in order) and the normalised tokens the model would read.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aduan.parsers.classify import evaluate_text, load_lexicon  # noqa: E402
from aduan.parsers.classify.lexicon import Lexicon, default_lexicon, merge  # noqa: E402
from aduan.parsers.classify.normalise import normalise_item  # noqa: E402

_OVERRIDE = """
[kind.keluhan]
lama = 0
"jutek banget" = 2.5
[unit.farmasi]
"=obat" = 1.5
[urgent.darurat]
pingsan = 0
[negation.words]
gak = "off"
"""


def inputs() -> list[tuple[str | None, str]]:
    items: list[tuple[str | None, str]] = []
    paths = sorted((ROOT / "tests" / "data").glob("*.jsonl"))
    paths.append(ROOT / "parsers" / "classify" / "seed.jsonl")
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                items.append((item.get("subject") or None, str(item["text"])))
    texts = [text for _, text in items]
    # Long mails: labelled texts glued together, so cues fall on both sides of the 1,500
    # and 4,500 character cuts.
    for start in range(0, len(texts), 37):
        glued = ""
        k = start
        while len(glued) < 7_000:
            glued += texts[k % len(texts)] + ("\n\n" if k % 3 else ". ")
            k += 1
        items.append((None, glued))
        items.append(("Keluhan", glued[:1_520]))
        items.append((None, glued[:4_520]))
    items += [
        (None, "antri lama " * 100_000),  # a megabyte
        (None, "x" * 1_000_000),
        (None, "😡🙏🏥" * 50),
        (None, ""),
        ("", "   "),
        (None, "The nurse was rude and we waited four hours, please fix the queue."),
        (None, "Dear sir, I want to complain about the doctor. Thanks, John"),
        (None, "tidak ramah tidak lama tidak ada pungli semoga lebih ramah"),
        (None, "kalau malam anak kejang, boleh langsung ke UGD atau harus ke RS?"),
        (None, "jadwal posyandu jatuh hari Senin, bidan menolak amplop"),
        (
            None,
            "\U0001d401\U0001d400\U0001d418\U0001d400\U0001d411 "
            "\U0001d403\U0001d404\U0001d40d\U0001d403\U0001d400 "
            "350rb ke rekening bit.ly/xyz sekarang!!!",
        ),
        (None, "pelayanannya sangaaaat lamaaaa, petugasnya jutekkk, obatnya ketuker"),
    ]
    return items


def visible(forms: list[list[str]], loose: set[str]) -> list[list[str]]:
    """Match forms as the cues see them: a stem no cue matches by its root is as good as the
    word itself (the speller leaves such words unstemmed)."""
    return [[w, bare, root if root in loose else w] for w, bare, root in forms]


def verdicts(items: list[tuple[str | None, str]], lexicon: Lexicon) -> list[dict[str, Any]]:
    out = []
    loose = lexicon.trie.loose_words()
    for subject, text in items:
        v = evaluate_text(text, subject, lexicon)
        norm = normalise_item(text, subject, lexicon.speller)
        c = v.classification
        out.append(
            {
                "kind": c.kind,
                "unit": c.unit,
                "urgent": c.urgent,
                "spam": c.spam,
                "confidence": c.confidence,
                "reasons": list(c.reasons),
                "kind_confidence": v.kind_confidence,
                "unit_confidence": v.unit_confidence,
                "unit_reasons": list(v.unit_reasons),
                "kind_reasons": list(v.kind_reasons),
                "urgent_reasons": list(v.urgent_reasons),
                "tokens": list(norm.tokens),
                "forms": visible([list(f) for f in norm.forms], loose),
                "head": norm.head,
                "text": norm.text,
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args(argv)
    items = inputs()
    override = Lexicon(merge(default_lexicon().raw, tomllib.loads(_OVERRIDE)), "override")
    snapshot = {
        "default": verdicts(items, load_lexicon()),
        "override": verdicts(items, override),
    }
    args.out.write_text(json.dumps(snapshot, ensure_ascii=False, indent=0), encoding="utf-8")
    n = sum(len(v) for v in snapshot.values())
    if args.compare is None:
        print(f"{n} results written to {args.out}")
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    # A snapshot taken before the speller skipped unneeded stems holds every stem.
    for name, lexicon in (("default", load_lexicon()), ("override", override)):
        loose = lexicon.trie.loose_words()
        for result in before[name]:
            result["forms"] = visible(result["forms"], loose)
    differ = [
        (name, k, items[k][1][:80])
        for name, results in snapshot.items()
        for k, (a, b) in enumerate(zip(before[name], results, strict=True))
        if a != b
    ]
    for name, k, text in differ[:20]:
        print(f"DIFFERS [{name}] #{k}: {text!r}")
    print(f"{n - len(differ)} of {n} results identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
