"""Where two texts differ, character by character, and where each part of one stands in the other.

An edition has three texts of a chapter: the print (the lines ingest recorded, joined by line
breaks), the text as ingested (what ingest wrote, with each block's printed lines), and the
current source (the editor's). `align` gives the operations that turn one into the other with
their offsets in both; `compose` chains two alignments (print → ingested → current becomes
print → current), so every character of the current text still knows the printed line it came
from after corrections, added and removed words, and paragraphs split or merged. `three_way`
says of each difference whose it is: the tool's repair, the editor's intervention, or the
editor's restoring of the print (no intervention at all).

The algorithm, from measurement (bench/diff_bench.py, a 300-page book): the two texts differ
mostly in what repairs and line ends change (white space, hyphens), in which difflib and plain
Myers drown (a change on every printed line). So each text's *skeleton* is taken first, its
characters without white space and hyphens (as printed.py compares); the skeletons are
aligned by diff-match-patch (Myers' O(ND) algorithm with its prefix, suffix and half-match
speed-ups: print → ingested skeletons are all but equal, ingested → current differ by the
editor's work only), followed by its semantic clean-up (no three-letter "matches" inside a
replaced word); every skeleton character matched is an anchor, and between two anchors the
texts either read the same (equal) or are one change. Pure functions.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

_WORD = re.compile(r"\w")
# What a repair may add or take away, and a line end: left out of a skeleton (printed.py's set)
_IGNORED = frozenset(" \t\n\r\u00a0\u2009\u202f-\u00ad\u2010\u2011\u00ac")


@dataclass(frozen=True, slots=True)
class Op:
    """`a[a0:a1]` becomes `b[b0:b1]`: "equal" (the same text), "replace", "insert" (a0 == a1)
    or "delete" (b0 == b1). An alignment's operations cover both texts whole, in order."""
    tag: str
    a0: int
    a1: int
    b0: int
    b1: int


_KEPT = re.compile("[^" + re.escape("".join(sorted(_IGNORED))) + "]+")


def _skeleton(text: str) -> tuple[str, list[int]]:
    """The text without what repairs change, and each skeleton character's index in `text`.
    A character is taken in its compatibility form (NFKC: the print's "⁸" is the note 8, its
    "ﬁ" the letters fi), so that the two align there too; they stay a change of their own
    (the texts' characters differ), which the caller may count as none."""
    where: list[int] = []
    parts = []
    for run in _KEPT.finditer(text):
        word = run.group()
        if word.isascii() or unicodedata.is_normalized("NFKC", word):
            where.extend(range(run.start(), run.end()))
            parts.append(word)
            continue
        for offset, char in enumerate(word, run.start()):
            folded = unicodedata.normalize("NFKC", char)
            folded = "".join(c for c in folded if c not in _IGNORED) or char
            where.extend([offset] * len(folded))
            parts.append(folded)
    return "".join(parts), where


def _matched(ka: str, kb: str) -> list[tuple[int, int, int]]:
    """(i, j, n): ka[i:i+n] == kb[j:j+n], the skeletons' equal runs in order."""
    from diff_match_patch import diff_match_patch  # type: ignore[import-untyped]  # noqa: PLC0415

    engine = diff_match_patch()
    # A time limit turns on its half-match speed-up (5× here); one never reached keeps the
    # result independent of the machine's speed (a reproducible build)
    engine.Diff_Timeout = 3600
    diffs = engine.diff_main(ka, kb, False)
    engine.diff_cleanupSemantic(diffs)
    out, i, j = [], 0, 0
    for op, part in diffs:
        if op == 0:
            out.append((i, j, len(part)))
        i += len(part) if op <= 0 else 0
        j += len(part) if op >= 0 else 0
    return out


