"""Ingest checks itself against the print: the last pass over a book read from a PDF.

Ingest holds every printed line and knows which lines each block of the reading text came
from (`Block.lines`). The reading text may differ from those lines only by the repairs the
passes listed (`Book.changes`, each with its page and line): a line end joined (a hyphen taken
out or kept, no space after a "/"), letter-spaced words divided, a character no file may hold
taken out, an editor's decision. This pass compares each block with its lines and tells, as a
*Hinweis* at `page:line` with the printed and the reading form, every other difference:

    difference           a character gained or lost, a space or a hyphen no rule put there
    unlisted join        two lines joined otherwise than with a space, and no rule says why
    broken at its end    a block that ends in a word's first half (a heading or a paragraph cut
                         where the word runs on)
    line not carried     a printed line of the text or its notes that is in no block (not a
      over               running head, foot or folio, nor a page left out as contents)
    line end             a line end whose reading the print's evidence does not bear out,
                         whichever rule decided it (see below)

Comparing the texts alone cannot see what was decided at a line's end: "Unter-|suchung" read
"Unter- suchung" is the printed text with its line break as a space. So every line end is
judged again from the print alone (the book's words, the dictionary, the look of the two
halves), independently of joins.py's rules and of which of them was asked:

    a hyphen, kept with a space   only before "und", "oder" … (a suspended compound); a lone
                                  hyphen after letters that make a word with the next line's
                                  ("be -|lasteten", "s e -|hen") is the word's break
    a hyphen, kept without one    doubtful where the book or the dictionary has the word
                                  joined and the book never prints it with the hyphen, or
                                  where a capital follows a first half that is no word
                                  ("Weasy-|Print"), or in an address whose letters joined it
                                  prints, never hyphenated ("…/f/fre-|exian-archive-keyring/")
    a hyphen taken out            doubtful where the book prints the word with its hyphen more
                                  often, or where an acronym, a digit or a capital meets the
                                  join ("XML-|konformen", "EU-|Mitglied"), or inside a name or
                                  code whose joined letters nobody has ("?user-|tag(Muster)")
    no hyphen, joined without     doubtful unless after a "/" or a dash, inside an address, or
      a space                     the joined word is one the book or the dictionary has
    no hyphen, with a space       doubtful after a "/" that ends no path ("Berlin/|Boston")

What the structure takes away is not a difference: a note's number (its label), an item's
bullet (Markdown's "- "), page marks. Nothing here changes the text: it only reports.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from generator.diffing import align as _align
from generator.ingest import parallel
from generator.ingest.gaps import CONJUNCTIONS
from generator.ingest.joins import (
    HYPHENS,
    OPENING,
    OPTION,
    PATH,
    PUNCTUATION,
    REFERENCE,
    URL,
    ZERO_WIDTH_SPACE,
    Words,
    book_words,
    inside_word,
    key,
    printed_inside,
)
from generator.ingest.layout import unraised
from generator.ingest.lexicon import Lexicon
from generator.ingest.model import Book, Chapter, Event, Inline, Ref, Text
from generator.ingest.pdf import Line
from generator.model import printed_number, unreferenced

JOINS = {"line-end hyphen removed", "true hyphen kept", "hyphen in an address or a name kept", "suspended compound kept",
         "joined after '/'", "address joined", "joined after a dash", "option joined", "joined at a zero-width space"}
SPACES = set(" -\u00ad\u2010\n" + ZERO_WIDTH_SPACE)
NUMBER = re.compile(r"^(?:\d{1,3}[.)]?|[*∗†‡§])\s*")
WORD = re.compile(r"\S+")


def proofread(book: Book) -> None:
    """Every difference between the reading text and the printed lines that no listed repair
    explains, as a Hinweis in `book.events` (see the module's description)."""
    lines = {page: {n: line for n, line in enumerate(sorted(found, key=lambda x: x.y), 1)}
             for page, found in book.printed.items()}
    joined = {(c.page, c.line) for c in book.changes if c.rule in JOINS}
    repaired = {(c.page, c.line) for c in book.changes if c.rule not in JOINS}
    repaired_pages = {c.page for c in book.changes if c.rule not in JOINS and not c.line}
    words = book.words or book_words([unraised(line) + (line.sign if line.hyphen else "") for found in book.printed.values()
                                      for line in found])   # counted by build_book, where the pages were at hand
    units = [(unit, where, inlines, strip, chapter in book.left_out) for chapter in [*book.chapters, *book.left_out]
             for unit, where, inlines, strip in _units(chapter)]
    used = {line for _, where, _, _, _ in units for line in where}

    def check(unit: str, where: list[tuple[int, int]], inlines: list[Inline], strip: Strip) -> list[Event]:
        printed = [(page, n, _printed_text(lines[page][n])) for page, n in where if n in lines.get(page, {})]
        if not printed:
            return []
        if strip:   # a note's number, an item's bullet: the structure's, not the text's
            page, n, first = printed[0]
            printed[0] = (page, n, strip(first))
        reading = _reading(inlines)
        ends = _line_ends(printed, reading, words, repaired_pages, book, unit) if unit not in ("table", "code") else []
        said = {(e.page, e.line) for e in ends}   # the line end's own Hinweis says more than "a join no rule made"
        events = [e for e in _compare(printed, reading, joined, repaired, repaired_pages, book, unit)
                  if (e.page, e.line) not in said] + ends
        last_page, last_n, last_text = printed[-1]
        if last_text.endswith(HYPHENS) and reading.rstrip().endswith(HYPHENS) and unit not in ("table", "code"):
            events.append(Event(last_page, last_n, book.folios.get(last_page, "?"), "warning",
                                f"{_name(unit)} ends in a word's first half ('{last_text.split()[-1]}'): the "
                                "word runs on in the next block, which ingest did not join",
                                printed=last_text, reading=reading.split()[-1], check="broken at its end"))
        return events

    # each block apart, given the book's words: in the worker processes (parallel.py)
    checked = [(unit, where, inlines, strip) for unit, where, inlines, strip, left_out in units if where and not left_out]
    for events in parallel.each(lambda u: check(*u), checked, "proofreading the blocks"):
        book.events += events
    for page, numbered in sorted(lines.items()):
        for n, line in numbered.items():
            role = book.roles.get((page, n), "")
            if role in ("head", "foot") or (page, n) in used or (page, n) in book.accounted or not line.text.strip():
                continue
            book.events.append(Event(page, n, book.folios.get(page, "?"), "warning",
                                     "a printed line that is in no block of the reading text: check what became of it",
                                     printed=line.text, reading="", check="line not carried over",
                                     decision=""))


Strip = Callable[[str], str] | None

# A block's printed lines and its reading are aligned for its line ends and then for its
# differences, one call after the other with the same texts: the second is the first's
align = lru_cache(maxsize=1)(_align)


def _units(chapter: Chapter) -> Iterator[tuple[str, list[tuple[int, int]], list[Inline], Strip]]:
    """(kind, printed lines, reading inlines, what the structure takes off the first line) of
    every part of a chapter: its title, blocks and notes."""
    if chapter.lines:
        yield "heading", chapter.lines, chapter.heading or [Text(chapter.title)], None
    for block in chapter.blocks:
        if block.kind in ("code", "table"):
            yield block.kind, block.lines, [Text(" ".join(block.rows))], None
        elif block.kind not in ("gap", "opening"):
            yield block.kind, block.lines, block.inlines, _without_marker if block.marker else None
    for note in chapter.notes:
        yield "note", note.lines, note.inlines, _without_number


def _without_marker(text: str) -> str:
    return text[1:].lstrip()


def _without_number(text: str) -> str:
    return NUMBER.sub("", text, count=1)


def _printed_text(line: Line) -> str:
    """A line's text as printed: raised numbers as digits, PDFium's hyphen mark put back, and the
    zero-width space the print broke it at."""
    if line.sign == ZERO_WIDTH_SPACE and not line.hyphen:
        return line.text + ZERO_WIDTH_SPACE
    return line.text + (line.sign or "-") if line.hyphen and not line.text.endswith(HYPHENS) else line.text


def _reading(inlines: list[Inline]) -> str:
    out = []
    for run in inlines:
        if isinstance(run, Text):
            out.append(run.text)
        elif isinstance(run, Ref) and not unreferenced(run.label):
            out.append(printed_number(run.label))
    return "".join(out).strip()


def _compare(printed: list[tuple[int, int, str]], reading: str, joined: set[tuple[int, int]],
             repaired: set[tuple[int, int]], repaired_pages: set[int], book: Book, unit: str) -> Iterator[Event]:
    """The differences between a block's printed lines and its reading text that no repair of
    theirs explains."""
    text = " ".join(line for _, _, line in printed)
    if text == reading:
        return
    starts: list[int] = []
    at = 0
    for _, _, line in printed:
        starts.append(at)
        at += len(line) + 1
    told: set[tuple[int, int]] = set()
    for op in align(text, reading):
        if op.tag == "equal":
            continue
        k = max(0, _line_at(starts, op.a0 if op.a1 > op.a0 else max(op.a0 - 1, 0)))
        page, n, line = printed[k]
        end = starts[k] + len(line)
        a, b = text[op.a0:op.a1], reading[op.b0:op.b1]
        spaces_only = set(a) <= SPACES and set(b) <= SPACES
        boundary = op.a0 <= end <= op.a1 or (op.a0 == op.a1 and end - 1 <= op.a0 <= end + 1)
        if boundary and spaces_only and k + 1 < len(printed) and (page, n) in joined:
            continue
        if (page, n) in repaired or page in repaired_pages or (boundary and k + 1 < len(printed)
                                                             and printed[k + 1][:2] in repaired):
            continue
        if (page, n) in told:
            continue
        told.add((page, n))
        shown_printed, shown_reading = _words(text, op.a0, op.a1), _words(reading, op.b0, op.b1)
        what = ("a join no rule made" if boundary and spaces_only else
                "a space or a hyphen no rule put there" if spaces_only else "characters gained or lost")
        label = book.folios.get(page, "?")
        decision = (f"[[replace]]\nraw = {_toml(shown_reading)}\nclean = {_toml(shown_printed)}"
                    + (f"\npage = {label}" if label.isdigit() else "")) if shown_reading else ""
        yield Event(page, n, label, "warning", f"{_name(unit)}: the reading text differs from the print, {what}: "
                    f"printed '{shown_printed}', read '{shown_reading}'", printed=shown_printed, reading=shown_reading,
                    check="difference", decision=decision)


def _line_at(starts: list[int], offset: int) -> int:
    k = 0
    while k + 1 < len(starts) and starts[k + 1] <= offset:
        k += 1
    return k


def _words(text: str, a: int, b: int) -> str:
    """The words around text[a:b], whole."""
    start = text.rfind(" ", 0, max(a, 0)) + 1
    end = text.find(" ", b)
    return text[start:end if end >= 0 else len(text)].strip()[:120]


def _toml(text: str) -> str:
    from generator.ingest.values import toml_string  # noqa: PLC0415 - values imports the model, not this

    return toml_string(text)


def _name(unit: str) -> str:
    return {"heading": "a heading", "para": "a paragraph", "quote": "a quotation", "item": "a list item",
            "note": "a note", "figure": "a caption", "code": "code", "table": "a table"}.get(unit, "a block")



# ---- line ends ----

DASHES = ("–", "—")


def _line_ends(printed: list[tuple[int, int, str]], reading: str, words: Words, repaired_pages: set[int],
               book: Book, unit: str) -> list[Event]:
    """A Hinweis at every line end of a block whose reading the print's evidence does not bear
    out (see the module's description): the printed line end ("Unter-|suchung"), what the
    reading text has there, and the other reading as a decision to paste."""
    text = " ".join(line for _, _, line in printed)
    ops = align(text, reading)
    out: list[Event] = []
    end = -1
    for k, (page, n, line) in enumerate(printed[:-1]):
        end += len(line) + 1          # the space that stands for the line break
        if page in repaired_pages or printed[k + 1][0] in repaired_pages or not line.strip():
            continue
        start = text.rfind(" ", 0, end) + 1
        stop = text.find(" ", end + 1)
        stop = len(text) if stop < 0 else stop
        tail, head = text[start:end], text[end + 1:stop]
        if not tail or not head:
            continue
        read = reading[_mapped(ops, start, False):_mapped(ops, stop, True)]
        before = text[:start].split()
        found = _doubt(tail, head, read, before, words)
        if found is None:
            continue
        what, other, taken = found
        if taken:     # the other reading covers words before the line's last ("s e -|hen": "sehen")
            for _ in range(taken):
                start = text.rfind(" ", 0, start - 1) + 1
            read = reading[_mapped(ops, start, False):_mapped(ops, stop, True)]
        label = book.folios.get(page, "?")
        decision = (f"[[replace]]\nraw = {_toml(read)}\nclean = {_toml(other)}"
                    + (f"\npage = {label}" if label.isdigit() else "")) if read and other and read != other else ""
        shown = f"{text[start:end]}|{head}"
        out.append(Event(page, n, label, "warning", f"{_name(unit)}: the line end '{shown}' is read '{read}': "
                         f"{what}", printed=shown, reading=read, check="line end", decision=decision))
    return out


def _mapped(ops: list, offset: int, closing: bool) -> int:
    """Where an offset of the printed text falls in the reading text: exactly inside an equal
    stretch, else at the edge of the stretch that changed (its end for a `closing` offset)."""
    for op in ops:
        if op.a0 <= offset < op.a1 or (closing and op.a0 < offset <= op.a1):
            return op.b0 + (offset - op.a0) if op.tag == "equal" else (op.b1 if closing else op.b0)
    return ops[-1].b1 if ops else 0


def _doubt(tail: str, head: str, read: str, before: list[str], words: Words) -> tuple[str, str, int] | None:
    """What is doubtful about reading the line end `tail`|`head` as `read`, the other reading,
    and how many of the words `before` `tail` it takes in (the letters of a letter-spaced word
    broken with its hyphen set apart); None where the print's evidence bears the reading out."""
    def plain(value: str) -> str:
        return value.replace("\u2010", "-").replace("\u00ad", "-")

    sign = tail[-1] if tail.endswith(HYPHENS) else ""
    stem = tail[:-1] if sign else tail
    read, spaced = plain(read), plain(f"{tail} {head}")
    glued, dropped, hyphened = plain(stem + "-" + head) if sign else stem + head, stem + head, plain(stem + "-" + head)
    seen = words.words
    word = REFERENCE.sub("", head).rstrip(PUNCTUATION)     # a reference's digits after the word's end
    letters = stem.strip(PUNCTUATION)

    # asked only where it decides: the two halves joined are mostly no word, and a word the
    # dictionary lacks is its slowest answer (it searches every compound); asked at every line
    # end, it was two thirds of the CPU of `edition clean` of a 1,754-page book (101 → 38 s)
    def known_joined() -> bool:
        return seen[key(dropped)] > 0 or (word.isalpha() and letters.isalpha() and _word(letters + word))

    if not sign:
        if read == spaced:
            if tail.endswith("/") and tail.count("/") == 1 and "." not in tail and tail[:1].isalpha() \
                    and head[:1].isalpha() and not URL.search(tail):
                return "a line broken after a '/' reads with a space", dropped, 0
            if tail.endswith("/") and (PATH.search(tail) or URL.search(tail)) and word.isalpha() and word[0].islower() \
                    and not Lexicon.in_dictionary(word):
                return f"an address broken after its '/' reads with a space, and '{word}' is no word", dropped, 0
            return None
        if read != dropped:
            return None   # characters changed: the comparison of the texts tells
        if tail.endswith("/") and head[0] in OPENING:
            return "a line broken after a '/' joined without a space, but no address goes on with a bracket or a " \
                   "quote", spaced, 0
        if tail.endswith(("/", *DASHES)) or (tail.endswith(":") and head.startswith("//")) or "/" in tail + head \
                or URL.search(tail) or PATH.search(tail) or "@" in tail or known_joined():
            return None
        return "two words joined without a space at a line end, and neither the book nor the dictionary has the " \
               "joined word", spaced, 0
    if read == f"{stem} {head}" and letters:
        better = hyphened if seen[key(hyphened)] > seen[key(dropped)] else dropped
        return "a line-end hyphen taken out, and the line end read as a space", better, 0
    if read == spaced:
        if word.lower() in CONJUNCTIONS or not word[:1].isalnum():
            return None    # "Unterstützungs- und", "Ein- bis"
        if not letters:    # a hyphen standing alone: a dash, or a word's break set apart ("s e -|hen", "be -|lasteten")
            short = 0
            while short < min(len(before), 6) and len(before[-1 - short]) <= 2 and before[-1 - short].isalpha():
                short += 1
            for count in dict.fromkeys(c for c in (short, 1) if c):
                piece = before[-count:]
                whole = "".join(piece) + word
                if whole.isalpha() and len(whole) > 3 and (seen[key(whole)] or _word(whole)):
                    return (f"a hyphen set apart at a line end: '{' '.join(piece)} -|{head}' is the word "
                            f"'{whole}' broken?"), "".join(piece) + head, count
            return None
        if OPTION.search(stem) or URL.search(stem):
            return None
        better = hyphened if seen[key(hyphened)] > seen[key(dropped)] else dropped
        return "a line-end hyphen left with a space after it (a word's break, or a hyphen of the text?)", better, 0
    if read == glued:       # the hyphen kept
        if (URL.search(stem) or PATH.search(stem)) and (parts := inside_word(stem, head)) \
                and printed_inside(parts[0] + parts[1], seen, [stem, *before[-3:]]) \
                and not printed_inside(f"{parts[0]}-{parts[1]}", seen):
            return (f"a line-end hyphen kept in an address, but the book prints '{parts[0] + parts[1]}' (and never "
                    f"'{parts[0]}-{parts[1]}'): the typesetter's break?"), dropped, 0
        if URL.search(stem) or PATH.search(stem) or OPTION.search(stem) or seen[key(hyphened)] or "-" in letters \
                or not letters.isalpha() or not word.isalpha():
            return None
        if word[0].islower() and len(letters) >= 2 and letters[-1].islower() and known_joined():
            return (f"a line-end hyphen kept, but the {'book prints' if seen[key(dropped)] else 'dictionary has'} "
                    f"'{dropped}' and never '{hyphened}'"), dropped, 0
        if word[0].isupper() and letters[-1].islower() and not seen[letters.lower()] and not _word(letters) \
                and not _word(word):
            return (f"a line-end hyphen kept before a capital, but '{letters}' is no word the book prints alone, nor "
                    "the dictionary's: one word set in two parts?"), dropped, 0
        return None
    if read == dropped:     # the hyphen taken out
        if seen[key(hyphened)] > seen[key(dropped)]:
            return f"a line-end hyphen taken out, but the book prints '{hyphened}'", hyphened, 0
        if seen[key(dropped)] or URL.search(stem) or PATH.search(stem):
            return None
        if letters.isalpha() and word.isalpha() and word.islower() and len(letters) >= 3 and len(word) >= 4 \
                and Lexicon.in_dictionary(word) and not _word(letters + word):
            return (f"a line-end hyphen taken out, but '{word}' is a word and '{dropped}' is none: a hyphen "
                    "of the text?"), hyphened, 0
        if letters and word[:1].isalpha() and (word[0].isupper() or not letters[-1].isalpha()
                                               or (len(letters) >= 2 and letters.isupper())):
            why = "a capital follows" if word[0].isupper() else "an acronym or a digit stands before it"
            return f"a line-end hyphen taken out where {why}: a hyphen of the text?", hyphened, 0
        if (parts := inside_word(stem, head)) and not (letters.isalpha() and word.isalpha()) \
                and not (words.break_sign and sign == words.break_sign) \
                and not _word(parts[0] + parts[1]) and not printed_inside(parts[0] + parts[1], seen):
            # a name or code ("?user-|tag(Muster)"): no dictionary decides its hyphens, the book never
            # prints it joined, nor sets its breaks with a sign of their own ("busy‐|box-syslogd")
            return (f"a line-end hyphen taken out inside a name or code, and neither the book nor the dictionary "
                    f"has '{parts[0] + parts[1]}'"), hyphened, 0
    return None


def _word(text: str) -> bool:
    """A word of the dictionary, as printed or capitalised (a noun at a sentence's start or not)."""
    return Lexicon.in_dictionary(text) or Lexicon.in_dictionary(text[:1].upper() + text[1:])
