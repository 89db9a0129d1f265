"""Which pages and files the site has, their relative URLs, and the navigation between them.

All links are relative (the way up to the site root, then the site path), so the site works under any sub-path and from
disk. Each page knows only its neighbours and its breadcrumb: no page repeats the whole book's
navigation, so the cost of a page does not grow with the size of the edition.
"""
from __future__ import annotations

import hashlib
import json
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
from markupsafe import Markup, escape

from generator import DISTRIBUTION, __version__, compounds, facsimile, printed
from generator.config import Config
from generator.diagnostics import Diagnostic, EditionError
from generator.labels import date, labels
from generator.model import Chapter, Edition, Section, anchor_path
from generator.render import citations, html, iiif, reading, tei, zones

if TYPE_CHECKING:
    from generator.load import Snapshot, Text

_PACKAGE = Path(__file__).resolve().parent.parent
# templates/ beside the package in a checkout; inside it in an installed wheel (pyproject.toml).
TEMPLATES = next((p for p in (_PACKAGE.parent / "templates", _PACKAGE / "templates") if p.is_dir()),
                 _PACKAGE.parent / "templates")
STATIC_FILES = ("edition.css", "edition.js", "zoom.css", "zoom.js")
TEMPLATE_NAMES = ("index.html", "chapter.html", "section.html", "printed_page.html")  # the pages' templates
# The index lists every section up to this many chapters; beyond, the chapters only (a book of
# 5,000 chapters made a 4.3 MB index page with its 32,000 sections).
INDEX_SECTIONS_UP_TO = 100


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
    base_key: tuple = ()  # the page's own inputs; `key` adds its neighbours
    base_digest: str = ""  # of path, template and base_key, computed once
    key: str = ""  # a digest of base_key and the neighbours (stored between builds: state.py)


class Link(NamedTuple):  # a tuple: compared in C when keys are compared
    title: str
    path: str


def section_path(chapter: Chapter, section: Section) -> str:
    return f"{chapter.slug}/{section.id}.html"



def chapter_files(chapter: Chapter) -> set[str]:
    """The files a chapter has in the site besides its pages: citation files and images."""
    slug = chapter.slug
    return {f"{slug}/{slug}.bib", f"{slug}/{slug}.ris", f"{slug}/{slug}.json", f"{slug}/{slug}.tei.xml",
            *chapter.images}  # export_paths' (once a chapter at each build: spelt out)


def export_paths(chapter: Chapter) -> dict[str, str]:
    return {kind: f"{chapter.slug}/{chapter.slug}.{ext}"
            for kind, ext in (("bib", "bib"), ("ris", "ris"), ("csl", "json"), ("tei", "tei.xml"))}


# The book's own records for reference managers, and the whole edition in TEI (the corpus):
# linked from the home page and the print pages, as a chapter's are from its pages.
BOOK_EXPORTS = {"bib": "edition.bib", "ris": "edition.ris", "csl": "edition.json", "tei": tei.CORPUS}


def book_exports(config: Config) -> dict[str, str]:
    """The files BOOK_EXPORTS names (the corpus aside: the build makes it from the chapters)."""
    work, note = citations.book_item(config), citations.edition_note(config, labels(config.language))
    return {BOOK_EXPORTS["bib"]: citations.bibtex(work, "edition", note),
            BOOK_EXPORTS["ris"]: citations.ris(work, note),
            BOOK_EXPORTS["csl"]: citations.csl_json(work, "edition", note)}


