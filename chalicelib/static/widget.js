/* Support desk chat widget. Paste into a page:
 *
 *   <script src="https://YOUR-DESK/widget.js" data-key="pk_..." async></script>
 *
 * Optional attributes: data-position="right|left", data-color="#1f4fd1" (the brand colour),
 * data-lang="en|de|fr|es|he|et" (default: the browser's), data-prechat="off|optional|required".
 * Any element of the page with a data-desk-open-chat attribute opens the chat when clicked.
 * Optional, before the script: window.DeskWidget = { strings: { en: { launcher: "Help" } },
 *   user: { id, hash, email, emailHash, name } }  (hash: HMAC-SHA256 of id with the desk's identity
 *   secret; emailHash: of "email:" + the address in lower case, so transcripts may go there).
 *
 * No framework, no build step. Everything lives in a shadow root, so the page's styles and the
 * widget's never meet. Messages are kept once per sequence number, whether they arrive live, as
 * an acknowledgement or in the history sent on resume; text is always rendered as text. The
 * conversation survives reloads and navigation (localStorage) and reconnects by itself, renewing
 * its session first: a visitor the desk no longer knows (erased on request) starts afresh.
 * Before a conversation exists, what the visitor types is searched in the help center: up to 3
 * articles show above the message box, one opens in a reader inside the panel, and "Still need
 * help?" goes back to the chat with the question still typed. */
