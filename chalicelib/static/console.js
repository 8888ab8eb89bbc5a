/* The agent console: a single page over the desk's REST API and websocket. No framework, no
 * build step. Text from customers is always put in the page as text (textContent), and a
 * mail's HTML is shown only inside a sandboxed iframe. */
(function () {
  "use strict";
  var api = location.origin;
  var wsUrl = document.body.getAttribute("data-websocket-url");
  var auth = JSON.parse(sessionStorage.getItem("desk-console") || "null"); // token, refresh_token
  var me = null;
  var agents = {};
  var view = "mine";
  var team = "";
  var current = null; // the open ticket
  var ws = null;
  var backoff = 500;
  var $ = function (id) { return document.getElementById(id); };
  // Edits of the open ticket go one after another: a save waits for a reply still in flight,
  // so it is made against the version that reply produced.
  var queue = Promise.resolve();
  function serial(work) { queue = queue.then(work, work); return queue; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function toast(text, kind) {
    var t = el("div", { "class": "toast " + (kind || "") }, text);
    $("toasts").appendChild(t);
    setTimeout(function () { t.remove(); }, 8000);
  }
  function when(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }
  function relative(iso) {
    var minutes = Math.round((new Date(iso) - Date.now()) / 60000);
    var abs = Math.abs(minutes);
    var text = abs < 60 ? abs + " min" : abs < 2880 ? Math.round(abs / 60) + " h" : Math.round(abs / 1440) + " d";
    return minutes < 0 ? text + " overdue" : "in " + text;
  }

  // ------------------------------------------------------------------ the API

  function call(method, path, body, headers) {
    var h = Object.assign({ Authorization: "Bearer " + (auth && auth.token) }, headers || {});
    if (body !== undefined) h["Content-Type"] = "application/json";
    return fetch(api + path, { method: method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        if (r.status === 401 && auth && auth.refresh_token && !(headers && headers["X-Retry"])) {
          return refresh().then(function () { return call(method, path, body, Object.assign({ "X-Retry": "1" }, headers || {})); });
        }
        if (r.status === 204) return null;
        return r.json().then(function (data) {
          if (!r.ok) { var e = new Error((data.error && data.error.message) || r.statusText); e.status = r.status; e.code = data.error && data.error.code; throw e; }
          return data;
        });
      });
  }
  function refresh() {
    return fetch(api + "/auth/refresh", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh_token: auth.refresh_token }) })
      .then(function (r) { if (!r.ok) { signOut(); throw new Error("signed out"); } return r.json(); })
      .then(function (tokens) { auth.token = tokens.token; sessionStorage.setItem("desk-console", JSON.stringify(auth)); });
  }

  // ------------------------------------------------------------------ signing in

  $("signin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("signin-error").textContent = "";
    // This browser's device token for the address, from an earlier sign-in: failed guesses
    // from elsewhere then cannot keep this agent out.
    var email = $("signin-email").value.trim().toLowerCase(), devices = {};
    try { devices = JSON.parse(localStorage.getItem("desk-devices") || "{}") || {}; } catch (e) { devices = {}; }
    var login = { email: $("signin-email").value, password: $("signin-password").value };
    if (typeof devices[email] === "string") login.device = devices[email];
    fetch(api + "/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(login)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error((data.error && data.error.message) || "Sign-in failed.");
        if (data.device) {
          devices[email] = data.device;
          localStorage.setItem("desk-devices", JSON.stringify(devices));
        }
        auth = { token: data.token, refresh_token: data.refresh_token };
        sessionStorage.setItem("desk-console", JSON.stringify(auth));
        boot();
      });
    }).catch(function (e) { $("signin-error").textContent = e.message; });
  });
  function signOut() {
    auth = null; sessionStorage.removeItem("desk-console");
    if (ws) { ws.onclose = null; ws.close(); }
    $("app").hidden = true; $("signin").hidden = false; $("signin-email").focus();
  }
  $("signout").addEventListener("click", signOut);

  function boot() {
    call("GET", "/agents/me").then(function (agent) {
      me = agent;
      $("signin").hidden = true; $("app").hidden = false;
      $("me").textContent = agent.name;
      // Online when the console opens, unless this agent chose "away" last time.
      $("presence").value = localStorage.getItem("desk-presence") || "online";
      return call("GET", "/agents");
    }).then(function (list) {
      list.items.forEach(function (a) { agents[a.id] = a; });
      fillAssignees();
      loadCanned();
      connect();
      loadList();
      loadFailed();
    }).catch(function () { signOut(); });
  }

  // ------------------------------------------------------------------ views and the list

  Array.prototype.forEach.call(document.querySelectorAll("[data-view]"), function (button) {
    button.addEventListener("click", function () {
      view = button.getAttribute("data-view");
      Array.prototype.forEach.call(document.querySelectorAll("[data-view]"), function (b) { b.removeAttribute("aria-current"); });
      button.setAttribute("aria-current", "page");
      $("list-title").textContent = button.textContent;
      loadList();
    });
  });
  $("team-form").addEventListener("submit", function (event) {
    event.preventDefault();
    team = $("team-filter").value.trim();
    loadList();
  });

  function listQuery() {
    var q = { limit: "50" };
    if (view === "mine") q.assignee = "me";
    else if (view === "unassigned") q.assignee = "none";
    else if (view.indexOf("status:") === 0) q.status = view.slice(7);
    else if (view.indexOf("channel:") === 0) q.channel = view.slice(8);
    if (team) q.team = team;
    return "?" + new URLSearchParams(q).toString();
  }

  function slaBadge(ticket) {
    var clocks = ticket.sla && ticket.sla.clocks;
    if (!clocks) return null;
    var soonest = null;
    Object.keys(clocks).forEach(function (name) {
      var c = clocks[name];
      if (c.due_at && (!soonest || c.due_at < soonest.due_at)) soonest = { name: name, due_at: c.due_at, breached: c.breached, warning_at: c.warning_at };
    });
    if (!soonest) return null;
    var overdue = new Date(soonest.due_at) < Date.now();
    var soon = soonest.warning_at && new Date(soonest.warning_at) < Date.now();
    var label = soonest.name.replace("_", " ") + " " + relative(soonest.due_at);
    return el("span", { "class": "pill " + (overdue ? "overdue" : soon ? "soon" : "ok"), title: "Due " + when(soonest.due_at) }, label);
  }

  function loadList() {
    return call("GET", "/tickets" + listQuery()).then(function (page) {
      var list = $("tickets");
      clear(list);
      $("list-empty").hidden = page.items.length > 0;
      page.items.forEach(function (ticket) {
        var li = el("li");
        var b = el("button", { type: "button", "data-ticket": ticket.id });
        if (current && current.id === ticket.id) b.setAttribute("aria-current", "true");
        b.appendChild(el("span", { "class": "subject" }, "#" + ticket.number + " " + ticket.subject));
        var meta = el("span", { "class": "meta" });
        meta.appendChild(el("span", {}, (ticket.customer && (ticket.customer.name || ticket.customer.email)) || "Visitor"));
        meta.appendChild(el("span", { "class": "pill" }, ticket.channel));
        meta.appendChild(el("span", { "class": "pill" }, ticket.status));
        if (ticket.priority !== "normal") meta.appendChild(el("span", { "class": "pill " + ticket.priority }, ticket.priority));
        var badge = slaBadge(ticket);
        if (badge) meta.appendChild(badge);
        b.appendChild(meta);
        b.addEventListener("click", function () { open(ticket.id); });
        li.appendChild(b);
        list.appendChild(li);
      });
    }).catch(function (e) { toast(e.message, "breach"); });
  }

  // ------------------------------------------------------------------ one conversation

  function fillAssignees() {
    var select = $("assignee");
    clear(select);
    select.appendChild(el("option", { value: "" }, "Unassigned"));
    Object.keys(agents).forEach(function (id) { select.appendChild(el("option", { value: id }, agents[id].name)); });
  }

  function open(id) {
    return call("GET", "/tickets/" + encodeURIComponent(id)).then(function (ticket) {
      if (current && current.id !== ticket.id && ws && ws.readyState === 1) {
        ws.send(JSON.stringify({ action: "leave", conversation_id: current.id }));
      }
      current = ticket;
      editing = false;
      showTicket(ticket);
      Array.prototype.forEach.call(document.querySelectorAll("[data-ticket]"), function (b) {
        if (b.getAttribute("data-ticket") === ticket.id) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
      });
      // Joined whatever the channel: agents see its messages, changes and mail deliveries live.
      if (ws && ws.readyState === 1) ws.send(JSON.stringify({ action: "join", conversation_id: ticket.id }));
      loadTimeline();
      loadCustomer(ticket.customer);
      $("main").focus();
    }).catch(function (e) { toast(e.message, "breach"); });
  }

  // Fields the agent is editing are not overwritten by live updates of the same ticket.
  var editing = false;
  $("properties").addEventListener("input", function () { editing = true; });
  $("properties").addEventListener("change", function () { editing = true; });

  function showTicket(ticket) {
    $("placeholder").hidden = true; $("conversation").hidden = false;
    $("conversation-title").textContent = "#" + ticket.number + " " + ticket.subject;
    if (!editing) {
      $("status").value = ticket.status;
      $("priority").value = ticket.priority;
      $("assignee").value = ticket.assignee_id || "";
      $("team").value = ticket.team || "";
      $("tags").value = (ticket.tags || []).join(", ");
    }
    $("reply-label").textContent = ticket.channel === "email" ? "Reply by email" : ticket.channel === "chat" ? "Reply in chat" : "Reply";
    var sla = $("sla");
    clear(sla);
    var clocks = (ticket.sla && ticket.sla.clocks) || {};
    Object.keys(clocks).forEach(function (name) {
      var c = clocks[name];
      var text = name.replace("_", " ") + ": " + (c.met_at ? "met" : c.paused ? "paused" : c.due_at ? relative(c.due_at) : "");
      var kind = c.breached ? "overdue" : c.met_at ? "ok" : c.due_at && new Date(c.due_at) < Date.now() ? "overdue" : "ok";
      sla.appendChild(el("span", { "class": "pill " + kind, title: c.due_at ? "Due " + when(c.due_at) : "" }, text));
    });
    if (ticket.csat) sla.appendChild(el("span", { "class": "pill ok" }, "Rated " + ticket.csat.score + "/5"));
  }

  function messageItem(m) {
    var kind = m.kind === "note" ? "note" : m.author_type;
    var li = el("li", { "class": kind, "data-seq": String(m.seq) });
    var head = el("div", { "class": "head" });
    var author = m.author_type === "agent" ? ((agents[m.author_id] || {}).name || "Agent")
      : m.author_type === "system" ? "Automatic" : (current.customer && (current.customer.name || current.customer.email)) || "Customer";
    head.appendChild(el("strong", {}, author));
    head.appendChild(el("span", {}, m.kind === "note" ? "internal note" : "via " + m.channel));
    head.appendChild(el("time", { datetime: m.created_at }, when(m.created_at)));
    li.appendChild(head);
    li.appendChild(el("div", { "class": "body" }, m.body));
    var links = el("div", { "class": "links" });
    (m.attachments || []).forEach(function (a) {
      if (a.url) links.appendChild(el("a", { href: a.url, rel: "noopener noreferrer", target: "_blank" }, a.filename));
    });
    if (m.mail) {
      if (m.mail.has_html) {
        var show = el("button", { type: "button", "class": "linklike" }, "Show as sent");
        show.addEventListener("click", function () { showHtml(m.seq); });
        links.appendChild(show);
      }
      links.appendChild(el("a", { href: m.mail.original_url, rel: "noopener noreferrer" }, "Original message"));
    }
    if (links.childNodes.length) li.appendChild(links);
    if (m.delivery) li.appendChild(deliveryNote(m.delivery));
    return li;
  }

  // An agent's reply by mail: the mail goes out after the reply is saved, and may have to be
  // tried again; the agent sees where it stands.
  var DELIVERY = {
    pending: "Sending by email…",
    sent: "Sent by email",
    retrying: "Not sent yet, trying again",
    failed: "Not sent"
  };
  function deliveryNote(d) {
    var text = DELIVERY[d.state] || d.state;
    if (d.error && d.state !== "sent") text += ": " + d.error;
    if (d.state === "failed") text += (me && me.role === "admin") ? " (send it again from Failed events)" : " (an admin can send it again)";
    return el("p", { "class": "delivery " + d.state, "data-delivery": d.state, role: d.state === "failed" ? "alert" : "status" }, text);
  }
  function replaceMessage(m) {
    var old = $("timeline").querySelector('[data-seq="' + m.seq + '"]');
    if (old) old.replaceWith(messageItem(m)); else append(m);
  }

  // ------------------------------------------------------------------ failed events (admins)

  var failedList = [];
  function loadFailed() {
    if (!me || me.role !== "admin") return;
    call("GET", "/events/failed?limit=100").then(function (page) {
      failedList = page.items;
      var button = $("failed-events");
      button.hidden = !failedList.length;
      $("failed-count").textContent = String(failedList.length);
      if ($("failed-view").open) showFailed();
    }).catch(function () { /* shown on the next change */ });
  }
  function showFailed() {
    var list = $("failed-items");
    clear(list);
    $("failed-empty").hidden = failedList.length > 0;
    failedList.forEach(function (f) {
      var li = el("li", { "data-failure": f.id });
      li.appendChild(el("strong", {}, REACTION_NAMES[f.reaction] || f.reaction));
      li.appendChild(el("span", { "class": "muted" }, " " + when(f.parked_at) + ", " + f.attempts + " attempts"));
      li.appendChild(el("p", { "class": "error" }, f.error));
      var actions = el("div", { "class": "actions" });
      var openIt = el("button", { type: "button", "class": "linklike" }, "Open the ticket");
      openIt.addEventListener("click", function () { $("failed-view").close(); open(f.event.ticket_id); });
      var again = el("button", { type: "button", "class": "primary" }, "Try again");
      again.addEventListener("click", function () {
        again.disabled = true;
        call("POST", "/events/failed/" + f.id + "/replay").then(function () {
          toast("Done: " + (REACTION_NAMES[f.reaction] || f.reaction));
          loadFailed();
          if (current && current.id === f.event.ticket_id) loadTimeline();
        }).catch(function (e) { again.disabled = false; toast(e.message, "breach"); loadFailed(); });
      });
      var dismiss = el("button", { type: "button", "class": "ghost" }, "Dismiss");
      dismiss.addEventListener("click", function () {
        call("DELETE", "/events/failed/" + f.id).then(loadFailed).catch(function (e) { toast(e.message, "breach"); });
      });
      actions.appendChild(openIt); actions.appendChild(again); actions.appendChild(dismiss);
      li.appendChild(actions);
      list.appendChild(li);
    });
  }
  var REACTION_NAMES = {
    "mail.send_reply": "A reply by email was not sent",
    "mail.auto_reply": "An automatic answer by email was not sent",
    "mail.chat_reply_to_absent_visitor": "A chat answer was not mailed to a visitor who had left",
    "sla.webhook": "An SLA webhook was refused",
    "sla.mail_agents": "An SLA alert by email was not sent",
    "sla.change_ticket": "An SLA escalation did not change the ticket",
    "sla.start_clocks": "SLA clocks were not started",
    "sla.message_clocks": "SLA clocks were not updated",
    "sla.ticket_changed": "SLA clocks were not updated",
    "privacy.retention": "A closed ticket's expiry was not set",
    "chat.out_of_hours_notice": "An out-of-hours notice was not posted",
    "chat.out_of_hours_on_open": "An out-of-hours notice was not posted"
  };
  $("failed-events").addEventListener("click", function () { showFailed(); $("failed-view").showModal(); });

  function loadTimeline() {
    var ticket = current;
    return call("GET", "/tickets/" + ticket.id + "/messages?limit=100").then(function (page) {
      if (!current || current.id !== ticket.id) return; // another conversation was opened meanwhile
      var list = $("timeline");
      clear(list);
      page.items.forEach(function (m) { list.appendChild(messageItem(m)); });
      list.lastChild && list.lastChild.scrollIntoView({ block: "end" });
    });
  }
  function append(m) {
    var list = $("timeline");
    if (list.querySelector('[data-seq="' + m.seq + '"]')) return;
    list.appendChild(messageItem(m));
    list.lastChild.scrollIntoView({ block: "end" });
  }

  function showHtml(seq) {
    call("GET", "/tickets/" + current.id + "/messages/" + seq + "/html").then(function (data) {
      $("html-frame").srcdoc = data.html;
      $("html-view").showModal();
    }).catch(function (e) { toast(e.message, "breach"); });
  }

  function loadCustomer(customer) {
    var aside = $("customer");
    aside.hidden = false;
    var dl = $("customer-profile");
    clear(dl);
    function row(k, v) { if (v) { dl.appendChild(el("dt", {}, k)); dl.appendChild(el("dd", {}, v)); } }
    row("Name", customer.name); row("Email", customer.email); row("Since", when(customer.created_at));
    call("GET", "/customers/" + customer.id).then(function (full) {
      var pages = $("pages");
      clear(pages);
      (full.visit_pages || []).slice(-10).forEach(function (p) {
        var li = el("li");
        li.appendChild(el("span", { title: p.url }, p.title || p.url));
        pages.appendChild(li);
      });
    }).catch(function () { /* a customer we may not read: the list stays empty */ });
    call("GET", "/tickets?customer=" + encodeURIComponent(customer.id) + "&limit=20").then(function (page) {
      var history = $("history");
      clear(history);
      page.items.filter(function (t) { return !current || t.id !== current.id; }).forEach(function (t) {
        var li = el("li");
        var b = el("button", { type: "button" }, "#" + t.number + " " + t.subject + " (" + t.channel + ", " + t.status + ")");
        b.addEventListener("click", function () { open(t.id); });
        li.appendChild(b);
        history.appendChild(li);
      });
    });
  }

  $("properties").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    var tags = $("tags").value.split(",").map(function (s) { return s.trim().toLowerCase(); }).filter(Boolean);
    var body = { status: $("status").value, priority: $("priority").value, assignee_id: $("assignee").value || null,
                 team: $("team").value.trim() || null, tags: tags };
    Object.keys(body).forEach(function (k) {
      var before = k === "tags" ? (current.tags || []).join(",") : current[k] == null ? null : current[k];
      var after = k === "tags" ? tags.join(",") : body[k];
      if (before === after) delete body[k];
    });
    if (!Object.keys(body).length) return;
    serial(function () {
      return call("PATCH", "/tickets/" + current.id, body, { "If-Match": '"' + current.version + '"' }).then(function (ticket) {
        current = ticket; editing = false; showTicket(ticket); loadList(); toast("Saved.");
      }).catch(function (e) {
        toast(e.status === 409 ? "Someone changed this ticket meanwhile; it is reloaded." : e.message, "breach");
        if (e.status === 409) { editing = false; open(current.id); }
      });
    });
  });

  function kind() { return document.querySelector('input[name="kind"]:checked').value; }
  Array.prototype.forEach.call(document.querySelectorAll('input[name="kind"]'), function (r) {
    r.addEventListener("change", function () {
      $("composer").classList.toggle("note", kind() === "note");
      $("reply").placeholder = kind() === "note" ? "Only agents see notes…" : "Write a reply…";
    });
  });
  function sendReply(solve) {
    var text = $("reply").value.trim();
    if (!text || !current) return;
    var body = { body: text, kind: kind() };
    if (solve && body.kind === "reply") body.status = "solved";
    var ticket = current;
    $("reply").value = "";
    serial(function () {
      return call("POST", "/tickets/" + ticket.id + "/messages", body).then(function (result) {
        if (current && current.id === ticket.id) { append(result.message); current = result.ticket; showTicket(result.ticket); }
        loadList();
      }).catch(function (e) { $("reply").value = text; toast(e.message, "breach"); });
    });
  }
  $("composer").addEventListener("submit", function (event) { event.preventDefault(); sendReply(false); });
  $("send-solve").addEventListener("click", function () { sendReply(true); });

  function loadCanned() {
    call("GET", "/canned-responses").then(function (list) {
      var select = $("canned");
      list.items.forEach(function (c) { select.appendChild(el("option", { value: c.id }, c.title)); });
    }).catch(function () { $("canned").hidden = true; });
  }
  $("canned").addEventListener("change", function () {
    var id = $("canned").value;
    if (!id || !current) return;
    call("GET", "/tickets/" + current.id + "/canned-responses/" + encodeURIComponent(id)).then(function (r) {
      var box = $("reply");
      box.value = box.value ? box.value + "\n" + r.text : r.text;
      box.focus();
      $("canned").value = "";
    }).catch(function (e) { toast(e.message, "breach"); });
  });

  // ------------------------------------------------------------------ real time

  $("presence").addEventListener("change", function () {
    localStorage.setItem("desk-presence", $("presence").value);
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ action: "presence", status: $("presence").value }));
  });

  function connect() {
    if (!wsUrl || !auth) return;
    ws = new WebSocket(wsUrl + "/?token=" + encodeURIComponent(auth.token));
    ws.onopen = function () {
      backoff = 500;
      $("connection").textContent = "Live";
      ws.send(JSON.stringify({ action: "presence", status: $("presence").value }));
      if (current) ws.send(JSON.stringify({ action: "join", conversation_id: current.id }));
    };
    ws.onmessage = function (event) {
      var f = JSON.parse(event.data);
      if (f.type === "conversation.created") {
        toast("New conversation: " + f.conversation.subject);
        loadList();
      } else if (f.type === "message") {
        if (current && f.conversation_id === current.id) append(f.message);
        loadList();
      } else if (f.type === "message.updated") {
        if (current && f.conversation_id === current.id) replaceMessage(f.message);
      } else if (f.type === "event.parked") {
        loadFailed();
      } else if (f.type === "conversation.updated") {
        if (current && f.conversation && f.conversation.id === current.id) {
          call("GET", "/tickets/" + current.id).then(function (t) { current = t; showTicket(t); });
        }
        loadList();
      } else if (f.type === "sla.alert") {
        toast("#" + f.number + " " + f.subject + ": " + (f.level === "breach" ? "missed" : "close to") + " its " + f.metric.replace("_", " ") + " target", f.level);
        loadList();
      } else if (f.type === "visitor.page") {
        if (current && current.customer && current.customer.id === f.customer_id) loadCustomer(current.customer);
      } else if (f.type === "typing" && current && f.conversation_id === current.id && f.state) {
        $("connection").textContent = "Customer is typing…";
        setTimeout(function () { $("connection").textContent = "Live"; }, 3000);
      }
    };
    ws.onclose = function () {
      $("connection").textContent = "Reconnecting…";
      if (!auth) return;
      setTimeout(function () { refresh().then(connect, connect); }, backoff);
      backoff = Math.min(backoff * 2, 15000);
    };
  }

  if (auth) boot(); else { $("signin").hidden = false; }
})();
