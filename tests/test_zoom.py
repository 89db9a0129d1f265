"""The page picture's zoom (templates/static/zoom.js) in real headless Chromium, on a small page
made here with a picture drawn by Pillow: keyboard, pointer and touch zoom it to at least twice
its shown width and pan it; Escape resets; the printed lines' boxes sit over their pixels at
every zoom, light on request and report a click; without JavaScript the picture and its link
are untouched. At 390 px (a phone) and 1400 px."""
from __future__ import annotations

import json

import pytest
from conftest import NODE_MODULES, ROOT, require_tool, serve_static
from PIL import Image, ImageDraw

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1600, 2262
# Five printed lines, as zones.zones_data gives them: fractions of the picture
LINES = [{"id": f"z229-{n}", "line": n, "x": 0.1, "y": round(0.2 + 0.06 * n, 5), "w": 0.75, "h": 0.025} for n in range(1, 6)]
RED = (220, 0, 0)
WORDS = {"zoomIn": "Vergrössern", "zoomOut": "Verkleinern", "reset": "Zurücksetzen",
         "label": "Seitenbild: mit + und − zoomen, mit den Pfeiltasten verschieben, Esc setzt zurück"}


def _draw(width: int) -> Image.Image:
    height = round(HEIGHT * width / WIDTH)
    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    for line in LINES:  # each line's "type" fills its box exactly: a box over the wrong pixels shows
        draw.rectangle((line["x"] * width, line["y"] * height, (line["x"] + line["w"]) * width - 1,
                        (line["y"] + line["h"]) * height - 1), fill=RED)
    draw.rectangle((0, 0, width * 0.05, height * 0.05), fill=(0, 0, 200))  # a mark in the top left corner
    return picture


PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>S. 229</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="zoom.css">
<style>body {{ margin: 0; padding: 16px; font-family: sans-serif; }} figure {{ margin: 0; max-width: 560px; }} img {{ max-width: 100%; height: auto; }}</style>
</head><body><main>
<figure data-zoom data-zones='{zones}' data-zoom-words='{words}'>
<a href="p-1600.webp"><img src="p-800.webp" srcset="p-800.webp 800w, p-1600.webp 1600w"
 sizes="(min-width: 600px) 560px, 100vw" width="{width}" height="{height}" alt="Druckseite 229"></a>
