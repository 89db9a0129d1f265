"""A raw page's blocks: paragraphs, numbered headings ("6.", "6.1."), footnotes at the bottom,
and footnote markers in the text turned into references where the page has that note.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.ingest.lexicon import Lexicon
from generator.ingest.pages import RawPage

SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
TO_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# "6. Titel", and "6.1 Titel" / "6.1. Titel" (a number with a point inside needs none at its end:
# Typst's, WeasyPrint's, groff's numbering); a number alone without a point is no heading's
HEADING_LINE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+|\d{1,2}(?=\.))\.?\s+([A-ZÄÖÜ«„].{0,160})$")
HEADING_IN_FLOW = re.compile(r"(?:(?<=[.!?»“”\"]\s)|^)(\d{1,2}(?:\.\d{1,2})*)\.\s+(?=[A-ZÄÖÜ])")
NOTE_START = re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]+|\d{1,3})\s+(\S.*)$")
SUPER_REF = re.compile(r"(?<=\S)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
PLAIN_REF = re.compile(r"(?<=[A-Za-zÄÖÜäöüß.,;:!?»«\")])(?<!\d[.,])(\d{1,3})(?=[\s.,;:!?)»]|$)")   # not "1.1", "3,5"
ABBREVIATION = re.compile(r"(?:\b(?:S|Art|Abs|Nr|Bd|Kap|Ziff|Anm|Rz|Rn|Bsp|vgl|Fn|Abb|Tab|Jh|Hrsg|Aufl)\.|\d)$")
REF_OPEN, REF_CLOSE = "\uE000", "\uE001"


def ref(label: str) -> str:
    return f"{REF_OPEN}{label}{REF_CLOSE}"


@dataclass
class Block:
    kind: str                       # "para", "heading" or "note"
    lines: list[tuple[int, str]]    # raw lines (line number, text)
    label: str = ""                 # heading number "6.1" or note label "8"
    # line index → (file, print page, marker): where a raw page begins inside this block
    starts: dict[int, tuple[str, str, str]] = field(default_factory=dict)


def blocks_of(page: RawPage, lexicon: Lexicon) -> list[Block]:
    return _flattened_blocks(page, lexicon) if page.form == "flattened" else _wrapped_blocks(page)


def _wrapped_blocks(page: RawPage) -> list[Block]:
    groups: list[list[tuple[int, str]]] = [[]]
    for number, line in page.lines:
        if line.strip():
            # A blank line inside a word (a text box cut at its break hyphen, pdfminer.six): a
            # paragraph never ends on a hyphen, nor does one begin lower-case.
            if not groups[-1] and len(groups) > 1 and groups[-2][-1][1].rstrip().endswith("-") \
                    and line.lstrip()[:1].islower():
                groups.pop()
            groups[-1].append((number, line))
        elif groups[-1]:
            groups.append([])
    blocks = []
    for group in _split_at_headings(list(filter(None, groups))):
        first = group[0][1].strip()
        m = HEADING_LINE.match(first)
        if m and len(group) <= 2 and not re.search(r"[.!?:;,]$", group[-1][1].strip()):
            blocks.append(Block("heading", group, m.group(1)))
        elif m and _own_line(group):   # a numbered heading on its line, the text right under it (Typst)
            blocks += [Block("heading", group[:1], m.group(1)), Block("para", group[1:])]
        else:
            blocks.append(Block("para", group))
    # Footnotes: the paragraphs at the bottom of the page that start with a number.
    for block in reversed(blocks):
        m = NOTE_START.match(block.lines[0][1].strip())
        if block.kind != "para" or not m:
            break
        block.kind, block.label = "note", m.group(1).translate(SUPERSCRIPT)
    if not any(block.kind == "note" for block in blocks):
        blocks = _run_in_notes(blocks)
    return blocks


def _split_at_headings(groups: list[list[tuple[int, str]]]) -> list[list[tuple[int, str]]]:
    """A numbered heading with no blank line before it ("… erkannt." / "1.1.1 Akteure und
    Interessen" / "Die Bevölkerung …"): the line before it ends a sentence, and it stands on a
    line of its own; the group is cut there."""
    out: list[list[tuple[int, str]]] = []
    for group in groups:
        start = 0
        for k in range(1, len(group) - 2):
            if HEADING_LINE.match(group[k][1].strip()) and re.search(r"[.!?»“”)\d]$", group[k - 1][1].strip()) \
                    and _own_line(group[k:]):
                out.append(group[start:k])
                start = k
        out.append(group[start:])
    return out


def _own_line(group: list[tuple[int, str]]) -> bool:
    """A group's first line stands on its own: it ends in no punctuation nor a break hyphen and
    is well short of the lines under it, which fill the measure (a paragraph's first line
    that begins with a number fills it too)."""
    first = group[0][1].strip()
    rest = [line.strip() for _, line in group[1:]]
    if len(rest) < 2 or re.search(r"[.!?:;,\-\u00ad]$", first):
        return False
    return len(first) < 0.7 * max(len(line) for line in rest)


# A note's first line as some extractors give it: no blank line before it, its number glued to
# its text ("11Auch die Fotografie …") or followed by a space.
NOTE_LINE = re.compile(r"^(\d{1,3})\s?(?=[A-ZÄÖÜ„«\"(]|[a-zäöüß]{2,}\.?\s)")


def _run_in_notes(blocks: list[Block]) -> list[Block]:
    """Notes at the foot of a page that stand in the last paragraph: the last lines that begin
    with note numbers counting up one by one (11, 12, 13 …), each number referred to in the text
    above it, take the rest of the page from the first of them."""
    lines = [(index, line) for index, block in enumerate(blocks) for line in block.lines]
    # A note's number alone on the line above its text (pdftotext -layout): one line again.
    merged: list[tuple[int, tuple[int, str]]] = []
    for index, (number, text) in lines:
        if merged and re.fullmatch(r"\s*\d{1,3}\s*", merged[-1][1][1]) and merged[-1][0] == index:
            merged[-1] = (index, (merged[-1][1][0], f"{merged[-1][1][1].strip()} {text.strip()}"))
        else:
            merged.append((index, (number, text)))
    lines = merged
    starts = [(k, m.group(1)) for k, (_, (_, text)) in enumerate(lines) if (m := NOTE_LINE.match(text.strip()))]
    chain: list[tuple[int, str]] = []
    for k, label in reversed(starts):
        if not chain or int(label) == int(chain[0][1]) - 1:
            chain.insert(0, (k, label))
        elif chain:
            break
    while chain:
        above = " ".join(text for _, (_, text) in lines[:chain[0][0]])
        referred = [label for _, label in chain if re.search(rf"(?<=[^\s\d]){label}(?=[\s.,;:!?)»]|$)", above)]
        if len(referred) == len(chain) and blocks[lines[chain[0][0]][0]].kind == "para":
            break
        chain.pop(0)  # the first "note" may be a line of text that begins with a number
    if not chain:
        return blocks
    first = chain[0][0]
    kept: dict[int, list[tuple[int, str]]] = {}
    for index, line in lines[:first]:
        kept.setdefault(index, []).append(line)
    out = [Block(block.kind, kept[index], block.label, block.starts) for index, block in enumerate(blocks) if index in kept]
    bounds = [k for k, _ in chain] + [len(lines)]
    for (k, label), end in zip(chain, bounds[1:], strict=True):
        number, text = lines[k][1]
        note_lines = [(number, re.sub(r"^\s*(\d{1,3})\s?", r"\1 ", text))] + [line for _, line in lines[k + 1:end]]
        out.append(Block("note", note_lines, label))
    return out


def _flattened_blocks(page: RawPage, lexicon: Lexicon) -> list[Block]:
    """Headings inside one long line: "… politik. 6. Neue … Optionen Sowohl die …".

    A heading runs from its number to the first capitalised word after its first word whose
    lower-case form is a dictionary word: "Sowohl", "Bereits", "Die" start sentences, while the
    nouns of a heading ("Optionen") exist only capitalised. Paragraph breaks are lost in a
    flattened page: the report says so.
    """
    blocks: list[Block] = []
    for number, line in page.lines:
        if not line.strip():
            continue
        pos = 0
        for m in HEADING_IN_FLOW.finditer(line):
            if m.start() < pos:
                continue
            end = _heading_end(line, m.end(), lexicon)
            if end is None:
                continue
            if line[pos:m.start()].strip():
                blocks.append(Block("para", [(number, line[pos:m.start()].strip())]))
            blocks.append(Block("heading", [(number, line[m.start():end].strip())], m.group(1)))
            pos = end
        if line[pos:].strip():
            blocks.append(Block("para", [(number, line[pos:].strip())]))
    return blocks


def _heading_end(line: str, start: int, lexicon: Lexicon) -> int | None:
    words = list(re.finditer(r"\S+", line[start:]))
    for index, word in enumerate(words[1:13], 1):
        text = word.group()
        if text[0].isupper() and text.isalpha() and lexicon.in_dictionary(text.lower()):
            previous = words[index - 1].group()
            if re.search(r"[.,;:]$", previous):
                return None  # a sentence, not a heading
            return start + word.start()
    return None


def mark_references(block: Block, labels: set[str]) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """Turn markers into references where the page has the note.

    Returns the plain-digit markers changed (line, raw, clean) and warnings (line, message) for
    superscript markers whose note is not on the page (those stay as printed).
    """
    changes: list[tuple[int, str, str]] = []
    warnings: list[tuple[int, str]] = []
    new_lines = []
    for number, line in block.lines:
        # The two helpers run at once, inside this iteration: they see its `number` and `line`.
        def superscript(m: re.Match) -> str:
            label = m.group(1).translate(SUPERSCRIPT)
            if label in labels:
                return ref(label)
            message = f"footnote marker {m.group(1)} has no footnote on this page; kept as printed"
            warnings.append((number, message))  # noqa: B023
            return m.group(0)

        def plain(m: re.Match) -> str:
            label = m.group(1)
            before = line[: m.start()]  # noqa: B023
            if label not in labels or ABBREVIATION.search(before):
                return m.group(0)
            word = before.split()[-1] if before.split() else ""
            changes.append((number, word + label, word + label.translate(TO_SUPERSCRIPT)))  # noqa: B023
            return ref(label)

        line = SUPER_REF.sub(superscript, line)  # noqa: PLW2901 - rewritten where it stands
        line = PLAIN_REF.sub(plain, line)  # noqa: PLW2901
        new_lines.append((number, line))
    block.lines = new_lines
    return changes, warnings
