/* The help center's one script: "Was this article helpful?" (a vote, once per article in this
 * browser). The pages work without it; the question only shows when it can be answered. */
(function () {
  "use strict";
  var box = document.querySelector("[data-feedback]");
  if (!box) return;
  var slug = box.getAttribute("data-slug");
  var key = "desk-help-vote:" + slug + ":" + box.getAttribute("data-locale");
  var status = box.querySelector("[role=status]");
  var buttons = box.querySelectorAll("button");
  function done() {
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    status.textContent = box.getAttribute("data-thanks");
  }
  box.hidden = false;
  try { if (window.localStorage.getItem(key)) { done(); return; } } catch (e) { /* private mode */ }
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      fetch(box.getAttribute("data-url"), {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ helpful: button.value === "yes", locale: box.getAttribute("data-locale") })
      }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        try { window.localStorage.setItem(key, "1"); } catch (e) { /* private mode */ }
        done();
      }).catch(function () {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        status.textContent = box.getAttribute("data-failed");
      });
    });
  });
})();
