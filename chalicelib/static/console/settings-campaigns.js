/* Settings > Proactive chat (admins): campaigns that open the widget with a message from a
 * named agent when a visitor's page and visit match (GET/POST/PUT/DELETE /campaigns), each
 * with how many visitors it greeted and how many answered. */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;
  // The widget's languages, named in the agent's (Intl.DisplayNames).
  var LANGS = Desk.i18n.languages.map(function (code) { return [code, Desk.i18n.languageName(code)]; });

  function field(form, id, label, node) {
    form.appendChild(Desk.el("label", { "for": id }, label));
    node.id = id;
    form.appendChild(node);
    return node;
  }
  function agents() {
    var all = Desk.agents();
    return Object.keys(all).map(function (id) { return all[id]; }).filter(function (a) { return !a.gone; });
  }
  function select(options) {
    var s = Desk.el("select");
    options.forEach(function (o) { s.appendChild(Desk.el("option", { value: o[0] }, o[1])); });
    return s;
  }

  Desk.settings.register({
    id: "campaigns",
    title: "settings.campaigns.title",
    admin: true,
    render: function (panel) {
      panel.appendChild(Desk.el("p", { "class": "muted" },
        t("campaigns.intro")));
      var table = Desk.el("table", { id: "campaign-list" });
      var head = Desk.el("tr");
      ["campaigns.campaign", "campaigns.when", "campaigns.from", "campaigns.shown", "campaigns.replied", "actions"].forEach(function (h) { head.appendChild(Desk.el("th", { scope: "col" }, t(h))); });
      var thead = Desk.el("thead"); thead.appendChild(head);
      var tbody = Desk.el("tbody");
      table.appendChild(thead); table.appendChild(tbody);
      panel.appendChild(table);

      var form = Desk.el("form", { id: "campaign-form" });
      var legend = Desk.el("h3", { id: "campaign-form-title" }, t("campaigns.new"));
      form.appendChild(legend);
      var name = field(form, "campaign-name", t("campaigns.name"), Desk.el("input", { required: "", maxlength: "80" }));
      var message = field(form, "campaign-message", t("campaigns.message"), Desk.el("textarea", { required: "", rows: "2", maxlength: "1000" }));
      var sender = field(form, "campaign-agent", t("campaigns.agent"), select(agents().map(function (a) { return [a.id, a.name]; })));
      // Agents who joined since the console opened (an invitation accepted) are offered too.
      function offerAgents() {
        var chosen = sender.value;
        Desk.clear(sender);
        agents().forEach(function (a) { sender.appendChild(Desk.el("option", { value: a.id }, a.name)); });
        if (chosen) sender.value = chosen;
      }
      Desk.refreshAgents().then(function () { offerAgents(); load(); }).catch(function () { /* the list as it was */ });
      var url = field(form, "campaign-url", t("campaigns.url"), Desk.el("input", { maxlength: "300" }));
      var seconds = field(form, "campaign-seconds", t("campaigns.seconds"), Desk.el("input", { type: "number", min: "0", max: "3600", value: "10" }));
      var pages = field(form, "campaign-pages", t("campaigns.pages"), Desk.el("input", { type: "number", min: "1", max: "100", value: "1" }));
      var visitor = field(form, "campaign-visitor", t("campaigns.visitor"), select([["any", t("campaigns.visitor_any")], ["new", t("campaigns.visitor_new")], ["returning", t("campaigns.visitor_returning")]]));
      var hoursLabel = Desk.el("label", { "for": "campaign-hours" });
      var hours = Desk.el("input", { type: "checkbox", id: "campaign-hours" });
      hoursLabel.appendChild(hours); hoursLabel.appendChild(document.createTextNode(" " + t("campaigns.business_hours")));
      form.appendChild(hoursLabel);
      var langs = Desk.el("fieldset", { "class": "row" });
      langs.appendChild(Desk.el("legend", {}, t("campaigns.languages")));
      var boxes = LANGS.map(function (l) {
        var box = Desk.el("input", { type: "checkbox", id: "campaign-lang-" + l[0], value: l[0] });
        var label = Desk.el("label", { "for": box.id }, " " + l[1]);
        label.insertBefore(box, label.firstChild);
        langs.appendChild(label);
        return box;
      });
      form.appendChild(langs);
      var error = Desk.el("p", { "class": "error", role: "alert", id: "campaign-error" });
      form.appendChild(error);
      var buttons = Desk.el("div", { "class": "row" });
      var save = Desk.el("button", { type: "submit", "class": "primary" }, t("campaigns.save"));
      var cancel = Desk.el("button", { type: "button", hidden: "" }, t("campaigns.cancel"));
      buttons.appendChild(save); buttons.appendChild(cancel);
      form.appendChild(buttons);
      panel.appendChild(form);
      var editing = null;

      function edit(c) {
        editing = c ? c.id : null;
        legend.textContent = c ? t("edit_named", { name: c.name }) : t("campaigns.new");
        cancel.hidden = !c;
        var r = (c && c.conditions) || {};
        name.value = c ? c.name : ""; message.value = c ? c.message : "";
        if (c) sender.value = c.agent_id;
        url.value = r.url || ""; seconds.value = String(r.seconds_on_page == null ? 10 : r.seconds_on_page);
        pages.value = String(r.pages_seen || 1); visitor.value = r.visitor || "any"; hours.checked = !!r.business_hours_only;
        boxes.forEach(function (b) { b.checked = (r.languages || []).indexOf(b.value) >= 0; });
        if (c) name.focus();
      }
      cancel.addEventListener("click", function () { edit(null); });

      function load() {
        Desk.call("GET", "/campaigns").then(function (list) {
          Desk.clear(tbody);
          if (!list.items.length) {
            var empty = Desk.el("tr"); empty.appendChild(Desk.el("td", { colspan: "6" }, t("campaigns.none")));
            tbody.appendChild(empty);
          }
          list.items.forEach(function (c) {
            var r = c.conditions, tr = Desk.el("tr", { "data-campaign": c.id });
            var when = t("campaigns.condition", { url: r.url || t("campaigns.every_page"), seconds: r.seconds_on_page || 0 }) + (c.enabled ? "" : " " + t("campaigns.off"));
            var by = Desk.agents()[c.agent_id];
            // A campaign from an agent who was removed greets nobody (the desk refuses it): say so.
            var from = by && !by.gone ? by.name
              : t("campaigns.removed_agent", { name: (by && by.name) || t("campaigns.an_agent") });
            [c.name, when, from, String(c.shown), String(c.replied)].forEach(function (v, i) {
              tr.appendChild(Desk.el("td", { "class": ["name", "when", "from", "shown", "replied"][i] }, v));
            });
            var actions = Desk.el("td");
            var editButton = Desk.el("button", { type: "button", "aria-label": t("edit_named", { name: c.name }) }, t("edit"));
            editButton.addEventListener("click", function () { edit(c); });
            var remove = Desk.el("button", { type: "button", "aria-label": t("delete_named", { name: c.name }) }, t("delete"));
            remove.addEventListener("click", function () {
              if (!window.confirm(t("campaigns.delete_confirm", { name: c.name }))) return;
              Desk.call("DELETE", "/campaigns/" + c.id).then(function () { Desk.toast(t("campaigns.deleted")); load(); })
                .catch(function (e) { Desk.toast(e.message, "breach"); });
            });
            actions.appendChild(editButton); actions.appendChild(document.createTextNode(" ")); actions.appendChild(remove);
            tr.appendChild(actions);
            tbody.appendChild(tr);
          });
        }).catch(function (e) { Desk.toast(e.message, "breach"); });
      }

      form.addEventListener("submit", function (event) {
        event.preventDefault();
        error.textContent = "";
        var conditions = { seconds_on_page: Number(seconds.value), pages_seen: Number(pages.value), visitor: visitor.value,
          business_hours_only: hours.checked,
          languages: boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }) };
        if (url.value.trim()) conditions.url = url.value.trim();
        var body = { name: name.value.trim(), message: message.value.trim(), agent_id: sender.value, conditions: conditions };
        var saving = editing ? Desk.call("PUT", "/campaigns/" + editing, body) : Desk.call("POST", "/campaigns", body);
        saving.then(function () { Desk.toast(t("campaigns.saved")); edit(null); load(); })
          .catch(function (e) { error.textContent = e.message; });
      });
      edit(null);
      load();
    }
  });
})();
