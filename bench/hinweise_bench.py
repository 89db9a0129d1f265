"""Issue 24's self-check, measured: per tuning book, the Hinweise the ingest report gives (by
check) beside the damage the scoring finds in `edition clean`'s text, and which damage a Hinweis
points at (caught) or not (missed). False alarms matter as much as misses: a clean book's
Hinweise are counted too.

    python bench/hinweise_bench.py                    # every tuning book
    python bench/hinweise_bench.py --only tuning-typst-bank --show 5

Runs in one process (the book read once, for both the report's events and the reading text).
Tuning books only: held-out books are never looked at one by one.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import testcorpus  # noqa: E402
from testcorpus.score import score  # noqa: E402

from generator.ingest.pipeline import read_book  # noqa: E402
from generator.ingest.writers import clean_text  # noqa: E402

DAMAGE = ("missed_joins", "wrong_joins", "break_hyphens_left", "true_hyphens_lost", "refs_missed", "notes_missed")


def letters(text: str) -> str:
    return re.sub(r"[^0-9a-zäöüß]", "", text.lower())


def caught(printed: str, produced: str, events: list) -> bool:
    """A Hinweis whose printed or reading form holds the damaged word (its longest piece)."""
    pieces = sorted((letters(w) for w in (printed + " " + produced).split()), key=len, reverse=True)
    if not pieces or len(pieces[0]) < 3:
        return False
    word = pieces[0]
    return any(word in letters(e.printed + " " + e.reading) or word in letters(e.detail) for e in events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="")
    parser.add_argument("--show", type=int, default=0, help="show N Hinweise and N missed damages per book")
    args = parser.parse_args()
    names = [n for n in testcorpus.books("tuning") if not args.only or n in args.only.split(",")]
    print("| book | pages | Hinweise | by check | damage (kind: caught/all) |")
    print("|---|---|---|---|---|")
    totals: Counter[str] = Counter()
    for name in names:
        book = read_book([testcorpus.pdf(name)])
        warnings = [e for e in book.events if e.kind == "warning"]
        figures = score(testcorpus.gold(name), clean_text(book))
        checks = Counter(e.check or "other" for e in warnings)
        damage = []
        missed = []
        for kind in DAMAGE:
            cases = figures["examples"].get(kind, [])
            hit = [c for c in cases if caught(c[0], c[1], warnings)]
            missed += [(kind, c) for c in cases if c not in hit]
            if cases:
                damage.append(f"{kind} {len(hit)}/{len(cases)}")
                totals[kind + " caught"] += len(hit)
                totals[kind] += len(cases)
        totals["Hinweise"] += len(warnings)
        print(f"| {name} | {len(book.printed)} | {len(warnings)} | "
              f"{', '.join(f'{k} {v}' for k, v in checks.most_common())} | {'; '.join(damage) or '-'} |")
        for e in warnings[: args.show]:
            print(f"    H {e.page}:{e.line} [{e.check}] {e.printed!r} → {e.reading!r}: {e.detail[:140]}")
        for kind, (p, q) in missed[: args.show]:
            print(f"    missed {kind}: {p!r} → {q!r}")
    print()
    print("totals: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))


if __name__ == "__main__":
    main()