def plan(home_title: str, chapters: list[Chapter], links: dict | None = None, memo: dict | None = None) -> list[Page]:
    """All pages in reading order, from the chapters' outlines.

    `links`: each chapter's resolved internal links (links.py), part of its pages' keys.
    `memo`: a dict kept between builds; a chapter whose source and links did not change keeps
    its pages (only the links across chapter boundaries are set again), so re-planning a big
    book after one edit is cheap."""
    links, memo = links or {}, memo if memo is not None else {}
    sections = index_lists_sections(chapters)
    planned = []
    for chapter in chapters:
        signature = (chapter.digest, links.get(chapter.path, ()), sections)
        if chapter.path not in memo or memo[chapter.path][0] != signature:
            # what the index shows of the chapter, as a digest: the index's key is one of each
            # chapter's (a repr of every chapter's headings and marks cost 10 ms an edit at 1,000)
            memo[chapter.path] = (signature, _chapter_pages(chapter, signature[1]), _digest(_toc_key(chapter, sections)))
        planned.append(memo[chapter.path])
    previous = memo.pop(_ORDER, None)  # each chapter's pages in the last plan, in order
    if len(memo) != len(chapters):
        for gone in set(memo) - {chapter.path for chapter in chapters}:
            del memo[gone]
    home = Page("index.html", "index.html", home_title, base_key=tuple(toc for _, _, toc in planned))
    pages = [home]
    for _, chapter_pages, _ in planned:
        pages += chapter_pages
    # Only the first and last page of each chapter link across a boundary; the rest are set.
    # Of those, only the ones beside a chapter planned anew can have new neighbours (and the
    # first and last pages of the book, beside the index, which is planned anew each time).
    order = [chapter_pages for _, chapter_pages, _ in planned]
    same = previous is not None and len(previous) == len(order)
    boundaries = {0, 1, len(pages) - 1}
    start = 1
    for number, chapter_pages in enumerate(order):
        if not same or any(previous[near] is not order[near] for near in range(max(0, number - 1),
                                                                             min(len(order), number + 2))):
            boundaries.update((start, start + len(chapter_pages) - 1))
        start += len(chapter_pages)
    for index in sorted(boundaries):
        _link(pages, index)
    memo[_ORDER] = order
    return pages


_ORDER = "order"  # plan()'s memo: where it keeps the last plan's order (its other keys are paths)


def _chapter_pages(chapter: Chapter, targets: tuple[str, ...]) -> list[Page]:
    landing = f"{chapter.slug}/index.html"
    pages = [Page(landing, "chapter.html", chapter.title, chapter, nav={"links": targets}, base_key=(chapter.digest,))]
    # Breadcrumb: the chapter, then the enclosing numbered sections ("6" above "6.1"),
    # kept as a stack of open levels so each page costs the same however long the chapter.
    open_sections: list[tuple[int, Link]] = []
    for section in chapter.sections:
        while open_sections and open_sections[-1][0] >= section.level:
            open_sections.pop()
        path = section_path(chapter, section)
        parents = (Link(chapter.title, landing), *(link for _, link in open_sections))
        pages.append(Page(path, "section.html", section.title_text, chapter, section.id,
                          {"parents": parents, "links": targets}, base_key=(chapter.digest, section.id)))
        open_sections.append((section.level, Link(section.title_text, path)))
    for index in range(1, len(pages) - 1):
        _link(pages, index)
    return pages


def _link(pages: list[Page], index: int) -> None:
    """Set a page's previous/next links and its key (its own inputs, then its neighbours)."""
    page = pages[index]
    prev = Link(pages[index - 1].title, pages[index - 1].path) if index else None
    after = Link(pages[index + 1].title, pages[index + 1].path) if index + 1 < len(pages) else None
    if page.key and page.nav.get("prev") == prev and page.nav.get("next") == after:
        return  # a chapter boundary whose neighbours did not change (most of them, after an edit)
    page.nav["prev"], page.nav["next"] = prev, after
    if not page.base_digest:
        page.base_digest = _digest((page.path, page.template, *page.base_key))
    page.key = _digest((page.base_digest, page.nav["prev"], page.nav["next"]))


