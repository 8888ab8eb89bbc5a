/* Settings > Agents (admins): invite by e-mail, open invitations (send again, withdraw), and
 * each agent's role, capacity, languages and teams; deactivate, reactivate, remove. Every
 * change goes through the API, which validates it, audits it and refuses to lose the last
 * admin; its message is shown as it is. */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;

  function field(parent, id, label, input) {
    var wrap = Desk.el("div", { "class": "field" });
    wrap.appendChild(Desk.el("label", { "for": id }, label));
    input.id = id;
    wrap.appendChild(input);
    parent.appendChild(wrap);
    return input;
  }
  var ROLES = [["agent", t("role.agent")], ["admin", t("role.admin")]];
  function select(options, value) {
    var s = Desk.el("select");
    options.forEach(function (o) { var opt = Desk.el("option", { value: o[0] }, o[1]); if (o[0] === value) opt.selected = true; s.appendChild(opt); });
    return s;
  }
  function button(text, kind, onClick) {
    var b = Desk.el("button", { type: "button", "class": kind || "ghost" }, text);
    b.addEventListener("click", onClick);
    return b;
  }

  function render(panel) {
    var error = Desk.el("p", { "class": "error", role: "alert", id: "agents-error" });
    var fail = function (e) { error.textContent = e.message; };

    // ---- invite
    var form = Desk.el("form", { id: "invite-form", "aria-labelledby": "invite-title" });
    form.appendChild(Desk.el("h3", { id: "invite-title" }, t("agents.invite")));
    form.appendChild(Desk.el("p", { "class": "muted" }, t("agents.invite_help")));
    var row = Desk.el("div", { "class": "row" });
    var email = field(row, "invite-email", t("agents.invite_email"), Desk.el("input", { type: "email", required: "", autocomplete: "off", placeholder: "name@example.com" }));
    var role = field(row, "invite-role", t("agents.role"), select(ROLES, "agent"));
    row.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("agents.invite_send")));
    form.appendChild(row);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      error.textContent = "";
      Desk.call("POST", "/invites", { email: email.value.trim(), role: role.value }).then(function (invite) {
        Desk.toast(t("agents.invite_sent", { email: invite.email }));
        email.value = "";
        load();
      }).catch(fail);
    });
    panel.appendChild(form);
    panel.appendChild(error);

    // Each section has its heading from the start: a section named by a heading that is not
    // there yet (while the lists load) is a nameless region to a screen reader (and to axe).
    function section(id, title) {
      var s = Desk.el("section", { "aria-labelledby": id });
      s.appendChild(Desk.el("h3", { id: id }, title));
      var body = Desk.el("div");
      s.appendChild(body);
      panel.appendChild(s);
      return body;
    }
    var invites = section("invites-title", t("agents.invites"));
    var team = section("team-title", t("settings.agents.title"));

    function load() {
      Promise.all([Desk.call("GET", "/invites"), Desk.call("GET", "/agents"), Desk.call("GET", "/teams")]).then(function (r) {
        showInvites(r[0].items);
        showAgents(r[1].items, r[2].items);
      }).catch(fail);
    }

    function showInvites(items) {
      Desk.clear(invites);
      if (!items.length) { invites.appendChild(Desk.el("p", { "class": "muted" }, t("agents.invites_none"))); return; }
      var list = Desk.el("ul", { "class": "invites" });
      items.forEach(function (invite) {
        var li = Desk.el("li");
        li.appendChild(Desk.el("span", null, invite.email + " (" + Desk.i18n.name("role.inline_", invite.role) + ") — " +
          (invite.expired ? t("agents.invite_expired") : t("agents.invite_valid", { when: Desk.when(invite.valid_until) })) + " "));
        li.appendChild(button(t("agents.invite_resend"), "ghost", function () {
          Desk.call("POST", "/invites/" + invite.id + "/resend").then(function () { Desk.toast(t("agents.invite_resent", { email: invite.email })); load(); }).catch(fail);
        }));
        li.appendChild(button(t("agents.invite_withdraw"), "ghost", function () {
          Desk.call("DELETE", "/invites/" + invite.id).then(function () { Desk.toast(t("agents.invite_withdrawn")); load(); }).catch(fail);
        }));
        list.appendChild(li);
      });
      invites.appendChild(list);
    }

    function showAgents(agents, teams) {
      Desk.clear(team);
      var list = Desk.el("ul", { "class": "agent-cards" });
      agents.forEach(function (agent) { list.appendChild(card(agent, teams)); });
      team.appendChild(list);
    }

    function card(agent, teams) {
      var me = Desk.me();
      var li = Desk.el("li", { "class": "agent-card", "data-agent": agent.id });
      var head = Desk.el("h4", null, agent.name);
      li.appendChild(head);
      li.appendChild(Desk.el("p", { "class": "muted" }, agent.email + (agent.status === "deactivated" ? " — " + t("agents.deactivated") : "") +
        (agent.id === me.id ? " — " + t("agents.you") : "")));
      var f = Desk.el("form", { "aria-label": t("agents.settings_of", { name: agent.name }) });
      var row = Desk.el("div", { "class": "row" });
      var key = "agent-" + agent.id.replace(/[^A-Za-z0-9-]/g, "");
      var roleSel = field(row, key + "-role", t("agents.role"), select(ROLES, agent.role));
      var capacity = field(row, key + "-capacity", t("agents.capacity"), Desk.el("input", { type: "number", min: "1", max: "50", placeholder: t("agents.no_limit") }));
      capacity.value = agent.capacity == null ? "" : String(agent.capacity);
      var languages = field(row, key + "-languages", t("agents.languages"), Desk.el("input", { placeholder: "en, de" }));
      languages.value = (agent.languages || []).join(", ");
      f.appendChild(row);
      if (teams.length) {
        var set = Desk.el("fieldset", { "class": "row" });
        set.appendChild(Desk.el("legend", null, t("settings.teams.title")));
        teams.forEach(function (t) {
          var label = Desk.el("label");
          var box = Desk.el("input", { type: "checkbox", value: t.id });
          if ((agent.teams || []).indexOf(t.id) >= 0) box.checked = true;
          label.appendChild(box);
          label.appendChild(document.createTextNode(" " + t.name));
          set.appendChild(label);
        });
        f.appendChild(set);
      }
      var actions = Desk.el("div", { "class": "row" });
      var who = { name: agent.name };
      actions.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("agents.save", who)));
      if (agent.status === "deactivated") {
        actions.appendChild(button(t("agents.reactivate", who), "ghost", function () {
          Desk.call("POST", "/agents/" + agent.id + "/reactivate").then(function () { Desk.toast(t("agents.reactivated", who)); load(); }).catch(fail);
        }));
      } else {
        actions.appendChild(button(t("agents.deactivate", who), "ghost", function () {
          if (!confirm(t("agents.deactivate_confirm", who))) return;
          Desk.call("POST", "/agents/" + agent.id + "/deactivate").then(function () { Desk.toast(t("agents.deactivated_toast", who)); load(); }).catch(fail);
        }));
      }
      actions.appendChild(button(t("agents.remove", who), "ghost danger", function () {
        if (!confirm(t("agents.remove_confirm", who))) return;
        Desk.call("DELETE", "/agents/" + agent.id).then(function () { Desk.toast(t("agents.removed", who)); load(); }).catch(fail);
      }));
      f.appendChild(actions);
      f.addEventListener("submit", function (event) {
        event.preventDefault();
        error.textContent = "";
        var langs = languages.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
        var body = { role: roleSel.value, capacity: capacity.value ? Number(capacity.value) : null, languages: langs };
        if (teams.length) body.teams = Array.prototype.map.call(f.querySelectorAll("fieldset input:checked"), function (b) { return b.value; });
        Desk.call("PATCH", "/agents/" + agent.id, body).then(function () { Desk.toast(t("agents.saved", who)); load(); }).catch(fail);
      });
      li.appendChild(f);
      return li;
    }

    load();
  }

  Desk.settings.register({ id: "agents", title: "settings.agents.title", admin: true, render: render });
})();
