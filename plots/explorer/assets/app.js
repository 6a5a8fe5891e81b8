// sibsim explorer: the form, runs with progress, and saved variants.
// Plain JavaScript, no dependencies; served from the same origin only.
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var mode = document.body.getAttribute("data-mode");
  var form = $("variant");
  var currentJob = null;
  var runSeq = 0;

  // b64url encodes a string's UTF-8 bytes as base64url without padding.
  function b64url(s) {
    var bytes = new TextEncoder().encode(s), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function inputs() { return Array.prototype.slice.call(document.querySelectorAll(".lever-input")); }

  // variant reads the form as the server's Variant JSON.
  function variant() {
    var v = { b: $("baseline").value };
    var name = $("name").value.trim();
    if (name) v.n = name;
    var o = [];
    inputs().forEach(function (el) {
      var base = el.getAttribute("data-base"), val = el.value.trim();
      var same = val === base || (val !== "" && Number(val) === Number(base));
      el.parentNode.classList.toggle("changed", !same);
      if (!same) o.push([el.getAttribute("data-path"), val]);
    });
    if (o.length) v.o = o;
    v.r = parseInt($("replications").value, 10) || 0;
    v.s = parseInt($("seed").value, 10) || 0;
    return v;
  }

  function token() { return b64url(JSON.stringify(variant())); }

  function setLinks(tok) {
    $("share").href = "/?v=" + tok;
    $("yaml").href = "/api/yaml?v=" + tok;
    $("csv").href = "/api/csv?v=" + tok;
  }

  function post(url, params) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: params
    });
  }

  function status(text, isError) {
    $("status").textContent = text;
    $("status").classList.toggle("error", !!isError);
  }

  // showProblems puts each problem beside its lever, the rest above the form.
  function showProblems(problems) {
    document.querySelectorAll(".lever").forEach(function (d) {
      d.classList.remove("bad");
      d.querySelector(".msg").textContent = "";
    });
    var box = $("problems");
    box.textContent = "";
    (problems || []).forEach(function (p) {
      var lever = p.field ? document.querySelector('.lever[data-path="' + CSS.escape(p.field) + '"]') : null;
      if (lever) {
        lever.classList.add("bad");
        var m = lever.querySelector(".msg");
        m.textContent = (m.textContent ? m.textContent + " " : "") + p.msg;
        var details = lever.closest("details");
        if (details) details.open = true;
      } else {
        var el = document.createElement("p");
        el.className = "problem";
        el.textContent = p.text;
        box.appendChild(el);
      }
    });
  }

  var validateTimer = null;
  function changed() {
    var tok = token();
    setLinks(tok);
    clearTimeout(validateTimer);
    validateTimer = setTimeout(function () { validate(tok); }, 250);
  }

  function validate(tok) {
    return post("/api/validate", "v=" + tok).then(function (r) {
      return r.json().then(function (body) {
        showProblems(r.ok ? [] : body.problems || [{ text: body.error }]);
        return r.ok;
      });
    }).catch(function (e) { status("cannot reach the server: " + e.message, true); return false; });
  }

  function setRunning(on) {
    $("run").disabled = on;
    $("cancel").disabled = !on;
    $("progress").hidden = !on;
  }

  // run starts a job and polls it until it ends, then shows its results.
  function run(params, after) {
    var seq = ++runSeq;
    status("starting");
    setRunning(true);
    post("/api/run", params).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) {
          setRunning(false);
          if (body.problems) showProblems(body.problems);
          status(body.error || ("error " + r.status), true);
          return;
        }
        poll(body, seq, after);
      });
    }).catch(function (e) { setRunning(false); status("cannot reach the server: " + e.message, true); });
  }

  function poll(st, seq, after) {
    if (seq !== runSeq) return;
    currentJob = st.id;
    var p = $("progress");
    p.max = Math.max(st.total, 1);
    p.value = st.done;
    if (st.state === "queued" || st.state === "running") {
      status(st.state === "queued" ? "waiting for another run to finish" : "running: " + st.done + " of " + st.total + " replications");
      fetch("/api/jobs/" + st.id + "?wait=300").then(function (r) { return r.json(); })
        .then(function (next) { poll(next, seq, after); })
        .catch(function (e) { setRunning(false); status("cannot reach the server: " + e.message, true); });
      return;
    }
    setRunning(false);
    currentJob = null;
    if (st.state !== "done") {
      status(st.state + (st.error && st.error !== "cancelled" ? ": " + st.error : ""), st.state === "failed");
      return;
    }
    fetch("/api/views/" + st.id).then(function (r) {
      if (!r.ok) throw new Error("results not found");
      return r.text();
    }).then(function (html) {
      if (seq !== runSeq) return;
      $("results").innerHTML = html; // rendered by html/template on the server
      status("done");
      if (after) after();
    }).catch(function (e) { status(e.message, true); });
  }

  $("cancel").addEventListener("click", function () {
    if (!currentJob) return;
    post("/api/jobs/" + currentJob + "/cancel", "");
  });

  // Saved variants, kept in this browser.
  function saved() {
    try { return JSON.parse(localStorage.getItem("sibsim-saved") || "[]"); } catch (e) { return []; }
  }
  function store(list) { localStorage.setItem("sibsim-saved", JSON.stringify(list)); }
  function renderSaved() {
    var ul = $("saved-list");
    ul.textContent = "";
    saved().forEach(function (s, i) {
      var li = document.createElement("li");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = s.token;
      box.id = "saved-" + i;
      var label = document.createElement("label");
      label.htmlFor = box.id;
      label.textContent = s.name;
      var open = document.createElement("a");
      open.href = "/?v=" + s.token;
      open.textContent = "open";
      var del = document.createElement("button");
      del.type = "button";
      del.textContent = "remove";
      del.addEventListener("click", function () {
        var list = saved();
        list.splice(i, 1);
        store(list);
        renderSaved();
      });
      li.append(box, " ", label, " ", open, " ", del);
      ul.appendChild(li);
    });
  }
  $("open-compare").addEventListener("click", function () {
    var ticked = Array.prototype.slice.call(document.querySelectorAll("#saved-list input:checked"));
    if (ticked.length < 1) { alertText("tick at least one saved variant"); return; }
    location.href = "/compare?mode=compare&" + ticked.map(function (b) { return "v=" + b.value; }).join("&");
  });
  function alertText(t) { status(t, true); }
  renderSaved();

  if (mode === "compare") {
    var params = "mode=compare&" + Array.prototype.slice.call(document.querySelectorAll("#items li"))
      .map(function (li) { return "v=" + li.getAttribute("data-token"); }).join("&");
    $("run").addEventListener("click", function () { run(params); });
    if (document.querySelectorAll("#items li").length > 0) run(params);
    return;
  }

  form.addEventListener("input", function (ev) {
    if (ev.target.id === "upload" || ev.target.id === "baseline") return;
    changed();
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var tok = token();
    setLinks(tok);
    history.replaceState(null, "", "/?v=" + tok);
    run("v=" + tok);
  });
  $("baseline").addEventListener("change", function () {
    var v = { b: $("baseline").value, r: parseInt($("replications").value, 10) || 20, s: parseInt($("seed").value, 10) || 1 };
    location.href = "/?v=" + b64url(JSON.stringify(v));
  });
  $("reset").addEventListener("click", function () {
    inputs().forEach(function (el) { el.value = el.getAttribute("data-base"); });
    changed();
  });
  $("save").addEventListener("click", function () {
    var v = variant();
    var list = saved();
    var tok = b64url(JSON.stringify(v));
    list.push({ name: v.n || (v.o ? $("name").placeholder + " (" + v.o.length + " changes)" : v.b), token: tok });
    store(list);
    renderSaved();
    status("saved");
  });
  $("upload").addEventListener("change", function () {
    var f = $("upload").files[0];
    if (!f) return;
    fetch("/api/upload?name=" + encodeURIComponent(f.name), { method: "POST", body: f })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) {
            showProblems(body.problems || []);
            status(body.error, true);
            return;
          }
          location.href = "/?v=" + body.token;
        });
      }).catch(function (e) { status("upload failed: " + e.message, true); });
  });

  // A page opened from a link answers at once when its results are cached.
  var tok = token();
  setLinks(tok);
  validate(tok).then(function (ok) { if (ok) run("v=" + tok); });
})();
