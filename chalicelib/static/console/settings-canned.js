/* Settings > Canned responses: the saved replies agents insert from the reply box. Every agent
 * sees the list; creating, editing and deleting them is for admins (the API's own rule:
 * PUT and DELETE /canned-responses/{id} need an admin). */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;
  // The placeholders themselves are the desk's (domain/canned.py): never translated.
  var HINT = t("canned.placeholders", { list: "{{customer.name}}, {{customer.first_name}}, {{customer.email}}, {{agent.name}}, {{ticket.number}}, {{ticket.subject}}" });

  function slug(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "reply";
  }

  Desk.settings.register({
    id: "canned",
    title: "settings.canned.title",
    render: function (panel) {
      var admin = Desk.me().role === "admin";
      panel.appendChild(Desk.el("p", { "class": "muted" }, admin
        ? t("canned.intro_admin") + " " + HINT
        : t("canned.intro_agent")));
      var table = Desk.el("table", { id: "canned-list" });
      var head = Desk.el("thead");
      var hr = Desk.el("tr");
      [t("canned.title"), t("canned.text"), admin ? t("actions") : null].forEach(function (h) { if (h) hr.appendChild(Desk.el("th", { scope: "col" }, h)); });
      head.appendChild(hr);
      table.appendChild(head);
      var body = Desk.el("tbody");
      table.appendChild(body);
      panel.appendChild(table);

      var form, title, text, editing = null, error, submit;
      if (admin) {
        form = Desk.el("form", { id: "canned-form" });
        form.appendChild(Desk.el("h3", { id: "canned-form-title" }, t("canned.new")));
        form.appendChild(Desk.el("label", { "for": "canned-title" }, t("canned.title")));
        title = Desk.el("input", { id: "canned-title", required: "", maxlength: "100", "data-field": "title" });
        form.appendChild(title);
        form.appendChild(Desk.el("label", { "for": "canned-body" }, t("canned.text")));
        text = Desk.el("textarea", { id: "canned-body", required: "", maxlength: "5000", rows: "5", "aria-describedby": "canned-hint", "data-field": "body" });
        form.appendChild(text);
        form.appendChild(Desk.el("p", { id: "canned-hint", "class": "muted" }, HINT));
        error = Desk.el("p", { "class": "error", role: "alert", id: "canned-error" });
        form.appendChild(error);
        var row = Desk.el("div", { "class": "row" });
        submit = Desk.el("button", { type: "submit", "class": "primary" }, t("canned.save"));
        row.appendChild(submit);
        var cancel = Desk.el("button", { type: "button" }, t("canned.new_short"));
        cancel.addEventListener("click", function () { startEdit(null); });
        row.appendChild(cancel);
        form.appendChild(row);
        panel.appendChild(form);
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          error.textContent = "";
          Desk.settings.fieldErrors(form, null);
          var saving = editing, id = editing ? editing.id : slug(title.value);
          Desk.call("PUT", "/canned-responses/" + encodeURIComponent(id), { title: title.value.trim(), body: text.value })
            .then(function () {
              Desk.toast(t("canned.saved"));
              if (editing === saving) startEdit(null); // not when another one was opened meanwhile
              load();
            })
            .catch(function (e) { error.textContent = e.message; Desk.settings.fieldErrors(form, e); });
        });
      }

      function startEdit(item) {
        editing = item;
        document.getElementById("canned-form-title").textContent = item ? t("canned.edit_title", { title: item.title }) : t("canned.new");
        title.value = item ? item.title : "";
        text.value = item ? item.body : "";
        if (item) title.focus();
      }

      function load() {
        Desk.call("GET", "/canned-responses").then(function (data) {
          Desk.clear(body);
          if (!data.items.length) {
            var tr = Desk.el("tr");
            tr.appendChild(Desk.el("td", { colspan: admin ? "3" : "2" }, t("canned.none")));
            body.appendChild(tr);
          }
          data.items.forEach(function (item) {
            var tr = Desk.el("tr", { "data-id": item.id });
            tr.appendChild(Desk.el("td", null, item.title));
            tr.appendChild(Desk.el("td", { "class": "canned-text" }, item.body));
            if (admin) {
              var td = Desk.el("td");
              var edit = Desk.el("button", { type: "button", "aria-label": t("edit_named", { name: item.title }) }, t("edit"));
              edit.addEventListener("click", function () { startEdit(item); });
              var del = Desk.el("button", { type: "button", "aria-label": t("delete_named", { name: item.title }) }, t("delete"));
              del.addEventListener("click", function () {
                if (!window.confirm(t("canned.delete_confirm", { title: item.title }))) return;
                Desk.call("DELETE", "/canned-responses/" + encodeURIComponent(item.id))
                  .then(function () { Desk.toast(t("canned.deleted")); load(); })
                  .catch(function (e) { Desk.toast(e.message, "breach"); });
              });
              td.appendChild(edit);
              td.appendChild(del);
              tr.appendChild(td);
            }
            body.appendChild(tr);
          });
        }).catch(function (e) { Desk.toast(e.message, "breach"); });
      }
      load();
    }
  });
})();
