/* cjm site pages. Inlined and allowed by its sha256 hash in the
   Content-Security-Policy. Text from maps is only ever inserted with
   textContent, never innerHTML; nothing is fetched. */
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement.getAttribute("data-root") || "";

  function all(selector, scope) {
    return Array.prototype.slice.call((scope || doc).querySelectorAll(selector));
  }
  function make(tag, text, className) {
    var node = doc.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }
  function fold(text) {
    var s = String(text || "").toLowerCase();
    return s.normalize ? s.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : s;
  }

  /* the search box in the header: go to the search page with the query */
  all("form[data-search-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = form.querySelector("input");
      var q = input ? input.value.trim() : "";
      window.location.href = root + "search.html#q=" + encodeURIComponent(q);
    });
  });

  /* sortable tables: each column heading becomes a button */
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var sort = cell.getAttribute("data-sort");
    if (sort === null) {
      var inner = cell.querySelector("[data-sort]");
      sort = inner ? inner.getAttribute("data-sort") : null;
    }
    return sort !== null ? sort : cell.textContent.trim();
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    var numeric = /^-?\d+(\.\d+)?$/;
    if (numeric.test(a) && numeric.test(b)) { return x - y; }
    return fold(a) < fold(b) ? -1 : fold(a) > fold(b) ? 1 : 0;
  }
  all("table.sortable").forEach(function (table) {
    var heads = all("thead th", table);
    heads.forEach(function (th, index) {
      var button = make("button", th.textContent, "sort");
      button.type = "button";
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.forEach(function (row, i) { row.setAttribute("data-order", String(i)); });
        rows.sort(function (r1, r2) {
          var c = compare(cellValue(r1, index), cellValue(r2, index));
          if (c === 0) { c = Number(r1.getAttribute("data-order")) - Number(r2.getAttribute("data-order")); return c; }
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  /* filter boxes: hide the rows of a table that do not hold every word */
  all("input[data-filter]").forEach(function (input) {
    var table = doc.getElementById(input.getAttribute("data-filter"));
    if (!table) { return; }
    var rows = all("tbody tr", table);
    var texts = rows.map(function (row) { return fold(row.textContent); });
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      rows.forEach(function (row, i) {
        var show = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
        row.classList.toggle("is-hidden", !show);
      });
    });
  });

  /* the search page: the index is a JSON data block in this page */
  var indexNode = doc.getElementById("search-index");
  var box = doc.querySelector("input[data-search-input]");
  if (!indexNode || !box) { return; }
  var documents = JSON.parse(indexNode.textContent);
  var folded = documents.map(function (d) { return { title: fold(d[1]), text: fold(d[2] + " " + d[4]) }; });
  var list = doc.getElementById("search-results");
  var status = doc.getElementById("search-status");
  var LIMIT = 100;

  function snippet(text, word) {
    var at = fold(text).indexOf(word);
    if (at < 0) { return text.length > 160 ? text.slice(0, 157) + "…" : text; }
    var start = Math.max(0, at - 60);
    var end = Math.min(text.length, at + word.length + 100);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }
  function run(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = "Type to search."; return; }
    var hits = [];
    for (var i = 0; i < documents.length; i++) {
      var f = folded[i];
      var ok = true, inTitle = 0;
      for (var w = 0; w < words.length; w++) {
        var t = f.title.indexOf(words[w]) >= 0;
        if (!t && f.text.indexOf(words[w]) < 0) { ok = false; break; }
        if (t) { inTitle++; }
      }
      if (ok) { hits.push([inTitle, i]); }
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    status.textContent = hits.length === 0 ? "Nothing found." :
      hits.length + (hits.length === 1 ? " result" : " results") + (hits.length > LIMIT ? ", the first " + LIMIT + " shown" : "") + ".";
    hits.slice(0, LIMIT).forEach(function (hit) {
      var d = documents[hit[1]];
      var item = make("li");
      item.appendChild(make("span", d[0], "kind"));
      var link = make("a", d[1]);
      link.href = root + d[3];
      item.appendChild(link);
      if (d[4]) { item.appendChild(make("span", " · " + d[4], "where")); }
      if (d[2]) { item.appendChild(make("span", snippet(d[2], words[0]), "snippet")); }
      list.appendChild(item);
    });
  }
  var timer = null;
  box.addEventListener("input", function () {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { run(box.value); }, 60);
  });
  var match = /[#&]q=([^&]*)/.exec(window.location.hash);
  if (match) {
    try { box.value = decodeURIComponent(match[1]); } catch (e) { box.value = match[1]; }
  }
  run(box.value);
  box.focus();
})();
