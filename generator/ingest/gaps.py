"""Decide, gap by gap, which spaces and hyphens between raw tokens are print artifacts.

The typesetter's discretionary line breaks came out of the PDF in three shapes (measured on
the seeds, shared/notes/cleaning.md): " -" at a line end ("Koope ra -⏎tion"), " - " mid-line
in flattened text, and plain spaces at hyphenation points inside words ("Klein staaten").
True hyphens are written attached ("EU-Mitgliedstaaten", "Unterstützungs- und") and stay.

A plain space is closed only if (1) every piece after the first starts lower-case (a
discretionary break never puts a capital after it), (2) the glued string is a word (de_CH
dictionary or the book's own vocabulary), (3) every closed space is a de_CH hyphenation point
of it, and (4) no split leaves two dictionary words ("in dem"/"indem"): those are reported to
the editor as undecided, never joined silently.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from generator.ingest.lexicon import Lexicon, bare

# After a hyphen, these words mean the hyphen is a suspended compound's ("Unterstützungs- und").
CONJUNCTIONS = {"und", "oder", "bzw.", "sowie", "wie", "noch", "als", "bis", "u.", "resp.", "and", "or", "to"}
MAX_PIECES = 6


@dataclass
class Token:
    text: str
    line: int
    file: str = ""
    page: str = ""
    mark: str = ""   # a page-break marker to print before this token (a page begins here)


@dataclass
class Gap:
    kind: str   # "space", "eol" (plain line end), "dash" (" -" break), "hyphen" ("X-" then break)
    raw: str    # as in the raw page, e.g. " -⏎"
    join: str | None = None   # decided joiner: "" closes, " " keeps a space, "-" adds a hyphen
    rule: str = ""
    locked: bool = False      # an editor's decision fixed this gap
    drop: bool = False        # the hyphen before it was the typesetter's: "voraus-⏎sichtlich" → "voraussichtlich"


@dataclass
class Repair:
    file: str
    line: int
    page: str
    raw: str
    clean: str
    rules: list[str]


@dataclass
class Undecided:
    file: str
    line: int
    page: str
    raw: str
    suggestion: str
    reason: str


@dataclass
class Resolution:
    text: str
    repairs: list[Repair] = field(default_factory=list)
    undecided: list[Undecided] = field(default_factory=list)


def tokenize(lines: list[tuple[int, str]], flattened: bool, file: str = "", page: str = "",
             starts: dict[int, tuple[str, str, str]] | None = None) -> tuple[list[Token], list[Gap]]:
    """Split a block's lines into tokens and the gaps between them, keeping each gap's raw form.

    `starts` maps a line index to (file, print page, marker) where a new raw page begins inside
    a paragraph continued across a page break.
    """
    tokens: list[Token] = []
    gaps: list[Gap] = []
    pending: Gap | None = None
    mark = ""
    for line_index, (number, line) in enumerate(lines):
        if starts and line_index in starts:
            file, page, mark = starts[line_index]
        words = line.split()
        for index, word in enumerate(words):
            if word == "-" and tokens:
                at_end = index == len(words) - 1
                pending = Gap("dash", " -⏎" if at_end else " - ")
                continue
            if tokens:
                if pending is None:
                    new_line = index == 0
                    if tokens[-1].text.endswith("-") and len(tokens[-1].text) > 1 and (new_line or flattened):
                        pending = Gap("hyphen", "-⏎" if new_line else "- ")
                    else:
                        pending = Gap("eol" if new_line else "space", "⏎" if new_line else " ")
                gaps.append(pending)
            tokens.append(Token(word, number, file, page, mark))
            pending, mark = None, ""
    return tokens, gaps


def resolve(tokens: list[Token], gaps: list[Gap], lexicon: Lexicon, spaced: bool = True) -> Resolution:
    """`spaced`: the book's extraction shows spaces at hyphenation points (see `spaced_breaks`);
    only then is a plain space a candidate for closing, or a doubt to ask about."""
    _decide_hyphens(tokens, gaps, lexicon, spaced)
    undecided = _decide_spaces(tokens, gaps, lexicon) if spaced else []
    for gap in gaps:
        if gap.join is None:
            gap.join = " "
    return Resolution(_assemble(tokens, gaps), _repairs(tokens, gaps), undecided)


def spaced_breaks(lines: list[str]) -> bool:
    """Does this extraction put spaces at hyphenation points? The extractor that does ("verteidigungs
    po li ti -", shared by the seeds) also sets a space before every break hyphen it keeps: a
    line ending in " -". Where no line does, a space between two words is a space: the text of
    pdftotext, pypdf or pdfminer.six is not searched for "in dem"/"indem" doubts it cannot have."""
    # Two letters at least before it ("F r ü h -" is a letter-spaced word broken at the line end);
    # three such lines, or as many as plain ones (a dash set " - " may end a line of a book whose
    # break hyphens are plain "-"; a true hyphen stays plain in the spaced form: "NATO-⏎Infrastruktur").
    spaced = sum(bool(re.search(r"[^\W\d_]{2} -$", line.rstrip())) for line in lines)
    plain = sum(bool(re.search(r"[^\W\d_]-$", line.rstrip())) for line in lines)
    return spaced >= 3 or (spaced >= 1 and spaced >= plain) or \
        any(re.search(r"[^\W\d_]{2} - [^\W\d_]", line) for line in lines if len(line) > 400)


URL_START = re.compile(r"^(?:https?://|www\.)\S*[/.\-_?=&#]$")


def _decide_hyphens(tokens: list[Token], gaps: list[Gap], lexicon: Lexicon, spaced: bool = True) -> None:
    for i, gap in enumerate(gaps):
        if gap.locked:
            continue
        right = tokens[i + 1].text
        if gap.kind == "eol" and URL_START.match(tokens[i].text) and right[:1].isalnum():
            gap.join, gap.rule = "", "address broken at a line end, rejoined"
        elif gap.kind == "dash" and not spaced and not (right[:1].islower() and tokens[i].text[-1:].isalpha()):
            gap.join = " - "  # a dash set with spaces, as printed ("Kapitel 2 -⏎Ansätze"); "F r ü h -⏎l i n g" is a word
        elif gap.kind == "dash":
            if right[:1].islower():
                gap.join, gap.rule = "", "discretionary hyphen"
            else:  # never a discretionary break before a capital: a true hyphen
                gap.join, gap.rule = "-", "true hyphen at a break (capital follows)"
        elif gap.kind == "hyphen":
            if gap.raw == "-⏎" and _typesetters_hyphen(tokens[i].text[:-1], right, lexicon):  # "Den-⏎noch" too
                gap.join, gap.drop, gap.rule = "", True, "line-end hyphen removed (the joined word is a word)"
            elif right in CONJUNCTIONS or bare(right) in CONJUNCTIONS:
                gap.join = " "  # "Unterstützungs- und": a suspended compound, kept as printed
            else:
                gap.join, gap.rule = "", "true hyphen at a line end, kept"


def _typesetters_hyphen(stem: str, right: str, lexicon: Lexicon) -> bool:
    """A hyphen at a line end before a lower-case letter is the typesetter's (LaTeX prints it as
    a plain "-"), unless the hyphenated form is the word: the joined form must be a dictionary
    word or one the book prints whole, and the hyphenated one not ("voraus-⏎sichtlich", but
    "historisch-⏎kritischen" stays when the book prints it so)."""
    word = bare(right)
    if not (stem[-1:].isalpha() and word[:1].islower()):
        return False
    joined, hyphened = bare(stem) + word, f"{bare(stem)}-{word}"
    if hyphened in lexicon.vocabulary:
        return False
    return lexicon.is_word(joined) or lexicon.is_word(joined.capitalize())


def _decide_spaces(tokens: list[Token], gaps: list[Gap], lexicon: Lexicon) -> list[Undecided]:
    # Units: runs of tokens already joined by a decided break; plain spaces lie between units.
    units: list[tuple[int, int]] = []
    start = 0
    for i, gap in enumerate(gaps):
        if gap.join != "" or gap.kind == "hyphen":
            units.append((start, i))
            start = i + 1
    units.append((start, len(tokens) - 1))
    text = [_unit_text(tokens, gaps, a, b) for a, b in units]

    undecided: list[Undecided] = []
    u = 0
    while u < len(units) - 1:
        best = None
        for v in range(min(u + MAX_PIECES - 1, len(units) - 1), u, -1):
            if _closable(text[u : v + 1], [gaps[units[k][1]] for k in range(u, v)], lexicon):
                best = v
                break
        if best is None:
            gap = gaps[units[u][1]]
            if doubt := _doubtful_pair(text[u], text[u + 1], gap, lexicon):
                token = tokens[units[u][0]]
                undecided.append(Undecided(token.file, token.line, token.page, f"{text[u]} {text[u + 1]}", doubt,
                                           "both pieces are words; the joined form is a word too"))
            u += 1
            continue
        for k in range(u, best):
            gap = gaps[units[k][1]]
            gap.join, gap.rule = "", "spurious space at a hyphenation point"
        u = best + 1
    return undecided


def _unit_text(tokens, gaps, a, b) -> str:
    out = tokens[a].text
    for i in range(a, b):
        out = (out[:-1] if gaps[i].drop else out) + gaps[i].join + tokens[i + 1].text
    return out


PUNCT_END = re.compile(r"[.,;:!?»«)\]\"“”'’…/-]$|\uE001$")
PUNCT_START = re.compile(r"^[«»(\[\"„“'‚\d]")


def _closable(pieces: list[str], between: list[Gap], lexicon: Lexicon) -> bool:
    if any(g.kind != "space" or g.locked or g.join is not None for g in between):
        return False
    if any(not p[:1].islower() or PUNCT_START.match(p) for p in pieces[1:]):
        return False
    if any(PUNCT_END.search(p) for p in pieces[:-1]):
        return False
    glued = "".join(pieces)
    word = bare(glued)
    lead = len(glued) - len(glued.lstrip("«»\"'„“‚‘([")) if word else 0
    if not word:
        return False
    # The pieces must meet at hyphenation points (cheap: pyphen's patterns) before the
    # dictionary is asked anything (a word it lacks: milliseconds each, a compound search)
    points = lexicon.hyphenation_points(word)
    offsets = list(itertools.accumulate(len(piece) for piece in pieces[:-1]))
    if any(offset - lead not in points for offset in offsets):
        return False
    if all(lexicon.in_dictionary(bare(p)) for p in pieces):
        return False  # every piece a word already: the common case in clean text
    if not lexicon.is_word(word):
        return False
    return not any(lexicon.in_dictionary(word[:offset - lead]) and lexicon.in_dictionary(word[offset - lead:])
                   for offset in offsets)


def _doubtful_pair(left: str, right: str, gap: Gap, lexicon: Lexicon) -> str:
    """"in dem" → "indem": both readings are words; only short function-word pairs are checked."""
    if gap.kind != "space" or gap.locked or gap.join is not None or not right[:1].islower():
        return ""
    # The known ambiguous pairs start with a short function word: in dem, bei der, viel mehr, zu sagen.
    if PUNCT_END.search(left) or PUNCT_START.match(right) or len(left) > 4:
        return ""
    a, b = bare(left), bare(right)
    if not (a and b and lexicon.in_dictionary(a) and lexicon.in_dictionary(b)):
        return ""
    word = a + b
    if len(a) in lexicon.hyphenation_points(word) and lexicon.in_dictionary(word):
        return left + right
    return ""


def _assemble(tokens: list[Token], gaps: list[Gap]) -> str:
    """The clean text; a page marker inside a joined word moves to the end of that word."""
    out: list[str] = []
    deferred = ""
    for i, token in enumerate(tokens):
        if i:
            join = gaps[i - 1].join or ""
            out.append(join)
            if deferred and " " in join:
                out.append(deferred)
                deferred = ""
        if token.mark:
            if i == 0 or " " in (gaps[i - 1].join or ""):
                out.append(token.mark)
            else:
                deferred += token.mark
        out.append(token.text[:-1] if i < len(gaps) and gaps[i].drop else token.text)
    return "".join(out) + deferred


def _repairs(tokens: list[Token], gaps: list[Gap]) -> list[Repair]:
    """One entry per repaired word: the raw tokens with their raw gaps → the clean word."""
    repairs: list[Repair] = []
    i = 0
    while i < len(gaps):
        if not gaps[i].rule:
            i += 1
            continue
        j = i
        while j < len(gaps) and gaps[j].rule:
            j += 1
        raw = tokens[i].text + "".join(gaps[k].raw + tokens[k + 1].text for k in range(i, j))
        clean = _unit_text(tokens, gaps, i, j)
        rules = sorted({gaps[k].rule for k in range(i, j)})
        repairs.append(Repair(tokens[i].file, tokens[i].line, tokens[i].page, raw, clean, rules))
        i = j
    return repairs
