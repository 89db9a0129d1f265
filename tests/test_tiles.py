"""Static IIIF Image API 3.0 level-0 tiles (generator/render/tiles.py): every request a viewer
computes from the info.json alone is a file with exactly the size the spec says, the info.json
keeps the spec's rules, the budget holds, and OpenSeadragon (the viewer under Mirador 4) deep-
zooms the page in Chromium without one failed request."""
from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CONTENT, NODE_MODULES, require_tool, serve_static
from PIL import Image, ImageDraw, ImageStat

from generator.render.tiles import tile_set

BASE = "https://example.org/edition/iiif/image/"


def picture(width: int, height: int, colour: bool = False) -> Image.Image:
    """A page with a gradient (so a tile from the wrong place or scale shows) and lines of "type"."""
    image = Image.new("RGB" if colour else "L", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 8):
        shade = 255 - (y * 120 // max(1, height))
        draw.rectangle((0, y, width, y + 7), fill=(shade, 255 - shade // 2, 90) if colour else shade)
    for y in range(height // 10, height - height // 10, max(12, height // 40)):
        draw.rectangle((width // 10, y, width * 9 // 10 - (y % 7) * 9, y + max(2, height // 120)), fill=(20, 20, 160) if colour else 20)
    return image


# ---- what a client requests, from the spec alone (not from the generator) ----

def spec_requests(info: dict) -> dict[str, tuple[int, int]]:
    """Every image request a level-0 client may make from this info.json → the pixel size the
    response must have. Tiles: Image API 3.0 implementation notes ("Calculate region parameters
    /xr,yr,wr,hr/ … size parameters /ws,hs/", integer arithmetic); canonical forms (4.8):
    region `full` for the whole image, size `max` for the whole image at its full size. Sizes:
    `full/{w},{h}` (5.3). And `full/max` (level 0 requires `max`), at maxWidth × maxHeight when given."""
    width, height = info["width"], info["height"]
    out: dict[str, tuple[int, int]] = {}
    for tiles in info["tiles"]:
        tw = tiles["width"]
        th = tiles.get("height", tw)
        for s in tiles["scaleFactors"]:
            for m in range((height + th * s - 1) // (th * s)):
                for n in range((width + tw * s - 1) // (tw * s)):
                    xr, yr = n * tw * s, m * th * s
                    wr = tw * s
                    if xr + wr > width:
                        wr = width - xr
                    hr = th * s
                    if yr + hr > height:
                        hr = height - yr
                    ws = tw
                    if xr + tw * s > width:
                        ws = (width - xr + s - 1) // s
                    hs = th
                    if yr + th * s > height:
                        hs = (height - yr + s - 1) // s
                    region = "full" if (xr, yr, wr, hr) == (0, 0, width, height) else f"{xr},{yr},{wr},{hr}"
                    size = "max" if (ws, hs) == (width, height) else f"{ws},{hs}"
                    out[f"{region}/{size}"] = (ws, hs)
    for entry in info.get("sizes", []):
        out[f"full/{entry['width']},{entry['height']}"] = (entry["width"], entry["height"])
    if "maxWidth" in info:
        out["full/max"] = (info["maxWidth"], info.get("maxHeight", info["maxWidth"]))
    else:
        out["full/max"] = (width, height)
    return out


def formats_of(info: dict) -> list[str]:
    return ["jpg", *info.get("extraFormats", [])]


def check_info_rules(info: dict, page: str, base: str = BASE) -> None:
    """The Image API 3.0 rules an info.json must keep (5.1–5.6, 6), as a validator would."""
    assert next(iter(info)) == "@context"  # SHOULD be the very first key
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == base + page and not info["id"].endswith("/")
    assert info["type"] == "ImageService3"
    assert info["protocol"] == "http://iiif.io/api/image"
    assert info["profile"] == "level0"
    assert all(isinstance(info[key], int) and info[key] > 0 for key in ("width", "height"))
    if "maxHeight" in info:
        assert "maxWidth" in info  # maxWidth MUST be given if maxHeight is
    max_w, max_h = info.get("maxWidth", info["width"]), info.get("maxHeight", info.get("maxWidth", info["height"]))
    limited = "maxWidth" in info
    seen = set()
    for tiles in info["tiles"]:
        key = (tiles["width"], tiles.get("height", tiles["width"]))
        assert key not in seen  # unique width × height
        seen.add(key)
        if limited:
            assert key[0] <= max_w and key[1] <= max_h  # sizes implied by tiles within the declared limits
        factors = tiles["scaleFactors"]
        assert all(isinstance(f, int) and f > 0 for f in factors)
        assert factors == [2 ** i for i in range(len(factors))]  # OpenSeadragon's levels assume 1, 2, 4, …
        top = factors[-1]
        assert math.ceil(info["width"] / top) <= key[0] and math.ceil(info["height"] / top) <= key[1]  # a top level of one tile
    for entry in info.get("sizes", []):
        assert entry["width"] <= max_w and entry["height"] <= max_h
    assert set(info.get("preferredFormats", [])) <= {"jpg", *info.get("extraFormats", [])}
    assert "jpg" not in info.get("extraFormats", [])  # level 0 has it already
    json.dumps(info)  # plain JSON


@pytest.mark.parametrize(("width", "height", "formats"), [
    (1600, 2263, ("jpg",)),          # the site's 1600 px page
    (1601, 2265, ("jpg",)),          # odd: every edge tile partial, ceil at every level
    (3200, 4526, ("jpg",)),          # deep zoom: five levels
    (2000, 900, ("jpg",)),           # landscape, lower than two tiles
    (512, 512, ("jpg",)),            # one tile: `full/max` is it
    (700, 300, ("webp", "jpg")),     # WebP preferred, JPEG kept
])
def test_every_request_the_spec_computes_is_a_file_of_its_size(width, height, formats):
    source = picture(width, height, colour=formats != ("jpg",))
    made = tile_set(source, "229", BASE, formats=formats, budget=2**40)
    info = json.loads(made.files["info.json"])
    assert info == made.info
    check_info_rules(info, "229")
    wanted = spec_requests(info)
    expected_files = {"info.json"} | {f"{request}/0/default.{kind}" for request in wanted for kind in formats_of(info)}
    assert set(made.files) == expected_files  # every request served, and no file a viewer cannot ask for
    for request, (ws, hs) in wanted.items():
        for kind in formats_of(info):
            data = made.files[f"{request}/0/default.{kind}"]
            with Image.open(io.BytesIO(data)) as tile:
                assert tile.format == {"jpg": "JPEG", "webp": "WEBP"}[kind]
                assert tile.size == (ws, hs), request
                region = request.split("/")[0]
                x, y, w, h = (0, 0, width, height) if region == "full" else map(int, region.split(","))
                # the right part of the picture: its mean shade within a few levels of the source's there
                expected = ImageStat.Stat(source.crop((x, y, x + w, y + h)).convert("L")).mean[0]
                assert abs(ImageStat.Stat(tile.convert("L")).mean[0] - expected) < 6, request


def test_a_page_of_colour_stays_colour_and_gray_stays_one_channel():
    gray = tile_set(picture(600, 800), "p1", BASE)
    colour = tile_set(picture(600, 800, colour=True), "p2", BASE)
    with Image.open(io.BytesIO(gray.files["full/max/0/default.jpg"])) as tile:
        assert tile.mode == "L"
    with Image.open(io.BytesIO(colour.files["full/max/0/default.jpg"])) as tile:
        assert tile.mode == "RGB"


def test_the_budget_halves_the_picture_until_its_tiles_fit():
    import random

    random.seed(7)
    noisy = Image.frombytes("L", (1300, 1800), random.randbytes(1300 * 1800))  # JPEG cannot compress noise
    whole = tile_set(noisy, "229", BASE, budget=2**40)
    limited = tile_set(noisy, "229", BASE, budget=whole.size // 3)
    assert limited.size <= whole.size // 3
    assert limited.reduced >= 1
    assert limited.info["width"] == math.ceil(1300 / 2 ** limited.reduced)
    check_info_rules(limited.info, "229")
    assert set(limited.files) == {"info.json"} | {f"{r}/0/default.jpg" for r in spec_requests(limited.info)}
    with pytest.raises(ValueError, match="budget"):
        tile_set(noisy, "229", BASE, budget=1000)


@pytest.mark.parametrize(("page", "base", "formats"), [
    ("../229", BASE, ("jpg",)), ("a/b", BASE, ("jpg",)), ("", BASE, ("jpg",)), ("229", BASE.rstrip("/"), ("jpg",)),
    ("229", BASE, ("webp",)), ("229", BASE, ("jpg", "png")),
])
def test_refused(page, base, formats):
    with pytest.raises(ValueError):
        tile_set(picture(300, 300), page, base, formats=formats)


def test_bytes_of_a_picture_file_are_read():
    out = io.BytesIO()
    picture(900, 1200).save(out, "WEBP", lossless=True)
    made = tile_set(out.getvalue(), "229", BASE)
    assert (made.info["width"], made.info["height"]) == (900, 1200)


# ---- a real viewer ----

OSD_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8"><title>tiles</title>
<div id="jpg" style="width:700px;height:500px"></div><div id="webp" style="width:700px;height:500px"></div>
<script src="openseadragon.min.js"></script>
<script>
window.viewers = {}; window.opened = 0; window.failed = null;
for (const [name, info] of Object.entries(%s)) {
  const viewer = OpenSeadragon({id: name, tileSources: info, showNavigationControl: false,
                                animationTime: 0, springStiffness: 100, immediateRender: true});
  viewer.addHandler("open", () => { window.opened += 1; });
  viewer.addHandler("open-failed", (event) => { window.failed = event.message; });
  window.viewers[name] = viewer;
}
</script></html>"""
SERVICES = {"jpg": ("jpg",), "webp": ("webp", "jpg")}  # JPEG only (the default), and WebP preferred


@pytest.mark.browser
def test_openseadragon_deep_zooms_the_tiles_without_a_failed_request(browser, tmp_path):
    viewer_js = require_tool(NODE_MODULES / "openseadragon" / "build" / "openseadragon" / "openseadragon.min.js", "OpenSeadragon")
    site = tmp_path / "site"
    site.mkdir()
    (site / "openseadragon.min.js").write_bytes(viewer_js.read_bytes())
    made = {}
    with serve_static(site) as url:
        for name, formats in SERVICES.items():
            made[name] = tile_set(picture(1601, 2265), name, url + "iiif/image/", formats=formats)  # odd: rounding at every edge
            for path, data in made[name].files.items():
                target = site / "iiif" / "image" / name / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        (site / "index.html").write_text(OSD_PAGE % json.dumps({name: f"{url}iiif/image/{name}/info.json" for name in SERVICES}))
        context = browser.new_context(viewport={"width": 1000, "height": 1100})
        tab = context.new_page()
        errors: list[str] = []
        requested: dict[str, int] = {}
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("response", lambda response: requested.__setitem__(response.url, response.status))
        tab.goto(url + "index.html")
        tab.wait_for_function("window.opened === 2 || window.failed", timeout=10000)
        assert tab.evaluate("window.failed") is None

        def settle():  # two frames for the viewers to draw the new view, then until their tiles are in
            tab.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
            tab.wait_for_function("Object.values(viewers).every((v) => v.world.getItemAt(0) && v.world.getItemAt(0).getFullyLoaded())",
                                  timeout=15000)

        settle()
        # deep zoom at three places: the viewers ask for the full-resolution tiles there
        for x, y in ((0.1, 0.1), (0.55, 0.8), (0.97, 1.38)):  # viewport units: 1.0 is the picture's width
            tab.evaluate(f"""() => {{ for (const viewer of Object.values(viewers)) {{ const v = viewer.viewport;
                v.panTo(new OpenSeadragon.Point({x}, {y}), true); v.zoomTo(v.getMaxZoom(), null, true); }} }}""")
            settle()
        context.close()
    assert errors == []
    for name, formats in SERVICES.items():
        prefix = f"/iiif/image/{name}/"
        tiles = {address.split(prefix, 1)[1]: status for address, status in requested.items() if prefix in address}
        assert tiles.pop("info.json") == 200
        assert tiles and all(status == 200 for status in tiles.values()), {k: v for k, v in tiles.items() if v != 200}
        assert {path.rsplit(".", 1)[1] for path in tiles} == {formats[0]}  # WebP where the service prefers it, else JPEG
        # scale factor 1 reached: full-resolution tiles, 512 pixels of the picture each
        assert any(path.split("/")[1] == "512,512" and path.split("/")[0].split(",")[2] == "512" for path in tiles)
        assert len(tiles) < len(made[name].files) - 1  # only what is in view: the rest of the page is never fetched
        assert set(tiles) <= set(made[name].files)


# ---- the build's switch: `[facsimile] tiles` --------------------------------------------------

IIIF_READER = Path(__file__).with_name("iiif.mjs")


@pytest.fixture(scope="module")
def tiled_book(url_book, tmp_path_factory):
    """The URL book with `[facsimile] tiles = true`, its address the loopback server's that
    serves it (IIIF ids are absolute), built with the pictures of the URL book's cache (a copy:
    nothing drawn again): (content, site, address, first build's result, its builder's cache)."""
    from generator import state as saved
    from generator.build import Builder

    source_content, source_site = url_book
    folder = tmp_path_factory.mktemp("tiled-book")
    content, site = folder / "content", folder / "site"
    shutil.copytree(source_content, content)
    cache = folder / "cache"
    shutil.copytree(source_site.parent / f".{source_site.name}.facsimile", cache)
    with serve_static(site) as url:
        config = content / "edition.toml"
        config.write_text(f'url = "{url}"\n' + config.read_text(encoding="utf-8") + "\n[facsimile]\ntiles = true\n",
                          encoding="utf-8")
        builder = Builder(content, site, search=False, pictures=cache)
        builder.drawn = dict(saved.read(saved.state_path(source_site)).pictures)  # the copy holds these pictures
        result = builder.build()
        assert result.drawn == 0, result
        yield content, site, url, result, builder


def _manifest_canvases(site: Path) -> list[dict]:
    node = shutil.which("node")
    assert node, "node ships with this machine image"
    require_tool(NODE_MODULES / "@iiif" / "parser" / "package.json", "@iiif/parser (npm)")
    found = subprocess.run([node, str(IIIF_READER), str(site / "iiif" / "manifest.json")], capture_output=True,
                           text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    parsed = json.loads(found.stdout)
    assert parsed["warnings"] == []
    return parsed["canvases"]


def test_without_the_switch_no_tiles_and_no_service(edited_book):
    _, site, _ = edited_book  # an address, a facsimile, no `[facsimile] tiles`
    assert not (site / "iiif" / "tiles").exists()
    canvases = _manifest_canvases(site)
    assert canvases and all(canvas["services"] == [] for canvas in canvases)


def test_each_canvas_names_its_tiles_and_they_are_what_the_spec_asks(tiled_book):
    _, site, url, result, _ = tiled_book
    canvases = _manifest_canvases(site)
    pages = sorted(p.name for p in (site / "iiif" / "tiles").iterdir())
    assert result.tiled == len(canvases) == len(pages) > 10
    for canvas in canvases:
        (service,) = canvas["services"]
        assert service["type"] == "ImageService3" and service["profile"] == "level0"
        assert service["id"].startswith(url + "iiif/tiles/")
        folder = site / service["id"].removeprefix(url)
        info = json.loads((folder / "info.json").read_text(encoding="utf-8"))
        assert info["id"] == service["id"]  # the service the manifest names is the one the info.json describes
        check_info_rules(info, folder.name, base=url + "iiif/tiles/")
        assert info["width"] == canvas["width"]  # the page's largest picture, whole (within the budget)
        wanted = {f"{request}/0/default.jpg" for request in spec_requests(info)}
        files = {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}
        assert files == wanted | {"info.json"}
        assert sum((folder / name).stat().st_size for name in files) <= 3 * 2**20  # the stated size per page
        with Image.open(folder / "full" / "max" / "0" / "default.jpg") as whole:
            assert whole.size == (info.get("maxWidth", info["width"]), info.get("maxHeight", info["height"]))


def test_a_rebuild_with_the_same_pictures_makes_no_tile_again(tiled_book):
    """One full rebuild: every page's tiles from the cache, but the one set tampered with there,
    which is made again (not published as it is); the site's tiles the same bytes."""
    from generator.build import Builder

    content, site, _, first_result, first = tiled_book
    before = {path: path.read_bytes() for path in (site / "iiif" / "tiles").rglob("*.jpg")}
    victim = sorted((first.pictures / "tiles").iterdir())[0]
    victim.write_bytes(victim.read_bytes()[:-10] + b"0123456789")
    builder = Builder(content, site, search=False, pictures=first.pictures)
    builder.restore(first.remember(), trust=False)  # a full build, the cache as the first build left it
    again = builder.build()
    assert first_result.tiled > 10 and again.tiled == 1 and again.drawn == 0
    assert {path: path.read_bytes() for path in (site / "iiif" / "tiles").rglob("*.jpg")} == before


def test_tiles_need_the_address(tmp_path):
    from generator.build import check
    from generator.diagnostics import EditionError

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    config = content / "edition.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[facsimile]\ntiles = true\ntiles_mb = 0\n", encoding="utf-8")
    with pytest.raises(EditionError) as failed:
        check(content)
    messages = [d.message for d in failed.value.diagnostics]
    assert any("facsimile.tiles needs `url`" in m for m in messages), messages
    assert any("facsimile.tiles_mb must be between" in m for m in messages), messages


@pytest.mark.browser
def test_openseadragon_opens_the_built_sites_tiles(tiled_book, browser):
    viewer_js = require_tool(NODE_MODULES / "openseadragon" / "build" / "openseadragon" / "openseadragon.min.js", "OpenSeadragon")
    _, site, url, _, _ = tiled_book
    viewer = site.parent / "viewer"  # beside the site, from the same host: a IIIF viewer elsewhere
    viewer.mkdir(exist_ok=True)
    (viewer / "openseadragon.min.js").write_bytes(viewer_js.read_bytes())
    page = sorted(p.name for p in (site / "iiif" / "tiles").iterdir())[3]
    info = f"{url}iiif/tiles/{page}/info.json"
    (viewer / "index.html").write_text(OSD_PAGE.replace('<div id="webp" style="width:700px;height:500px"></div>', "")
                                       % json.dumps({"jpg": info}))
    context = browser.new_context(viewport={"width": 800, "height": 700})
    tab = context.new_page()
    requested: dict[str, int] = {}
    tab.on("response", lambda response: requested.__setitem__(response.url, response.status))
    tab.goto(url.removesuffix("site/") + "viewer/index.html")
    tab.wait_for_function("window.opened === 1 || window.failed", timeout=10000)
    assert tab.evaluate("window.failed") is None
    tab.evaluate("() => { const v = viewers.jpg.viewport; v.zoomTo(v.getMaxZoom(), null, true); }")
    tab.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    tab.wait_for_function("viewers.jpg.world.getItemAt(0).getFullyLoaded()", timeout=15000)
    context.close()
    tiles = {address: status for address, status in requested.items() if f"/iiif/tiles/{page}/" in address}
    assert tiles.pop(info) == 200
    assert tiles and all(status == 200 for status in tiles.values()), tiles
    assert any("/512,512/" in address for address in tiles)  # full-resolution tiles reached
