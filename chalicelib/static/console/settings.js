/* The console's settings area: a list of sections and the open one. Each section is a module
 * of its own (static/console/settings-*.js, one <script> line each in console.html) that
 * registers itself:
 *
 *   Desk.settings.register({
 *     id: "agents", title: "settings.agents.title",   // a key of i18n.js's tables
 *     admin: true,                                    // admin: shown to admins only
 *     render: function (panel, path) { ... }         // fills the panel; called on each visit
 *   });
 *
 * A section finds the console's helpers on window.Desk (call, el, clear, toast, when, me, and
 * t: the agent's language, static/console/i18n.js).
 * The address is #settings/<id>, so a reload or a link opens the same section. A section with
 * pages of its own (a list and an item's editor) uses #settings/<id>/<a>/<b>...: render gets
 * those segments as ``path`` (["a", "b"]; [] for the section itself), each lower-case letters,
 * digits and '-', and is called again when they change. */
(function () {
  "use strict";
  var Desk = window.Desk;
  var sections = [];
  var $ = function (id) { return document.getElementById(id); };

  function visible() {
    var me = Desk.me();
    return sections.filter(function (s) { return !s.admin || (me && me.role === "admin"); });
  }

  function renderNav(active) {
    var nav = $("settings-sections");
    Desk.clear(nav);
    visible().forEach(function (s) {
      var li = Desk.el("li");
      var a = Desk.el("a", { href: "#settings/" + s.id }, Desk.t(s.title));
      if (s.id === active) a.setAttribute("aria-current", "page");
      li.appendChild(a);
      nav.appendChild(li);
    });
  }

  function show(id, path) {
    var list = visible();
    var section = list.filter(function (s) { return s.id === id; })[0] || list[0];
    document.body.classList.add("in-settings");
    $("settings").hidden = false;
    $("open-settings").setAttribute("aria-expanded", "true");
    renderNav(section && section.id);
    var panel = $("settings-panel");
    Desk.clear(panel);
    if (!section) { panel.appendChild(Desk.el("p", { "class": "muted" }, Desk.t("settings.nothing"))); return; }
    var title = Desk.el("h2", { id: "settings-title", tabindex: "-1" }, Desk.t(section.title));
    panel.appendChild(title);
    var body = Desk.el("div", { "class": "settings-body" });
    panel.appendChild(body);
    try { section.render(body, section.id === id ? path || [] : []); } catch (e) { Desk.toast(Desk.t("settings.failed", { error: e.message }), "breach"); }
    title.focus();
  }

  function hide() {
    document.body.classList.remove("in-settings");
    $("settings").hidden = true;
    $("open-settings").setAttribute("aria-expanded", "false");
  }

  // The address drawn last: the console's start (its agents' list loads after the agent's
  // own profile) routes again when ready, and a section already open at that address is not
  // drawn again, or what the agent has begun typing there would be wiped.
  var drawn = null;
  function route(force) {
    var m = /^#settings(?:\/([a-z0-9-]+)((?:\/[a-z0-9-]+)*))?$/.exec(location.hash);
    if (!(m && Desk.me())) { drawn = null; hide(); return; }
    if (force !== true && drawn === location.hash && !$("settings").hidden) return;
    drawn = location.hash;
    show(m[1], m[2] ? m[2].slice(1).split("/") : []);
  }

  // Field-level messages from an API error: details [{field: "policies/0/targets/resolution",
  // message}] (the JSON Schema check, and the services' own checks) go next to the input whose
  // data-field is that path (or the nearest enclosing one), linked by aria-describedby and
  // marked aria-invalid. ``fallback``: the data-field for an error without such details. Returns
  // how many messages were placed; clears the previous ones first.
  function fieldErrors(form, error, fallback) {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) {
      var input = form.querySelector('[aria-describedby~="' + p.id + '"]');
      if (input) {
        input.removeAttribute("aria-invalid");
        var rest = input.getAttribute("aria-describedby").split(" ").filter(function (i) { return i && i !== p.id; });
        if (rest.length) input.setAttribute("aria-describedby", rest.join(" ")); else input.removeAttribute("aria-describedby");
      }
      p.remove();
    });
    if (!error) return 0;
    var details = Array.isArray(error.details) ? error.details
      : (fallback ? [{ field: fallback, message: error.message }] : []);
    var placed = 0;
    details.forEach(function (d, i) {
      var path = String(d.field || "").split("/"), input = null;
      while (path.length && !input) {
        input = form.querySelector('[data-field="' + path.join("/") + '"]');
        path.pop();
      }
      if (!input) return;
      var id = (form.id || "form") + "-field-error-" + i;
      var p = Desk.el("p", { id: id, "class": "error field-error" }, d.message);
      input.insertAdjacentElement("afterend", p);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + id).trim());
      if (!placed) input.focus();
      placed += 1;
    });
    return placed;
  }

  // On a phone the sections' tables are stacked (settings.css): each cell carries its column's
  // name (data-label, shown before it there), or a figure such as "0" would say nothing. Tables
  // are redrawn as their lists load, so the panel is watched rather than each section asked.
  function labelCells(root) {
    Array.prototype.forEach.call(root.querySelectorAll("table"), function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      if (!names.length) return;
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          if (!cell.hasAttribute("colspan") && names[i] && cell.getAttribute("data-label") !== names[i]) cell.setAttribute("data-label", names[i]);
        });
      });
    });
  }
  new MutationObserver(function () { labelCells($("settings-panel")); })
    .observe($("settings-panel"), { childList: true, subtree: true });

  Desk.settings = {
    register: function (section) { sections.push(section); if (Desk.me()) route(true); },
    route: function () { route(true); },
    fieldErrors: fieldErrors
  };
  $("open-settings").addEventListener("click", function () {
    if (location.hash.indexOf("#settings") === 0) location.hash = ""; else location.hash = "#settings";
  });
  $("close-settings").addEventListener("click", function () { location.hash = ""; });
  window.addEventListener("hashchange", route);
  Desk.onReady(route);
})();