def _digest(value: tuple) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def printed_pages(config: Config, record: printed.Printed | None, pictures: facsimile.Facsimile,
                  chapters: list[Chapter]) -> list[Page]:
    """A page of its own for each print page (pages/229.html): its picture when the edition has
    a facsimile, its text as printed, and the way into the reading text where it begins."""
    sheets = [(page.name, page.label) for page in record.pages] if record else [(p.name, p.label) for p in pictures.pages]
    if not sheets:
        return []
    words = labels(config.language)
    targets: dict[str, Link] = {}
    for chapter in chapters:
        for mark in chapter.page_breaks:
            if mark.known:
                targets.setdefault(mark.label, Link(chapter.title, anchor_path(chapter, mark.anchor)))
    pages = []
    for name, label in sheets:
        title = words["printed_page"].format(label=html.sequence_apart(label))
        nav = {"sheet": name, "target": targets.get(label)}
        pages.append(Page(f"{facsimile.FOLDER}/{name}.html", "printed_page.html", title, nav=nav,
                          base_key=(record and record.digest, pictures.digest, name, nav["target"])))
    for index in range(len(pages)):
        _link(pages, index)
    return pages


def add_printed_pages(pages: list[Page], sheets: list[Page], manifest: bool) -> None:
    """Append the print pages' views; the home page links to the first of them (and to the IIIF
    manifest), which is part of its key."""
    if not sheets:
        return
    home = pages[0]
    home.nav["sheets"] = (Link(sheets[0].title, sheets[0].path), iiif.MANIFEST if manifest else "")
    home.key = _digest((home.key, home.nav["sheets"]))
    pages += sheets


def index_lists_sections(chapters: list[Chapter]) -> bool:
    """Whether the index lists each chapter's sections or, for a large book, the chapters only."""
    return len(chapters) <= INDEX_SECTIONS_UP_TO


def _toc_key(chapter: Chapter, sections: bool) -> tuple:
    """What the index shows of a chapter: it is re-rendered only when this changes."""
    if not sections:  # a large book's index: title and print pages
        return (chapter.slug, chapter.heading, chapter.page_breaks[:1], chapter.page_breaks[-1:])
    return (chapter.slug, chapter.heading,
            tuple((s.id, s.level, s.title, s.first_page, s.last_page) for s in chapter.sections))


def _print_pages(chapter: Chapter) -> list[str]:
    """The print pages a chapter stands on: from the one it begins on to its last mark."""
    marks = [mark.label for mark in chapter.page_breaks if mark.known]
    if len(marks) >= 2 and all(m.isdigit() for m in (marks[0], marks[-1])):
        return [str(n) for n in range(int(marks[0]), int(marks[-1]) + 1)]
    return marks


class Picture(NamedTuple):
    """A print page's picture beside the text: the anchor of its page mark ("" where the mark
    stands in the section before), the picture, and its printed lines' boxes as JSON for the
    viewer (templates/static/zoom.js; "" where the print has no places for them)."""
    anchor: str
    image: facsimile.PageImage
    zones: str


def page_zones(record: printed.Printed | None, image: facsimile.PageImage) -> str:
    """The boxes of a print page's lines on its picture, as the viewer reads them (data-zones)."""
    page = record.by_name.get(image.name) if record else None
    if page is None or not any(line.box for line in page.lines):
        return ""
    return json.dumps(zones.zones_data(zones.page_surface(page, image, "")), separators=(",", ":"))


def section_pictures(section: Section, pictures: facsimile.Facsimile,
                     record: printed.Printed | None = None) -> list[Picture]:
    """Each print page the section shows, the page it begins on first."""
    if not pictures.pages:
        return []
    marks = [section.first_page] if section.first_page else []
    for block in section.blocks:
        marks += block.pages
    found: list[Picture] = []
    seen: set[str] = set()
    for mark in marks:
        image = pictures.by_label(mark.label) if mark and mark.known else None
        if image is not None and image.name not in seen:
            seen.add(image.name)
            found.append(Picture("" if mark is section.first_page and not found else mark.anchor, image,
                                 page_zones(record, image)))
    return found


