/* Support desk chat widget. Add to a page with:
 *   <script src="https://YOUR-DESK/widget.js" async></script>
 * No framework, no build step. Messages are shown once per sequence number, whether they
 * arrive live, as an acknowledgement or in the history sent on resume; text is rendered as
 * text, never as HTML. The conversation survives reloads (localStorage) and reconnects. */
(function () {
  "use strict";
  var script = document.currentScript;
  var api = new URL(script.src).origin;
  var store = window.localStorage;
  var KEY = "desk-widget:" + api;
  var state = JSON.parse(store.getItem(KEY) || "{}"); // token, conversation, lastSeq
  var seen = {};
  var ws = null;
  var backoff = 500;
  var pending = [];

  function save() { store.setItem(KEY, JSON.stringify(state)); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  var root = el("div", { id: "desk-widget", style: "position:fixed;right:20px;bottom:20px;display:flex;flex-direction:column;align-items:flex-end;font:15px/1.4 system-ui,sans-serif;z-index:2147483000" });
  var launcher = el("button", { type: "button", "aria-expanded": "false", "aria-controls": "desk-panel", style: "background:#1f4fd1;color:#fff;border:0;border-radius:24px;padding:12px 18px;cursor:pointer" }, "Chat with us");
  var panel = el("section", { id: "desk-panel", "aria-label": "Chat", hidden: "", style: "width:320px;background:#fff;border:1px solid #ccd;border-radius:12px;box-shadow:0 6px 24px rgba(0,0,0,.18);margin-bottom:10px;overflow:hidden" });
  var status = el("p", { id: "desk-status", style: "margin:0;padding:10px 14px;background:#f3f5fb;color:#333" }, "Connecting\u2026");
  var log = el("ol", { id: "desk-messages", "aria-live": "polite", style: "list-style:none;margin:0;padding:10px 14px;height:260px;overflow-y:auto" });
  var form = el("form", { style: "display:flex;border-top:1px solid #dde" });
  var input = el("input", { id: "desk-input", "aria-label": "Your message", maxlength: "5000", autocomplete: "off", style: "flex:1;border:0;padding:12px;font:inherit" });
  var send = el("button", { type: "submit", style: "border:0;background:#1f4fd1;color:#fff;padding:0 16px;font:inherit;cursor:pointer" }, "Send");
  form.appendChild(input); form.appendChild(send);
  // Outside business hours: say when the team is back, and ask where to answer.
  var offline = el("div", { id: "desk-offline", hidden: "", style: "padding:8px 14px;border-top:1px solid #dde" });
  var emailLabel = el("label", { "for": "desk-email", style: "display:block;font-size:13px;color:#333;margin-bottom:4px" }, "Your email, so we can answer you");
  var email = el("input", { id: "desk-email", type: "email", autocomplete: "email", maxlength: "254", style: "box-sizing:border-box;width:100%;padding:8px;border:1px solid #99a;border-radius:6px;font:inherit" });
  offline.appendChild(emailLabel); offline.appendChild(email);
  panel.appendChild(status); panel.appendChild(log); panel.appendChild(offline); panel.appendChild(form);
  var zone = (window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone) || undefined;
  root.appendChild(panel); root.appendChild(launcher);

  launcher.addEventListener("click", function () {
    var open = panel.hasAttribute("hidden");
    if (open) { panel.removeAttribute("hidden"); input.focus(); } else { panel.setAttribute("hidden", ""); launcher.focus(); }
    launcher.setAttribute("aria-expanded", String(open));
  });

  function show(message) {
    if (seen[message.seq]) return;
    seen[message.seq] = true;
    var mine = message.author_type === "customer";
    var who = mine ? "You" : (message.author_name || "Support");
    var item = el("li", { "data-seq": String(message.seq), "class": mine ? "desk-mine" : "desk-theirs", style: "margin:6px 0;text-align:" + (mine ? "right" : "left") });
    item.appendChild(el("span", { style: "display:block;font-size:12px;color:#555" }, who));
    item.appendChild(el("span", { "class": "desk-text", style: "display:inline-block;padding:7px 11px;border-radius:14px;background:" + (mine ? "#1f4fd1;color:#fff" : "#eef0f5;color:#111") }, message.body));
    var after = null;
    Array.prototype.forEach.call(log.children, function (li) { if (!after && Number(li.getAttribute("data-seq")) > message.seq) after = li; });
    log.insertBefore(item, after);
    log.scrollTop = log.scrollHeight;
    state.lastSeq = Math.max(state.lastSeq || 0, message.seq);
    save();
  }

  var opening = false; // the first message is on its way and will open the conversation
  function flush() {
    while (pending.length && ws.readyState === 1 && !opening) {
      var next = pending.shift();
      if (next.action === "send" && !next.conversation_id) {
        if (state.conversation) next.conversation_id = state.conversation; else opening = true;
      }
      ws.send(JSON.stringify(next));
    }
  }

  function onFrame(event) {
    var f = JSON.parse(event.data);
    if (f.type === "pong") {
      if (state.closed) return; // the business-hours message says more than "away"
      status.textContent = f.available ? "We're online \u2014 ask away!" : "We're away; leave a message and we'll reply.";
    } else if (f.type === "ack" || f.type === "message") {
      if (!state.conversation) { state.conversation = f.conversation_id; save(); }
      if (f.conversation_id === state.conversation) show(f.message);
      if (opening && f.type === "ack") { opening = false; flush(); }
    } else if (f.type === "history") {
      f.messages.forEach(show);
    } else if (f.type === "agent.joined") {
      status.textContent = f.agent.name + " joined the chat";
    } else if (f.type === "typing") {
      status.textContent = f.state ? (f.who.name || "Support") + " is typing\u2026" : "";
    } else if (f.type === "error") {
      status.textContent = f.message;
    }
  }

  function connect() {
    ws = new WebSocket(state.websocketUrl + "/?visitor=" + encodeURIComponent(state.token));
    ws.onopen = function () {
      backoff = 500;
      ws.send(JSON.stringify({ action: "ping" }));
      if (state.conversation) ws.send(JSON.stringify({ action: "resume", conversation_id: state.conversation, after_seq: 0 }));
      opening = false;
      flush();
    };
    ws.onmessage = onFrame;
    ws.onclose = function () {
      status.textContent = "Reconnecting\u2026";
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 15000);
    };
  }

  function start() {
    fetch(api + "/widget/sessions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(state.token ? { token: state.token } : {})
    }).then(function (r) {
      if (r.status === 401) { state = {}; save(); return start(); }
      return r.json().then(function (session) {
        state.token = session.token;
        state.websocketUrl = session.websocket_url;
        state.closed = session.open === false;
        if (state.closed) {
          var back = session.next_opening ? new Date(session.next_opening).toLocaleString(undefined, { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" }) : null;
          status.textContent = back ? "We're away until " + back + ". Leave a message and we'll answer then." : "We're away. Leave a message and we'll answer you.";
          offline.removeAttribute("hidden");
        }
        save();
        connect();
      });
    }).catch(function () { status.textContent = "Chat is unavailable right now."; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    if (state.closed && email.value && email.checkValidity() && email.value !== state.email) {
      state.email = email.value; save();
      fetch(api + "/widget/sessions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: state.token, email: email.value }) });
    }
    var message = { action: "send", text: text, client_id: (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9_-]/g, "") };
    if (state.conversation) message.conversation_id = state.conversation;
    if (zone) message.timezone = zone;
    pending.push(message);
    if (ws) flush();
    input.value = "";
  });

  document.body.appendChild(root);
  start();
})();