def align(a: str, b: str) -> list[Op]:
    """The operations that turn `a` into `b`, with their offsets in both."""
    if a == b:
        return [Op("equal", 0, len(a), 0, len(b))] if a else []
    ka, wa = _skeleton(a)
    kb, wb = _skeleton(b)
    out: list[Op] = []
    at = [0, 0, 0, 0]  # the equal run being gathered (its start in a and b), and where the unaligned text begins

    def anchor(k0: int, k1: int, i: int, j: int) -> None:
        """Matched skeleton characters i+k0 … i+k1-1 (and j+…): where the texts between them are
        the same too, one equal run; found by halving, so a long identical stretch costs one comparison."""
        x0, x1, y0, y1 = wa[i + k0], wa[i + k1 - 1] + 1, wb[j + k0], wb[j + k1 - 1] + 1
        if a[at[2]:x0] == b[at[3]:y0] and a[x0:x1] == b[y0:y1]:
            at[2], at[3] = x1, y1
            return
        if k1 - k0 > 1:
            middle = (k0 + k1) // 2
            anchor(k0, middle, i, j)
            anchor(middle, k1, i, j)
            return
        if x0 < at[2] or y0 < at[3]:
            return  # the second letter of a ligature ("ﬁ"), whose first took it
        if a[x0:x1] != b[y0:y1]:  # alike only in their compatibility forms ("⁸", "8"): a change of its own
            _add(out, Op("equal", at[0], at[2], at[1], at[3]))
            _trimmed(out, a, b, at[2], x0, at[3], y0)
            _add(out, _change(x0, x1, y0, y1))
            at[:] = [x1, y1, x1, y1]
            return
        _add(out, Op("equal", at[0], at[2], at[1], at[3]))  # one anchor, the texts before it differ
        _trimmed(out, a, b, at[2], x0, at[3], y0)
        at[:] = [x0, y0, x1, y1]

    for i, j, n in _matched(ka, kb):
        anchor(0, n, i, j)
    if a[at[2]:] == b[at[3]:]:
        _add(out, Op("equal", at[0], len(a), at[1], len(b)))
    else:
        _add(out, Op("equal", at[0], at[2], at[1], at[3]))
        _trimmed(out, a, b, at[2], len(a), at[3], len(b))
    return _tidied(out, a, b)


_SHORT = 3  # letters: an equal run this short between two changes of one word is chance, not the print


def _tidied(ops: list[Op], a: str, b: str) -> list[Op]:
    """Changes inside one word that only chance letters separate, as one change: "Sicherheit"
    → "Verteidigung", not "Sich" → "V", "h" → "t", "t" → "digung" (whose "er" and "ei" match).
    A change of spaces and hyphens only is a repair at a line end or a hyphenation point, not
    a word replaced: the letters beside it are the print's ("werden.⏎Kon kret" → "werden. Konkret")."""
    def spacing(op: Op) -> bool:
        return not _KEPT.search(a[op.a0:op.a1]) and not _KEPT.search(b[op.b0:op.b1])
    out: list[Op] = []
    for op in ops:
        if (op.tag != "equal" and len(out) >= 2 and out[-1].tag == "equal" and out[-2].tag != "equal"
                and out[-1].a1 - out[-1].a0 <= _SHORT and a[out[-1].a0:out[-1].a1].isalpha()
                and not spacing(op) and not spacing(out[-2])):
            out.pop()  # the chance letters
            before = out.pop()
            out.append(_change(before.a0, op.a1, before.b0, op.b1))
            continue
        out.append(op)
    return out


def _trimmed(out: list[Op], a: str, b: str, a0: int, a1: int, b0: int, b1: int) -> None:
    """One change between anchors, without the text both sides begin or end with
    ("Kulisse⎵" → "Kulissen⎵" is "n" added before the space)."""
    while a0 < a1 and b0 < b1 and a[a0] == b[b0]:
        _add(out, Op("equal", a0, a0 + 1, b0, b0 + 1))
        a0, b0 = a0 + 1, b0 + 1
    n = 0
    while a1 - n > a0 and b1 - n > b0 and a[a1 - n - 1] == b[b1 - n - 1]:
        n += 1
    _add(out, _change(a0, a1 - n, b0, b1 - n))
    _add(out, Op("equal", a1 - n, a1, b1 - n, b1))


def _add(out: list[Op], op: Op) -> None:
    """Append, merging with the operation before: equal with equal, any two changes into one."""
    if op.a0 == op.a1 and op.b0 == op.b1:
        return
    if out and out[-1].a1 == op.a0 and out[-1].b1 == op.b0:
        last = out[-1]
        if last.tag == op.tag == "equal":
            out[-1] = Op("equal", last.a0, op.a1, last.b0, op.b1)
            return
        if last.tag != "equal" and op.tag != "equal":
            out[-1] = _change(last.a0, op.a1, last.b0, op.b1)
            return
    out.append(op)


