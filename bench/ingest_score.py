"""Issue 24's scoring: the committed corpus (tests/fixtures/corpus/, see tests/testcorpus/) read by
`edition clean`, beside `pdftotext` + naive joining and pymupdf4llm, in one run.

    python bench/ingest_score.py                      # tuning books, per book and per typesetter
    python bench/ingest_score.py --split heldout      # held-out books: aggregates only
    python bench/ingest_score.py --examples 3         # tuning books: the first failures of each kind
    python bench/ingest_score.py --big 1500           # wall-clock pages/s on a 1,500-page book

pymupdf4llm (AGPL) is a bench-only baseline: `pip install -e '.[bench]'`; without it its rows are
left out. Per book and method: body words found; wrong and missed joins per 10,000 words; break
hyphens left; true hyphens lost; notes, references and headings found (heading text exact);
paragraph break recall / precision; running heads and folios left; wall-clock pages/s (a fresh
process for `edition clean`, start-up included). With --build, also whether `edition ingest
book.pdf --into X` and `edition build --content X` succeed, and the first error.
Held-out books are never shown one by one: only their sums, per typesetter and overall.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import testcorpus  # noqa: E402
from testcorpus.score import score  # noqa: E402

METHODS = ("edition clean", "pdftotext + naive", "pymupdf4llm", "page text → edition clean")


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def edition_clean(pdf: Path) -> str:
    return testcorpus.clean(pdf)


def naive(pdf: Path) -> str:
    """pdftotext's text, a line-end hyphen before a lower-case letter deleted, lines joined, blank
    lines as block breaks: what a one-line script does."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"(\w)[-\u00ad]\n(?=[a-zäöüß])", r"\1", text)
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n|\f", text) if p.strip()) + "\n"


def page_text(pdf: Path) -> str:
    """The page-text route (issue 24, item 7): pdftotext -layout's pages, one file a page, read
    by `edition clean` as any extractor's page text."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    with tempfile.TemporaryDirectory(prefix="page-text-") as work:
        files = []
        for k, page in enumerate(text.split("\f"), 1):
            if page.strip():
                files.append(Path(work) / f"p{k:04d}.txt")
                files[-1].write_text(page, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "generator", "clean", *map(str, files)], check=False, cwd=ROOT,
                              capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    return done.stdout


def pymupdf4llm_text(pdf: Path) -> str:
    """pymupdf4llm's Markdown as plain blocks: heading marks, emphasis and list bullets taken off."""
    import pymupdf4llm

    # Its default mode (PyMuPDF Layout), without OCR: the text layer is all there is to read.
    markdown = pymupdf4llm.to_markdown(str(pdf), show_progress=False, use_ocr=False)
    out = []
    for piece in re.split(r"\n\s*\n", markdown):
        lines = [re.sub(r"^#+\s+|^\s*[-*]\s+|\*\*|(?<!\w)_|_(?!\w)|`", "", line).strip() for line in piece.splitlines()]
        text = " ".join(line for line in lines if line and not re.fullmatch(r"-{3,}|\|?[-:| ]+\|?", line))
        if text:
            out.append(text)
    return "\n\n".join(out) + "\n"


def have_pymupdf4llm() -> bool:
    try:
        import pymupdf4llm  # noqa: F401
    except ImportError:
        return False
    return True


def ingest_and_build(pdf: Path) -> str:
    """'yes', or 'no: ' and the first error line of whichever command failed; with the number of
    Hinweise the ingest report gives."""
    with tempfile.TemporaryDirectory() as work:
        content, site = Path(work) / "content", Path(work) / "site"
        hinweise = ""
        for command in (["ingest", str(pdf), "--into", str(content)],
                        ["build", "--content", str(content), "--out", str(site), "--no-search"]):
            done = subprocess.run([sys.executable, "-m", "generator", *command], capture_output=True, text=True, cwd=ROOT,
                                  timeout=900, check=False)
            if done.returncode:
                lines = [line for line in (done.stderr or done.stdout).splitlines() if "error" in line] or done.stderr.splitlines()
                first = lines[0] if lines else f"exit {done.returncode}"
                return f"no ({command[0]}{hinweise}): " + first.replace(work, "…")[:160]
            report = next((content / "review").glob("*.report.md"), None) if command[0] == "ingest" else None
            if report:
                found = re.search(r"Hinweise \((\d+)\)", report.read_text(encoding="utf-8"))
                hinweise = f", Hinweise {found.group(1)}" if found else ", Hinweise ?"
    return f"yes{hinweise}"


