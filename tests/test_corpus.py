"""The committed ingest corpus (tests/fixtures/corpus/, made by tests/testcorpus/make.py) is whole
and consistent, and its scorer counts the damage it is meant to count. No book is ingested here:
that is the fixer's test, which calls `testcorpus.score_book`."""
from __future__ import annotations

import json
import re

import pytest
import testcorpus
from testcorpus.make import BOOKS
from testcorpus.model import clean_form
from testcorpus.score import score
from testcorpus.typeset import TYPESETTERS

SOURCES = {".typ", ".tex", ".fodt", ".html", ".ms"}


def test_every_book_of_the_list_is_committed_with_its_gold_and_source():
    committed = set(testcorpus.books())
    assert committed == set(BOOKS), f"missing: {sorted(set(BOOKS) - committed)}, unlisted: {sorted(committed - set(BOOKS))}"
    for split in testcorpus.SPLITS:
        folder = testcorpus.CORPUS / split
        names = {p.name.removesuffix(".pdf") for p in folder.glob("*.pdf")}
        assert names, split
        golds = {p.name.removesuffix(".gold.json") for p in folder.glob("*.gold.json")}
        texts = {p.name.removesuffix(".gold.txt") for p in folder.glob("*.gold.txt")}
        sources = {p.stem for p in (folder / "sources").iterdir() if p.suffix in SOURCES}
        assert names == golds == texts == sources, split
        assert all(n.startswith(split + "-") for n in names), "the split is in every file name"


def test_both_splits_hold_every_typesetter_and_both_generators():
    for split in testcorpus.SPLITS:
        kinds = {(testcorpus.gold(n)["typesetter"], testcorpus.gold(n)["generator"]) for n in testcorpus.books(split)}
        assert kinds == {(t, g) for t in TYPESETTERS for g in ("bank", "paket")}, split


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_gold_loads_and_agrees_with_its_pdf(name):
    import pypdfium2

    gold = testcorpus.gold(name)
    assert gold["name"] == name and gold["split"] == testcorpus.split_of(name)
    assert testcorpus.gold_text(name) == clean_form(gold), "the .gold.txt is the .gold.json in edition clean's form"
    document = pypdfium2.PdfDocument(str(testcorpus.pdf(name)))
    try:
        pages = len(document)
        title = document.get_metadata_dict().get("Title", "")
    finally:
        document.close()
    assert pages == gold["pages"] == len(gold["page_labels"]) and 8 <= pages <= 40
    assert title == gold["metadata"]["title"]
    assert gold["chapter_pages"] == sorted(gold["chapter_pages"])
    for chapter in gold["chapters"]:
        assert chapter["title"] and chapter["blocks"]
        for note in chapter["notes"]:
            assert re.fullmatch(r"\d+", note["n"]) and note["text"] and 0 <= note.get("page", 1) <= pages


def test_the_corpus_stays_small():
    size = sum(p.stat().st_size for p in testcorpus.CORPUS.rglob("*") if p.is_file())
    assert size < 20_000_000, f"{size / 1e6:.1f} MB"


def test_the_gold_scores_perfectly_against_itself():
    name = testcorpus.books("tuning")[0]
    figures = testcorpus.score_book(name, testcorpus.gold_text(name))
    assert figures["body_words"] == 1 and figures["break_recall"] == figures["break_precision"] == 1
    assert figures["notes"][0] == figures["notes"][1] > 0 and figures["refs"][0] == figures["refs"][1] > 0
    assert figures["headings_exact"][0] == figures["headings"][1] > 0
    assert not any(figures[k] for k in ("wrong_joins", "missed_joins", "break_hyphens_left", "true_hyphens_lost",
                                        "heads_left", "folios_left"))


def test_the_scorer_counts_each_kind_of_damage():
    name = next(n for n in testcorpus.books("tuning") if "paket" in n)
    gold = testcorpus.gold(name)
    text = testcorpus.gold_text(name)
    blocks = text.split("\n\n")
    para = next(i for i, b in enumerate(blocks) if len(b.split()) > 40 and not re.match("[⁰¹²³⁴⁵⁶⁷⁸⁹]", b))
    words = blocks[para].split()
    plain = [k for k, w in enumerate(words) if re.fullmatch(r"[a-zäöü]{4,}", w)]
    a, b, c = plain[1], plain[5], plain[9]
    words[a] = words[a] + words.pop(a + 1)                          # a wrong join
    words[b] = words[b][:2] + "- " + words[b][2:]                   # a break hyphen left
    words[c] = words[c][:2] + " " + words[c][2:]                    # a missed join
    head = gold["running_heads"][0]
    blocks[para] = " ".join(words[:20]) + f" 17 {head} " + " ".join(words[20:])   # a folio and a running head
    blocks[para + 1:para + 1] = ["Weitere Zeile."]                  # a paragraph break too many
    note = next(i for i, b in enumerate(blocks) if re.match("[⁰¹²³⁴⁵⁶⁷⁸⁹]", b))
    del blocks[note]                                                 # a note lost
    figures = score(gold, "\n\n".join(blocks))
    per = 10_000 / figures["words"]
    assert figures["wrong_joins"] == pytest.approx(per) and figures["missed_joins"] == pytest.approx(per)
    assert figures["break_hyphens_left"] == 1 and figures["heads_left"] == 1 and figures["folios_left"] == 1
    assert figures["notes"][0] == figures["notes"][1] - 1
    assert figures["break_precision"] < 1 == figures["break_recall"]


def test_hyphen_words_lost_and_headings_merged_are_seen():
    name = next(n for n in testcorpus.books("tuning") if "paket" in n)
    gold = testcorpus.gold(name)
    text = testcorpus.gold_text(name)
    hyphenated = next(w for w in text.split() if re.fullmatch(r"[A-Za-zäöü]{2,}-[a-zäöü]{3,}", w))
    damaged = text.replace(hyphenated, hyphenated.replace("-", ""), 1)
    heading = next(b["text"] for c in gold["chapters"] for b in c["blocks"] if b["kind"] == "heading")
    damaged = damaged.replace(heading + "\n\n", heading + " ", 1)   # glued to the next paragraph
    figures = score(gold, damaged)
    assert figures["true_hyphens_lost"] == 1
    assert figures["headings_exact"][0] == figures["headings"][1] - 1


def test_gold_json_is_plain_data():
    for name in BOOKS:
        path = testcorpus.CORPUS / testcorpus.split_of(name) / f"{name}.gold.json"
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
