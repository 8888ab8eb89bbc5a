/* Settings > Help center (admins): the public help center's name, logo and brand colour, its
 * default language (the version readers get when an article is not in theirs), the FAQ bot in
 * the chat widget, and which agents may write articles (admins always may). PATCH /kb/settings;
 * the articles themselves are in Settings > Knowledge base (kb.js). */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;

  function field(parent, id, label, input, hint) {
    var wrap = Desk.el("div", { "class": "field" });
    wrap.appendChild(Desk.el("label", { "for": id }, label));
    input.id = id;
    wrap.appendChild(input);
    if (hint) {
      var p = Desk.el("p", { id: id + "-hint", "class": "muted kb-hint" }, hint);
      input.setAttribute("aria-describedby", p.id);
      wrap.appendChild(p);
    }
    parent.appendChild(wrap);
    return input;
  }
  function check(parent, id, label, checked) {
    var box = Desk.el("input", { type: "checkbox", id: id });
    box.checked = !!checked;
    var l = Desk.el("label", { "for": id, "class": "hc-check" });
    l.appendChild(box);
    l.appendChild(document.createTextNode(" " + label));
    parent.appendChild(l);
    return box;
  }

  Desk.settings.register({
    id: "help-center",
    title: "settings.helpcenter.title",
    admin: true,
    render: function (panel) {
      panel.appendChild(Desk.el("p", { "class": "muted" }, t("helpcenter.intro")));
      var links = Desk.el("p", { "class": "row" });
      links.appendChild(Desk.el("a", { href: new URL("help", location.href).href, target: "_blank", rel: "noopener", id: "hc-open" }, t("kb.open_help_center")));
      links.appendChild(Desk.el("a", { href: "#settings/kb" }, t("helpcenter.articles")));
      panel.appendChild(links);
      var form = Desk.el("form", { id: "hc-form", novalidate: "" });
      panel.appendChild(form);
      Promise.all([Desk.call("GET", "/kb/settings"), Desk.call("GET", "/agents")]).then(function (r) {
        var s = r[0], agents = r[1].items;
        var name = field(form, "hc-name", t("helpcenter.name"), Desk.el("input", { "data-field": "name", maxlength: "120", required: "" }));
        name.value = s.name;
        var logo = field(form, "hc-logo", t("helpcenter.logo"), Desk.el("input", { "data-field": "logo_url", type: "url", maxlength: "2000", placeholder: "https://example.com/logo.svg" }), t("helpcenter.logo_hint"));
        logo.value = s.logo_url || "";
        var colours = Desk.el("div", { "class": "row" });
        var color = field(colours, "hc-color", t("helpcenter.color"), Desk.el("input", { "data-field": "color", type: "color" }));
        color.value = s.color || "#1f4fd1";
        var plain = check(colours, "hc-color-default", t("helpcenter.color_default"), !s.color);
        color.disabled = plain.checked;
        plain.addEventListener("change", function () { color.disabled = plain.checked; });
        form.appendChild(colours);
        var languages = Desk.i18n.languages.slice();
        if (languages.indexOf(s.default_locale) < 0) languages.push(s.default_locale);
        var locale = field(form, "hc-locale", t("helpcenter.default_language"), Desk.el("select", { "data-field": "default_locale" }), t("helpcenter.default_language_hint"));
        languages.forEach(function (l) { locale.appendChild(Desk.el("option", { value: l }, Desk.i18n.languageName(l))); });
        locale.value = s.default_locale;
        var bot = check(form, "hc-bot", t("helpcenter.bot"), s.bot_enabled);

        var editors = Desk.el("fieldset", { "data-field": "editors", "class": "hc-editors", id: "hc-editors" });
        editors.appendChild(Desk.el("legend", null, t("helpcenter.editors")));
        editors.appendChild(Desk.el("p", { "class": "muted kb-hint" }, t("helpcenter.editors_hint")));
        var list = Desk.el("ul", { "class": "hc-editor-list" });
        var boxes = [];
        agents.slice().sort(function (a, b) { return a.name.localeCompare(b.name); }).forEach(function (a) {
          var li = Desk.el("li");
          var admin = a.role === "admin";
          var box = check(li, "hc-editor-" + a.id, admin ? t("helpcenter.editor_admin", { name: a.name }) : a.name, admin || s.editors.indexOf(a.id) >= 0);
          box.value = a.id;
          box.disabled = admin; // admins always may
          if (!admin) boxes.push(box);
          li.appendChild(Desk.el("span", { "class": "muted hc-email" }, a.email));
          list.appendChild(li);
        });
        editors.appendChild(list);
        form.appendChild(editors);
        var error = Desk.el("p", { "class": "error", role: "alert", id: "hc-error" });
        form.appendChild(error);
        form.appendChild(Desk.el("div", { "class": "row" })).appendChild(Desk.el("button", { type: "submit", "class": "primary", id: "hc-save" }, t("helpcenter.save")));

        form.addEventListener("submit", function (event) {
          event.preventDefault();
          error.textContent = "";
          Desk.settings.fieldErrors(form, null);
          if (!name.value.trim()) { Desk.settings.fieldErrors(form, { details: [{ field: "name", message: t("helpcenter.name_required") }] }); return; }
          if (logo.value.trim() && !/^https:\/\/[^\s"'<>]+$/.test(logo.value.trim())) {
            Desk.settings.fieldErrors(form, { details: [{ field: "logo_url", message: t("helpcenter.logo_rule") }] });
            return;
          }
          // an admin made an editor while an agent stays one; an agent removed since is dropped
          var shown = boxes.map(function (b) { return b.value; });
          var kept = s.editors.filter(function (id) { return shown.indexOf(id) < 0 && agents.some(function (a) { return a.id === id; }); });
          var data = {
            name: name.value.trim(), logo_url: logo.value.trim() || null, color: plain.checked ? null : color.value,
            default_locale: locale.value, bot_enabled: bot.checked,
            editors: kept.concat(boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }))
          };
          Desk.call("PATCH", "/kb/settings", data).then(function (saved) {
            s = saved;
            Desk.toast(t("helpcenter.saved"));
          }).catch(function (e) { if (!Desk.settings.fieldErrors(form, e)) error.textContent = e.message; });
        });
      }).catch(function (e) { panel.appendChild(Desk.el("p", { "class": "error", role: "alert" }, e.message)); });
    }
  });
})();
