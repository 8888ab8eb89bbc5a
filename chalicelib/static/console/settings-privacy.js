/* Settings > Retention and privacy: how long closed tickets and chats are kept (the desk
 * deletes a ticket that many days after it is closed), and the customers' export and erasure
 * requests with their state (an erasure cut short stays "In progress" until run again). */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;

  function daysField(form, id, label, value, field) {
    form.appendChild(Desk.el("label", { "for": id }, label));
    var input = Desk.el("input", { id: id, type: "number", min: "0", max: "3650", inputmode: "numeric", "aria-describedby": "retention-hint", "data-field": field });
    input.value = value == null ? "" : value;
    form.appendChild(input);
    return input;
  }

  Desk.settings.register({
    id: "privacy",
    title: "settings.privacy.title",
    admin: true,
    render: function (panel) {
      var form = Desk.el("form", { id: "retention-form" });
      form.appendChild(Desk.el("h3", null, t("privacy.retention")));
      var hint = Desk.el("p", { id: "retention-hint", "class": "muted" });
      form.appendChild(hint);
      var tickets = daysField(form, "retention-tickets", t("privacy.tickets_days"), null, "tickets_days");
      var chats = daysField(form, "retention-chats", t("privacy.chats_days"), null, "chats_days");
      var error = Desk.el("p", { "class": "error", role: "alert", id: "retention-error" });
      form.appendChild(error);
      form.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("privacy.save")));
      panel.appendChild(form);

      var requests = Desk.el("section", { "aria-labelledby": "privacy-requests-title" });
      requests.appendChild(Desk.el("h3", { id: "privacy-requests-title" }, t("privacy.requests")));
      requests.appendChild(Desk.el("p", { "class": "muted" }, t("privacy.requests_help", {
        export: "GET /customers/{id}/export", erase: "POST /customers/{id}/erase"
      })));
      var box = Desk.el("div", { id: "privacy-requests" });
      requests.appendChild(box);
      panel.appendChild(requests);

      function show(r) {
        hint.textContent = t("privacy.hint", { default: r.default_days ? t("privacy.days", { count: r.default_days }) : t("privacy.kept") });
        tickets.value = r.tickets_days == null ? "" : r.tickets_days;
        chats.value = r.chats_days == null ? "" : r.chats_days;
      }
      Desk.call("GET", "/settings/retention").then(show).catch(function (e) { error.textContent = e.message; });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        error.textContent = "";
        Desk.settings.fieldErrors(form, null);
        var days = function (v) { return v === "" ? null : parseInt(v, 10); };
        Desk.call("PUT", "/settings/retention", { tickets_days: days(tickets.value), chats_days: days(chats.value) })
          .then(function (r) { show(r); Desk.toast(t("privacy.saved")); })
          .catch(function (e) { error.textContent = e.message; Desk.settings.fieldErrors(form, e); });
      });

      Desk.call("GET", "/privacy/requests").then(function (data) {
        if (!data.items.length) { box.appendChild(Desk.el("p", null, t("privacy.none"))); return; }
        var table = Desk.el("table", { id: "privacy-requests-list" });
        var hr = Desk.el("tr");
        ["privacy.requested", "privacy.kind", "customer.title", "privacy.state", "privacy.result"].forEach(function (h) { hr.appendChild(Desk.el("th", { scope: "col" }, t(h))); });
        var head = Desk.el("thead");
        head.appendChild(hr);
        table.appendChild(head);
        var body = Desk.el("tbody");
        data.items.forEach(function (r) {
          var tr = Desk.el("tr", { "data-id": r.id });
          tr.appendChild(Desk.el("td", null, Desk.when(r.requested_at)));
          tr.appendChild(Desk.el("td", null, r.kind === "erasure" ? t("privacy.erasure") + (r.reason ? " (" + r.reason.replace(/_/g, " ") + ")" : "") : t("privacy.export")));
          tr.appendChild(Desk.el("td", { "class": "mono" }, r.customer_id));
          tr.appendChild(Desk.el("td", null, r.state === "completed" ? t("privacy.completed", { when: Desk.when(r.completed_at) }) : t("privacy.in_progress")));
          var counts = r.counts || {};
          tr.appendChild(Desk.el("td", null, Object.keys(counts).map(function (k) { return k.replace(/_/g, " ") + ": " + counts[k]; }).join(", ")));
          body.appendChild(tr);
        });
        table.appendChild(body);
        box.appendChild(table);
      }).catch(function (e) { box.textContent = e.message; });
    }
  });
})();
