"""The second prose source: German text from a book we did not write.

"Debian-Paketmanagement" by Axel Beckert and Frank Hofmann (Debian package
`debian-paketmanagement-buch`, CC BY-SA 4.0): its sentences, section titles, list items, code
listings and web addresses, each tagged with the number of the book's `sect1` part it comes from
(even parts feed the tuning books, odd parts the held-out ones). The result is committed as
`fixtures/corpus/paketmanagement.json` (CC BY-SA 4.0, attribution inside), so making the corpus
needs no Debian package. To make it again:

    apt-get download debian-paketmanagement-buch && dpkg -x debian-paketmanagement-buch_*.deb x
    python tests/testcorpus/bank.py x/usr/share/doc/debian-paketmanagement-buch/debian-paketmanagement.allinone.html
"""
from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "paketmanagement.json"
# Letters, digits and the punctuation every typesetter here sets from its default fonts.
PLAIN = re.compile(r"[\wÄÖÜäöüß .,;:!?()„“‚‘»«–\-/'%&+=@]+")


def _text(fragment: str) -> str:
    fragment = re.sub(r"<[^>]+>", "", fragment)
    return " ".join(html.unescape(fragment).replace("\u2009", " ").replace("\u202f", " ").split())


def _sentences(paragraph: str) -> list[str]:
    # A full stop ends a sentence before a capital, not after an abbreviation ("z.B.", "bspw.").
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„])", paragraph)
    return [p for p in parts if 6 <= len(p.split()) <= 40 and PLAIN.fullmatch(p) and p[-1] in ".!?"
            and not re.search(r"\b(?:bspw|bzw|z\.B|u\.a|d\.h|ggf|vgl|usw|ca|Nr|S)\.$", p)]


def extract(source: Path) -> dict:
    document = source.read_text(encoding="utf-8")
    parts = document.split('<div class="sect1">')[1:]
    bank: dict = {"source": "Axel Beckert, Frank Hofmann: Debian-Paketmanagement (Debian package "
                            "debian-paketmanagement-buch 0~2023.03.11)",
                  "license": "CC BY-SA 4.0, https://creativecommons.org/licenses/by-sa/4.0/",
                  "sentences": [], "headings": [], "items": [], "code": [], "urls": []}
    seen: set[str] = set()
    for part, piece in enumerate(parts):
        for paragraph in re.findall(r"<p>(.*?)</p>", piece, flags=re.S):
            if "<a href=\"#" in paragraph:       # cross references to the book's own sections
                continue
            for sentence in _sentences(_text(paragraph)):
                if sentence not in seen:
                    seen.add(sentence)
                    bank["sentences"].append([part, sentence])
        for heading in re.findall(r"<h[234][^>]*>(.*?)</h[234]>", piece, flags=re.S):
            title = re.sub(r"^[\d.]+\s*", "", _text(heading))
            if 2 <= len(title.split()) <= 14 and PLAIN.fullmatch(title):
                bank["headings"].append([part, title])
        for item in re.findall(r"<li>\s*<p>(.*?)</p>", piece, flags=re.S):
            text = _text(item)
            if "<a href=\"#" not in item and 3 <= len(text.split()) <= 30 and PLAIN.fullmatch(text):
                bank["items"].append([part, text])
        for listing in re.findall(r"<pre[^>]*>(.*?)</pre>", piece, flags=re.S):
            lines = [line.rstrip() for line in html.unescape(re.sub(r"<[^>]+>", "", listing)).splitlines() if line.strip()]
            if 2 <= len(lines) <= 8 and all(len(line) <= 60 and line.isascii() for line in lines):
                bank["code"].append([part, lines])
        for url in re.findall(r'href="(https?://[^"#]+)"', piece):
            if url.isascii() and 30 <= len(url) <= 110 and url not in seen:
                seen.add(url)
                bank["urls"].append([part, html.unescape(url)])
    bank["sentences"] = bank["sentences"][::2]     # half is plenty, and keeps the file small
    return bank


if __name__ == "__main__":
    result = extract(Path(sys.argv[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(OUT, {k: len(v) for k, v in result.items() if isinstance(v, list)})
