/* Settings > SLA policies: which tickets get which response and resolution targets. The first
 * policy that matches a ticket (by priority and channel) applies; targets are minutes, counted
 * in business hours unless the policy says otherwise. What happens on a warning (at a share of
 * the target) or a breach: raise the priority a step, assign a team or an agent, add a tag,
 * notify the assignee (everyone when unassigned), call a webhook (domain/sla.py ActionKind).
 * PUT /sla/policies checks everything; its field-level messages appear next to the fields. */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;
  var PRIORITIES = ["low", "normal", "high", "urgent"];
  var CHANNELS = ["email", "chat", "api", "web", "phone"];
  var TARGETS = [["first_response", t("sla.first_response")], ["next_response", t("sla.next_response")], ["resolution", t("sla.resolution")]];
  // What an escalation may do, and what its value is (null: it takes none), as it reads inside
  // a sentence ("On warning action 1 tag").
  var ACTIONS = [
    ["notify", t("slaset.notify"), null],
    ["raise_priority", t("slaset.raise_priority"), null],
    ["assign_team", t("slaset.assign_team"), t("slaset.value_team")],
    ["assign_agent", t("slaset.assign_agent"), t("slaset.value_agent_id")],
    ["add_tag", t("slaset.add_tag"), t("slaset.value_tag")],
    ["webhook", t("slaset.webhook"), t("slaset.value_webhook_url")]
  ];
  // A level: its key, its name, and its name inside a sentence ("Add on warning action to …").
  var LEVELS = [["on_warning", t("slaset.on_warning"), t("slaset.on_warning_inline")],
    ["on_breach", t("slaset.on_breach"), t("slaset.on_breach_inline")]];

  // One escalation action: what, and its value when it takes one.
  function actionRow(list, level, action) {
    var row = Desk.el("div", { "class": "row sla-action" });
    var n = list.children.length + 1;
    var what = Desk.el("select", { "aria-label": t("slaset.action", { level: level[1], n: n }) });
    ACTIONS.forEach(function (a) { what.appendChild(Desk.el("option", { value: a[0] }, a[1])); });
    what.value = action.action || "notify";
    var value = Desk.el("input", { maxlength: "500", autocomplete: "off" });
    value.value = action.value || "";
    function kind() { return ACTIONS.filter(function (a) { return a[0] === what.value; })[0]; }
    function relabel() {
      var k = kind();
      value.hidden = !k[2];
      if (k[0] === "assign_agent") value.setAttribute("list", "sla-agent-ids"); else value.removeAttribute("list");
      value.setAttribute("aria-label", t("slaset.action_value", { level: level[1], n: n, value: k[2] || t("slaset.value") }));
    }
    what.addEventListener("change", relabel);
    relabel();
    var remove = Desk.el("button", { type: "button", "aria-label": t("slaset.remove_action", { level: level[2], n: n }) }, t("remove"));
    remove.addEventListener("click", function () { row.remove(); });
    row.appendChild(what);
    row.appendChild(value);
    row.appendChild(remove);
    row.read = function (path) {
      what.setAttribute("data-field", path);
      value.setAttribute("data-field", path + "/value");
      var out = { action: what.value };
      if (kind()[2] && value.value.trim()) out.value = value.value.trim();
      return out;
    };
    list.appendChild(row);
  }

  function actionsFieldset(card, level, actions, label) {
    var set = Desk.el("fieldset", { "class": "sla-actions", "data-level": level[0] });
    set.appendChild(Desk.el("legend", null, level[1]));
    var list = Desk.el("div");
    set.appendChild(list);
    (actions || []).forEach(function (a) { actionRow(list, level, a); });
    var add = Desk.el("button", { type: "button" }, t("slaset.add_action", { level: level[2], policy: label }));
    add.addEventListener("click", function () { actionRow(list, level, {}); });
    set.appendChild(add);
    card.appendChild(set);
    return function (path) {
      return Array.prototype.map.call(list.children, function (row, j) { return row.read(path + "/" + level[0] + "/" + j); });
    };
  }

  // kind: "priority" or "channel", whose values are named in the agent's language.
  function checks(parent, legend, values, chosen, prefix, kind) {
    var set = Desk.el("fieldset", { "class": "row" });
    set.appendChild(Desk.el("legend", null, legend));
    values.forEach(function (v) {
      var id = prefix + "-" + v;
      var box = Desk.el("input", { type: "checkbox", id: id, value: v });
      box.checked = (chosen || []).indexOf(v) >= 0;
      var label = Desk.el("label", { "for": id }, Desk.i18n[kind](v));
      set.appendChild(box);
      set.appendChild(label);
    });
    parent.appendChild(set);
    return function () { return Array.prototype.filter.call(set.querySelectorAll("input"), function (b) { return b.checked; }).map(function (b) { return b.value; }); };
  }

  function policyCard(list, policy, n) {
    var p = "sla-" + n;
    var card = Desk.el("fieldset", { "class": "sla-policy" });
    card.appendChild(Desk.el("legend", null, policy.name || policy.id || t("slaset.new_policy")));
    var row = Desk.el("div", { "class": "row" });
    function input(id, label, value, attrs) {
      var wrap = Desk.el("div", { "class": "field" });
      wrap.appendChild(Desk.el("label", { "for": id }, label));
      var i = Desk.el("input", Object.assign({ id: id }, attrs || {}));
      i.value = value == null ? "" : value;
      wrap.appendChild(i);
      row.appendChild(wrap);
      return i;
    }
    var id = input(p + "-id", t("slaset.id"), policy.id, { required: "", pattern: "[a-z0-9][a-z0-9_-]{0,39}", maxlength: "40" });
    if (policy.id) id.readOnly = true;
    var name = input(p + "-name", t("slaset.name"), policy.name, { maxlength: "100" });
    card.appendChild(row);
    var priorities = checks(card, t("slaset.priorities"), PRIORITIES, policy.priorities, p + "-priority", "priority");
    var channels = checks(card, t("slaset.channels"), CHANNELS, policy.channels, p + "-channel", "channel");
    row = Desk.el("div", { "class": "row" });
    var targets = {};
    TARGETS.forEach(function (target) {
      targets[target[0]] = input(p + "-" + target[0], t("slaset.minutes", { target: target[1] }), (policy.targets || {})[target[0]],
        { type: "number", min: "1", max: "525600", inputmode: "numeric" });
    });
    card.appendChild(row);
    var bh = Desk.el("input", { type: "checkbox", id: p + "-business-hours" });
    bh.checked = policy.business_hours !== false;
    var bhRow = Desk.el("div", { "class": "row" });
    bhRow.appendChild(bh);
    bhRow.appendChild(Desk.el("label", { "for": p + "-business-hours" }, t("slaset.business_hours")));
    card.appendChild(bhRow);
    row = Desk.el("div", { "class": "row" });
    var warnAt = input(p + "-warn-at", t("slaset.warn_at"), policy.warn_at_percent,
      { type: "number", min: "1", max: "99", inputmode: "numeric", placeholder: "80" });
    card.appendChild(row);
    var label = policy.id || t("slaset.new_policy_n", { n: n + 1 });
    var levels = LEVELS.map(function (level) { return actionsFieldset(card, level, policy[level[0]], label); });
    var remove = Desk.el("button", { type: "button" }, t("slaset.remove_policy", { policy: policy.id || n }));
    remove.addEventListener("click", function () { card.remove(); });
    card.appendChild(remove);
    card.read = function (path) {
      id.setAttribute("data-field", path + "/id");
      name.setAttribute("data-field", path + "/name");
      bh.setAttribute("data-field", path + "/business_hours");
      warnAt.setAttribute("data-field", path + "/warn_at_percent");
      TARGETS.forEach(function (target) { targets[target[0]].setAttribute("data-field", path + "/targets/" + target[0]); });
      var out = Object.assign({}, policy, { id: id.value.trim(), business_hours: bh.checked, targets: {} });
      if (warnAt.value) out.warn_at_percent = Number(warnAt.value); else delete out.warn_at_percent;
      LEVELS.forEach(function (level, i) {
        var actions = levels[i](path);
        if (actions.length) out[level[0]] = actions; else delete out[level[0]];
      });
      if (name.value.trim()) out.name = name.value.trim(); else delete out.name;
      var pr = priorities(), ch = channels();
      if (pr.length) out.priorities = pr; else delete out.priorities;
      if (ch.length) out.channels = ch; else delete out.channels;
      TARGETS.forEach(function (target) { var v = targets[target[0]].value; if (v) out.targets[target[0]] = Number(v); });
      return out;
    };
    list.appendChild(card);
  }

  Desk.settings.register({
    id: "sla",
    title: "settings.sla.title",
    admin: true,
    render: function (panel) {
      panel.appendChild(Desk.el("p", { "class": "muted" },
        t("slaset.intro")));
      var form = Desk.el("form", { id: "sla-form", novalidate: "" });
      var list = Desk.el("div", { id: "sla-policies" });
      form.appendChild(list);
      var count = 0;
      var add = Desk.el("button", { type: "button" }, t("slaset.add_policy"));
      add.addEventListener("click", function () { policyCard(list, { targets: {} }, count++); });
      form.appendChild(add);
      var agentIds = Desk.el("datalist", { id: "sla-agent-ids" });
      var known = Desk.agents() || {};
      Object.keys(known).map(function (k) { return known[k]; }).forEach(function (a) { agentIds.appendChild(Desk.el("option", { value: a.id }, a.name || a.email || a.id)); });
      form.appendChild(agentIds);
      var error = Desk.el("p", { "class": "error", role: "alert", id: "sla-error" });
      form.appendChild(error);
      form.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("slaset.save")));
      panel.appendChild(form);
      Desk.call("GET", "/sla/policies").then(function (data) {
        data.policies.forEach(function (policy) { policyCard(list, policy, count++); });
      }).catch(function (e) { error.textContent = e.message; });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        error.textContent = "";
        Desk.settings.fieldErrors(form, null);
        var policies = Array.prototype.map.call(list.querySelectorAll(".sla-policy"), function (c, i) { return c.read("policies/" + i); });
        Desk.call("PUT", "/sla/policies", { policies: policies }).then(function () {
          Desk.toast(t("slaset.saved"));
        }).catch(function (e) {
          error.textContent = e.message;
          Desk.settings.fieldErrors(form, e);
        });
      });
    }
  });
})();
