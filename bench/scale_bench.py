"""Build speed at scale, side by side with the speed limit of our own libraries.

    python bench/scale_bench.py                 # 1,000 and 4,000 chapters, medians of 3
    python bench/scale_bench.py --sizes 100,1000 --runs 5 --baseline main --no-pagefind

For each size it generates a deterministic corpus (bench/corpus.py) and measures, in the same
run on the same machine (these machines are noisy: compare ratios, not absolute figures):
  - bare loop: markdown-it-py (+ footnotes) and one Jinja2 template, one page per chapter,
    in 1 and 2 processes: the floor any Python generator built on these libraries can reach;
  - the same bare loop making one page per section, as the edition does (6.5 pages per chapter),
    and each chapter's citation files (BibTeX, RIS, CSL-JSON): the floor for a site of this
    shape, where writing the files is much of the cost (issue 23's budget: 1.5x of it);
  - `edition build --no-search` as a user runs it (a fresh process, all cores), and with
    `--baseline REV` the same command of an earlier revision (a temporary git worktree);
  - one-chapter incremental rebuild in a warm builder (what `edition serve` does on save), for a
    text edit and for a title edit (which also re-renders the index and the neighbours);
  - Pagefind over the built site as one index, and `edition build` with search (the index in
    parts of `[search] part_mb`, in parallel), then `edition build` again after one edit (the
    state of the last build is remembered: one chapter's pages, one part of the index);
  - `edition --help` start-up.
Seconds are medians of --runs, the tools taking turns, each into an empty folder after `sync`;
memory is the peak RSS of the whole process tree.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402

OUT = HERE / "out"


# ---- the bare loop (run in its own process via --bare) -------------------------------------

BARE_TEMPLATE = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="../static/edition.css"></head><body><main>{{ body }}</main></body></html>"""


def bare_loop(corpus: Path, out: Path, jobs: int, split: bool) -> None:
    files = sorted(corpus.glob("*.md"))
    if jobs == 1:
        _bare_render(files, out, split)
        return
    import multiprocessing
    size = -(-len(files) // jobs)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.starmap(_bare_render, [(files[i:i + size], out, split) for i in range(0, len(files), size)])


def _bare_render(files: list[Path], out: Path, split: bool) -> None:
    """One page per chapter; with `split`, one page per section as the edition makes (the
    chapter parsed once, its tokens cut at each top-level heading, each piece a page)."""
    import jinja2
    from markdown_it import MarkdownIt
    from markupsafe import Markup
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False}).use(footnote_plugin)
    template = jinja2.Environment(autoescape=True).from_string(BARE_TEMPLATE)
    for path in files:
        text = path.read_text(encoding="utf-8")
        title = text.partition("\n")[0].lstrip("# ")
        folder = out / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        if not split:
            (folder / "index.html").write_text(template.render(title=title, body=Markup(md.render(text))), encoding="utf-8")
            continue
        env: dict = {}
        tokens = md.parse(text, env)
        cuts = [i for i, token in enumerate(tokens) if token.type == "heading_open"] + [len(tokens)]
        pieces = ([tokens[:cuts[0]]] if cuts[0] else []) + [tokens[a:b] for a, b in itertools.pairwise(cuts)]
        for number, piece in enumerate(pieces):
            body = Markup(md.renderer.render(piece, md.options, env))
            (folder / f"{number}.html").write_text(template.render(title=title, body=body), encoding="utf-8")
        key = path.stem
        (folder / f"{key}.bib").write_text(f"@incollection{{{key},\n  title = {{{title}}}\n}}\n", encoding="utf-8")
        (folder / f"{key}.ris").write_text(f"TY  - CHAP\r\nTI  - {title}\r\nER  - \r\n", encoding="utf-8")
        (folder / f"{key}.json").write_text(json.dumps([{"id": key, "type": "chapter", "title": title}],
                                                       ensure_ascii=False), encoding="utf-8")


# ---- measuring ---------------------------------------------------------------------------------

