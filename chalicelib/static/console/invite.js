/* Accepting an invitation: the mailed link opens /console#invite/<token>. The invited person
 * chooses a name and a password and is signed in to the console (no second sign-in). A link
 * that was used, sent again, withdrawn or has expired gets one polite answer. A console that
 * is already signed in is left as it is. */
(function () {
  "use strict";
  var m = /^#invite\/([A-Za-z0-9_.-]{1,200})$/.exec(location.hash);
  if (!m) return;
  var token = m[1];
  var api = location.origin;
  var Desk = window.Desk;
  var forget = function () { history.replaceState(null, "", location.pathname); };
  // The console's session lives in localStorage under "desk-console" (console.js; see
  // docs/console-session-and-layout.md): accepting writes it there, so the reload starts signed in.
  var AUTH_KEY = "desk-console";
  if (localStorage.getItem(AUTH_KEY)) {
    forget();
    Desk.toast(Desk.t("invite.signed_in"));
    return;
  }

  function post(path, body) {
    return fetch(api + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .catch(function () { throw new Error(Desk.t("error.network")); })
      .then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) { var e = new Error(Desk.i18n.error(data.error && data.error.code, (data.error && data.error.message) || r.statusText)); e.status = r.status; throw e; }
          return data;
        });
      });
  }

  var signin = document.getElementById("signin");
  signin.hidden = true;
  var page = Desk.el("div", { id: "invite", "class": "signin" });
  var card = Desk.el("main", { "class": "card" });
  card.appendChild(Desk.el("h1", null, Desk.t("invite.title")));
  var intro = Desk.el("p", { id: "invite-intro" }, Desk.t("invite.checking"));
  card.appendChild(intro);
  page.appendChild(card);
  document.body.insertBefore(page, signin);

  function refused(message) {
    intro.textContent = message;
    var back = Desk.el("a", { href: "/console" }, Desk.t("invite.to_signin"));
    back.addEventListener("click", function (event) { event.preventDefault(); forget(); page.remove(); signin.hidden = false; });
    card.appendChild(Desk.el("p")).appendChild(back);
  }

  post("/invites/lookup", { token: token }).then(function (invite) {
    intro.textContent = Desk.t(invite.role === "admin" ? "invite.intro_admin" : "invite.intro_agent", { email: invite.email });
    var form = Desk.el("form", { id: "invite-accept" });
    form.appendChild(Desk.el("label", { "for": "invite-name" }, Desk.t("invite.name")));
    var name = Desk.el("input", { id: "invite-name", required: "", maxlength: "100", autocomplete: "name" });
    form.appendChild(name);
    // The address, for password managers: the account's username.
    var user = Desk.el("input", { type: "email", autocomplete: "username", hidden: "", "aria-hidden": "true", tabindex: "-1" });
    user.value = invite.email;
    form.appendChild(user);
    form.appendChild(Desk.el("label", { "for": "invite-password" }, Desk.t("invite.password")));
    var password = Desk.el("input", { id: "invite-password", type: "password", required: "", minlength: "8", autocomplete: "new-password", "aria-describedby": "invite-password-help" });
    form.appendChild(password);
    form.appendChild(Desk.el("p", { id: "invite-password-help", "class": "muted" }, Desk.t("invite.password_help")));
    var error = Desk.el("p", { "class": "error", role: "alert", id: "invite-error" });
    form.appendChild(error);
    form.appendChild(Desk.el("button", { type: "submit", "class": "primary" }, Desk.t("invite.submit")));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      error.textContent = "";
      post("/invites/accept", { token: token, name: name.value.trim(), password: password.value }).then(function (done) {
        localStorage.setItem(AUTH_KEY, JSON.stringify({ token: done.token, refresh_token: done.refresh_token }));
        forget();
        location.reload();  // the console starts signed in
      }).catch(function (e) {
        if (e.status === 404) { form.remove(); refused(e.message); } else { error.textContent = e.message; }
      });
    });
    card.appendChild(form);
    name.focus();
  }).catch(function (e) {
    refused(e.status === 404 ? e.message : Desk.t("invite.unchecked", { error: e.message }));
  });
})();
