"""Two document generators, independent of each other.

- "bank" (generator A): the existing book model of `tests/books.py` (our two sentence banks about
  small states; sections "1.1", a bulleted list now and then, quotes, notes with example.org
  addresses), carried into this module's model.
- "paket" (generator B): prose, section titles, list items, code listings and addresses from
  the Debian book "Debian-Paketmanagement" (`bank.py`), with structure choices of its own:
  dotted numbers ("2.1."), a title page with several authors and a "∗" note, headings long
  enough to run over two or three lines (some ending in a long compound that must be
  hyphenated), ordered and bulleted lists with items over several lines, tables, code blocks,
  notes that hold a DOI or a long address, notes whose second line begins with a number
  ("1. Online: https://doi.org/…"), long notes that run onto the next page, true hyphens
  ("XML-konformen", "historisch-kritischen") and TeX logos. Tuning books draw on the Debian
  book's even parts, held-out books on its odd parts.
"""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from .model import Block, Chapter, Doc, Run

HERE = Path(__file__).resolve().parent
BANK = HERE.parent / "fixtures" / "corpus" / "paketmanagement.json"
URL = re.compile(r"https?://\S+?(?=\)?[ ,;]|\)?\.?$|\)\.)")


def _runs_with_urls(text: str) -> list[Run]:
    runs: list[Run] = []
    last = 0
    for match in URL.finditer(text):
        runs += [("text", text[last:match.start()]), ("url", match.group())]
        last = match.end()
    runs.append(("text", text[last:]))
    return [r for r in runs if r[1]]


# ---- generator A: the model of tests/books.py ----

def bank_doc(name: str, split: str, seed: int) -> Doc:
    sys.path.insert(0, str(HERE.parent))
    import books

    book = books.compose(name, split, seed, "typst")      # "typst": Sperrsatz runs included

    def runs(old: list) -> list[Run]:
        out: list[Run] = []
        for kind, text in old:
            out += [("note", _runs_with_urls(text))] if kind == "note" else [(kind, text)]
        return out

    chapters = []
    for chapter in book.chapters[:3]:           # three of its four chapters: 15–25 pages
        blocks: list[Block] = []
        for block in chapter.blocks:
            if block.kind == "item":
                if not blocks or blocks[-1].kind != "ul":
                    blocks.append(Block("ul"))
                blocks[-1].items.append(runs(block.runs))
            elif block.kind in ("para", "quote", "heading"):
                blocks.append(Block(block.kind, runs(block.runs), level=block.level))
            # figures are left out: not every typesetter here draws one
        chapters.append(Chapter(chapter.title, chapter.title, blocks))
    return Doc(name, split, "bank", book.title, "", ["Hanna Beispiel"], chapters,
               preface=[Block("para", runs(b.runs)) for b in book.preface], pdf_authors=["Beispiel, Hanna"])


# ---- generator B: the Debian book's text, our own structure ----

TRUE_HYPHENS = ["Die XML-konformen Quelldateien werden mit einem eigenen Werkzeug geprüft.",
                "Die Ausgabe folgt den Regeln einer historisch-kritischen Edition.",
                "Ein Open-Source-Projekt dieser Größe braucht klare Zuständigkeiten.",
                "Die Debian-spezifischen Patches liegen in einem eigenen Verzeichnis."]
LONG_WORDS = ["Paketverwaltungswerkzeuge", "Abhängigkeitsauflösungsstrategien", "Konfigurationsdateiverwaltung",
              "Sicherheitsaktualisierungen", "Veröffentlichungszyklusplanung"]
AUTHORS = [["Anna Beispiel", "Jonas von Brand"], ["Lea Muster", "Karl de Vries", "Eva Sommer"]]
TOOLS = ["apt", "aptitude", "dpkg", "synaptic", "apt-file", "debsums", "dlocate", "reprepro", "deborphan", "apt-cacher-ng"]
AREAS = ["main", "contrib", "non-free"]


