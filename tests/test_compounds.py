"""Compound boundaries for search: where a person splits a German compound, and nowhere else."""
from __future__ import annotations

from conftest import FIXTURES

from generator import compounds


def _gold() -> list[tuple[str, set[int]]]:
    out = []
    for line in (FIXTURES / "compounds.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cuts, at = set(), 0
            for part in line.split("|")[:-1]:
                at += len(part)
                cuts.add(at)
            out.append((line.replace("|", ""), cuts))
    return out


def test_boundaries_are_where_a_person_splits():
    right = wrong = missed = 0
    for word, cuts in _gold():
        found = set(compounds.boundaries(word))
        right, wrong, missed = right + len(found & cuts), wrong + len(found - cuts), missed + len(cuts - found)
    assert right / (right + wrong) >= 0.97          # a wrong part makes a junk match: precision first
    assert right / (right + missed) >= 0.85


def test_simple_words_and_syllables_stay_whole():
    for word in ("Regierung", "Bürgerinnen", "Neutralität", "Intergouvernementalität", "selbstverständlich", "Politik"):
        assert compounds.boundaries(word) == (), word
    assert compounds.mark("Die Sicherheitspolitik der Kleinstaaten.") == "Die Sicherheits\u00adpolitik der Klein\u00adstaaten."
    assert compounds.splitter("en") is None and compounds.splitter("de-CH") is compounds.mark


def test_words_in_german_spelling_split_with_the_swiss_dictionary():
    """The dictionary is Swiss ("Aussen"); a book in German spelling ("Außen") splits the same."""
    assert compounds.boundaries("Außenpolitik") == (5,) and compounds.boundaries("Aussenpolitik") == (6,)
    assert compounds.boundaries("Großmächte") == (4,)
