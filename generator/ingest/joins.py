"""How two printed lines join in the reading text: with a space, with nothing, or over a hyphen
that is kept or taken out. Decided by the line's own evidence, never by the look of a word alone.

A line that ends in a hyphen (a "-", PDFium's mark for one, WeasyPrint's U+2010) breaks a word
the typesetter hyphenated, or ends in a hyphen the text has ("EU-|Mitgliedstaaten"). The
evidence, in the order it is weighed:

    the book's own break sign   a book that sets its breaks with a sign of their own (WeasyPrint's
                                U+2010) prints a "-" at a line end only where the text has one
    an address or a name        inside a URL, a path or an option ("--fix-broken") a hyphen is
                                the name's own: kept, and no space
    a suspended compound        "Unterstützungs-|und" keeps its hyphen and the space
    the book's words            the joined or the hyphenated form, whichever the book prints
                                more often elsewhere
    the next word               a capital or a digit after the hyphen ("Desktop-|Umgebung"),
                                an acronym or a digit before it ("XML-|konformen")
    the dictionary              both halves words and their compound not ("nicht-|essentiellen"),
                                asked only where the first half is a word the book prints
    else                        a break: the hyphen goes

A line without a hyphen joins the next with a space, except where the print broke it at a
zero-width space (Typst: a break inside a word, no space of the text), after a "/" ("Berlin/|Boston",
"/var/|lib"), inside an address broken before or after its punctuation ("https:|//doi.org",
"…/zenodo.|7039392"), or after a dash between two numbers ("S. 371–|374").

`join` gives what goes between the two lines and, for the report, the rule and its evidence:
every repair is listed (the self-check, proof.py, finds any difference no rule explains).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from generator.ingest.gaps import CONJUNCTIONS
from generator.ingest.lexicon import Lexicon
from generator.ingest.pdf import ZERO_WIDTH_SPACE  # the reader's sign of a line the print broke at one

HYPHENS = ("-", "\u00ad", "\u2010")
URL = re.compile(r"://|^www\.|^(?:doi|urn|mailto):")
PATH = re.compile(r"^[~.]?/\w|\w/\w.*/")              # "/var/lib", "etc/apt/x/": a path
OPTION = re.compile(r"^-{1,2}\w")                    # "-ihv", "--fix-broken"
REFERENCE = re.compile(r"(?<=\D)\d{1,3}$")          # a note's reference set as digits after a word
ADDRESS_MARKS = "/._?=&#~%-"
OPEN_MARKS = "=&#~%_"   # an address's marks after which it must go on
SCHEMES = ("http:", "https:", "ftp:", "mailto:", "doi:", "urn:")
PUNCTUATION = ".,;:!?«»„“”\"'()[]"
OPENING = "([{„“«»‚‘\"'"


def key(text: str) -> str:
    """A word as the book's word list holds it: case-folded, without punctuation at its ends."""
    return text.strip(PUNCTUATION).lower()


@dataclass
class Words:
    """What the book prints, for the decisions: every word not at a line's end or start (where
    breaks are), case-folded, hyphenated ones with their hyphen; the sign the book sets its
    breaks with, where it has one of its own."""
    words: Counter[str] = field(default_factory=Counter)
    break_sign: str = ""          # "\u2010" where the book's breaks have a sign of their own

    @cached_property
    def options(self) -> int:
        """How many of the book's words begin with a hyphen and a letter: options ("-ihv", "--purge"),
        suffixes ("-common")."""
        return sum(1 for word, count in self.words.items() if count and re.match(r"-{1,2}[^\W\d_]", word))

    @cached_property
    def parts(self) -> tuple[set[str], set[str]]:
        """The parts of the book's hyphenated words: those a hyphen follows ("apt" of "apt-get",
        "dpkg-deb") and those it precedes ("summary" of "show-summary"), of two letters or more."""
        before: set[str] = set()
        after: set[str] = set()
        for word, count in self.words.items():
            if count and "-" in word.strip("-"):
                pieces = word.strip("-").split("-")
                before.update(p for p in pieces[:-1] if len(p) >= 2)
                after.update(p for p in pieces[1:] if len(p) >= 2)
        return before, after