<figcaption>S. 229</figcaption></figure>
<p id="after" style="height: 1500px">Text beside the picture.</p>
</main><script src="zoom.js"></script></body></html>"""


@pytest.fixture(scope="module")
def zoom_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("zoom") / "site"
    site.mkdir()
    for name in ("zoom.js", "zoom.css"):
        (site / name).write_bytes((ROOT / "templates" / "static" / name).read_bytes())
    for width in (800, 1600):
        _draw(width).save(site / f"p-{width}.webp", "WEBP", lossless=True)
    (site / "index.html").write_text(PAGE.format(zones=json.dumps({"boxes": LINES}), words=json.dumps(WORDS, ensure_ascii=False),
                                                 width=WIDTH, height=HEIGHT), encoding="utf-8")
    with serve_static(site) as url:
        yield url


@pytest.fixture
def opened(browser, zoom_site):
    """open(width, **context options) → a tab on the page, its picture loaded; no errors allowed."""
    contexts, errors = [], []

    def open_page(width: int, **options):
        context = browser.new_context(viewport={"width": width, "height": 900}, **options)
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("console", lambda message: errors.append(message.text) if message.type in ("error", "warning") else None)
        tab.goto(zoom_site + "index.html")
        tab.wait_for_function("document.querySelector('figure img').complete")
        return tab
    yield open_page
    for context in contexts:
        context.close()
    assert errors == []


def rect(tab, selector: str = "figure img") -> dict:
    return tab.locator(selector).first.bounding_box()


def viewer(tab, call: str):
    return tab.evaluate(f"(() => {{ const v = EditionZoom.of(document.querySelector('figure')); return {call}; }})()")


def close(a: dict, b: dict, tolerance: float = 0.75) -> bool:
    return all(abs(a[key] - b[key]) <= tolerance for key in ("x", "y", "width", "height"))


@pytest.mark.parametrize("width", [390, 1400])
def test_keyboard_zooms_past_twice_the_shown_width_pans_and_escape_resets(opened, width):
    tab = opened(width)
    start = rect(tab)
    assert start["width"] == pytest.approx(min(560, width - 32), abs=1)
    viewport = tab.locator(".zoom-viewport")
    assert viewport.get_attribute("role") == "group" and viewport.get_attribute("aria-label") == WORDS["label"]
    for name in (WORDS["zoomIn"], WORDS["zoomOut"], WORDS["reset"]):  # the page's words are the buttons' names
        assert tab.get_by_role("button", name=name, exact=True).count() == 1
    # the controls sit above the picture, covering none of it (over it, they hid a page's folio)
    bar = rect(tab, ".zoom-controls")
    assert bar["y"] + bar["height"] <= start["y"] and bar["x"] + bar["width"] <= start["x"] + start["width"] + 1
    tab.keyboard.press("Tab")  # the controls come first, in the order they are seen, then the picture as one stop
    assert tab.evaluate("document.activeElement.textContent") == "+" + WORDS["zoomIn"]
    tab.keyboard.press("Tab")  # (− and 1:1 are greyed at 100 %: no stops)
    assert tab.evaluate("document.activeElement.className") == "zoom-viewport"  # not its link as well
    tab.keyboard.press("+")
    tab.keyboard.press("+")
    zoomed = rect(tab)
    assert zoomed["width"] >= 2 * start["width"]
    assert tab.locator(".zoom-status").inner_text() == "225 %"
    # the browser now shows the largest picture (the zoom asks `sizes` for it)
    tab.wait_for_function("document.querySelector('figure img').currentSrc.endsWith('p-1600.webp')")
    tab.keyboard.press("ArrowRight")
    tab.keyboard.press("ArrowDown")
    moved = rect(tab)
    visible = rect(tab, ".zoom-viewport")
    assert moved["x"] == pytest.approx(zoomed["x"] - 0.15 * visible["width"], abs=1)
    assert moved["y"] == pytest.approx(zoomed["y"] - 0.15 * visible["height"], abs=1)
    for _ in range(12):  # no further than the largest picture allows (at least 2×)
        tab.keyboard.press("+")
    largest = max(2, 1600 / start["width"])
    assert rect(tab)["width"] == pytest.approx(largest * start["width"], abs=1.5)
    # the picture never leaves the frame: its edges stay outside the viewport's
    for _ in range(30):
        tab.keyboard.press("ArrowLeft")
    assert rect(tab)["x"] == pytest.approx(visible["x"], abs=0.75)
    tab.keyboard.press("Escape")
    assert close(rect(tab), start)
    assert tab.evaluate("document.activeElement.className") == "zoom-viewport"
    tab.keyboard.press("+")
    tab.keyboard.press("-")
    assert close(rect(tab), start)
    tab.keyboard.press("+")
    tab.keyboard.press("0")
    assert close(rect(tab), start)


def test_pointer_zooms_where_it_points_and_drags_and_the_link_is_not_followed(opened):
    tab = opened(1400)
    start = rect(tab)
    address = tab.url
    # a click the picture's link would follow (not prevented) is counted
    tab.evaluate("""window.followed = 0; document.addEventListener('click', (e) => {
        if (e.target.closest('a') && !e.defaultPrevented) followed += 1; })""")
    # Ctrl + wheel (what a trackpad's pinch sends) zooms about the pointer
    px, py = start["x"] + 0.3 * start["width"], start["y"] + 0.4 * start["height"]
    tab.mouse.move(px, py)
    tab.keyboard.down("Control")
    tab.mouse.wheel(0, -250)
    tab.keyboard.up("Control")
    zoomed = rect(tab)
    assert zoomed["width"] >= 2 * start["width"]
    assert (px - zoomed["x"]) / zoomed["width"] == pytest.approx(0.3, abs=0.003)   # the point under the pointer stays
    assert (py - zoomed["y"]) / zoomed["height"] == pytest.approx(0.4, abs=0.003)
    # a plain wheel scrolls the page, as everywhere
    tab.mouse.wheel(0, 200)
    tab.wait_for_function("window.scrollY > 0")
    assert rect(tab)["width"] == pytest.approx(zoomed["width"])
    tab.evaluate("window.scrollTo(0, 0)")
    zoomed = rect(tab)
    # drag to pan
    tab.mouse.move(px, py)
    tab.mouse.down()
    tab.mouse.move(px - 60, py - 40, steps=5)
    tab.mouse.move(px - 120, py - 90, steps=5)
    tab.mouse.up()
    dragged = rect(tab)
    assert dragged["x"] == pytest.approx(zoomed["x"] - 120, abs=1) and dragged["y"] == pytest.approx(zoomed["y"] - 90, abs=1)
    assert tab.url == address  # neither the drag nor a click followed the picture's link
    tab.mouse.click(px, py)
    assert tab.url == address
    # double-click: back to the whole page, and again: 2.5× where it was clicked
    tab.mouse.dblclick(px, py)
    assert close(rect(tab), start)
    tab.mouse.dblclick(px, py)
    assert rect(tab)["width"] == pytest.approx(2.5 * start["width"], abs=1)
    # the buttons; the reset button greys out and gives the focus to the picture, not to the page
    tab.get_by_role("button", name=WORDS["reset"]).click()
    assert close(rect(tab), start)
    assert tab.evaluate("document.activeElement.className") == "zoom-viewport"
    tab.get_by_role("button", name=WORDS["zoomIn"]).click()
    assert rect(tab)["width"] == pytest.approx(1.5 * start["width"], abs=1)
    tab.get_by_role("button", name=WORDS["zoomOut"]).click()
    assert close(rect(tab), start)
    tab.locator("figure a").dispatch_event("click")  # a click on the link itself (a screen reader's activation)
    assert tab.url == address and tab.evaluate("followed") == 0


def _box_over_its_pixels(tab, line: dict) -> None:
    picture, box = rect(tab), rect(tab, f'.zoom-box[data-id="{line["id"]}"]')
    expected = {"x": picture["x"] + line["x"] * picture["width"], "y": picture["y"] + line["y"] * picture["height"],
                "width": line["w"] * picture["width"], "height": line["h"] * picture["height"]}
    assert close(box, expected, tolerance=1.0), (box, expected)
    # and what is under it on the screen is the line's red "type" (lit: tinted, still red), where it is in view
    frame = rect(tab, ".zoom-viewport")
    left, right = max(box["x"], frame["x"]), min(box["x"] + box["width"], frame["x"] + frame["width"])
    assert right - left > 10
    shot = tab.screenshot(clip={"x": (left + right) / 2 - 2, "y": box["y"] + box["height"] / 2 - 1, "width": 4, "height": 2})
    from io import BytesIO

    with Image.open(BytesIO(shot)) as pixels:
        r, g, b = pixels.convert("RGB").getpixel((1, 0))
    assert r > 180 and g < 120 and b < 100, (r, g, b)


@pytest.mark.parametrize("width", [390, 1400])
def test_boxes_sit_over_their_lines_at_every_zoom_light_on_request_and_report_a_click(opened, width):
    tab = opened(width)
    tab.evaluate("window.chosen = []; document.querySelector('figure').addEventListener('zoom:box', (e) => chosen.push(e.detail))")
    assert tab.locator(".zoom-box").count() == len(LINES)
    assert viewer(tab, 'v.highlight(["z229-3", "z229-4"])') == 2
    assert tab.locator(".zoom-box.is-lit").count() == 2
    for line in LINES:
        _box_over_its_pixels(tab, line)
    # at 2.5×, lit and revealed: still over its pixels, and in view
    viewer(tab, "v.zoomTo(2.5)")
    viewer(tab, 'v.highlight(["z229-5"])')
    assert [e.get_attribute("data-id") for e in tab.locator(".zoom-box.is-lit").all()] == ["z229-5"]
    _box_over_its_pixels(tab, LINES[4])
    frame, lit = rect(tab, ".zoom-viewport"), rect(tab, ".zoom-box.is-lit")
    assert frame["y"] <= lit["y"] and lit["y"] + lit["height"] <= frame["y"] + frame["height"]
    assert frame["x"] <= lit["x"] <= frame["x"] + 0.5 * frame["width"]  # where the line begins
    # a click on a line reports it; a click beside the lines, or a drag that ends on one, does not
    tab.mouse.click(lit["x"] + 20, lit["y"] + lit["height"] / 2)
    assert tab.evaluate("chosen") == [{"id": "z229-5", "line": 5}]
    tab.mouse.click(lit["x"] + 20, lit["y"] - 0.02 * rect(tab)["height"])
    assert tab.evaluate("chosen") == [{"id": "z229-5", "line": 5}]
    viewer(tab, "v.reset()")  # at 1:1 a drag moves nothing: one from beside a line onto it is still no click
    lit = rect(tab, ".zoom-box.is-lit")
    tab.mouse.move(lit["x"] + 20, lit["y"] + lit["height"] / 2 + 30)
    tab.mouse.down()
    tab.mouse.move(lit["x"] + 20, lit["y"] + lit["height"] / 2, steps=4)
    tab.mouse.up()
    assert tab.evaluate("chosen") == [{"id": "z229-5", "line": 5}]
    # boxes given in the picture's own pixels with its natural size are the same boxes
    viewer(tab, "v.reset()")
    in_pixels = [{**line, "x": line["x"] * WIDTH, "y": line["y"] * HEIGHT, "w": line["w"] * WIDTH, "h": line["h"] * HEIGHT}
                 for line in LINES]
    assert viewer(tab, f"v.setBoxes({json.dumps({'units': 'px', 'width': WIDTH, 'height': HEIGHT, 'boxes': in_pixels})})") == 5
    _box_over_its_pixels(tab, LINES[1])
    assert viewer(tab, "v.highlight([])") == 0 and tab.locator(".zoom-box.is-lit").count() == 0


def test_touch_pinch_zooms_and_a_finger_pans_once_zoomed(opened):
    tab = opened(390, has_touch=True, is_mobile=True)
    start = rect(tab)
    cdp = tab.context.new_cdp_session(tab)
    cx, cy = start["x"] + start["width"] / 2, start["y"] + start["height"] / 3

    def touch(kind: str, points: list[tuple[float, float]]):
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [
            {"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]})

    touch("touchStart", [(cx - 30, cy), (cx + 30, cy)])
    for step in range(1, 9):
        spread = 30 + step * 12
        touch("touchMove", [(cx - spread, cy), (cx + spread, cy)])
    touch("touchEnd", [])
    pinched = rect(tab)
    assert pinched["width"] >= 2 * start["width"]
    assert (cx - pinched["x"]) / pinched["width"] == pytest.approx(0.5, abs=0.01)  # about the fingers' midpoint
    touch("touchStart", [(cx, cy)])
    for step in range(1, 6):
        touch("touchMove", [(cx - 16 * step, cy - 10 * step)])
    touch("touchEnd", [])
    panned = rect(tab)
    assert panned["x"] == pytest.approx(pinched["x"] - 80, abs=1.5) and panned["y"] == pytest.approx(pinched["y"] - 50, abs=1.5)
    assert tab.evaluate("window.scrollY") == 0  # the finger moved the picture, not the page


def test_without_javascript_the_picture_and_its_link_stay_as_they_are(opened):
    tab = opened(1400, java_script_enabled=False)
    assert tab.locator(".zoom-viewport").count() == 0
    link = tab.locator("figure a")
    assert link.get_attribute("href") == "p-1600.webp" and link.get_attribute("tabindex") is None
    image = tab.locator("figure a > img")
    assert image.get_attribute("srcset") == "p-800.webp 800w, p-1600.webp 1600w"
    assert rect(tab)["width"] == pytest.approx(560, abs=1)


def test_a_viewport_lower_than_the_picture_pans_to_the_pictures_foot(opened):
    """The page beside the text may get a screen-high column, lower than the picture: the viewer
    pans to the picture's edges, not to the viewport's."""
    tab = opened(1400)
    tab.add_style_tag(content=".zoom-viewport { max-height: 300px; }")
    tab.locator(".zoom-viewport").focus()
    tab.keyboard.press("+")
    for _ in range(60):
        tab.keyboard.press("ArrowDown")
    # measured in one go: presses past the edge scroll the page (as arrows do without the viewer), smoothly
    where = """(() => { const p = document.querySelector('figure img').getBoundingClientRect(),
                       f = document.querySelector('.zoom-viewport').getBoundingClientRect();
                       return [f.height, p.top - f.top, p.bottom - f.bottom]; })()"""
    height, top, bottom = tab.evaluate(where)
    assert height == pytest.approx(300, abs=1)
    assert bottom == pytest.approx(0, abs=1) and top < -400
    for _ in range(60):
        tab.keyboard.press("ArrowUp")
    height, top, bottom = tab.evaluate(where)
    assert top == pytest.approx(0, abs=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_viewer_zoomed_and_lit_has_no_serious_accessibility_violations(opened, scheme):
    tab = opened(390, color_scheme=scheme)
    viewer(tab, 'v.zoomTo(2) && v.highlight(["z229-2"])')
    tab.add_script_tag(path=str(require_tool(NODE_MODULES / "axe-core" / "axe.min.js", "axe-core (npm)")))
    found = tab.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
        .filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)""")
    assert found == []
