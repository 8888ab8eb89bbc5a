/* Who else has this ticket open: the desk sends a "viewers" frame to the agents watching a
 * conversation whenever one joins or leaves it; the others are named above the properties, so
 * two agents do not answer one customer twice. Leaving the page leaves the conversation. */
(function () {
  "use strict";
  var Desk = window.Desk;
  var el = Desk.el, t = Desk.t;
  var $ = function (id) { return document.getElementById(id); };
  var notice = el("p", { id: "viewers", "class": "viewers", role: "status", hidden: "" });
  $("conversation").insertBefore(notice, $("properties"));

  // "Ann, Bo and Cy" in the agent's language.
  function names(list) {
    return new Intl.ListFormat(Desk.i18n.locale, { style: "long", type: "conjunction" }).format(list);
  }
  Desk.onOpen(function () { notice.hidden = true; notice.textContent = ""; });
  Desk.onFrame(function (f) {
    var current = Desk.current(), me = Desk.me();
    if (f.type !== "viewers" || !current || f.conversation_id !== current.id) return;
    var others = f.agents.filter(function (a) { return !me || a.id !== me.id; }).map(function (a) { return a.name || t("viewers.another"); });
    notice.hidden = !others.length;
    notice.textContent = others.length ? t("viewers.also", { count: others.length, names: names(others) }) : "";
  });
  window.addEventListener("pagehide", function () {
    var current = Desk.current();
    if (current) Desk.send({ action: "leave", conversation_id: current.id });
  });
})();