def print_lines(pdf: Path) -> list[tuple[int, int, str]]:
    """(PDF page, line on it, letters of the line) for every printed line (pdftotext -layout)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    out = []
    for page, content in enumerate(text.split("\f"), 1):
        lines = [line for line in content.splitlines() if line.strip()]
        out += [(page, n, re.sub(r"[^0-9a-zäöüß]", "", line.lower())) for n, line in enumerate(lines, 1)]
    return out


def where(lines: list[tuple[int, int, str]], printed: str) -> str:
    """`page:line` of the printed line that holds the longest word of `printed` (or its start at a line end)."""
    words = sorted((re.sub(r"[^0-9a-zäöüß]", "", w.lower()) for w in printed.split()), key=len, reverse=True)
    if not words or len(words[0]) < 4:
        return "?"
    word = words[0]
    for (page, n, line), following in zip(lines, lines[1:] + [(0, 0, "")], strict=True):
        if word in line:
            return f"{page}:{n}"
        for k in range(4, len(word)):
            if line.endswith(word[:k]) and following[2].startswith(word[k:]):
                return f"{page}:{n}"
    return "?"


def measure(name: str, methods: list[str]) -> dict[str, dict]:
    pdf = testcorpus.pdf(name)
    gold = testcorpus.gold(name)
    pages = gold.get("pages") or pages_of(pdf)
    results = {}
    for method in methods:
        start = time.perf_counter()
        try:
            text = {"edition clean": edition_clean, "pdftotext + naive": naive, "pymupdf4llm": pymupdf4llm_text,
                    "page text → edition clean": page_text}[method](pdf)
        except Exception as exc:  # noqa: BLE001 - a method that fails scores as an empty text
            print(f"  {name}: {method} failed: {str(exc)[:200]}", file=sys.stderr)
            text = ""
        seconds = time.perf_counter() - start
        figures = score(gold, text)
        figures["seconds"] = seconds
        figures["pages"] = pages
        results[method] = figures
    return results


def add(total: dict, figures: dict) -> None:
    words = figures["words"]
    total["words"] = total.get("words", 0) + words
    total["matched"] = total.get("matched", 0) + figures["body_words"] * words
    for key in ("wrong_joins", "missed_joins"):
        total[key] = total.get(key, 0) + figures[key] * words / 10_000
    for key in ("break_hyphens_left", "true_hyphens_lost", "heads_left", "folios_left", "seconds", "pages"):
        total[key] = total.get(key, 0) + figures[key]
    for key in ("notes", "refs", "headings", "headings_exact"):
        a, b = figures[key]
        x, y = total.get(key, (0, 0))
        total[key] = (x + a, y + b)
    for key in ("break_recall", "break_precision"):
        total[key + "_w"] = total.get(key + "_w", 0) + figures[key] * words
    total["books"] = total.get("books", 0) + 1


def summary(total: dict) -> dict:
    words = max(total["words"], 1)
    return {**total, "body_words": total["matched"] / words, "wrong_joins": total["wrong_joins"] * 10_000 / words,
            "missed_joins": total["missed_joins"] * 10_000 / words, "break_recall": total["break_recall_w"] / words,
            "break_precision": total["break_precision_w"] / words}


HEADER = ("| book | method | body words | wrong joins /10k | missed joins /10k | break hyphens left | true hyphens lost | "
          "notes | refs | headings (exact) | para breaks R / P | heads left | folios left | pages/s |")


def row(label: str, method: str, f: dict) -> str:
    def pair(key: str) -> str:
        return f"{f[key][0]}/{f[key][1]}"

    return (f"| {label} | {method} | {f['body_words']:.2%} | {f['wrong_joins']:.1f} | {f['missed_joins']:.1f} | "
            f"{f['break_hyphens_left']} | {f['true_hyphens_lost']} | {pair('notes')} | {pair('refs')} | "
            f"{pair('headings')} ({f['headings_exact'][0]}) | {f['break_recall']:.1%} / {f['break_precision']:.1%} | "
            f"{f['heads_left']} | {f['folios_left']} | {f['pages'] / max(f['seconds'], 1e-9):.1f} |")


def big_book(pages: int, work: Path) -> Path:
    """A long book from generator B, Typst, not committed: about `pages` A5 pages."""
    from testcorpus.generate import paket_doc
    from testcorpus.model import Layout
    from testcorpus.typeset import typeset

    doc = paket_doc("big", "tuning", 7, chapters=max(1, pages // 8))
    pdf = work / f"big-{pages}.pdf"
    if not pdf.exists():
        typeset(doc, Layout("typst-a5", "typst", front=False), pdf)
    return pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=testcorpus.SPLITS, default="tuning")
    parser.add_argument("--only", default="", help="comma-separated tuning book names")
    parser.add_argument("--examples", type=int, default=0, help="tuning books: show N failures of each kind")
    parser.add_argument("--build", action="store_true", help="also run edition ingest + edition build on each book")
    parser.add_argument("--big", type=int, default=0, help="time edition clean on a book of about this many pages")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--page-text", action="store_true", help="also the page-text route: pdftotext -layout's "
                                                                 "pages read by edition clean")
    args = parser.parse_args()
    if args.big:
        return big(args.big)
    heldout = args.split == "heldout"
    if heldout and (args.examples or args.only):
        parser.error("held-out books are scored in aggregate only")
    methods = ["edition clean"]
    if not args.no_baselines:
        methods += ["pdftotext + naive"] + (["pymupdf4llm"] if have_pymupdf4llm() else [])
    if args.page_text:
        methods.append("page text → edition clean")
    names = [n for n in testcorpus.books(args.split) if not args.only or n in args.only.split(",")]
    totals: dict[tuple[str, str], dict] = {}
    builds: dict[str, list[str]] = {}
    print(HEADER)
    print("|" + "---|" * 14)
    for name in names:
        results = measure(name, methods)
        typesetter = testcorpus.gold(name)["typesetter"]
        for method, figures in results.items():
            add(totals.setdefault((typesetter, method), {}), figures)
            add(totals.setdefault(("all", method), {}), figures)
            if not heldout:
                print(row(name, method, figures))
        if args.build:
            builds.setdefault(typesetter, []).append(f"{name}: {ingest_and_build(testcorpus.pdf(name))}")
        if args.examples and not heldout:
            lines = print_lines(testcorpus.pdf(name))
            for kind, cases in results["edition clean"]["examples"].items():
                shown = "; ".join(f"{where(lines, p or q)} {p!r} → {q!r}" for p, q in cases[: args.examples])
                print(f"|   {name} | {kind} ({len(cases)}) | {shown} |")
    print()
    print(f"### {args.split}: per typesetter (sums over {len(names)} books)")
    print(HEADER.replace("| book |", "| typesetter |"))
    print("|" + "---|" * 14)
    for (typesetter, method), total in sorted(totals.items(), key=lambda kv: (kv[0][0] == "all", kv[0][0], METHODS.index(kv[0][1]))):
        print(row(f"{typesetter} ({total['books']})", method, summary(total)))
    if builds:
        print()
        print("### edition ingest + edition build")
        for typesetter, lines in sorted(builds.items()):
            if heldout:
                ok = sum(": yes" in line for line in lines)
                print(f"- {typesetter}: {ok}/{len(lines)} build")
            else:
                print("\n".join(f"- {line}" for line in lines))


def big(pages: int) -> None:
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    pdf = big_book(pages, out)
    count = pages_of(pdf)
    print(f"book: {pdf} ({count} pages, made in {time.perf_counter() - start:.0f} s)")
    for label, command in [("edition clean (fresh process)", [sys.executable, "-m", "generator", "clean", str(pdf)]),
                           ("pdftotext (baseline)", ["pdftotext", "-enc", "UTF-8", str(pdf), "-"])]:
        if not shutil.which(command[0]) and command[0] != sys.executable:
            continue
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, capture_output=True, check=True, timeout=3600)
            times.append(time.perf_counter() - start)
        median = sorted(times)[1]
        print(f"{label}: median of 3 {median:.1f} s = {count / median:.0f} pages/s")


if __name__ == "__main__":
    main()