def run_measured(command: list[str], cwd: Path = ROOT) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) summed over the process and its children, and the processor
    seconds they used (user + system: steadier than wall time on a loaded machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(process.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers were waited for: counted too
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, peak[0] / 2**20, cpu


def _tree_rss(pid: int) -> int:
    total, todo = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            pass
    return total


def interleaved(commands: dict[str, list[str]], outputs: dict[str, Path], runs: int,
                cwds: dict[str, Path] | None = None) -> dict[str, tuple[float, float, float]]:
    """Median seconds, peak MB and median processor seconds of each command, run in turns (noise
    hits all alike), each time into an empty output folder after `sync` (no disk writeback from
    the previous run)."""
    results: dict[str, list] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            shutil.rmtree(outputs[name], ignore_errors=True)
            os.sync()
            results[name].append(run_measured(command, (cwds or {}).get(name, ROOT)))
    return {name: (statistics.median(r[0] for r in rs), max(r[1] for r in rs), statistics.median(r[2] for r in rs))
            for name, rs in results.items()}


# One-chapter edits rebuilt by a warm Builder (what `edition serve` does on save), run in a
# process of the code measured (this checkout's, or the baseline's): text edit, then title edit.
INCREMENTAL = """
import statistics, sys, time
from pathlib import Path
from generator.build import Builder
corpus, out, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
builder = Builder(corpus, out, search=False)
builder.build()
files = sorted(corpus.glob("*.md"))
target = files[len(files) // 2]
original = target.read_text(encoding="utf-8")
text_times, title_times, pages, text_cpu, text_wait = [], [], [], [], []

def waited():  # seconds this thread stood ready while others had the cores: a loaded machine's share
    try:
        return int(open("/proc/thread-self/schedstat").read().split()[1]) / 1e9
    except OSError:
        return 0.0

try:
    for run in range(runs + 1):
        lines = original.splitlines()
        body = next(i for i, line in enumerate(lines) if line and not line.startswith(("#", "[^")))
        lines[body] += f" Nachtrag {run}."
        target.write_text("\\n".join(lines) + "\\n", encoding="utf-8")
        start, cpu, wait = time.perf_counter(), time.process_time(), waited()
        result = builder.build()
        text_times.append(time.perf_counter() - start)
        text_cpu.append(time.process_time() - cpu)
        text_wait.append(waited() - wait)
        pages.append(result.rendered)
        lines[0] += f" (Fassung {run})"
        target.write_text("\\n".join(lines) + "\\n", encoding="utf-8")
        start = time.perf_counter()
        result = builder.build()
        title_times.append(time.perf_counter() - start)
        pages.append(result.rendered)
finally:
    target.write_text(original, encoding="utf-8")
# the first edit also builds the spare: a one-time cost
print(statistics.median(text_times[1:]), statistics.median(title_times[1:]), min(pages), max(pages),
      statistics.median(text_cpu[1:]), statistics.median(text_wait[1:]))
"""


def incremental(corpus: Path, out: Path, runs: int, tree: Path = ROOT) -> tuple[float, float, int, int, float, float]:
    """Median seconds of a warm rebuild after a text edit and after a title edit of one chapter,
    and the processor seconds of the text edit's and the seconds it waited for a core. The
    site folder is emptied first: the removal of an older one must not run beside the edits."""
    shutil.rmtree(out, ignore_errors=True)
    for leftover in out.parent.glob(f".{out.name}.*"):
        shutil.rmtree(leftover, ignore_errors=True)
    done = subprocess.run([sys.executable, "-c", INCREMENTAL, str(corpus), str(out), str(runs)], cwd=tree,
                          capture_output=True, text=True, check=True)
    text_s, title_s, least, most, cpu, *wait = done.stdout.split()
    return float(text_s), float(title_s), int(least), int(most), float(cpu), float(wait[0]) if wait else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,4000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-pagefind", action="store_true")
    parser.add_argument("--baseline", help="a git revision whose `edition build` runs beside this checkout's")
    parser.add_argument("--bare", nargs=4, metavar=("CORPUS", "OUT", "JOBS", "SPLIT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare_loop(Path(args.bare[0]), Path(args.bare[1]), int(args.bare[2]), args.bare[3] == "split")
        return

    python = sys.executable
    baseline = None
    if args.baseline:
        baseline = Path(tempfile.mkdtemp(prefix="scale-baseline-")) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(baseline), args.baseline], cwd=ROOT, check=True,
                       capture_output=True)
    try:
        measure_all(args, python, baseline)
    finally:
        if baseline is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, capture_output=True,
                           check=False)
            shutil.rmtree(baseline.parent, ignore_errors=True)


def measure_all(args, python: str, baseline: Path | None) -> None:
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; medians of {args.runs} runs")
    help_times = [run_measured([python, "-m", "generator", "--help"])[0] for _ in range(max(args.runs, 5))]
    print(f"edition --help: {statistics.median(help_times) * 1000:.0f} ms (python -c pass: "
          f"{statistics.median(run_measured([python, '-c', 'pass'])[0] for _ in range(5)) * 1000:.0f} ms)\n")
    header = (f"{'chapters':>8} {'pages':>6}  {'tool':<30} {'seconds':>8} {'pages/s':>8} {'ms/page':>8} {'peak MB':>8}"
              f" {'CPU s':>7}")
    print(header)
    print("-" * len(header))
    per_page = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        corpus = OUT / f"corpus-{size}"
        if not (corpus / "edition.toml").exists() or len(list(corpus.glob("*.md"))) != size:
            shutil.rmtree(corpus, ignore_errors=True)
            write_corpus(corpus, size)
        site = OUT / f"site-{size}"
        bare_out = OUT / f"bare-{size}"
        bare = [python, __file__, "--bare", str(corpus), str(bare_out)]
        commands = {
            "bare loop, 1 process": bare + ["1", "chapter"],
            "bare loop, 2 processes": bare + ["2", "chapter"],
            "bare loop, same pages, 2 proc": bare + ["2", "split"],
            "edition build --no-search": [python, "-m", "generator", "build", "--full", "--no-search", "--content",
                                          str(corpus), "--out", str(site)],
        }
        outputs = {name: site if name.startswith("edition") else bare_out for name in commands}
        cwds = {}
        if baseline is not None:
            old = "edition build (baseline)"
            commands[old] = commands["edition build --no-search"][:-1] + [str(OUT / f"site-baseline-{size}")]
            outputs[old], cwds[old] = OUT / f"site-baseline-{size}", baseline
        measured = interleaved(commands, outputs, args.runs, cwds)
        pages = sum(1 for _ in site.rglob("*.html"))
        split_pages = sum(1 for _ in bare_out.rglob("*.html"))  # the split loop ran last into bare_out
        counts = {"bare loop, same pages, 2 proc": split_pages, "edition build --no-search": pages,
                  "edition build (baseline)": pages}
        rows = [(name, counts.get(name, size), *figures) for name, figures in measured.items()]
        per_page[size] = {name: measured[name][0] / counts.get(name, size) for name in measured}
        for tool, count, seconds, memory, cpu in rows:
            print(f"{size:>8} {count:>6}  {tool:<30} {seconds:>8.2f} {count / seconds:>8.0f} "
                  f"{seconds / count * 1000:>8.3f} {memory:>8.0f} {cpu:>7.2f}")
        same, same_cpu = measured["bare loop, same pages, 2 proc"][0], measured["bare loop, same pages, 2 proc"][2]
        for name in ("edition build --no-search", "edition build (baseline)"):
            if name in measured:
                edition = measured[name][0]
                print(f"{'':>8} {'':>6}  {name} / bare loop (2 proc) = {edition / measured['bare loop, 2 processes'][0]:.2f}×; "
                      f"/ bare loop with the same pages and citation files (2 proc) = {edition / same:.2f}× "
                      f"(CPU {measured[name][2] / same_cpu:.2f}×)")
        for name, tree in (("this checkout", ROOT), ("baseline", baseline)):
            if tree is None:
                continue
            text_s, title_s, least, most, cpu, wait = incremental(corpus, OUT / f"incremental-{size}-{name[:4]}",
                                                                  max(args.runs, 5), tree)
            print(f"{'':>8} {'':>6}  incremental rebuild, one chapter ({name}): text edit {text_s * 1000:.0f} ms "
                  f"({cpu * 1000:.0f} ms CPU, {wait * 1000:.0f} ms waiting for a core, "
                  f"{max(0.0, text_s - cpu - wait) * 1000:.0f} ms else), "
                  f"title edit {title_s * 1000:.0f} ms ({least}–{most} pages re-rendered)")
        if not args.no_pagefind:
            seconds, memory, _ = run_measured([python, "-m", "pagefind_bin", "--site", str(site), "--output-subdir", "pagefind"])
            print(f"{'':>8} {'':>6}  {'Pagefind, one index':<30} {seconds:>8.2f} {pages / seconds:>8.0f} "
                  f"{seconds / pages * 1000:>8.3f} {memory:>8.0f}  ({memory / pages:.2f} MB/page)")
            searched = OUT / f"search-{size}"
            build = [python, "-m", "generator", "build", "--content", str(corpus), "--out", str(searched)]
            seconds, memory, _ = run_measured(build + ["--full"])
            parts = 1 + len(list((searched / "pagefind").glob("part-*")))
            print(f"{'':>8} {'':>6}  {'edition build (search in parts)':<30} {seconds:>8.2f} {pages / seconds:>8.0f} "
                  f"{seconds / pages * 1000:>8.3f} {memory:>8.0f}  ({parts} part{'s' if parts > 1 else ''})")
            target = sorted(corpus.glob("*.md"))[size // 3]
            original = target.read_text(encoding="utf-8")
            try:
                target.write_text(original + "\nEin Nachtrag.\n", encoding="utf-8")
                seconds, memory, _ = run_measured(build)
            finally:
                target.write_text(original, encoding="utf-8")
            print(f"{'':>8} {'':>6}  {'edition build after one edit':<30} {seconds:>8.2f} {'':>8} {'':>8} {memory:>8.0f}"
                  f"  (a new process: pages of one chapter, one search part)")
    sizes = sorted(per_page)
    if len(sizes) > 1:
        print(f"\nper-page cost at {sizes[-1]} vs {sizes[0]} chapters (1.0: linear):")
        for name in per_page[sizes[0]]:
            print(f"  {name:<32} {per_page[sizes[-1]][name] / per_page[sizes[0]][name]:.2f}×")


if __name__ == "__main__":
    main()
