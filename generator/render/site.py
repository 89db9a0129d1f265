"""Which pages and files the site has, their relative URLs, and the navigation between them.

All links are relative (computed page to page), so the site works under any sub-path and from
disk. Each page knows only its neighbours and its breadcrumb: no page repeats the whole book's
navigation, so the cost of a page does not grow with the size of the edition.
"""
from __future__ import annotations

import posixpath
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

from generator.config import Config
from generator.diagnostics import Diagnostic, EditionError
from generator.model import Chapter, Edition, Section
from generator.render import citations

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
STATIC_FILES = ("edition.css", "edition.js")


@dataclass
class Page:
    """One HTML page to render. `key` holds everything its output depends on besides the
    templates and the config: equal keys, equal output, so an incremental build skips it."""
    path: str                    # posix path inside the site, e.g. "kleinstaaten/s6-1.html"
    template: str
    title: str
    chapter: Chapter | None = None   # the chapter's outline (no text); None for the index
    section_id: str | None = None
    nav: dict = field(default_factory=dict)  # prev, next, parents: Links
    key: tuple = ()


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


def export_paths(chapter: Chapter) -> dict[str, str]:
    return {kind: f"{chapter.slug}/{chapter.slug}.{ext}" for kind, ext in (("bib", "bib"), ("ris", "ris"), ("csl", "json"))}


def plan(home_title: str, chapters: list[Chapter]) -> list[Page]:
    """All pages in reading order, from the chapters' outlines; cheap, so every build re-plans."""
    pages = [Page("index.html", "index.html", home_title, key=tuple(_toc_key(c) for c in chapters))]
    for chapter in chapters:
        landing = f"{chapter.slug}/index.html"
        pages.append(Page(landing, "chapter.html", chapter.title, chapter, key=(chapter.digest,)))
        # Breadcrumb: the chapter, then the enclosing numbered sections ("6" above "6.1"),
        # kept as a stack of open levels so each page costs the same however long the chapter.
        open_sections: list[tuple[int, Link]] = []
        for section in chapter.sections:
            while open_sections and open_sections[-1][0] >= section.level:
                open_sections.pop()
            path = section_path(chapter, section)
            parents = (Link(chapter.title, landing), *(link for _, link in open_sections))
            pages.append(Page(path, "section.html", section.title_text, chapter, section.id,
                              {"parents": parents}, key=(chapter.digest, section.id)))
            open_sections.append((section.level, Link(section.title_text, path)))
    for index, page in enumerate(pages):
        page.nav["prev"] = Link(pages[index - 1].title, pages[index - 1].path) if index else None
        page.nav["next"] = Link(pages[index + 1].title, pages[index + 1].path) if index + 1 < len(pages) else None
        page.key = (page.path, page.template, *page.key, *page.nav.values())
    return pages


def _toc_key(chapter: Chapter) -> tuple:
    """What the index shows of a chapter: it is re-rendered only when this changes."""
    return (chapter.slug, chapter.title_html,
            tuple((s.id, s.level, s.title_html, s.first_page, s.last_page) for s in chapter.sections))


def chapter_files_text(config: Config, chapter: Chapter) -> dict[str, str]:
    """The chapter's files for reference managers: BibTeX, RIS, CSL-JSON."""
    url = config.url + f"{chapter.slug}/index.html" if config.url else ""
    exports = export_paths(chapter)
    return {exports["bib"]: citations.bibtex(config, chapter, url),
            exports["ris"]: citations.ris(config, chapter, url),
            exports["csl"]: citations.csl_json(config, chapter, url)}


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


def render_page(env: Environment, page: Page, config: Config, chapters: list[Chapter],
                full: Chapter | None, search: bool) -> str:
    """One page as HTML. `chapters` are outlines (for the index); `full` is the page's chapter with
    its text. A template error becomes a diagnostic pointing at the template line."""
    try:
        return _render(env, page, config, chapters, full, search)
    except TemplateError as exc:
        raise EditionError([_template_diagnostic(exc)]) from exc


def _template_diagnostic(exc: TemplateError) -> Diagnostic:
    """A syntax error knows its line; an undefined variable's line is in the traceback."""
    path, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if path is None:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".html", ".xml")):  # Jinja maps template frames to their files
                path, line = frame.filename, frame.lineno
                break
    return Diagnostic(str(path or TEMPLATES), line, "error", f"template: {exc.message or exc}")


def _render(env: Environment, page: Page, config: Config, chapters: list[Chapter],
            full: Chapter | None, search: bool) -> str:
    template = env.get_template(page.template)

    def url(target: str) -> str:
        return relative(page.path, target)

    context = dict(page.nav)
    if page.template == "index.html":
        context["edition"] = Edition(config, chapters)
    elif page.template == "chapter.html":
        url_abs = config.url + page.path if config.url else ""
        context.update(chapter=full, exports=export_paths(full), citation=citations.citation(config, full),
                       json_ld=citations.json_ld(config, full, url_abs), page_sections=_page_sections(full))
    else:
        section = next(s for s in full.sections if s.id == page.section_id)
        context.update(chapter=full, section=section,
                       citation=citations.citation(config, full, section),
                       block_citations={b.anchor: citations.citation(config, full, section, b) for b in section.paragraphs})
    return template.render(
        page=page, config=config, source=config.source, url=url,
        root=url("index.html").removesuffix("index.html") or "./",
        canonical=config.url + page.path if config.url else "",
        section_path=section_path, search=search, **context,
    )
