/* Settings > Business hours: the desk's time zone, opening hours per weekday (several ranges a
 * day), the country whose public holidays close it, and the business's own closed days (a date,
 * named or not; a named one is a closure of that whole local day). The
 * week preview below is the server's (GET /calendars/desk/week): the same calendar the SLA
 * clocks and the out-of-hours notices count with, in the desk's time zone. */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;
  var DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
  // The weekdays' names in the agent's language, from Intl (5 January 2026 was a Monday).
  var LABELS = {};
  var WEEKDAY = new Intl.DateTimeFormat(Desk.i18n.locale, { weekday: "long", timeZone: "UTC" });
  DAYS.forEach(function (day, i) { LABELS[day] = WEEKDAY.format(new Date(Date.UTC(2026, 0, 5 + i))); });

  function labelled(parent, id, text, input, field) {
    var wrap = Desk.el("div", { "class": "field" });
    wrap.appendChild(Desk.el("label", { "for": id }, text));
    input.id = id;
    if (field) input.setAttribute("data-field", field);
    wrap.appendChild(input);
    parent.appendChild(wrap);
    return input;
  }

  function rangeRow(list, day, index, value) {
    var parts = (value || "09:00-17:00").split("-");
    var row = Desk.el("div", { "class": "row hours-range" });
    var n = index + 1;
    var from = Desk.el("input", { type: "time", "aria-label": t("hours.opens", { day: LABELS[day], n: n }), "data-part": "from", required: "" });
    var to = Desk.el("input", { type: "time", "aria-label": t("hours.closes", { day: LABELS[day], n: n }), "data-part": "to", required: "" });
    from.value = parts[0];
    to.value = parts[1] === "24:00" ? "00:00" : parts[1];
    var remove = Desk.el("button", { type: "button", "aria-label": t("hours.remove_range", { day: LABELS[day], n: n }) }, t("remove"));
    remove.addEventListener("click", function () { row.remove(); });
    row.appendChild(from);
    row.appendChild(Desk.el("span", { "aria-hidden": "true" }, "–"));
    row.appendChild(to);
    row.appendChild(remove);
    list.appendChild(row);
  }

  function dayFieldset(form, day, ranges) {
    var set = Desk.el("fieldset", { "class": "hours-day", "data-day": day });
    set.appendChild(Desk.el("legend", null, LABELS[day]));
    var list = Desk.el("div", { "class": "hours-ranges" });
    set.appendChild(list);
    (ranges || []).forEach(function (r, i) { rangeRow(list, day, i, r); });
    var add = Desk.el("button", { type: "button" }, t("hours.add", { day: LABELS[day] }));
    add.addEventListener("click", function () { rangeRow(list, day, list.children.length, null); });
    set.appendChild(add);
    form.appendChild(set);
  }

  // One of the business's own closed days: a date (stored in holidays), a date with a name
  // (a closure of that whole local day), or a period set through the API (kept, removable).
  function closedItem(list, entry) {
    var li = Desk.el("li", { "data-date": entry.date || "" });
    li.entry = entry;
    var text = entry.date
      ? entry.date + (entry.reason ? " – " + entry.reason : "")
      : t("hours.period", { start: entry.start, end: entry.end }) + (entry.reason ? " – " + entry.reason : "");
    li.appendChild(Desk.el("span", null, text + " "));
    var remove = Desk.el("button", { type: "button", "aria-label": t("hours.remove_closed", { date: entry.date || entry.start }) }, t("remove"));
    remove.addEventListener("click", function () { li.remove(); });
    li.appendChild(remove);
    var items = Array.prototype.slice.call(list.children);
    var key = entry.date || entry.start;
    var after = items.filter(function (o) { return (o.entry.date || o.entry.start) > key; })[0];
    list.insertBefore(li, after || null);
  }

  function renderWeek(box, week) {
    Desk.clear(box);
    if (!week) {
      box.appendChild(Desk.el("p", null, t("hours.none")));
      return;
    }
    box.appendChild(Desk.el("p", { "class": "muted" },
      t("hours.times_in", { zone: week.timezone }) + " " + t(week.open_now ? "hours.open_now" : "hours.closed_now")));
    var list = Desk.el("ul", { "class": "hours-week-days" });
    week.days.forEach(function (d) {
      var li = Desk.el("li", { "data-date": d.date, "class": d.open.length ? "open" : "closed" });
      li.appendChild(Desk.el("strong", null, LABELS[d.weekday] + " " + d.date + ": "));
      var text = d.open.length
        ? t("hours.open", { times: d.open.map(function (i) { return i.local_start + "–" + i.local_end; }).join(", ") })
        : t("hours.closed");
      if (d.holiday) text += " (" + d.holiday + ")";
      if (d.closures.length) text += " (" + d.closures.join(", ") + ")";
      li.appendChild(Desk.el("span", null, text));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function loadWeek(box) {
    return Desk.call("GET", "/calendars/desk/week")
      .then(function (week) { renderWeek(box, week); })
      .catch(function (e) { if (e.status === 404) renderWeek(box, null); else Desk.toast(e.message, "breach"); });
  }

  Desk.settings.register({
    id: "hours",
    title: "settings.hours.title",
    admin: true,
    render: function (panel) {
      panel.appendChild(Desk.el("p", { "class": "muted" },
        t("hours.intro")));
      var form = Desk.el("form", { id: "hours-form", novalidate: "" });
      panel.appendChild(form);
      var preview = Desk.el("section", { "aria-labelledby": "hours-week-title" });
      preview.appendChild(Desk.el("h3", { id: "hours-week-title" }, t("hours.week")));
      var box = Desk.el("div", { id: "hours-week", "aria-live": "polite" });
      preview.appendChild(box);
      panel.appendChild(preview);

      Desk.call("GET", "/calendars/desk").catch(function (e) {
        if (e.status === 404) return null;
        throw e;
      }).then(function (cal) {
        var stored = cal || {};
        var zone = Desk.el("input", { list: "hours-zones", required: "", autocomplete: "off" });
        zone.value = stored.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
        labelled(form, "hours-timezone", t("settings.profile.timezone"), zone, "timezone");
        var zones = Desk.el("datalist", { id: "hours-zones" });
        (Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : []).forEach(function (z) {
          zones.appendChild(Desk.el("option", { value: z }));
        });
        form.appendChild(zones);
        DAYS.forEach(function (day) { dayFieldset(form, day, (stored.hours || {})[day]); });

        var country = labelled(form, "hours-country", t("hours.country"),
          Desk.el("input", { maxlength: "2", autocomplete: "off", placeholder: t("hours.country_none") }), "country");
        country.value = stored.country || "";
        var subdivision = labelled(form, "hours-subdivision", t("hours.region"),
          Desk.el("input", { maxlength: "5", autocomplete: "off" }), "subdivision");
        subdivision.value = stored.subdivision || "";

        var own = Desk.el("fieldset", { "class": "hours-own" });
        own.appendChild(Desk.el("legend", null, t("hours.own")));
        var holidays = Desk.el("ul", { id: "hours-holidays" });
        (stored.holidays || []).forEach(function (d) { closedItem(holidays, { date: d }); });
        (stored.closures || []).forEach(function (c) { closedItem(holidays, c); });
        own.appendChild(holidays);
        var row = Desk.el("div", { "class": "row" });
        var newDay = labelled(row, "hours-new-holiday", t("hours.closed_on"), Desk.el("input", { type: "date" }), "closures");
        var newName = labelled(row, "hours-new-holiday-name", t("hours.closed_name"),
          Desk.el("input", { maxlength: "200", autocomplete: "off", placeholder: t("hours.closed_name_example") }), "closure-name");
        var add = Desk.el("button", { type: "button" }, t("hours.add_closed"));
        add.addEventListener("click", function () {
          var day = newDay.value;
          var taken = Array.prototype.some.call(holidays.children, function (li) { return li.entry.date === day; });
          var problem = !day ? t("hours.choose_date") : taken ? t("hours.already_closed", { date: day }) : null;
          Desk.settings.fieldErrors(form, problem ? { details: [{ field: "closures", message: problem }] } : null);
          if (problem) return;
          closedItem(holidays, newName.value.trim() ? { date: day, reason: newName.value.trim() } : { date: day });
          newDay.value = "";
          newName.value = "";
        });
        row.appendChild(add);
        own.appendChild(row);
        form.appendChild(own);

        var error = Desk.el("p", { "class": "error", role: "alert", id: "hours-error" });
        form.appendChild(error);
        form.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("hours.save")));

        form.addEventListener("submit", function (event) {
          event.preventDefault();
          error.textContent = "";
          Desk.settings.fieldErrors(form, null);
          var hours = {};
          form.querySelectorAll(".hours-day").forEach(function (set) {
            var ranges = [], day = set.getAttribute("data-day");
            set.querySelectorAll(".hours-range").forEach(function (r) {
              var from = r.querySelector('[data-part="from"]'), to = r.querySelector('[data-part="to"]');
              from.removeAttribute("data-field");
              if (from.value && to.value) {
                from.setAttribute("data-field", "hours/" + day + "/" + ranges.length);
                ranges.push(from.value + "-" + (to.value === "00:00" ? "24:00" : to.value));
              }
            });
            if (ranges.length) hours[day] = ranges;
          });
          var own = Array.prototype.map.call(holidays.children, function (li) { return li.entry; });
          var body = { timezone: zone.value.trim(), hours: hours,
            holidays: own.filter(function (c) { return c.date && !c.reason; }).map(function (c) { return c.date; }),
            closures: own.filter(function (c) { return !c.date || c.reason; }) };
          if (stored.name) body.name = stored.name;
          if (country.value.trim()) body.country = country.value.trim().toUpperCase();
          if (country.value.trim() && subdivision.value.trim()) body.subdivision = subdivision.value.trim().toUpperCase();
          Desk.call("PUT", "/calendars/desk", body).then(function (saved) {
            stored = saved;
            Desk.toast(t("hours.saved"));
            return loadWeek(box);
          }).catch(function (e) {
            error.textContent = e.message;
            Desk.settings.fieldErrors(form, e);
          });
        });
        return loadWeek(box);
      }).catch(function (e) { Desk.toast(e.message, "breach"); });
    }
  });
})();