@dataclass(frozen=True)
class Join:
    between: str                  # what goes between the two lines' text: " ", "", "-", "- "
    drop: bool                    # the printed hyphen at the line's end is taken out (then `between` replaces it)
    rule: str = ""                # a repair's rule ("" for a plain space)
    evidence: str = ""
    doubt: str = ""               # the other reading, where the evidence is thin (the editor is told)


SPACE = Join(" ", False)


def join(tail: str, head: str, flagged: bool, words: Words, code: bool = False, before: str = "") -> Join:
    """How a line ending in the word `tail` joins the next line beginning with `head`. `flagged`:
    PDFium found a hyphen at the line's end (and took it out of the text: `tail` has none then);
    `code`: the line ends in a monospaced font (an identifier); `before`: the word before a
    hyphen that stands alone at the line's end ("be" of "be -")."""
    sign = tail[-1:] if tail.endswith(HYPHENS) else ""
    if tail.endswith(ZERO_WIDTH_SPACE) and not (flagged or sign):
        # the print broke the line at a zero-width space (Typst, inside a long word or an address):
        # the word goes on, without a space
        return Join("", False, "joined at a zero-width space",
                    f"'{tail[:-1][-12:]}|{head[:12]}': the line breaks at a zero-width space (U+200B), which "
                    "separates no words")
    if not (flagged or sign):
        return _plain(tail, head, words)
    stem = tail[:-1] if sign else tail
    word = head.rstrip(PUNCTUATION)
    if sign == "-" and not stem and head[:1].isalnum() and (code or len(word) == 1 or "-" in word
                                                             or words.words[key("-" + word)] or words.words[key("--" + word)]):
        # a hyphen after a space breaks no word: an option's dash ("von -|force-help", "Schalter -|w"),
        # told from a dash between words (set as '–' in print) by the option's own form
        return Join("-", True, "option joined", f"'-|{head[:12]}': an option's dash ({'code' if code else 'its form'})")
    whole = before.lstrip(OPENING) + word
    if sign == "-" and not stem and before.isalpha() and word.isalpha() and word.islower() \
            and (words.words[whole.lower()] or _word(whole)):
        # a word broken at the line's end, its hyphen set a space apart ("be -|rücksichtigt", Writer;
        # the geometry did not tell, pdf.py): the word joined is one the book or the dictionary has
        return Join("", True, "line-end hyphen removed", f"'{before} -|{head[:12]}': a break hyphen set apart, "
                    f"'{whole}' is a word ({'the book prints it' if words.words[whole.lower()] else 'de_CH dictionary'})")
    if sign == "-" and not stem and head[:1].islower() and word.isalnum() and not words.words["-"] and words.options:
        # an option or a suffix the book prints once ("dpkg -|ihv", "Die Suffixe -|common"): a book
        # that prints options and never a hyphen between words (its dashes are '–') begins one here
        return Join("-", True, "option joined", f"'-|{head[:12]}': the book prints {words.options} words that begin "
                    "with '-' and never a '-' between words")
    if not stem.strip(PUNCTUATION) or not head:
        return SPACE
    shown_sign = sign or "-"
    hyphened, joined = key(f"{stem}-{head}"), key(f"{stem}{head}")
    seen = words.words
    if words.break_sign and sign:
        if sign == words.break_sign:
            return Join("", True, "line-end hyphen removed", f"the book sets its breaks with {_name(sign)}")
        if sign == "-":
            return Join("-", True, "true hyphen kept",
                        f"the book sets its breaks with {_name(words.break_sign)}: a '-' at a line end is printed")
    if word.lower() in CONJUNCTIONS and not seen[joined] and not _word(stem.strip(PUNCTUATION) + word):
        # "Groß-|und" keeps its hyphen and the space; "so-|wie", "Den-|noch" are words ("sowie", "dennoch")
        return Join("- ", True, "suspended compound kept", f"'{stem}- {word}': a hyphen before '{word}'")
    both = f"'{stem}-{word}' {seen[hyphened]}×, '{stem}{word}' {seen[joined]}×"
    capital = head[0].isupper() or head[0].isdigit()
    if seen[hyphened] > seen[joined] or (capital and seen[hyphened] and _known(stem, seen)):
        return Join("-", True, "true hyphen kept", f"the book prints {both}")
    if seen[joined] and not (capital and _known(stem, seen)):
        return Join("", True, "line-end hyphen removed", f"the book prints {both}")
    parts = inside_word(stem, head)
    name = code or URL.search(stem) or OPTION.search(stem)
    if name or PATH.search(stem):
        if parts and printed_inside(parts[0] + parts[1], seen, [stem]) and not printed_inside("-".join(parts), seen):
            # the typesetter broke the name: the book prints its letters whole, never with this
            # hyphen ("…/f/fre-|exian-archive" after "deb.freexian.com", "--rein-|stall" beside "reinstall")
            return Join("", True, "line-end hyphen removed", f"'{stem}{shown_sign}|{head[:12]}': the book prints "
                        f"'{parts[0] + parts[1]}' and never '{'-'.join(parts)}'")
        if name:
            return Join("-", True, "hyphen in an address or a name kept", f"'{stem}{shown_sign}' is part of "
                        f"{'code' if code else 'an address' if URL.search(stem) else 'an option'}: its hyphen is its own")
        if parts and len(parts[0]) >= 3 and (seen[parts[0].lower()] or _word(parts[0])) and _word(parts[1]) \
                and not _word(parts[0] + parts[1]):
            # a path's hyphen between two words ("…/lokale-aptitude-|einstellungen"); a word the
            # typesetter broke ("/etc/apt/trus-|ted.gpg.d") goes on to the rules below
            return Join("-", True, "hyphen in an address or a name kept", f"'{stem}{shown_sign}|{head[:12]}': a "
                        f"path, '{parts[0]}' and '{parts[1]}' are words, '{parts[0] + parts[1]}' is none")
    letters = stem.strip(PUNCTUATION)
    if capital:
        if _known(stem, seen) or head[0].isdigit() or Lexicon.in_dictionary(letters):
            return Join("-", True, "true hyphen kept", f"a {'capital' if head[0].isupper() else 'digit'} after it")
        return Join("-", True, "true hyphen kept", f"a capital after it ('{letters}' is no word the book prints "
                    "alone, nor the dictionary's: it may be one word set in two parts)", doubt=f"{stem}{head}")
    if not letters[-1:].isalpha() or (len(letters) >= 2 and letters.isupper()) or len(letters) == 1:
        return Join("-", True, "true hyphen kept", f"'{stem}' before it is {_kind(letters)}")
    if len(letters) >= 3 and word.isalpha() and word.islower() and not Lexicon.in_dictionary(letters + word) \
            and Lexicon.in_dictionary(word):
        # a compound the dictionary sets with its hyphen: the first half a word of the dictionary
        # ("historisch-|kritischen", "Debian-|spezifischen", whether or not the book prints it alone),
        # or a name the book prints alone ("ncurses-|basierte")
        if Lexicon.in_dictionary(letters) or (seen[letters.lower()] >= 2 and not seen[joined]):
            return Join("-", True, "true hyphen kept", f"'{letters}' and '{word}' are words, '{letters}{word}' is not "
                        "(de_CH dictionary)")
    firsts, lasts = words.parts
    if parts and (parts[0] in firsts or parts[1].lower() in lasts) and min(len(parts[0]), len(parts[1])) >= 2 \
            and parts[0].islower() and not seen[joined] and not _word(parts[0] + parts[1]) \
            and not printed_inside(parts[0] + parts[1], seen, [stem]):
        # a name's part the book joins with a hyphen elsewhere ("apt-|cache" beside "apt-get",
        # "no-|summary" beside "show-summary", "/etc/dpkg-|www.conf" beside "dpkg-query"), and no
        # word of the book or the dictionary joined, nor letters it prints ("…/.aptitu-|de/config" beside
        # "aspell-de": "aptitude"); a first half in lower case, as names are: a
        # capital begins a noun, whose compounds German writes as one word ("Debian-|paket",
        # "Linux-|system" beside "Debian-Paket", "-system")
        part = f"'{parts[0]}-'" if parts[0] in firsts else f"'-{parts[1].lower()}'"
        return Join("-", True, "true hyphen kept", f"'{parts[0]}-{parts[1]}': the book prints {part} in other "
                    f"hyphenated words, and '{parts[0]}{parts[1]}' is no word it prints, nor the dictionary's")
    piece = word.split("-")[0]
    if re.match(r"[^\W\d_]+\d", word) and not seen[joined]:
        # an identifier with a digit ("libspice-|server1."): hyphenation breaks words of letters only
        return Join("-", True, "true hyphen kept", f"'{stem}-{word}': a name with a digit, which hyphenation does not "
                    "break: its hyphen is its own")
    if "-" in word and piece.isalpha() and letters.isalpha() and not _word(letters + piece) \
            and not seen[key(letters + piece)]:
        # a compound with hyphens of its own ("Drag-|and-Drop."): '{letters}{piece}' is no word to break
        return Join("-", True, "true hyphen kept", f"'{stem}-{word}': a compound with hyphens of its own, and "
                    f"'{letters}{piece}' is no word")
    bare = REFERENCE.sub("", head).rstrip(PUNCTUATION)
    if parts and not PATH.search(stem) and not (letters.isalpha() and bare.isalpha()) \
            and not _word(parts[0] + parts[1]) and not printed_inside(parts[0] + parts[1], seen):
        # a name or code ("?user-|tag(Muster)"): no dictionary decides its hyphens, and the book
        # never prints its letters joined (the self-check's evidence, proof.py); a path's are
        # decided above
        return Join("-", True, "hyphen in an address or a name kept", f"'{stem}-|{head[:12]}': a name or code, and "
                    f"neither the book nor the dictionary has '{parts[0] + parts[1]}'")
    return Join("", True, "line-end hyphen removed",
                "PDF hyphen mark" if flagged and not sign else "a break: no evidence of a hyphen of the text")