def _change(a0: int, a1: int, b0: int, b1: int) -> Op:
    return Op("insert" if a0 == a1 else "delete" if b0 == b1 else "replace", a0, a1, b0, b1)


def _anchors(first: list[Op], second: list[Op]) -> list[tuple[int, int, int, int]]:
    """(a0, b0, c0, length) of the stretches equal in both alignments (a → b and b → c): the
    text the three share, found by walking the two lists of equal runs (in b) side by side."""
    left = [op for op in first if op.tag == "equal"]
    right = [op for op in second if op.tag == "equal"]
    out, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        lo, hi = max(left[i].b0, right[j].a0), min(left[i].b1, right[j].a1)
        if lo < hi:
            out.append((left[i].a0 + lo - left[i].b0, lo, right[j].b0 + lo - right[j].a0, hi - lo))
        if left[i].b1 <= right[j].a1:
            i += 1
        else:
            j += 1
    return out


def _ends(ops: list[Op]) -> tuple[int, int]:
    return (ops[-1].a1, ops[-1].b1) if ops else (0, 0)


def compose(first: list[Op], second: list[Op]) -> list[Op]:
    """a → c from a → b (`first`) and b → c (`second`): equal where both are, and each stretch
    between a change of either (which may read the same on both ends: the second change undid
    the first; `three_way` tells those apart, having the texts)."""
    out: list[Op] = []
    a_end, c_end = _ends(first)[0], _ends(second)[1]
    pa = pc = 0
    for a0, _b0, c0, length in _anchors(first, second):
        _add(out, _change(pa, a0, pc, c0))
        _add(out, Op("equal", a0, a0 + length, c0, c0 + length))
        pa, pc = a0 + length, c0 + length
    _add(out, _change(pa, a_end, pc, c_end))
    return out


def where(ops: list[Op], offset: int) -> int:
    """The offset in b of the character at `offset` in a: exact inside equal text; the start of
    the change that took it otherwise (its place, not its letter, is all that is left)."""
    index = bisect_right([op.a0 for op in ops], offset) - 1
    if index < 0:
        return 0
    op = ops[index]
    if op.a0 == op.a1 and index + 1 < len(ops):  # an insertion before `offset`: what follows it
        op = ops[index + 1]
    return op.b0 + (offset - op.a0 if op.tag == "equal" else 0)


def span(ops: list[Op], a0: int, a1: int) -> tuple[int, int]:
    """The stretch of b that `a[a0:a1]` became: a change it touches is taken whole (a word
    corrected at a block's edge stays the block's); an insertion counts if it stands inside,
    not at either edge (there it is as much the neighbour's)."""
    touched = [op for op in ops if (op.a0 < a1 and op.a1 > a0) or (op.a0 == op.a1 and a0 < op.a0 < a1)]
    if not touched:
        at = where(ops, a0)
        return at, at
    b0 = min(op.b0 + max(0, a0 - op.a0) if op.tag == "equal" else op.b0 for op in touched)
    b1 = max(op.b1 - max(0, op.a1 - a1) if op.tag == "equal" else op.b1 for op in touched)
    return b0, b1


# ---- the three texts ----

@dataclass(frozen=True, slots=True)
class Region:
    """One stretch of the three texts: `kind` is "same" (as printed), "repair" (ingest changed
    the print and the editor kept it: the report lists it), "edit" (the editor's intervention:
    the print `printed[p0:p1]` reads `current[c0:c1]`), "restored" (the editor undid a change of
    the tool's: as printed again, no intervention), or "paragraphs" (as printed, split or joined
    otherwise than ingest had it)."""
    kind: str
    p0: int
    p1: int
    i0: int
    i1: int
    c0: int
    c1: int


_PRINTED = re.compile(r"[-\u00ad]\n|\s+|.", re.S)


def reads_as_printed(printed: str, text: str) -> bool:
    """Does `text` say what the printed lines `printed` say? A line end is a space or a
    paragraph break, and a hyphen at a line end may be a break (the word joined) or a hyphen
    kept: "Unter-⏎suchung" reads "Untersuchung" and "Unter-suchung", never "Unter- suchung"."""
    pattern = "".join("-?" if part[0] in "-\u00ad" and part.endswith("\n") else r"\s+" if part.isspace() else re.escape(part)
                      for part in _PRINTED.findall(printed))
    return re.fullmatch(pattern, text) is not None


