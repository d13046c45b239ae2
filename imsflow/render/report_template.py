"""The report's page: HTML, CSS and JavaScript in one string, with no external resource at all
(no CDN, no font, no image URL), so the file works opened from disk on a machine without
network.  report.py fills in the title and the data (JSON); the script draws everything else.
"""

CSS = r"""
:root { --ok:#1b5e20; --ok-bg:#e3f2e4; --exp:#8a4b00; --exp-bg:#ffe8c7; --bad:#ffffff; --bad-bg:#c62828;
        --vac:#4a148c; --vac-bg:#eadcf5; --inc:#424242; --inc-bg:#e0e0e0; --lost:#b71c1c; --lost-bg:#ffcdd2;
        --ink:#1d1d1d; --muted:#5f6368; --line:#d0d4d9; --accent:#1a56db; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "DejaVu Sans", Arial, Helvetica, sans-serif; color: var(--ink); background: #fafbfc; }
header { background: #17324d; color: #fff; padding: 14px 24px; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .sub { color: #cdd9e5; font-size: 13px; }
nav { background: #fff; border-bottom: 1px solid var(--line); padding: 6px 24px; position: sticky; top: 0; z-index: 5; }
nav a { margin-right: 18px; color: var(--accent); text-decoration: none; font-weight: bold; }
main { padding: 12px 24px 40px; }
section { margin: 18px 0 28px; }
h2 { font-size: 17px; border-bottom: 2px solid #17324d; padding-bottom: 3px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
.legend span { display: inline-block; margin: 0 10px 6px 0; padding: 1px 8px; border-radius: 3px; font-size: 12px; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid var(--line); padding: 3px 7px; vertical-align: top; }
th { background: #eef1f5; font-weight: bold; }
#matrix { overflow-x: auto; max-width: 100%; }
#matrix th.prop { text-align: left; white-space: nowrap; cursor: help; }
#matrix th.col { font-size: 11px; font-weight: normal; max-width: 140px; }
td.cell { text-align: center; min-width: 54px; font-weight: bold; font-size: 12px; cursor: pointer; }
td.cell:hover, td.cell:focus { outline: 3px solid var(--accent); outline-offset: -3px; }
td.cell.selected { outline: 3px solid #000; outline-offset: -3px; }
td.na { background: repeating-linear-gradient(45deg, #fff, #fff 4px, #f1f1f1 4px, #f1f1f1 8px); cursor: default; }
.v-ok { color: var(--ok); background: var(--ok-bg); }
.v-exp { color: var(--exp); background: var(--exp-bg); }
.v-viol { color: var(--bad); background: var(--bad-bg); }
.v-vac { color: var(--vac); background: var(--vac-bg); }
.v-inc { color: var(--inc); background: var(--inc-bg); }
.v-lost { color: var(--lost); background: var(--lost-bg); }
.v-vacx { color: var(--vac); background: #f6effb; }
/* A verdict that differs from its expectation, whatever its kind: a thick frame and a corner badge. */
td.cell.unexpected { box-shadow: inset 0 0 0 3px #b00020; position: relative; }
td.cell.unexpected::after { content: "!"; position: absolute; top: 0; right: 2px; color: #b00020; font-size: 10px; }
/* The matrix scrolls inside its box and its headers stay: the flow and variant rows on top, the
   property names on the left. */
#matrix { max-height: 75vh; overflow: auto; }
#matrix thead th { position: sticky; z-index: 2; background: #eef1f5; }
#matrix thead tr:first-child th { top: 0; }
#matrix thead tr:nth-child(2) th { top: var(--head1, 24px); }
#matrix tbody th.prop { position: sticky; left: 0; z-index: 1; background: #eef1f5; }
#matrix thead th:first-child { left: 0; z-index: 3; }
#matrix-table.only-unexpected tbody tr.all-expected { display: none; }
#matrix-table.only-unexpected td.cell:not(.unexpected) { visibility: hidden; }
.filter { margin: 6px 0; font-size: 13px; }
#detail { scroll-margin-top: 44px; display: none; background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--accent); padding: 10px 16px; }
#detail.open { display: block; }
#detail .verdict { display: inline-block; padding: 1px 10px; border-radius: 3px; font-weight: bold; }
#detail code, .replay { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; background: #f3f4f6; padding: 1px 4px; }
.controls { margin: 10px 0; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.controls button { font-size: 13px; padding: 3px 10px; border: 1px solid #9aa4ae; background: #fff; border-radius: 3px; cursor: pointer; }
.controls button:disabled { opacity: .4; cursor: default; }
#stepinfo { margin-left: 8px; font-weight: bold; }
.trace-view { display: grid; grid-template-columns: minmax(320px, 1.3fr) minmax(280px, 1fr); gap: 14px; align-items: start; }
#seq { overflow: auto; max-height: 78vh; border: 1px solid var(--line); background: #fff; }
#seq svg { display: block; }
#seq g.future { opacity: 0.15; }
#seq g.current rect:not(.violation), #seq g.current polygon { stroke: var(--accent); }
#seq g.current line { stroke: var(--accent) !important; stroke-width: 3 !important; }
#seq g.current text { fill: var(--accent) !important; font-weight: bold; }
#seq g.current > rect:first-child { fill: #dbe6ff !important; }
#steps { margin: 0; padding-left: 34px; max-height: 36vh; overflow: auto; border: 1px solid var(--line); background: #fff; }
#steps li { padding: 2px 4px; cursor: pointer; font-size: 12.5px; border-bottom: 1px dotted #e3e3e3; }
#steps li.current { background: #dbe6ff; font-weight: bold; }
#steps li.violation { color: #b00020; }
#steps li.loop::after { content: " \21bb"; color: var(--muted); }
#steps .lbl { color: var(--muted); font-size: 11px; margin-right: 4px; }
#state { width: 100%; margin-top: 10px; font-size: 12.5px; }
#state td.changed { background: #fff59d; font-weight: bold; }
#state td:first-child { white-space: nowrap; font-weight: bold; }
.prop-list td { font-size: 13px; }
.charts details { background: #fff; border: 1px solid var(--line); margin: 8px 0; padding: 4px 10px; }
.charts summary { cursor: pointer; font-weight: bold; }
.charts .svgbox { overflow: auto; max-height: 80vh; }
.muted { color: var(--muted); }
"""