def inside_word(stem: str, head: str) -> tuple[str, str] | None:
    """The letters on both sides of a line-end join ("?user", "tag(Muster)." → "user", "tag";
    "…/f/fre", "exian-archive" → "fre", "exian"), or None where a side has none."""
    before = re.search(r"[^\W\d_]+$", stem)
    after = re.match(r"[^\W\d_]+", head)
    return (before.group(), after.group()) if before and after else None


def printed_inside(letters: str, seen: Counter[str], near: list[str] | None = None) -> bool:
    """Does the book print these letters inside any of its words, or inside the words `near` the
    line end (an address's part, a name in code: "deb.freexian.com/…/f/fre-|exian" prints
    "freexian" before its break)? Asked only of doubtful joins in names and addresses."""
    letters = letters.lower()
    return len(letters) >= 4 and any(letters in word.lower() for word in [*(near or []), *seen])


def _word(text: str) -> bool:
    """A word of the dictionary, as printed or capitalised."""
    return Lexicon.in_dictionary(text) or Lexicon.in_dictionary(text[:1].upper() + text[1:])


def _known(stem: str, seen: Counter[str]) -> bool:
    """A first half the book prints as a word of its own, an acronym, or one with a hyphen of its own."""
    letters = stem.strip(PUNCTUATION)
    return bool(seen[letters.lower()]) or "-" in letters or (len(letters) >= 2 and letters.isupper()) \
        or not letters[-1:].isalpha()


