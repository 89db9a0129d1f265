"""Checks on a built site folder, used by the quality gates: internal links and anchors resolve,
nothing is loaded from another host, two builds are identical."""
from __future__ import annotations

import filecmp
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LOADS = {("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
         ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str, int]] = []  # tag, attribute, url, line
        self.duplicates: list[tuple[str, int]] = []
        self.popovers: list[tuple[str, int]] = []  # popovertarget values

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "id" in values:
            if not values["id"] or values["id"] in self.ids:
                self.duplicates.append((values["id"] or "", self.getpos()[0]))
            self.ids.add(values["id"] or "")
        if values.get("popovertarget") is not None:
            self.popovers.append((values["popovertarget"], self.getpos()[0]))
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        for attribute in ("href", "src", "data"):
            if values.get(attribute) is not None:
                rel = values.get("rel") or ""
                if tag == "link" and rel in ("canonical", "alternate") and attribute == "href" and "://" in values[attribute]:
                    continue  # canonical/alternate name the published address; nothing is loaded
                self.refs.append((tag, attribute, values[attribute], self.getpos()[0]))


def check_site(site: Path) -> list[str]:
    """Every problem as `path:line: message`; empty when all links hold."""
    pages: dict[str, _Page] = {}
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site).as_posix()
        if rel.startswith("pagefind/"):
            continue
        parser = _Page()
        parser.feed(file.read_text(encoding="utf-8"))
        pages[rel] = parser
    problems = []
    for rel, page in pages.items():
        problems += [f"{rel}:{line}: {'duplicate' if name else 'empty'} id '{name}'" for name, line in page.duplicates]
        problems += [f"{rel}:{line}: popovertarget '{name}' names no element" for name, line in page.popovers
                     if name not in page.ids]
        for tag, attribute, url, line in page.refs:
            parts = urlsplit(url)
            where = f"{rel}:{line}"
            if parts.scheme or url.startswith("//"):
                if (tag, attribute) in LOADS:
                    problems.append(f"{where}: <{tag} {attribute}> loads from another host: {url}")
                elif parts.scheme not in ("http", "https", "mailto"):
                    problems.append(f"{where}: link with scheme '{parts.scheme}': {url}")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path))) if parts.path else rel
            if target.startswith("../"):
                problems.append(f"{where}: link leaves the site: {url}")
                continue
            file = site / target
            if file.is_dir():
                target, file = posixpath.join(target, "index.html"), file / "index.html"
            if not file.exists():
                problems.append(f"{where}: broken link {url} (no {target})")
            elif parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in pages[target].ids:
                problems.append(f"{where}: broken anchor {url} (no id '{unquote(parts.fragment)}' in {target})")
    return problems


def tree_differences(left: Path, right: Path, skip: str = "pagefind") -> list[str]:
    """Files that differ, or exist on one side only, outside `skip`."""
    differences = []

    def walk(compare: filecmp.dircmp, prefix: str):
        differences.extend(prefix + name for name in compare.left_only + compare.right_only)
        _, mismatch, errors = filecmp.cmpfiles(compare.left, compare.right, compare.common_files, shallow=False)
        differences.extend(prefix + name for name in mismatch + errors)
        for name, sub in compare.subdirs.items():
            if not (prefix == "" and name == skip):
                walk(sub, prefix + name + "/")

    walk(filecmp.dircmp(left, right), "")
    return sorted(differences)
