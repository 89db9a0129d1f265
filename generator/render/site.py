"""Which pages and files the site has, their relative URLs, and the navigation between them.

All links are relative (computed page to page), so the site works under any sub-path and from
disk. Each page knows only its neighbours and its breadcrumb: no page repeats the whole book's
navigation, so the cost of a page does not grow with the size of the edition.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from generator.model import Chapter, Edition, Section
from generator.render import citations

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
STATIC_FILES = ("edition.css", "edition.js")


@dataclass
class Page:
    path: str                 # posix path inside the site, e.g. "kleinstaaten/s6-1.html"
    template: str
    title: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    title: str
    path: str


def relative(from_page: str, target: str) -> str:
    """URL of `target` (site path, may carry #anchor) as seen from `from_page`."""
    path, _, anchor = target.partition("#")
    start = posixpath.dirname(from_page) or "."
    url = posixpath.relpath(path, start) if path else posixpath.basename(from_page)
    return url + (f"#{anchor}" if anchor else "")


def section_path(chapter: Chapter, section: Section) -> str:
    return f"{chapter.slug}/{section.id}.html"


def plan(edition: Edition) -> tuple[list[Page], dict[str, str]]:
    """All pages in reading order, and the non-HTML files (path → text)."""
    config = edition.config
    home = Page("index.html", "index.html", config.title)
    pages = [home]
    files: dict[str, str] = {}
    for chapter in edition.chapters:
        landing = f"{chapter.slug}/index.html"
        url = config.url + landing if config.url else ""
        exports = {"bib": f"{chapter.slug}/{chapter.slug}.bib", "ris": f"{chapter.slug}/{chapter.slug}.ris",
                   "csl": f"{chapter.slug}/{chapter.slug}.json"}
        files[exports["bib"]] = citations.bibtex(config, chapter, url)
        files[exports["ris"]] = citations.ris(config, chapter, url)
        files[exports["csl"]] = citations.csl_json(config, chapter, url)
        pages.append(Page(landing, "chapter.html", chapter.title, {
            "chapter": chapter, "exports": exports,
            "citation": citations.citation(config, chapter),
            "json_ld": citations.json_ld(config, chapter, url),
            "page_sections": _page_sections(chapter),
        }))
        # Breadcrumb: the chapter, then the enclosing numbered sections ("6" above "6.1"),
        # kept as a stack of open levels so each page costs the same however long the chapter.
        open_sections: list[tuple[int, Link]] = []
        for section in chapter.sections:
            while open_sections and open_sections[-1][0] >= section.level:
                open_sections.pop()
            parents = [Link(chapter.title, landing)] + [link for _, link in open_sections]
            path = section_path(chapter, section)
            pages.append(Page(path, "section.html", section.title_text, {
                "chapter": chapter, "section": section,
                "citation": citations.citation(config, chapter, section),
                "block_citations": {b.anchor: citations.citation(config, chapter, section, b)
                                    for b in section.paragraphs},
                "parents": parents,
            }))
            open_sections.append((section.level, Link(section.title_text, path)))
    for index, page in enumerate(pages):
        page.context["prev"] = Link(pages[index - 1].title, pages[index - 1].path) if index else None
        page.context["next"] = Link(pages[index + 1].title, pages[index + 1].path) if index + 1 < len(pages) else None
    return pages, files


def _page_sections(chapter: Chapter) -> dict[str, str]:
    """Which section page holds each print-page marker."""
    found: dict[str, str] = {}
    for section in chapter.sections:
        for block in section.blocks:
            for page in (block.first_page, block.last_page):
                if page is not None:
                    found.setdefault(page.anchor, section.id)
    return found


def environment(templates: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,  # a misspelt variable is a build error, not an empty string
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["page_range"] = citations.page_range
    return env


def render_page(env: Environment, page: Page, edition: Edition, search: bool) -> str:
    config = edition.config
    template = env.get_template(page.template)

    def url(target: str) -> str:
        return relative(page.path, target)

    return template.render(
        page=page, config=config, source=config.source, edition=edition, url=url,
        root=url("index.html").removesuffix("index.html") or "./",
        canonical=config.url + page.path if config.url else "",
        section_path=section_path, search=search, **page.context,
    )
