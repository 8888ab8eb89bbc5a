/* Search across tickets and customers (GET /search): a ticket number, a customer's e-mail
 * address, or words of a subject, a message, a note or the customer's name (each word also
 * matches as the start of a longer one). The form sits above the ticket list; "/" focuses it.
 * Results open in a dialog; choosing one opens the ticket. */
(function () {
  "use strict";
  var Desk = window.Desk;
  var el = Desk.el, t = Desk.t, i18n = Desk.i18n;

  var form = el("form", { "class": "search", role: "search", id: "search-form" });
  var label = el("label", { "for": "search-q", "class": "sr" }, t("search.label"));
  var input = el("input", { id: "search-q", type: "search", placeholder: t("search.placeholder"), maxlength: "200", autocomplete: "off" });
  var go = el("button", { type: "submit", "class": "ghost" }, t("search.submit"));
  form.appendChild(label); form.appendChild(input); form.appendChild(go);
  var list = document.querySelector("section.list");
  list.insertBefore(form, list.firstChild);

  var dialog = el("dialog", { id: "search-view", "aria-labelledby": "search-title" });
  var title = el("h2", { id: "search-title" }, t("search.submit"));
  var status = el("p", { id: "search-status", role: "status", "class": "muted" });
  var customers = el("ul", { "class": "search-customers", "aria-label": t("search.customers") });
  var results = el("ul", { "class": "search-results", id: "search-results", "aria-label": t("search.tickets") });
  var more = el("button", { type: "button", "class": "ghost", hidden: "" }, t("search.more"));
  var close = el("form", { method: "dialog" });
  close.appendChild(el("button", { "class": "ghost" }, t("close")));
  [title, status, customers, results, more, close].forEach(function (n) { dialog.appendChild(n); });
  document.body.appendChild(dialog);

  var query = "", cursor = null;

  function ticketLine(ticket) {
    var li = el("li");
    var b = el("button", { type: "button", "data-result": ticket.id });
    b.appendChild(el("strong", {}, "#" + ticket.number + " " + ticket.subject));
    var who = (ticket.customer && (ticket.customer.name || ticket.customer.email)) || "";
    var merged = ticket.merged_into ? ", " + t("search.merged") : "";
    b.appendChild(el("span", { "class": "meta" }, who + " · " + i18n.channel(ticket.channel) + " · " + i18n.status(ticket.status) + merged + " · " + Desk.when(ticket.last_activity_at)));
    b.addEventListener("click", function () { dialog.close(); Desk.open(ticket.id); });
    li.appendChild(b);
    return li;
  }

  function run(append) {
    var path = "/search?" + new URLSearchParams(Object.assign({ q: query, limit: "20" }, append && cursor ? { cursor: cursor } : {})).toString();
    status.textContent = t("search.searching");
    return Desk.call("GET", path).then(function (found) {
      if (!append) { Desk.clear(results); Desk.clear(customers); }
      title.textContent = t("search.title", { query: query });
      if (!append) {
        found.customers.forEach(function (c) {
          customers.appendChild(el("li", {}, (c.name ? c.name + " " : "") + (c.email ? "<" + c.email + ">" : "")));
        });
      }
      found.tickets.forEach(function (ticket) { results.appendChild(ticketLine(ticket)); });
      cursor = found.next_cursor;
      more.hidden = !cursor;
      var n = results.childNodes.length;
      status.textContent = n ? t(cursor ? "search.found_so_far" : "search.found", { count: n }) : t("search.nothing");
      if (!dialog.open) dialog.showModal();
      var first = results.querySelector("button");
      if (first && !append) first.focus();
    }).catch(function (e) { Desk.toast(e.message, "breach"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    query = input.value.trim();
    if (!query) return;
    cursor = null;
    run(false);
  });
  more.addEventListener("click", function () { run(true); });

  // On a phone the list (and this field) is hidden while a ticket is open: "/" goes back to it.
  Desk.search = { focus: function () {
    if (!input.offsetParent) {
      if (/^#ticket\//.test(location.hash)) location.hash = "";
      document.getElementById("app").classList.remove("pane-conversation");
    }
    input.focus(); input.select();
  } };
})();
