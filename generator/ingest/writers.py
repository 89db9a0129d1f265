"""Writers of PDF ingest: the book → chapter sources, the clean reading text, the review files.

Nothing of the editor's is overwritten: every file ingest writes is recorded with its hash in
`review/ingest.json`; a file is replaced only while it still has the hash ingest gave it (or
with --force), so a chapter corrected by hand is kept and reported.
"""
from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path

from generator.diagnostics import Collector
from generator.files import write_text_atomic
from generator.ingest.layout import Block, Book, Chapter, Inline, Mark, Ref, Text, raised
from generator.ingest.pdf import Page
from generator.ingest.structure import TO_SUPERSCRIPT
from generator.markup import literal, literal_start
from generator.source import slugify

MANIFEST = "ingest.json"


# ---- Markdown ----

def _inline(inlines: list[Inline], start: bool = True) -> str:
    """Inline runs as the source's Markdown; `start`: the text opens a paragraph (so "1990. Es"
    must not become a list)."""
    out: list[str] = []
    for run in inlines:
        if isinstance(run, Mark):
            out.append("{{page " + run.label + "}}")
        elif isinstance(run, Ref):
            out.append(f"[^{run.label}]")
        elif run.style:
            core = run.text.strip()
            lead, trail = run.text[: len(run.text) - len(run.text.lstrip())], run.text[len(run.text.rstrip()):]
            marker = "**" if run.style == "strong" else "*"
            out.append(f"{lead}{marker}{literal(core)}{marker}{trail}" if core else run.text)
        else:
            out.append(literal(run.text))
    text = "".join(out).strip()
    return literal_start(text) if start else text


def _heading(block: Block) -> list[str]:
    marks = [r for r in block.inlines if isinstance(r, Mark)]
    title = _inline([r for r in block.inlines if not isinstance(r, Mark)], start=False)
    return ["".join("{{page " + m.label + "}}" for m in marks)] * bool(marks) + ["#" * block.level + " " + title]


def chapter_markdown(chapter: Chapter) -> str:
    front = ["+++", f"title = {json.dumps(chapter.title, ensure_ascii=False)}"]
    if chapter.pages:
        numbered = [p for p in chapter.pages if p != "?"]
        if numbered:
            front += [f'first_page = "{numbered[0]}"', f'last_page = "{numbered[-1]}"']
    out = ["\n".join([*front, "+++"]) + "\n# " + literal(chapter.title)]
    for block in chapter.blocks:
        if block.kind == "heading":
            out.append("\n\n".join(_heading(block)))
        elif block.kind == "quote":
            out.append("> " + _inline(block.inlines))
        elif block.kind == "item":
            out.append("- " + _inline(block.inlines))
        elif block.kind == "figure":   # the page's mark first: the picture stands on that page
            marks: list[Inline] = [r for r in block.inlines if isinstance(r, Mark)]
            rest: list[Inline] = [r for r in block.inlines if not isinstance(r, Mark)]
            out.append(_inline(marks) + "{{add Abbildung}} " + _inline(rest))
        else:
            out.append(_inline(block.inlines))
    for note in chapter.notes:
        out.append(f"[^{note.label}]: " + _inline(note.inlines))
    return "\n\n".join(out) + "\n"


# ---- the clean reading text ----

def _clean(inlines: list[Inline]) -> str:
    return "".join(r.text if isinstance(r, Text) else r.label.translate(TO_SUPERSCRIPT) if isinstance(r, Ref) else ""
                   for r in inlines).strip()


def clean_text(book: Book) -> str:
    """Headings as printed, one paragraph per line, references as superscripts, each chapter's
    notes after it ("⁸ text")."""
    out: list[str] = []
    for chapter in book.chapters:
        out.append(chapter.title)
        out += [_clean(b.inlines) for b in chapter.blocks]
        out += [f"{n.label.translate(TO_SUPERSCRIPT)} {_clean(n.inlines)}" for n in chapter.notes]
    return "\n\n".join(out) + "\n"


