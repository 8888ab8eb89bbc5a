/* Search across tickets and customers (GET /search): a ticket number, a customer's e-mail
 * address, or words of a subject, a message, a note or the customer's name (each word also
 * matches as the start of a longer one). The form sits above the ticket list; "/" focuses it.
 * Results open in a dialog; choosing one opens the ticket. */
(function () {
  "use strict";
  var Desk = window.Desk;
  var el = Desk.el;

  var form = el("form", { "class": "search", role: "search", id: "search-form" });
  var label = el("label", { "for": "search-q", "class": "sr" }, "Search tickets and customers");
  var input = el("input", { id: "search-q", type: "search", placeholder: "Search: words, e-mail, #number", maxlength: "200", autocomplete: "off" });
  var go = el("button", { type: "submit", "class": "ghost" }, "Search");
  form.appendChild(label); form.appendChild(input); form.appendChild(go);
  var list = document.querySelector("section.list");
  list.insertBefore(form, list.firstChild);

  var dialog = el("dialog", { id: "search-view", "aria-labelledby": "search-title" });
  var title = el("h2", { id: "search-title" }, "Search");
  var status = el("p", { id: "search-status", role: "status", "class": "muted" });
  var customers = el("ul", { "class": "search-customers", "aria-label": "Customers found" });
  var results = el("ul", { "class": "search-results", id: "search-results", "aria-label": "Tickets found" });
  var more = el("button", { type: "button", "class": "ghost", hidden: "" }, "More results");
  var close = el("form", { method: "dialog" });
  close.appendChild(el("button", { "class": "ghost" }, "Close"));
  [title, status, customers, results, more, close].forEach(function (n) { dialog.appendChild(n); });
  document.body.appendChild(dialog);

  var query = "", cursor = null;

  function ticketLine(t) {
    var li = el("li");
    var b = el("button", { type: "button", "data-result": t.id });
    b.appendChild(el("strong", {}, "#" + t.number + " " + t.subject));
    var who = (t.customer && (t.customer.name || t.customer.email)) || "";
    var merged = t.merged_into ? ", merged" : "";
    b.appendChild(el("span", { "class": "meta" }, who + " · " + t.channel + " · " + t.status + merged + " · " + Desk.when(t.last_activity_at)));
    b.addEventListener("click", function () { dialog.close(); Desk.open(t.id); });
    li.appendChild(b);
    return li;
  }

  function run(append) {
    var path = "/search?" + new URLSearchParams(Object.assign({ q: query, limit: "20" }, append && cursor ? { cursor: cursor } : {})).toString();
    status.textContent = "Searching…";
    return Desk.call("GET", path).then(function (found) {
      if (!append) { Desk.clear(results); Desk.clear(customers); }
      title.textContent = "Search: " + query;
      if (!append) {
        found.customers.forEach(function (c) {
          customers.appendChild(el("li", {}, (c.name ? c.name + " " : "") + (c.email ? "<" + c.email + ">" : "")));
        });
      }
      found.tickets.forEach(function (t) { results.appendChild(ticketLine(t)); });
      cursor = found.next_cursor;
      more.hidden = !cursor;
      var n = results.childNodes.length;
      status.textContent = n ? n + (n === 1 ? " ticket found" : " tickets found") + (cursor ? " so far" : "") : "Nothing found.";
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