JS = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("imsflow-data").textContent);
  // The same marks as the text matrix (workflow/text.py): "!" is a verdict that differs from its expectation.
  var MARK = {ok: ["ok", "v-ok", "holds"], exp: ["viol*", "v-exp", "expected finding"],
              vacx: ["vac*", "v-vacx", "vacuous, as expected"],
              viol: ["VIOL!", "v-viol", "unexpected violation"], vac: ["VAC!", "v-vac", "unexpectedly vacuous"],
              inc: ["??", "v-inc", "inconclusive"], lost: ["ok!", "v-lost", "holds where a finding was expected"]};
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) { if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]); }
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function byId(id) { return document.getElementById(id); }

  // ---- legend and matrix ------------------------------------------------------------------
  var legend = byId("legend");
  Object.keys(MARK).forEach(function (k) { legend.appendChild(el("span", {"class": MARK[k][1]}, MARK[k][0] + "  " + MARK[k][2])); });
  var table = el("table", {id: "matrix-table"});
  var head1 = el("tr"), head2 = el("tr");
  head1.appendChild(el("th", {rowspan: 2}, "property"));
  var flows = [];
  D.columns.forEach(function (c) { if (flows.indexOf(c.flow) < 0) flows.push(c.flow); });
  flows.forEach(function (f) {
    var n = D.columns.filter(function (c) { return c.flow === f; }).length;
    var title = D.flows[f] ? D.flows[f].title + " (" + D.flows[f].clause + ")" : "";
    head1.appendChild(el("th", {colspan: n, title: title}, f === null ? "model" : f));
  });
  D.columns.forEach(function (c) { head2.appendChild(el("th", {"class": "col", title: c.label}, c.label)); });
  var thead = el("thead"); thead.appendChild(head1); thead.appendChild(head2); table.appendChild(thead);
  var cellOf = {};
  D.results.forEach(function (r, i) { cellOf[r.p + "/" + r.c] = i; });
  var tbody = el("tbody");
  D.properties.forEach(function (p, pi) {
    var used = D.columns.some(function (c, ci) { return (pi + "/" + ci) in cellOf; });
    if (!used) return;
    var tr = el("tr");
    var anyUnexpected = false;
    tr.appendChild(el("th", {"class": "prop", title: p.statement}, p.id));
    D.columns.forEach(function (c, ci) {
      var ri = cellOf[pi + "/" + ci];
      if (ri === undefined) { tr.appendChild(el("td", {"class": "na", title: "not applicable"}, "")); return; }
      var r = D.results[ri];
      anyUnexpected = anyUnexpected || r.unexpected;
      var td = el("td", {"class": "cell " + MARK[r.mark][1] + (r.unexpected ? " unexpected" : ""), tabindex: 0,
                         "data-result": ri, "data-mark": r.mark, "data-unexpected": r.unexpected ? "yes" : "no",
                         "data-verdict": r.verdict, "data-expected": r.expected,
                         "data-property": p.id, "data-flow": c.flow, "data-trace": r.steps.length ? "yes" : "no",
                         title: p.id + " on " + c.flow + " [" + c.label + "]: " + r.verdict + ", expected " +
                                r.expected + " - " + MARK[r.mark][2]},
                  MARK[r.mark][0]);
      td.addEventListener("click", function () { show(ri, true); });
      td.addEventListener("keydown", function (ev) { if (ev.key === "Enter") show(ri, true); });
      tr.appendChild(td);
    });
    if (!anyUnexpected) tr.classList.add("all-expected");
    tbody.appendChild(tr);
  });
  table.appendChild(tbody);
  byId("matrix").appendChild(table);
  // The second header row sticks just below the first, whatever height the first has.
  table.style.setProperty("--head1", head1.getBoundingClientRect().height + "px");
  var nUnexpected = D.results.filter(function (r) { return r.unexpected; }).length;
  var only = byId("only-unexpected");
  byId("n-unexpected").textContent = nUnexpected + " of " + D.results.length + " verdicts differ from their expectation";
  only.addEventListener("change", function () { table.classList.toggle("only-unexpected", only.checked); });

  // ---- one result: its trace as a sequence diagram, a step list and the global state -------
  var current = null, step = 0;
  function show(ri, scroll) {
    var r = D.results[ri], p = D.properties[r.p], c = D.columns[r.c];
    current = r;
    document.querySelectorAll("td.cell.selected").forEach(function (t) { t.classList.remove("selected"); });
    var td = document.querySelector('td.cell[data-result="' + ri + '"]');
    if (td) td.classList.add("selected");
    var d = byId("detail");
    d.classList.add("open");
    byId("d-title").textContent = p.id + " on " + (c.flow === null ? "the model" : c.flow) + " [" + c.label + "]";
    byId("d-statement").textContent = p.statement;
    byId("d-clause").textContent = p.clause + (p.source ? "  (" + p.source + ")" : "");
    var v = byId("d-verdict");
    v.textContent = r.verdict + " (expected " + r.expected + ") - " + MARK[r.mark][2];
    v.className = "verdict " + MARK[r.mark][1];
    byId("d-reason").textContent = r.reason || "";
    byId("d-replay").textContent = r.replay || "";
    var has = r.steps && r.steps.length > 0;
    byId("trace-view").style.display = has ? "" : "none";
    byId("d-notrace").style.display = has ? "none" : "";
    byId("seq").innerHTML = has && r.svg !== null ? D.svgs[r.svg] : "";
    var ol = byId("steps");
    ol.innerHTML = "";
    if (has) {
      r.steps.forEach(function (s, k) {
        var li = el("li", {"data-step": k + 1, "class": (s.violation ? "violation " : "") + (s.loop ? "loop" : "")});
        if (s.step) li.appendChild(el("span", {"class": "lbl"}, "[" + s.step + "]"));
        li.appendChild(document.createTextNode(s.text));
        li.addEventListener("click", function () { setStep(k + 1); });
        ol.appendChild(li);
      });
    }
    setStep(0);
    if (location.hash !== "#r" + ri) history.replaceState(null, "", "#r" + ri);
    if (scroll) d.scrollIntoView({block: "start"});
  }
  function setStep(k) {
    var r = current;
    if (!r || !r.steps) return;
    var n = r.steps.length;
    step = Math.max(0, Math.min(n, k));
    byId("stepinfo").textContent = step === 0 ? "initial state (step 0 of " + n + ")" : "step " + step + " of " + n;
    byId("b-first").disabled = byId("b-prev").disabled = step === 0;
    byId("b-next").disabled = byId("b-last").disabled = step === n;
    document.querySelectorAll("#steps li").forEach(function (li) {
      var on = Number(li.getAttribute("data-step")) === step;
      li.classList.toggle("current", on);
      if (on) li.scrollIntoView({block: "nearest"});
    });
    // Rows of later actions fade out, so stepping draws the diagram as the run unfolds; the rows
    // of this action are lit.  (An arrow is drawn at the action its label belongs to, which may
    // be its receipt: a step that only sends can light nothing new.)
    var first = null;
    document.querySelectorAll("#seq g[data-action]").forEach(function (g) {
      var n = Number(g.getAttribute("data-action"));
      g.classList.toggle("future", n > step);
      g.classList.toggle("current", n === step);
      if (n === step && !first) first = g;
    });
    if (first && first.scrollIntoView) first.scrollIntoView({block: "nearest"});
    var now = step === 0 ? r.initial : r.steps[step - 1].state;
    var before = step <= 1 ? r.initial : r.steps[step - 2].state;
    if (step === 0) before = now;
    drawState(now || {}, before || {});
  }
  function drawState(now, before) {
    var t = byId("state");
    t.innerHTML = "";
    var head = el("tr"); head.appendChild(el("th", null, "entity / channel")); head.appendChild(el("th", null, "state after this step"));
    t.appendChild(head);
    Object.keys(now).forEach(function (k) {
      if (k === "channels") return;
      var tr = el("tr");
      tr.appendChild(el("td", null, k));
      tr.appendChild(el("td", {"class": before[k] !== now[k] ? "changed" : ""}, String(now[k])));
      t.appendChild(tr);
    });
    var chans = now.channels || {}, old = before.channels || {};
    Object.keys(chans).forEach(function (k) {
      var tr = el("tr");
      tr.appendChild(el("td", null, k + " (in transit)"));
      var txt = chans[k].join(", ");
      tr.appendChild(el("td", {"class": (old[k] || []).join(", ") !== txt ? "changed" : ""}, txt));
      t.appendChild(tr);
    });
    if (!Object.keys(chans).length) {
      var tr = el("tr"); tr.appendChild(el("td", null, "channels")); tr.appendChild(el("td", {"class": "muted"}, "all empty")); t.appendChild(tr);
    }
  }
  byId("b-first").addEventListener("click", function () { setStep(0); });
  byId("b-prev").addEventListener("click", function () { setStep(step - 1); });
  byId("b-next").addEventListener("click", function () { setStep(step + 1); });
  byId("b-last").addEventListener("click", function () { setStep(current ? current.steps.length : 0); });
  document.addEventListener("keydown", function (ev) {
    if (!current || ev.target.tagName === "INPUT") return;
    if (ev.key === "ArrowRight") { setStep(step + 1); ev.preventDefault(); }
    if (ev.key === "ArrowLeft") { setStep(step - 1); ev.preventDefault(); }
  });

  // ---- properties, state charts, statistics --------------------------------------------
  var pt = byId("props");
  D.properties.forEach(function (p) {
    var tr = el("tr", {id: "prop-" + p.id});
    tr.appendChild(el("td", null, p.id));
    tr.appendChild(el("td", null, p.statement));
    tr.appendChild(el("td", null, p.kind));
    tr.appendChild(el("td", null, p.clause));
    var exp = p.expected.length ? p.expected.map(function (e) {
      var when = Object.keys(e.when).map(function (k) { return k + "=" + e.when[k]; }).join(", ") || "always";
      return e.verdict + " when " + when + (e.reason ? ": " + e.reason : "");
    }).join("; ") : "holds";
    tr.appendChild(el("td", null, exp));
    pt.appendChild(tr);
  });
  var charts = byId("charts");
  D.charts.forEach(function (c) {
    var det = el("details", {open: "", id: "chart-" + c.entity});
    det.appendChild(el("summary", null, c.entity + (c.clause ? " (" + c.clause + ")" : "")));
    var box = el("div", {"class": "svgbox"});
    box.innerHTML = c.svg;
    det.appendChild(box);
    charts.appendChild(det);
  });
  if (!D.charts.length) charts.appendChild(el("p", {"class": "muted"}, "No state charts in this report."));
  var st = byId("stats");
  var s = D.stats;
  [["runs (flow x variant)", s.runs], ["explored", s.explored + (s.shared ? " (" + s.shared + " decided by an earlier run of the same system)" : "")],
   ["verdicts", s.results], ["states explored", s.states.toLocaleString("en")],
   ["transitions", s.transitions.toLocaleString("en")], ["wall time", s.seconds + " s"],
   ["checking time (all workers)", s.cpu_seconds + " s"], ["workers", s.workers + " (" + s.executor + (s.workers_chosen ? "; " + s.workers_chosen : "") + ")"]].forEach(function (row) {
    var tr = el("tr"); tr.appendChild(el("th", null, row[0])); tr.appendChild(el("td", null, String(row[1]))); st.appendChild(tr);
  });
  var cs = byId("colstats");
  D.columns.forEach(function (c) {
    var tr = el("tr");
    [c.flow === null ? "model" : c.flow, c.label, (c.stats.states || 0).toLocaleString("en"),
     (c.stats.transitions || 0).toLocaleString("en"), c.stats.depth === undefined ? "" : c.stats.depth,
     (c.stats.seconds || 0) + " s" + (c.stats.shared_with !== undefined ? " (same system as " + D.columns[c.stats.shared_with].flow + " " + D.columns[c.stats.shared_with].label + ")" : "")].forEach(function (x) { tr.appendChild(el("td", null, String(x))); });
    cs.appendChild(tr);
  });
  var m = /^#r(\d+)$/.exec(location.hash);
  if (m && D.results[Number(m[1])]) show(Number(m[1]), true);
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>__TITLE__</title>
<style>__CSS__</style>
</head>
<body>
<header>
  <h1>__TITLE__</h1>
  <div class="sub">__SUBTITLE__</div>
