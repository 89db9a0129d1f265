/* Progressive enhancement only: everything works without this file (notes and citations are
   native popovers, the citation text is in the page). It adds: the search box, absolute URLs
   in citations, copy buttons. */
(function () {
  "use strict";
  var root = new URL(document.documentElement.getAttribute("data-root") || "./", location.href);

  // The interface's words come from the page (generator/labels.py), in the edition's language.
  var words = document.currentScript ? document.currentScript.dataset : {};

  // The page marks where a compound's parts meet ("Sicherheits^politik", hidden there) so that
  // "Politik" finds it (compounds.py); what a reader sees of a result shows the word whole.
  function whole(text) { return (text || "").replace(/([\p{L}>])\^(?=[\p{L}<])/gu, "$1"); }

  // Where a result's first hit stands: in a note ("Anm. 53, S. 25": the notes list's item and
  // the print page it stands on), else the last paragraph and print page beginning before it
  // ("S. 230, Abs. 2"). Pagefind records each id with its word position (render/html.py and
  // reading.py set ids on the page marks for it); the page's number is in the mark's id
  // ("seite-230", "fn-53-seite-25"), its case as the section's first page gives it.
  function unanchor(text) {  // markup.label_anchor backwards: "_2a_" → "*"
    return text.replace(/_([0-9a-f]+)_/g, function (_, code) { return String.fromCodePoint(parseInt(code, 16)); });
  }
  function where(result) {
    var hit = (result.locations || [])[0], paragraph = null, page = null, note = null, notePage = null, editorial = null;
    var first = result.meta && result.meta.first_page ? result.meta.first_page : "";
    (result.anchors || []).forEach(function (anchor) {
      if (hit === undefined || anchor.location > hit) return;
      var id = anchor.id, match;
      if ((match = /^fn-(.+)-seite-(.+)$/.exec(id))) { if (note) notePage = match[2]; }
      else if ((match = /^fn-(.+)$/.exec(id))) { note = unanchor(match[1]); notePage = null; editorial = null; }
      // an editor's note: its letter is the first word of its entry ("a Hrsg.: …")
      else if (/^ed-/.test(id)) { editorial = { id: id, mark: (anchor.text || "").trim().split(/\s/)[0] }; note = null; }
      else if (/-p\d+$/.test(id)) { paragraph = anchor; note = null; editorial = null; }
      else if ((match = /^seite-(.+)$/.exec(id))) { page = match[1]; note = null; editorial = null; }
    });
    if (editorial) return { id: editorial.id, label: [words.editorNoteShort, editorial.mark].filter(Boolean).join(" ") };
    var printed = function (label) {
      if (!label) return "";
      if (/^unbekannt/.test(label)) return words.page + " ?";
      return words.page + " " + (first && first.toLowerCase() === label ? first : label);
    };
    if (note) {
      return { id: "fn-" + note.replace(/[^0-9A-Za-z-]/g, function (c) { return "_" + c.codePointAt(0).toString(16) + "_"; }),
               label: [words.noteShort + " " + note, printed(notePage)].filter(Boolean).join(", ") };
    }
    var parts = [];
    var at = page ? printed(page) : (first ? words.page + " " + first : "");
    if (at) parts.push(at);
    if (paragraph) parts.push(words.paraShort + " " + paragraph.id.replace(/^.*-p/, ""));
    return { id: paragraph ? paragraph.id : null, label: parts.join(", ") };
  }

  // Search: Pagefind's UI; result URLs are made relative to wherever the site is served from.
  var box = document.querySelector(".search[data-bundle]");
  if (box && location.protocol === "file:") {
    // Browsers do not let Pagefind load its index from disk: say so instead of searching forever.
    var note = document.createElement("p");
    note.className = "search-note";
    note.textContent = box.getAttribute("data-needs-server");
    box.appendChild(note);
  } else if (box && window.PagefindUI) {
    // Absolute, with the final slash Pagefind expects ("../pagefind/").
    var bundle = new URL(box.getAttribute("data-bundle").replace(/\/?$/, "/"), location.href).pathname;
    new window.PagefindUI({
      element: box,
      bundlePath: bundle,
      // A large edition's index comes in parts (generator/search.py), searched as one.
      mergeIndex: (box.getAttribute("data-merge") || "").split(" ").filter(Boolean).map(function (part) {
        return { bundlePath: bundle + part + "/", baseUrl: root.pathname };
      }),
      baseUrl: root.pathname,
      showImages: false,
      showSubResults: true,
      resetStyles: false,
      // One entry per section (Pagefind's own sub-results repeat its heading): under its title,
      // where the first hit stands ("S. 229, Abs. 1") and the excerpt, linked to that paragraph,
      // which opens with the words marked (pagefind-highlight.js).
      highlightParam: "pagefind-highlight",
      processResult: function (result) {
        var place = where(result), meta = result.meta || {};
        meta.title = whole(meta.title);
        delete meta.first_page;  // read by where(); not a tag to show
        result.url = result.url.split("#")[0];
        result.excerpt = whole(result.excerpt);
        // a sub-result at another address than the page's is shown nested under its title
        result.sub_results = [{ title: place.label || meta.title, url: result.url + (place.id ? "#" + place.id : ""),
                                excerpt: result.excerpt, locations: result.locations,
                                weighted_locations: result.weighted_locations }];
        return result;
      },
    });
    // Pagefind's input has only a placeholder: give it an accessible name (axe: label-title-only).
    var label = function () {
      var input = box.querySelector("input");
      if (input) input.setAttribute("aria-label", box.getAttribute("data-label"));
      return !!input;
    };
    if (!label()) new MutationObserver(function (_, observer) { if (label()) observer.disconnect(); })
      .observe(box, { childList: true, subtree: true });
    // "/" goes to the search box, as on many sites, unless the reader is typing somewhere.
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || target.isContentEditable ||
          /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      var input = box.querySelector("input");
      if (input) { event.preventDefault(); input.focus(); }
    });
  }

  // Arriving from a search result: its words marked where they stand (Pagefind's own script).
  if (box && /[?&]pagefind-highlight=/.test(location.search) && location.protocol !== "file:") {
    var highlighter = new URL(box.getAttribute("data-bundle").replace(/\/?$/, "/") + "pagefind-highlight.js", location.href);
    import(highlighter.href).then(function () {
      // Pagefind's terms drop the "-" of "Burden-Sharings", and a compound's parts meet at the
      // hidden "^": matched across them, the whole word is marked.
      new window.PagefindHighlight({ highlightParam: "pagefind-highlight", markOptions: {
        className: "pagefind-highlight", acrossElements: true, ignorePunctuation: ["^", "-", "\u00ad"],
        exclude: ["[data-pagefind-ignore]", "[data-pagefind-ignore] *", "[hidden]"] } });
    }).catch(function () { /* an older index without the script: the page works unmarked */ });
  }

  // "zur Anmerkung" goes to the note in the list: the popover over it closes first.
  document.querySelectorAll(".fn-more").forEach(function (link) {
    link.addEventListener("click", function () {
      var popover = link.closest("[popover]");
      if (popover && popover.hidePopover) popover.hidePopover();
    });
  });

  // Citations: the exact address of what is cited, as the reader sees it now.
  document.querySelectorAll(".cite-url").forEach(function (link) {
    var canonical = link.getAttribute("data-canonical");
    var href = canonical || new URL(link.getAttribute("href"), location.href).href;
    link.textContent = href;
    link.href = href;
  });

  var locale = document.documentElement.getAttribute("data-locale") || undefined;

  function accessDate() {
    return new Date().toLocaleDateString(locale, { day: "numeric", month: "long", year: "numeric" });
  }

  document.querySelectorAll(".cite-copy").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.closest(".cite-popover, .cite-box").querySelector(".cite-text").textContent
        .replace(/\s+/g, " ").trim() + " (" + words.accessed + " " + accessDate() + ").";
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = words.copied;
        setTimeout(function () { button.textContent = words.copyText; }, 2000);
      });
    });
  });

  var html = document.documentElement;

  // Justified type only where the browser hyphenates the text's language (edition.css): a long
  // word in a narrow box either breaks into lines or runs out of it.
  (function () {
    var probe = document.createElement("div");
    probe.lang = html.lang || "de";
    probe.setAttribute("aria-hidden", "true");
    probe.style.cssText = "position:absolute;left:-100vw;top:0;visibility:hidden;width:5em;font-size:16px;line-height:20px;" +
      "hyphens:auto;-webkit-hyphens:auto;overflow-wrap:normal;word-break:normal;white-space:normal";
    probe.textContent = /^de\b/i.test(probe.lang) ? "Verteidigungsbereitschaft" : "internationalization";
    document.body.appendChild(probe);
    if (probe.scrollWidth <= probe.clientWidth + 1 && probe.offsetHeight > 30) html.classList.add("hyphenates");
    probe.remove();
  })();

  // The text as printed keeps each printed line one line (edition.css): the type is set so that
  // the longest printed line of the page fills its column (`--fit`), one size for the text's
  // lines and one for the notes', as on the printed page. Not smaller than 9 px: where that
  // does not fit, lines wrap (indented) in 9 px type.
  function fit() {
    var groups = [
      document.querySelectorAll("main .dipl-page"),
      document.querySelectorAll("main .reading .dipl:not(.notes .dipl)"),
      document.querySelectorAll("main .notes .dipl"),
    ];
    groups.forEach(function (group) {
      var blocks = Array.prototype.filter.call(group, function (block) { return block.offsetParent !== null; });
      if (!blocks.length) return;
      blocks.forEach(function (block) { block.style.setProperty("--fit", "1"); block.classList.add("dl-measure"); });
      var ratio = 1, size = 16;
      blocks.forEach(function (block) {
        var style = getComputedStyle(block);
        var room = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        size = parseFloat(style.fontSize);
        Array.prototype.forEach.call(block.querySelectorAll(".dl"), function (line) {
          var width = line.getBoundingClientRect().width;
          if (width > 0 && room > 0) ratio = Math.min(ratio, (room - 2) / width);
        });
      });
      var fits = ratio * size >= 9;
      ratio = Math.max(ratio, 9 / size);
      blocks.forEach(function (block) {
        block.style.setProperty("--fit", ratio.toFixed(4));
        block.classList.remove("dl-measure");
        block.classList.toggle("dl-fit", fits);
      });
    });
  }
  var fitting = 0;
  function refit() { cancelAnimationFrame(fitting); fitting = requestAnimationFrame(fit); }
  window.addEventListener("resize", refit);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(refit);

  // The reading text, the text as printed, or both: the reader's choice, kept between pages.
  function remembered(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function remember(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  var switcher = document.querySelector(".view-switch");
  if (switcher) {
    switcher.hidden = false;
    var views = Array.prototype.slice.call(switcher.querySelectorAll("[data-view]"));
    var setView = function (view) {
      html.setAttribute("data-view", view);
      views.forEach(function (button) { button.setAttribute("aria-pressed", String(button.dataset.view === view)); });
      fit();
    };
    views.forEach(function (button) {
      button.addEventListener("click", function () { setView(button.dataset.view); remember("edition-view", button.dataset.view); });
    });
    var savedView = remembered("edition-view");
    if (savedView && views.some(function (button) { return button.dataset.view === savedView; })) setView(savedView);
  }

  var showPage = null;  // turns the picture beside the text to a page (set below where there is one)

  // The facsimile beside the text (a wide screen, CSS decides): the print page whose mark was
  // passed last, or whose number ("S. 229") was clicked.
  var panel = document.querySelector(".facsimile");
  if (panel) {
    html.classList.add("has-facs");
    var figures = Array.prototype.slice.call(panel.querySelectorAll(".facs-page"));
    var toggle = document.querySelector(".facs-toggle");
    var setFacs = function (on) {  // off: the sidenotes again, the pages folded up under the text
      html.setAttribute("data-facs", on ? "on" : "off");
      panel.open = on;
      if (toggle) toggle.setAttribute("aria-pressed", String(on));
    };
    setFacs(remembered("edition-facsimile") !== "off");
    if (toggle) toggle.addEventListener("click", function () {
      var on = html.getAttribute("data-facs") === "off";
      setFacs(on);
      remember("edition-facsimile", on ? "on" : "off");
    });
    var show = function (figure) {
      figures.forEach(function (other) { other.classList.toggle("current", other === figure); });
    };
    showPage = function (figure) { show(figure); pinned = true; pinnedAt = null; };
    var byName = function (name) { return figures.filter(function (figure) { return figure.dataset.page === name; })[0]; };
    var printedLines = Array.prototype.slice.call(document.querySelectorAll("main .dipl .dl[data-zone]"));
    var reading = function () {
      // A mark counts once it is above the reading line; at the top of the page, the section's first page.
      var line = window.scrollY < 8 ? -1 : window.innerHeight * 0.35, found = figures[0];
      if (html.getAttribute("data-view") === "printed" && printedLines.length && line >= 0) {
        // as printed, the page of the printed line at the reading line (lines are in the page's
        // order, top to bottom: halved, not all measured)
        var low = 0, high = printedLines.length - 1, at = -1;
        while (low <= high) {
          var middle = (low + high) >> 1;
          if (printedLines[middle].getBoundingClientRect().top <= line) { at = middle; low = middle + 1; } else high = middle - 1;
        }
        var holding = at >= 0 && byName(printedLines[at].dataset.zone.replace(/^z|-\d+$/g, ""));
        if (holding) return holding;
      }
      figures.forEach(function (figure) {
        var mark = figure.dataset.anchor && document.getElementById(figure.dataset.anchor);
        // a mark not shown (the reading text hidden "as printed") says nothing of where one reads
        if (mark && mark.getClientRects().length && mark.getBoundingClientRect().top <= line) found = figure;
      });
      return found;
    };
    // A clicked page stays while the jump to its mark scrolls (its mark may stand too low to
    // reach the reading line); the reader's next scroll decides again.
    var pinned = false, pinnedAt = null;
    window.addEventListener("scroll", function () {
      if (pinned && pinnedAt === null) { pinnedAt = window.scrollY; return; }
      if (pinned && Math.abs(window.scrollY - pinnedAt) < 40) return;
      pinned = false;
      show(reading());
    }, { passive: true });
    var byAnchor = function (id) { return figures.filter(function (figure) { return figure.dataset.anchor === id; })[0]; };
    document.addEventListener("click", function (event) {
      var mark = event.target.closest && event.target.closest("a.pb");
      var figure = mark && byAnchor(mark.getAttribute("href").slice(1));
      if (figure) { show(figure); pinned = true; pinnedAt = null; }
    });
    show(byAnchor(location.hash.slice(1)) || reading());
  }
  fit();  // the print's own page views (pages/229.html), and a section opened "as printed"

  // ---- the printed line and its place on the page picture (issue 26) ----
  // Each printed line of "Wie gedruckt" (`.dl[data-zone]`) and each paragraph of the reading
  // text (`[data-lines]`) names the boxes of its lines on the page picture (zoom.js draws them
  // over the picture: `[data-zoom]`). Pointing at one or focusing it lights its boxes (the
  // picture beside the text turns to its page); a click on a line of the picture goes to it in
  // the text. The lines of "Wie gedruckt" are one stop for the keyboard, the arrow keys going
  // from line to line (a page of forty lines is not forty stops).
  var zoomer = window.EditionZoom;
  var pictures = zoomer ? Array.prototype.slice.call(document.querySelectorAll("[data-zoom]")) : [];
  var holder = {};  // zone id → the picture that has it
  pictures.forEach(function (figure) {
    var viewer = zoomer.attach(figure);
    var data = null;
    try { data = JSON.parse(figure.getAttribute("data-zones") || "null"); } catch (e) { data = null; }
    (data && data.boxes || []).forEach(function (box) { holder[box.id] = figure; });
    if (viewer) figure.addEventListener("zoom:box", function (event) { goTo(event.detail.id); });
  });
  function zonesOf(element) {
    var own = element.getAttribute("data-zone");
    return own ? [own] : (element.getAttribute("data-lines") || "").split(" ").filter(Boolean);
  }
  var lit = null;
  function light(element) {
    var ids = element ? zonesOf(element) : [];
    var figure = ids.map(function (id) { return holder[id]; }).filter(Boolean)[0];
    if (lit && lit !== figure) { var before = zoomer.of(lit); if (before) before.highlight([]); }
    lit = figure || null;
    if (!figure) return;
    if (figure.classList.contains("facs-page") && !figure.classList.contains("current") && typeof showPage === "function") {
      // the picture beside the text turns to the page of the line (the first, for a paragraph on two)
      var held = ids.filter(function (id) { return holder[id] === document.querySelector(".facs-page.current"); });
      if (!held.length) showPage(figure);
    }
    var viewer = zoomer.of(figure);
    if (viewer) viewer.highlight(ids.filter(function (id) { return holder[id] === figure; }));
  }
  var linked = "main .dl[data-zone], main [data-lines]";
  if (pictures.length) {
    document.addEventListener("pointerover", function (event) {
      var element = event.target.closest && event.target.closest(linked);
      if (element && element.offsetParent !== null) light(element);
    });
    document.addEventListener("pointerout", function (event) {
      var element = event.target.closest && event.target.closest(linked);
      var into = event.relatedTarget && event.relatedTarget.closest && event.relatedTarget.closest(linked);
      if (element && !into && !(document.activeElement && document.activeElement.closest &&
          document.activeElement.closest(linked))) light(null);
    });
    document.addEventListener("focusin", function (event) {
      var element = event.target.closest && event.target.closest(linked);
      if (element) light(element);
    });
  }
  // Where a line of the picture stands in the text: the printed line if it is shown, else the
  // paragraph it belongs to; scrolled to, focused, and lit.
  function goTo(id) {
    var candidates = Array.prototype.slice.call(document.querySelectorAll("main .dl[data-zone]")).filter(function (line) {
      return line.getAttribute("data-zone") === id && line.offsetParent !== null;
    });
    var target = candidates[0] || Array.prototype.slice.call(document.querySelectorAll("main [data-lines]")).filter(function (block) {
      return zonesOf(block).indexOf(id) >= 0 && block.offsetParent !== null;
    })[0];
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "center", behavior: "instant" in document.documentElement.style ? "instant" : "auto" });
    target.focus({ preventScroll: true });
    target.classList.add("zone-target");
    setTimeout(function () { target.classList.remove("zone-target"); }, 1600);
    light(target);
    // the picture stays on the page clicked while the text scrolls to the line
    if (holder[id] && holder[id].classList.contains("facs-page") && showPage) showPage(holder[id]);
    var viewer = zoomer && holder[id] && zoomer.of(holder[id]);
    if (viewer) viewer.highlight([id]);  // the line clicked, not all of its paragraph's
  }
  // The printed lines: one stop, arrows within (a roving focus).
  Array.prototype.forEach.call(document.querySelectorAll("main .dipl, main .dipl-page"), function (block) {
    var lines = Array.prototype.slice.call(block.querySelectorAll(".dl[data-zone]"));
    if (!lines.length) return;
    lines.forEach(function (line, index) { line.setAttribute("tabindex", index ? "-1" : "0"); });
    if (words.printedLines) block.setAttribute("aria-label", words.printedLines);
    block.addEventListener("keydown", function (event) {
      var index = lines.indexOf(document.activeElement);
      if (index < 0) return;
      var next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: lines.length - 1 }[event.key];
      if (next === undefined || next < 0 || next >= lines.length) return;
      event.preventDefault();
      lines[index].setAttribute("tabindex", "-1");
      lines[next].setAttribute("tabindex", "0");
      lines[next].focus();
    });
  });
})();
