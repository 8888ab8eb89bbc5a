/* Settings > Teams (admins): teams as objects with a short id (the slug tickets carry in
 * "team"), a name and members. For everyone, the console's team fields (a ticket's Team and
 * the Team filter) suggest the teams there are. */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;

  // The ticket form's and the list filter's team inputs pick from the teams.
  function suggest() {
    return Desk.call("GET", "/teams").then(function (r) {
      var list = document.getElementById("team-options");
      if (!list) { list = Desk.el("datalist", { id: "team-options" }); document.body.appendChild(list); }
      Desk.clear(list);
      r.items.forEach(function (team) { list.appendChild(Desk.el("option", { value: team.id }, team.name)); });
      ["team", "team-filter"].forEach(function (id) { var input = document.getElementById(id); if (input) input.setAttribute("list", "team-options"); });
    }).catch(function () { /* suggestions only */ });
  }
  Desk.onReady(suggest);

  function render(panel) {
    var error = Desk.el("p", { "class": "error", role: "alert", id: "teams-error" });
    var fail = function (e) { error.textContent = e.message; };
    var form = Desk.el("form", { id: "team-create", "aria-labelledby": "team-create-title" });
    form.appendChild(Desk.el("h3", { id: "team-create-title" }, t("teams.new")));
    var row = Desk.el("div", { "class": "row" });
    var wrap = function (id, label, input) {
      var d = Desk.el("div", { "class": "field" });
      d.appendChild(Desk.el("label", { "for": id }, label)); input.id = id; d.appendChild(input); row.appendChild(d); return input;
    };
    var name = wrap("team-name", t("teams.name"), Desk.el("input", { required: "", maxlength: "100", placeholder: t("teams.name_example") }));
    var slug = wrap("team-slug", t("teams.slug"), Desk.el("input", { required: "", pattern: "[a-z0-9][a-z0-9-]{0,39}", placeholder: "billing", "aria-describedby": "team-slug-help" }));
    row.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("teams.create")));
    form.appendChild(row);
    form.appendChild(Desk.el("p", { id: "team-slug-help", "class": "muted" }, t("teams.slug_help")));
    name.addEventListener("input", function () {
      if (!slug.dataset.touched) slug.value = name.value.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
    });
    slug.addEventListener("input", function () { slug.dataset.touched = "1"; });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      error.textContent = "";
      Desk.call("PUT", "/teams/" + encodeURIComponent(slug.value.trim()), { name: name.value.trim() }).then(function (created) {
        Desk.toast(t("teams.created", { name: created.name }));
        name.value = ""; slug.value = ""; delete slug.dataset.touched;
        load(); suggest();
      }).catch(fail);
    });
    panel.appendChild(form);
    panel.appendChild(error);
    // The heading is there from the start: a section named by a missing heading (while the
    // list loads) is a nameless region to a screen reader (and to axe).
    var region = Desk.el("section", { "aria-labelledby": "teams-title" });
    region.appendChild(Desk.el("h3", { id: "teams-title" }, t("settings.teams.title")));
    var section = Desk.el("div");
    region.appendChild(section);
    panel.appendChild(region);

    function load() {
      Promise.all([Desk.call("GET", "/teams"), Desk.call("GET", "/agents")]).then(function (r) { show(r[0].items, r[1].items); }).catch(fail);
    }

    function show(teams, agents) {
      Desk.clear(section);
      if (!teams.length) { section.appendChild(Desk.el("p", { "class": "muted" }, t("teams.none"))); return; }
      var list = Desk.el("ul", { "class": "agent-cards" });
      teams.forEach(function (team) {
        var li = Desk.el("li", { "class": "agent-card" });
        li.appendChild(Desk.el("h4", null, team.name + " (" + team.id + ")"));
        var f = Desk.el("form", { "aria-label": t("teams.team", { name: team.name }) });
        var id = "team-" + team.id + "-name";
        f.appendChild(Desk.el("label", { "for": id }, t("teams.name_of", { id: team.id })));
        var input = Desk.el("input", { id: id, required: "", maxlength: "100" });
        input.value = team.name;
        f.appendChild(input);
        var set = Desk.el("fieldset", { "class": "row" });
        set.appendChild(Desk.el("legend", null, t("teams.members")));
        agents.forEach(function (a) {
          var label = Desk.el("label");
          var box = Desk.el("input", { type: "checkbox", value: a.id });
          if (team.members.indexOf(a.id) >= 0) box.checked = true;
          label.appendChild(box);
          label.appendChild(document.createTextNode(" " + a.name));
          set.appendChild(label);
        });
        f.appendChild(set);
        var actions = Desk.el("div", { "class": "row" });
        actions.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("teams.save", { id: team.id })));
        var del = Desk.el("button", { type: "button", "class": "ghost danger" }, t("teams.delete", { id: team.id }));
        del.addEventListener("click", function () {
          if (!confirm(t("teams.delete_confirm", { name: team.name }))) return;
          Desk.call("DELETE", "/teams/" + team.id).then(function () { Desk.toast(t("teams.deleted")); load(); suggest(); }).catch(fail);
        });
        actions.appendChild(del);
        f.appendChild(actions);
        f.addEventListener("submit", function (event) {
          event.preventDefault();
          error.textContent = "";
          var members = Array.prototype.map.call(set.querySelectorAll("input:checked"), function (b) { return b.value; });
          Desk.call("PUT", "/teams/" + team.id, { name: input.value.trim(), members: members }).then(function () { Desk.toast(t("teams.saved")); load(); suggest(); }).catch(fail);
        });
        li.appendChild(f);
        list.appendChild(li);
      });
      section.appendChild(list);
    }
    load();
  }

  Desk.settings.register({ id: "teams", title: "settings.teams.title", admin: true, render: render });
})();
