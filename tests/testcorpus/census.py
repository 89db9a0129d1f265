"""Which of issue 24's structures a typeset book really has: the model asks for them, the print
decides where pages and lines break. Counted from `pdftotext`'s text of each page against the
gold, and written into the gold as `census`.

- by the model: two-line headings are asked for, lists, tables, code, notes with a second line
  that begins with a number, Sperrsatz (see the gold's blocks and the source);
- by the print (counted here): headings set over two or more lines (and those hyphenated),
  paragraphs running over a page break, words hyphenated over a page break, paragraphs ending
  exactly at a page's end, references that are the last word of a page, notes continued on the
  next page, true hyphens at a line end ("XML-⏎konformen"), note lines that begin with a number.
"""
from __future__ import annotations

import bisect
import itertools
import re
import subprocess
from pathlib import Path

SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
LIMIT = 8000          # letters a walk may skip: notes, a running head and a folio between two words


def _letters(text: str) -> str:
    return re.sub(r"[^0-9a-zäöüß]", "", text.translate(SUPER).lower())


def _pages(pdf: Path, layout: bool = False) -> list[str]:
    """pdftotext's pages; with `layout` its lines as printed (plain mode joins line-end hyphens itself)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")


class Walk:
    """Finds words one after another in the print's letters, noting each word's page."""

    def __init__(self, pages: list[str]):
        letters = [_letters(p) for p in pages]
        self.stream = "".join(letters)
        self.starts = []
        total = 0
        for page in letters:
            self.starts.append(total)
            total += len(page)
        self.pos = 0

    def page(self, at: int) -> int:
        return bisect.bisect_right(self.starts, at) - 1

    def word(self, word: str, ahead: str = "") -> tuple[int, bool] | None:
        """(page of the word's first letter, whether it is split over a page break), or None.
        `ahead`: the words after it, to find the word again after a gap (notes, a head, a folio)."""
        w = _letters(word)
        if not w:
            return None
        s = self.stream
        if s.startswith(w, self.pos):
            self.pos += len(w)
            return self.page(self.pos - len(w)), False
        for k in range(2, len(w) - 1):          # the word's end on a later page, after notes and a head
            if s.startswith(w[:k], self.pos):
                rest = s.find(w[k:] + _letters(ahead)[:12], self.pos + k, self.pos + k + LIMIT)
                if rest > 0 and self.page(rest) > self.page(self.pos):
                    start = self.pos
                    self.pos = rest + len(w) - k
                    return self.page(start), True
        key = w + _letters(ahead)[:16]
        found = s.find(key, self.pos, self.pos + LIMIT)
        if found < 0:     # the walk overshot (a word found too far on): look back once
            found = s.rfind(key, max(0, self.pos - LIMIT), self.pos) if len(key) >= 12 else -1
        if found < 0:
            return None
        self.pos = found + len(w)
        return self.page(found), False


def census(pdf: Path, gold: dict) -> dict:
    pages = _pages(pdf)
    counts = dict.fromkeys(["headings_multiline", "headings_hyphenated", "paragraphs_over_page", "words_over_page",
                            "paragraphs_end_at_page_end", "references_end_page", "notes_over_page", "true_hyphens_at_line_end",
                            "note_lines_beginning_with_number", "list_items", "ordered_items", "table_rows", "code_lines",
                            "words_not_found"], 0)
    walk = Walk(pages)
    blocks: list[tuple[str, str]] = []
    for chapter in gold["chapters"]:
        blocks.append(("title", chapter["title"]))
        blocks += [(b["kind"], b["text"]) for b in chapter["blocks"]]
    placed: list[list[tuple[str, int, bool]]] = []
    for kind, text in blocks:
        words = []
        tokens = text.split()
        if kind in ("row", "code"):       # extractors read tables by column: they would lead the walk astray
            tokens = []
        for i, word in enumerate(tokens):
            where = walk.word(word, " ".join(tokens[i + 1:i + 4]))
            if where is None:
                counts["words_not_found"] += 1
                continue
            words.append((word, *where))
        placed.append(words)
        counts["list_items"] += kind == "item"
        counts["ordered_items"] += kind == "item" and bool(re.match(r"\d+\. ", text))
        counts["table_rows"] += kind == "row"
        counts["code_lines"] += kind == "code"
    flat = [(w, p) for words in placed for w, p, _ in words]
    refs = {i for i, (w, _) in enumerate(flat) if re.search("[⁰¹²³⁴⁵⁶⁷⁸⁹]", w)}
    counts["references_end_page"] = sum(1 for i in refs if i + 1 < len(flat) and flat[i + 1][1] > flat[i][1])
    for n, ((kind, _), words) in enumerate(zip(blocks, placed, strict=True)):
        if not words:
            continue
        counts["words_over_page"] += sum(split for _, _, split in words)
        if (kind in ("para", "item", "quote") and words[-1][1] > words[0][1]) or any(s for _, _, s in words):
            counts["paragraphs_over_page"] += 1
        following = next((w for w in placed[n + 1:] if w), None)
        if kind in ("para", "item", "quote") and following and following[0][1] > words[-1][1]:
            counts["paragraphs_end_at_page_end"] += 1

    notes = [n["text"] for ch in gold["chapters"] for n in ch["notes"] if n.get("page", 1)]
    walk = Walk(pages)
    for text in notes:
        tokens = text.split()
        where = [walk.word(w, " ".join(tokens[i + 1:i + 4])) for i, w in enumerate(tokens)]
        where = [w for w in where if w]
        if where and (where[-1][0] > where[0][0] or any(s for _, s in where)):
            counts["notes_over_page"] += 1

    lines = [" ".join(line.split()) for page in _pages(pdf, layout=True) for line in page.splitlines() if line.strip()]
    hyphenated = {w.strip(".,;:()„“\"'") for _, text in blocks for w in text.split() if re.search(r"[A-Za-zäöü]-[a-zäöüA-ZÄÖÜ]", w)}
    for a, b in itertools.pairwise(lines):
        if a.endswith("-") and a.split() and b.split():
            joined = (a.split()[-1] + b.split()[0]).strip(".,;:()„“\"'")
            counts["true_hyphens_at_line_end"] += joined in hyphenated
    heading_texts = [t for k, t in blocks if k in ("heading", "title")]
    for heading in heading_texts:
        key = _letters(heading)
        for line, after in itertools.pairwise(lines):
            mine = _letters(line)
            if len(mine) >= 6 and key.startswith(mine) and len(mine) < len(key) and key[len(mine):].startswith(_letters(after)[:4]):
                counts["headings_multiline"] += 1
                counts["headings_hyphenated"] += line.endswith(("-", "\u00ad"))
                break
    counts["note_lines_beginning_with_number"] = sum(1 for line in lines if re.match(r"\d\.\s+(Online|Druck):", line))
    return counts
