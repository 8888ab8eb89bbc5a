/* Bulk actions on the ticket list: a checkbox on each ticket, and for the selected ones a bar
 * that changes status, priority, assignee, team and tags at once (PATCH /tickets). Each ticket
 * is its own conditional write against the version listed: one changed meanwhile fails alone,
 * and the agent is told which and why. */
(function () {
  "use strict";
  var Desk = window.Desk;
  var el = Desk.el, t = Desk.t;
  var selected = {}; // id -> the ticket as listed
  var $ = function (id) { return document.getElementById(id); };

  var bar = el("form", { "class": "bulk", id: "bulk", "aria-label": t("bulk.label"), hidden: "" });
  var count = el("p", { id: "bulk-count", role: "status", "class": "muted" });
  function field(id, text, control) {
    var f = el("div", { "class": "field" });
    f.appendChild(el("label", { "for": id }, text));
    control.id = id;
    f.appendChild(control);
    bar.appendChild(f);
    return control;
  }
  function options(select, list) {
    list.forEach(function (o) { select.appendChild(el("option", { value: o[0] }, o[1])); });
    return select;
  }
  var KEEP = [["", t("bulk.keep")]];
  function named(kind, values) { return values.map(function (v) { return [v, Desk.i18n[kind](v)]; }); }
  bar.appendChild(count);
  var status = field("bulk-status", t("bulk.status"), options(el("select"), KEEP.concat(named("status", ["open", "pending", "solved", "closed"]))));
  var priority = field("bulk-priority", t("bulk.priority"), options(el("select"), KEEP.concat(named("priority", ["low", "normal", "high", "urgent"]))));
  var assignee = field("bulk-assignee", t("bulk.assignee"), el("select"));
  var team = field("bulk-team", t("bulk.team"), el("input", { pattern: "[a-z0-9][a-z0-9-]{0,39}", placeholder: t("bulk.keep_placeholder") }));
  var tag = field("bulk-tag", t("bulk.tag"), el("input", { pattern: "[a-z0-9][a-z0-9_:\\-]{0,49}", placeholder: "vip" }));
  var apply = el("button", { type: "submit", "class": "primary" }, t("bulk.apply"));
  var none = el("button", { type: "button", "class": "ghost" }, t("bulk.clear"));
  bar.appendChild(apply); bar.appendChild(none);
  var section = document.querySelector("section.list");
  section.insertBefore(bar, $("tickets"));

  function fillAssignees() {
    Desk.clear(assignee);
    options(assignee, KEEP.concat([["-", t("view.unassigned")]]));
    var agents = Desk.agents();
    Object.keys(agents).forEach(function (id) { assignee.appendChild(el("option", { value: id }, agents[id].name)); });
  }
  Desk.onReady(fillAssignees);

  function refresh() {
    var n = Object.keys(selected).length;
    bar.hidden = n === 0;
    count.textContent = t("bulk.selected", { count: n });
  }

  Desk.onList(function (list, items) {
    var byId = {};
    items.forEach(function (t) { byId[t.id] = t; });
    Object.keys(selected).forEach(function (id) { if (byId[id]) selected[id] = byId[id]; else delete selected[id]; });
    Array.prototype.forEach.call(list.querySelectorAll("li"), function (li) {
      var button = li.querySelector("[data-ticket]");
      var t = button && byId[button.getAttribute("data-ticket")];
      if (!t) return;
      li.classList.add("selectable");
      var box = el("input", { type: "checkbox", "data-select": t.id, "aria-label": Desk.t("bulk.select", { ticket: "#" + t.number + " " + t.subject }) });
      box.checked = !!selected[t.id];
      box.addEventListener("change", function () {
        if (box.checked) selected[t.id] = t; else delete selected[t.id];
        refresh();
      });
      li.insertBefore(box, button);
    });
    refresh();
  });

  none.addEventListener("click", function () {
    selected = {};
    Array.prototype.forEach.call(document.querySelectorAll("[data-select]"), function (b) { b.checked = false; });
    refresh();
  });

  bar.addEventListener("submit", function (event) {
    event.preventDefault();
    var changes = {};
    if (status.value) changes.status = status.value;
    if (priority.value) changes.priority = priority.value;
    if (assignee.value) changes.assignee_id = assignee.value === "-" ? null : assignee.value;
    if (team.value.trim()) changes.team = team.value.trim();
    if (tag.value.trim()) changes.add_tags = [tag.value.trim().toLowerCase()];
    var ids = Object.keys(selected);
    if (!ids.length) return;
    if (!Object.keys(changes).length) { Desk.toast(t("bulk.nothing"), "breach"); return; }
    apply.disabled = true;
    Desk.call("PATCH", "/tickets", {
      tickets: ids.map(function (id) { return { id: id, version: selected[id].version }; }),
      changes: changes
    }).then(function (result) {
      var failed = result.results.filter(function (r) { return !r.ok; });
      result.results.forEach(function (r) { if (r.ok) delete selected[r.id]; });
      Desk.toast(t("bulk.changed", { done: result.succeeded, count: result.results.length }));
      failed.forEach(function (r) {
        var ticket = selected[r.id];
        Desk.toast((ticket ? "#" + ticket.number + ": " : "") + Desk.i18n.error(r.error.code, r.error.message), "breach");
      });
      [status, priority, assignee].forEach(function (s) { s.value = ""; });
      team.value = ""; tag.value = "";
      Desk.reload();
    }).catch(function (e) { Desk.toast(e.message, "breach"); })
      .then(function () { apply.disabled = false; });
  });
})();
