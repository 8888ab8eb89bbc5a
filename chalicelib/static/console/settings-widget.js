/* Settings > Chat widget (admins): colour, corner, greeting, reply time, languages, pre-chat
 * form and allowed sites (PUT /settings/widget), with a live preview (the real widget.js in a
 * frame, given the unsaved settings: it starts no session) and the snippet to copy. */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;
  // The widget's languages, named in the agent's (Intl.DisplayNames).
  var LANGS = Desk.i18n.languages.map(function (code) { return [code, Desk.i18n.languageName(code)]; });
  var script = new URL("widget.js", location.href).href;

  function labelled(form, id, label, node) {
    form.appendChild(Desk.el("label", { "for": id }, label));
    node.id = id;
    form.appendChild(node);
    return node;
  }
  function select(options, value) {
    var s = Desk.el("select");
    options.forEach(function (o) { var opt = Desk.el("option", { value: o[0] }, o[1]); s.appendChild(opt); });
    s.value = value;
    return s;
  }
  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  Desk.settings.register({
    id: "widget",
    title: "settings.widget.title",
    admin: true,
    render: function (panel) {
      panel.appendChild(Desk.el("p", { "class": "muted" }, t("widget.intro")));
      var layout = Desk.el("div", { "class": "widget-settings" });
      var form = Desk.el("form", { id: "widget-form" });
      var previewBox = Desk.el("div", { "class": "widget-preview" });
      layout.appendChild(form); layout.appendChild(previewBox);
      panel.appendChild(layout);
      Desk.call("GET", "/settings/widget").then(function (s) {
        var color = labelled(form, "widget-color", t("widget.color"), Desk.el("input", { type: "color" }));
        color.value = s.color;
        var position = labelled(form, "widget-position", t("widget.position"), select([["right", t("widget.bottom_right")], ["left", t("widget.bottom_left")]], s.position));
        var greeting = labelled(form, "widget-greeting", t("widget.greeting"), Desk.el("textarea", { rows: "2", maxlength: "300", placeholder: t("widget.greeting_example") }));
        greeting.value = s.greeting || "";
        var reply = labelled(form, "widget-reply-time", t("widget.reply_time"), select(
          [["", t("widget.reply_unsaid")], ["minutes", t("widget.reply_minutes")], ["hours", t("widget.reply_hours")], ["day", t("widget.reply_day")]], s.reply_time || ""));
        var langs = Desk.el("fieldset", { "class": "row" });
        langs.appendChild(Desk.el("legend", {}, t("widget.languages")));
        var boxes = LANGS.map(function (l) {
          var box = Desk.el("input", { type: "checkbox", id: "widget-lang-" + l[0], value: l[0] });
          box.checked = s.languages.indexOf(l[0]) >= 0;
          var label = Desk.el("label", { "for": box.id }, " " + l[1]);
          label.insertBefore(box, label.firstChild);
          langs.appendChild(label);
          return box;
        });
        form.appendChild(langs);
        var modes = [["off", t("widget.not_asked")], ["optional", t("widget.optional")], ["required", t("widget.required")]];
        var askName = labelled(form, "widget-prechat-name", t("widget.prechat_name"), select(modes, s.prechat.name));
        var askEmail = labelled(form, "widget-prechat-email", t("widget.prechat_email"), select(modes, s.prechat.email));
        var sites = labelled(form, "widget-origins", t("widget.origins"),
          Desk.el("textarea", { rows: "3" }));
        sites.value = s.allowed_origins.join("\n");
        var error = Desk.el("p", { "class": "error", role: "alert", id: "widget-error" });
        form.appendChild(error);
        form.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("widget.save")));

        function current() {
          return {
            color: color.value, position: position.value, greeting: greeting.value.trim() || null,
            reply_time: reply.value || null,
            languages: boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }),
            prechat: { name: askName.value, email: askEmail.value },
            allowed_origins: sites.value.split(/\s+/).filter(Boolean)
          };
        }
        var frame = Desk.el("iframe", { title: t("widget.preview_title"), "class": "widget-frame" });
        previewBox.appendChild(Desk.el("h3", {}, t("widget.preview")));
        previewBox.appendChild(frame);
        var timer = null;
        function preview() {
          var settings = current();
          if (!settings.languages.length) settings.languages = ["en"];
          frame.srcdoc = '<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width"><title>Widget preview</title></head>' +
            '<body><script src="' + escape(script) + '" data-preview="' + escape(JSON.stringify(settings)) + '"></script></body></html>';
        }
        form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(preview, 250); });
        form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(preview, 50); });
        preview();

        previewBox.appendChild(Desk.el("h3", {}, t("widget.snippet")));
        previewBox.appendChild(Desk.el("label", { "for": "widget-snippet" }, t("widget.snippet_help", { tag: "</body>" })));
        var snippet = Desk.el("textarea", { id: "widget-snippet", rows: "3", readonly: "" });
        snippet.value = '<script src="' + script + '"' + (s.widget_key ? ' data-key="' + s.widget_key + '"' : "") + " async></script>";
        previewBox.appendChild(snippet);
        var copy = Desk.el("button", { type: "button" }, t("widget.copy"));
        copy.addEventListener("click", function () {
          snippet.select();
          (navigator.clipboard ? navigator.clipboard.writeText(snippet.value) : Promise.reject()).then(
            function () { Desk.toast(t("widget.copied")); }, function () { document.execCommand("copy"); Desk.toast(t("widget.copied")); });
        });
        previewBox.appendChild(copy);

        form.addEventListener("submit", function (event) {
          event.preventDefault();
          error.textContent = "";
          Desk.call("PUT", "/settings/widget", current()).then(function () { Desk.toast(t("widget.saved")); })
            .catch(function (e) { error.textContent = e.message + (e.details ? " " + JSON.stringify(e.details) : ""); });
        });
      }).catch(function (e) { panel.appendChild(Desk.el("p", { "class": "error" }, e.message)); });
    }
  });
})();
