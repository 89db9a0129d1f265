"""The characters no edition may hold: those XML 1.0 forbids and those HTML calls parse errors.

Every text of an edition ends up in TEI (XML) and in HTML: a control character (`\\x01`, an
escape `\\x1b`, a form feed), DEL, a C1 control or a noncharacter (U+FFFE, U+FFFF, U+FDD0–U+FDEF,
and the last two code points of every plane) makes a TEI file not well-formed, or an HTML page
invalid, while the build would succeed. So they are refused where they are read (chapter
sources, settings files, the printed lines), with their line, never passed on or silently
dropped. Tab, line feed and carriage return are text.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

_PLANES = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
FORBIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff{_PLANES}]")
# The same characters of the Basic Multilingual Plane, and any character beyond it: a search
# for these is 20 times faster than for FORBIDDEN (whose 32 single characters beyond the plane
# the regular expression engine tests one by one at every character: 0.6 ms a chapter).
_MAYBE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U00010000-\U0010ffff]")


def describe(char: str) -> str:
    """"U+0001 (a control character)", "U+FFFE (a noncharacter)"."""
    code = ord(char)
    kind = "a control character" if code < 0xA0 else "a noncharacter"
    return f"U+{code:04X} ({kind})"


def forbidden_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number from 1, the forbidden characters on it, described) for every line that has any."""
    if not _MAYBE.search(text) or not FORBIDDEN.search(text):
        return  # (one search over the whole: the lines are looked at only where there is something)
    for number, line in enumerate(text.split("\n"), 1):
        found = dict.fromkeys(FORBIDDEN.findall(line))
        if found:
            yield number, ", ".join(describe(char) for char in found)


def problem(text: str) -> str | None:
    """What is wrong with a one-line value (a setting), or None."""
    found = dict.fromkeys(FORBIDDEN.findall(text))
    if not found:
        return None
    return f"holds {', '.join(describe(char) for char in found)}, which XML and HTML forbid"
