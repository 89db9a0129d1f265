"""A deterministic generator of German-like chapters for benchmarks and scale tests.

Each chapter has ~850 words of German drawn from the edition's own text, 3–6 numbered sections
(one with a subsection), 4–6 footnotes with print numbers that run on through the book, print
page markers every ~350 words, and links to other chapters. Same arguments, same bytes.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEXT = HERE.parent / "content" / "kleinstaaten.md"


def _vocabulary() -> list[str]:
    text = TEXT.read_text(encoding="utf-8")
    text = re.sub(r"\{\{[^}]*\}\}|\[\^[^\]]*\]:?|[#*\[\](){}]", " ", text)
    return [w for w in text.split() if re.fullmatch(r"[A-Za-zÄÖÜäöüß][\w\-]*[.,;]?", w)]


def write_corpus(folder: Path, chapters: int, seed: int = 1) -> list[Path]:
    """Write `chapters` chapter files and an edition.toml into `folder`; returns the files."""
    rng = random.Random(seed)
    words = _vocabulary()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "edition.toml").write_text('title = "Gesammelte Schriften (Testkorpus)"\nlanguage = "de"\n', encoding="utf-8")
    page, note = 1, 1
    files = []
    for number in range(1, chapters + 1):
        text, page, note = _chapter(rng, words, number, chapters, page, note)
        path = folder / f"kapitel-{number:05d}.md"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def _sentence(rng: random.Random, words: list[str], length: int) -> str:
    picked = [w.rstrip(".,;") for w in rng.choices(words, k=length)]
    picked[0] = picked[0][:1].upper() + picked[0][1:]
    return " ".join(picked) + "."


def _chapter(rng, words, number, total, page, note):
    lines = [f"# {number}. {_sentence(rng, words, rng.randint(3, 6)).rstrip('.')}", ""]
    notes = []
    sections = rng.randint(3, 6)
    budget = 850
    since_page = 0
    for s in range(1, sections + 1):
        lines += [f"## {s}. {_sentence(rng, words, rng.randint(2, 5)).rstrip('.')}", ""]
        if s == 2:
            lines += [f"### {s}.1. {_sentence(rng, words, rng.randint(2, 4)).rstrip('.')}", ""]
        for _ in range(rng.randint(2, 4)):
            if budget <= 0:
                break
            sentences = []
            for _ in range(rng.randint(3, 6)):
                length = rng.randint(8, 20)
                sentence = _sentence(rng, words, length)
                budget -= length
                since_page += length
                if since_page > 350 or (s == 1 and not sentences and len(lines) <= 4):
                    sentence = f"{{{{page {page}}}}}{sentence}" if not sentences else sentence.replace(" ", f" {{{{page {page}}}}}", 1)
                    page, since_page = page + 1, 0
                if len(notes) < 6 and rng.random() < 0.25:
                    sentence = sentence[:-1] + f"[^{note}]."
                    notes.append(f"[^{note}]: {_sentence(rng, words, rng.randint(6, 14))}")
                    note += 1
                if rng.random() < 0.05 and total > 1:
                    other = rng.randint(1, total)
                    sentence += f" Siehe [Kapitel {other}](kapitel-{other:05d}.md#s1)."
                sentences.append(sentence)
            lines += [" ".join(sentences), ""]
    return "\n".join(lines + notes) + "\n", page, note


if __name__ == "__main__":
    import sys

    write_corpus(Path(sys.argv[1]), int(sys.argv[2]))
