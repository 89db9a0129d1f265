/* Zoom and pan for a page picture, and its printed lines as boxes over it.

   Progressive enhancement: without this script the picture and its link stay as they are.
   With it, every element with `data-zoom` that holds an <img> (the page beside the text, the
   page view) becomes a viewer:
     - zoom to at least twice the shown width, up to the largest picture of the <img>'s srcset
       (the browser then fetches that one: `sizes` follows the zoom);
     - keyboard on the focused picture: + / − / 0, arrows pan, Escape resets;
     - pointer: the buttons, Ctrl + wheel (a trackpad's pinch), double-click, drag to pan;
     - touch: pinch, and drag once zoomed (at 1:1 a finger scrolls the page as usual);
     - boxes over the picture (fractions of it, or pixels with the picture's natural size) that
       follow zoom and pan; `viewer.highlight(ids)` lights some; a click on one fires
       `zoom:box` ({id, line}) on the element, so the page can go to that line in the text.
   `data-zones` holds the boxes as JSON ({"boxes": [{"id", "line", "x", "y", "w", "h"}]},
   generator/render/zones.py); `data-zoom-words` the controls' words in the page's language.
   A plain script (no module): it runs from a folder opened as files too. No library. */
(function () {
  "use strict";

  var WORDS = { zoomIn: "Zoom in", zoomOut: "Zoom out", reset: "Reset zoom",
                label: "Page picture: + and − zoom, arrow keys move, Escape resets" };
  var STEP = 1.5;          // one press of + or −
  var PAN = 0.15;          // one arrow press: this share of the visible picture
  var TAP = 6;             // px a pointer may move and still click
  var viewers = new WeakMap();

  function clamp(value, low, high) { return Math.min(high, Math.max(low, value)); }

  // The widest picture the <img> offers: its srcset's largest `w`, else its natural width.
  function largestWidth(img) {
    var widest = 0;
    (img.getAttribute("srcset") || "").split(",").forEach(function (candidate) {
      var m = /\s(\d+)w\s*$/.exec(candidate.trim());
      if (m) widest = Math.max(widest, Number(m[1]));
    });
    return widest || img.naturalWidth || Number(img.getAttribute("width")) || 0;
  }

  function Viewer(root, options) {
    options = options || {};
    var img = root.querySelector("img");
    if (!img) throw new Error("zoom: no <img> in the element");
    var words = Object.assign({}, WORDS, parsed(root.getAttribute("data-zoom-words")), options.words);
    var self = this;
    var link = img.closest("a");
    var inner = link && root.contains(link) ? link : img;

    // viewport (clips, takes focus) > stage (moved and scaled) > the picture and its boxes
    var viewport = document.createElement("div");
    viewport.className = "zoom-viewport";
    viewport.tabIndex = 0;
    viewport.setAttribute("role", "group");
    viewport.setAttribute("aria-label", words.label);
    var stage = document.createElement("div");
    stage.className = "zoom-stage";
    var layer = document.createElement("div");
    layer.className = "zoom-boxes";
    inner.parentNode.insertBefore(viewport, inner);
    stage.appendChild(inner);
    stage.appendChild(layer);
    viewport.appendChild(stage);
    if (link) link.tabIndex = -1;  // one stop for the keyboard: the viewer (its picture stays a link without script)

    var controls = document.createElement("div");
    controls.className = "zoom-controls";
    controls.setAttribute("role", "toolbar");
    controls.setAttribute("aria-label", words.label);
    function button(text, label, action) {
      // The symbol is what the eye reads, the word what a screen reader says (and the name voice
      // control matches: a visible "+" that were not part of the name would not be, WCAG 2.5.3)
      var b = document.createElement("button"), symbol = document.createElement("span"), name = document.createElement("span");
      b.type = "button";
      symbol.textContent = text;
      symbol.setAttribute("aria-hidden", "true");
      name.textContent = label;
      name.className = "zoom-label";
      b.append(symbol, name);
      b.title = label;
      b.addEventListener("click", function (event) {
        event.stopPropagation();
        action();
        if (b.disabled) viewport.focus({ preventScroll: true });  // not lost to the page when the button goes grey
      });
      controls.appendChild(b);
      return b;
    }
    var zoomInButton = button("+", words.zoomIn, function () { self.zoomBy(STEP); });
    var zoomOutButton = button("\u2212", words.zoomOut, function () { self.zoomBy(1 / STEP); });
    var resetButton = button("1:1", words.reset, function () { self.reset(); });
    var status = document.createElement("output");
    status.className = "zoom-status";
    status.setAttribute("aria-live", "polite");
    controls.appendChild(status);
    // above the picture, not over it: over it, the buttons hid the page's running head and folio
    viewport.parentNode.insertBefore(controls, viewport);

    var scale = 1, x = 0, y = 0;           // stage transform: translate(x, y) scale(scale), from its top left
    var boxes = [];                        // {id, line, element}
    var neededWidth = 0;                   // the largest width asked of the picture so far

    // The viewport's size, and the picture's as laid out (before the zoom): the same, unless
    // the page gives the viewport less height than the picture (a page picture in a screen-high column)
    function size() { return { w: viewport.clientWidth, h: viewport.clientHeight, cw: stage.offsetWidth, ch: stage.offsetHeight }; }
    function maxScale() {
      return Math.max(2, largestWidth(img) / (stage.offsetWidth || 1));
    }

    function apply() {
      var s = size();
      x = clamp(x, Math.min(0, s.w - s.cw * scale), 0);  // the picture covers the viewport; no space beside it
      y = clamp(y, Math.min(0, s.h - s.ch * scale), 0);
      stage.style.transform = scale === 1 && !x && !y ? "" : "translate(" + x + "px, " + y + "px) scale(" + scale + ")";
      stage.style.setProperty("--zoom", String(scale));
      root.classList.toggle("is-zoomed", scale > 1);
      zoomInButton.disabled = scale >= maxScale() - 1e-6;
      zoomOutButton.disabled = resetButton.disabled = scale === 1;
      status.textContent = Math.round(scale * 100) + " %";
      // The picture the zoom needs: the browser picks from srcset by `sizes` (and the screen's density)
      var width = Math.ceil(s.w * scale);
      if (scale > 1 && width > neededWidth && img.hasAttribute("srcset")) {
        neededWidth = width;
        img.sizes = width + "px";
      }
    }

    // Zoom to `target` keeping the picture's point under (px, py) (viewport pixels) where it is.
    this.zoomTo = function (target, px, py) {
      var s = size();
      if (px === undefined) { px = s.w / 2; py = s.h / 2; }
      var next = clamp(target, 1, maxScale());
      x = px - (px - x) * next / scale;
      y = py - (py - y) * next / scale;
      scale = next;
      apply();
      return scale;
    };
    this.zoomBy = function (factor, px, py) {
      // a step lands on 1 exactly rather than near it, and on the maximum rather than short of it
      var target = scale * factor;
      if (factor < 1 && target < 1.05) target = 1;
      return self.zoomTo(target, px, py);
    };
    this.panBy = function (dx, dy) { x += dx; y += dy; apply(); };
    this.reset = function () { scale = 1; x = 0; y = 0; apply(); };
    Object.defineProperty(this, "scale", { get: function () { return scale; } });
    Object.defineProperty(this, "maxScale", { get: maxScale });
    this.element = root;
    this.viewport = viewport;

    // ---- boxes ----
    // data: {boxes: [{id, line, x, y, w, h}]} in fractions of the picture, or with
    // units: "px", width, height (the picture's natural pixels).
    this.setBoxes = function (data) {
      layer.textContent = "";
      boxes = [];
      var list = (data && data.boxes) || [];
      var px = data && data.units === "px";
      var fw = px ? data.width : 1, fh = px ? data.height : 1;
      list.forEach(function (box) {
        var element = document.createElement("div");
        element.className = "zoom-box";
        element.dataset.id = box.id;
        element.style.left = (100 * box.x / fw) + "%";
        element.style.top = (100 * box.y / fh) + "%";
        element.style.width = (100 * box.w / fw) + "%";
        element.style.height = (100 * box.h / fh) + "%";
        layer.appendChild(element);
        boxes.push({ id: String(box.id), line: box.line, element: element });
      });
      return boxes.length;
    };

    // Light the boxes with these ids (none: unlit); `reveal` pans a zoomed picture to show them.
    this.highlight = function (ids, reveal) {
      var wanted = new Set((ids || []).map(String));
      var lit = boxes.filter(function (box) {
        box.element.classList.toggle("is-lit", wanted.has(box.id));
        return wanted.has(box.id);
      });
      if (reveal !== false && lit.length && scale > 1) {
        var s = size(), first = lit[0].element;
        var top = first.offsetTop * scale + y, left = first.offsetLeft * scale + x;
        var bottom = (lit[lit.length - 1].element.offsetTop + lit[lit.length - 1].element.offsetHeight) * scale + y;
        if (top < 0 || bottom > s.h) y -= (top + bottom) / 2 - s.h / 2;   // the lines in the middle
        if (left < 0 || left > s.w * 0.9) x -= left - s.w * 0.1;         // their start in view
        apply();
      }
      return lit.length;
    };

    function boxAt(clientX, clientY) {
      var hit = document.elementFromPoint(clientX, clientY);
      var element = hit && hit.closest ? hit.closest(".zoom-box") : null;
      return element && layer.contains(element) ? boxes.find(function (box) { return box.element === element; }) : null;
    }

    function choose(box) {
      var detail = { id: box.id, line: box.line };
      if (options.onBox) options.onBox(detail);
      root.dispatchEvent(new CustomEvent("zoom:box", { detail: detail, bubbles: true }));
    }

    // ---- keyboard ----
    viewport.addEventListener("keydown", function (event) {
      if (event.target !== viewport || event.altKey || event.ctrlKey || event.metaKey) return;
      var s = size(), handled = true, before = [x, y];
      switch (event.key) {
        case "+": case "=": self.zoomBy(STEP); break;
        case "-": case "\u2212": case "_": self.zoomBy(1 / STEP); break;
        case "0": self.reset(); break;
        case "ArrowLeft": self.panBy(s.w * PAN, 0); break;
        case "ArrowRight": self.panBy(-s.w * PAN, 0); break;
        case "ArrowUp": self.panBy(0, s.h * PAN); break;
        case "ArrowDown": self.panBy(0, -s.h * PAN); break;
        case "Escape": handled = scale > 1; self.reset(); break;
        default: handled = false;
      }
      // an arrow with nothing left to pan that way scrolls the page, as it would without the viewer
      if (handled && !(/^Arrow/.test(event.key) && before[0] === x && before[1] === y)) event.preventDefault();
    });

    // ---- pointer and touch ----
    function local(event) {
      var r = viewport.getBoundingClientRect();
      return { x: event.clientX - r.left, y: event.clientY - r.top };
    }
    viewport.addEventListener("wheel", function (event) {
      if (!event.ctrlKey) return;  // a plain wheel scrolls the page; Ctrl + wheel (and a trackpad's pinch) zooms
      event.preventDefault();
      var p = local(event);
      self.zoomBy(Math.exp(-event.deltaY / 200), p.x, p.y);
    }, { passive: false });

    var pointers = new Map();   // id → last position (viewport pixels)
    var gesture = null;         // {moved, distance, scale, mid} while a pointer is down
    var lastTap = null;

    function midpoint() {
      var all = Array.from(pointers.values());
      var a = all[0], b = all[1] || all[0];
      return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, d: Math.hypot(a.x - b.x, a.y - b.y) };
    }
    stage.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      pointers.set(event.pointerId, local(event));
      try { stage.setPointerCapture(event.pointerId); } catch (e) { /* the pointer is gone already */ }
      var m = midpoint();
      gesture = { moved: gesture ? gesture.moved : 0, start: m, distance: m.d, scale: scale, x: x, y: y,
                  pinch: pointers.size > 1 || (gesture && gesture.pinch) };
      if (event.pointerType === "mouse") {
        event.preventDefault();  // no dragging the picture out as a file, no text selection
        viewport.focus({ preventScroll: true });  // the keys work on the picture just clicked
      }
    });
    stage.addEventListener("pointermove", function (event) {
      if (!gesture || !pointers.has(event.pointerId)) return;
      pointers.set(event.pointerId, local(event));
      var m = midpoint();
      gesture.moved = Math.max(gesture.moved, Math.hypot(m.x - gesture.start.x, m.y - gesture.start.y));
      if (pointers.size > 1 && gesture.distance > 0) {
        // pinch: the picture's point under the fingers' first midpoint follows their midpoint
        var next = clamp(gesture.scale * m.d / gesture.distance, 1, maxScale());
        x = m.x - (gesture.start.x - gesture.x) * next / gesture.scale;
        y = m.y - (gesture.start.y - gesture.y) * next / gesture.scale;
        scale = next;
        apply();
      } else if (scale > 1 && gesture.moved > TAP / 2) {
        x = gesture.x + m.x - gesture.start.x;
        y = gesture.y + m.y - gesture.start.y;
        apply();
      }
    });
    function lift(event) {
      if (!pointers.has(event.pointerId)) return;
      pointers.delete(event.pointerId);
      if (pointers.size) {  // one finger of a pinch lifted: the other goes on as a drag from here
        var m = midpoint();
        gesture = { moved: gesture.moved, start: m, distance: 0, scale: scale, x: x, y: y, pinch: true };
        return;
      }
      var tapped = gesture && gesture.moved < TAP && !gesture.pinch && event.type === "pointerup";
      gesture = null;
      if (!tapped) return;
      var now = Date.now(), p = local(event);
      if (event.pointerType !== "mouse" && lastTap && now - lastTap.t < 350 && Math.hypot(p.x - lastTap.x, p.y - lastTap.y) < 30) {
        lastTap = null;   // a double tap (a mouse has its dblclick)
        toggle(p);
        return;
      }
      lastTap = { t: now, x: p.x, y: p.y };
      var box = boxAt(event.clientX, event.clientY);
      if (box) choose(box);
    }
    stage.addEventListener("pointerup", lift);
    stage.addEventListener("pointercancel", lift);
    function toggle(p) { if (scale > 1.01) self.reset(); else self.zoomTo(2.5, p.x, p.y); }
    stage.addEventListener("dblclick", function (event) { event.preventDefault(); toggle(local(event)); });
    // The picture's link is not followed from the viewer: a drag or a tap on a line is not a visit.
    // (Pointer capture sends a mouse's or finger's click to the stage already; this also covers a
    // click on the link itself, as a screen reader's activation makes it.)
    stage.addEventListener("click", function (event) { event.preventDefault(); });
    stage.addEventListener("dragstart", function (event) { event.preventDefault(); });

    if (typeof ResizeObserver === "function") new ResizeObserver(function () { apply(); }).observe(viewport);
    this.setBoxes(options.boxes || parsed(root.getAttribute("data-zones")));
    apply();
    viewers.set(root, this);
  }

  function parsed(text) {
    if (!text) return null;
    try { return JSON.parse(text); } catch (error) {
      console.warn("zoom: data-zones is not JSON; the picture zooms without its lines", error);
      return null;
    }
  }

  function attach(root, options) { return viewers.get(root) || new Viewer(root, options); }

  window.EditionZoom = { attach: attach, of: function (root) { return viewers.get(root) || null; } };

  function start() {
    document.querySelectorAll("[data-zoom]").forEach(function (root) { if (root.querySelector("img")) attach(root); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
