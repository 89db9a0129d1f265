"""Scoring a reading text in `edition clean`'s form against a book's gold.

`score(gold, text)` compares word streams (note numbers stripped, NFC) with difflib and explains
each difference it can: a wrong join (two printed words glued: "hierbeiversucht",
"einer-Untersuchung"), a missed join (a printed word left in pieces: "Dis kurse", "https:/ /doi"),
a break hyphen left ("Herausfor- derung", a soft hyphen inside a word), a true hyphen lost
("XMLkonformen"), a reference left as a plain number ("Meinung.2": the word counts as found, the
reference does not). Blocks are the text's blank-line-separated pieces; a block that begins with a
superscript number is a note.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPTS, "0123456789")
STRIP = str.maketrans("", "", SUPERSCRIPTS)
NOTE = re.compile(rf"^([{SUPERSCRIPTS}]+|∗|\*)\s+(.*)$", re.S)
BULLETS = set("•·◦▪∙–—-*")
HYPHENS = "-\u00ad\u2010\u2011"


def blocks(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    return [" ".join(piece.split()) for piece in re.split(r"\n\s*\n", text) if piece.strip()]


def split_notes(pieces: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    body, notes = [], []
    for piece in pieces:
        match = NOTE.match(piece)
        if match:
            notes.append((match.group(1).translate(FROM_SUPERSCRIPT), match.group(2)))
        else:
            body.append(piece)
    return body, notes


def _tokens(pieces: list[str]) -> tuple[list[str], list[int]]:
    words, starts = [], []
    for piece in pieces:
        starts.append(len(words))
        words += [w for w in piece.split() if w not in BULLETS]
    return words, starts


def _norm(word: str) -> str:
    return word.translate(STRIP)


def _dehyphen(word: str) -> str:
    return word.rstrip(HYPHENS)


def _explain(g: list[str], t: list[str], counts: dict, examples: dict) -> None:
    """Walk one differing stretch: gold words `g`, tool words `t`."""
    i = k = 0
    while i < len(g) and k < len(t):
        gi, tk = _norm(g[i]), _norm(t[k])
        if tk != gi and re.sub(r"(?<=\D)\d+$", "", tk) == gi and re.search(f"[{SUPERSCRIPTS}]$", g[i]):
            _count(counts, examples, "refs_as_digits", g[i], t[k])    # the word is there, its reference a plain number
            i, k = i + 1, k + 1
            continue
        if "\u00ad" in tk and tk.replace("\u00ad", "") == gi:
            _count(counts, examples, "break_hyphens_left", g[i], t[k])
            i, k = i + 1, k + 1
            continue
        if any(h in gi for h in "-") and tk == gi.replace("-", ""):
            _count(counts, examples, "true_hyphens_lost", g[i], t[k])
            i, k = i + 1, k + 1
            continue
        if "-" not in gi and "-" in tk and tk.replace("-", "") == gi:
            _count(counts, examples, "break_hyphens_left", g[i], t[k])
            i, k = i + 1, k + 1
            continue
        done = False
        for n in range(2, min(6, len(g) - i) + 1):      # a wrong join: one tool word for n printed ones
            joined = "".join(_norm(w) for w in g[i:i + n])
            if tk in (joined, "-".join(_norm(w) for w in g[i:i + n])) or tk.replace("-", "") == joined.replace("-", ""):
                _count(counts, examples, "wrong_joins", " ".join(g[i:i + n]), t[k], n - 1)
                i, k, done = i + n, k + 1, True
                break
        if done:
            continue
        for m in range(2, min(6, len(t) - k) + 1):      # a missed join: m tool pieces for one printed word
            pieces = [_norm(w) for w in t[k:k + m]]
            plain = "".join(pieces)
            dehyphened = "".join(_dehyphen(p) for p in pieces[:-1]) + pieces[-1]
            spaced_hyphen = [p for p in pieces if p in ("-", "\u00ad")]
            if gi in (plain, dehyphened) or "".join(p for p in pieces if p not in ("-", "\xad")) == gi:
                if (dehyphened == gi and plain != gi) or spaced_hyphen:
                    _count(counts, examples, "break_hyphens_left", g[i], " ".join(t[k:k + m]))
                else:
                    _count(counts, examples, "missed_joins", g[i], " ".join(t[k:k + m]), m - 1)
                i, k, done = i + 1, k + m, True
                break
        if done:
            continue
        _count(counts, examples, "other", " ".join(g[i:i + 3]), " ".join(t[k:k + 3]))
        i, k = i + 1, k + 1


def _count(counts: dict, examples: dict, kind: str, printed: str, produced: str, n: int = 1) -> None:
    counts[kind] = counts.get(kind, 0) + n
    examples.setdefault(kind, []).append((printed, produced))


def score(gold: dict, text: str) -> dict:
    """Figures for one book's reading text (`edition clean`'s form) against its structured gold."""
    from .model import clean_form

    gold_pieces = blocks(clean_form(gold))
    kinds = ["title"]
    for chapter in gold["chapters"]:
        printed = [n for n in chapter["notes"] if n.get("page", 1)]      # page 0: the print lost the note
        kinds += ["title"] + [b["kind"] for b in chapter["blocks"]] + ["note"] * len(printed)
    kinds = kinds[1:]
    gold_body = [p for p, k in zip(gold_pieces, kinds, strict=True) if k != "note"]
    body_kinds = [k for k in kinds if k != "note"]
    gold_notes = [(n["n"], n["text"]) for c in gold["chapters"] for n in c["notes"] if n.get("page", 1)]
    tool_body, tool_notes = split_notes(blocks(text))

    gw, gstarts = _tokens(gold_body)
    tw, tstarts = _tokens(tool_body)
    matcher = SequenceMatcher(None, [_norm(w) for w in gw], [_norm(w) for w in tw], autojunk=False)
    counts: dict = {}
    examples: dict = {}
    mapping: dict[int, int] = {}
    matched = 0
    inserted: list[list[str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            matched += a2 - a1
            mapping.update({a1 + d: b1 + d for d in range(a2 - a1)})
        elif op == "replace":
            _explain(gw[a1:a2], tw[b1:b2], counts, examples)
            inserted.append(tw[b1:b2])
        elif op == "insert":
            inserted.append(tw[b1:b2])

    # references: a printed word's superscript kept on the same word
    refs_total = refs_found = 0
    for a, word in enumerate(gw):
        digits = re.findall(f"[{SUPERSCRIPTS}]+", word)
        if digits:
            refs_total += len(digits)
            b = mapping.get(a)
            hits = sum(1 for d in digits if b is not None and d in tw[b])
            refs_found += hits
            if hits < len(digits):
                examples.setdefault("refs_missed", []).append((word, tw[b] if b is not None else "(word not found)"))

    # notes: in order, each with its number and ≥ 95 % of its words (a false or lost note in between
    # does not shift the others); the title page's "∗" note is no false note
    notes_found = 0
    paired_gold, paired_tool = set(), set()
    start = 0
    for a, (number, printed) in enumerate(gold_notes):
        for b in range(start, min(len(tool_notes), start + 40)):
            if tool_notes[b][0] == number and SequenceMatcher(None, printed.split(), tool_notes[b][1].split(),
                                                              autojunk=False).ratio() >= 0.95:
                notes_found += 1
                paired_gold.add(a)
                paired_tool.add(b)
                start = b + 1
                break
    title_note = " ".join(gold.get("title_note", "").split()[:6])
    paired_tool |= {b for b, (_, text) in enumerate(tool_notes) if title_note and text.startswith(title_note)}

    def short(number: str, text: str) -> str:
        return f"{number} {' '.join(text.split()[:8])}"

    examples["notes_missed"] = [(short(*n), "") for i, n in enumerate(gold_notes) if i not in paired_gold]
    examples["notes_false"] = [("", short(*n)) for i, n in enumerate(tool_notes) if i not in paired_tool]

    # headings: a block of its own with the printed text (exact), or nearly (found)
    headings = [p for p, k in zip(gold_body, body_kinds, strict=True) if k in ("title", "heading")]
    tool_set: dict[str, int] = {}
    for piece in tool_body:
        tool_set[piece] = tool_set.get(piece, 0) + 1
    exact = found = 0
    for heading in headings:
        if tool_set.get(heading, 0) > 0:
            tool_set[heading] -= 1
            exact += 1
            found += 1
            continue
        near = [p for p in tool_body if len(p.split()) <= len(heading.split()) + 3 and
                SequenceMatcher(None, heading.split(), p.split(), autojunk=False).ratio() >= 0.8]
        found += bool(near)
        examples.setdefault("headings_not_exact", []).append((heading, near[0] if near else "(no block of its own)"))

    # paragraph breaks, leaving out those inside tables and code (kept as lines or as one block)
    interior = set()
    for n, kind in enumerate(body_kinds):
        if kind in ("row", "code"):
            end = gstarts[n + 1] if n + 1 < len(gstarts) else len(gw)
            interior.update(range(gstarts[n] + (0 if n and body_kinds[n - 1] in ("row", "code") else 1), end))
    gold_breaks = {s for s in gstarts if s} - interior
    tool_breaks = set(tstarts) - {0}
    reverse = {b: a for a, b in mapping.items()}
    recall_hits = sum(1 for s in gold_breaks if mapping.get(s) in tool_breaks)
    # A tool break is judged where a printed word of the body stands on either side of it; breaks
    # inside what the gold does not have (a title page, contents) are counted as extra words only.
    judged = [s for s in tool_breaks if (s in reverse or s - 1 in reverse) and reverse.get(s) not in interior]
    precision_hits = sum(1 for s in judged if reverse.get(s) in gold_breaks | {0})

    def around(words: list[str], at: int, breaks: set | None = None) -> str:
        mark = " ¶ " if breaks is None or at in breaks else " "
        return " ".join(words[max(0, at - 4):at]) + mark + " ".join(words[at:at + 4])

    examples["breaks_missed"] = [(around(gw, s), around(tw, mapping[s], tool_breaks) if s in mapping else "")
                                 for s in sorted(gold_breaks) if mapping.get(s) not in tool_breaks]
    examples["breaks_false"] = [("", around(tw, s)) for s in sorted(judged) if reverse.get(s) not in gold_breaks | {0}]

    # running heads and folios: words no printed text accounts for
    heads = [h.split() for h in gold.get("running_heads", []) if h]
    labels = set(gold.get("page_labels", []))
    heads_left = folios_left = 0
    for run in inserted:
        i = 0
        while i < len(run):
            hit = next((h for h in heads if run[i:i + len(h)] == h), None)
            if hit:
                heads_left += 1
                examples.setdefault("heads_left", []).append(("", " ".join(run[max(0, i - 3):i + len(hit) + 3])))
                i += len(hit)
                continue
            if run[i] in labels or (re.fullmatch(r"[0-9]+", run[i]) and int(run[i]) <= gold.get("pages", 0)):
                folios_left += 1
                examples.setdefault("folios_left", []).append(("", " ".join(run[max(0, i - 3):i + 4])))
            i += 1
    words = max(len(gw), 1)
    per = 10_000 / words
    return {
        "words": len(gw),
        "body_words": (matched + counts.get("refs_as_digits", 0)) / words,
        "wrong_joins": counts.get("wrong_joins", 0) * per,
        "missed_joins": counts.get("missed_joins", 0) * per,
        "break_hyphens_left": counts.get("break_hyphens_left", 0),
        "true_hyphens_lost": counts.get("true_hyphens_lost", 0),
        "other_differences": counts.get("other", 0),
        "extra_words": len(tw) - matched,
        "notes": (notes_found, len(gold_notes)),
        "refs": (refs_found, refs_total),
        "headings": (found, len(headings)),
        "headings_exact": (exact, len(headings)),
        "break_recall": recall_hits / max(len(gold_breaks), 1),
        "break_precision": precision_hits / max(len(judged), 1),
        "heads_left": heads_left,
        "folios_left": folios_left,
        "title_note": bool(title_note) and title_note in " ".join(text.split()),
        "examples": {k: v for k, v in examples.items() if v},
    }
