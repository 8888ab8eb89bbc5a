/* New conversations: a desktop notification and a short tone, if the agent turns them on
 * (the browser asks for its permission then; the choice is kept in this browser). And unread
 * counts per view: tickets new or open whose last activity this agent has not seen in this
 * browser (opening a ticket marks it seen), counted over each view's first page. */
(function () {
  "use strict";
  var Desk = window.Desk;
  var el = Desk.el, t = Desk.t;
  var KEY = "desk-notify", SEEN = "desk-seen";

  // ---------------------------------------------------------------- notification and sound
  var wrap = el("li");
  var label = el("label", { "class": "notify-toggle" });
  var box = el("input", { type: "checkbox", id: "notify-toggle" });
  label.appendChild(box);
  label.appendChild(document.createTextNode(" " + t("notify.toggle")));
  wrap.appendChild(label);
  var ul = el("ul"); ul.appendChild(wrap);
  document.querySelector("nav.views").appendChild(ul);
  box.checked = localStorage.getItem(KEY) === "on";

  box.addEventListener("change", function () {
    if (!box.checked) { localStorage.setItem(KEY, "off"); return; }
    var ask = window.Notification && Notification.permission !== "granted" ? Notification.requestPermission() : Promise.resolve(window.Notification ? Notification.permission : "denied");
    Promise.resolve(ask).then(function (permission) {
      localStorage.setItem(KEY, "on");
      if (permission !== "granted") Desk.toast(t("notify.denied"));
    });
  });

  var audio = null;
  function tone() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.08;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.18);
    } catch (e) { /* no sound here */ }
  }
  Desk.notifications = { sent: 0 }; // for the browser tests
  Desk.onFrame(function (f) {
    if (f.type === "conversation.created") scheduleCounts();
    else if (f.type === "message" || f.type === "conversation.updated") scheduleCounts();
    if (f.type !== "conversation.created" || !box.checked) return;
    var subject = (f.conversation && f.conversation.subject) || t("notify.new");
    tone();
    if (window.Notification && Notification.permission === "granted") {
      var n = new Notification(t("notify.new"), { body: subject, tag: "desk-" + (f.conversation && f.conversation.id) });
      n.onclick = function () { window.focus(); if (f.conversation) Desk.open(f.conversation.id); };
    }
    Desk.notifications.sent += 1;
  });

  // ---------------------------------------------------------------- unread counts per view
  function seen() { try { return JSON.parse(localStorage.getItem(SEEN) || "{}") || {}; } catch (e) { return {}; } }
  function markSeen(t) {
    var s = seen();
    s[t.id] = t.last_activity_at;
    var ids = Object.keys(s);
    if (ids.length > 2000) ids.slice(0, ids.length - 2000).forEach(function (id) { delete s[id]; });
    localStorage.setItem(SEEN, JSON.stringify(s));
  }
  function unread(t, s) {
    return (t.status === "new" || t.status === "open") && (!s[t.id] || s[t.id] < t.last_activity_at);
  }
  function queryOf(view) {
    var q = { limit: "50" };
    if (view === "mine") q.assignee = "me";
    else if (view === "unassigned") q.assignee = "none";
    else if (view.indexOf("status:") === 0) q.status = view.slice(7);
    else if (view.indexOf("channel:") === 0) q.channel = view.slice(8);
    return new URLSearchParams(q).toString();
  }
  function counts() {
    var s = seen();
    Array.prototype.forEach.call(document.querySelectorAll("nav.views [data-view]"), function (button) {
      var view = button.getAttribute("data-view");
      if (view === "status:pending" || view === "status:solved") return; // nothing there waits for an answer
      Desk.call("GET", "/tickets?" + queryOf(view)).then(function (page) {
        var n = page.items.filter(function (t) { return unread(t, s); }).length;
        // Beside the button, not in it: the button's text names the view (and the list's title).
        var li = button.parentNode, badge = li.querySelector(".count");
        if (!n) { if (badge) badge.remove(); return; }
        if (!badge) { badge = el("span", { "class": "count" }); li.appendChild(badge); li.classList.add("counted"); }
        Desk.clear(badge);
        badge.appendChild(document.createTextNode(n > 49 ? "50+" : String(n)));
        badge.appendChild(el("span", { "class": "sr" }, " " + t("notify.unread_in", { view: button.textContent })));
        badge.setAttribute("data-unread", String(n));
      }).catch(function () { /* counted again on the next change */ });
    });
  }
  var timer = null;
  function scheduleCounts() { clearTimeout(timer); timer = setTimeout(counts, 800); }
  Desk.onOpen(function (t) { markSeen(t); scheduleCounts(); });
  Desk.onList(function (list, items) {
    var s = seen(), current = Desk.current();
    items.forEach(function (t) {
      if (current && t.id === current.id) { markSeen(t); return; }
      if (!unread(t, s)) return;
      var button = list.querySelector('[data-ticket="' + t.id + '"] .subject');
      if (!button) return;
      var dot = el("span", { "class": "unread" });
      dot.appendChild(el("span", { "aria-hidden": "true" }, "•"));
      dot.appendChild(el("span", { "class": "sr" }, " " + t("notify.unread")));
      button.appendChild(dot);
    });
  });
  Desk.onReady(function () { scheduleCounts(); });
})();
