/* cjm HTML page behaviour. Inlined and allowed by its sha256 hash in the
   Content-Security-Policy. Map text is only ever read from the JSON data
   block and inserted with textContent: never innerHTML. */
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;

  function all(selector) {
    return Array.prototype.slice.call(doc.querySelectorAll(selector));
  }
  function make(tag, text, className) {
    var node = doc.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }
  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  var data = { touchpoints: {} };
  var dataNode = doc.getElementById("cjm-data");
  if (dataNode) { data = JSON.parse(dataNode.textContent); }
  var touchpoints = data.touchpoints || {};

  /* theme: the page follows the reader's system unless the page or the
     reader chose one; the button switches between light and dark */
  var themeButton = doc.getElementById("theme-toggle");
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function currentTheme() {
    var chosen = root.getAttribute("data-theme");
    if (chosen === "light" || chosen === "dark") { return chosen; }
    return darkQuery && darkQuery.matches ? "dark" : "light";
  }
  function showTheme() {
    if (!themeButton) { return; }
    var dark = currentTheme() === "dark";
    themeButton.setAttribute("aria-pressed", dark ? "true" : "false");
    themeButton.textContent = dark ? "Light theme" : "Dark theme";
  }
  if (themeButton) {
    themeButton.addEventListener("click", function () {
      root.setAttribute("data-theme", currentTheme() === "dark" ? "light" : "dark");
      showTheme();
    });
    if (darkQuery && darkQuery.addEventListener) { darkQuery.addEventListener("change", showTheme); }
    showTheme();
  }

  /* lanes: every element with data-lane="X" (SVG lane groups, table
     columns) follows the checkbox data-lane-toggle="X" */
  function applyLane(box) {
    var lane = box.getAttribute("data-lane-toggle");
    all("[data-lane]").forEach(function (node) {
      if (node.getAttribute("data-lane") === lane) { node.classList.toggle("is-off", !box.checked); }
    });
  }
  all("input[data-lane-toggle]").forEach(function (box) {
    box.addEventListener("change", function () { applyLane(box); });
    applyLane(box);
  });

  /* persona filter: data-persona="id" belongs to one persona (a curve, a
     card, a score); data-personas="a b" lists the personas of a step. In the
     map, the columns of hidden steps close up: the steps after them move
     left, stages narrow, and the persona's curve is redrawn without them. */
  function applyPersona(pid) {
    var hidden = {};
    all("[data-persona]").forEach(function (node) {
      node.classList.toggle("is-filtered", pid !== "" && node.getAttribute("data-persona") !== pid);
    });
    all("[data-personas]").forEach(function (node) {
      var ids = (node.getAttribute("data-personas") || "").split(" ");
      var off = pid !== "" && ids.indexOf(pid) < 0;
      node.classList.toggle("is-filtered", off);
      if (off && node.hasAttribute("data-touchpoint")) { hidden[node.getAttribute("data-touchpoint")] = true; }
    });
    closeColumns(hidden, pid);
  }
  function closeColumns(hidden, pid) {
    var body = doc.getElementById("cjm-map-body");
    if (!body) { return; }
    var svgRoot = body.ownerSVGElement;
    var colW = parseFloat(body.getAttribute("data-col-w")) || 0;
    var shift = 0;
    var offsets = {};
    all("#cjm-map-body .cjm-stage[data-steps]").forEach(function (stage) {
      var steps = (stage.getAttribute("data-steps") || "").split(" ").filter(Boolean);
      var before = shift;
      var gone = 0;
      steps.forEach(function (id) {
        if (hidden[id]) { gone += 1; shift += 1; } else { offsets[id] = -(shift * colW); }
      });
      var sid = stage.getAttribute("data-stage");
      var all_gone = steps.length > 0 && gone === steps.length;
      all("#cjm-map-body [data-stage]").forEach(function (node) {
        if (node.getAttribute("data-stage") !== sid) { return; }
        node.classList.toggle("is-filtered", all_gone);
        node.setAttribute("transform", "translate(" + (-(before * colW)) + ",0)");
        Array.prototype.forEach.call(node.querySelectorAll("rect"), function (r) {
          if (!r.hasAttribute("data-w")) { r.setAttribute("data-w", r.getAttribute("width")); }
          var w = parseFloat(r.getAttribute("data-w"));
          if (w > colW / 2) { r.setAttribute("width", String(Math.max(0, w - gone * colW))); }
        });
        Array.prototype.forEach.call(node.querySelectorAll(".cjm-stage-count"), function (t) {
          t.setAttribute("transform", "translate(" + (-(gone * colW)) + ",0)");
        });
      });
    });
    all("#cjm-map-body [data-touchpoint]").forEach(function (node) {
      var id = node.getAttribute("data-touchpoint");
      if (has(offsets, id) && offsets[id]) {
        node.setAttribute("transform", "translate(" + offsets[id] + ",0)");
      } else { node.removeAttribute("transform"); }
    });
    all("#cjm-map-body .cjm-curve").forEach(function (curve) {
      var compact = curve.querySelector(".cjm-compact");
      var on = shift > 0 && compact !== null && curve.getAttribute("data-persona") === pid;
      if (compact) { compact.classList.toggle("is-shown", on); }
      Array.prototype.forEach.call(curve.children, function (child) {
        if (child.tagName === "path") { child.classList.toggle("is-filtered", on); }
      });
    });
    if (svgRoot) {
      if (!svgRoot.hasAttribute("data-w")) { svgRoot.setAttribute("data-w", svgRoot.getAttribute("width")); }
      var full = parseFloat(svgRoot.getAttribute("data-w"));
      var vb = svgRoot.viewBox.baseVal;
      var width = Math.max(full - shift * colW, Math.min(full, 1040));
      svgRoot.setAttribute("viewBox", "0 0 " + width + " " + vb.height);
      svgRoot.setAttribute("width", String(width));
      natural = width;
    }
  }
  all("input[name='persona-filter']").forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) { applyPersona(radio.value); } });
    if (radio.checked) { applyPersona(radio.value); }
  });

  /* the map at its own size (scrolling) or zoomed out to the page's width,
     but never below 60 % of its size: smaller text is not readable */
  var fitButton = doc.getElementById("map-fit");
  var frame = doc.querySelector(".map-frame");
  var mapSvg = frame ? frame.querySelector("svg") : null;
  var natural = mapSvg ? parseFloat(mapSvg.getAttribute("width")) || 0 : 0;
  function fit(on) {
    if (!mapSvg || !natural) { return; }
    var width = on ? Math.max(frame.clientWidth - 2, natural * 0.6) : natural;
    mapSvg.setAttribute("width", String(Math.min(width, natural)));
    mapSvg.removeAttribute("height");
    stick();
  }
  if (fitButton && frame) {
    fitButton.addEventListener("click", function () {
      var on = !frame.classList.contains("fit");
      frame.classList.toggle("fit", on);
      fitButton.setAttribute("aria-pressed", on ? "true" : "false");
      fit(on);
    });
  }
  /* stage headers and lane labels stay in view while the map scrolls */
  var stages = mapSvg ? mapSvg.querySelector(".cjm-stages") : null;
  var laneLabels = mapSvg ? mapSvg.querySelector(".cjm-lane-labels") : null;
  var stageTop = stages && stages.getBBox ? stages.getBBox().y : 0;
  function stick() {
    if (!mapSvg || !frame) { return; }
    var shown = mapSvg.getBoundingClientRect().width;
    var k = natural && shown ? shown / natural : 1;
    if (laneLabels) { laneLabels.setAttribute("transform", "translate(" + (frame.scrollLeft / k) + ",0)"); }
    if (stages) { stages.setAttribute("transform", "translate(0," + Math.max(0, frame.scrollTop / k - stageTop) + ")"); }
  }
  if (frame) { frame.addEventListener("scroll", stick, { passive: true }); }

  /* touchpoint details: click (or Enter/Space) on anything with
     data-touchpoint, in the SVG map or in the tables */
  var panel = doc.getElementById("details");
  var panelTitle = doc.getElementById("details-title");
  var panelBody = doc.getElementById("details-body");
  var closeButton = doc.getElementById("details-close");
  var opener = null;

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }
  function safeHref(href) {
    return typeof href === "string" && /^(https?:\/\/|mailto:)/i.test(href) ? href : null;
  }
  function fieldValue(field) {
    var dd = make("dd");
    if (typeof field.text === "string") { dd.textContent = field.text; }
    if (field.items) {
      var list = make("ul");
      field.items.forEach(function (item) { list.appendChild(make("li", item)); });
      dd.appendChild(list);
    }
    if (field.links) {
      var links = make("ul");
      field.links.forEach(function (item) {
        var li = make("li");
        var href = safeHref(item.href);
        if (href) {
          var a = make("a", item.text);
          a.setAttribute("href", href);
          a.setAttribute("rel", "noopener noreferrer");
          li.appendChild(a);
        } else {
          li.textContent = item.text;
        }
        links.appendChild(li);
      });
      dd.appendChild(links);
    }
    return dd;
  }
  function select(id) {
    all(".is-selected").forEach(function (node) { node.classList.remove("is-selected"); });
    all("svg [data-touchpoint]").forEach(function (node) {
      if (node.getAttribute("data-touchpoint") === id) { node.classList.add("is-selected"); }
    });
  }
  function showDetails(id, from) {
    if (!panel || !has(touchpoints, id)) { return; }
    var tp = touchpoints[id];
    panelTitle.textContent = tp.name;
    clear(panelBody);
    (tp.fields || []).forEach(function (field) {
      panelBody.appendChild(make("dt", field.label));
      panelBody.appendChild(fieldValue(field));
    });
    panel.hidden = false;
    panel.setAttribute("data-showing", id);
    opener = from || null;
    select(id);
  }
  function hideDetails() {
    if (!panel || panel.hidden) { return; }
    panel.hidden = true;
    panel.removeAttribute("data-showing");
    select(null);
    if (opener && opener.focus) { opener.focus(); }
    opener = null;
  }
  function touchpointOf(target) {
    if (!target || !target.closest || target.closest("a[href]")) { return null; }  /* a link goes where it points */
    return target.closest("[data-touchpoint]");
  }
  /* In the SVG every card, feeling and emotion point of a step opens its
     details on click. One element per step becomes a keyboard button (its
     touchpoint card, or its first part when that lane is not drawn), so
     that Tab moves from step to step rather than through every card. */
  var buttons = {};
  all("svg .cjm-touchpoint[data-touchpoint]").concat(all("svg [data-touchpoint]")).forEach(function (node) {
    var id = node.getAttribute("data-touchpoint");
    if (has(buttons, id) || !has(touchpoints, id)) { return; }
    buttons[id] = node;
    node.setAttribute("tabindex", "0");
    node.setAttribute("role", "button");
    node.setAttribute("aria-label", "Details of " + touchpoints[id].name);
    /* a button's content is presentational: its links stay clickable, and
       keyboard users find them in the details panel and the step tables */
    Array.prototype.forEach.call(node.querySelectorAll("a[href]"), function (a) { a.setAttribute("tabindex", "-1"); });
  });
  /* with buttons inside, the map is no longer a plain image to assistive
     technology (role="img" would hide them) */
  all(".map-frame > svg[role='img']").forEach(function (svg) {
    if (svg.querySelector("[role='button']")) { svg.setAttribute("role", "group"); }
  });
  doc.addEventListener("click", function (event) {
    var node = touchpointOf(event.target);
    if (node) { showDetails(node.getAttribute("data-touchpoint"), node); }
  });
  doc.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hideDetails(); return; }
    var node = touchpointOf(event.target);
    if (node && node.namespaceURI !== "http://www.w3.org/1999/xhtml" && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      showDetails(node.getAttribute("data-touchpoint"), node);
    }
  });
  if (closeButton) { closeButton.addEventListener("click", hideDetails); }
}());