def chapter_files_text(snapshot: Snapshot, text: Text) -> dict[str, str]:
    """The chapter's files for reference managers (BibTeX, RIS, CSL-JSON) and its text as TEI P5
    (with its printed line breaks and, for `<pb facs>`, each print page's picture)."""
    config, chapter = snapshot.config, text.chapter
    work, exports = citations.item(config, chapter), export_paths(chapter)
    note = citations.edition_note(config, labels(config.language))  # the digital edition the item comes from
    form = reading.printed_form(snapshot.record, text.alignment)
    pages = {piece.page for place in form.alignment.placed.values() for piece in place.pieces} if form else set()
    surfaces = zones.surfaces(snapshot.record, snapshot.pictures, pages, up="../")
    return {exports["bib"]: citations.bibtex(work, chapter.slug, note),
            exports["ris"]: citations.ris(work, note),
            exports["csl"]: citations.csl_json(work, chapter.slug, note),
            exports["tei"]: tei.chapter_tei(config, chapter, form.alignment if form else None, snapshot.pictures.largest,
                                            surfaces, snapshot.record)}


def environment(templates: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,  # a misspelt variable is a build error, not an empty string
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        auto_reload=False,  # the builder makes a new environment when a template changes
        cache_size=-1,
    )
    env.filters["page_range"] = citations.page_range
    dates: dict[tuple[str, str], str] = {}  # every page shows the edition's date: written once

    def edition_date(iso: str, language: str) -> str:
        if (iso, language) not in dates:
            dates[iso, language] = date(iso, language)
        return dates[iso, language]

    env.filters["edition_date"] = edition_date
    env.filters["page_label"] = html.page_label
    env.filters["page_name"] = html.page_name
    env.filters["inline"] = lambda content, words: Markup(html.inline(content, html.text_only(words)))  # titles
    return env


def render_files(env: Environment, snapshot: Snapshot, items: Iterable[tuple[Page, Text | None]],
                 members: dict[str, str] | None = None) -> Iterator[tuple[str, str | bytes | Path]]:
    """(site path, content) of each page and, after a chapter's first page, of its other files:
    citation files, TEI, and images (a source file to copy). `items`: each page with its
    chapter's text (None for the index and the print pages); `members`: gets each rendered
    chapter's TEI as a member of the corpus. The one render loop of the parent process and of
    the worker processes: it reads nothing but what it is handed."""
    exported: set[Path] = set()
    shared = Shared(env, snapshot.config, snapshot.search)
    for page, text in items:
        yield page.path, render_page(env, page, snapshot, text, shared)
        if text is not None and text.chapter.path not in exported:
            chapter = text.chapter
            exported.add(chapter.path)
            for path, content in chapter_files_text(snapshot, text).items():
                if members is not None and path.endswith(".tei.xml"):
                    members[chapter.slug] = tei.member(chapter.slug, content)
                yield path, content
            for path, source in chapter.images.items():
                yield path, Path(source)


