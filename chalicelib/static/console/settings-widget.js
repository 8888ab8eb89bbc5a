/* Settings > Chat widget (admins): colour, corner, greeting, reply time, languages, pre-chat
 * form and allowed sites (PUT /settings/widget), with a live preview (the real widget.js in a
 * frame, given the unsaved settings: it starts no session) and the snippet to copy. */
(function () {
  "use strict";
  var Desk = window.Desk;
  var LANGS = [["en", "English"], ["de", "German"], ["fr", "French"], ["es", "Spanish"], ["he", "Hebrew"], ["et", "Estonian"]];
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
    title: "Chat widget",
    admin: true,
    render: function (panel) {
      panel.appendChild(Desk.el("p", { "class": "muted" }, "How the chat looks on your site. The preview shows your changes before you save them."));
      var layout = Desk.el("div", { "class": "widget-settings" });
      var form = Desk.el("form", { id: "widget-form" });
      var previewBox = Desk.el("div", { "class": "widget-preview" });
      layout.appendChild(form); layout.appendChild(previewBox);
      panel.appendChild(layout);
      Desk.call("GET", "/settings/widget").then(function (s) {
        var color = labelled(form, "widget-color", "Colour", Desk.el("input", { type: "color" }));
        color.value = s.color;
        var position = labelled(form, "widget-position", "Position", select([["right", "Bottom right"], ["left", "Bottom left"]], s.position));
        var greeting = labelled(form, "widget-greeting", "Greeting", Desk.el("textarea", { rows: "2", maxlength: "300", placeholder: "Hi! How can we help?" }));
        greeting.value = s.greeting || "";
        var reply = labelled(form, "widget-reply-time", "Expected reply time", select(
          [["", "Don't say"], ["minutes", "A few minutes"], ["hours", "A few hours"], ["day", "Within a day"]], s.reply_time || ""));
        var langs = Desk.el("fieldset", { "class": "row" });
        langs.appendChild(Desk.el("legend", {}, "Languages offered"));
        var boxes = LANGS.map(function (l) {
          var box = Desk.el("input", { type: "checkbox", id: "widget-lang-" + l[0], value: l[0] });
          box.checked = s.languages.indexOf(l[0]) >= 0;
          var label = Desk.el("label", { "for": box.id }, " " + l[1]);
          label.insertBefore(box, label.firstChild);
          langs.appendChild(label);
          return box;
        });
        form.appendChild(langs);
        var modes = [["off", "Not asked"], ["optional", "Optional"], ["required", "Required"]];
        var askName = labelled(form, "widget-prechat-name", "Pre-chat form: name", select(modes, s.prechat.name));
        var askEmail = labelled(form, "widget-prechat-email", "Pre-chat form: email", select(modes, s.prechat.email));
        var sites = labelled(form, "widget-origins", "Allowed sites (one per line, e.g. https://shop.example; none: any site)",
          Desk.el("textarea", { rows: "3" }));
        sites.value = s.allowed_origins.join("\n");
        var error = Desk.el("p", { "class": "error", role: "alert", id: "widget-error" });
        form.appendChild(error);
        form.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, "Save widget"));

        function current() {
          return {
            color: color.value, position: position.value, greeting: greeting.value.trim() || null,
            reply_time: reply.value || null,
            languages: boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }),
            prechat: { name: askName.value, email: askEmail.value },
            allowed_origins: sites.value.split(/\s+/).filter(Boolean)
          };
        }
        var frame = Desk.el("iframe", { title: "Widget preview", "class": "widget-frame" });
        previewBox.appendChild(Desk.el("h3", {}, "Preview"));
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

        previewBox.appendChild(Desk.el("h3", {}, "Snippet"));
        previewBox.appendChild(Desk.el("label", { "for": "widget-snippet" }, "Paste this before </body> on every page of your site:"));
        var snippet = Desk.el("textarea", { id: "widget-snippet", rows: "3", readonly: "" });
        snippet.value = '<script src="' + script + '"' + (s.widget_key ? ' data-key="' + s.widget_key + '"' : "") + " async></script>";
        previewBox.appendChild(snippet);
        var copy = Desk.el("button", { type: "button" }, "Copy snippet");
        copy.addEventListener("click", function () {
          snippet.select();
          (navigator.clipboard ? navigator.clipboard.writeText(snippet.value) : Promise.reject()).then(
            function () { Desk.toast("Snippet copied."); }, function () { document.execCommand("copy"); Desk.toast("Snippet copied."); });
        });
        previewBox.appendChild(copy);

        form.addEventListener("submit", function (event) {
          event.preventDefault();
          error.textContent = "";
          Desk.call("PUT", "/settings/widget", current()).then(function () { Desk.toast("Widget saved."); })
            .catch(function (e) { error.textContent = e.message + (e.details ? " " + JSON.stringify(e.details) : ""); });
        });
      }).catch(function (e) { panel.appendChild(Desk.el("p", { "class": "error" }, e.message)); });
    }
  });
})();
