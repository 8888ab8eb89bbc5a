/* Keyboard shortcuts: j / k next and previous ticket in the list, r reply, n internal note,
 * e solve the open ticket, / search, ? this help. Never while typing in a field, and never
 * with Ctrl, Alt or Meta (the browser's and the screen reader's own keys). */
(function () {
  "use strict";
  var Desk = window.Desk;
  var el = Desk.el, t = Desk.t;
  var $ = function (id) { return document.getElementById(id); };
  var KEYS = [
    ["j", "shortcuts.next"], ["k", "shortcuts.previous"], ["r", "composer.reply"],
    ["n", "composer.note"], ["e", "shortcuts.solve"], ["/", "search.submit"], ["?", "shortcuts.these"]
  ];

  var dialog = el("dialog", { id: "shortcuts-view", "class": "shortcuts-help", "aria-labelledby": "shortcuts-title" });
  dialog.appendChild(el("h2", { id: "shortcuts-title" }, t("shortcuts.title")));
  var dl = el("dl");
  KEYS.forEach(function (k) {
    var dt = el("dt"); dt.appendChild(el("kbd", {}, k[0]));
    dl.appendChild(dt); dl.appendChild(el("dd", {}, t(k[1])));
  });
  dialog.appendChild(dl);
  var close = el("form", { method: "dialog" }); close.appendChild(el("button", { "class": "ghost" }, t("close")));
  dialog.appendChild(close);
  document.body.appendChild(dialog);

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  function step(by) {
    var buttons = Array.prototype.slice.call(document.querySelectorAll("#tickets [data-ticket]"));
    if (!buttons.length) return;
    var at = buttons.findIndex(function (b) { return b.getAttribute("aria-current") === "true"; });
    var next = buttons[Math.max(0, Math.min(buttons.length - 1, at < 0 ? 0 : at + by))];
    Desk.open(next.getAttribute("data-ticket")).then(function () { next.scrollIntoView({ block: "nearest" }); });
  }
  function compose(kind) {
    if (!Desk.current()) return;
    var radio = document.querySelector('input[name="kind"][value="' + kind + '"]');
    radio.checked = true;
    radio.dispatchEvent(new Event("change"));
    $("reply").focus();
  }
  function solve() {
    var ticket = Desk.current();
    if (!ticket || ticket.status === "solved" || ticket.status === "closed") return;
    Desk.call("PATCH", "/tickets/" + ticket.id, { status: "solved" }, { "If-Match": '"' + ticket.version + '"' }).then(function () {
      Desk.toast(t("shortcuts.solved", { number: ticket.number }));
      Desk.reload();
    }).catch(function (e) { Desk.toast(e.message, "breach"); });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target) || document.querySelector("dialog[open]")) return;
    if ($("app").hidden || document.body.classList.contains("in-settings")) return;
    var actions = { j: function () { step(1); }, k: function () { step(-1); }, r: function () { compose("reply"); },
      n: function () { compose("note"); }, e: solve, "/": function () { Desk.search && Desk.search.focus(); },
      "?": function () { dialog.showModal(); } };
    var action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  var hint = el("button", { type: "button", id: "shortcuts-open", "aria-keyshortcuts": "?" }, t("shortcuts.title"));
  hint.addEventListener("click", function () { dialog.showModal(); });
  var item = el("ul"); var li = el("li"); li.appendChild(hint); item.appendChild(li);
  document.querySelector("nav.views").appendChild(item);
})();
