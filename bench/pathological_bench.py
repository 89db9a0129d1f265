"""Inputs that once took quadratic time: one section of many paragraphs, many page markers.

    python bench/pathological_bench.py

Builds each input at two sizes, five times the other, in a fresh process; the cost must grow
about five times too (the last session measured 135 s for 100,000 paragraphs and 76 s for
40,000 page markers before the fix: quadratic).
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def chapter(kind: str, count: int) -> str:
    lines = ["# Titel", "", "## 1. Abschnitt", ""]
    for i in range(count):
        lines += [f"{{{{page {i + 1}}}}} Text auf Seite {i + 1}." if kind == "page markers" else f"Absatz {i} mit Text.", ""]
    return "\n".join(lines)


def build_seconds(folder: Path, text: str, runs: int = 3) -> float:
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    (content / "edition.toml").write_text('title = "Probe"\n', encoding="utf-8")
    (content / "kapitel.md").write_text(text, encoding="utf-8")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator", "build", "--full", "--no-search", "--content", str(content),
                        "--out", str(folder / "site")], cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(f"{'input':<30} {'small':>10} {'large (5x)':>12} {'ratio':>7}")
    for kind, small in (("paragraphs", 20_000), ("page markers", 8_000)):
        with tempfile.TemporaryDirectory() as scratch:
            a = build_seconds(Path(scratch) / "a", chapter(kind, small))
            b = build_seconds(Path(scratch) / "b", chapter(kind, small * 5))
        print(f"{f'{small:,}/{small * 5:,} {kind}':<30} {a:>9.2f}s {b:>11.2f}s {b / a:>6.1f}x")


if __name__ == "__main__":
    main()
