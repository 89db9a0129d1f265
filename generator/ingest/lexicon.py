"""Word knowledge for repairs: is this a German word, and is this a hyphenation point?

- hunspell de_CH (LibreOffice's dictionary, shipped in `dictionaries/` beside this module,
  read with the pure-Python `spylls`): case-sensitive, which is the strongest German cue ("staaten" is
  rejected, "Staaten" accepted), and Swiss spelling ("Schliesslich") is correct.
- pyphen de_CH patterns: the typesetter's discretionary breaks sit on these points, so a space
  that is not one is never closed.
- the book's own vocabulary: long words seen intact elsewhere in the pages ("friedensfördernder"
  is in no dictionary but in the book).
Every lookup is cached: a book repeats its words.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyphen

TRIM = re.compile(r"^[«»\"'„“”‚‘’(\[]+|[«»\"'„“”‚‘’)\].,;:!?…]+$")


NOTE_REF = re.compile("\uE000([^\uE001]*)\uE001")  # a footnote reference inside a token


def bare(token: str) -> str:
    """The word inside a token: quotes, brackets, punctuation and note references taken off."""
    return TRIM.sub("", NOTE_REF.sub("", token))


def _dictionary_path() -> Path:
    return Path(__file__).resolve().parent / "dictionaries" / "de_CH"


@lru_cache(maxsize=1)
def _hunspell():
    """Load de_CH once per process (about 3 s: spylls parses the .aff/.dic files in Python).

    A pickled copy was measured at 2.3 s to load and 34 MB on disk: not worth a cache folder.
    """
    from spylls.hunspell import Dictionary  # noqa: PLC0415 - only ingest needs it

    return Dictionary.from_files(str(_dictionary_path()))


@lru_cache(maxsize=1)
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="de_CH")


class Lexicon:
    def __init__(self, vocabulary: set[str] | None = None):
        self.vocabulary = vocabulary or set()

    @staticmethod
    @lru_cache(maxsize=200_000)
    def in_dictionary(word: str) -> bool:
        if not word or not re.search(r"[A-Za-zÄÖÜäöüß]", word):
            return False
        return bool(_hunspell().lookup(word))

    def is_word(self, word: str) -> bool:
        """Dictionary word, or a long word the book itself prints intact."""
        return self.in_dictionary(word) or word in self.vocabulary

    @staticmethod
    @lru_cache(maxsize=200_000)
    def hyphenation_points(word: str) -> frozenset[int]:
        return frozenset(_hyphenator().positions(word))
