/* Settings > Knowledge base: the help center's articles, for every agent to read and for editors
 * (admins, and the agents an admin allows in Settings > Help center) to write. Three pages, each
 * with its own address:
 *
 *   #settings/kb                          the articles: title, address, languages with their
 *                                         status, last change; filtered by language and status
 *   #settings/kb/new                      a new article
 *   #settings/kb/article/<slug>/<locale>  one language's version: the Markdown beside its preview
 *                                         (POST /kb/preview, or another language's version for
 *                                         translating), publish / unpublish, delete, revisions;
 *                                         a language the article lacks starts its translation
 *   #settings/kb/categories               categories and their names in each language
 *
 * A save sends the revision the editor started from: when someone saved in between, the desk
 * answers 409 article_changed and the editor says so and offers their version or a save over it. */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;
  // As the desk checks them (domain/kb.py): a non-editor's browser is never the judge.
  var SLUG = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;
  var RESERVED = ["assets", "categories", "search", "sitemap"];
  var LOCALE = /^[a-z]{2}$/;
  var RIGHT_TO_LEFT = { he: true, ar: true, fa: true, ur: true, yi: true };
  var LANGS = Desk.i18n.languages;
  var filters = { locale: "", status: "" }; // kept while the console is open: back from an article, the same list
  var guard = null; // while an editor has unsaved changes: a function that says so

  function language(code) { return Desk.i18n.languageName(code); }
  function statusName(status) { return t(status === "published" ? "kb.status_published" : "kb.status_draft"); }
  function articlePath(slug, locale) { return "/kb/articles/" + encodeURIComponent(slug) + "/" + encodeURIComponent(locale); }
  function address(slug, locale) { return "#settings/kb/article/" + slug + "/" + locale; }
  // The help-center page, where the desk is mounted (the console's address is beside it).
  function publicUrl(path) { return new URL(String(path).replace(/^\//, ""), location.href).href; }
  function agentName(id) { var a = id && Desk.agents()[id]; return a ? a.name : (id || ""); }
  function keywordList(text) { return text.split(",").map(function (k) { return k.trim(); }).filter(Boolean); }
  // an article's versions: the default language's first, then by code
  function byLanguage(first) {
    return function (a, b) { return (a.locale !== first) - (b.locale !== first) || (a.locale < b.locale ? -1 : a.locale > b.locale ? 1 : 0); };
  }
  function newestOf(versions) { return versions.reduce(function (a, b) { return a.updated_at > b.updated_at ? a : b; }); }
  function textOf(node, lang) { node.setAttribute("lang", lang); node.setAttribute("dir", RIGHT_TO_LEFT[lang] ? "rtl" : "ltr"); }

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
  function select(options, value) {
    var s = Desk.el("select");
    options.forEach(function (o) { s.appendChild(Desk.el("option", { value: o[0] }, o[1])); });
    s.value = value;
    return s;
  }
  function button(text, kind, onClick, attrs) {
    var b = Desk.el("button", Object.assign({ type: "button", "class": kind || "ghost" }, attrs || {}), text);
    if (onClick) b.addEventListener("click", onClick);
    return b;
  }
  function failed(panel) {
    return function (e) { panel.appendChild(Desk.el("p", { "class": "error", role: "alert" }, e.message)); };
  }
  function slugProblem(slug) {
    if (!SLUG.test(slug)) return t("kb.slug_rule");
    if (RESERVED.indexOf(slug) >= 0) return t("kb.slug_reserved", { list: RESERVED.join(", ") });
    return null;
  }
  function statusPill(status) {
    return Desk.el("span", { "class": "pill " + (status === "published" ? "ok" : "kb-draft") }, statusName(status));
  }

  // Leaving an editor with unsaved changes asks first: a link or a button that leaves the page
  // (the console's own, or the browser's reload and close).
  document.addEventListener("click", function (event) {
    if (!guard || !guard()) return;
    var leaving = event.target.closest && event.target.closest('a[href^="#"], #close-settings, #open-settings, #signout');
    if (leaving && !window.confirm(t("kb.leave_unsaved"))) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (guard && guard()) { event.preventDefault(); event.returnValue = ""; }
  });

  // ------------------------------------------------------------------ the articles

  function articles(panel, settings) {
    var can = settings.can_edit;
    panel.appendChild(Desk.el("p", { "class": "muted" }, t("kb.intro")));
    if (!can) panel.appendChild(Desk.el("p", { "class": "kb-note", id: "kb-read-only" }, t("kb.read_only")));
    var bar = Desk.el("div", { "class": "row kb-bar" });
    var locales = LANGS.slice();
    if (locales.indexOf(settings.default_locale) < 0) locales.push(settings.default_locale);
    var byLocale = field(bar, "kb-filter-locale", t("kb.filter_language"), select(
      [["", t("kb.all_languages")]].concat(locales.map(function (l) { return [l, language(l)]; })), filters.locale));
    var byStatus = field(bar, "kb-filter-status", t("kb.filter_status"), select(
      [["", t("kb.all_statuses")], ["draft", t("kb.drafts")], ["published", t("kb.published_plural")]], filters.status));
    if (can) bar.appendChild(Desk.el("a", { href: "#settings/kb/new", "class": "primary kb-button", id: "kb-new" }, t("kb.new")));
    bar.appendChild(Desk.el("a", { href: "#settings/kb/categories", "class": "ghost kb-button" }, t("kb.categories")));
    bar.appendChild(Desk.el("a", { href: publicUrl("/help/" + settings.default_locale), target: "_blank", rel: "noopener", "class": "kb-external" }, t("kb.open_help_center")));
    panel.appendChild(bar);

    var table = Desk.el("table", { id: "kb-articles", "class": "kb-articles" });
    table.appendChild(Desk.el("caption", { "class": "sr" }, t("kb.articles")));
    var head = Desk.el("tr");
    [t("kb.title"), t("kb.slug"), t("kb.languages"), t("kb.updated")].forEach(function (h) { head.appendChild(Desk.el("th", { scope: "col" }, h)); });
    var thead = Desk.el("thead"); thead.appendChild(head); table.appendChild(thead);
    var body = Desk.el("tbody");
    table.appendChild(body);
    panel.appendChild(table);
    var status = Desk.el("p", { "class": "muted", role: "status", id: "kb-count" });
    panel.appendChild(status);

    var asked = 0; // filters changed quickly: only the answer to the last one is drawn
    function load() {
      filters = { locale: byLocale.value, status: byStatus.value };
      var query = [];
      if (filters.locale) query.push("locale=" + encodeURIComponent(filters.locale));
      if (filters.status) query.push("status=" + encodeURIComponent(filters.status));
      var mine = ++asked;
      Desk.call("GET", "/kb/articles" + (query.length ? "?" + query.join("&") : "")).then(function (data) {
        if (mine !== asked) return;
        Desk.clear(body);
        var groups = [], bySlug = {};
        data.items.forEach(function (a) {
          if (!bySlug[a.slug]) { bySlug[a.slug] = []; groups.push(bySlug[a.slug]); }
          bySlug[a.slug].push(a);
        });
        if (!groups.length) {
          var tr = Desk.el("tr");
          tr.appendChild(Desk.el("td", { colspan: "4" }, t(filters.locale || filters.status ? "kb.none_match" : "kb.none")));
          body.appendChild(tr);
        }
        // the article changed last first
        groups.sort(function (a, b) { return newestOf(b).updated_at < newestOf(a).updated_at ? -1 : 1; });
        groups.forEach(function (versions) {
          // the default language's version names the article, else the first
          var main = versions.filter(function (v) { return v.locale === settings.default_locale; })[0] || versions[0];
          versions.sort(byLanguage(settings.default_locale));
          var newest = newestOf(versions);
          var tr = Desk.el("tr", { "data-slug": main.slug });
          var title = Desk.el("td");
          var link = Desk.el("a", { href: address(main.slug, main.locale) }, main.title);
          textOf(link, main.locale);
          title.appendChild(link);
          tr.appendChild(title);
          tr.appendChild(Desk.el("td")).appendChild(Desk.el("span", { "class": "mono" }, main.slug));
          var langs = Desk.el("td");
          var ul = Desk.el("ul", { "class": "kb-langs" });
          versions.forEach(function (v) {
            var li = Desk.el("li");
            var a = Desk.el("a", { href: address(v.slug, v.locale), "data-locale": v.locale });
            a.appendChild(Desk.el("span", { "class": "kb-code" }, v.locale.toUpperCase()));
            a.appendChild(document.createTextNode(" "));
            a.appendChild(statusPill(v.status));
            a.setAttribute("title", language(v.locale));
            li.appendChild(a);
            ul.appendChild(li);
          });
          langs.appendChild(ul);
          tr.appendChild(langs);
          tr.appendChild(Desk.el("td", null, t("kb.updated_by", { when: Desk.when(newest.updated_at), name: agentName(newest.updated_by) || "—" })));
          body.appendChild(tr);
        });
        status.textContent = t("kb.count", { count: groups.length });
      }).catch(function (e) { status.textContent = e.message; });
    }
    byLocale.addEventListener("change", load);
    byStatus.addEventListener("change", load);
    load();
  }

  // ------------------------------------------------------------------ an article's editor

  function editor(panel, settings, slug, locale) {
    var can = settings.can_edit;
    // saved: this version exists (a new article or translation is not saved until its first save)
    var state = { article: null, rev: 0, dirty: false, saved: false, versions: [], slug: slug, locale: locale };
    panel.appendChild(Desk.el("p", null, "")).appendChild(Desk.el("a", { href: "#settings/kb", id: "kb-back" }, t("kb.back")));
    var heading = Desk.el("h3", { id: "kb-editor-title", tabindex: "-1", "class": "kb-editor-title" }, slug ? "…" : t("kb.new"));
    panel.appendChild(heading);
    var tabs = Desk.el("nav", { "class": "kb-translations", "aria-label": t("kb.translations") });
    panel.appendChild(tabs);
    var adding = Desk.el("div", { "class": "row kb-add-translation", hidden: "" });
    panel.appendChild(adding);
    var meta = Desk.el("p", { "class": "kb-meta", id: "kb-meta" });
    panel.appendChild(meta);
    if (!can) panel.appendChild(Desk.el("p", { "class": "kb-note", id: "kb-read-only" }, t("kb.read_only")));

    var form = Desk.el("form", { id: "kb-form", "class": "kb-form" + (can ? "" : " kb-read-only"), novalidate: "" });
    panel.appendChild(form);
    var revisions = Desk.el("section", { "class": "kb-revisions", "aria-labelledby": "kb-revisions-title" });
    revisions.appendChild(Desk.el("h4", { id: "kb-revisions-title" }, t("kb.revisions")));
    var revList = Desk.el("ol", { id: "kb-revision-list", "class": "kb-revision-list" });
    revisions.appendChild(revList);

    var wanted = slug ? [
      Desk.call("GET", articlePath(slug, locale)).catch(function (e) { if (e.status === 404) return null; throw e; }),
      Desk.call("GET", "/kb/articles")
    ] : [null, { items: [] }];
    Promise.all(wanted.concat([Desk.call("GET", "/kb/categories")])).then(function (r) {
      state.article = r[0];
      state.saved = !!r[0];
      state.versions = r[1].items.filter(function (a) { return a.slug === slug; });
      if (slug && !state.article && !can) {
        heading.textContent = t("kb.not_found");
        form.remove();
        return;
      }
      build(r[2].items);
      if (slug) heading.focus();
    }).catch(failed(panel));

    function build(categories) {
      var inputs = {};
      var top = Desk.el("div", { "class": "row kb-top" });
      form.appendChild(top);
      if (!slug) {
        inputs.slug = field(top, "kb-slug", t("kb.slug"), Desk.el("input", {
          "data-field": "slug", maxlength: "80", autocomplete: "off", spellcheck: "false", required: "", placeholder: "reset-password" }), t("kb.slug_hint"));
        inputs.locale = field(top, "kb-locale", t("kb.language"), Desk.el("input", {
          "data-field": "locale", maxlength: "2", autocomplete: "off", spellcheck: "false", required: "", list: "kb-language-list", "class": "kb-locale" }), t("kb.language_hint"));
        inputs.locale.value = settings.default_locale;
        form.appendChild(languageList("kb-language-list", []));
      }
      inputs.title = field(form, "kb-title", t("kb.title"), Desk.el("input", { "data-field": "title", maxlength: "200", required: "" }));
      var second = Desk.el("div", { "class": "row kb-top" });
      form.appendChild(second);
      inputs.category = field(second, "kb-category", t("kb.category"), Desk.el("input", {
        "data-field": "category", maxlength: "80", list: "kb-category-list", autocomplete: "off", spellcheck: "false", placeholder: "general" }), t("kb.category_hint"));
      var datalist = Desk.el("datalist", { id: "kb-category-list" });
      categories.forEach(function (c) {
        datalist.appendChild(Desk.el("option", { value: c.slug, label: c.names[Desk.i18n.lang] || c.names[settings.default_locale] || c.slug }));
      });
      second.appendChild(datalist);
      inputs.keywords = field(second, "kb-keywords", t("kb.keywords"), Desk.el("input", { "data-field": "keywords", autocomplete: "off" }), t("kb.keywords_hint"));

      // the text beside its preview (or another language's version); one at a time on a phone
      var toggle = Desk.el("div", { "class": "kb-toggle", role: "group", "aria-label": t("kb.show") });
      var showWrite = button(t("kb.write"), "ghost", function () { pane(false); }, { "aria-pressed": "true", id: "kb-show-write" });
      var showSide = button(t("kb.preview"), "ghost", function () { pane(true); }, { "aria-pressed": "false", id: "kb-show-preview" });
      toggle.appendChild(showWrite); toggle.appendChild(showSide);
      form.appendChild(toggle);
      var panes = Desk.el("div", { "class": "kb-panes" });
      var write = Desk.el("div", { "class": "kb-write" });
      inputs.body = field(write, "kb-body", t("kb.body"), Desk.el("textarea", { "data-field": "body", rows: "18", maxlength: "20000", spellcheck: "true" }), t("kb.body_hint"));
      var side = Desk.el("div", { "class": "kb-side" });
      var besideOptions = [["preview", t(can ? "kb.preview" : "kb.as_published")]];
      state.versions.filter(function (v) { return v.locale !== state.locale; }).forEach(function (v) {
        besideOptions.push([v.locale, t("kb.beside_version", { language: language(v.locale) })]);
      });
      var beside = field(side, "kb-beside", t("kb.beside"), select(besideOptions, "preview"));
      var preview = Desk.el("div", { "class": "kb-preview", id: "kb-preview", role: "region", tabindex: "0", "aria-label": t("kb.preview"), "aria-busy": "false" });
      side.appendChild(preview);
      panes.appendChild(write); panes.appendChild(side);
      form.appendChild(panes);
      if (can) write.appendChild(pictureInput());

      // A picture: uploaded straight to the bucket (a pre-signed POST), then named in the text
      // where the cursor is, as Markdown the help center shows.
      function pictureInput() {
        var box = Desk.el("div", { "class": "kb-picture" });
        var input = Desk.el("input", { type: "file", id: "kb-picture", accept: "image/png,image/jpeg,image/gif,image/webp" });
        var status = Desk.el("span", { role: "status", "class": "muted", id: "kb-picture-status" });
        box.appendChild(Desk.el("label", { "for": "kb-picture" }, t("kb.picture")));
        box.appendChild(input);
        box.appendChild(status);
        input.addEventListener("change", function () {
          var file = input.files && input.files[0];
          if (!file) return;
          status.textContent = t("kb.picture_uploading");
          Desk.call("POST", "/kb/images", { filename: file.name, content_type: file.type }).then(function (image) {
            var data = new FormData();
            Object.keys(image.upload.fields).forEach(function (k) { data.append(k, image.upload.fields[k]); });
            data.append("file", file);
            return fetch(image.upload.url, { method: "POST", body: data }).then(function (r) {
              if (!r.ok) throw new Error(t("kb.picture_refused"));
              var at = inputs.body.selectionStart === undefined ? inputs.body.value.length : inputs.body.selectionStart;
              var text = "![" + file.name.replace(/\.[^.]+$/, "") + "](" + image.url + ")";
              inputs.body.value = inputs.body.value.slice(0, at) + text + inputs.body.value.slice(at);
              setDirty(true);
              later();
              status.textContent = t("kb.picture_done");
            });
          }).catch(function (e) {
            status.textContent = t("kb.picture_failed", { error: e.message });
          }).then(function () { input.value = ""; });
        });
        return box;
      }

      var conflict = Desk.el("div", { "class": "kb-conflict", id: "kb-conflict", role: "alert", hidden: "" });
      form.appendChild(conflict);
      var error = Desk.el("p", { "class": "error", role: "alert", id: "kb-error" });
      form.appendChild(error);
      var actions = Desk.el("div", { "class": "row kb-actions" });
      form.appendChild(actions);
      if (state.saved) panel.appendChild(revisions);

      if (!can) {
        ["title", "category", "keywords", "body"].forEach(function (k) { inputs[k].readOnly = true; });
      }

      // ---- filling it in
      function fill(data) {
        inputs.title.value = data.title || "";
        inputs.body.value = data.body || "";
        inputs.category.value = data.category || "";
        inputs.keywords.value = (data.keywords || []).join(", ");
      }
      function langOfText() { return state.locale || (inputs.locale && LOCALE.test(inputs.locale.value) ? inputs.locale.value : settings.default_locale); }
      function direction() { [inputs.title, inputs.body, inputs.keywords].forEach(function (n) { textOf(n, langOfText()); }); }
      if (state.article) fill(state.article);
      else if (slug) {
        // a new translation: the category and keywords of the version it translates, that version beside it
        var source = state.versions.filter(function (v) { return v.locale === settings.default_locale; })[0] || state.versions[0];
        if (source) {
          inputs.category.value = source.category;
          inputs.keywords.value = source.keywords.join(", ");
          beside.value = source.locale;
        }
      }
      direction();
      if (inputs.locale) inputs.locale.addEventListener("input", direction);

      function setDirty(dirty) {
        state.dirty = dirty;
        describe();
      }
      guard = function () { return state.dirty && can && form.isConnected; };

      function describe() {
        var a = state.article;
        Desk.clear(heading);
        heading.textContent = a ? a.title : (slug ? t("kb.new_translation", { language: language(state.locale) }) : t("kb.new"));
        if (a) textOf(heading, a.locale); else heading.removeAttribute("lang");
        Desk.clear(meta);
        if (a) {
          meta.appendChild(statusPill(a.status));
          meta.appendChild(document.createTextNode(" " + t("kb.meta", {
            language: language(a.locale), rev: a.rev, when: Desk.when(a.updated_at), name: agentName(a.updated_by) || "—" })));
          if (a.status === "published") {
            meta.appendChild(document.createTextNode(" "));
            meta.appendChild(Desk.el("a", { href: publicUrl(a.url), target: "_blank", rel: "noopener", id: "kb-public-link" }, t("kb.view_public")));
          }
        } else {
          meta.appendChild(document.createTextNode(t("kb.not_saved")));
        }
        if (state.dirty) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(Desk.el("span", { "class": "pill soon", id: "kb-unsaved" }, t("kb.unsaved"))); }
        tabsFor();
        actionsFor();
      }

      function tabsFor() {
        Desk.clear(tabs);
        if (!state.slug || !state.saved && !state.versions.length) return; // a new article: no languages yet
        var ul = Desk.el("ul");
        var shown = state.versions.slice();
        if (!shown.some(function (v) { return v.locale === state.locale; })) shown.push(state.article || { locale: state.locale, status: null });
        shown.sort(byLanguage(settings.default_locale));
        shown.forEach(function (v) {
          var li = Desk.el("li");
          var a = Desk.el("a", { href: address(state.slug, v.locale), "data-locale": v.locale }, language(v.locale) + " · ");
          a.appendChild(v.status ? statusPill(v.status) : Desk.el("span", { "class": "pill kb-draft" }, t("kb.status_new")));
          if (v.locale === state.locale) a.setAttribute("aria-current", "page");
          li.appendChild(a);
          ul.appendChild(li);
        });
        if (can && state.versions.length) {
          var li = Desk.el("li");
          li.appendChild(button(t("kb.add_translation"), "ghost", function (event) {
            adding.hidden = !adding.hidden;
            event.currentTarget.setAttribute("aria-expanded", String(!adding.hidden));
            if (!adding.hidden) code.focus();
          },
            { id: "kb-add-translation", "aria-expanded": String(!adding.hidden), "aria-controls": "kb-add-translation-row" }));
          ul.appendChild(li);
        }
        tabs.appendChild(ul);
      }

      // ---- adding a translation: its address, whose editor starts it
      adding.id = "kb-add-translation-row";
      var code = field(adding, "kb-new-locale", t("kb.translation_language"), Desk.el("input", { maxlength: "2", list: "kb-new-language-list", autocomplete: "off", spellcheck: "false", "class": "kb-locale" }), t("kb.language_hint"));
      adding.appendChild(languageList("kb-new-language-list", state.versions.map(function (v) { return v.locale; })));
      var addError = Desk.el("p", { "class": "error", role: "alert", id: "kb-new-locale-error" });
      adding.appendChild(button(t("kb.start_translation"), "primary", startTranslation, { id: "kb-start-translation" }));
      adding.appendChild(addError);
      code.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); startTranslation(); } });
      function startTranslation() {
        var wantedLocale = code.value.trim().toLowerCase();
        if (!LOCALE.test(wantedLocale)) { addError.textContent = t("kb.locale_rule"); code.setAttribute("aria-invalid", "true"); code.focus(); return; }
        if (state.dirty && !window.confirm(t("kb.leave_unsaved"))) return;
        state.dirty = false;
        location.hash = address(state.slug, wantedLocale);
      }

      function actionsFor() {
        Desk.clear(actions);
        if (!can) return;
        var published = state.article && state.article.status === "published";
        if (published) {
          actions.appendChild(button(t("kb.update"), "primary", function () { save("published"); }, { id: "kb-update" }));
          actions.appendChild(button(t("kb.unpublish"), "ghost", function () { save("draft"); }, { id: "kb-unpublish" }));
        } else {
          actions.appendChild(button(t("kb.save_draft"), "ghost", function () { save("draft"); }, { id: "kb-save-draft" }));
          actions.appendChild(button(t("kb.publish"), "primary", function () { save("published"); }, { id: "kb-publish" }));
        }
        if (state.article) {
          actions.appendChild(Desk.el("span", { "class": "spacer" }));
          actions.appendChild(button(t("kb.delete"), "kb-danger", remove, { id: "kb-delete" }));
        }
      }

      // ---- the preview: the desk's own rendering (sanitised, as readers will get it)
      var timer = null, asked = 0, rendered = null; // rendered: the last body the desk rendered, and its HTML
      function showHtml(title, html, lang) {
        Desk.clear(preview);
        var h = Desk.el("p", { "class": "kb-preview-title" }, title || "");
        var content = Desk.el("div", { "class": "kb-preview-body" });
        content.innerHTML = html; // the desk's sanitised HTML (nh3): safe to insert
        var box = Desk.el("div");
        textOf(box, lang);
        box.appendChild(h); box.appendChild(content);
        preview.appendChild(box);
      }
      function refresh() {
        clearTimeout(timer);
        if (beside.value !== "preview") {
          var other = state.versions.filter(function (v) { return v.locale === beside.value; })[0];
          if (other) showHtml(other.title, other.html, other.locale);
          return;
        }
        if (!can) { if (state.article) showHtml(state.article.title, state.article.html, state.article.locale); return; }
        if (!inputs.body.value.trim()) {
          Desk.clear(preview);
          preview.appendChild(Desk.el("p", { "class": "muted" }, t("kb.preview_empty")));
          return;
        }
        var text = inputs.body.value, mine = ++asked;
        if (rendered && rendered.body === text) { showHtml(inputs.title.value, rendered.html, langOfText()); return; } // the title changed
        preview.setAttribute("aria-busy", "true");
        Desk.call("POST", "/kb/preview", { body: text }).then(function (r) {
          if (mine !== asked) return; // a later keystroke asked again
          rendered = { body: text, html: r.html };
          showHtml(inputs.title.value, r.html, langOfText());
        }).catch(function (e) {
          if (mine !== asked) return;
          Desk.clear(preview);
          preview.appendChild(Desk.el("p", { "class": "error" }, t("kb.preview_failed", { error: e.message })));
        }).then(function () { if (mine === asked) preview.setAttribute("aria-busy", "false"); });
      }
      function later() { clearTimeout(timer); timer = setTimeout(refresh, 400); }
      beside.addEventListener("change", refresh);
      form.addEventListener("input", function (event) {
        if (event.target === beside) return;
        if (can) setDirty(true);
        later();
      });
      function pane(sideShown) {
        panes.classList.toggle("show-side", sideShown);
        showWrite.setAttribute("aria-pressed", String(!sideShown));
        showSide.setAttribute("aria-pressed", String(sideShown));
        if (sideShown) refresh();
      }
      refresh();

      // ---- saving
      function check() {
        var problems = [];
        if (inputs.slug) {
          var p = slugProblem(inputs.slug.value.trim());
          if (p) problems.push({ field: "slug", message: p });
          if (!LOCALE.test(inputs.locale.value.trim())) problems.push({ field: "locale", message: t("kb.locale_rule") });
        }
        if (!inputs.title.value.trim()) problems.push({ field: "title", message: t("kb.title_required") });
        var category = inputs.category.value.trim();
        if (category && !SLUG.test(category)) problems.push({ field: "category", message: t("kb.category_rule") });
        var words = keywordList(inputs.keywords.value);
        if (words.length > 20 || words.some(function (w) { return w.length > 60; })) problems.push({ field: "keywords", message: t("kb.keywords_rule") });
        return problems;
      }
      function save(status) {
        error.textContent = "";
        conflict.hidden = true;
        Desk.settings.fieldErrors(form, null);
        var problems = check();
        if (problems.length) { Desk.settings.fieldErrors(form, { details: problems }); return; }
        if (inputs.slug) { state.slug = inputs.slug.value.trim(); state.locale = inputs.locale.value.trim(); }
        var data = { title: inputs.title.value.trim(), body: inputs.body.value, status: status,
                     keywords: keywordList(inputs.keywords.value), rev: state.rev };
        if (inputs.category.value.trim()) data.category = inputs.category.value.trim();
        var was = state.article && state.article.status;
        Array.prototype.forEach.call(actions.querySelectorAll("button"), function (b) { b.disabled = true; });
        Desk.call("PUT", articlePath(state.slug, state.locale), data).then(function (article) {
          var first = !!inputs.slug;
          state.article = article; state.rev = article.rev; state.saved = true;
          state.versions = state.versions.filter(function (v) { return v.locale !== article.locale; }).concat([article]);
          if (inputs.slug) lockAddress();
          if (first) history.replaceState(null, "", address(article.slug, article.locale));
          setDirty(false);
          Desk.toast(t(status === "published" ? (was === "published" ? "kb.updated_toast" : "kb.published_toast")
            : (was === "published" ? "kb.unpublished_toast" : "kb.draft_toast")));
          if (!revisions.isConnected) panel.appendChild(revisions);
          loadRevisions();
        }).catch(function (e) {
          if (e.status === 409 && inputs.slug) { // a new article at an address taken
            Desk.settings.fieldErrors(form, { details: [{ field: "slug", message: t("kb.exists", { language: language(state.locale) }) }] });
          } else if (e.status === 409) {
            showConflict(status);
          } else if (!Desk.settings.fieldErrors(form, e)) {
            error.textContent = e.message;
          }
          describe();
        });
      }
      // a new article once saved: its address is what it is
      function lockAddress() {
        [inputs.slug, inputs.locale].forEach(function (input) { input.closest(".field").remove(); });
        delete inputs.slug; delete inputs.locale;
      }

      function showConflict(status) {
        Desk.clear(conflict);
        conflict.hidden = false;
        var text = Desk.el("p");
        conflict.appendChild(text);
        text.textContent = t("kb.conflict_short");
        Desk.call("GET", articlePath(state.slug, state.locale)).then(function (theirs) {
          text.textContent = t("kb.conflict", { rev: theirs.rev, when: Desk.when(theirs.updated_at), name: agentName(theirs.updated_by) || "—" });
          var row = Desk.el("div", { "class": "row" });
          row.appendChild(button(t("kb.conflict_theirs"), "ghost", function () {
            state.article = theirs; state.rev = theirs.rev;
            fill(theirs); setDirty(false); conflict.hidden = true; refresh(); loadRevisions();
            Desk.toast(t("kb.conflict_loaded", { rev: theirs.rev }));
            inputs.title.focus();
          }, { id: "kb-conflict-reload" }));
          row.appendChild(button(t("kb.conflict_mine"), "ghost", function () {
            state.article = theirs; state.rev = theirs.rev; conflict.hidden = true; save(status);
          }, { id: "kb-conflict-overwrite" }));
          conflict.appendChild(row);
        }).catch(function (e) { text.textContent = t("kb.conflict_short") + " " + e.message; });
      }

      function remove() {
        var a = state.article;
        if (!window.confirm(t("kb.delete_confirm", { title: a.title, language: language(a.locale) }))) return;
        Desk.call("DELETE", articlePath(a.slug, a.locale)).then(function () {
          state.dirty = false;
          Desk.toast(t("kb.deleted", { title: a.title, language: language(a.locale) }));
          location.hash = "#settings/kb";
        }).catch(function (e) { error.textContent = e.message; });
      }

      // ---- revisions: each save; an older one's text back into the editor
      function loadRevisions() {
        if (!state.saved) return;
        Desk.call("GET", articlePath(state.slug, state.locale) + "/revisions").then(function (data) {
          Desk.clear(revList);
          data.items.forEach(function (r, i) {
            var li = Desk.el("li", { "data-rev": String(r.rev) });
            li.appendChild(Desk.el("span", { "class": "kb-rev" }, t("kb.revision", { rev: r.rev })));
            li.appendChild(document.createTextNode(" "));
            li.appendChild(statusPill(r.status));
            li.appendChild(Desk.el("span", { "class": "muted" }, " " + t("kb.revision_meta", { when: Desk.when(r.at), name: agentName(r.by) || "—" })));
            var title = Desk.el("span", { "class": "kb-rev-title" }, r.title);
            textOf(title, state.locale);
            li.appendChild(title);
            if (can && i > 0) {
              li.appendChild(button(t("kb.revision_load"), "ghost", function () {
                fill(r); setDirty(true); refresh();
                Desk.toast(t("kb.revision_loaded", { rev: r.rev }));
                inputs.body.focus();
              }, { "aria-label": t("kb.revision_load_named", { rev: r.rev }) }));
            } else if (i === 0) {
              li.appendChild(Desk.el("span", { "class": "muted" }, t("kb.revision_current")));
            }
            revList.appendChild(li);
          });
        }).catch(function (e) { Desk.clear(revList); revList.appendChild(Desk.el("li", { "class": "error" }, e.message)); });
      }

      if (state.article) state.rev = state.article.rev;
      describe();
      loadRevisions();
      form.addEventListener("submit", function (event) { event.preventDefault(); });
    }
  }

  function languageList(id, except) {
    var list = Desk.el("datalist", { id: id });
    LANGS.filter(function (l) { return except.indexOf(l) < 0; }).forEach(function (l) {
      list.appendChild(Desk.el("option", { value: l, label: language(l) }));
    });
    return list;
  }

  // ------------------------------------------------------------------ categories

  function categories(panel, settings) {
    var can = settings.can_edit;
    panel.appendChild(Desk.el("p", null, "")).appendChild(Desk.el("a", { href: "#settings/kb" }, t("kb.back")));
    panel.appendChild(Desk.el("h3", { id: "kb-categories-title", tabindex: "-1" }, t("kb.categories")));
    panel.appendChild(Desk.el("p", { "class": "muted" }, t("kb.categories_intro")));
    var locales = LANGS.slice();
    if (locales.indexOf(settings.default_locale) < 0) locales.unshift(settings.default_locale);
    var table = Desk.el("table", { id: "kb-category-table" });
    var head = Desk.el("tr");
    [t("kb.slug"), t("kb.category_names"), t("kb.position"), can ? t("actions") : null].forEach(function (h) { if (h) head.appendChild(Desk.el("th", { scope: "col" }, h)); });
    var thead = Desk.el("thead"); thead.appendChild(head); table.appendChild(thead);
    var body = Desk.el("tbody");
    table.appendChild(body);
    panel.appendChild(table);

    var form, inputs = {}, editing = null, error, formTitle;
    if (can) {
      form = Desk.el("form", { id: "kb-category-form", novalidate: "" });
      formTitle = Desk.el("h4", { id: "kb-category-form-title" }, t("kb.category_new"));
      form.appendChild(formTitle);
      var row = Desk.el("div", { "class": "row" });
      inputs.slug = field(row, "kb-category-slug", t("kb.slug"), Desk.el("input", { "data-field": "slug", maxlength: "80", autocomplete: "off", spellcheck: "false" }));
      inputs.position = field(row, "kb-category-position", t("kb.position"), Desk.el("input", { "data-field": "position", type: "number", min: "0", max: "10000", value: "0", "class": "kb-number" }));
      form.appendChild(row);
      var names = Desk.el("fieldset", { "data-field": "names" });
      names.appendChild(Desk.el("legend", null, t("kb.category_names_help")));
      inputs.names = {};
      locales.forEach(function (l) {
        inputs.names[l] = field(names, "kb-category-name-" + l, language(l), Desk.el("input", { "data-field": "names/" + l, maxlength: "120" }));
        textOf(inputs.names[l], l);
      });
      form.appendChild(names);
      error = Desk.el("p", { "class": "error", role: "alert", id: "kb-category-error" });
      form.appendChild(error);
      var buttons = Desk.el("div", { "class": "row" });
      buttons.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("kb.category_save")));
      buttons.appendChild(button(t("kb.category_new"), "ghost", function () { startEdit(null); }));
      form.appendChild(buttons);
      panel.appendChild(form);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        error.textContent = "";
        Desk.settings.fieldErrors(form, null);
        var slug = editing ? editing.slug : inputs.slug.value.trim();
        var named = {};
        Object.keys(inputs.names).forEach(function (l) { var v = inputs.names[l].value.trim(); if (v) named[l] = v; });
        var problems = [];
        if (!SLUG.test(slug)) problems.push({ field: "slug", message: t("kb.category_rule") });
        if (!Object.keys(named).length) problems.push({ field: "names", message: t("kb.category_names_required") });
        if (problems.length) { Desk.settings.fieldErrors(form, { details: problems }); return; }
        Desk.call("PUT", "/kb/categories/" + encodeURIComponent(slug), { names: named, position: Number(inputs.position.value) || 0 })
          .then(function () { Desk.toast(t("kb.category_saved")); startEdit(null); load(); })
          .catch(function (e) { if (!Desk.settings.fieldErrors(form, e)) error.textContent = e.message; });
      });
    }
    function startEdit(c) {
      editing = c;
      formTitle.textContent = c ? t("kb.category_edit", { name: c.slug }) : t("kb.category_new");
      inputs.slug.value = c ? c.slug : "";
      inputs.slug.readOnly = !!c;
      inputs.position.value = c ? String(c.position) : "0";
      Object.keys(inputs.names).forEach(function (l) { inputs.names[l].value = c && c.names[l] || ""; });
      (c ? inputs.names[locales[0]] : inputs.slug).focus();
    }
    function load() {
      Desk.call("GET", "/kb/categories").then(function (data) {
        Desk.clear(body);
        if (!data.items.length) {
          var tr = Desk.el("tr");
          tr.appendChild(Desk.el("td", { colspan: can ? "4" : "3" }, t("kb.categories_none")));
          body.appendChild(tr);
        }
        data.items.forEach(function (c) {
          var tr = Desk.el("tr", { "data-category": c.slug });
          tr.appendChild(Desk.el("td")).appendChild(Desk.el("span", { "class": "mono" }, c.slug));
          var td = Desk.el("td");
          var dl = Desk.el("ul", { "class": "kb-names" });
          Object.keys(c.names).sort().forEach(function (l) {
            var li = Desk.el("li");
            li.appendChild(Desk.el("span", { "class": "kb-code" }, l.toUpperCase()));
            var name = Desk.el("span", null, " " + c.names[l]);
            textOf(name, l);
            li.appendChild(name);
            dl.appendChild(li);
          });
          td.appendChild(dl);
          tr.appendChild(td);
          tr.appendChild(Desk.el("td", null, String(c.position)));
          if (can) {
            var actions = Desk.el("td");
            actions.appendChild(button(t("edit"), "ghost", function () { startEdit(c); }, { "aria-label": t("edit_named", { name: c.slug }) }));
            actions.appendChild(button(t("delete"), "ghost", function () {
              if (!window.confirm(t("kb.category_delete_confirm", { name: c.slug }))) return;
              Desk.call("DELETE", "/kb/categories/" + encodeURIComponent(c.slug))
                .then(function () { Desk.toast(t("kb.category_deleted")); load(); })
                .catch(function (e) { Desk.toast(e.message, "breach"); });
            }, { "aria-label": t("delete_named", { name: c.slug }) }));
            tr.appendChild(actions);
          }
          body.appendChild(tr);
        });
      }).catch(failed(panel));
    }
    load();
  }

  Desk.settings.register({
    id: "kb",
    title: "settings.kb.title",
    render: function (panel, path) {
      guard = null;
      path = path || [];
      Desk.call("GET", "/kb/settings").then(function (settings) {
        if (path[0] === "new" && path.length === 1 && settings.can_edit) editor(panel, settings, null, null);
        else if (path[0] === "article" && path.length === 3 && SLUG.test(path[1]) && LOCALE.test(path[2])) editor(panel, settings, path[1], path[2]);
        else if (path[0] === "categories") categories(panel, settings);
        else articles(panel, settings);
      }).catch(failed(panel));
    }
  });
})();
