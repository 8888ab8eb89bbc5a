/* Settings > Help center numbers (every agent): how readers and the FAQ bot used the knowledge
 * base over the last 7, 30 or 90 days (UTC days, as the counters are kept): the totals, the
 * most read articles, the searches that found nothing (what to write next) and the days.
 * One GET /kb/report per period; the counters are written by the help center, the widget and
 * the stream (services/kb_stats.py). */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;
  var PERIODS = [7, 30, 90];
  var FIGURES = ["searches", "no_result", "views", "answered", "helpful", "unhelpful", "bot_answers", "handoffs", "bot_resolved"];
  var NUMBER = new Intl.NumberFormat(Desk.i18n.locale);

  function utcDay(date) { return date.toISOString().slice(0, 10); }

  function share(part, whole) {
    return whole ? t("kbnumbers.share", { pct: Math.round((100 * part) / whole) }) : "";
  }

  function table(caption, columns, rows, id) {
    var wrap = Desk.el("section", { "class": "kbn-part", "aria-labelledby": id + "-title" });
    wrap.appendChild(Desk.el("h3", { id: id + "-title" }, caption));
    if (!rows.length) {
      wrap.appendChild(Desk.el("p", { "class": "muted" }, t("kbnumbers.none")));
      return wrap;
    }
    var tab = Desk.el("table", { id: id });
    var head = tab.appendChild(Desk.el("thead")).appendChild(Desk.el("tr"));
    columns.forEach(function (c) { head.appendChild(Desk.el("th", { scope: "col" }, c)); });
    var body = tab.appendChild(Desk.el("tbody"));
    rows.forEach(function (cells) {
      var tr = body.appendChild(Desk.el("tr"));
      cells.forEach(function (cell) {
        var td = tr.appendChild(Desk.el("td"));
        if (typeof cell === "object" && cell !== null) td.appendChild(cell); else td.textContent = cell;
      });
    });
    wrap.appendChild(tab);
    return wrap;
  }

  function render(panel) {
    panel.appendChild(Desk.el("p", { "class": "muted" }, t("kbnumbers.intro")));
    var choose = Desk.el("div", { "class": "field" });
    choose.appendChild(Desk.el("label", { "for": "kbn-period" }, t("kbnumbers.period")));
    var period = Desk.el("select", { id: "kbn-period" });
    PERIODS.forEach(function (n) { period.appendChild(Desk.el("option", { value: String(n) }, t("kbnumbers.last_days", { n: n }))); });
    period.value = "30";
    choose.appendChild(period);
    panel.appendChild(choose);
    var out = Desk.el("div", { id: "kbn-report", "aria-live": "polite" });
    panel.appendChild(out);

    var asked = 0; // the period changed quickly: only the answer to the last one is drawn
    function load() {
      var mine = ++asked;
      var days = Number(period.value);
      var to = new Date();
      var from = new Date(to.getTime() - (days - 1) * 86400000);
      Desk.call("GET", "/kb/report?from=" + utcDay(from) + "&to=" + utcDay(to)).then(function (report) {
        if (mine !== asked) return;
        Desk.clear(out);
        var totals = report.totals || {};
        var summary = Desk.el("section", { "class": "kbn-part", "aria-labelledby": "kbn-totals-title" });
        summary.appendChild(Desk.el("h3", { id: "kbn-totals-title" }, t("kbnumbers.summary")));
        var list = Desk.el("dl", { "class": "kbn-totals", id: "kbn-totals" });
        FIGURES.forEach(function (name) {
          var n = totals[name] || 0;
          var item = Desk.el("div", { "class": "kbn-figure", "data-figure": name });
          item.appendChild(Desk.el("dt", null, t("kbnumbers." + name)));
          var dd = Desk.el("dd");
          dd.appendChild(Desk.el("span", { "class": "kbn-count" }, NUMBER.format(n)));
          var of = name === "no_result" ? share(n, totals.searches || 0)
            : name === "helpful" ? share(n, n + (totals.unhelpful || 0))
            : name === "bot_resolved" ? share(n, totals.bot_answers || 0) : "";
          if (of) dd.appendChild(Desk.el("span", { "class": "muted kbn-share" }, " (" + of + ")"));
          item.appendChild(dd);
          list.appendChild(item);
        });
        summary.appendChild(list);
        out.appendChild(summary);

        out.appendChild(table(t("kbnumbers.articles"),
          [t("kbnumbers.article"), t("kbnumbers.language"), t("kbnumbers.views"), t("kbnumbers.answered"), t("kbnumbers.helpful"), t("kbnumbers.unhelpful")],
          report.articles.map(function (a) {
            var link = Desk.el("a", { href: "#settings/kb/article/" + a.slug + "/" + a.locale }, a.slug);
            return [link, Desk.i18n.languageName(a.locale), NUMBER.format(a.views || 0), NUMBER.format(a.answered || 0),
                    NUMBER.format(a.helpful || 0), NUMBER.format(a.unhelpful || 0)];
          }), "kbn-articles"));
        out.appendChild(table(t("kbnumbers.unanswered"), [t("kbnumbers.query"), t("kbnumbers.times")],
          report.unanswered.map(function (q) { return [q.query, NUMBER.format(q.count)]; }), "kbn-unanswered"));
        out.appendChild(table(t("kbnumbers.per_day"),
          [t("kbnumbers.day"), t("kbnumbers.searches"), t("kbnumbers.no_result"), t("kbnumbers.views"), t("kbnumbers.bot_answers"), t("kbnumbers.handoffs")],
          report.days.slice().reverse().map(function (d) {
            return [d.date, NUMBER.format(d.searches || 0), NUMBER.format(d.no_result || 0), NUMBER.format(d.views || 0),
                    NUMBER.format(d.bot_answers || 0), NUMBER.format(d.handoffs || 0)];
          }), "kbn-days"));
      }).catch(function (e) {
        if (mine !== asked) return;
        Desk.clear(out);
        out.appendChild(Desk.el("p", { "class": "error", role: "alert" }, e.message));
      });
    }
    period.addEventListener("change", load);
    load();
  }

  Desk.settings.register({ id: "kb-numbers", title: "settings.kbnumbers.title", render: render });
})();
