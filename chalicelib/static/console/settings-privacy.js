/* Settings > Retention and privacy: how long closed tickets and chats are kept (the desk
 * deletes a ticket that many days after it is closed), and the customers' export and erasure
 * requests with their state (an erasure cut short stays "In progress" until run again). */
(function () {
  "use strict";
  var Desk = window.Desk;

  function daysField(form, id, label, value, field) {
    form.appendChild(Desk.el("label", { "for": id }, label));
    var input = Desk.el("input", { id: id, type: "number", min: "0", max: "3650", inputmode: "numeric", "aria-describedby": "retention-hint", "data-field": field });
    input.value = value == null ? "" : value;
    form.appendChild(input);
    return input;
  }

  Desk.settings.register({
    id: "privacy",
    title: "Retention and privacy",
    admin: true,
    render: function (panel) {
      var form = Desk.el("form", { id: "retention-form" });
      form.appendChild(Desk.el("h3", null, "How long closed conversations are kept"));
      var hint = Desk.el("p", { id: "retention-hint", "class": "muted" });
      form.appendChild(hint);
      var tickets = daysField(form, "retention-tickets", "Closed tickets (mail, web, API), days", null, "tickets_days");
      var chats = daysField(form, "retention-chats", "Closed chats (transcripts), days", null, "chats_days");
      var error = Desk.el("p", { "class": "error", role: "alert", id: "retention-error" });
      form.appendChild(error);
      form.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, "Save retention"));
      panel.appendChild(form);

      var requests = Desk.el("section", { "aria-labelledby": "privacy-requests-title" });
      requests.appendChild(Desk.el("h3", { id: "privacy-requests-title" }, "Privacy requests"));
      requests.appendChild(Desk.el("p", { "class": "muted" },
        "Exports and erasures of customers' data (from a customer's profile, or GET /customers/{id}/export and POST /customers/{id}/erase)."));
      var box = Desk.el("div", { id: "privacy-requests" });
      requests.appendChild(box);
      panel.appendChild(requests);

      function show(r) {
        hint.textContent = "Empty: the deploy's setting (" + (r.default_days ? r.default_days + " days" : "kept") +
          "). 0 keeps them. Applies to tickets closed from now on; their files follow the storage rule set at deploy.";
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
          .then(function (r) { show(r); Desk.toast("Retention saved."); })
          .catch(function (e) { error.textContent = e.message; Desk.settings.fieldErrors(form, e); });
      });

      Desk.call("GET", "/privacy/requests").then(function (data) {
        if (!data.items.length) { box.appendChild(Desk.el("p", null, "No privacy requests yet.")); return; }
        var table = Desk.el("table", { id: "privacy-requests-list" });
        var hr = Desk.el("tr");
        ["Requested", "Kind", "Customer", "State", "Result"].forEach(function (h) { hr.appendChild(Desk.el("th", { scope: "col" }, h)); });
        var head = Desk.el("thead");
        head.appendChild(hr);
        table.appendChild(head);
        var body = Desk.el("tbody");
        data.items.forEach(function (r) {
          var tr = Desk.el("tr", { "data-id": r.id });
          tr.appendChild(Desk.el("td", null, Desk.when(r.requested_at)));
          tr.appendChild(Desk.el("td", null, r.kind === "erasure" ? "Erasure" + (r.reason ? " (" + r.reason.replace(/_/g, " ") + ")" : "") : "Export"));
          tr.appendChild(Desk.el("td", { "class": "mono" }, r.customer_id));
          tr.appendChild(Desk.el("td", null, r.state === "completed" ? "Completed " + Desk.when(r.completed_at) : "In progress (or cut short: run it again)"));
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