def _plain(tail: str, head: str, words: Words) -> Join:
    """A line without a hyphen at its end."""
    if not tail or not head:
        return SPACE
    seen = words.words
    if tail.endswith("/"):
        if head[0] in OPENING:
            return SPACE     # no address goes on with a bracket or a quote ("…/keyring/|(abgerufen am …)")
        if seen[key(tail)] > seen[key(tail + head)] and (PATH.search(tail) or URL.search(tail)) and "/" not in head:
            return SPACE     # a path the book prints whole, and a word after it
        word = head.rstrip(PUNCTUATION)
        # the dictionary as printed, not the book's case-folded words: "paketarchiv" after "/opt/" is
        # no word of the text (a noun would be "Paketarchiv"), but the path's last part
        if (PATH.search(tail) or URL.search(tail) or re.fullmatch(r"[~.]{0,2}/", tail)) and word.isalpha() \
                and word[:1].islower() and Lexicon.in_dictionary(word):
            return SPACE     # a path that ends in its '/', and a word of the text after it ("…/archives/ abgelegt.",
            #                  the folder itself: "./ hinzu.")
        return Join("", False, "joined after '/'", "a line broken after a '/' (an address, 'und/oder') goes on "
                    "without a space")
    address = bool(URL.search(tail) or PATH.search(tail)) or tail.lower().startswith(SCHEMES)
    if tail.endswith(":") and head.startswith("//"):
        return Join("", False, "address joined", f"'{tail}|{head[:12]}': an address broken after its scheme")
    # after a mark no sentence ends with ("?country=|CH&from"), whatever follows; after one that
    # may end it (".", "-"), only what cannot begin a sentence
    if address and (head[0] in ADDRESS_MARKS or tail[-1] in OPEN_MARKS
                    or (tail[-1] in ADDRESS_MARKS and not head[0].isupper())):
        return Join("", False, "address joined", f"'{tail[-12:]}|{head[:12]}': an address broken at its punctuation")
    if tail.endswith(("–", "—")) and tail[:-1][-1:].isalnum() and head[0].isalnum():
        return Join("", False, "joined after a dash", f"'{tail}|{head}': a range or a compound with a dash")
    return SPACE


