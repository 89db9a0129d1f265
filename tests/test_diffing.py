"""The character alignment of the three texts (generator/diffing.py): corrections, words added
and removed, paragraphs split and joined keep every character's place in the print; each
difference is told as the tool's repair, the editor's intervention or the print restored."""
from __future__ import annotations

import itertools
import random

import pytest

from generator.diffing import Op, align, compose, reads_as_printed, span, three_way, where


def apply(a: str, b: str, ops: list[Op]) -> None:
    """The alignment's promises: it covers both texts whole, in order; equal means equal."""
    assert ops, "texts that differ have operations"
    assert (ops[0].a0, ops[0].b0) == (0, 0) and (ops[-1].a1, ops[-1].b1) == (len(a), len(b))
    for before, after in itertools.pairwise(ops):
        assert (before.a1, before.b1) == (after.a0, after.b0)
    rebuilt = []
    for op in ops:
        assert op.tag in ("equal", "replace", "insert", "delete")
        if op.tag == "equal":
            assert a[op.a0:op.a1] == b[op.b0:op.b1]
        assert (op.tag == "insert") == (op.a0 == op.a1 and op.b0 < op.b1)
        assert (op.tag == "delete") == (op.b0 == op.b1 and op.a0 < op.a1)
        rebuilt.append(b[op.b0:op.b1])
    assert "".join(rebuilt) == b


def changes(a: str, b: str) -> list[tuple[str, str]]:
    ops = align(a, b)
    apply(a, b, ops)
    return [(a[op.a0:op.a1], b[op.b0:op.b1]) for op in ops if op.tag != "equal"]


def test_a_correction_is_the_letters_that_changed():
    assert changes("Die Kulisse der Stadt", "Die Kulissen der Stadt") == [("", "n")]
    assert changes("einer-Untersuchung wert", "einer Untersuchung wert") == [("-", " ")]
    assert changes("das Wort dass hier", "das Wort daß hier") == [("ss", "ß")]
    assert align("gleich", "gleich") == [Op("equal", 0, 6, 0, 6)] and align("", "") == []
    # a word replaced is one change, not the letters that happen to match
    assert changes("die Kulisse hier", "die Kapelle hier") == [("uliss", "apell")]
    assert changes("Sicherheitspolitik der Schweiz", "Verteidigungspolitik der Schweiz") == [("Sicherheit", "Verteidigung")]
    # and a clause rewritten is one change, not words that share a few letters
    assert changes("Sie verhandelten lange und ohne Ergebnis.", "Sie stritten kurz, doch mit Erfolg.") == [
        ("verhandelten lange und ohne Ergebnis", "stritten kurz, doch mit Erfolg")]


def test_a_block_wholly_rewritten_still_maps_to_the_print_it_replaced():
    ops = align("Ein Satz. Alt. Noch einer.", "Ein Satz. Neu. Noch einer.")
    assert span(ops, 10, 14) == (10, 14)
    assert span(ops, 0, 9) == (0, 9) and where(ops, 15) == 15


def test_words_added_and_removed():
    assert changes("Das Wort steht.", "Das neue Wort steht.") == [("", "neue ")]
    assert changes("Das alte Wort steht.", "Das Wort steht.") == [("alte ", "")]
    assert changes("", "Neu.") == [("", "Neu.")] and changes("Weg.", "") == [("Weg.", "")]


def test_paragraphs_split_and_joined_are_white_space_only():
    assert changes("Erster Satz. Zweiter Satz.", "Erster Satz.\n\nZweiter Satz.") == [(" ", "\n\n")]
    assert changes("Eins.\n\nZwei.", "Eins. Zwei.") == [("\n\n", " ")]


def test_the_print_and_its_reading_text_differ_only_where_lines_end():
    printed = "die Koordina -\ntions instanz und Unter-\nsuchung der\nZusammenar-\nbeit"
    ingested = "die Koordinationsinstanz und Untersuchung der Zusammenarbeit"
    assert changes(printed, ingested) == [(" -\n", ""), (" ", ""), ("-\n", ""), ("\n", " "), ("-\n", "")]


def test_every_character_of_a_long_text_keeps_its_place_under_random_edits():
    rng = random.Random(26)
    words = ("Sicherheit Politik der die und Bündnisse Kleinstaaten Neutralität Zusammenarbeit " * 40).split()
    text = " ".join(rng.choice(words) for _ in range(4000))
    edited = list(text)
    for _ in range(60):  # letters changed, added, removed; paragraph breaks
        at = rng.randrange(len(edited))
        kind = rng.randrange(4)
        if kind == 0:
            edited[at] = "x"
        elif kind == 1:
            edited[at:at] = list(" eingefügt")
        elif kind == 2:
            del edited[at:at + 5]
        elif edited[at] == " ":
            edited[at] = "\n\n"
    current = "".join(edited)
    ops = align(text, current)
    apply(text, current, ops)
    # tight: no more changed than the edits touched (each edit at most ten characters)
    assert sum(max(op.a1 - op.a0, op.b1 - op.b0) for op in ops if op.tag != "equal") <= 60 * 10