</header>
<nav><a href="#sec-matrix">Verdicts</a><a href="#sec-props">Properties</a><a href="#sec-charts">State charts</a><a href="#sec-stats">Statistics</a></nav>
<main>
<section id="sec-matrix">
  <h2>Verdicts: property x flow x variant</h2>
  <p class="muted">Click a cell for its trace: the sequence diagram, the steps and the global state after each step.</p>
  <div class="legend" id="legend"></div>
  <div class="filter"><label><input type="checkbox" id="only-unexpected"> unexpected only</label>
    <span class="muted" id="n-unexpected"></span></div>
  <div id="matrix"></div>
</section>
<section id="detail" aria-live="polite">
  <h3 id="d-title"></h3>
  <p><span class="verdict" id="d-verdict"></span></p>
  <p id="d-statement"></p>
  <p><b>Seed clause:</b> <span id="d-clause"></span></p>
  <p id="d-reason" class="muted"></p>
  <p><b>Replay:</b> <code id="d-replay"></code></p>
  <p id="d-notrace" class="muted">This verdict has no trace.</p>
  <div id="trace-view">
    <div class="controls">
      <button id="b-first" title="initial state">&#xAB; start</button>
      <button id="b-prev" title="previous step (left arrow)">&#x25C0; back</button>
      <button id="b-next" title="next step (right arrow)">forward &#x25B6;</button>
      <button id="b-last" title="last step">end &#xBB;</button>
      <span id="stepinfo"></span>
    </div>
    <div class="trace-view">
      <div id="seq"></div>
      <div>
        <ol id="steps"></ol>
        <table id="state"></table>
      </div>
    </div>
  </div>
</section>
<section id="sec-props">
  <h2>Properties</h2>
  <table class="prop-list"><thead><tr><th>id</th><th>statement</th><th>kind</th><th>seed clause</th><th>expected</th></tr></thead>
  <tbody id="props"></tbody></table>
</section>
<section id="sec-charts" class="charts">
  <h2>Entity state charts</h2>
  <div id="charts"></div>
</section>
<section id="sec-stats">
  <h2>Statistics</h2>
  <table id="stats"></table>
  <h3>Per run</h3>
  <table><thead><tr><th>flow</th><th>variant</th><th>states</th><th>transitions</th><th>depth</th><th>time</th></tr></thead>
  <tbody id="colstats"></tbody></table>
  <p class="muted">__FOOTER__</p>
</section>
</main>
<script type="application/json" id="imsflow-data">__DATA__</script>
<script>__JS__</script>
</body>
</html>
"""
