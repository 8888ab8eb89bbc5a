/* Settings > My profile: what visitors see of the signed-in agent (name, title, photo, time
 * zone), and the console's language for them. Every agent has this section; the server
 * validates each field (PATCH /agents/me). A new language redraws the console in it: the page
 * reloads, keeping the session, the address and the open ticket. */
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
    title: "settings.profile.title",
    render: function (panel) {
      var me = Desk.me();
      var t = Desk.t, i18n = Desk.i18n;
      panel.appendChild(Desk.el("p", { "class": "muted" }, t("settings.profile.intro")));
      var form = Desk.el("form", { id: "profile-form" });
      var name = field(form, "profile-name", t("settings.profile.name"), me.name, { required: "", maxlength: "100", autocomplete: "name" });
      var title = field(form, "profile-title", t("settings.profile.job_title"), me.title, { maxlength: "60", placeholder: t("settings.profile.job_title_example") });
      var avatar = field(form, "profile-avatar", t("settings.profile.photo"), me.avatar_url, { type: "url", placeholder: "https://…" });
      var zone = field(form, "profile-timezone", t("settings.profile.timezone"), me.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone, { placeholder: "Europe/Berlin" });
      // The console's language: each named in itself (an agent lost in a language they cannot
      // read still finds their own), or the browser's.
      form.appendChild(Desk.el("label", { "for": "profile-language" }, t("settings.profile.language")));
      var language = Desk.el("select", { id: "profile-language", "data-field": "language" });
      language.appendChild(Desk.el("option", { value: "" }, t("settings.profile.language_browser", { language: i18n.names[i18n.browser()] })));
      i18n.languages.forEach(function (code) {
        language.appendChild(Desk.el("option", { value: code, lang: code, dir: i18n.rtl(code) ? "rtl" : "ltr" }, i18n.names[code]));
      });
      language.value = me.language || "";
      form.appendChild(language);
      var error = Desk.el("p", { "class": "error", role: "alert", id: "profile-error" });
      form.appendChild(error);
      form.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("settings.profile.save")));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        error.textContent = "";
        var blank = function (v) { v = v.trim(); return v ? v : null; };
        Desk.call("PATCH", "/agents/me", {
          name: name.value.trim(), title: blank(title.value), avatar_url: blank(avatar.value), timezone: blank(zone.value),
          language: language.value || null
        }).then(function (saved) {
          Object.assign(me, saved);
          document.getElementById("me").textContent = saved.name;
          if (i18n.follow(saved.language)) { Desk.keepOpenTicket(); location.reload(); return; }
          Desk.toast(t("settings.profile.saved"));
        }).catch(function (e) { error.textContent = e.message; });
      });
      panel.appendChild(form);
    }
  });
})();
