/* The customer portal and the web form: plain JavaScript, no dependencies. Text from
   customers and agents is only ever set with textContent. */
(function () {
  "use strict";

  var script = document.currentScript;
  var BASE = script.src.replace(/\/portal\/app\.js(\?.*)?$/, "");
  var SESSION_KEY = "desk-portal-session";
  var LANGS = ["en", "de", "fr", "es", "he", "et"];
  var NAMES = { en: "English", de: "Deutsch", fr: "Français", es: "Español", he: "עברית", et: "Eesti" };
  var RTL = { he: true };

  var T = {
    en: {
      language: "Language", form_title: "Contact us",
      form_intro: "Tell us what you need; we answer by e-mail and you can follow your request here.",
      email: "Your e-mail address", name: "Your name", subject: "Subject", body: "How can we help?",
      files: "Attach files", files_hint: "Pictures, PDF or text; up to 5 files of 10 MB each.",
      send: "Send", sending: "Sending…", uploading: "Uploading…", uploaded: "ready",
      file_refused: "This file cannot be attached (type or size).", file_failed: "The upload failed.",
      sent: "We have your request #{n}. A confirmation with a link to follow it is on its way to your mailbox.",
      form_invalid: "This form is not valid any more; please load the page again.",
      form_refused: "This form cannot be sent.", form_expired: "This form is too old; please load the page again.",
      form_too_fast: "That was quick! Please wait a few seconds, then send again.",
      form_used: "This form was sent already.", rate_limited: "Too many requests; please try again later.",
      required: "Please fill in your e-mail address, a subject and your message.",
      failed: "Something went wrong; please try again.",
      signin_title: "Sign in to your requests",
      signin_intro: "We mail you a link that signs you in. It works once, for 15 minutes.",
      send_link: "Send me a sign-in link", new_link: "Send me a new link",
      link_sent: "If we know this address, a sign-in link is on its way. It works once, for 15 minutes.",
      link_title: "Sign in", link_intro: "Use the link from your mail to sign in.", sign_in: "Sign in",
      link_used: "This sign-in link has already been used. Ask for a new one below.",
      link_expired: "This sign-in link has expired. Ask for a new one below.",
      link_invalid: "This sign-in link is not valid. Ask for a new one below.",
      session_over: "Your session has ended; please sign in again.",
      list_title: "Your requests", signed_in_as: "Signed in as {email}", sign_out: "Sign out",
      no_tickets: "You have no requests yet.", new_request: "New request", all_requests: "All requests",
      you: "You", agent: "Support team", system: "Automatic message",
      reply: "Your reply", send_reply: "Send reply", close: "Close this request",
      closed_note: "This request is closed. Write a new one if you need us again.",
      updated: "Last activity {when}",
      status_new: "New", status_open: "Open", status_pending: "Waiting for you", status_solved: "Solved",
      status_closed: "Closed",
      channel_chat: "Chat", channel_email: "E-mail", channel_web: "Web form", channel_api: "Support",
      channel_phone: "Phone"
    },
    de: {
      language: "Sprache", form_title: "Kontakt",
      form_intro: "Sagen Sie uns, was Sie brauchen; wir antworten per E-Mail, und Sie können Ihre Anfrage hier verfolgen.",
      email: "Ihre E-Mail-Adresse", name: "Ihr Name", subject: "Betreff", body: "Wie können wir helfen?",
      files: "Dateien anhängen", files_hint: "Bilder, PDF oder Text; bis zu 5 Dateien zu je 10 MB.",
      send: "Senden", sending: "Wird gesendet…", uploading: "Wird hochgeladen…", uploaded: "bereit",
      file_refused: "Diese Datei kann nicht angehängt werden (Typ oder Größe).", file_failed: "Das Hochladen ist fehlgeschlagen.",
      sent: "Wir haben Ihre Anfrage #{n} erhalten. Eine Bestätigung mit einem Link ist unterwegs in Ihr Postfach.",
      form_invalid: "Dieses Formular ist nicht mehr gültig; bitte laden Sie die Seite neu.",
      form_refused: "Dieses Formular kann nicht gesendet werden.", form_expired: "Dieses Formular ist zu alt; bitte laden Sie die Seite neu.",
      form_too_fast: "Das ging schnell! Bitte warten Sie ein paar Sekunden und senden Sie erneut.",
      form_used: "Dieses Formular wurde bereits gesendet.", rate_limited: "Zu viele Anfragen; bitte versuchen Sie es später.",
      required: "Bitte geben Sie Ihre E-Mail-Adresse, einen Betreff und Ihre Nachricht an.",
      failed: "Etwas ist schiefgegangen; bitte versuchen Sie es erneut.",
      signin_title: "Bei Ihren Anfragen anmelden",
      signin_intro: "Wir senden Ihnen einen Anmeldelink. Er gilt einmal, 15 Minuten lang.",
      send_link: "Anmeldelink senden", new_link: "Neuen Link senden",
      link_sent: "Wenn wir diese Adresse kennen, ist ein Anmeldelink unterwegs. Er gilt einmal, 15 Minuten lang.",
      link_title: "Anmelden", link_intro: "Melden Sie sich mit dem Link aus Ihrer E-Mail an.", sign_in: "Anmelden",
      link_used: "Dieser Anmeldelink wurde bereits benutzt. Fordern Sie unten einen neuen an.",
      link_expired: "Dieser Anmeldelink ist abgelaufen. Fordern Sie unten einen neuen an.",
      link_invalid: "Dieser Anmeldelink ist ungültig. Fordern Sie unten einen neuen an.",
      session_over: "Ihre Sitzung ist abgelaufen; bitte melden Sie sich erneut an.",
      list_title: "Ihre Anfragen", signed_in_as: "Angemeldet als {email}", sign_out: "Abmelden",
      no_tickets: "Sie haben noch keine Anfragen.", new_request: "Neue Anfrage", all_requests: "Alle Anfragen",
      you: "Sie", agent: "Support-Team", system: "Automatische Nachricht",
      reply: "Ihre Antwort", send_reply: "Antwort senden", close: "Diese Anfrage schließen",
      closed_note: "Diese Anfrage ist geschlossen. Schreiben Sie eine neue, wenn Sie uns wieder brauchen.",
      updated: "Zuletzt aktiv {when}",
      status_new: "Neu", status_open: "Offen", status_pending: "Wartet auf Sie", status_solved: "Gelöst",
      status_closed: "Geschlossen",
      channel_chat: "Chat", channel_email: "E-Mail", channel_web: "Webformular", channel_api: "Support",
      channel_phone: "Telefon"
    },
    fr: {
      language: "Langue", form_title: "Nous contacter",
      form_intro: "Dites-nous ce dont vous avez besoin ; nous répondons par e-mail et vous pouvez suivre votre demande ici.",
      email: "Votre adresse e-mail", name: "Votre nom", subject: "Objet", body: "Comment pouvons-nous vous aider ?",
      files: "Joindre des fichiers", files_hint: "Images, PDF ou texte ; jusqu'à 5 fichiers de 10 Mo.",
      send: "Envoyer", sending: "Envoi…", uploading: "Téléversement…", uploaded: "prêt",
      file_refused: "Ce fichier ne peut pas être joint (type ou taille).", file_failed: "Le téléversement a échoué.",
      sent: "Nous avons bien reçu votre demande n° {n}. Une confirmation avec un lien pour la suivre arrive dans votre boîte.",
      form_invalid: "Ce formulaire n'est plus valable ; rechargez la page.",
      form_refused: "Ce formulaire ne peut pas être envoyé.", form_expired: "Ce formulaire est trop ancien ; rechargez la page.",
      form_too_fast: "C'était rapide ! Attendez quelques secondes, puis envoyez à nouveau.",
      form_used: "Ce formulaire a déjà été envoyé.", rate_limited: "Trop de demandes ; réessayez plus tard.",
      required: "Indiquez votre adresse e-mail, un objet et votre message.",
      failed: "Un problème est survenu ; réessayez.",
      signin_title: "Accéder à vos demandes",
      signin_intro: "Nous vous envoyons un lien de connexion. Il fonctionne une fois, pendant 15 minutes.",
      send_link: "M'envoyer un lien de connexion", new_link: "M'envoyer un nouveau lien",
      link_sent: "Si nous connaissons cette adresse, un lien de connexion est en route. Il fonctionne une fois, pendant 15 minutes.",
      link_title: "Connexion", link_intro: "Utilisez le lien de votre e-mail pour vous connecter.", sign_in: "Se connecter",
      link_used: "Ce lien de connexion a déjà été utilisé. Demandez-en un nouveau ci-dessous.",
      link_expired: "Ce lien de connexion a expiré. Demandez-en un nouveau ci-dessous.",
      link_invalid: "Ce lien de connexion n'est pas valable. Demandez-en un nouveau ci-dessous.",
      session_over: "Votre session est terminée ; reconnectez-vous.",
      list_title: "Vos demandes", signed_in_as: "Connecté en tant que {email}", sign_out: "Se déconnecter",
      no_tickets: "Vous n'avez encore aucune demande.", new_request: "Nouvelle demande", all_requests: "Toutes les demandes",
      you: "Vous", agent: "Équipe d'assistance", system: "Message automatique",
      reply: "Votre réponse", send_reply: "Envoyer la réponse", close: "Clore cette demande",
      closed_note: "Cette demande est close. Écrivez-nous à nouveau si besoin.",
      updated: "Dernière activité {when}",
      status_new: "Nouvelle", status_open: "Ouverte", status_pending: "En attente de vous", status_solved: "Résolue",
      status_closed: "Close",
      channel_chat: "Chat", channel_email: "E-mail", channel_web: "Formulaire", channel_api: "Assistance",
      channel_phone: "Téléphone"
    },
    es: {
      language: "Idioma", form_title: "Contacto",
      form_intro: "Cuéntenos qué necesita; respondemos por correo y puede seguir su solicitud aquí.",
      email: "Su correo electrónico", name: "Su nombre", subject: "Asunto", body: "¿En qué podemos ayudarle?",
      files: "Adjuntar archivos", files_hint: "Imágenes, PDF o texto; hasta 5 archivos de 10 MB.",
      send: "Enviar", sending: "Enviando…", uploading: "Subiendo…", uploaded: "listo",
      file_refused: "Este archivo no se puede adjuntar (tipo o tamaño).", file_failed: "La subida ha fallado.",
      sent: "Hemos recibido su solicitud #{n}. Le llega una confirmación con un enlace para seguirla.",
      form_invalid: "Este formulario ya no es válido; recargue la página.",
      form_refused: "Este formulario no se puede enviar.", form_expired: "Este formulario es demasiado antiguo; recargue la página.",
      form_too_fast: "¡Qué rapidez! Espere unos segundos y envíelo de nuevo.",
      form_used: "Este formulario ya se envió.", rate_limited: "Demasiadas solicitudes; inténtelo más tarde.",
      required: "Indique su correo, un asunto y su mensaje.",
      failed: "Algo ha fallado; inténtelo de nuevo.",
      signin_title: "Acceder a sus solicitudes",
      signin_intro: "Le enviamos un enlace de acceso. Sirve una vez, durante 15 minutos.",
      send_link: "Enviarme un enlace de acceso", new_link: "Enviarme un enlace nuevo",
      link_sent: "Si conocemos esta dirección, le llega un enlace de acceso. Sirve una vez, durante 15 minutos.",
      link_title: "Acceder", link_intro: "Use el enlace de su correo para acceder.", sign_in: "Acceder",
      link_used: "Este enlace de acceso ya se ha usado. Pida uno nuevo abajo.",
      link_expired: "Este enlace de acceso ha caducado. Pida uno nuevo abajo.",
      link_invalid: "Este enlace de acceso no es válido. Pida uno nuevo abajo.",
      session_over: "Su sesión ha terminado; acceda de nuevo.",
      list_title: "Sus solicitudes", signed_in_as: "Ha accedido como {email}", sign_out: "Salir",
      no_tickets: "Aún no tiene solicitudes.", new_request: "Nueva solicitud", all_requests: "Todas las solicitudes",
      you: "Usted", agent: "Equipo de soporte", system: "Mensaje automático",
      reply: "Su respuesta", send_reply: "Enviar respuesta", close: "Cerrar esta solicitud",
      closed_note: "Esta solicitud está cerrada. Escriba una nueva si nos necesita.",
      updated: "Última actividad {when}",
      status_new: "Nueva", status_open: "Abierta", status_pending: "Esperando su respuesta", status_solved: "Resuelta",
      status_closed: "Cerrada",
      channel_chat: "Chat", channel_email: "Correo", channel_web: "Formulario", channel_api: "Soporte",
      channel_phone: "Teléfono"
    },
    he: {
      language: "שפה", form_title: "צרו קשר",
      form_intro: "ספרו לנו במה אפשר לעזור; נענה במייל ותוכלו לעקוב אחרי הפנייה כאן.",
      email: "כתובת המייל שלך", name: "השם שלך", subject: "נושא", body: "במה נוכל לעזור?",
      files: "צירוף קבצים", files_hint: "תמונות, PDF או טקסט; עד 5 קבצים של 10 MB.",
      send: "שליחה", sending: "שולח…", uploading: "מעלה…", uploaded: "מוכן",
      file_refused: "אי אפשר לצרף את הקובץ הזה (סוג או גודל).", file_failed: "ההעלאה נכשלה.",
      sent: "קיבלנו את פנייתך מספר #{n}. אישור עם קישור למעקב בדרך לתיבת המייל שלך.",
      form_invalid: "הטופס כבר אינו תקף; נא לטעון את הדף מחדש.",
      form_refused: "אי אפשר לשלוח את הטופס הזה.", form_expired: "הטופס ישן מדי; נא לטעון את הדף מחדש.",
      form_too_fast: "זה היה מהיר! נא להמתין כמה שניות ולשלוח שוב.",
      form_used: "הטופס הזה כבר נשלח.", rate_limited: "יותר מדי בקשות; נא לנסות שוב מאוחר יותר.",
      required: "נא למלא כתובת מייל, נושא והודעה.",
      failed: "משהו השתבש; נא לנסות שוב.",
      signin_title: "כניסה לפניות שלך",
      signin_intro: "נשלח לך קישור כניסה במייל. הוא עובד פעם אחת, במשך 15 דקות.",
      send_link: "שלחו לי קישור כניסה", new_link: "שלחו לי קישור חדש",
      link_sent: "אם הכתובת מוכרת לנו, קישור כניסה בדרך אליך. הוא עובד פעם אחת, במשך 15 דקות.",
      link_title: "כניסה", link_intro: "היכנס/י עם הקישור מהמייל.", sign_in: "כניסה",
      link_used: "כבר נעשה שימוש בקישור הכניסה הזה. אפשר לבקש קישור חדש למטה.",
      link_expired: "תוקף קישור הכניסה הזה פג. אפשר לבקש קישור חדש למטה.",
      link_invalid: "קישור הכניסה הזה אינו תקף. אפשר לבקש קישור חדש למטה.",
      session_over: "ההתחברות הסתיימה; נא להיכנס שוב.",
      list_title: "הפניות שלך", signed_in_as: "מחובר/ת בתור {email}", sign_out: "יציאה",
      no_tickets: "אין לך עדיין פניות.", new_request: "פנייה חדשה", all_requests: "כל הפניות",
      you: "את/ה", agent: "צוות התמיכה", system: "הודעה אוטומטית",
      reply: "התשובה שלך", send_reply: "שליחת תשובה", close: "סגירת הפנייה",
      closed_note: "הפנייה סגורה. אפשר לכתוב פנייה חדשה בכל עת.",
      updated: "פעילות אחרונה {when}",
      status_new: "חדשה", status_open: "פתוחה", status_pending: "ממתינה לך", status_solved: "נפתרה",
      status_closed: "סגורה",
      channel_chat: "צ׳אט", channel_email: "מייל", channel_web: "טופס", channel_api: "תמיכה",
      channel_phone: "טלפון"
    },
    et: {
      language: "Keel", form_title: "Võtke meiega ühendust",
      form_intro: "Kirjutage, mida vajate; vastame e-postiga ja saate oma pöördumist siin jälgida.",
      email: "Teie e-posti aadress", name: "Teie nimi", subject: "Teema", body: "Kuidas saame aidata?",
      files: "Lisa failid", files_hint: "Pildid, PDF või tekst; kuni 5 faili, igaüks kuni 10 MB.",
      send: "Saada", sending: "Saadan…", uploading: "Laadin üles…", uploaded: "valmis",
      file_refused: "Seda faili ei saa lisada (tüüp või suurus).", file_failed: "Üleslaadimine ebaõnnestus.",
      sent: "Saime teie pöördumise #{n}. Kinnitus koos jälgimislingiga on teel teie postkasti.",
      form_invalid: "See vorm ei kehti enam; laadige leht uuesti.",
      form_refused: "Seda vormi ei saa saata.", form_expired: "See vorm on liiga vana; laadige leht uuesti.",
      form_too_fast: "See oli kiire! Oodake mõni sekund ja saatke uuesti.",
      form_used: "See vorm on juba saadetud.", rate_limited: "Liiga palju päringuid; proovige hiljem uuesti.",
      required: "Palun sisestage e-posti aadress, teema ja sõnum.",
      failed: "Midagi läks valesti; proovige uuesti.",
      signin_title: "Logige oma pöördumiste juurde sisse",
      signin_intro: "Saadame teile sisselogimislingi. See kehtib üks kord, 15 minutit.",
      send_link: "Saada mulle sisselogimislink", new_link: "Saada mulle uus link",
      link_sent: "Kui see aadress on meile tuttav, on sisselogimislink teel. See kehtib üks kord, 15 minutit.",
      link_title: "Logi sisse", link_intro: "Logige sisse oma kirjas oleva lingiga.", sign_in: "Logi sisse",
      link_used: "Seda sisselogimislinki on juba kasutatud. Küsige allpool uus.",
      link_expired: "See sisselogimislink on aegunud. Küsige allpool uus.",
      link_invalid: "See sisselogimislink ei kehti. Küsige allpool uus.",
      session_over: "Teie seanss on lõppenud; logige uuesti sisse.",
      list_title: "Teie pöördumised", signed_in_as: "Sisse logitud: {email}", sign_out: "Logi välja",
      no_tickets: "Teil pole veel pöördumisi.", new_request: "Uus pöördumine", all_requests: "Kõik pöördumised",
      you: "Teie", agent: "Klienditugi", system: "Automaatne sõnum",
      reply: "Teie vastus", send_reply: "Saada vastus", close: "Sulge see pöördumine",
      closed_note: "See pöördumine on suletud. Vajadusel kirjutage uus.",
      updated: "Viimati aktiivne {when}",
      status_new: "Uus", status_open: "Avatud", status_pending: "Ootab teie vastust", status_solved: "Lahendatud",
      status_closed: "Suletud",
      channel_chat: "Vestlus", channel_email: "E-post", channel_web: "Veebivorm", channel_api: "Tugi",
      channel_phone: "Telefon"
    }
  };

  // ------------------------------------------------------------------ language

  function chosenLanguage() {
    var asked = new URLSearchParams(location.search).get("lang");
    var kept = null;
    try { kept = localStorage.getItem("desk-portal-lang"); } catch (e) { kept = null; }
    var browser = (navigator.language || "en").slice(0, 2).toLowerCase();
    return [asked, kept, browser].filter(function (l) { return l && LANGS.indexOf(l) >= 0; })[0] || "en";
  }

  var lang = chosenLanguage();

  function t(key, values) {
    var text = (T[lang] && T[lang][key]) || T.en[key] || key;
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.documentElement.dir = RTL[lang] ? "rtl" : "ltr";
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (node) {
      node.textContent = t(node.getAttribute("data-t"));
    });
  }

  function setupLanguagePicker(onChange) {
    var select = document.getElementById("language");
    LANGS.forEach(function (code) {
      var option = el("option", { value: code, lang: code }, NAMES[code]);
      if (code === lang) option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      lang = select.value;
      try { localStorage.setItem("desk-portal-lang", lang); } catch (e) { /* private mode */ }
      applyLanguage();
      onChange();
    });
    applyLanguage();
  }

  // ------------------------------------------------------------------ small helpers

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "class") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function say(text) {
    document.getElementById("alert").textContent = "";
    document.getElementById("status").textContent = text || "";
  }

  function warn(text) {
    document.getElementById("status").textContent = "";
    document.getElementById("alert").textContent = text || "";
  }

  function call(method, path, body, token) {
    var headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(BASE + path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var error = new Error((data && data.error && data.error.message) || response.statusText);
          error.code = (data && data.error && data.error.code) || "failed";
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

  function refusal(error) {
    return T.en[error.code] ? t(error.code) : t("failed");
  }

  function when(iso) {
    try {
      return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
    } catch (e) { return iso; }
  }

  // ------------------------------------------------------------------ the web form

  function formPage() {
    var form = document.getElementById("ticket-form");
    var fileInput = document.getElementById("f-files");
    var fileList = document.getElementById("f-file-list");
    var config = null;
    var uploads = [];  // {name, key, done, failed}
    var sending = false;

    setupLanguagePicker(renderFiles);
    var loaded = call("GET", "/portal/form").then(function (data) { config = data; }).catch(function (error) {
      warn(refusal(error));
    });

    function renderFiles() {
      clear(fileList);
      uploads.forEach(function (u) {
        var state = u.failed ? u.failed : (u.done ? t("uploaded") : t("uploading"));
        fileList.appendChild(el("li", {}, u.name + " — " + state));
      });
    }

    fileInput.addEventListener("change", function () {
      Array.prototype.forEach.call(fileInput.files, function (file) {
        var entry = { name: file.name, key: null, done: false, failed: null };
        uploads.push(entry);
        renderFiles();
        loaded.then(function () {
          if (!config) throw new Error("no form");
          if (uploads.length > config.max_files || file.size > config.max_bytes ||
              config.content_types.indexOf(file.type) < 0) {
            var refused = new Error("refused");
            refused.code = "file_refused";
            throw refused;
          }
          return call("POST", "/portal/uploads", {
            form_token: config.form_token, filename: file.name, content_type: file.type
          });
        }).then(function (post) {
          var data = new FormData();
          Object.keys(post.fields).forEach(function (name) { data.append(name, post.fields[name]); });
          data.append("file", file);
          return fetch(post.url, { method: "POST", body: data }).then(function (response) {
            if (!response.ok) throw new Error("upload failed");
            entry.key = post.key;
            entry.done = true;
          });
        }).catch(function (error) {
          entry.failed = error.code === "file_refused" ? t("file_refused") : t("file_failed");
        }).then(renderFiles);
      });
      fileInput.value = "";
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sending) return;
      var email = form.email.value.trim(), subject = form.subject.value.trim(), body = form.body.value.trim();
      if (!email || !subject || !body || !config) {
        warn(config ? t("required") : t("form_invalid"));
        return;
      }
      if (uploads.some(function (u) { return !u.done && !u.failed; })) {
        warn(t("uploading"));
        return;
      }
      var payload = {
        form_token: config.form_token, email: email, subject: subject, body: body, language: lang,
        attachments: uploads.filter(function (u) { return u.done; }).map(function (u) { return u.key; })
      };
      if (form.name.value.trim()) payload.name = form.name.value.trim();
      if (form.website.value) payload.website = form.website.value;
      sending = true;
      say(t("sending"));
      call("POST", "/portal/tickets", payload).then(function (data) {
        form.hidden = true;
        say(t("sent", { n: data.number }));
      }).catch(function (error) {
        warn(refusal(error));
      }).then(function () { sending = false; });
    });
  }

  // ------------------------------------------------------------------ the portal

  function session() {
    try {
      var kept = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
      return kept && kept.expires_at > Date.now() ? kept : null;
    } catch (e) { return null; }
  }

  function keep(data) {
    var kept = { token: data.token, email: data.email, expires_at: Date.now() + data.expires_in * 1000 };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(kept));
    return kept;
  }

  function signOut() {
    sessionStorage.removeItem(SESSION_KEY);
    location.hash = "";
    route();
  }

  function portalPage() {
    setupLanguagePicker(route);
    document.getElementById("sign-out").addEventListener("click", signOut);
    window.addEventListener("hashchange", route);
    route();
  }

  function route() {
    var view = document.getElementById("view");
    var hash = location.hash.slice(1);
    var kept = session();
    document.getElementById("sign-out").hidden = !kept;
    if (hash.indexOf("link=") === 0) return linkView(view, hash.slice(5));
    if (!kept) return signInView(view, "signin_title", "send_link");
    say("");
    document.title = t("list_title");
    var match = /^ticket\/(\d+)$/.exec(hash);
    if (match) return ticketView(view, kept, match[1]);
    return listView(view, kept);
  }

  function signInView(view, title, button) {
    clear(view);
    document.title = t(title);
    view.appendChild(el("h1", {}, t(title)));
    view.appendChild(el("p", { class: "muted" }, t("signin_intro")));
    var form = el("form", { novalidate: "" });
    form.appendChild(el("label", { for: "s-email" }, t("email")));
    var input = el("input", { id: "s-email", type: "email", autocomplete: "email", required: "", maxlength: "254" });
    form.appendChild(input);
    form.appendChild(el("button", { type: "submit", class: "primary" }, t(button)));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim()) { input.focus(); return; }
      call("POST", "/portal/links", { email: input.value.trim(), language: lang }).then(function () {
        say(t("link_sent"));
      }).catch(function (error) { warn(refusal(error)); });
    });
    view.appendChild(form);
  }

  function linkView(view, token) {
    clear(view);
    say("");
    document.title = t("link_title");
    view.appendChild(el("h1", {}, t("link_title")));
    view.appendChild(el("p", { class: "muted" }, t("link_intro")));
    // A button, not an automatic sign-in: mail scanners that open links must not use them up.
    var button = el("button", { type: "button", class: "primary" }, t("sign_in"));
    button.addEventListener("click", function () {
      call("POST", "/portal/sessions", { token: token }).then(function (data) {
        keep(data);
        history.replaceState(null, "", location.pathname + location.search + "#tickets");
        route();
      }).catch(function (error) {
        history.replaceState(null, "", location.pathname + location.search);
        signInView(view, "link_title", "new_link");
        warn(refusal(error));
      });
    });
    view.appendChild(button);
  }

  function expired(error) {
    if (error.status === 401) {
      sessionStorage.removeItem(SESSION_KEY);
      route();
      warn(t("session_over"));
      return true;
    }
    return false;
  }

  function badge(status) {
    return el("span", { class: "badge status-" + status }, t("status_" + status));
  }

  function listView(view, kept) {
    clear(view);
    view.appendChild(el("h1", {}, t("list_title")));
    view.appendChild(el("p", { class: "muted" }, t("signed_in_as", { email: kept.email })));
    var newLink = el("a", { href: "portal/new?lang=" + lang, class: "button" }, t("new_request"));
    view.appendChild(newLink);
    var list = el("ul", { class: "tickets" });
    view.appendChild(list);
    call("GET", "/portal/tickets", undefined, kept.token).then(function (data) {
      if (!data.items.length) list.appendChild(el("li", { class: "muted" }, t("no_tickets")));
      data.items.forEach(function (ticket) {
        var item = el("li", { class: "ticket" });
        var link = el("a", { href: "#ticket/" + ticket.number }, "#" + ticket.number + " " + ticket.subject);
        item.appendChild(link);
        var meta = el("p", { class: "meta" });
        meta.appendChild(badge(ticket.status));
        meta.appendChild(el("span", { class: "channel" }, t("channel_" + ticket.channel)));
        meta.appendChild(el("span", { class: "muted" }, t("updated", { when: when(ticket.last_activity_at) })));
        item.appendChild(meta);
        list.appendChild(item);
      });
    }).catch(function (error) { if (!expired(error)) warn(refusal(error)); });
  }

  function ticketView(view, kept, number) {
    clear(view);
    var back = el("a", { href: "#tickets", class: "back" }, t("all_requests"));
    view.appendChild(back);
    call("GET", "/portal/tickets/" + number, undefined, kept.token).then(function (ticket) {
      renderTicket(view, kept, ticket, back);
    }).catch(function (error) { if (!expired(error)) warn(refusal(error)); });
  }

  function renderTicket(view, kept, ticket, back) {
    clear(view);
    view.appendChild(back);
    document.title = "#" + ticket.number + " " + ticket.subject;
    view.appendChild(el("h1", {}, "#" + ticket.number + " " + ticket.subject));
    var meta = el("p", { class: "meta" });
    meta.appendChild(badge(ticket.status));
    meta.appendChild(el("span", { class: "channel" }, t("channel_" + ticket.channel)));
    view.appendChild(meta);
    var messages = el("ol", { class: "messages" });
    ticket.messages.forEach(function (message) { messages.appendChild(messageItem(message)); });
    view.appendChild(messages);
    if (ticket.status === "closed") {
      view.appendChild(el("p", { class: "muted" }, t("closed_note")));
      return;
    }
    var form = el("form", { class: "reply", novalidate: "" });
    form.appendChild(el("label", { for: "r-body" }, t("reply")));
    var text = el("textarea", { id: "r-body", rows: "4", maxlength: "20000", required: "" });
    form.appendChild(text);
    var actions = el("div", { class: "actions" });
    actions.appendChild(el("button", { type: "submit", class: "primary" }, t("send_reply")));
    if (ticket.status !== "solved") {
      var close = el("button", { type: "button" }, t("close"));
      close.addEventListener("click", function () {
        call("POST", "/portal/tickets/" + ticket.number + "/close", undefined, kept.token).then(function (data) {
          data.messages = ticket.messages;
          renderTicket(view, kept, data, back);
        }).catch(function (error) { if (!expired(error)) warn(refusal(error)); });
      });
      actions.appendChild(close);
    }
    form.appendChild(actions);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = text.value.trim();
      if (!body) { text.focus(); return; }
      call("POST", "/portal/tickets/" + ticket.number + "/messages", { body: body }, kept.token).then(function () {
        ticketView(view, kept, ticket.number);
      }).catch(function (error) { if (!expired(error)) warn(refusal(error)); });
    });
    view.appendChild(form);
  }

  function messageItem(message) {
    var item = el("li", { class: "portal-message from-" + message.author });
    var head = el("p", { class: "meta" });
    head.appendChild(el("strong", {}, t(message.author === "customer" ? "you" : message.author)));
    head.appendChild(el("time", { datetime: message.created_at }, when(message.created_at)));
    item.appendChild(head);
    item.appendChild(el("p", { class: "body" }, message.body));
    if (message.attachments.length) {
      var files = el("ul", { class: "files" });
      message.attachments.forEach(function (file) {
        var li = el("li");
        li.appendChild(el("a", { href: file.url, rel: "noopener noreferrer" }, file.filename));
        files.appendChild(li);
      });
      item.appendChild(files);
    }
    return item;
  }

  if (document.body.getAttribute("data-page") === "form") formPage();
  else portalPage();
})();
