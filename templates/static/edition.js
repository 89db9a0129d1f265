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

  // Where a result's first hit stands: the last paragraph and print page beginning before it.
  function where(result) {
    var hit = (result.locations || [])[0], paragraph = null, page = null;
    (result.anchors || []).forEach(function (anchor) {
      if (hit === undefined || anchor.location > hit) return;
      if (/-p\d+$/.test(anchor.id) && (!paragraph || anchor.location >= paragraph.location)) paragraph = anchor;
      if (/^seite-/.test(anchor.id) && (!page || anchor.location >= page.location)) page = anchor;
    });
    var parts = [];
    var printed = page ? page.text.trim() : (result.meta && result.meta.first_page ? words.page + " " + result.meta.first_page : "");
    if (printed) parts.push(printed);
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

  // The reading text, the text as printed, or both: the reader's choice, kept between pages.
  var html = document.documentElement;
  function remembered(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function remember(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  var switcher = document.querySelector(".view-switch");
  if (switcher) {
    switcher.hidden = false;
    var views = Array.prototype.slice.call(switcher.querySelectorAll("[data-view]"));
    var setView = function (view) {
      html.setAttribute("data-view", view);
      views.forEach(function (button) { button.setAttribute("aria-pressed", String(button.dataset.view === view)); });
    };
    views.forEach(function (button) {
      button.addEventListener("click", function () { setView(button.dataset.view); remember("edition-view", button.dataset.view); });
    });
    var savedView = remembered("edition-view");
    if (savedView && views.some(function (button) { return button.dataset.view === savedView; })) setView(savedView);
  }

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
    var reading = function () {
      // A mark counts once it is above the reading line; at the top of the page, the section's first page.
      var line = window.scrollY < 8 ? -1 : window.innerHeight * 0.35, found = figures[0];
      figures.forEach(function (figure) {
        var mark = figure.dataset.anchor && document.getElementById(figure.dataset.anchor);
        if (mark && mark.getBoundingClientRect().top <= line) found = figure;
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
})();
