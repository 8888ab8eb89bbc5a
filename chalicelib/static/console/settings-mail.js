/* Settings > Support address: the address customers write to (set at deploy), the name shown
 * beside the agent's in From, the signature after agents' replies by mail, and the DNS records
 * SES still needs before it may send from the address's domain, as SES reports them. */
(function () {
  "use strict";
  var Desk = window.Desk, t = Desk.t;

  function dnsTable(box, dns) {
    Desk.clear(box);
    if (dns.error) box.appendChild(Desk.el("p", { "class": "error" }, dns.error));
    var missing = dns.records.filter(function (r) { return r.status === "missing"; }).length;
    if (dns.verified !== null) {
      box.appendChild(Desk.el("p", { id: "mail-dns-verified", "class": dns.verified ? "dns-present" : "dns-missing" },
        t(dns.verified ? "mail.verified" : "mail.unverified", { domain: dns.domain })));
    }
    box.appendChild(Desk.el("p", null, missing
      ? t("mail.missing", { count: missing, domain: dns.domain })
      : t("mail.complete", { domain: dns.domain })));
    var table = Desk.el("table", { id: "mail-dns-records" });
    var hr = Desk.el("tr");
    ["mail.status", "mail.type", "mail.name", "mail.value", "mail.purpose"].forEach(function (h) { hr.appendChild(Desk.el("th", { scope: "col" }, t(h))); });
    var head = Desk.el("thead");
    head.appendChild(hr);
    table.appendChild(head);
    var body = Desk.el("tbody");
    var words = { present: t("mail.present"), missing: t("mail.absent"), unchecked: t("mail.unchecked") };
    dns.records.forEach(function (r) {
      var tr = Desk.el("tr", { "data-status": r.status });
      tr.appendChild(Desk.el("td", { "class": "dns-" + r.status }, words[r.status]));
      tr.appendChild(Desk.el("td", null, r.type));
      tr.appendChild(Desk.el("td", { "class": "mono" }, r.name));
      tr.appendChild(Desk.el("td", { "class": "mono" }, r.value));
      tr.appendChild(Desk.el("td", null, r.purpose));
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.appendChild(table);
  }

  Desk.settings.register({
    id: "mail",
    title: "settings.mail.title",
    admin: true,
    render: function (panel) {
      var address = Desk.el("p", { id: "mail-address" });
      panel.appendChild(address);
      var form = Desk.el("form", { id: "mail-form" });
      form.appendChild(Desk.el("label", { "for": "mail-display-name" }, t("mail.display_name")));
      var name = Desk.el("input", { id: "mail-display-name", maxlength: "80", placeholder: "Lamp Shop", autocomplete: "organization", "data-field": "display_name" });
      form.appendChild(name);
      form.appendChild(Desk.el("label", { "for": "mail-signature" }, t("mail.signature")));
      var signature = Desk.el("textarea", { id: "mail-signature", rows: "4", maxlength: "1000", "aria-describedby": "mail-signature-hint", "data-field": "signature" });
      form.appendChild(signature);
      form.appendChild(Desk.el("p", { id: "mail-signature-hint", "class": "muted" }, t("mail.signature_hint", { placeholder: "{{agent.name}}" })));
      var error = Desk.el("p", { "class": "error", role: "alert", id: "mail-error" });
      form.appendChild(error);
      form.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, t("mail.save")));
      panel.appendChild(form);
      var dns = Desk.el("section", { "aria-labelledby": "mail-dns-title" });
      dns.appendChild(Desk.el("h3", { id: "mail-dns-title" }, t("mail.dns")));
      var box = Desk.el("div", { id: "mail-dns" }, t("mail.asking"));
      dns.appendChild(box);
      panel.appendChild(dns);

      Desk.call("GET", "/settings/mail").then(function (s) {
        address.textContent = t("mail.address", { address: s.support_address });
        name.value = s.display_name || "";
        signature.value = s.signature || "";
      }).catch(function (e) { error.textContent = e.message; });
      Desk.call("GET", "/settings/mail/dns").then(function (d) { dnsTable(box, d); })
        .catch(function (e) { box.textContent = e.message; });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        error.textContent = "";
        Desk.settings.fieldErrors(form, null);
        Desk.call("PUT", "/settings/mail", { display_name: name.value.trim() || null, signature: signature.value.trim() || null })
          .then(function () { Desk.toast(t("mail.saved")); })
          .catch(function (e) {
            error.textContent = e.message;
            Desk.settings.fieldErrors(form, e, e.code === "unknown_placeholder" ? "signature" : null);
          });
      });
    }
  });
})();