# ---- files ----

def slug(title: str) -> str:
    return slugify(title)[:60].strip("-") or "kapitel"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _manifest(into: Path) -> dict:
    path = into / "review" / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"files": {}, "chapters": {}}
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict) or not isinstance(data.get("chapters"), dict):
        return {"files": {}, "chapters": {}}
    return data


def plan_files(book: Book, into: Path) -> dict[str, Chapter]:
    """File name → chapter: `NNN-slug.md` in reading order; a re-ingest keeps the names it gave."""
    known: dict[str, str] = _manifest(into)["chapters"]          # chapter title → file name
    used: set[str] = set()
    planned: dict[str, Chapter] = {}
    for number, chapter in enumerate(book.chapters, 1):
        name = known.get(chapter.title)
        if not name or name in used:
            name = f"{number:03d}-{slug(chapter.title)}.md"
        while name in used:
            name = name[:-3] + "-2.md"
        used.add(name)
        planned[name] = chapter
    return planned


def write_edition(book: Book, pages: list[Page], source: Path, into: Path, report: dict, force: bool,
                  problems: Collector, facts: dict[str, str] | None = None,
                  pictures: dict[int, str] | None = None) -> list[str]:
    """Write the chapters, edition.toml (if absent), review/; returns what was kept or written.
    Refuses (nothing written) to replace a file ingest did not write. `pictures`: a scan's page
    pictures in the content folder (page index → path there; their folder is the facsimile),
    where the PDF is no facsimile."""
    manifest = _manifest(into)
    planned = plan_files(book, into)
    texts = {name: chapter_markdown(chapter) for name, chapter in planned.items()}
    kept: list[str] = []
    for name in texts:
        target = into / name
        if not target.exists() or force:
            continue
        recorded = manifest["files"].get(name)
        if recorded is None:
            problems.error(target, None, "exists and was not written by ingest: not replaced (move it, or use --force)")
        elif recorded != _digest(target.read_text(encoding="utf-8", errors="replace")):
            kept.append(name)
    problems.raise_if_errors()
    review = into / "review"
    written: list[str] = []
    files = dict(manifest["files"])
    for name, text in texts.items():
        if name in kept:
            continue
        write_text_atomic(into / name, text)
        files[name] = _digest(text)
        written.append(name)
    picture_source = _facsimile_source(source, into) if pictures is None else None
    if picture_source is not None and not (into / picture_source).exists():
        shutil.copyfile(source, into / f".{picture_source}.part")
        os.replace(into / f".{picture_source}.part", into / picture_source)
        written.append(f"{picture_source} (a copy of the PDF: the facsimile)")
    config = into / "edition.toml"
    if not config.exists():
        folder = next(iter(pictures.values())).rsplit("/", 1)[0] if pictures else None
        write_text_atomic(config, _edition_toml(source, facts or {}, picture_source, folder))
        written.append("edition.toml")
    stem = source.stem
    report["kept"] = kept
    write_text_atomic(review / f"{stem}.report.json", json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    write_text_atomic(review / f"{stem}.report.md", report_markdown(report))
    write_text_atomic(review / f"{stem}.lines.json", json.dumps(geometry(pages, book, pictures), ensure_ascii=False) + "\n")
    chapters = {chapter.title: name for name, chapter in planned.items()}
    write_text_atomic(review / MANIFEST, json.dumps({"source": str(source), "files": files, "chapters": chapters},
                                         ensure_ascii=False, indent=1) + "\n")
    return [*written, *(f"{name} (kept: edited by hand)" for name in kept)]


def _facsimile_source(source: Path, into: Path) -> str | None:
    """The PDF's path inside the content folder, where the build draws the facsimile from: the
    PDF itself when it is there already, else a copy beside the chapters (made once; a file of
    that name that is another PDF is left alone, and the edition gets no facsimile)."""
    try:
        inside = source.resolve().relative_to(into.resolve())
        return inside.as_posix()
    except ValueError:
        pass
    copy = into / source.name
    if copy.exists() and (not copy.is_file() or not filecmp.cmp(copy, source, shallow=False)):
        return None
    return source.name


def _edition_toml(source: Path, facts: dict[str, str], pdf: str | None = None, images: str | None = None) -> str:
    """A first edition.toml: the PDF's own title (or its file name); what the PDF does not say
    is left empty for the editor, never guessed. `pdf`: the book's PDF in the content folder,
    its pages the facsimile."""
    title = facts.get("Title") or source.stem.replace("_", " ").replace("-", " ").strip() or "Edition"
    author = facts.get("Author", "")
    return (f"# Written by `edition ingest {source.name}`: check it and fill in what the book says.\n"
            f"title = {json.dumps(title, ensure_ascii=False)}\nlanguage = \"de\"\n\n[source]\n"
            f"book_title = {json.dumps(facts.get('Title', ''), ensure_ascii=False)}\n"
            f"authors = {json.dumps([author] if author else [], ensure_ascii=False)}   # each \"Family, Given\"\n"
            "publisher = \"\"\nplace = \"\"\nyear = \"\"\n"
            + (f"pdf = {json.dumps(pdf, ensure_ascii=False)}   # its pages are shown beside the text\n" if pdf else "")
            + (f"page_images = {json.dumps(images, ensure_ascii=False)}   # the scans, shown beside the text\n"
               if images else "")
            + "\n[content]\nexclude = [\"review/*\"]\n")


def _as_printed(line) -> str:
    """A line's text as the reader of the page sees it: raised numbers raised (⁸), and the break
    hyphen PDFium takes out of the characters put back."""
    text = "".join(c.text.translate(TO_SUPERSCRIPT) if raised(c, line) else c.text for c in line.chars)
    return text + "-" if line.hyphen and not text.endswith(("-", "\u00ad")) else text


def geometry(pages: list[Page], book: Book, pictures: dict[int, str] | None = None) -> dict:
    """Each line's place on its page and what ingest took it for: what a facsimile view and a
    diplomatic transcription are built on. A scan's page names its picture in the content folder."""
    out = []
    for page in pages:
        lines = []
        for n, line in enumerate(sorted(book.printed.get(page.index, page.lines), key=lambda x: x.y), 1):
            lines.append({"n": n, "text": _as_printed(line), "left": round(line.left, 1), "right": round(line.right, 1),
                          "baseline": round(line.y, 1), "size": line.size, "hyphen": line.hyphen,
                          "role": book.roles.get((page.index, n), "")})
        out.append({"pdf_page": page.index, "page": book.folios.get(page.index, "?"), "width": round(page.width, 1),
                    "height": round(page.height, 1), "lines": lines})
        if pictures and page.index in pictures:
            out[-1]["picture"] = pictures[page.index]
    return {"pages": out}


# ---- the report ----

def build_report(book: Book, source: Path, pages: list[Page], files: dict[str, Chapter]) -> dict:
    return {
        "source": str(source),
        "pages": [{"pdf_page": p.index, "page": book.folios.get(p.index, "?")} for p in pages],
        "chapters": [{"file": name, "title": c.title, "pages": f"{c.pages[0]}–{c.pages[-1]}" if c.pages else "",
                      "sections": sum(b.kind == "heading" for b in c.blocks), "notes": len(c.notes),
                      "paragraphs": sum(b.kind == "para" for b in c.blocks)} for name, c in files.items()],
        "left_out": [c.title for c in book.left_out],
        "changes": [asdict(c) for c in book.changes],
        "events": [asdict(e) for e in book.events],
        "emphasis": [{"page": b.page, "style": r.style, "text": r.text.strip()} for c in book.chapters
                     for b in c.blocks for r in b.inlines if isinstance(r, Text) and r.style],
    }


def report_markdown(report: dict) -> str:
    def table(headers: list[str], rows: list[list]) -> list[str]:
        if not rows:
            return ["(keine)", ""]
        cell = lambda v: str(v if v is not None else "").replace("|", "\\|").replace("\n", " ")  # noqa: E731
        return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers),
                *("| " + " | ".join(cell(c) for c in row) + " |" for row in rows), ""]

    warnings = [e for e in report["events"] if e["kind"] == "warning"]
    out = [f"# Prüfbericht: {report['source']}", "",
           "Jede Änderung am gedruckten Text, alles Erkannte und Entfernte. Zuerst prüfen: die Hinweise.", "",
           f"## Hinweise ({len(warnings)})", ""]
    out += table(["PDF-Seite", "Seite", "Hinweis"], [[e["page"], e["print_page"], e["detail"]] for e in warnings])
    out += ["## Kapitel", ""] + table(["Datei", "Titel", "Seiten", "Abschnitte", "Absätze", "Anmerkungen"],
                                      [[c["file"], c["title"], c["pages"], c["sections"], c["paragraphs"], c["notes"]]
                                       for c in report["chapters"]])
    if report.get("kept"):
        out += ["Von Hand bearbeitet und daher nicht ersetzt: " + ", ".join(report["kept"]), ""]
    out += ["## Seiten", ""] + table(["PDF-Seiten", "Druckseiten"], page_runs(report["pages"]))
    out += [f"## Änderungen am Text ({len(report['changes'])})", ""] + table(
        ["PDF-Seite:Zeile", "Seite", "gedruckt", "Lesetext", "Regel"],
        [[f"{c['page']}:{c['line']}", c["print_page"], c["raw"], c["clean"], c["rule"]] for c in report["changes"]])
    out += ["## Erkannt und entfernt", ""] + table(
        ["PDF-Seite:Zeile", "Seite", "Art", "Text"],
        [[f"{e['page']}:{e['line'] or ''}", e["print_page"], e["kind"], e["detail"]] for e in report["events"]
         if e["kind"] != "warning"])
    out += [f"## Hervorhebungen ({len(report['emphasis'])})", ""] + table(
        ["PDF-Seite", "Art", "Text"], [[e["page"], e["style"], e["text"]] for e in report["emphasis"]])
    if "doubts" in report:   # a scan: what the OCR engine was unsure of, apart from the Hinweise
        out += [f"## Unsichere Wörter der Texterkennung ({len(report['doubts'])}; Konfidenz unter "
                f"{report['doubt_threshold']:.2f})", "", "Am Bild der Seite prüfen; Korrekturen in decisions.toml "
                "([[replace]]) oder in der hOCR-Datei.", ""] + table(
            ["Seite:Zeile", "Druckseite", "Wort", "Konfidenz"],
            [[f"{d['page']}:{d['line']}", d["print_page"], d["word"], f"{d['conf']:.2f}"] for d in report["doubts"]])
    return "\n".join(out) + "\n"


def page_runs(pages: list[dict]) -> list[list[str]]:
    """PDF pages and their print pages in runs ("3–40", "1–38"), not a row per page: a 600-page
    book's table stays short; a break in the numbering starts a new row."""
    runs: list[list[str]] = []
    start: dict | None = None
    previous: dict | None = None
    for page in [*pages, None]:
        follows = (page is not None and previous is not None and str(previous["page"]).isdigit()
                   and str(page["page"]).isdigit() and int(page["page"]) == int(previous["page"]) + 1)
        if start is not None and previous is not None and not follows:
            same = start is previous
            runs.append([str(start["pdf_page"]) if same else f"{start['pdf_page']}–{previous['pdf_page']}",
                         str(start["page"]) if same else f"{start['page']}–{previous['page']}"])
            start = None
        if page is not None and start is None:
            start = page
        previous = page
    return runs