(function () {
  "use strict";
  if (window.__deskWidget) return; // pasted twice: one widget
  window.__deskWidget = true;
  var script = document.currentScript;
  var api = new URL(script.src).origin;
  var data = script.dataset || {};
  var cfg = window.DeskWidget || {};
  // The console's live preview: the widget with unsaved settings, no session, nothing kept.
  var preview = data.preview ? JSON.parse(data.preview) : null;
  var memory = {};
  var store = preview ? { getItem: function (k) { return memory[k] || null; }, setItem: function (k, v) { memory[k] = v; } } : window.localStorage;
  var opened = Date.now(); // when this page opened: campaigns wait for their seconds from here
  var KEY = "desk-widget:" + api;
  var state = JSON.parse(store.getItem(KEY) || "{}"); // token, conversation, lastSeq, prechat, email
  var seen = {};
  var ws = null;
  var backoff = 500;
  var renewed = !state.token; // a stored session is renewed before its token is used again
  var renewing = null; // the session renewal under way, shared by whoever needs it
  var pending = [];
  // API Gateway runs a connection's frames at the same time, so messages keep their order only
  // if they go one at a time: each is numbered (client_seq, from 1 on each connection) and sent
  // after the ack of the one before. One the desk refuses as out_of_order goes again with the
  // number it expects; one that fails on the desk's side goes again, the same, a little later.
  var inflight = null; // the message sent and not yet acknowledged
  var sendSeq = 0; // the client_seq of the last message sent on this connection
  var unread = 0;
  var baseTitle = document.title;
  var agent = null;

  var STRINGS = {
    en: {
      launcher: "Chat with us", title: "Support", close: "Close chat", connecting: "Connecting\u2026",
      reconnecting: "Reconnecting\u2026", unavailable: "Chat is unavailable right now.",
      online: "We're online \u2014 ask away!", away: "We're away; leave a message and we'll reply.",
      awayUntil: "We're away until {when}. Leave a message and we'll answer then.",
      message: "Your message", send: "Send", you: "You", support: "Support",
      joined: "{name} joined the chat", typing: "{name} is typing\u2026", localTime: "{time} local time",
      email: "Your email, so we can answer you", name: "Your name",
      prechat: "Tell us who you are, so we can also answer by email.", start: "Start chat",
      required: "This field is required.", badEmail: "Please enter a valid email address.",
      transcript: "Email me this conversation", transcriptSent: "We sent the conversation to {to}.",
      rate: "How did we do?", star: "{n} out of 5", comment: "Anything to add? (optional)",
      sendRating: "Send rating", thanks: "Thank you for your rating!", solved: "This conversation is solved.",
      newMessage: "New message", messages: "Messages",
      replyMinutes: "We usually reply in a few minutes.", replyHours: "We usually reply within a few hours.", replyDay: "We usually reply within a day.",
      suggested: "Suggested articles", suggestionsFound: "Suggested articles: {n}", stillNeedHelp: "Still need help?", chatWithUs: "Chat with us",
      back: "Back", openInHelp: "Open in the help center", newTab: "(opens in a new tab)", loading: "Loading the article\u2026",
      articleError: "This article could not be opened.", bot: "Bot", talkToPerson: "Talk to a person", articles: "Articles that may help"
    },
    de: {
      launcher: "Chat starten", title: "Kundenservice", close: "Chat schlie\u00dfen", connecting: "Verbinde\u2026",
      reconnecting: "Verbinde erneut\u2026", unavailable: "Der Chat ist gerade nicht verf\u00fcgbar.",
      online: "Wir sind online \u2014 fragen Sie uns!", away: "Wir sind gerade nicht da; hinterlassen Sie eine Nachricht.",
      awayUntil: "Wir sind ab {when} wieder da. Hinterlassen Sie eine Nachricht, wir antworten dann.",
      message: "Ihre Nachricht", send: "Senden", you: "Sie", support: "Support",
      joined: "{name} ist dem Chat beigetreten", typing: "{name} schreibt\u2026", localTime: "{time} Ortszeit",
      email: "Ihre E-Mail-Adresse f\u00fcr unsere Antwort", name: "Ihr Name",
      prechat: "Sagen Sie uns, wer Sie sind, damit wir auch per E-Mail antworten k\u00f6nnen.", start: "Chat beginnen",
      required: "Dieses Feld ist erforderlich.", badEmail: "Bitte geben Sie eine g\u00fcltige E-Mail-Adresse ein.",
      transcript: "Gespr\u00e4ch per E-Mail senden", transcriptSent: "Wir haben das Gespr\u00e4ch an {to} gesendet.",
      rate: "Wie zufrieden waren Sie?", star: "{n} von 5", comment: "M\u00f6chten Sie etwas erg\u00e4nzen? (optional)",
      sendRating: "Bewertung senden", thanks: "Danke f\u00fcr Ihre Bewertung!", solved: "Dieses Gespr\u00e4ch ist gel\u00f6st.",
      newMessage: "Neue Nachricht", messages: "Nachrichten",
      replyMinutes: "Wir antworten meist in wenigen Minuten.", replyHours: "Wir antworten meist innerhalb weniger Stunden.", replyDay: "Wir antworten meist innerhalb eines Tages.",
      suggested: "Vorgeschlagene Artikel", suggestionsFound: "Vorgeschlagene Artikel: {n}", stillNeedHelp: "Brauchen Sie weitere Hilfe?", chatWithUs: "Schreiben Sie uns",
      back: "Zur\u00fcck", openInHelp: "Im Hilfe-Center \u00f6ffnen", newTab: "(\u00f6ffnet in einem neuen Tab)", loading: "Der Artikel wird geladen\u2026",
      articleError: "Dieser Artikel konnte nicht ge\u00f6ffnet werden.", bot: "Bot", talkToPerson: "Mit einem Menschen sprechen", articles: "Artikel, die helfen k\u00f6nnten"
    },
    fr: {
      launcher: "Discuter avec nous", title: "Assistance", close: "Fermer la discussion", connecting: "Connexion\u2026",
      reconnecting: "Reconnexion\u2026", unavailable: "La discussion est indisponible pour le moment.",
      online: "Nous sommes en ligne \u2014 posez votre question !", away: "Nous sommes absents ; laissez un message.",
      awayUntil: "Nous serons de retour le {when}. Laissez un message, nous r\u00e9pondrons alors.",
      message: "Votre message", send: "Envoyer", you: "Vous", support: "Assistance",
      joined: "{name} a rejoint la discussion", typing: "{name} \u00e9crit\u2026", localTime: "{time} heure locale",
      email: "Votre e-mail, pour vous r\u00e9pondre", name: "Votre nom",
      prechat: "Dites-nous qui vous \u00eates, pour pouvoir aussi r\u00e9pondre par e-mail.", start: "Commencer",
      required: "Ce champ est obligatoire.", badEmail: "Veuillez saisir une adresse e-mail valide.",
      transcript: "M'envoyer cette conversation par e-mail", transcriptSent: "Conversation envoy\u00e9e \u00e0 {to}.",
      rate: "Comment nous sommes-nous d\u00e9brouill\u00e9s ?", star: "{n} sur 5", comment: "Un commentaire ? (facultatif)",
      sendRating: "Envoyer la note", thanks: "Merci pour votre note !", solved: "Cette conversation est r\u00e9solue.",
      newMessage: "Nouveau message", messages: "Messages",
      replyMinutes: "Nous r\u00e9pondons en g\u00e9n\u00e9ral en quelques minutes.", replyHours: "Nous r\u00e9pondons en g\u00e9n\u00e9ral en quelques heures.", replyDay: "Nous r\u00e9pondons en g\u00e9n\u00e9ral dans la journ\u00e9e.",
      suggested: "Articles sugg\u00e9r\u00e9s", suggestionsFound: "Articles sugg\u00e9r\u00e9s : {n}", stillNeedHelp: "Besoin d'aide suppl\u00e9mentaire ?", chatWithUs: "\u00c9crivez-nous",
      back: "Retour", openInHelp: "Ouvrir dans le centre d'aide", newTab: "(s'ouvre dans un nouvel onglet)", loading: "Chargement de l'article\u2026",
      articleError: "Impossible d'ouvrir cet article.", bot: "Bot", talkToPerson: "Parler \u00e0 une personne", articles: "Articles qui peuvent vous aider"
    },
    es: {
      launcher: "Habla con nosotros", title: "Soporte", close: "Cerrar el chat", connecting: "Conectando\u2026",
      reconnecting: "Reconectando\u2026", unavailable: "El chat no est\u00e1 disponible ahora.",
      online: "Estamos en l\u00ednea: \u00a1pregunta!", away: "No estamos ahora; deja un mensaje y te responderemos.",
      awayUntil: "Volvemos el {when}. Deja un mensaje y te responderemos entonces.",
      message: "Tu mensaje", send: "Enviar", you: "T\u00fa", support: "Soporte",
      joined: "{name} se ha unido al chat", typing: "{name} est\u00e1 escribiendo\u2026", localTime: "{time} hora local",
      email: "Tu correo, para poder responderte", name: "Tu nombre",
      prechat: "Dinos qui\u00e9n eres para poder responderte tambi\u00e9n por correo.", start: "Empezar el chat",
      required: "Este campo es obligatorio.", badEmail: "Introduce un correo electr\u00f3nico v\u00e1lido.",
      transcript: "Enviarme esta conversaci\u00f3n por correo", transcriptSent: "Hemos enviado la conversaci\u00f3n a {to}.",
      rate: "\u00bfQu\u00e9 tal lo hicimos?", star: "{n} de 5", comment: "\u00bfAlgo m\u00e1s? (opcional)",
      sendRating: "Enviar valoraci\u00f3n", thanks: "\u00a1Gracias por tu valoraci\u00f3n!", solved: "Esta conversaci\u00f3n est\u00e1 resuelta.",
      newMessage: "Nuevo mensaje", messages: "Mensajes",
      replyMinutes: "Solemos responder en unos minutos.", replyHours: "Solemos responder en unas horas.", replyDay: "Solemos responder en un d\u00eda.",
      suggested: "Art\u00edculos sugeridos", suggestionsFound: "Art\u00edculos sugeridos: {n}", stillNeedHelp: "\u00bfTodav\u00eda necesitas ayuda?", chatWithUs: "Escr\u00edbenos",
      back: "Volver", openInHelp: "Abrir en el centro de ayuda", newTab: "(se abre en una pesta\u00f1a nueva)", loading: "Cargando el art\u00edculo\u2026",
      articleError: "No se ha podido abrir este art\u00edculo.", bot: "Bot", talkToPerson: "Hablar con una persona", articles: "Art\u00edculos que pueden ayudarte"
    },
    he: {
      launcher: "\u05e6'\u05d0\u05d8 \u05d0\u05d9\u05ea\u05e0\u05d5", title: "\u05ea\u05de\u05d9\u05db\u05d4", close: "\u05e1\u05d2\u05d9\u05e8\u05ea \u05d4\u05e6'\u05d0\u05d8", connecting: "\u05de\u05ea\u05d7\u05d1\u05e8\u2026",
      reconnecting: "\u05de\u05ea\u05d7\u05d1\u05e8 \u05de\u05d7\u05d3\u05e9\u2026", unavailable: "\u05d4\u05e6'\u05d0\u05d8 \u05d0\u05d9\u05e0\u05d5 \u05d6\u05de\u05d9\u05df \u05db\u05e8\u05d2\u05e2.",
      online: "\u05d0\u05e0\u05d7\u05e0\u05d5 \u05db\u05d0\u05df \u2014 \u05e9\u05d0\u05dc\u05d5 \u05d0\u05d5\u05ea\u05e0\u05d5!", away: "\u05d0\u05e0\u05d7\u05e0\u05d5 \u05dc\u05d0 \u05d6\u05de\u05d9\u05e0\u05d9\u05dd \u05db\u05e8\u05d2\u05e2; \u05d4\u05e9\u05d0\u05d9\u05e8\u05d5 \u05d4\u05d5\u05d3\u05e2\u05d4.",
      awayUntil: "\u05e0\u05d7\u05d6\u05d5\u05e8 \u05d1{when}. \u05d4\u05e9\u05d0\u05d9\u05e8\u05d5 \u05d4\u05d5\u05d3\u05e2\u05d4 \u05d5\u05e0\u05e2\u05e0\u05d4 \u05d0\u05d6.",
      message: "\u05d4\u05d4\u05d5\u05d3\u05e2\u05d4 \u05e9\u05dc\u05da", send: "\u05e9\u05dc\u05d9\u05d7\u05d4", you: "\u05d0\u05ea/\u05d4", support: "\u05ea\u05de\u05d9\u05db\u05d4",
      joined: "{name} \u05d4\u05e6\u05d8\u05e8\u05e3/\u05d4 \u05dc\u05e6'\u05d0\u05d8", typing: "{name} \u05de\u05e7\u05dc\u05d9\u05d3/\u05d4\u2026", localTime: "{time} \u05e9\u05e2\u05d5\u05df \u05de\u05e7\u05d5\u05de\u05d9",
      email: "\u05d4\u05d0\u05d9\u05de\u05d9\u05d9\u05dc \u05e9\u05dc\u05da, \u05db\u05d3\u05d9 \u05e9\u05e0\u05d5\u05db\u05dc \u05dc\u05e2\u05e0\u05d5\u05ea", name: "\u05d4\u05e9\u05dd \u05e9\u05dc\u05da",
      prechat: "\u05e1\u05e4\u05e8\u05d5 \u05dc\u05e0\u05d5 \u05de\u05d9 \u05d0\u05ea\u05dd, \u05db\u05d3\u05d9 \u05e9\u05e0\u05d5\u05db\u05dc \u05dc\u05e2\u05e0\u05d5\u05ea \u05d2\u05dd \u05d1\u05d0\u05d9\u05de\u05d9\u05d9\u05dc.", start: "\u05d4\u05ea\u05d7\u05dc\u05ea \u05e6'\u05d0\u05d8",
      required: "\u05e9\u05d3\u05d4 \u05d7\u05d5\u05d1\u05d4.", badEmail: "\u05e0\u05d0 \u05dc\u05d4\u05d6\u05d9\u05df \u05db\u05ea\u05d5\u05d1\u05ea \u05d0\u05d9\u05de\u05d9\u05d9\u05dc \u05ea\u05e7\u05d9\u05e0\u05d4.",
      transcript: "\u05e9\u05dc\u05d7\u05d5 \u05dc\u05d9 \u05d0\u05ea \u05d4\u05e9\u05d9\u05d7\u05d4 \u05d1\u05d0\u05d9\u05de\u05d9\u05d9\u05dc", transcriptSent: "\u05e9\u05dc\u05d7\u05e0\u05d5 \u05d0\u05ea \u05d4\u05e9\u05d9\u05d7\u05d4 \u05dc-{to}.",
      rate: "\u05d0\u05d9\u05da \u05d4\u05d9\u05d9\u05ea\u05d4 \u05d4\u05e9\u05d9\u05e8\u05d5\u05ea?", star: "{n} \u05de\u05ea\u05d5\u05da 5", comment: "\u05e8\u05d5\u05e6\u05d9\u05dd \u05dc\u05d4\u05d5\u05e1\u05d9\u05e3 \u05de\u05e9\u05d4\u05d5? (\u05e8\u05e9\u05d5\u05ea)",
      sendRating: "\u05e9\u05dc\u05d9\u05d7\u05ea \u05d3\u05d9\u05e8\u05d5\u05d2", thanks: "\u05ea\u05d5\u05d3\u05d4 \u05e2\u05dc \u05d4\u05d3\u05d9\u05e8\u05d5\u05d2!", solved: "\u05d4\u05e9\u05d9\u05d7\u05d4 \u05d4\u05d6\u05d5 \u05e0\u05e4\u05ea\u05e8\u05d4.",
      newMessage: "\u05d4\u05d5\u05d3\u05e2\u05d4 \u05d7\u05d3\u05e9\u05d4", messages: "\u05d4\u05d5\u05d3\u05e2\u05d5\u05ea",
      replyMinutes: "\u05d1\u05d3\u05e8\u05da \u05db\u05dc\u05dc \u05d0\u05e0\u05d7\u05e0\u05d5 \u05e2\u05d5\u05e0\u05d9\u05dd \u05ea\u05d5\u05da \u05db\u05de\u05d4 \u05d3\u05e7\u05d5\u05ea.", replyHours: "\u05d1\u05d3\u05e8\u05da \u05db\u05dc\u05dc \u05d0\u05e0\u05d7\u05e0\u05d5 \u05e2\u05d5\u05e0\u05d9\u05dd \u05ea\u05d5\u05da \u05db\u05de\u05d4 \u05e9\u05e2\u05d5\u05ea.", replyDay: "\u05d1\u05d3\u05e8\u05da \u05db\u05dc\u05dc \u05d0\u05e0\u05d7\u05e0\u05d5 \u05e2\u05d5\u05e0\u05d9\u05dd \u05ea\u05d5\u05da \u05d9\u05d5\u05dd.",
      suggested: "\u05de\u05d0\u05de\u05e8\u05d9\u05dd \u05de\u05d5\u05e6\u05e2\u05d9\u05dd", suggestionsFound: "\u05de\u05d0\u05de\u05e8\u05d9\u05dd \u05de\u05d5\u05e6\u05e2\u05d9\u05dd: {n}", stillNeedHelp: "\u05e2\u05d3\u05d9\u05d9\u05df \u05e6\u05e8\u05d9\u05db\u05d9\u05dd \u05e2\u05d6\u05e8\u05d4?", chatWithUs: "\u05db\u05ea\u05d1\u05d5 \u05dc\u05e0\u05d5",
      back: "\u05d7\u05d6\u05e8\u05d4", openInHelp: "\u05e4\u05ea\u05d9\u05d7\u05d4 \u05d1\u05de\u05e8\u05db\u05d6 \u05d4\u05e2\u05d6\u05e8\u05d4", newTab: "(\u05e0\u05e4\u05ea\u05d7 \u05d1\u05db\u05e8\u05d8\u05d9\u05e1\u05d9\u05d9\u05d4 \u05d7\u05d3\u05e9\u05d4)", loading: "\u05d8\u05d5\u05e2\u05df \u05d0\u05ea \u05d4\u05de\u05d0\u05de\u05e8\u2026",
      articleError: "\u05dc\u05d0 \u05d4\u05e6\u05dc\u05d7\u05e0\u05d5 \u05dc\u05e4\u05ea\u05d5\u05d7 \u05d0\u05ea \u05d4\u05de\u05d0\u05de\u05e8 \u05d4\u05d6\u05d4.", bot: "\u05d1\u05d5\u05d8", talkToPerson: "\u05e9\u05d9\u05d7\u05d4 \u05e2\u05dd \u05e0\u05e6\u05d9\u05d2/\u05d4", articles: "\u05de\u05d0\u05de\u05e8\u05d9\u05dd \u05e9\u05e2\u05e9\u05d5\u05d9\u05d9\u05dd \u05dc\u05e2\u05d6\u05d5\u05e8"
    },
    et: {
      launcher: "Vestle meiega", title: "Klienditugi", close: "Sulge vestlus", connecting: "\u00dchendan\u2026",
      reconnecting: "\u00dchendan uuesti\u2026", unavailable: "Vestlus pole praegu saadaval.",
      online: "Oleme kohal \u2014 k\u00fcsi julgelt!", away: "Oleme praegu eemal; j\u00e4ta s\u00f5num ja me vastame.",
      awayUntil: "Oleme tagasi {when}. J\u00e4ta s\u00f5num ja me vastame siis.",
      message: "Sinu s\u00f5num", send: "Saada", you: "Sina", support: "Klienditugi",
      joined: "{name} liitus vestlusega", typing: "{name} kirjutab\u2026", localTime: "kohalik aeg {time}",
      email: "Sinu e-post, et saaksime vastata", name: "Sinu nimi",
      prechat: "Anna teada, kes sa oled, et saaksime vastata ka e-postiga.", start: "Alusta vestlust",
      required: "See v\u00e4li on kohustuslik.", badEmail: "Sisesta kehtiv e-posti aadress.",
      transcript: "Saada vestlus mulle e-postiga", transcriptSent: "Saatsime vestluse aadressile {to}.",
      rate: "Kuidas meil l\u00e4ks?", star: "{n} / 5", comment: "Midagi lisada? (vabatahtlik)",
      sendRating: "Saada hinnang", thanks: "Ait\u00e4h hinnangu eest!", solved: "See vestlus on lahendatud.",
      newMessage: "Uus s\u00f5num", messages: "S\u00f5numid",
      replyMinutes: "Vastame tavaliselt m\u00f5ne minutiga.", replyHours: "Vastame tavaliselt m\u00f5ne tunni jooksul.", replyDay: "Vastame tavaliselt p\u00e4eva jooksul.",
      suggested: "Soovitatud artiklid", suggestionsFound: "Soovitatud artikleid: {n}", stillNeedHelp: "Vajad veel abi?", chatWithUs: "Kirjuta meile",
      back: "Tagasi", openInHelp: "Ava abikeskuses", newTab: "(avaneb uuel vahelehel)", loading: "Laadin artiklit\u2026",
      articleError: "Seda artiklit ei \u00f5nnestunud avada.", bot: "Juturobot", talkToPerson: "R\u00e4\u00e4gi inimesega", articles: "Artiklid, mis v\u00f5ivad aidata"
    }
  };

  // The settings from the desk's console (GET /widget/config) come first; the widget is built
  // with them. The snippet's own attributes, where given, win over them on that page.
  function boot(site, desk) {
  function pickLanguage() {
    var wanted = [cfg.lang, data.lang].concat(navigator.languages || [navigator.language]);
    var offered = site.languages && site.languages.length ? site.languages : Object.keys(STRINGS);
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").toLowerCase().split("-")[0];
      if (code === "iw") code = "he";
      if (STRINGS[code] && offered.indexOf(code) >= 0) return code;
    }
    return STRINGS[offered[0]] ? offered[0] : "en";
  }
  var lang = pickLanguage();
  var rtl = lang === "he";
  // Dates in the visitor's own conventions when the browser speaks the widget's language.
  var locale = String(navigator.language || "").toLowerCase().split("-")[0] === lang ? navigator.language : lang;
  function t(name, vars) {
    var own = (cfg.strings && cfg.strings[lang]) || {};
    var text = own[name] || STRINGS[lang][name] || STRINGS.en[name];
    return text.replace(/\{(\w+)\}/g, function (_, k) { return vars && vars[k] != null ? vars[k] : ""; });
  }

  var color = [data.color, cfg.color, site.color].filter(function (c) { return /^#[0-9a-fA-F]{3,8}$/.test(c || ""); })[0] || "#1f4fd1";
  var side = (data.position || cfg.position || site.position) === "left" ? "left" : "right";
  var own = data.prechat || cfg.prechat; // the snippet's: one mode for both fields
  var ask = own ? { name: own, email: own } : (site.prechat || { name: "off", email: "off" });
  var prechatMode = ask.name === "off" && ask.email === "off" ? "off" : "on";

  function save() { store.setItem(KEY, JSON.stringify(state)); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  var CSS = [
    ":host{all:initial}",
    ".root{position:fixed;bottom:20px;" + side + ":20px;z-index:2147483000;display:flex;flex-direction:column;align-items:" + (side === "left" ? "flex-start" : "flex-end") + ";font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1d23}",
    ".launcher{background:" + color + ";color:#fff;border:0;border-radius:26px;padding:13px 20px;font:inherit;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}",
    ".badge{display:inline-block;min-width:1.4em;margin-inline-start:8px;padding:0 6px;border-radius:10px;background:#fff;color:#1b1d23;font-size:13px}",
    ".panel{width:360px;max-height:min(620px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.22);margin-bottom:12px;overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:10px;padding:14px 16px;background:" + color + ";color:#fff}",
    "header h2{margin:0;font-size:17px}",
    ".avatar{width:38px;height:38px;border-radius:50%;background:#fff;object-fit:cover;flex:none}",
    ".who{flex:1;min-width:0}.who p{margin:0;font-size:13px;opacity:.95}",
    ".close{background:transparent;border:0;color:#fff;font-size:24px;line-height:1;cursor:pointer;padding:4px 8px;border-radius:6px}",
    ".status{margin:0;padding:9px 16px;background:#f1f3f9;color:#2b2f3a;font-size:14px}",
    ".log{list-style:none;margin:0;padding:12px 16px;flex:1;min-height:180px;overflow-y:auto}",
    ".messages{list-style:none;margin:0;padding:0}",
    ".messages li{margin:8px 0;display:flex;flex-direction:column}",
    ".desk-mine{align-items:flex-end}.desk-theirs{align-items:flex-start}",
    ".author{font-size:12px;color:#4a4f5c;margin:0 4px 2px}",
    ".desk-text{display:inline-block;max-width:85%;padding:8px 12px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".desk-mine .desk-text{background:" + color + ";color:#fff}",
    ".desk-theirs .desk-text{background:#eceff5;color:#1b1d23}",
    ".desk-system .desk-text{background:#fff7e0;color:#3a2f00}",
    ".desk-greeting{margin:4px 0 8px;padding:8px 12px;border-radius:12px;background:#eceff5;color:#1b1d23;white-space:pre-wrap}",
    "form{margin:0}",
    ".composer{display:flex;border-top:1px solid #dde1ea}",
    ".composer textarea{flex:1;border:0;padding:12px 14px;font:inherit;resize:none;min-height:22px;max-height:120px;color:#1b1d23}",
    ".send{border:0;background:" + color + ";color:#fff;padding:0 18px;font:inherit;font-weight:600;cursor:pointer}",
    ".fields{padding:12px 16px;border-top:1px solid #dde1ea;display:flex;flex-direction:column;gap:8px}",
    ".fields[hidden],.rating[hidden],.composer[hidden]{display:none}",
    ".fields label{font-size:13px;color:#2b2f3a}",
    ".desk-error{margin:-4px 0 0;font-size:13px;color:#b00020}.desk-error:empty{display:none}",
    ".fields input,.rating textarea{box-sizing:border-box;width:100%;padding:8px 10px;border:1px solid #8a90a0;border-radius:8px;font:inherit;color:#1b1d23}",
    ".primary{align-self:flex-start;border:0;border-radius:8px;background:" + color + ";color:#fff;padding:8px 14px;font:inherit;font-weight:600;cursor:pointer}",
    ".rating{padding:12px 16px;border-top:1px solid #dde1ea}",
    ".rating fieldset{border:0;margin:0 0 8px;padding:0}.rating legend{font-weight:600;margin-bottom:6px}",
    ".stars{display:flex;gap:4px;direction:ltr}.stars label{cursor:pointer;font-size:26px;line-height:1;color:#8a90a0}",
    ".stars input{position:absolute;opacity:0;width:1px;height:1px}",
    ".stars input:checked+span,.stars label.on span{color:#b25e00}",
    ".stars input:focus-visible+span{outline:3px solid #ffbf47;border-radius:4px}",
    "footer{padding:6px 16px 10px;text-align:center}",
    ".link{background:none;border:0;color:#1c48c2;text-decoration:underline;font:inherit;font-size:13px;cursor:pointer}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    // the knowledge base: suggestions above the message box, and an article read inside the panel
    ".suggest{padding:8px 12px 2px;border-top:1px solid #dde1ea;max-height:260px;overflow-y:auto}",
    ".suggest[hidden],.reader[hidden]{display:none}",
    ".suggest-title{margin:0 4px 4px;font-size:12px;font-weight:600;color:#4a4f5c}",
    ".suggest ul{list-style:none;margin:0;padding:0}",
    ".suggestion{display:block;box-sizing:border-box;width:100%;margin:0 0 6px;padding:7px 10px;border:1px solid #c9ceda;border-radius:10px;background:#f6f7fb;color:#1b1d23;font:inherit;text-align:start;cursor:pointer}",
    ".suggestion:hover{border-color:" + color + "}",
    ".s-title{display:block;font-size:14px;font-weight:600;overflow-wrap:anywhere}",
    ".s-snippet{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;font-size:13px;color:#4a4f5c}",
    ".more{display:block;margin:2px 0 6px;padding:4px;background:none;border:0;font:inherit;font-size:14px;color:#1b1d23;text-align:start;cursor:pointer}",
    ".more span{color:#1c48c2;font-weight:600;text-decoration:underline}",
    ".panel.reading>:not(header):not(.reader){display:none}",
    ".reader{flex:1;min-height:0;display:flex;flex-direction:column}",
    ".reader-bar{padding:6px 10px;border-bottom:1px solid #dde1ea}",
    ".back{background:none;border:0;border-radius:6px;padding:4px 8px;font:inherit;font-weight:600;color:#1c48c2;cursor:pointer}",
    ".reader-body{flex:1;min-height:120px;overflow-y:auto;padding:4px 16px 12px;overflow-wrap:anywhere}",
    ".reader-body h3{margin:10px 0 8px;font-size:18px;line-height:1.3}",
    ".reader-body a{color:#1c48c2}",
    ".article h2,.article h3,.article h4,.article h5,.article h6{font-size:16px;margin:14px 0 6px}",
    ".article p,.article ul,.article ol,.article blockquote,.article pre,.article table{margin:0 0 10px}",
    ".article img{max-width:100%;height:auto}",
    ".article pre{white-space:pre-wrap;background:#f1f3f9;padding:8px;border-radius:6px}",
    ".article code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}",
    ".article blockquote{border-inline-start:3px solid #c9ceda;padding-inline-start:10px;color:#2b2f3a;margin-inline:0}",
    ".article table{width:100%;border-collapse:collapse;table-layout:fixed}.article th,.article td{border:1px solid #c9ceda;padding:4px 6px;text-align:start;vertical-align:top}",
    ".reader-foot{padding:6px 12px;border-top:1px solid #dde1ea}",
    // the desk's bot: named as one in words, its articles open in the reader, a person one click away
    ".desk-label{display:inline-block;margin-inline-start:6px;padding:0 6px;border:1px solid #6b7080;border-radius:8px;font-size:11px;font-weight:700;color:#2b2f3a;background:#fff}",
    ".desk-articles{list-style:none;margin:4px 4px 0;padding:0;max-width:85%}",
    ".desk-articles li{margin:2px 0}.desk-articles a{color:#1c48c2;overflow-wrap:anywhere}",
    ".desk-handoff{margin:6px 4px 0;padding:5px 12px;border:1px solid " + color + ";border-radius:14px;background:#fff;color:#1c48c2;font:inherit;font-size:14px;font-weight:600;cursor:pointer}",
    ".desk-handoff[aria-disabled=true]{border-color:#8a90a0;color:#4a4f5c;cursor:default}",
    ".desk-handoff[hidden]{display:none}",
    "@media (max-width:480px){.root{bottom:12px;" + side + ":12px}.panel{position:fixed;inset:0;width:auto;max-height:none;border-radius:0;margin:0}}"
  ].join("\n");

  var host = el("div", { id: "desk-widget-host" });
  var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = el("style"); style.textContent = CSS;
  try { // a constructed sheet also styles pages whose CSP allows no inline styles (the console's preview)
    var sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); shadow.adoptedStyleSheets = [sheet]; style = document.createTextNode("");
  } catch (err) { /* an older browser: the <style> element */ }
  // The corner is physical (the snippet's position); the text inside follows the language.
  var root = el("div", { "class": "root", dir: "ltr", lang: lang });
  var panel = el("section", { id: "desk-panel", "class": "panel", dir: rtl ? "rtl" : "ltr", role: "dialog", "aria-modal": "false", "aria-labelledby": "desk-title", hidden: "" });
  var header = el("header");
  var avatar = el("img", { "class": "avatar", alt: "", hidden: "" });
  avatar.addEventListener("error", function () { avatar.setAttribute("hidden", ""); }); // an unreachable photo: none
  var who = el("div", { "class": "who" });
  var title = el("h2", { id: "desk-title" }, t("title"));
  var agentLine = el("p", { id: "desk-agent", hidden: "" });
  who.appendChild(title); who.appendChild(agentLine);
  var closeButton = el("button", { type: "button", "class": "close", "aria-label": t("close") }, "\u00d7");
  header.appendChild(avatar); header.appendChild(who); header.appendChild(closeButton);
  var status = el("p", { id: "desk-status", "class": "status", role: "status" }, t("connecting"));
  var logBox = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": t("messages"), tabindex: "0" });
  var log = el("ol", { id: "desk-messages", "class": "messages" });
  logBox.appendChild(log);

  // novalidate: the form's own errors below, in the widget's language, say what is missing
  var prechat = el("form", { "class": "fields", id: "desk-prechat", hidden: "", novalidate: "" });
  prechat.appendChild(el("p", { style: "margin:0;font-size:14px" }, t("prechat")));
  var nameLabel = el("label", { "for": "desk-name" }, t("name"));
  var nameInput = el("input", { id: "desk-name", autocomplete: "name", maxlength: "100" });
  var preEmailLabel = el("label", { "for": "desk-pre-email" }, t("email"));
  var preEmail = el("input", { id: "desk-pre-email", type: "email", autocomplete: "email", maxlength: "254" });
  var startButton = el("button", { type: "submit", "class": "primary" }, t("start"));
  var nameError = el("p", { id: "desk-name-error", "class": "desk-error", role: "alert" });
  var preEmailError = el("p", { id: "desk-pre-email-error", "class": "desk-error", role: "alert" });
  nameInput.setAttribute("aria-describedby", nameError.id);
  preEmail.setAttribute("aria-describedby", preEmailError.id);
  [nameLabel, nameInput, nameError, preEmailLabel, preEmail, preEmailError, startButton].forEach(function (n) { prechat.appendChild(n); });
  var asked = [[ask.name, nameLabel, nameInput, nameError], [ask.email, preEmailLabel, preEmail, preEmailError]];
  asked.forEach(function (f) {
    if (f[0] === "off") { f[1].setAttribute("hidden", ""); f[2].setAttribute("hidden", ""); f[3].setAttribute("hidden", ""); }
    f[2].required = f[0] === "required";
  });
  function prechatValid() { // each asked field's error, or none; focus on the first wrong one
    var wrong = null;
    asked.forEach(function (f) {
      var field = f[2], problem = "";
      if (f[0] !== "off") {
        if (field.required && !field.value.trim()) problem = t("required");
        else if (field.type === "email" && field.value.trim() && !field.checkValidity()) problem = t("badEmail");
      }
      f[3].textContent = problem;
      if (problem) { field.setAttribute("aria-invalid", "true"); wrong = wrong || field; } else field.removeAttribute("aria-invalid");
    });
    if (wrong) wrong.focus();
    return !wrong;
  }

  var offline = el("div", { "class": "fields", id: "desk-offline", hidden: "" });
  var emailLabel = el("label", { "for": "desk-email" }, t("email"));
  var email = el("input", { id: "desk-email", type: "email", autocomplete: "email", maxlength: "254" });
  offline.appendChild(emailLabel); offline.appendChild(email);

  var rating = el("form", { "class": "rating", id: "desk-rating", hidden: "" });
  var fieldset = el("fieldset");
  fieldset.appendChild(el("legend", {}, t("rate")));
  var stars = el("div", { "class": "stars" });
  for (var n = 1; n <= 5; n++) {
    var label = el("label");
    var radio = el("input", { type: "radio", name: "score", value: String(n), "aria-label": t("star", { n: n }) });
    label.appendChild(radio); label.appendChild(el("span", { "aria-hidden": "true" }, "\u2605"));
    stars.appendChild(label);
  }
  fieldset.appendChild(stars);
  var commentLabel = el("label", { "for": "desk-comment", "class": "sr" }, t("comment"));
  var comment = el("textarea", { id: "desk-comment", rows: "2", maxlength: "1000", placeholder: t("comment") });
  rating.appendChild(fieldset); rating.appendChild(commentLabel); rating.appendChild(comment);
  rating.appendChild(el("button", { type: "submit", "class": "primary", style: "margin-top:8px" }, t("sendRating")));

  var composer = el("form", { "class": "composer" });
  var inputLabel = el("label", { "for": "desk-input", "class": "sr" }, t("message"));
  var input = el("textarea", { id: "desk-input", rows: "1", maxlength: "5000", autocomplete: "off" });
  var send = el("button", { type: "submit", "class": "send" }, t("send"));
  composer.appendChild(inputLabel); composer.appendChild(input); composer.appendChild(send);
  var footer = el("footer");
  var transcript = el("button", { type: "button", "class": "link", hidden: "" }, t("transcript"));
  footer.appendChild(transcript);
  // Without an address the desk knows is theirs, the visitor types one: the desk mails a link
  // there (a fixed text) and sends the conversation once the link is opened.
  var TX = {
    en: { email: "Your e-mail address", confirm: "Send me a confirmation link", sent: "We sent a link to {to}. Open it to get the conversation." },
    de: { email: "Ihre E-Mail-Adresse", confirm: "Best\u00e4tigungslink senden", sent: "Wir haben einen Link an {to} gesendet. \u00d6ffnen Sie ihn, um das Gespr\u00e4ch zu erhalten." },
    fr: { email: "Votre adresse e-mail", confirm: "M'envoyer un lien de confirmation", sent: "Nous avons envoy\u00e9 un lien \u00e0 {to}. Ouvrez-le pour recevoir la conversation." },
    es: { email: "Su correo electr\u00f3nico", confirm: "Enviarme un enlace de confirmaci\u00f3n", sent: "Hemos enviado un enlace a {to}. \u00c1bralo para recibir la conversaci\u00f3n." },
    he: { email: "\u05db\u05ea\u05d5\u05d1\u05ea \u05d4\u05d0\u05d9\u05de\u05d9\u05d9\u05dc \u05e9\u05dc\u05da", confirm: "\u05e9\u05dc\u05d7\u05d5 \u05dc\u05d9 \u05e7\u05d9\u05e9\u05d5\u05e8 \u05dc\u05d0\u05d9\u05e9\u05d5\u05e8", sent: "\u05e9\u05dc\u05d7\u05e0\u05d5 \u05e7\u05d9\u05e9\u05d5\u05e8 \u05dc-{to}. \u05e4\u05ea\u05d7\u05d5 \u05d0\u05d5\u05ea\u05d5 \u05db\u05d3\u05d9 \u05dc\u05e7\u05d1\u05dc \u05d0\u05ea \u05d4\u05e9\u05d9\u05d7\u05d4." },
    et: { email: "Teie e-posti aadress", confirm: "Saada mulle kinnituslink", sent: "Saatsime lingi aadressile {to}. Avage see, et vestlus k\u00e4tte saada." }
  };
  function tx(name, vars) {
    var text = (TX[lang] || TX.en)[name] || TX.en[name];
    return text.replace(/\{(\w+)\}/g, function (_, k) { return vars && vars[k] != null ? vars[k] : ""; });
  }
  var confirmForm = el("form", { "class": "fields", hidden: "" });
  var confirmEmail = el("input", { id: "desk-transcript-email", type: "email", autocomplete: "email", maxlength: "254", required: "" });
  confirmForm.appendChild(el("label", { "for": "desk-transcript-email" }, tx("email")));
  confirmForm.appendChild(confirmEmail);
  confirmForm.appendChild(el("button", { type: "submit", "class": "primary" }, tx("confirm")));
  footer.appendChild(confirmForm);
  function askAddress() { confirmForm.removeAttribute("hidden"); confirmEmail.focus(); }

  // ---- the knowledge base. Before a conversation exists, up to 3 articles that may answer what
  // the visitor types show above the message box; one opens in a reader inside the panel, and
  // "Still need help?" goes back to the chat with what they typed still in the box.
  var suggest = el("div", { "class": "suggest", id: "desk-suggest", hidden: "" });
  var suggestList = el("ul", { id: "desk-suggestions", "aria-labelledby": "desk-suggest-title" });
  suggest.appendChild(el("p", { id: "desk-suggest-title", "class": "suggest-title" }, t("suggested")));
  suggest.appendChild(suggestList);
  suggest.appendChild(moreButton());
  // Said once when suggestions appear or their number changes, not on every keystroke.
  var suggestLive = el("p", { "class": "sr", id: "desk-suggest-live", "aria-live": "polite" });
  function moreButton() {
    var b = el("button", { type: "button", "class": "more" }, t("stillNeedHelp") + " ");
    b.appendChild(el("span", {}, t("chatWithUs")));
    b.addEventListener("click", backToChat);
    return b;
  }

  var reader = el("div", { "class": "reader", id: "desk-reader", hidden: "" });
  var readerBar = el("div", { "class": "reader-bar" });
  var back = el("button", { type: "button", "class": "back" });
  back.appendChild(el("span", { "aria-hidden": "true" }, rtl ? "\u2192 " : "\u2190 "));
  back.appendChild(document.createTextNode(t("back")));
  readerBar.appendChild(back);
  var readerBody = el("article", { "class": "reader-body", "aria-labelledby": "desk-article-title" });
  var readerTitle = el("h3", { id: "desk-article-title", tabindex: "-1" });
  var readerStatus = el("p", { role: "status" });
  var articleBox = el("div", { "class": "article", id: "desk-article" });
  var helpLine = el("p", { hidden: "" });
  var helpLink = el("a", { id: "desk-article-link", target: "_blank", rel: "noopener" }, t("openInHelp"));
  helpLink.appendChild(el("span", { "class": "sr" }, " " + t("newTab")));
  helpLine.appendChild(helpLink);
  [readerStatus, readerTitle, articleBox, helpLine].forEach(function (n) { readerBody.appendChild(n); });
  var readerFoot = el("div", { "class": "reader-foot" });
  readerFoot.appendChild(moreButton());
  [readerBar, readerBody, readerFoot].forEach(function (n) { reader.appendChild(n); });

  [header, reader, status, logBox, prechat, offline, rating, suggest, composer, suggestLive, footer].forEach(function (n) { panel.appendChild(n); });
  var launcher = el("button", { type: "button", "class": "launcher", dir: rtl ? "rtl" : "ltr", "aria-expanded": "false", "aria-controls": "desk-panel" }, t("launcher"));
  var badge = el("span", { "class": "badge", hidden: "" });
  launcher.appendChild(badge);
  root.appendChild(panel); root.appendChild(launcher);
  shadow.appendChild(style); shadow.appendChild(root);

  function isOpen() { return !panel.hasAttribute("hidden"); }
  function firstField() {
    if (!reader.hasAttribute("hidden")) return readerTitle.textContent ? readerTitle : back;
    if (!prechat.hasAttribute("hidden")) return nameInput;
    if (!rating.hasAttribute("hidden")) return rating.querySelector("input");
    return input;
  }
  function setOpen(open) {
    if (open) { panel.removeAttribute("hidden"); firstField().focus(); clearUnread(); connect(); }
    else { panel.setAttribute("hidden", ""); launcher.focus(); }
    launcher.setAttribute("aria-expanded", String(open));
    state.open = open; save();
  }
  launcher.addEventListener("click", function () { setOpen(!isOpen()); });
  // The page's own "Chat with us" links (the help center's, or a business's): data-desk-open-chat.
  // One clicked before this script had loaded (it loads async) set the address to #chat: the
  // chat opens when the script arrives, and whenever the address becomes #chat.
  document.addEventListener("click", function (e) {
    var link = e.target && e.target.closest ? e.target.closest("[data-desk-open-chat]") : null;
    if (link && !preview) { e.preventDefault(); setOpen(true); }
  });
  function openByAddress() { if (!preview && location.hash === "#chat" && !isOpen()) setOpen(true); }
  window.addEventListener("hashchange", openByAddress);
  closeButton.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });

  // A reply while the visitor looks elsewhere: a count in the tab title, a short tone.
  function clearUnread() {
    unread = 0; badge.setAttribute("hidden", ""); badge.textContent = "";
    if (document.title !== baseTitle) document.title = baseTitle;
  }
  function notice() {
    if (!document.hidden && isOpen()) return;
    unread += 1;
    badge.textContent = String(unread); badge.removeAttribute("hidden");
    badge.setAttribute("aria-label", t("newMessage"));
    if (document.hidden) {
      document.title = "(" + unread + ") " + t("newMessage") + " \u2014 " + baseTitle;
      try {
        var Audio = window.AudioContext || window.webkitAudioContext;
        var sound = new Audio(); var osc = sound.createOscillator(); var gain = sound.createGain();
        osc.frequency.value = 880; gain.gain.value = 0.05; osc.connect(gain); gain.connect(sound.destination);
        osc.start(); osc.stop(sound.currentTime + 0.15);
      } catch (err) { /* no sound: the title says it */ }
    }
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden && isOpen()) clearUnread(); });

  function show(message) {
    if (seen[message.seq]) return;
    seen[message.seq] = true;
    var mine = message.author_type === "customer";
    var system = message.author_type === "system" && !message.author; // not a greeting in an agent's name
    var bot = message.author_type === "bot";
    if (message.author && message.author.role === "agent") showAgent(message.author);
    if (message.author_type === "agent" || message.marker === "handoff") personHere(); // the bot's hand-off note
    var name = mine ? t("you") : ((message.author && message.author.name) || message.author_name || (!bot && agent && agent.name) || t("support"));
    var item = el("li", { "data-seq": String(message.seq), "class": mine ? "desk-mine" : ("desk-theirs" + (system ? " desk-system" : "") + (bot ? " desk-bot" : "")) });
    var author = el("span", { "class": "author" }, name);
    if (bot) author.appendChild(el("span", { "class": "desk-label" }, t("bot"))); // in words, not only a colour
    item.appendChild(author);
    item.appendChild(el("span", { "class": "desk-text" }, bot ? botWords(message) : message.body));
    if (bot) botExtras(item, message);
    var after = null;
    Array.prototype.forEach.call(log.children, function (li) { if (!after && Number(li.getAttribute("data-seq")) > message.seq) after = li; });
    log.insertBefore(item, after);
    logBox.scrollTop = logBox.scrollHeight;
    if (!mine && message.seq > (state.lastSeq || 0)) notice();
    state.lastSeq = Math.max(state.lastSeq || 0, message.seq);
    transcript.removeAttribute("hidden"); // without a proven address it asks for one
    save();
  }
  // A bot's answer: the articles it found (they open in the reader) and, until a person is in the
  // conversation (an agent wrote, or the desk confirmed a handoff), a way to ask for one.
  var human = false; // a person is in this conversation: no more "Talk to a person"
  var handoffAsked = false; // the handoff frame is on its way: one at a time
  // The bot's text lists its articles' titles (for the agents' timeline and mail); here they are links.
  function botWords(message) {
    var titles = (message.articles || []).map(function (a) { return "- " + a.title; });
    return message.body.split("\n").filter(function (line) { return titles.indexOf(line) < 0; }).join("\n").trim();
  }
  function botExtras(item, message) {
    var articles = (message.articles || []).filter(function (a) { return a && a.slug && a.title; });
    if (articles.length) {
      var list = el("ul", { "class": "desk-articles", "aria-label": t("articles") });
      articles.forEach(function (a) {
        var li = el("li");
        var link = el("a", { href: typeof a.url === "string" && /^\/[^/\\]/.test(a.url) ? api + a.url : api + "/help", target: "_blank", rel: "noopener" }, a.title);
        link.addEventListener("click", function (e) { if (plainClick(e)) { e.preventDefault(); openArticle(a.slug, a.url, link); } });
        li.appendChild(link);
        list.appendChild(li);
      });
      item.appendChild(list);
    }
    var person = el("button", { type: "button", "class": "desk-handoff" }, t("talkToPerson"));
    if (human) person.setAttribute("hidden", "");
    if (handoffAsked) person.setAttribute("aria-disabled", "true");
    person.addEventListener("click", askForPerson);
    item.appendChild(person);
  }
  function handoffButtons() { return Array.prototype.slice.call(log.querySelectorAll(".desk-handoff")); }
  function askForPerson() {
    if (human || handoffAsked || !state.conversation) return;
    handoffAsked = true;
    handoffButtons().forEach(function (b) { b.setAttribute("aria-disabled", "true"); }); // focus stays on it
    queue({ action: "handoff", conversation_id: state.conversation });
  }
  function handoffSettled() {
    handoffAsked = false;
    handoffButtons().forEach(function (b) { b.removeAttribute("aria-disabled"); });
  }
  function personHere() {
    human = true;
    handoffSettled();
    var had = handoffButtons().indexOf(focused()) >= 0;
    handoffButtons().forEach(function (b) { b.setAttribute("hidden", ""); });
    if (had) input.focus();
  }

  // The desk mails a transcript only to an address it knows is the visitor's: that of a user
  // the business signed in (identity verification). An anonymous visitor is not offered it.
  function mailable() { var u = cfg.user; return !!(u && u.id && u.hash && u.email && u.emailHash); }

  function showAgent(a) {
    if (!a) return;
    agent = a;
    title.textContent = a.name || t("support");
    var line = a.title || "";
    if (a.timezone) {
      try {
        var time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone: a.timezone }).format(new Date());
        line += (line ? " \u00b7 " : "") + t("localTime", { time: time });
      } catch (err) { /* an unknown zone: leave it out */ }
    }
    agentLine.textContent = line;
    if (line) agentLine.removeAttribute("hidden");
    if (a.avatar_url && /^https:\/\//.test(a.avatar_url)) { avatar.src = a.avatar_url; avatar.alt = a.name || ""; avatar.removeAttribute("hidden"); }
  }

  function flush() {
    while (pending.length && ws && ws.readyState === 1 && !inflight) {
      var next = pending.shift();
      if (next.action === "send") {
        // the first message opens the conversation; the next ones wait for its ack, and its id
        if (!next.conversation_id && state.conversation) next.conversation_id = state.conversation;
        next.client_seq = ++sendSeq;
        inflight = next;
      }
      ws.send(JSON.stringify(next));
    }
  }
  function resend(seq, delay) {
    var again = inflight;
    setTimeout(function () {
      if (inflight !== again) return; // the connection closed meanwhile: it is queued again
      inflight = null; sendSeq = seq - 1; pending.unshift(again); flush();
    }, delay);
  }
  function answered(f) {
    if (!inflight || f.client_id !== inflight.client_id) return false;
    if (f.type === "ack") { inflight = null; flush(); return true; }
    if (f.code === "out_of_order") { resend(f.details.expected_seq, 0); return true; }
    if (f.code === "send_in_progress" || f.code === "internal_error" || f.code === "rate_limited") {
      resend(inflight.client_seq, 1000 * ((f.details && f.details.retry_after_seconds) || 1));
      return f.code !== "rate_limited";
    }
    inflight = null; flush(); // refused for good (the message says why): the next one goes
    return false;
  }
  function queue(frame) { pending.push(frame); connect(); flush(); }

  function solved() {
    status.textContent = t("solved");
    if (!state.rated) { rating.removeAttribute("hidden"); }
  }

  function onFrame(event) {
    var f = JSON.parse(event.data);
    if (f.type === "pong") {
      if (state.closed) return; // the business-hours message says more than "away"
      status.textContent = f.available ? t("online") : t("away");
    } else if (f.type === "ack" || f.type === "message") {
      if (!state.conversation) { state.conversation = f.conversation_id; delete state.campaign; dropGreeting(); save(); }
      if (f.conversation_id === state.conversation) show(f.message);
      if (f.type === "ack") answered(f);
    } else if (f.type === "history") {
      f.messages.forEach(show);
      if (f.conversation && (f.conversation.status === "solved")) solved();
    } else if (f.type === "handoff") {
      if (f.conversation_id === state.conversation) personHere();
    } else if (f.type === "agent.joined") {
      showAgent(f.agent);
      status.textContent = t("joined", { name: f.agent.name });
    } else if (f.type === "typing") {
      status.textContent = f.state ? t("typing", { name: (f.who && f.who.name) || t("support") }) : "";
    } else if (f.type === "conversation.updated") {
      if (f.conversation && f.conversation.status === "solved") solved();
      else if (f.conversation && f.conversation.status) { rating.setAttribute("hidden", ""); state.rated = false; save(); }
    } else if (f.type === "rated") {
      state.rated = true; save();
      rating.setAttribute("hidden", "");
      status.textContent = t("thanks");
      input.focus();
    } else if (f.type === "transcript.sent") {
      status.textContent = t("transcriptSent", { to: f.to });
    } else if (f.type === "transcript.confirmation_sent") {
      confirmForm.setAttribute("hidden", "");
      status.textContent = tx("sent", { to: f.to });
    } else if (f.type === "error") {
      if (f.action === "page") return; // a desk that does not track pages: nothing to tell
      if (f.action === "handoff") handoffSettled(); // refused: it may be asked again
      if (f.action === "transcript" && f.code === "transcript_address_unverified") { askAddress(); return; }
      if (f.code === "conversation_not_found" && (f.action === "resume" || f.action === "send")) {
        // Gone from the desk: what was on its way goes again, into a new conversation.
        if (inflight && (f.action === "resume" || f.client_id === inflight.client_id)) { pending.unshift(inflight); inflight = null; }
        forgetConversation();
        flush();
        return;
      }
      if (f.action === "send" && answered(f)) return; // sent again: nothing to tell yet
      status.textContent = f.message;
    }
  }

  // The websocket opens only when the visitor opens the widget or has a conversation: a page
  // view alone costs the desk nothing. The pages seen meanwhile are kept and sent on connect.
  function remember() {
    state.pages = (state.pages || []).concat([{ url: location.href.slice(0, 2000), title: document.title.slice(0, 200), seen_at: new Date().toISOString() }]).slice(-20);
  }
  function connect() {
    if (ws || !state.token) return;
    if (!renewed) { renew({ token: state.token }).then(connect, retry); return; }
    ws = new WebSocket(state.websocketUrl + "/?visitor=" + encodeURIComponent(state.token));
    ws.onopen = function () {
      backoff = 500;
      ws.send(JSON.stringify({ action: "ping" }));
      (state.pages || []).forEach(function (p) { ws.send(JSON.stringify({ action: "page", url: p.url, title: p.title, seen_at: p.seen_at })); });
      state.pages = []; save();
      if (state.conversation) ws.send(JSON.stringify({ action: "resume", conversation_id: state.conversation, after_seq: 0 }));
      sendSeq = 0; // numbered afresh on each connection
      flush();
    };
    ws.onmessage = onFrame;
    ws.onclose = function () {
      ws = null;
      if (inflight) { pending.unshift(inflight); inflight = null; } // sent again (same client_id: stored once)
      if (handoffAsked && !pending.some(function (p) { return p.action === "handoff"; })) handoffSettled(); // no answer will come
      renewed = false; // the desk may have closed it because it forgot this visitor: ask first
      retry();
    };
  }
  function retry() {
    status.textContent = t("reconnecting");
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 15000);
  }

  // What the widget shows of a conversation the desk no longer has. What the visitor typed
  // and is not sent yet goes to the next conversation instead.
  function forgetConversation() {
    delete state.conversation; delete state.lastSeq; delete state.rated; save();
    if (inflight) { pending.unshift(inflight); inflight = null; } // goes again, into the next one
    seen = {}; log.textContent = "";
    pending = pending.filter(function (f) { return f.action === "send"; });
    pending.forEach(function (f) { delete f.conversation_id; });
    agent = null; title.textContent = t("title");
    human = false; handoffAsked = false;
    agentLine.setAttribute("hidden", ""); avatar.setAttribute("hidden", "");
    rating.setAttribute("hidden", ""); transcript.setAttribute("hidden", "");
  }
  // The desk no longer knows this visitor (erased on request, or lost): nothing of theirs is
  // kept in the browser either; a new visitor session starts, the panel stays as it was.
  function forgetVisitor() {
    forgetConversation();
    state = { open: state.open }; save();
    if (ws) { var old = ws; ws = null; old.onclose = null; old.onmessage = null; old.close(); }
  }

  function session(body) {
    body = body || {};
    if (data.key) body.key = data.key;
    return fetch(api + "/widget/sessions", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) {
      // 401: a token the desk no longer accepts; 404: a visitor it no longer has. Retrying
      // either would never succeed: start over as a new visitor (with what was just given).
      if ((r.status === 401 || r.status === 404) && body.token) {
        forgetVisitor();
        var fresh = identity();
        if (!fresh.user_id) { if (body.name) fresh.name = body.name; if (body.email) fresh.email = body.email; }
        return session(fresh).then(function (s) { renewed = true; if (state.open) setTimeout(connect, 0); return s; });
      }
      if (!r.ok) throw new Error("session " + r.status);
      return r.json().then(function (s) {
        state.token = s.token; state.websocketUrl = s.websocket_url; save();
        return s;
      });
    });
  }
  function renew(body) {
    if (!renewing) {
      renewing = session(body).then(
        function (s) { renewing = null; renewed = true; return s; },
        function (error) { renewing = null; throw error; }
      );
    }
    return renewing;
  }
  function identity() {
    var u = cfg.user;
    if (u && u.id && u.hash) {
      var who = { user_id: String(u.id), user_hash: u.hash, email: u.email, name: u.name };
      if (u.email && u.emailHash) who.email_hash = u.emailHash;
      return who;
    }
    return {};
  }

  function start() {
    var body = state.token ? { token: state.token } : identity();
    if (cfg.user && cfg.user.id && state.userId !== String(cfg.user.id)) { state = { open: state.open }; body = identity(); }
    renew(body).then(function (s) {
      state.token = s.token;
      state.websocketUrl = s.websocket_url;
      if (cfg.user && cfg.user.id) { state.userId = String(cfg.user.id); state.prechat = true; }
      state.closed = s.open === false;
      if (state.closed) {
        var back = s.next_opening ? new Date(s.next_opening).toLocaleString(locale, { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" }) : null;
        status.textContent = back ? t("awayUntil", { when: back }) : t("away");
        if (!state.email) offline.removeAttribute("hidden");
      }
      if (prechatMode !== "off" && !state.prechat && !state.conversation) {
        prechat.removeAttribute("hidden");
        composer.setAttribute("hidden", "");
        offline.setAttribute("hidden", "");
      }
      if (!state.closed) status.textContent = s.available ? t("online") : t("away");
      remember();
      campaigns();
      save();
      if (state.conversation || state.open) connect();
      if (state.open) setOpen(true);
      openByAddress(); // a "Chat with us" link clicked while this script was loading
    }).catch(function () { status.textContent = t("unavailable"); });
  }

  prechat.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!prechatValid()) return;
    var details = { token: state.token };
    if (nameInput.value.trim()) details.name = nameInput.value.trim();
    if (preEmail.value.trim()) { details.email = preEmail.value.trim(); state.email = details.email; }
    state.prechat = true; save();
    prechat.setAttribute("hidden", "");
    offline.setAttribute("hidden", "");
    composer.removeAttribute("hidden");
    input.focus();
    if (details.name || details.email) session(details).catch(function () { /* kept locally; asked again later */ });
  });

  var typingSent = 0;
  input.addEventListener("input", function () {
    suggestFor();
    if (!state.conversation || !ws || ws.readyState !== 1) return;
    var now = Date.now();
    if (now - typingSent > 3000) { typingSent = now; ws.send(JSON.stringify({ action: "typing", conversation_id: state.conversation, state: true })); }
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); composer.requestSubmit ? composer.requestSubmit() : composer.dispatchEvent(new Event("submit")); }
  });

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    if (state.closed && email.value && email.checkValidity() && email.value !== state.email) {
      state.email = email.value; save();
      session({ token: state.token, email: email.value }).catch(function () { /* the message still goes */ });
    }
    var id = (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + String(Math.random()));
    var message = { action: "send", text: text, client_id: id.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 64) };
    if (state.conversation) message.conversation_id = state.conversation;
    var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) message.timezone = zone;
    if (!state.conversation && state.campaign) message.campaign_id = state.campaign; // answers the greeting
    message.language = lang; // what to answer in when the first words are too few to tell
    if (typingSent) { typingSent = 0; }
    queue(message);
    input.value = "";
    stopSearch(); hideSuggestions(); // asked: from here on it is a conversation
  });

  // ---- suggestions while the visitor types (no conversation yet), in the widget's language.
  // A search waits for a pause in typing; a newer one cancels the one before, and an answer that
  // comes back after the visitor typed on is dropped.
  var searchTimer = null, searchAbort = null, searchGen = 0, searched = {}, announced = 0, dismissed = null;
  function chatting() {
    return !!state.conversation || !!inflight || pending.some(function (f) { return f.action === "send"; });
  }
  function question() { return input.value.replace(/[\s\x00-\x1f\x7f]+/g, " ").trim().slice(0, 200); }
  function stopSearch() {
    clearTimeout(searchTimer);
    searchGen += 1;
    if (searchAbort) { searchAbort.abort(); searchAbort = null; }
  }
  function suggestFor() {
    stopSearch();
    var q = question();
    if (preview || chatting() || q.length < 3 || q === dismissed) { hideSuggestions(); return; }
    if (searched[q]) { showSuggestions(searched[q]); return; }
    searchTimer = setTimeout(function () { search(q); }, 250);
  }
  function search(q) {
    var gen = searchGen;
    searchAbort = window.AbortController ? new AbortController() : null;
    var query = "?q=" + encodeURIComponent(q) + "&locale=" + lang + "&limit=3&prefix=1";
    fetch(api + "/help/search" + query, searchAbort ? { signal: searchAbort.signal } : {})
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (found) {
        if (gen !== searchGen) return; // the visitor typed on: a newer search is under way
        searchAbort = null;
        if (Object.keys(searched).length > 50) searched = {};
        searched[q] = (found.items || []).slice(0, 3);
        if (!chatting()) showSuggestions(searched[q]);
      }, function () { /* cancelled, or the desk unreachable: nothing to suggest */ });
  }
  function showSuggestions(items) {
    if (!items.length) { hideSuggestions(); return; }
    suggestList.textContent = "";
    items.forEach(function (item, i) {
      var li = el("li");
      var b = el("button", { type: "button", "class": "suggestion", "aria-labelledby": "desk-sg-" + i, "data-slug": item.slug });
      b.appendChild(el("span", { id: "desk-sg-" + i, "class": "s-title", lang: item.locale }, item.title));
      if (item.snippet) {
        b.appendChild(el("span", { id: "desk-sg-" + i + "-text", "class": "s-snippet", lang: item.locale }, item.snippet));
        b.setAttribute("aria-describedby", "desk-sg-" + i + "-text");
      }
      b.addEventListener("click", function () { openArticle(item.slug, item.url, b); });
      li.appendChild(b);
      suggestList.appendChild(li);
    });
    suggest.removeAttribute("hidden");
    if (items.length !== announced) { announced = items.length; suggestLive.textContent = t("suggestionsFound", { n: items.length }); }
  }
  function hideSuggestions() {
    suggest.setAttribute("hidden", "");
    suggestList.textContent = "";
    announced = 0; suggestLive.textContent = "";
  }
  function focused() { return shadow.activeElement || document.activeElement; }
  suggest.addEventListener("keydown", function (e) { // arrows move through the list; down past it: the box
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var all = Array.prototype.slice.call(suggest.querySelectorAll("button"));
    var at = all.indexOf(focused());
    if (at < 0) return;
    e.preventDefault();
    var next = at + (e.key === "ArrowDown" ? 1 : -1);
    (next >= all.length ? input : all[Math.max(0, next)]).focus();
  });

  // ---- the reader: an article inside the panel, its HTML sanitised by the desk when saved
  var readerGen = 0, readerAbort = null, opener = null;
  var ARTICLE_PATH = /^\/help\/([a-z]{2})\/([a-z0-9][a-z0-9-]*)$/;
  function plainClick(e) { return e.button === 0 && !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey; }
  function openArticle(slug, url, from) {
    if (reader.hasAttribute("hidden")) opener = from || null; // a link inside the reader keeps the first
    readerGen += 1;
    var gen = readerGen;
    if (readerAbort) readerAbort.abort();
    readerAbort = window.AbortController ? new AbortController() : null;
    readerTitle.textContent = ""; articleBox.textContent = "";
    readerStatus.textContent = t("loading");
    helpAt(url);
    panel.classList.add("reading");
    reader.removeAttribute("hidden");
    back.focus();
    fetch(api + "/help/articles/" + encodeURIComponent(slug) + "?locale=" + lang, readerAbort ? { signal: readerAbort.signal } : {})
      .then(function (r) { if (!r.ok) throw new Error("article " + r.status); return r.json(); })
      .then(function (a) {
        if (gen !== readerGen) return;
        readerAbort = null;
        readerStatus.textContent = "";
        [readerTitle, articleBox].forEach(function (n) { n.setAttribute("lang", a.locale); n.setAttribute("dir", a.locale === "he" ? "rtl" : "ltr"); });
        readerTitle.textContent = a.title;
        articleBox.appendChild(articleContent(a.html, a.url));
        helpAt(a.url);
        readerBody.scrollTop = 0;
        readerTitle.focus();
      }, function () { if (gen === readerGen) readerStatus.textContent = t("articleError"); });
  }
  function helpAt(url) { // the article's page in the help center, in a new tab
    if (typeof url === "string" && /^\/[^/\\]/.test(url)) { helpLink.href = api + url; helpLine.removeAttribute("hidden"); }
    else helpLine.setAttribute("hidden", "");
  }
  function articleContent(html, url) {
    var tpl = document.createElement("template"); // parsed inert: nothing loads or runs yet
    tpl.innerHTML = html || "";
    var content = tpl.content;
    // The desk sanitised it; still, nothing in it may run, restyle the widget or take its ids.
    Array.prototype.forEach.call(content.querySelectorAll("script,style,link,meta,base,iframe,frame,object,embed,form,input,button,textarea,select,svg,math"), function (n) { n.remove(); });
    Array.prototype.forEach.call(content.querySelectorAll("*"), function (n) {
      Array.prototype.slice.call(n.attributes).forEach(function (a) { if (/^(on|style$|id$|class$|for$)/i.test(a.name)) n.removeAttribute(a.name); });
    });
    var base = api + url;
    Array.prototype.forEach.call(content.querySelectorAll("a"), function (a) {
      var to = null;
      try { to = new URL(a.getAttribute("href") || "", base); } catch (err) { /* left as text */ }
      if (!a.hasAttribute("href") || !to || !/^(https?|mailto):$/.test(to.protocol)) { a.removeAttribute("href"); return; }
      a.href = to.href;
      var inner = to.origin === api && ARTICLE_PATH.exec(to.pathname);
      if (inner) { // another article: opens here too
        a.addEventListener("click", function (e) { if (plainClick(e)) { e.preventDefault(); openArticle(inner[2], to.pathname); } });
      } else { a.target = "_blank"; a.rel = "noopener"; }
    });
    Array.prototype.forEach.call(content.querySelectorAll("img"), function (img) {
      var src = null;
      try { src = new URL(img.getAttribute("src") || "", base); } catch (err) { /* dropped below */ }
      if (!src || !/^https?:$/.test(src.protocol)) { img.remove(); return; }
      img.src = src.href;
      if (!img.hasAttribute("alt")) img.alt = "";
      img.loading = "lazy";
    });
    return content;
  }
  function closeReader() {
    readerGen += 1;
    if (readerAbort) { readerAbort.abort(); readerAbort = null; }
    reader.setAttribute("hidden", "");
    panel.classList.remove("reading");
  }
  back.addEventListener("click", function () {
    closeReader();
    (opener && opener.isConnected && opener.getClientRects().length ? opener : input).focus();
  });
  // "Still need help?": back to the chat, what they typed still there, ready to send as it is.
  function backToChat() {
    closeReader();
    dismissed = question(); // not suggested again until they change it
    stopSearch(); hideSuggestions();
    input.focus();
    try { input.setSelectionRange(input.value.length, input.value.length); } catch (err) { /* not a text field */ }
  }

  rating.addEventListener("change", function () {
    var picked = rating.querySelector("input:checked");
    var value = picked ? Number(picked.value) : 0;
    Array.prototype.forEach.call(stars.children, function (label, i) { label.className = i < value ? "on" : ""; });
  });
  rating.addEventListener("submit", function (event) {
    event.preventDefault();
    var picked = rating.querySelector("input:checked");
    if (!picked || !state.conversation) return;
    var frame = { action: "rate", conversation_id: state.conversation, score: Number(picked.value) };
    if (comment.value.trim()) frame.comment = comment.value.trim().slice(0, 1000);
    queue(frame);
  });
  transcript.addEventListener("click", function () {
    if (!state.conversation) return;
    if (!mailable()) { askAddress(); return; }
    var frame = { action: "transcript", conversation_id: state.conversation };
    var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) frame.timezone = zone; // the transcript's times in the visitor's own
    queue(frame);
  });

  confirmForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!state.conversation || !confirmEmail.checkValidity()) return;
    var frame = { action: "confirm_email", conversation_id: state.conversation, email: confirmEmail.value.trim() };
    var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) frame.timezone = zone;
    queue(frame);
  });

  // ---- the desk's greeting, reply time, and proactive chat campaigns
  if (site.greeting) logBox.insertBefore(el("p", { "class": "desk-greeting" }, site.greeting), log);
  if (site.reply_time) { agentLine.textContent = t({ minutes: "replyMinutes", hours: "replyHours", day: "replyDay" }[site.reply_time]); agentLine.removeAttribute("hidden"); }
  delete state.campaign; // a greeting shows on the page it came to, once: not after a reload
  var visitKey = "desk-visit:" + api;
  var visit = JSON.parse((!preview && window.sessionStorage.getItem(visitKey)) || "null");
  if (!visit) { state.visits = (state.visits || 0) + 1; visit = { pages: 0 }; }
  visit.pages += 1;
  if (!preview) window.sessionStorage.setItem(visitKey, JSON.stringify(visit));
  function glob(pattern, url) {
    if (!pattern) return true;
    var target = /^http/.test(pattern) ? url : new URL(url).pathname;
    return new RegExp("^" + pattern.split("*").map(function (p) { return p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join(".*") + "$").test(target);
  }
  function campaigns() {
    (desk.campaigns || []).forEach(function (c) {
      var r = c.conditions, returning = state.visits > 1;
      if ((state.greeted || []).indexOf(c.id) >= 0 || !glob(r.url, location.href) || visit.pages < (r.pages_seen || 1)) return;
      if ((r.visitor === "new" && returning) || (r.visitor === "returning" && !returning)) return;
      if ((r.business_hours_only && desk.open === false) || (r.languages && r.languages.length && r.languages.indexOf(lang) < 0)) return;
      setTimeout(function () { greet(c); }, Math.max(0, (r.seconds_on_page || 0) * 1000 - (Date.now() - opened)));
    });
  }
  var greeting = null;
  function greet(c) {
    if (greeting || state.conversation || !state.token) return; // one at a time, never into a chat
    greeting = c.id;
    fetch(api + "/widget/campaigns/" + c.id + "/shown", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: state.token, url: location.href.slice(0, 2000), seconds_on_page: Math.floor((Date.now() - opened) / 1000),
        pages_seen: visit.pages, returning: state.visits > 1, language: lang })
    }).then(function (r) { return r.ok ? r.json() : { show: false, refused: true }; }).then(function (g) {
      // greeted (or greeted before): not asked again; refused (its conditions unmet now): another page may
      if (!g.refused) state.greeted = (state.greeted || []).concat([c.id]);
      if (!g.show) { greeting = null; save(); return; }
      state.campaign = c.id; save();
      showAgent(g.agent);
      var item = el("li", { "class": "desk-theirs desk-campaign" });
      item.appendChild(el("span", { "class": "author" }, g.agent.name));
      item.appendChild(el("span", { "class": "desk-text" }, g.message));
      log.appendChild(item);
      if (!isOpen()) { panel.removeAttribute("hidden"); launcher.setAttribute("aria-expanded", "true"); } // focus stays where it is
    }, function () { greeting = null; });
  }
  function dropGreeting() { Array.prototype.forEach.call(log.querySelectorAll(".desk-campaign"), function (n) { n.remove(); }); }

  function mount() {
    document.body.appendChild(host);
    if (preview) { status.textContent = t("online"); panel.removeAttribute("hidden"); launcher.setAttribute("aria-expanded", "true"); return; }
    start();
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
  }

  if (preview) { boot(preview, {}); return; }
  fetch(api + "/widget/config" + (data.key ? "?key=" + encodeURIComponent(data.key) : "")).then(function (r) {
    if (r.status === 403) return null; // not one of the desk's allowed sites: no widget here
    return r.ok ? r.json() : {};
  }, function () { return {}; }).then(function (desk) { if (desk) boot(desk.settings || {}, desk); });
})();