def paket_doc(name: str, split: str, seed: int, *, chapters: int = 3, pdf_title: bool = True) -> Doc:
    rng = random.Random(seed)
    bank = json.loads(BANK.read_text(encoding="utf-8"))
    parity = 0 if split == "tuning" else 1

    def pick(kind: str) -> list:
        return [value for part, value in bank[kind] if part % 2 == parity]

    sentences, headings, items, code, urls = (pick(k) for k in ("sentences", "headings", "items", "code", "urls"))
    cursor = rng.randrange(len(sentences))

    def prose(words: int) -> list[str]:
        # consecutive sentences of the book: a paragraph reads as one
        nonlocal cursor
        out: list[str] = []
        while sum(len(s.split()) for s in out) < words:
            out.append(sentences[cursor % len(sentences)])
            cursor += 1
        return out

    def note() -> list[Run]:
        kind = rng.random()
        if kind < 0.25:
            return _runs_with_urls(f"Siehe {rng.choice(urls)} (abgerufen am {rng.randint(1, 28)}.{rng.randint(1, 12)}.2022).")
        if kind < 0.4:
            doi = f"10.{rng.randint(1000, 9999)}/{rng.choice(['zenodo', 'edition', 'dhq'])}.{rng.randint(10 ** 6, 10 ** 7)}"
            return [("text", "Zwei Fassungen liegen vor:"), ("br", ""), ("text", "1. Online: "), ("url", f"https://doi.org/{doi}"),
                    ("text", ";"), ("br", ""), ("text", f"2. Druck: {rng.choice(headings)}, Berlin/Boston {rng.randint(1995, 2022)}, "
                                                        f"S. {rng.randint(3, 300)}.")]
        if kind < 0.55:
            return [("text", f"Vgl. {rng.choice(headings)}, in: {rng.choice(headings)}, hg. von Lea Muster, "
                             f"{rng.randint(2005, 2023)}, S. {rng.randint(3, 300)}; DOI: "),
                    ("url", f"https://doi.org/10.{rng.randint(1000, 9999)}/{rng.randint(10 ** 8, 10 ** 9)}"), ("text", ".")]
        if kind < 0.7:
            return [("text", " ".join(prose(rng.randint(40, 110))))]     # long: runs onto the next page near a page end
        return [("text", rng.choice(sentences))]

    def paragraph(words: int) -> list[Run]:
        runs: list[Run] = []
        for sentence in prose(words):
            r = rng.random()
            if r < 0.05:
                sentence = rng.choice(TRUE_HYPHENS)
            if r > 0.94:
                head, _, tail = sentence.partition(" ")
                mid, _, rest = tail.partition(" ")
                runs += [("text", head + " "), (rng.choice(["em", "strong", "spaced"]), mid), ("text", " " + rest + " ")]
            else:
                runs.append(("text", sentence + " "))
            if rng.random() < 0.25:
                runs[-1] = (runs[-1][0], str(runs[-1][1]).rstrip())
                runs += [("note", note()), ("text", " ")]
        runs[-1] = (runs[-1][0], str(runs[-1][1]).rstrip())
        return runs

    def heading_text() -> str:
        r = rng.random()
        if r < 0.3:   # over two or three lines
            return f"{rng.choice(headings)} und die Frage nach {rng.choice(headings)}"
        if r < 0.45:  # a long compound at the end: hyphenated where it breaks
            return f"{rng.choice(headings)} und {rng.choice(LONG_WORDS)}"
        return rng.choice(headings)

    def section(number: str, level: int) -> list[Block]:
        blocks = [Block("heading", [("text", f"{number} {heading_text()}")], level=level)]
        for _ in range(rng.randint(2, 3)):
            blocks.append(Block("para", paragraph(rng.randint(70, 170))))
            r = rng.random()
            if r < 0.18:
                blocks.append(Block(rng.choice(["ol", "ul"]),
                                    items=[[("text", " ".join([rng.choice(items)] + prose(rng.randint(0, 25))))]
                                           for _ in range(rng.randint(3, 5))]))
            elif r < 0.28:
                blocks.append(Block("code", lines=rng.choice(code)))
            elif r < 0.36:
                rows = [["Paket", "Version", "Bereich", "Zweck"]]
                rows += [[rng.choice(TOOLS), f"{rng.randint(0, 3)}.{rng.randint(0, 20)}.{rng.randint(1, 9)}", rng.choice(AREAS),
                          " ".join(rng.choice(items).split()[:3])] for _ in range(rng.randint(3, 5))]
                blocks.append(Block("table", rows=rows))
            elif r < 0.42:
                blocks.append(Block("quote", [("text", " ".join(prose(rng.randint(25, 50))))]))
        return blocks

    result = []
    for c in range(1, chapters + 1):
        title = rng.choice(headings)
        blocks = [Block("para", paragraph(rng.randint(60, 110)))]
        if c == 1:
            blocks.append(Block("para", [("text", "Gesetzt wurde dieser Text mit "), ("logo", "TeX"), ("text", " oder "),
                                         ("logo", "LaTeX"), ("text", ", mit Typst, Writer, WeasyPrint oder groff.")]))
        for s in range(1, rng.randint(3, 4) + 1):
            blocks += section(f"{c}.{s}.", 2)
            if rng.random() < 0.45:
                blocks += section(f"{c}.{s}.1.", 3)
        result.append(Chapter(f"{c}. {title}", title, blocks))
    authors = AUTHORS[seed % 2]
    title = rng.choice(["Pakete, Quellen und Werkzeuge", "Vom Archiv zum System", "Software verteilen"])
    return Doc(name, split, "paket", title, "Beobachtungen zum Paketmanagement", authors, result,
               preface=[Block("para", paragraph(80)), Block("para", paragraph(60))],
               title_note=f"Überarbeitete Fassung eines Vortrags, gehalten am {rng.randint(1, 28)}. Mai 2022. "
                          f"Online: https://doi.org/10.5281/zenodo.{rng.randint(10 ** 6, 10 ** 7)}",
               pdf_title=pdf_title, pdf_authors=[_family_first(a) for a in authors])


def _family_first(name: str) -> str:
    given, _, family = name.partition(" ")
    return f"{family}, {given}"
