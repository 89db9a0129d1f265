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
    """de_CH with spylls (pure-Python hunspell), loaded lazily: spylls parses all 258,000 .dic
    entries into objects at start (3–4.5 s measured), but a lookup only ever asks for the few
    stems its affix rules derive from the word. So the .dic lines are only indexed by stem at
    start (a fraction of a second) and parsed by spylls's own reader when a stem is asked for.
    """
    from spylls.hunspell import Dictionary  # noqa: PLC0415 - only ingest needs it
    from spylls.hunspell.readers import FileReader, read_aff  # noqa: PLC0415

    path = str(_dictionary_path())
    aff, context = read_aff(FileReader(path + ".aff"))
    dictionary = Dictionary(aff, _lazy_dic(path + ".dic", aff, context))
    dictionary.lookuper = _remembering(dictionary.aff, dictionary.dic)
    return dictionary


def _remembering(aff, dic):
    """spylls' lookup, remembering whether each string it checks has a good form. A word with
    hyphens is checked whole and then broken at its hyphens in every way it can be ("a-b-c":
    "a" + "b-c", "a" + "b" + "c", "a-b" + "c"), each part analysed again each time: a URL of six
    hyphens took a second. Remembered, each part is analysed once per book (the same answers:
    the check asks only whether a good form exists, and that is what is kept). A word glued
    from several (page text asks whether "Unterkommandopurgenoch" is one) is searched for its
    compounds: split at every place, each part's forms at a compound's start, middle or end are
    what the next such word asks again ("Unterkommandopurge"). They are kept too, by every
    argument spylls is given (its methods are functions of them and the dictionary): Writer's
    page text of the Debian book, 17 pages, 5.3 → 4.5 s of lookups, 12,000 parts kept (the
    endings taken off each part, kept too, saved 0.4–1.2 s more for 45 MB: 120,000 of them,
    too many for a long book)."""
    from spylls.hunspell.algo.lookup import Lookup  # noqa: PLC0415

    class Remembering(Lookup):
        def __init__(self, aff, dic) -> None:
            super().__init__(aff, dic)
            self.known: dict[str, bool] = {}
            self.parts: dict[tuple, tuple] = {}

        def good_forms(self, word, *, capitalization=True, allow_nosuggest=True, affix_forms=True,
                       compound_forms=True):
            if not (capitalization and allow_nosuggest and affix_forms and compound_forms):   # suggest's: as spylls
                return super().good_forms(word, capitalization=capitalization, allow_nosuggest=allow_nosuggest,
                                          affix_forms=affix_forms, compound_forms=compound_forms)
            known = self.known.get(word)
            if known is None:
                known = self.known[word] = any(super().good_forms(word))
            return iter((True,) if known else ())

        def affix_forms(self, word, captype, allow_nosuggest=True, prefix_flags=(), suffix_flags=(),
                        forbidden_flags=(), compoundpos=None, with_forbidden=False):
            if compoundpos is None:   # a whole word's: asked once per word (above)
                return super().affix_forms(word, captype, allow_nosuggest, list(prefix_flags), list(suffix_flags),
                                           list(forbidden_flags), compoundpos, with_forbidden)
            key = (word, captype, allow_nosuggest, tuple(prefix_flags), tuple(suffix_flags), tuple(forbidden_flags),
                   compoundpos, with_forbidden)
            forms = self.parts.get(key)
            if forms is None:
                forms = self.parts[key] = tuple(super().affix_forms(
                    word, captype, allow_nosuggest, list(prefix_flags), list(suffix_flags), list(forbidden_flags),
                    compoundpos, with_forbidden))
            return iter(forms)

    return Remembering(aff, dic)


def _lazy_dic(path: str, aff, context):
    from spylls.hunspell.data import dic  # noqa: PLC0415
    from spylls.hunspell.readers import read_dic  # noqa: PLC0415

    with open(path, encoding=context.encoding) as handle:
        text = handle.read().split("\n")
    stems = [line.partition("/")[0] for line in text]   # a "\\/" inside a stem: see below
    positions: dict[str, list[int]] = {}
    for index, stem in enumerate(stems):
        found = positions.get(stem)
        if found is None:
            positions[stem] = [index]
        else:
            found.append(index)
    for index, line in enumerate(text):
        if "\\/" in line:  # an escaped slash belongs to the stem
            positions.setdefault(_DIC_STEM.split(line, 1)[0].replace("\\/", "/"), []).append(index)
    lowered: dict[str, set[str]] = {}

    def entries(stem: str) -> list[tuple[int, str]]:
        return [(i + 1, text[i]) for i in positions.pop(stem, ()) if i or not text[0].strip().isdigit()]

    class LazyDic(dic.Dic):
        """The stems' entries, parsed on first use by spylls's reader (so exactly as it would)."""

        def _load(self, stem: str) -> None:
            found = entries(stem)
            if found:  # spylls reads them as it reads the whole file; its indexes are merged in
                read = read_dic(found, aff=aff, context=context)
                self.words += read.words
                for key, words in read.index.items():
                    self.index[key] += words
                for key, words in read.lowercase_index.items():
                    self.lowercase_index[key] += words

        def homonyms(self, stem: str, *, ignorecase: bool = False):
            if ignorecase:  # rare (a word in capitals): the lower-case map is made on first use
                if not lowered:
                    for original in positions:
                        lowered.setdefault(original.lower(), set()).add(original)
                for original in lowered.get(stem, ()):
                    self._load(original)
            else:
                self._load(stem)
            return super().homonyms(stem, ignorecase=ignorecase)

    return LazyDic(words=[])


_DIC_STEM = re.compile(r"(?<!\\)/")


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
        # The dictionary is Swiss: no ß. A German book's "Straße", "schließlich" are its "Strasse",
        # "schliesslich" (Swiss spelling writes ss for every ß; the other way is not unique).
        return bool(_hunspell().lookup(word)) or ("ß" in word and bool(_hunspell().lookup(word.replace("ß", "ss"))))

    def is_word(self, word: str) -> bool:
        """Dictionary word, or a long word the book itself prints intact."""
        return word in self.vocabulary or self.in_dictionary(word)   # the book's words first: no lookup

    @staticmethod
    @lru_cache(maxsize=200_000)
    def hyphenation_points(word: str) -> frozenset[int]:
        return frozenset(_hyphenator().positions(word))
