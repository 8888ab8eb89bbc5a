/* The agent console: a single page over the desk's REST API and websocket. No framework, no
 * build step. Text from customers is always put in the page as text (textContent), and a
 * mail's HTML is shown only inside a sandboxed iframe. */
(function () {
  "use strict";
  var api = location.origin;
  var wsUrl = document.body.getAttribute("data-websocket-url");
  // The session (token, refresh_token) is kept in localStorage, so that a reload and a new tab
  // stay signed in; signing out removes it, and every tab hears of that ("storage" event).
  // A script injected into the page could read it, but so could it use the page's session
  // anyway: the console's CSP allows only its own scripts, and customers' text is set as text.
  var AUTH_KEY = "desk-console";
  sessionStorage.removeItem(AUTH_KEY); // where earlier versions kept it
  var auth = loadAuth();
  var me = null;
  var agents = {};
  var view = "mine";
  var team = "";
  var current = null; // the open ticket
  var ws = null;
  var backoff = 500;
  var $ = function (id) { return document.getElementById(id); };
  // The agent's language (static/console/i18n.js, loaded first): every word the console shows.
  var i18n = window.Desk.i18n, t = window.Desk.t;
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
  function loadAuth() {
    try { var a = JSON.parse(localStorage.getItem(AUTH_KEY) || "null"); return a && a.refresh_token ? a : null; } catch (e) { return null; }
  }
  function saveAuth() { localStorage.setItem(AUTH_KEY, JSON.stringify(auth)); }
  // One name per customer wherever it shows: their name, else their e-mail, else "Visitor"
  // and the end of their id (two anonymous visitors are told apart).
  function customerName(c) {
    if (c && (c.name || c.email)) return c.name || c.email;
    return t("customer.visitor", { id: String((c && c.id) || "").slice(-4).toUpperCase() });
  }
  function initials(name) {
    var words = String(name || "?").replace(/[^\p{L}\p{N}\s]/gu, " ").trim().split(/\s+/);
    return ((words[0] || "?").charAt(0) + (words.length > 1 ? words[words.length - 1].charAt(0) : "")).toUpperCase();
  }
  // Dates and times in the agent's language (Intl, with the browser's own conventions when it
  // speaks that language: en-GB stays en-GB).
  var WHEN = new Intl.DateTimeFormat(i18n.locale, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  var FULL = new Intl.DateTimeFormat(i18n.locale, { dateStyle: "full", timeStyle: "short" });
  function when(iso) {
    if (!iso) return "";
    return WHEN.format(new Date(iso));
  }
  function span(unit, n) {
    return new Intl.NumberFormat(i18n.locale, { style: "unit", unit: unit, unitDisplay: "short" }).format(n);
  }
  function relative(iso) {
    var minutes = Math.round((new Date(iso) - Date.now()) / 60000);
    var abs = Math.abs(minutes);
    var text = abs < 60 ? span("minute", abs) : abs < 2880 ? span("hour", Math.round(abs / 60)) : span("day", Math.round(abs / 1440));
    return minutes < 0 ? t("sla.overdue", { time: text }) : t("sla.in", { time: text });
  }

  // ------------------------------------------------------------------ the API

  function call(method, path, body, headers) {
    var h = Object.assign({ Authorization: "Bearer " + (auth && auth.token) }, headers || {});
    if (body !== undefined) h["Content-Type"] = "application/json";
    return fetch(api + path, { method: method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) })
      .catch(function () { throw new Error(t("error.network")); })
      .then(function (r) {
        if (r.status === 204) return null;
        return r.json().then(function (data) {
          var code = data.error && data.error.code;
          // A deactivated or removed account: no new token helps; the console signs out.
          if (r.status === 401 && code === "account_disabled" && auth) signOut(DISABLED);
          else if (r.status === 401 && auth && auth.refresh_token && !(headers && headers["X-Retry"])) {
            return refresh().then(function () { return call(method, path, body, Object.assign({ "X-Retry": "1" }, headers || {})); });
          }
          // The desk's message, in the agent's language where the console knows the code.
          if (!r.ok) { var e = new Error(i18n.error(code, (data.error && data.error.message) || r.statusText)); e.status = r.status; e.code = code; e.details = data.error && data.error.details; throw e; }
          return data;
        });
      });
  }
  function refresh() {
    return fetch(api + "/auth/refresh", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh_token: auth.refresh_token }) })
      .then(function (r) { if (!r.ok) { signOut(); throw new Error("signed out"); } return r.json(); })
      .then(function (tokens) { if (!auth) throw new Error("signed out"); auth.token = tokens.token; saveAuth(); });
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
    }).catch(function () { throw new Error(t("error.network")); }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(i18n.error(data.error && data.error.code, (data.error && data.error.message) || t("signin.failed")));
        if (data.device) {
          devices[email] = data.device;
          localStorage.setItem("desk-devices", JSON.stringify(devices));
        }
        auth = { token: data.token, refresh_token: data.refresh_token };
        saveAuth();
        boot();
      });
    }).catch(function (e) { $("signin-error").textContent = e.message; });
  });
  var DISABLED = t("signin.disabled");
  function signOut(reason) {
    stopTyping();
    auth = null; me = null; localStorage.removeItem(AUTH_KEY);
    if (ws) { ws.onclose = null; ws.close(); ws = null; }
    $("signin-error").textContent = typeof reason === "string" ? reason : "";
    $("app").hidden = true; $("signin").hidden = false; $("signin-email").focus();
  }
  $("signout").addEventListener("click", signOut);
  // Another tab signed out (or in, or refreshed the token): this one follows.
  window.addEventListener("storage", function (event) {
    if (event.key !== AUTH_KEY && event.key !== null) return;
    var stored = loadAuth();
    if (!stored) { if (auth) signOut(); return; }
    var signedIn = !!auth;
    auth = stored;
    if (!signedIn) boot();
  });

  var RELOADING = {}; // the page reloads in the agent's language: the rest of the boot waits for it
  function boot() {
    call("GET", "/agents/me").then(function (agent) {
      // The agent chose another language than this page speaks (or none, and this browser
      // prefers another): the page is drawn again in it. The address and the session stay.
      if (i18n.follow(agent.language)) { location.reload(); throw RELOADING; }
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
      ready();
    }).catch(function (e) {
      if (e === RELOADING || !auth) return; // reloading, or signed out meanwhile
      // The session is shared by every tab: only a refusal ends it, not a network failure.
      if (e && e.status) { signOut(); return; }
      $("signin").hidden = true;
      toast(t("error.unreachable"), "breach");
      setTimeout(boot, 3000);
    });
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
    var label = i18n.name("sla.clock_", soonest.name) + " " + relative(soonest.due_at);
    return el("span", { "class": "pill " + (overdue ? "overdue" : soon ? "soon" : "ok"), title: t("sla.due", { when: when(soonest.due_at) }) }, label);
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
        b.appendChild(el("span", { "class": "subject", dir: "auto" }, "#" + ticket.number + " " + ticket.subject));
        var meta = el("span", { "class": "meta" });
        meta.appendChild(el("span", {}, customerName(ticket.customer)));
        meta.appendChild(el("span", { "class": "pill" }, i18n.channel(ticket.channel)));
        meta.appendChild(el("span", { "class": "pill" }, i18n.status(ticket.status)));
        if (ticket.priority !== "normal") meta.appendChild(el("span", { "class": "pill " + ticket.priority }, i18n.priority(ticket.priority)));
        var badge = slaBadge(ticket);
        if (badge) meta.appendChild(badge);
        b.appendChild(meta);
        b.addEventListener("click", function () { open(ticket.id); });
        li.appendChild(b);
        list.appendChild(li);
      });
      hooks(listListeners, list, page.items);
    }).catch(function (e) { toast(e.message, "breach"); });
  }

  // ------------------------------------------------------------------ one conversation

  function fillAssignees() {
    var select = $("assignee");
    var was = select.value;
    clear(select);
    select.appendChild(el("option", { value: "" }, t("view.unassigned")));
    Object.keys(agents).forEach(function (id) {
      if (!agents[id].gone || id === was) select.appendChild(el("option", { value: id }, agents[id].name));
    });
    select.value = was;
  }
  // The team changes while the console is open (an invited agent joins, one is removed): the
  // list is read again when something names an agent it does not know, and by the settings
  // that offer agents to choose from. One read at a time; an agent no longer listed is kept
  // (marked gone) so that their name stays on past work.
  var agentsRead = null;
  var agentsAsked = {};
  function refreshAgents() {
    if (!agentsRead) {
      agentsRead = call("GET", "/agents").then(function (list) {
        var listed = {};
        list.items.forEach(function (a) { listed[a.id] = true; agents[a.id] = a; });
        Object.keys(agents).forEach(function (id) { if (!listed[id]) agents[id].gone = true; });
        fillAssignees();
        agentsRead = null;
        return agents;
      }, function (e) { agentsRead = null; throw e; });
    }
    return agentsRead;
  }
  function unknownAgent(id) {
    if (!id || agents[id] || agentsAsked[id]) return;
    agentsAsked[id] = true;
    refreshAgents().then(function () {
      if (!agents[id]) return;
      // Redraw what this agent wrote in the open conversation, now with their name.
      Array.prototype.forEach.call($("timeline").querySelectorAll("li[data-seq]"), function (li) {
        if (li.message && li.message.author_id === id) replaceMessage(li.message);
      });
    }).catch(function () { /* the name waits for the next read */ });
  }

  // quiet: the address and the focus stay where they are (a ticket opened again behind the settings).
  function open(id, quiet) {
    var from = location.hash;
    return call("GET", "/tickets/" + encodeURIComponent(id)).then(function (ticket) {
      // The agent went elsewhere while it loaded (Back to the list on a phone): it opens behind.
      if (location.hash !== from && location.hash !== "#ticket/" + ticket.id) quiet = true;
      if (current && current.id !== ticket.id && ws && ws.readyState === 1) {
        ws.send(JSON.stringify({ action: "leave", conversation_id: current.id }));
      }
      if (!current || current.id !== ticket.id) stopTyping();
      current = ticket;
      editing = false;
      showTicket(ticket);
      if (!quiet) showPane(ticket.id);
      Array.prototype.forEach.call(document.querySelectorAll("[data-ticket]"), function (b) {
        if (b.getAttribute("data-ticket") === ticket.id) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
      });
      // Joined whatever the channel: agents see its messages, changes and mail deliveries live.
      if (ws && ws.readyState === 1) ws.send(JSON.stringify({ action: "join", conversation_id: ticket.id }));
      loadTimeline();
      loadCustomer(ticket.customer);
      if (!quiet) $("main").focus();
      hooks(openListeners, ticket);
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
    $("reply-label").textContent = t(ticket.channel === "email" ? "composer.reply_email" : ticket.channel === "chat" ? "composer.reply_chat" : "composer.reply");
    var sla = $("sla");
    clear(sla);
    var clocks = (ticket.sla && ticket.sla.clocks) || {};
    Object.keys(clocks).forEach(function (name) {
      var c = clocks[name];
      var text = i18n.name("sla.clock_", name) + ": " + (c.met_at ? t("sla.met") : c.paused ? t("sla.paused") : c.due_at ? relative(c.due_at) : "");
      var kind = c.breached ? "overdue" : c.met_at ? "ok" : c.due_at && new Date(c.due_at) < Date.now() ? "overdue" : "ok";
      sla.appendChild(el("span", { "class": "pill " + kind, title: c.due_at ? t("sla.due", { when: when(c.due_at) }) : "" }, text));
    });
    if (ticket.csat) {
      sla.appendChild(el("span", { "class": "pill ok" }, t("csat.rated", { score: ticket.csat.score })));
      if (ticket.csat.comment) sla.appendChild(el("q", { "class": "csat-comment" }, ticket.csat.comment));
    }
  }

  // A message: a bubble with its author's avatar (an agent's picture, else initials), name and time.
  function messageItem(m) {
    var li = el("li", { "class": "msg from-" + m.author_type + (m.kind === "note" ? " note" : ""), "data-seq": String(m.seq) });
    li.message = m;
    if (m.author_type === "agent") unknownAgent(m.author_id);
    var agent = m.author_type === "agent" ? (agents[m.author_id] || {}) : null;
    var author = agent ? (agent.name || t("message.agent")) : m.author_type === "system" ? t("message.system")
      : m.author_type === "bot" ? t("message.bot") : customerName(current.customer);
    li.appendChild(avatar(author, agent && agent.avatar_url));
    var bubble = el("div", { "class": "bubble" });
    var head = el("div", { "class": "head" });
    head.appendChild(el("strong", { "class": "author" }, author));
    head.appendChild(el("span", {}, m.kind === "note" ? t("message.note") : i18n.has("message.via_" + m.channel) ? t("message.via_" + m.channel) : t("message.via", { channel: m.channel })));
    head.appendChild(el("time", { datetime: m.created_at, title: FULL.format(new Date(m.created_at)) }, when(m.created_at)));
    bubble.appendChild(head);
    // The customer's and the agents' own words keep their own direction (German in a Hebrew console).
    var titles = (m.articles || []).map(function (a) { return "- " + a.title; }); // shown as links below
    var words = titles.length ? m.body.split("\n").filter(function (line) { return titles.indexOf(line) < 0; }).join("\n") : m.body;
    bubble.appendChild(el("div", { "class": "body", dir: "auto" }, words));
    li.appendChild(bubble);
    var links = el("div", { "class": "links" });
    if ((m.articles || []).length) { // the FAQ bot's answer: the help-center articles it offered
      var offered = el("ul", { "class": "bot-articles", "aria-label": t("message.bot_articles") });
      var base = location.pathname.replace(/\/console.*$/, "");
      m.articles.forEach(function (a) {
        var item = el("li");
        item.appendChild(el("a", { href: base + a.url, rel: "noopener", target: "_blank" }, a.title));
        offered.appendChild(item);
      });
      bubble.appendChild(offered);
    }
    (m.attachments || []).forEach(function (a) {
      if (a.url) links.appendChild(el("a", { href: a.url, rel: "noopener noreferrer", target: "_blank" }, a.filename));
    });
    if (m.mail) {
      if (m.mail.has_html) {
        var show = el("button", { type: "button", "class": "linklike" }, t("mail.show_html"));
        show.addEventListener("click", function () { showHtml(m.seq); });
        links.appendChild(show);
      }
      links.appendChild(el("a", { href: m.mail.original_url, rel: "noopener noreferrer" }, t("mail.original")));
    }
    if (links.childNodes.length) bubble.appendChild(links);
    if (m.delivery) bubble.appendChild(deliveryNote(m.delivery));
    return li;
  }
  function avatar(name, url) {
    var letters = el("span", { "class": "avatar", "aria-hidden": "true" }, initials(name));
    if (!url) return letters;
    var img = el("img", { "class": "avatar", src: url, alt: "" });
    img.addEventListener("error", function () { img.replaceWith(letters); });
    return img;
  }

  // An agent's reply by mail: the mail goes out after the reply is saved, and may have to be
  // tried again; the agent sees where it stands.
  var DELIVERY = { pending: "delivery.pending", sent: "delivery.sent", retrying: "delivery.retrying", failed: "delivery.failed" };
  function deliveryNote(d) {
    var text = DELIVERY[d.state] ? t(DELIVERY[d.state]) : d.state;
    if (d.error && d.state !== "sent") text += ": " + d.error.replace(/^Not sent: /, "");
    // Only a reply whose attempts were used up is parked (Failed events, for admins) and can be
    // sent again; one to a customer without an address, or to one that bounced, cannot.
    if (d.state === "failed" && parkedReply(d)) text += " " + t("delivery.parked");
    return el("p", { "class": "delivery " + d.state, "data-delivery": d.state, role: d.state === "failed" ? "alert" : "status" }, text);
  }
  function parkedReply(d) {
    return !!current && failedList.some(function (f) {
      return f.reaction === "mail.send_reply" && f.event && f.event.ticket_id === current.id && f.error === d.error;
    });
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
      // The open ticket's failed replies say whether they can be sent again.
      Array.prototype.forEach.call($("timeline").querySelectorAll("li[data-seq]"), function (li) {
        if (li.message && li.message.delivery && li.message.delivery.state === "failed") replaceMessage(li.message);
      });
    }).catch(function () { /* shown on the next change */ });
  }
  function showFailed() {
    var list = $("failed-items");
    clear(list);
    $("failed-empty").hidden = failedList.length > 0;
    failedList.forEach(function (f) {
      var li = el("li", { "data-failure": f.id });
      li.appendChild(el("strong", {}, reactionName(f.reaction)));
      li.appendChild(el("span", { "class": "muted" }, " " + when(f.parked_at) + ", " + t("failed.attempts", { count: f.attempts })));
      li.appendChild(el("p", { "class": "error" }, f.error));
      var actions = el("div", { "class": "actions" });
      var openIt = el("button", { type: "button", "class": "linklike" }, t("failed.open"));
      openIt.addEventListener("click", function () { $("failed-view").close(); open(f.event.ticket_id); });
      var again = el("button", { type: "button", "class": "primary" }, t("failed.again"));
      again.addEventListener("click", function () {
        again.disabled = true;
        call("POST", "/events/failed/" + f.id + "/replay").then(function () {
          toast(t("failed.done", { what: reactionName(f.reaction) }));
          loadFailed();
          if (current && current.id === f.event.ticket_id) loadTimeline();
        }).catch(function (e) { again.disabled = false; toast(e.message, "breach"); loadFailed(); });
      });
      var dismiss = el("button", { type: "button", "class": "ghost" }, t("failed.dismiss"));
      dismiss.addEventListener("click", function () {
        call("DELETE", "/events/failed/" + f.id).then(loadFailed).catch(function (e) { toast(e.message, "breach"); });
      });
      actions.appendChild(openIt); actions.appendChild(again); actions.appendChild(dismiss);
      li.appendChild(actions);
      list.appendChild(li);
    });
  }
  // What failed, by the reaction's name (docs/events.md); one the console does not know by its name.
  var REACTION_NAMES = {
    "mail.send_reply": "failed.mail_send_reply",
    "mail.auto_reply": "failed.mail_auto_reply",
    "mail.chat_reply_to_absent_visitor": "failed.mail_chat_reply",
    "sla.webhook": "failed.sla_webhook",
    "sla.mail_agents": "failed.sla_mail",
    "sla.change_ticket": "failed.sla_change",
    "sla.start_clocks": "failed.sla_start",
    "sla.message_clocks": "failed.sla_update",
    "sla.ticket_changed": "failed.sla_update",
    "privacy.retention": "failed.retention",
    "chat.out_of_hours_notice": "failed.out_of_hours",
    "chat.out_of_hours_on_open": "failed.out_of_hours"
  };
  function reactionName(name) { return REACTION_NAMES[name] ? t(REACTION_NAMES[name]) : name; }
  $("failed-events").addEventListener("click", function () { showFailed(); $("failed-view").showModal(); });

  function loadTimeline() {
    var ticket = current;
    return call("GET", "/tickets/" + ticket.id + "/messages?limit=100").then(function (page) {
      if (!current || current.id !== ticket.id) return; // another conversation was opened meanwhile
      var list = $("timeline");
      clear(list);
      page.items.forEach(function (m) { list.appendChild(messageItem(m)); });
      toNewest();
    });
  }
  function append(m) {
    var list = $("timeline");
    if (list.querySelector('[data-seq="' + m.seq + '"]')) return;
    list.appendChild(messageItem(m));
    toNewest();
  }
  // The timeline scrolls by itself (the header and the composer stay): to its end.
  function toNewest() { var list = $("timeline"); list.scrollTop = list.scrollHeight; }

  function showHtml(seq) {
    call("GET", "/tickets/" + current.id + "/messages/" + seq + "/html").then(function (data) {
      $("html-frame").srcdoc = data.html;
      $("html-view").showModal();
    }).catch(function (e) { toast(e.message, "breach"); });
  }

  function loadCustomer(customer) {
    var aside = $("customer");
    aside.hidden = false;
    $("customer-title").textContent = customerName(customer);
    var dl = $("customer-profile");
    clear(dl);
    function row(k, v) { if (v) { dl.appendChild(el("dt", {}, k)); dl.appendChild(el("dd", { dir: "auto" }, v)); } }
    row(t("customer.name"), customer.name); row(t("customer.email"), customer.email); row(t("customer.since"), when(customer.created_at));
    call("GET", "/customers/" + customer.id).then(function (full) {
      var pages = $("pages");
      clear(pages);
      // A page opened again and again in a row (a reload, a cart) is one line with a count.
      var runs = [];
      (full.visit_pages || []).forEach(function (p) {
        var last = runs[runs.length - 1], text = p.title || p.url;
        if (last && last.text === text) last.times += 1; else runs.push({ text: text, url: p.url, times: 1 });
      });
      runs.slice(-10).forEach(function (run) {
        var li = el("li");
        li.appendChild(el("span", { title: run.url }, run.text));
        if (run.times > 1) li.appendChild(el("span", { "class": "times" }, " " + t("customer.times", { count: run.times })));
        pages.appendChild(li);
      });
    }).catch(function () { /* a customer we may not read: the list stays empty */ });
    call("GET", "/tickets?customer=" + encodeURIComponent(customer.id) + "&limit=20").then(function (page) {
      var history = $("history");
      clear(history);
      page.items.filter(function (other) { return !current || other.id !== current.id; }).forEach(function (other) {
        var li = el("li");
        var b = el("button", { type: "button" }, "#" + other.number + " " + other.subject + " (" + i18n.channel(other.channel) + ", " + i18n.status(other.status) + ")");
        b.addEventListener("click", function () { open(other.id); });
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
        current = ticket; editing = false; showTicket(ticket); loadList(); toast(t("ticket.saved"));
      }).catch(function (e) {
        toast(e.status === 409 ? t("ticket.conflict") : e.message, "breach");
        if (e.status === 409) { editing = false; open(current.id); }
      });
    });
  });

  function kind() { return document.querySelector('input[name="kind"]:checked').value; }
  Array.prototype.forEach.call(document.querySelectorAll('input[name="kind"]'), function (r) {
    r.addEventListener("change", function () {
      $("composer").classList.toggle("note", kind() === "note");
      if (kind() === "note") stopTyping();
      $("reply").placeholder = t(kind() === "note" ? "composer.note_placeholder" : "composer.reply_placeholder");
    });
  });
  function sendReply(solve) {
    var text = $("reply").value.trim();
    if (!text || !current) return;
    var body = { body: text, kind: kind() };
    if (solve && body.kind === "reply") body.status = "solved";
    var ticket = current;
    $("reply").value = "";
    stopTyping();
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

  // Visitors see "… is typing": a frame when the agent starts a chat reply (again every few
  // seconds while typing), and one when they stop, send, or switch to a note or another ticket.
  // Notes are never announced.
  var typing = { conversation: null, sent: 0, idle: null };
  function typingFrame(conversation, state) {
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ action: "typing", conversation_id: conversation, state: state }));
  }
  function stopTyping() {
    clearTimeout(typing.idle);
    if (typing.conversation) typingFrame(typing.conversation, false);
    typing.conversation = null;
  }
  $("reply").addEventListener("input", function () {
    if (!current || current.channel !== "chat" || kind() !== "reply" || !$("reply").value.trim()) { stopTyping(); return; }
    var now = Date.now();
    if (typing.conversation !== current.id || now - typing.sent > 3000) {
      typing.conversation = current.id; typing.sent = now;
      typingFrame(current.id, true);
    }
    clearTimeout(typing.idle);
    typing.idle = setTimeout(stopTyping, 4000);
  });

  function connect() {
    if (!wsUrl || !auth) return;
    ws = new WebSocket(wsUrl + "/?token=" + encodeURIComponent(auth.token));
    ws.onopen = function () {
      backoff = 500;
      $("connection").textContent = t("live.live");
      ws.send(JSON.stringify({ action: "presence", status: $("presence").value }));
      if (current) ws.send(JSON.stringify({ action: "join", conversation_id: current.id }));
    };
    ws.onmessage = function (event) {
      var f = JSON.parse(event.data);
      frameListeners.forEach(function (fn) { try { fn(f); } catch (e) { /* a module's fault stays its own */ } });
      if (f.type === "conversation.created") {
        toast(t("live.new_conversation", { subject: f.conversation.subject }));
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
        toast(t(f.level === "breach" ? "sla.alert_breach" : "sla.alert_warning", { ticket: "#" + f.number + " " + f.subject, target: i18n.name("sla.clock_", f.metric) }), f.level);
        loadList();
      } else if (f.type === "visitor.page") {
        if (current && current.customer && current.customer.id === f.customer_id) loadCustomer(current.customer);
      } else if (f.type === "typing" && current && f.conversation_id === current.id && f.state) {
        $("connection").textContent = t("live.typing");
        setTimeout(function () { $("connection").textContent = t("live.live"); }, 3000);
      }
    };
    ws.onclose = function () {
      $("connection").textContent = t("live.reconnecting");
      if (!auth) return;
      // Asked first whether the session still holds (the desk closes a deactivated agent's
      // connections): a refusal signs out, anything else connects again (a fresh token on the way).
      setTimeout(function () {
        if (!auth) return;
        call("GET", "/agents/me").then(connect, function (e) {
          if (!auth) return;
          if (e && (e.status === 401 || e.status === 403)) signOut(); else connect();
        });
      }, backoff);
      backoff = Math.min(backoff * 2, 15000);
    };
  }

  // ------------------------------------------------------------------ layout and the address

  // The open ticket is in the address (#ticket/<id>): a reload or a link opens it again.
  // settings.js owns #settings…; any other address shows the list (one pane on a phone).
  function ticketInAddress() {
    var m = /^#ticket\/(tkt_[a-z0-9]{1,40})$/.exec(location.hash);
    return m && m[1];
  }
  function showPane(ticketId) {
    if (ticketId && location.hash !== "#ticket/" + ticketId) location.hash = "#ticket/" + ticketId;
    $("app").classList.toggle("pane-conversation", !!ticketInAddress());
  }
  function route() {
    if (!me) return;
    var id = ticketInAddress();
    $("app").classList.toggle("pane-conversation", !!id);
    if (id && (!current || current.id !== id)) open(id);
    if (!id) closeCustomer(false);
  }
  window.addEventListener("hashchange", route);
  $("back-to-list").addEventListener("click", function () {
    location.hash = "";
    var b = current && document.querySelector('[data-ticket="' + current.id + '"]');
    if (b) b.focus();
  });
  $("toggle-properties").addEventListener("click", function () {
    var shown = $("conversation").classList.toggle("show-properties");
    $("toggle-properties").setAttribute("aria-expanded", String(shown));
  });
  // The customer panel: beside the conversation on a wide screen, over it when narrower.
  function closeCustomer(refocus) {
    if (!$("app").classList.contains("customer-open")) return;
    $("app").classList.remove("customer-open");
    $("toggle-customer").setAttribute("aria-expanded", "false");
    if (refocus) $("toggle-customer").focus();
  }
  $("toggle-customer").addEventListener("click", function () {
    $("app").classList.add("customer-open");
    $("toggle-customer").setAttribute("aria-expanded", "true");
    $("close-customer").focus();
  });
  $("close-customer").addEventListener("click", function () { closeCustomer(true); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && $("app").classList.contains("customer-open")) closeCustomer(true);
  });

  // ------------------------------------------------------------------ for the console's modules

  // What static/console/*.js (the settings sections and the like) build on.
  var readyListeners = [], frameListeners = [], listListeners = [], openListeners = [];
  function hooks(list, a, b) { list.forEach(function (fn) { try { fn(a, b); } catch (e) { /* the module's own fault */ } }); }
  // (i18n.js made window.Desk first, with t and i18n; the console adds to it.)
  Object.assign(window.Desk, {
    call: call, el: el, clear: clear, toast: toast, when: when,
    customerName: customerName, // the one name a customer goes by in the console
    me: function () { return me; },
    agents: function () { return agents; },
    refreshAgents: function () { return refreshAgents(); }, // a promise of the agents, read again
    open: function (id) { return open(id); },
    onReady: function (fn) { readyListeners.push(fn); if (me) fn(me); },
    onFrame: function (fn) { frameListeners.push(fn); },
    onList: function (fn) { listListeners.push(fn); },  // (the list element, its tickets) after each render
    onOpen: function (fn) { openListeners.push(fn); },  // (the ticket) when one opens
    current: function () { return current; },
    send: function (frame) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame)); },
    reload: function () { if (current) open(current.id); return loadList(); },
    // Before a reload in another language: the open ticket is opened again after it, even
    // from the settings (whose address does not name it).
    keepOpenTicket: function () { if (current) sessionStorage.setItem(REOPEN_KEY, current.id); }
  });
  var REOPEN_KEY = "desk-console-reopen";
  function ready() {
    route();
    var kept = sessionStorage.getItem(REOPEN_KEY);
    sessionStorage.removeItem(REOPEN_KEY);
    if (kept && !current && /^tkt_[a-z0-9]{1,40}$/.test(kept)) open(kept, true);
    readyListeners.forEach(function (fn) { fn(me); });
  }

  if (auth) boot(); else { $("signin").hidden = false; }
})();
