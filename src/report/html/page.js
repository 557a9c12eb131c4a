// Renders the report from the JSON model embedded in the page. Everything
// is built with textContent: no text of the run is ever parsed as HTML.
(function () {
  "use strict";
  var model = JSON.parse(document.getElementById("gatecheck-model").textContent);
  var PASS = "rgb(200, 240, 200)", FAIL = "rgb(255, 205, 205)";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function ms(n) { return n >= 1000 ? (n / 1000).toFixed(2) + " s" : n + " ms"; }
  function count(status) {
    return model.trials.filter(function (t) { return t.status === status; }).length;
  }

  model.trials.forEach(function (t, i) { t.id = "t-" + i; });

  function summary() {
    var runs = model.runs;
    var total = runs.reduce(function (a, r) { return Math.max(a, r.duration_ms); }, 0);
    var sum = function (k) { return runs.reduce(function (a, r) { return a + r[k]; }, 0); };
    var box = el("section", { id: "summary" }, [el("h2", { text: "Summary" })]);
    var stats = el("div", { class: "stats" });
    [["passed", count("passed")], ["failed", count("failed")], ["ignored", count("ignored")]]
      .forEach(function (p) {
        stats.appendChild(el("div", { class: "stat " + p[0], "data-stat": p[0] }, [
          el("b", { text: String(p[1]) }), el("span", { text: p[0] })]));
      });
    box.appendChild(stats);
    var dl = el("dl");
    function row(k, v) { dl.appendChild(el("dt", { text: k })); dl.appendChild(el("dd", { text: v })); }
    row("run time", ms(total) + (runs.length > 1 ? " (longest of " + runs.length + " shards)" : ""));
    row("logins made", String(sum("logins")));
    row("snapshots pending", String(sum("pending_snapshots")));
    runs.forEach(function (r) {
      row(r.partition ? "command (" + r.partition + ")" : "command", r.command);
      if (r.commit) row("commit", r.commit);
      row("started", r.started);
    });
    box.appendChild(dl);
    return box;
  }

  function matrix() {
    var cells = model.trials.filter(function (t) { return t.matrix; });
    var box = el("section", { id: "matrix" }, [el("h2", { text: "Authorization matrix" })]);
    if (!cells.length) {
      box.appendChild(el("p", { text: "No test has a per-identity status." }));
      return box;
    }
    var ids = [], rows = [], byRow = {};
    cells.forEach(function (t) {
      if (ids.indexOf(t.identity) < 0) ids.push(t.identity);
      var key = t.suite_id + "::" + t.test + " " + t.matrix.endpoint;
      if (!byRow[key]) { byRow[key] = { t: t, cells: {} }; rows.push(key); }
      byRow[key].cells[t.identity] = t;
    });
    ids.sort();
    rows.sort();
    var head = el("tr", {}, [el("th", { text: "Endpoint" })]);
    ids.forEach(function (id) { head.appendChild(el("th", { text: id })); });
    var table = el("table", { class: "grid" }, [el("thead", {}, [head])]);
    var body = el("tbody");
    rows.forEach(function (key) {
      var r = byRow[key];
      var tr = el("tr", {}, [el("th", { scope: "row" }, [
        el("code", { text: r.t.matrix.endpoint }), el("small", { text: r.t.suite_id + "::" + r.t.test })])]);
      ids.forEach(function (id) {
        var t = r.cells[id];
        if (!t) { tr.appendChild(el("td", { class: "cell none", text: "–" })); return; }
        var ok = t.status === "passed", ign = t.status === "ignored";
        var got = ign ? "ignored" : (t.matrix.actual === null ? "no response" : String(t.matrix.actual));
        var a = el("a", { href: "#" + t.id }, [
          el("span", { class: "exp", text: "expected " + t.matrix.expected }),
          el("span", { class: "got", text: "got " + got })]);
        var td = el("td", { class: "cell " + (ign ? "ignored" : ok ? "pass" : "fail"),
          "data-identity": id, "data-trial": t.name }, [a]);
        if (!ign) td.style.backgroundColor = ok ? PASS : FAIL;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.appendChild(table);
    return box;
  }

  // The OpenAPI coverage grid (`--openapi`): operations x identities.
  function coverage() {
    var c = model.coverage;
    var box = el("section", { id: "coverage" }, [el("h2", { text: "OpenAPI coverage" }),
      el("p", { text: c.document + ": " + c.percent + "% (" + c.covered + " of " + c.cells +
        " cells; public operations count for none only)" })]);
    var byName = {};
    model.trials.forEach(function (t) { byName[t.name] = t; });
    var head = el("tr", {}, [el("th", { text: "Operation" })]);
    c.columns.forEach(function (id) { head.appendChild(el("th", { text: id })); });
    var table = el("table", { class: "grid" }, [el("thead", {}, [head])]);
    var body = el("tbody");
    c.rows.forEach(function (r) {
      var tr = el("tr", { "data-operation": r.operation }, [el("th", { scope: "row" }, [
        el("code", { text: r.operation }), el("small", { text: r.security })])]);
      r.cells.forEach(function (cell, i) {
        var result = cell.result || "";
        var label = cell.state === "covered" ? "covered, " + result.replace("-", " ") : cell.state;
        var td = el("td", { class: "cell cov-" + cell.state + (result ? " " + result : ""),
          "data-identity": c.columns[i], "data-state": cell.state, "data-result": result },
          [el("span", { text: label })]);
        cell.trials.forEach(function (name) {
          var t = byName[name];
          td.appendChild(el("br"));
          td.appendChild(t ? el("a", { href: "#" + t.id, text: name }) : el("small", { text: name }));
        });
        if (result === "passed") td.style.backgroundColor = PASS;
        if (result === "failed" || cell.state === "missing") td.style.backgroundColor = FAIL;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.appendChild(table);
    return box;
  }

  function pre(text, cls) { return el("pre", { class: cls || "" , text: text }); }
  function headers(list) {
    return pre(list.map(function (h) { return h[0] + ": " + h[1]; }).join("\n"), "headers");
  }
  function diff(text) {
    var p = el("pre", { class: "diff" });
    text.split("\n").forEach(function (line) {
      var c = line.indexOf("+++") === 0 || line.indexOf("---") === 0 ? "file"
        : line[0] === "+" ? "add" : line[0] === "-" ? "del" : line.indexOf("@@") === 0 ? "hunk" : "ctx";
      p.appendChild(el("span", { class: c, text: line + "\n" }));
    });
    return p;
  }
  function failure(f) {
    var li = el("li", { class: "failure" }, [
      el("div", {}, [el("code", { class: "loc", text: f.location || "" }), el("span", { text: " " + f.message })])]);
    if (f.expected !== null || f.actual !== null) {
      li.appendChild(el("table", { class: "ea" }, [
        el("tr", {}, [el("th", { text: "expected" }), el("td", { text: f.expected === null ? "—" : f.expected })]),
        el("tr", {}, [el("th", { text: "actual" }), el("td", { text: f.actual === null ? "(missing)" : f.actual })])]));
    }
    if (f.diff) li.appendChild(diff(f.diff));
    return li;
  }
  function step(s) {
    var title = (s.label ? s.label + " — " : "") + s.method + " " + s.url + " → " + s.status +
      " (" + ms(s.elapsed_ms) + (s.attempts > 1 ? ", " + s.attempts + " attempts" : "") + ")";
    return el("div", { class: "step" }, [
      el("h4", { text: title }),
      el("div", { class: "pair" }, [
        el("div", {}, [el("h5", { text: "Request" }), headers(s.request_headers),
          s.request_body ? pre(s.request_body, "body") : null]),
        el("div", {}, [el("h5", { text: "Response " + s.status }), headers(s.response_headers),
          s.response_body ? pre(s.response_body, "body") : null])])]);
  }
  function trial(t) {
    var d = el("details", { class: "trial " + t.status, id: t.id, "data-status": t.status, "data-name": t.name });
    if (t.status === "failed") d.open = true;
    d.appendChild(el("summary", {}, [el("span", { class: "badge " + t.status, text: t.status }),
      el("span", { class: "name", text: t.name }), el("span", { class: "dur", text: ms(t.duration_ms) })]));
    if (t.reason) d.appendChild(el("p", { class: "reason", text: "ignored: " + t.reason }));
    if (t.failures.length) d.appendChild(el("ul", { class: "failures" }, t.failures.map(failure)));
    t.steps.forEach(function (s) { d.appendChild(step(s)); });
    if (t.message && !t.failures.length) d.appendChild(pre(t.message, "message"));
    d.searchText = [t.name, t.suite_title, t.suite_file, t.message || ""]
      .concat(t.failures.map(function (f) { return f.message; })).join("\n").toLowerCase();
    return d;
  }
  function trials() {
    var box = el("section", { id: "trials" }, [el("h2", { text: "Trials" })]);
    var q = el("input", { id: "filter", type: "search", placeholder: "filter by text" });
    var st = el("select", { id: "status" });
    ["all", "failed", "passed", "ignored"].forEach(function (s) { st.appendChild(el("option", { value: s, text: s })); });
    var shown = el("span", { id: "shown" });
    box.appendChild(el("div", { class: "controls" }, [q, st, shown]));
    var suites = {}, order = [];
    model.trials.forEach(function (t) {
      if (!suites[t.suite_id]) { suites[t.suite_id] = []; order.push(t.suite_id); }
      suites[t.suite_id].push(t);
    });
    var rank = { failed: 0, passed: 1, ignored: 2 };
    var worst = function (id) { return Math.min.apply(null, suites[id].map(function (t) { return rank[t.status]; })); };
    order.sort(function (a, b) { return worst(a) - worst(b) || (a < b ? -1 : a > b ? 1 : 0); });
    var nodes = [];
    order.forEach(function (id) {
      var list = suites[id].slice().sort(function (a, b) {
        return rank[a.status] - rank[b.status] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      });
      var sec = el("section", { class: "suite", "data-suite": id }, [
        el("h3", { text: list[0].suite_title + " " }, [el("small", { text: list[0].suite_file })])]);
      list.forEach(function (t) { var n = trial(t); nodes.push(n); sec.appendChild(n); });
      box.appendChild(sec);
    });
    function apply() {
      var text = q.value.toLowerCase(), status = st.value, n = 0;
      nodes.forEach(function (d) {
        var show = (status === "all" || d.dataset.status === status) && d.searchText.indexOf(text) >= 0;
        d.hidden = !show;
        if (show) n++;
      });
      box.querySelectorAll("section.suite").forEach(function (s) {
        s.hidden = !s.querySelector("details.trial:not([hidden])");
      });
      shown.textContent = n + " of " + nodes.length + " trials shown";
    }
    function fromHash() {
      var h = location.hash.slice(1);
      if (h.indexOf("t-") === 0) {
        var d = document.getElementById(h);
        if (d) { d.hidden = false; d.parentNode.hidden = false; d.open = true; }
        return;
      }
      var p = new URLSearchParams(h);
      q.value = p.get("q") || "";
      st.value = p.get("status") || "all";
      apply();
    }
    function toHash() {
      var p = new URLSearchParams();
      if (q.value) p.set("q", q.value);
      if (st.value !== "all") p.set("status", st.value);
      history.replaceState(null, "", "#" + p.toString());
      apply();
    }
    q.addEventListener("input", toHash);
    st.addEventListener("change", toHash);
    window.addEventListener("hashchange", fromHash);
    box.ready = fromHash;
    return box;
  }

  var main = document.getElementById("report");
  main.appendChild(summary());
  main.appendChild(matrix());
  if (model.coverage) main.appendChild(coverage());
  var list = trials();
  main.appendChild(list);
  list.ready();
  document.body.setAttribute("data-rendered", "true");
})();
