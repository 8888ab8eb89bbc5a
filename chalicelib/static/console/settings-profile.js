/* Settings > My profile: what visitors see of the signed-in agent (name, title, photo, time
 * zone). Every agent has this section; the server validates each field (PATCH /agents/me). */
(function () {
  "use strict";
  var Desk = window.Desk;

  function field(form, id, label, value, attrs) {
    form.appendChild(Desk.el("label", { "for": id }, label));
    var input = Desk.el("input", Object.assign({ id: id }, attrs || {}));
    input.value = value || "";
    form.appendChild(input);
    return input;
  }

  Desk.settings.register({
    id: "profile",
    title: "My profile",
    render: function (panel) {
      var me = Desk.me();
      panel.appendChild(Desk.el("p", { "class": "muted" }, "Visitors see your name, title and photo next to your replies."));
      var form = Desk.el("form", { id: "profile-form" });
      var name = field(form, "profile-name", "Name", me.name, { required: "", maxlength: "100", autocomplete: "name" });
      var title = field(form, "profile-title", "Title", me.title, { maxlength: "60", placeholder: "Support lead" });
      var avatar = field(form, "profile-avatar", "Photo address (https)", me.avatar_url, { type: "url", placeholder: "https://…" });
      var zone = field(form, "profile-timezone", "Time zone", me.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone, { placeholder: "Europe/Berlin" });
      var error = Desk.el("p", { "class": "error", role: "alert", id: "profile-error" });
      form.appendChild(error);
      form.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, "Save profile"));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        error.textContent = "";
        var blank = function (v) { v = v.trim(); return v ? v : null; };
        Desk.call("PATCH", "/agents/me", {
          name: name.value.trim(), title: blank(title.value), avatar_url: blank(avatar.value), timezone: blank(zone.value)
        }).then(function (saved) {
          Object.assign(me, saved);
          document.getElementById("me").textContent = saved.name;
          Desk.toast("Profile saved.");
        }).catch(function (e) { error.textContent = e.message; });
      });
      panel.appendChild(form);
    }
  });
})();