def test_compose_goes_from_the_print_to_the_current_text_through_the_ingested():
    printed = "Sie nennen die Kulisse einer Unter-\nsuchung und die Koordina -\ntions instanz."
    ingested = "Sie nennen die Kulisse einer-Untersuchung und die Koordinationsinstanz."
    current = "Sie nennen die Kulissen einer Untersuchung und\n\ndie Koordinationsinstanz."
    ops = compose(align(printed, ingested), align(ingested, current))
    # a composed change may read the same on both sides (the editor undid the tool's): still a cover of both
    apply(printed, current, [Op("equal", o.a0, o.a1, o.b0, o.b1) if o.tag == "replace" and printed[o.a0:o.a1] == current[o.b0:o.b1] else o
                             for o in ops])
    assert where(ops, printed.index("Koordina")) == current.index("Koordination")
    back = _inverse(ops)  # every character of the current text still knows where it stands in the print
    for word, as_printed in (("Kulissen", "Kulisse"), ("Untersuchung", "Unter-\nsuchung"),
                             ("Koordinationsinstanz", "Koordina -\ntions instanz")):
        c0 = current.index(word)
        p0, p1 = span(back, c0, c0 + len(word))
        assert printed[p0:p1] == as_printed


def _inverse(ops: list[Op]) -> list[Op]:
    flip = {"insert": "delete", "delete": "insert"}
    return [Op(flip.get(op.tag, op.tag), op.b0, op.b1, op.a0, op.a1) for op in ops]


def test_a_block_maps_to_its_printed_lines_after_it_was_edited():
    """What the build needs: the current text of a block → the printed lines it came from."""
    lines = ["Kleine Staaten kooperieren, oh-", "ne beizutreten. Die Zusammen-", "arbeit ist eng.", "Ein zweiter Absatz", "folgt hier."]
    printed = "\n".join(lines)
    ingested = "Kleine Staaten kooperieren, ohne beizutreten. Die Zusammenarbeit ist eng.\n\nEin zweiter Absatz folgt hier."
    # corrected, a word added, and the first paragraph split in two
    current = "Kleine Staaten kooperieren, ohne beizutreten.\n\nDie enge Zusammenarbeit ist eng.\n\nEin zweiter Absatz folgt hier!"
    to_print = compose(align(current, ingested), align(ingested, printed))
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def printed_lines(block: str) -> list[int]:
        c0 = current.index(block)
        p0, p1 = span(to_print, c0, c0 + len(block))
        return [n for n in range(len(lines)) if starts[n] < p1 and p0 < starts[n + 1] - 1]

    assert printed_lines("Kleine Staaten kooperieren, ohne beizutreten.") == [0, 1]
    assert printed_lines("Die enge Zusammenarbeit ist eng.") == [1, 2]
    assert printed_lines("Ein zweiter Absatz folgt hier!") == [3, 4]


def test_three_way_tells_whose_each_difference_is():
    printed = "Sie nennen die Kulisse einer Unter-\nsuchung und die Koordina -\ntions instanz. Das Wort dass."
    ingested = "Sie nennen die Kulisse einer-Untersuchung und die Koordinationsinstanz. Das Wort dass."
    current = "Sie nennen die Kulissen einer Untersuchung und\n\ndie Koordinationsinstanz. Das neue Wort daß."
    regions = three_way(printed, ingested, current)
    told = [(r.kind, printed[r.p0:r.p1], current[r.c0:r.c1]) for r in regions if r.kind != "same"]
    assert told == [
        ("edit", "Kulisse", "Kulissen"),      # the editor's correction, as whole words
        ("restored", " ", " "),               # the tool's "einer-Untersuchung" undone: as printed, no intervention
        ("repair", "-\n", ""),                # the break hyphen the tool joined (the report lists it)
        ("paragraphs", " ", "\n\n"),          # split: structure, not text
        ("repair", " -\n", ""), ("repair", " ", ""),  # the extraction's spaces at a hyphenation point
        ("edit", "", "neue "),                # a word added
        ("edit", "dass", "daß"),
    ]
    # the regions cover all three texts whole, in order
    for start, end, text in (("p0", "p1", printed), ("i0", "i1", ingested), ("c0", "c1", current)):
        assert getattr(regions[0], start) == 0 and getattr(regions[-1], end) == len(text)
        assert all(getattr(x, end) == getattr(y, start) for x, y in itertools.pairwise(regions))
    # nothing differs: all "same"
    assert {r.kind for r in three_way(printed, ingested, ingested)} == {"same", "repair"}


@pytest.mark.parametrize(("printed", "text", "same"), [
    ("Unter-\nsuchung", "Untersuchung", True),
    ("Unter-\nsuchung", "Unter-suchung", True),
    ("Unter-\nsuchung", "Unter- suchung", False),
    ("der\nBund", "der Bund", True),
    ("der\nBund", "der\n\nBund", True),
    ("der\nBund", "derBund", False),
    ("(a+b)*", "(a+b)*", True),
])
def test_what_reads_as_printed(printed, text, same):
    assert reads_as_printed(printed, text) is same
