"""German compounds split for search: "Sicherheitspolitik" → "Sicherheits­politik".

Pagefind matches a word from its start only: "Politik" never finds "Sicherheitspolitik". It
does split a word at a soft hyphen (U+00AD) and indexes the parts besides the whole word, at the
word's own position, so a hit on a part is highlighted where it stands. So the reading text
gets a soft hyphen at each compound boundary, and nowhere else: a syllable must not become a
word of its own ("tik" finds nothing). A boundary is where the word divides into parts the
German dictionary knows (the de_CH hunspell word list shipped for ingest), the first parts with
a linking element ("Sicherheit-s-", "Staat-en-"), the last with an inflection ("-bündnisse").
The fewest parts win; no part is shorter than four letters (three for a noun: "Bundes|rat").

A soft hyphen also tells the browser where it may break the word: with `hyphens: auto`, a
marked word breaks only at its compound boundaries (the best places anyway). Copied text,
citations and exports carry no soft hyphen: they are made from the model, and the page's script
takes them out of a copied selection.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

DICTIONARY = Path(__file__).parent / "ingest" / "dictionaries" / "de_CH.dic"
SOFT_HYPHEN = "\u00ad"
LINKS = ("", "s", "es", "n", "en", "er", "e", "ns")                 # Fugenelemente
ENDINGS = ("", "e", "en", "n", "s", "es", "er", "ern", "se", "sen", "ns", "nen")
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{8,}")
MIN_PART = 4


@functools.cache
def _words() -> tuple[frozenset[str], frozenset[str]]:
    """The dictionary's words in lower case, and those of them that are nouns of three letters."""
    words: set[str] = set()
    short_nouns: set[str] = set()
    with DICTIONARY.open(encoding="iso-8859-1") as handle:   # its .aff says SET ISO8859-1
        next(handle, None)  # the word count
        for line in handle:
            word = line.split("/", 1)[0].strip()
            if not word.isalpha():
                continue
            lowered = word.lower()
            if len(word) >= MIN_PART:
                words.add(lowered)
            elif len(word) == 3 and word[0].isupper():
                short_nouns.add(lowered)
    return frozenset(words), frozenset(short_nouns)


# Dictionary words that end words without being their head: "Bürger|innen" is one word.
NOT_HEADS = frozenset({"innen", "chen", "lein", "ling", "lich", "isch", "heit", "keit", "schaft", "ungen", "nisse",
                       "haft", "bar", "los", "weise", "mals", "wärts", "halb", "seits"})


def _known(stem: str) -> bool:
    """A dictionary word; or a noun in -ung whose verb the dictionary has ("Verteidigung":
    "verteidigen"; the dictionary makes those nouns by affix rules, not as words)."""
    words, short_nouns = _words()
    if "ß" in stem:  # the dictionary is Swiss: "Aussen" for "Außen"
        stem = stem.replace("ß", "ss")
    if stem in words or stem in short_nouns:
        return True
    if not (stem.endswith("ung") and len(stem) > 6):
        return False
    verb = stem[:-3]   # "verteidig-ung": verteidigen; "wander-ung": wandern; "siedl-ung": siedeln
    return verb + "en" in words or verb + "n" in words or (verb[-1:] in "lr" and verb[:-1] + "e" + verb[-1] + "n" in words)


def _part(piece: str, last: bool) -> bool:
    """Is `piece` a dictionary word with a linking element (inside a compound) or an ending (last)?"""
    if last and piece in NOT_HEADS:
        return False
    for tail in ENDINGS if last else LINKS:
        stem = piece[: len(piece) - len(tail)] if tail else piece
        if (not tail or piece.endswith(tail)) and len(stem) >= 3 and _known(stem):
            return True
    return False


@functools.lru_cache(maxsize=200_000)
def boundaries(word: str) -> tuple[int, ...]:
    """Offsets where `word` divides into its compound's parts; () for a simple word."""
    lowered = word.lower()
    n = len(lowered)
    # best[i]: the fewest parts that make lowered[:i] (and the shortest of them, longest wins)
    best: list[tuple[int, int, tuple[int, ...]] | None] = [None] * (n + 1)
    best[0] = (0, 0, ())
    for end in range(3, n + 1):
        for start in range(0, end - 2):
            previous = best[start]
            if previous is None:
                continue
            piece = lowered[start:end]
            if not _part(piece, last=end == n):
                continue
            shortest = min(previous[1] or len(piece), len(piece))
            candidate = (previous[0] + 1, -shortest, (*previous[2], end))
            current = best[end]
            if current is None or candidate[:2] < current[:2]:
                best[end] = candidate
    found = best[n]
    if found is None or found[0] < 2:
        return ()
    return tuple(found[2][:-1])


def mark(text: str) -> str:
    """`text` with a soft hyphen at every compound boundary of its long words."""
    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        cuts = boundaries(word)
        if not cuts:
            return word
        pieces = [word[a:b] for a, b in zip((0, *cuts), (*cuts, len(word)), strict=True)]
        return SOFT_HYPHEN.join(pieces)
    return WORD.sub(one, text)


def splitter(language: str) -> Callable[[str], str] | None:
    """The compound marker for an edition's language: German only."""
    return mark if language.lower().startswith("de") else None