def _name(sign: str) -> str:
    return {"\u2010": "U+2010 (‐)", "\u00ad": "a soft hyphen", "-": "'-'"}.get(sign, repr(sign))


def _kind(letters: str) -> str:
    if not letters[-1:].isalpha():
        return "not a word"
    return "an acronym" if len(letters) >= 2 else "a single letter"


def book_words(lines: list[str]) -> Words:
    """The book's printed words and its break sign, from the text of all its lines."""
    return words_of([counted(lines)])


@dataclass
class Counted:
    """Some of the book's lines counted (`counted`): the parts of the book's words (`words_of`),
    a page's counted where its page is (a worker process of the passes)."""
    words: Counter[str]
    ends: Counter[str]      # break signs at the lines' ends
    inside: Counter[str]    # break signs inside their words


def counted(lines: list[str]) -> Counted:
    words: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for text in lines:
        tokens = text.split()
        if tokens and tokens[-1][-1:] in HYPHENS:
            ends[tokens[-1][-1]] += 1
        for token in tokens[1:-1] if len(tokens) > 2 else []:
            word = key(token)
            for sign in HYPHENS:
                inside[sign] += word.count(sign)
            if len(word) > 2 or word.isupper() or word == "-":   # a hyphen between words: a dash set as one
                words[word] += 1
    return Counted(words, ends, inside)


def words_of(parts: list[Counted]) -> Words:
    """The book's words from its lines' parts counted, in the lines' order: the words in the order
    they first occur, as `book_words` of all the lines counts them."""
    words: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for part in parts:
        words.update(part.words)
        ends.update(part.ends)
        inside.update(part.inside)
    sign = ""
    if ends["\u2010"] >= 5 and inside["\u2010"] <= 0.05 * ends["\u2010"]:
        sign = "\u2010"
    return Words(words, sign)