def three_way(printed: str, ingested: str, current: str, words: bool = True,
              first: list[Op] | None = None, second: list[Op] | None = None) -> list[Region]:
    """The three texts in stretches: shared ones ("same") and, between them, each difference
    with whose it is. `words`: an intervention is widened to whole words ("Kulisse" →
    "Kulissen", not "" → "n"), as an apparatus and TEI's `<sic>`/`<corr>` give it. `first`,
    `second`: the two alignments, where the caller has them already."""
    first = align(printed, ingested) if first is None else first
    second = align(ingested, current) if second is None else second
    out: list[Region] = []
    pp = pi = pc = 0
    for p0, i0, c0, length in _anchors(first, second) + [(len(printed), len(ingested), len(current), 0)]:
        if (p0, i0, c0) != (pp, pi, pc):
            out.append(Region(_kind(printed[pp:p0], ingested[pi:i0], current[pc:c0]), pp, p0, pi, i0, pc, c0))
        if length:
            out.append(Region("shared", p0, p0 + length, i0, i0 + length, c0, c0 + length))
        pp, pi, pc = p0 + length, i0 + length, c0 + length
    if words:
        out = _widened(out, printed, current)
    return _merged(out)


def _kind(was: str, tool: str, now: str) -> str:
    if tool == now:
        return "same" if tool == was else "repair"
    # the print's characters in their compatibility forms: its raised "⁵" reads as the note 5
    was, tool, now = (unicodedata.normalize("NFKC", text) for text in (was, tool, now))
    if reads_as_printed(was, now):
        if not reads_as_printed(was, tool):
            return "restored"
        return "paragraphs" if tool.count("\n\n") != now.count("\n\n") else "same"
    return "edit"


def _widened(regions: list[Region], printed: str, current: str) -> list[Region]:
    """Each edit that cuts into a word grown to the whole word, taken from the text all three
    share (a "shared" stretch is the same text in each, so one width fits all three). An edit
    of whole words ("neue " added) stays as it is."""
    out = list(regions)
    for k, region in enumerate(out):
        if region.kind != "edit":
            continue
        sides = [text for text in (printed[region.p0:region.p1], current[region.c0:region.c1]) if text]
        left = out[k - 1] if k and out[k - 1].kind == "shared" else None
        right = out[k + 1] if k + 1 < len(out) and out[k + 1].kind == "shared" else None
        n = _word_end(current[left.c0:left.c1]) if left and any(_WORD.match(t[0]) for t in sides) else 0
        m = _word_start(current[right.c0:right.c1]) if right and any(_WORD.match(t[-1]) for t in sides) else 0
        if left and n:
            out[k - 1] = Region("shared", left.p0, left.p1 - n, left.i0, left.i1 - n, left.c0, left.c1 - n)
        if right and m:
            out[k + 1] = Region("shared", right.p0 + m, right.p1, right.i0 + m, right.i1, right.c0 + m, right.c1)
        out[k] = Region("edit", region.p0 - n, region.p1 + m, region.i0 - n, region.i1 + m, region.c0 - n, region.c1 + m)
    return [region for region in out if region.c0 != region.c1 or region.p0 != region.p1 or region.i0 != region.i1]


def _word_end(text: str) -> int:
    """How many word characters `text` ends with."""
    found = re.search(r"\w*$", text)
    return len(found.group()) if found else 0


def _word_start(text: str) -> int:
    found = re.match(r"\w*", text)
    return len(found.group()) if found else 0


def _merged(regions: list[Region]) -> list[Region]:
    """Neighbouring stretches as printed ("shared" text, and differences that read the same) as one "same"."""
    out: list[Region] = []
    for region in regions:
        kind = "same" if region.kind == "shared" else region.kind
        if out and out[-1].kind == kind == "same":
            last = out[-1]
            out[-1] = Region("same", last.p0, region.p1, last.i0, region.i1, last.c0, region.c1)
        else:
            out.append(Region(kind, region.p0, region.p1, region.i0, region.i1, region.c0, region.c1))
    return out
