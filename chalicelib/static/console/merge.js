/* Merging the open ticket into another of the same customer (POST /tickets/{id}/merge): its
 * messages follow the other's, it is closed with a pointer there, and mail answering it lands
 * there too. The dialog offers the customer's other tickets that are not closed. */
(function () {
  "use strict";
  var Desk = window.Desk;
  var el = Desk.el, t = Desk.t;
  var $ = function (id) { return document.getElementById(id); };

  var button = el("button", { type: "button", "class": "ghost", id: "merge-open" }, t("merge.open"));
  $("properties").appendChild(button);
  var merged = el("p", { id: "merged-note", "class": "viewers", role: "status", hidden: "" });
  $("conversation").insertBefore(merged, $("properties"));

  var dialog = el("dialog", { id: "merge-view", "aria-labelledby": "merge-title" });
  var title = el("h2", { id: "merge-title" }, t("merge.title"));
  var help = el("p", { "class": "muted" }, t("merge.help"));
  var form = el("form", { id: "merge-form" });
  var fieldset = el("fieldset");
  fieldset.appendChild(el("legend", {}, t("merge.others")));
  var choices = el("div", { id: "merge-choices" });
  fieldset.appendChild(choices);
  var numberLabel = el("label", { "for": "merge-number" }, t("merge.number"));
  var number = el("input", { id: "merge-number", inputmode: "numeric", pattern: "#?[1-9][0-9]{0,11}", placeholder: "#1001" });
  var error = el("p", { id: "merge-error", "class": "error", role: "alert" });
  var actions = el("div", { "class": "actions" });
  var confirm = el("button", { type: "submit", "class": "primary" }, t("merge.submit"));
  var cancel = el("button", { type: "button", "class": "ghost" }, t("cancel"));
  actions.appendChild(confirm); actions.appendChild(cancel);
  [fieldset, numberLabel, number, error, actions].forEach(function (n) { form.appendChild(n); });
  [title, help, form].forEach(function (n) { dialog.appendChild(n); });
  document.body.appendChild(dialog);
  cancel.addEventListener("click", function () { dialog.close(); });

  Desk.onOpen(function (ticket) {
    merged.hidden = !ticket.merged_into;
    button.hidden = !!ticket.merged_into || ticket.status === "closed";
    if (ticket.merged_into) {
      Desk.clear(merged);
      merged.appendChild(document.createTextNode(t("merge.merged") + " "));
      var go = el("button", { type: "button", "class": "linklike" }, t("merge.open_target"));
      go.addEventListener("click", function () { Desk.open(ticket.merged_into); });
      merged.appendChild(go);
    }
  });

  button.addEventListener("click", function () {
    var ticket = Desk.current();
    if (!ticket) return;
    title.textContent = t("merge.title_ticket", { number: ticket.number });
    Desk.clear(choices); error.textContent = ""; number.value = "";
    Desk.call("GET", "/tickets?customer=" + encodeURIComponent(ticket.customer.id) + "&limit=50").then(function (page) {
      var others = page.items.filter(function (other) { return other.id !== ticket.id && other.status !== "closed"; });
      if (!others.length) choices.appendChild(el("p", { "class": "muted" }, t("merge.none")));
      others.forEach(function (other) {
        var label = el("label", { "class": "choice" });
        var radio = el("input", { type: "radio", name: "merge-into", value: other.id });
        label.appendChild(radio);
        label.appendChild(document.createTextNode(" #" + other.number + " " + other.subject + " (" + Desk.i18n.status(other.status) + ")"));
        choices.appendChild(label);
        choices.appendChild(el("br"));
      });
      dialog.showModal();
    }).catch(function (e) { Desk.toast(e.message, "breach"); });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var ticket = Desk.current();
    var picked = form.querySelector('input[name="merge-into"]:checked');
    var into = number.value.trim() || (picked && picked.value);
    if (!into) { error.textContent = t("merge.choose"); return; }
    confirm.disabled = true;
    Desk.call("POST", "/tickets/" + ticket.id + "/merge", { into: into, version: ticket.version }).then(function (result) {
      dialog.close();
      Desk.toast(t("merge.done", { source: result.source.number, target: result.target.number }));
      Desk.open(result.target.id).then(Desk.reload);  // one after the other: the target stays open
    }).catch(function (e) { error.textContent = e.message; })
      .then(function () { confirm.disabled = false; });
  });
})();