def site_files(config: Config, pages: list[Page], pictures: facsimile.Facsimile | None = None) -> dict[str, str]:
    """The files a static host looks for: `.nojekyll` (GitHub Pages publishes the files as they
    are), `404.html` (self-contained: it is served at any depth), and, when the edition's address
    is known, `sitemap.xml` and `robots.txt` naming it. A file of the same name in
    content/static/ takes the place of each."""
    words = labels(config.language)
    home = f'<p><a href="{escape(config.url)}index.html">{escape(config.title)}</a></p>' if config.url else ""
    files = {".nojekyll": "",
             "404.html": f'<!doctype html>\n<html lang="{escape(config.language)}">\n<head>\n<meta charset="utf-8">\n'
                         f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                         f'<title>{escape(words["not_found"])} · {escape(config.title)}</title>\n'
                         '<style>body{font:1.1rem/1.5 Georgia,serif;max-width:36rem;margin:4rem auto;padding:0 1rem}'
                         '@media (prefers-color-scheme:dark){body{background:#1b1b1b;color:#eee}a{color:#9cf}}</style>\n'
                         f'</head>\n<body>\n<h1>{escape(words["not_found"])}</h1>\n'
                         f'<p>{escape(words["not_found_text"])}</p>\n{home}\n</body>\n</html>\n',
             **book_exports(config)}
    if config.url:
        urls = "".join(f"  <url><loc>{escape(config.url + page.path)}</loc></url>\n" for page in pages)
        files["sitemap.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')
        files["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {config.url}sitemap.xml\n"
        if pictures and pictures.pages:
            chapters = {page.chapter.slug: page.chapter for page in pages if page.chapter}.values()
            files[iiif.MANIFEST] = iiif.manifest(config, pictures, words, [
                (chapter.title, _print_pages(chapter)) for chapter in chapters])
    return files


class Shared:
    """What the pages of one render loop share, made once for all of them (it was made again
    for every page): the edition's words and citation note, and of each chapter its record and
    reference, the citation tags of its pages' heads and the navigation of its sections (the
    templates' `citation_meta` and `chapter_nav`, rendered once a chapter: every page of a
    chapter shows them alike, but for the section it is), and the lines every page at one
    depth shows alike (`chrome`). Lives as long as the loop: nothing is kept between builds."""

    def __init__(self, env: Environment, config: Config, search: tuple[str, ...] | None):
        self.env, self.config, self.search = env, config, search
        self.words = labels(config.language)
        self.note = citations.edition_note(config, self.words)
        self.chapter: tuple[Chapter, str, ChapterParts] | None = None
        self.chromes: dict[tuple[str, bool], Chrome] = {}

    def chrome(self, root: str, zoom: bool) -> Chrome:
        """The lines every page at depth `root` shows alike (templates/_chrome.html), rendered
        once for each depth and whether the page shows a picture."""
        if (root, zoom) not in self.chromes:
            macros: Any = self.env.get_template("_chrome.html").make_module(
                {"root": root, "t": self.words, "config": self.config, "search": self.search,
                 "generator": f"{DISTRIBUTION} {__version__}"})
            self.chromes[root, zoom] = Chrome(*(Markup(str(made).removesuffix("\n")) for made in (
                macros.head_top(), macros.styles(zoom), macros.header(), macros.footer(), macros.scripts(zoom))))
        return self.chromes[root, zoom]

    def of(self, chapter: Chapter, root: str) -> ChapterParts:
        """The chapter's shared parts, for its pages at `root` (kept for one chapter at a time:
        the loop renders a chapter's pages one after the other)."""
        if self.chapter is None or self.chapter[0] is not chapter or self.chapter[1] != root:
            work = citations.item(self.config, chapter)
            view = html.text_only(self.words)
            titles = {section.id: Markup(html.inline(section.title, view)) for section in chapter.sections}
            macros: Any = self.env.get_template("_macros.html").make_module(
                {"root": root, "t": self.words, "titles": titles, "section_path": section_path})
            self.chapter = (chapter, root, ChapterParts(
                work, citations.chapter_reference(work, self.words),
                Markup(macros.citation_meta(work, export_paths(chapter))),
                str(macros.chapter_nav(chapter, None)) if chapter.sections else "",
                {section.id: str(escape(root + section_path(chapter, section))) for section in chapter.sections}))
        return self.chapter[2]


class Chrome(NamedTuple):
    """_chrome.html's macros, rendered (each without its last line break: base.html has it)."""
    head_top: Markup
    styles: Markup
    header: Markup
    footer: Markup
    scripts: Markup


class ChapterParts(NamedTuple):
    item: citations.Item
    reference: str
    meta: Markup    # citation_meta(item, exports)
    nav: str        # chapter_nav(chapter, none): no section the current one
    hrefs: dict[str, str]  # each section's link in `nav`

    def nav_at(self, current: str | None) -> Markup:
        """chapter_nav(chapter, current): the current section's link marked in the nav."""
        if current is None:
            return Markup(self.nav)
        link = self.hrefs[current]
        return Markup(self.nav.replace(f'href="{link}">', f'href="{link}" aria-current="page">', 1))


def render_page(env: Environment, page: Page, snapshot: Snapshot, text: Text | None,
                shared: Shared | None = None) -> str:
    """One page as HTML, from the snapshot `load()` made: `snapshot.chapters` are outlines (for
    the index); `text` is the page's chapter with its text and its place in the print. A
    template error becomes a diagnostic pointing at the template line."""
    try:
        return _render(env, page, snapshot, text, shared or Shared(env, snapshot.config, snapshot.search))
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


def _render(env: Environment, page: Page, snapshot: Snapshot, text: Text | None, shared: Shared) -> str:
    config, record, pictures, search = snapshot.config, snapshot.record, snapshot.pictures, snapshot.search
    template = env.get_template(page.template)
    root = "../" * page.path.count("/")  # every link is root + site path: relative, works anywhere
    words, note = shared.words, shared.note
    context = {name: link for name, link in page.nav.items() if name != "links"}
    if page.template == "index.html":
        chapters = list(snapshot.chapters)
        context.update(edition=Edition(config, chapters), with_sections=index_lists_sections(chapters))
        context.setdefault("sheets", None)
        work = citations.book_item(config)
        context.update(item=work, exports=BOOK_EXPORTS,
                       citation=citations.citation(citations.chapter_reference(work, words), words,
                                                   edition=note))
    elif page.template == "printed_page.html":
        name = page.nav["sheet"]
        image = pictures.of(name)
        sheet = record.by_name.get(name) if record else None
        context.update(sheet=sheet, image=image, manifest=iiif.MANIFEST if config.url and pictures.pages else "",
                       zones=page_zones(record, image) if image else "",
                       line_zones={line.number: zones.zone_id(name, line.number) for line in sheet.lines
                                   if line.box is not None} if sheet and image else {})
        context["line_html"] = [Markup(x) for x in html.printed_lines(
            [(line.text, line.role, line.unsure) for line in sheet.lines], words["unsure_mark"])] if sheet else []
        label = sheet.label if sheet and sheet.label != "?" else ""
        work = citations.book_item(config, label)
        context.update(item=work, exports=BOOK_EXPORTS,
                       citation=citations.citation(citations.chapter_reference(work, words), words,
                                                   edition=note))
    elif text is None:
        raise ValueError(f"{page.path}: a chapter page needs its chapter's text")
    elif page.template == "chapter.html":
        full = text.chapter
        made = shared.of(full, root)
        work, reference = made.item, made.reference
        form = reading.printed_form(record, text.alignment, snapshot.zones) if full.intro else None
        body, popovers = (reading.section_markup(config, full, full.intro, page.path, page.nav.get("links", ()), form,
                                                 export_paths(full), search=search is not None,
                                                 cited=(reference, note))
                          if full.intro else (Markup(), Markup()))
        context.update(views=form is not None,
                       pictures=section_pictures(full.intro, pictures, record) if full.intro else [],
                       with_facsimile=bool(pictures.pages))
        context.update(chapter=full, exports=export_paths(full), item=work, text=body, popovers=popovers,
                       citation=citations.citation(reference, words, edition=note), meta=made.meta,
                       nav=made.nav_at(None),
                       json_ld=citations.json_ld(work, config.date))
    else:
        full = text.chapter
        section = next(s for s in full.sections if s.id == page.section_id)
        made = shared.of(full, root)
        work, reference = made.item, made.reference
        form = reading.printed_form(record, text.alignment, snapshot.zones)
        body, popovers = reading.section_markup(config, full, section, page.path, page.nav.get("links", ()), form,
                                                export_paths(full), search=search is not None,
                                                cited=(reference, note))
        context.update(views=form is not None, pictures=section_pictures(section, pictures, record),
                       with_facsimile=bool(pictures.pages))  # the page's columns: those of every page of the edition
        heading = Markup(html.inline(section.title, html.View(root, page.nav.get("links", ()), words=words,
                                                              split=compounds.splitter(config.language)
                                                              if search is not None else None)))
        context.update(chapter=full, section=section, text=body, popovers=popovers, heading=heading,
                       item=work, exports=export_paths(full), meta=made.meta, nav=made.nav_at(section.id),
                       citation=citations.citation(reference, words, section, edition=note))
    # the page picture's viewer (zoom, the printed lines): on pages that show a picture
    zoom = context.setdefault("zoom", bool(context.get("pictures") or context.get("image")))
    return template.render(
        page=page, config=config, source=config.source, root=root,
        canonical=config.url + page.path if config.url else "",
        section_path=section_path, anchor_path=anchor_path, search=search, t=words,
        chrome=shared.chrome(root, zoom), **context,
    )
