/* The agent console's languages: the widget's six (en, de, fr, es, he, et), Hebrew right to
 * left. Loaded before console.js, it starts window.Desk with
 *
 *   Desk.t(key, params)   the text of ``key`` in the agent's language, English where that
 *                         language lacks it, ``{name}`` replaced by params.name. An entry may
 *                         be a set of plural forms ({one, two, few, many, other}: Intl.PluralRules'
 *                         categories), chosen by params.count.
 *   Desk.i18n             the language in use (lang, locale for Intl, rtl), the status, priority
 *                         and channel names, follow(language) for the agent's choice, and more.
 *
 * The language: the one this browser last used for an agent (localStorage "desk-console-lang"),
 * else the browser's best match (navigator.languages), else English. Once signed in the agent's
 * own choice (GET /agents/me "language"; null: the browser's) wins: when it differs, the page
 * reloads in it (console.js), keeping the session, the address and the open ticket.
 *
 * The page's fixed words carry data-i18n="key" (their text) or data-i18n-attr="attr:key;..."
 * (an attribute's); they are set here, before anything else runs. Everything else is written
 * through Desk.t by the script that draws it. Customers' words are never translated.
 *
 * A new language: a table below under its code (every English key; the completeness test,
 * tests/e2e/test_console_i18n.py, says which are missing), its name in LANGUAGE_NAMES, and the
 * code in the profile's enum (chalicelib/schemas, domain/people.py). */
(function () {
  "use strict";
  var STORE = "desk-console-lang";
  var RTL = { he: true };
  // Each language by its own name: an agent lost in a language they cannot read finds theirs.
  var LANGUAGE_NAMES = { en: "English", de: "Deutsch", fr: "Français", es: "Español", he: "עברית", et: "Eesti" };

  var STRINGS = {};

  STRINGS.en = {
    // ---- shared words
    "close": "Close",
    "cancel": "Cancel",
    "remove": "Remove",
    "edit": "Edit",
    "delete": "Delete",
    "edit_named": "Edit {name}",
    "delete_named": "Delete {name}",
    "actions": "Actions",
    // ---- the page, signing in, the top bar
    "app.title": "Support desk",
    "app.skip": "Skip to the conversation",
    "signin.email": "Email",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.failed": "Sign-in failed.",
    "signin.disabled": "You were signed out: this account is not active any more.",
    "signout": "Sign out",
    "live.connecting": "Connecting…",
    "live.live": "Live",
    "live.reconnecting": "Reconnecting…",
    "live.typing": "Customer is typing…",
    "live.new_conversation": "New conversation: {subject}",
    "presence.label": "My status",
    "presence.online": "Online",
    "presence.away": "Away",
    "settings.open": "Settings",
    "settings.close": "Back to conversations",
    "settings.nothing": "Nothing to set here.",
    "settings.failed": "This section failed to load: {error}",
    // ---- views and the list
    "views.label": "Inbox views",
    "views.title": "Views",
    "views.status": "Status",
    "views.channel": "Channel",
    "views.team": "Team",
    "view.mine": "Mine",
    "view.unassigned": "Unassigned",
    "view.all": "All",
    "list.empty": "Nothing here.",
    "status.new": "New",
    "status.open": "Open",
    "status.pending": "Pending",
    "status.on_hold": "On hold",
    "status.solved": "Solved",
    "status.closed": "Closed",
    "priority.low": "Low",
    "priority.normal": "Normal",
    "priority.high": "High",
    "priority.urgent": "Urgent",
    "channel.chat": "Chat",
    "channel.email": "Email",
    "channel.web": "Web form",
    "channel.api": "API",
    "channel.phone": "Phone",
    // ---- one conversation
    "conversation.choose": "Choose a conversation.",
    "conversation.back": "Back to the list",
    "conversation.details": "Ticket details",
    "conversation.timeline": "Timeline",
    "ticket.status": "Status",
    "ticket.priority": "Priority",
    "ticket.assignee": "Assignee",
    "ticket.team": "Team",
    "ticket.tags": "Tags",
    "ticket.save": "Save",
    "ticket.saved": "Saved.",
    "ticket.conflict": "Someone changed this ticket meanwhile; it is reloaded.",
    "composer.kind": "Kind",
    "composer.reply": "Reply",
    "composer.reply_email": "Reply by email",
    "composer.reply_chat": "Reply in chat",
    "composer.note": "Internal note",
    "composer.canned": "Canned response",
    "composer.canned_choose": "Canned response…",
    "composer.message": "Message",
    "composer.reply_placeholder": "Write a reply…",
    "composer.note_placeholder": "Only agents see notes…",
    "composer.send": "Send",
    "composer.send_solve": "Send and solve",
    "message.agent": "Agent",
    "message.system": "Automatic",
    "message.note": "internal note",
    "message.via": "via {channel}",
    "message.via_chat": "via chat",
    "message.via_email": "via email",
    "message.via_web": "via web form",
    "message.via_api": "via API",
    "message.via_phone": "via phone",
    "mail.show_html": "Show as sent",
    "mail.original": "Original message",
    "mail.html_title": "The mail as sent",
    "mail.html_frame": "The mail's HTML",
    "delivery.pending": "Sending by email…",
    "delivery.sent": "Sent by email",
    "delivery.retrying": "Not sent yet, trying again",
    "delivery.failed": "Not sent",
    "delivery.parked": "(send it again from Failed events)",
    "sla.overdue": "{time} overdue",
    "sla.in": "in {time}",
    "sla.due": "Due {when}",
    "sla.met": "met",
    "sla.paused": "paused",
    "sla.clock_first_response": "first response",
    "sla.clock_next_response": "next response",
    "sla.clock_resolution": "resolution",
    "sla.first_response": "First response",
    "sla.next_response": "Next response",
    "sla.resolution": "Resolution",
    "sla.alert_breach": "{ticket}: missed its {target} target",
    "sla.alert_warning": "{ticket}: close to its {target} target",
    "csat.rated": "Rated {score}/5",
    // ---- the customer panel
    "customer.title": "Customer",
    "customer.details": "Customer details",
    "customer.close_details": " customer details",
    "customer.pages": "Pages this visit",
    "customer.history": "Earlier conversations",
    "customer.name": "Name",
    "customer.email": "Email",
    "customer.since": "Since",
    "customer.times": { one: "({count} time)", other: "({count} times)" },
    "customer.visitor": "Visitor {id}",
    // ---- failed events (admins)
    "failed.title": "Failed events",
    "failed.intro": "What the desk could not do after a change, after trying three times. Try it again once the cause is fixed, or dismiss it.",
    "failed.empty": "Nothing has failed.",
    "failed.attempts": { one: "{count} attempt", other: "{count} attempts" },
    "failed.open": "Open the ticket",
    "failed.again": "Try again",
    "failed.done": "Done: {what}",
    "failed.dismiss": "Dismiss",
    "failed.mail_send_reply": "A reply by email was not sent",
    "failed.mail_auto_reply": "An automatic answer by email was not sent",
    "failed.mail_chat_reply": "A chat answer was not mailed to a visitor who had left",
    "failed.sla_webhook": "An SLA webhook was refused",
    "failed.sla_mail": "An SLA alert by email was not sent",
    "failed.sla_change": "An SLA escalation did not change the ticket",
    "failed.sla_start": "SLA clocks were not started",
    "failed.sla_update": "SLA clocks were not updated",
    "failed.retention": "A closed ticket's expiry was not set",
    "failed.out_of_hours": "An out-of-hours notice was not posted",
    // ---- errors: the console's own, and the desk's by code (English: the desk's own message)
    "error.network": "The desk cannot be reached; check the connection and try again.",
    "error.unreachable": "Cannot reach the desk; trying again…",
    "error.invalid_credentials": "The e-mail address or password is not right.",
    "error.account_disabled": "This account is not active any more.",
    "error.password_reset_required": "This account must reset its password first.",
    "error.rate_limited": "Too many requests; try again later.",
    "error.version_conflict": "The ticket was changed by someone else; reload it and try again.",
    "error.ticket_busy": "The ticket's status keeps changing; try again.",
    "error.admin_required": "This needs an admin.",
    "error.last_admin": "The desk must keep at least one active admin: make another agent an admin first.",
    "error.invite_invalid": "This invitation link does not work any more: it was used, sent again, withdrawn or has expired. Ask the desk's admin for a new one.",
    "error.invite_not_found": "No such invitation.",
    "error.weak_password": "The password does not meet the pool's policy.",
    "error.same_ticket": "A ticket cannot be merged into itself.",
    // ---- accepting an invitation
    "invite.signed_in": "You are signed in already: sign out first to accept an invitation for another address.",
    "invite.title": "Join the support desk",
    "invite.checking": "Checking your invitation…",
    "invite.to_signin": "Go to sign-in",
    "invite.intro_admin": "You are invited as an admin with {email}. Choose the name customers see and a password.",
    "invite.intro_agent": "You are invited as an agent with {email}. Choose the name customers see and a password.",
    "invite.name": "Your name",
    "invite.password": "Choose a password",
    "invite.password_help": "At least 8 characters, with upper- and lower-case letters, a digit and a symbol.",
    "invite.submit": "Join and sign in",
    "invite.unchecked": "The invitation cannot be checked right now: {error}",
    // ---- daily work: search, bulk changes, merging, shortcuts, notifications, viewers
    "search.label": "Search tickets and customers",
    "search.placeholder": "Search: words, e-mail, #number",
    "search.submit": "Search",
    "search.customers": "Customers found",
    "search.tickets": "Tickets found",
    "search.more": "More results",
    "search.merged": "merged",
    "search.searching": "Searching…",
    "search.title": "Search: {query}",
    "search.found": { one: "{count} ticket found", other: "{count} tickets found" },
    "search.found_so_far": { one: "{count} ticket found so far", other: "{count} tickets found so far" },
    "search.nothing": "Nothing found.",
    "bulk.label": "Change the selected tickets",
    "bulk.keep": "Keep",
    "bulk.status": "Set status",
    "bulk.priority": "Set priority",
    "bulk.assignee": "Set assignee",
    "bulk.team": "Set team",
    "bulk.keep_placeholder": "keep",
    "bulk.tag": "Add tag",
    "bulk.apply": "Apply to selected",
    "bulk.clear": "Clear selection",
    "bulk.selected": { one: "{count} ticket selected", other: "{count} tickets selected" },
    "bulk.select": "Select {ticket}",
    "bulk.nothing": "Choose what to change first.",
    "bulk.changed": { one: "Changed {done} of {count} ticket.", other: "Changed {done} of {count} tickets." },
    "merge.open": "Merge…",
    "merge.title": "Merge into another ticket",
    "merge.title_ticket": "Merge #{number} into another ticket",
    "merge.help": "Its messages are added to the other ticket's timeline, in order; this ticket is closed and points there, and replies to either land there.",
    "merge.others": "The customer's other tickets",
    "merge.number": "Or a ticket number",
    "merge.submit": "Merge",
    "merge.merged": "Merged into another ticket.",
    "merge.open_target": "Open it",
    "merge.none": "No other open tickets of this customer.",
    "merge.choose": "Choose a ticket to merge into.",
    "merge.done": "Merged #{source} into #{target}.",
    "shortcuts.title": "Keyboard shortcuts",
    "shortcuts.next": "Next ticket in the list",
    "shortcuts.previous": "Previous ticket in the list",
    "shortcuts.solve": "Solve the open ticket",
    "shortcuts.these": "These shortcuts",
    "shortcuts.solved": "#{number} solved.",
    "notify.toggle": "Notify me of new conversations",
    "notify.denied": "The browser does not allow notifications here; you will hear a tone only.",
    "notify.new": "New conversation",
    "notify.unread_in": "unread in {view}",
    "notify.unread": "unread",
    "viewers.another": "Another agent",
    "viewers.also": { one: "{names} is also viewing this ticket.", other: "{names} are also viewing this ticket." },
    // ---- settings: the sections' names
    "settings.profile.title": "My profile",
    "settings.agents.title": "Agents",
    "settings.teams.title": "Teams",
    "settings.hours.title": "Business hours",
    "settings.sla.title": "SLA policies",
    "settings.canned.title": "Canned responses",
    "settings.mail.title": "Support address",
    "settings.privacy.title": "Retention and privacy",
    "settings.widget.title": "Chat widget",
    "settings.campaigns.title": "Proactive chat",
    // ---- settings: my profile
    "settings.profile.intro": "Visitors see your name, title and photo next to your replies.",
    "settings.profile.name": "Name",
    "settings.profile.job_title": "Title",
    "settings.profile.job_title_example": "Support lead",
    "settings.profile.photo": "Photo address (https)",
    "settings.profile.timezone": "Time zone",
    "settings.profile.language": "Console language",
    "settings.profile.language_browser": "The browser's ({language})",
    "settings.profile.save": "Save profile",
    "settings.profile.saved": "Profile saved.",
    // ---- settings: agents and teams
    "role.agent": "Agent",
    "role.admin": "Admin",
    "role.inline_agent": "agent",
    "role.inline_admin": "admin",
    "agents.invite": "Invite an agent",
    "agents.invite_help": "They get an e-mail with a link, valid for 7 days, to choose their name and password.",
    "agents.invite_email": "Address to invite",
    "agents.role": "Role",
    "agents.invite_send": "Send invitation",
    "agents.invite_sent": "Invitation sent to {email}.",
    "agents.invites": "Open invitations",
    "agents.invites_none": "None.",
    "agents.invite_expired": "expired",
    "agents.invite_valid": "valid until {when}",
    "agents.invite_resend": "Send again",
    "agents.invite_resent": "Invitation sent again to {email}.",
    "agents.invite_withdraw": "Withdraw",
    "agents.invite_withdrawn": "Invitation withdrawn.",
    "agents.deactivated": "deactivated",
    "agents.you": "you",
    "agents.settings_of": "Settings of {name}",
    "agents.capacity": "Chats at once",
    "agents.no_limit": "No limit",
    "agents.languages": "Languages",
    "agents.save": "Save {name}",
    "agents.saved": "{name} saved.",
    "agents.reactivate": "Reactivate {name}",
    "agents.reactivated": "{name} can sign in again.",
    "agents.deactivate": "Deactivate {name}",
    "agents.deactivate_confirm": "Deactivate {name}? They are signed out, and their open tickets go back to Unassigned.",
    "agents.deactivated_toast": "{name} is deactivated.",
    "agents.remove": "Remove {name}",
    "agents.remove_confirm": "Remove {name} for good? Their open tickets go back to Unassigned; their name stays on past work.",
    "agents.removed": "{name} was removed.",
    "teams.new": "New team",
    "teams.name": "Team name",
    "teams.name_example": "Billing",
    "teams.slug": "Short id",
    "teams.slug_help": "Lower-case letters, digits and dashes; tickets carry it.",
    "teams.create": "Create team",
    "teams.created": "Team {name} created.",
    "teams.none": "No teams yet.",
    "teams.team": "Team {name}",
    "teams.name_of": "Name of {id}",
    "teams.members": "Members",
    "teams.save": "Save team {id}",
    "teams.saved": "Team saved.",
    "teams.delete": "Delete team {id}",
    "teams.delete_confirm": "Delete the team {name}? Its members leave it; tickets keep the id.",
    "teams.deleted": "Team deleted.",
    // ---- settings: canned responses
    "canned.placeholders": "Placeholders: {list}.",
    "canned.intro_admin": "Saved replies agents insert from the reply box.",
    "canned.intro_agent": "Saved replies you insert from the reply box. Admins edit them.",
    "canned.title": "Title",
    "canned.text": "Text",
    "canned.new": "New canned response",
    "canned.new_short": "New",
    "canned.edit_title": "Edit “{title}”",
    "canned.save": "Save canned response",
    "canned.saved": "Canned response saved.",
    "canned.none": "No canned responses yet.",
    "canned.delete_confirm": "Delete the canned response “{title}”?",
    "canned.deleted": "Canned response deleted.",
    // ---- settings: support address
    "mail.address": "Customers write to {address}; replies go out from it.",
    "mail.display_name": "Display name (shown beside the agent's name)",
    "mail.signature": "Signature (plain text, after replies by mail)",
    "mail.signature_hint": "{placeholder} becomes the replying agent's name.",
    "mail.save": "Save signature",
    "mail.saved": "Signature saved.",
    "mail.dns": "DNS records for sending",
    "mail.asking": "Asking SES…",
    "mail.verified": "SES has verified {domain}.",
    "mail.unverified": "SES has not verified {domain} yet: it does once it finds the DKIM records below.",
    "mail.missing": { one: "{count} record for {domain} still missing. Add it at your DNS provider.", other: "{count} records for {domain} still missing. Add them at your DNS provider." },
    "mail.complete": "SES has every record it checks for {domain}.",
    "mail.status": "Status",
    "mail.type": "Type",
    "mail.name": "Name",
    "mail.value": "Value",
    "mail.purpose": "What for",
    "mail.present": "Present",
    "mail.absent": "Missing",
    "mail.unchecked": "Not checked by SES",
    // ---- settings: business hours
    "hours.intro": "When the desk is open. SLA targets count open time only, and customers who write while it is closed are told when you are back.",
    "hours.week": "The next 7 days",
    "hours.opens": "{day} range {n} opens",
    "hours.closes": "{day} range {n} closes",
    "hours.remove_range": "Remove {day} range {n}",
    "hours.add": "Add hours on {day}",
    "hours.period": "{start} to {end}",
    "hours.remove_closed": "Remove closed day {date}",
    "hours.none": "No business hours are set: the desk counts as always open.",
    "hours.times_in": "Times in {zone}.",
    "hours.open_now": "Open now.",
    "hours.closed_now": "Closed now.",
    "hours.open": "Open {times}",
    "hours.closed": "Closed",
    "hours.country": "Public holidays of (country code, e.g. DE)",
    "hours.country_none": "none",
    "hours.region": "Region (optional, e.g. BY)",
    "hours.own": "Your own closed days",
    "hours.closed_on": "Closed on",
    "hours.closed_name": "Name (optional)",
    "hours.closed_name_example": "Stocktaking",
    "hours.add_closed": "Add closed day",
    "hours.choose_date": "Choose a date.",
    "hours.already_closed": "{date} is already closed.",
    "hours.save": "Save business hours",
    "hours.saved": "Business hours saved.",
    // ---- settings: SLA policies
    "slaset.intro": "The first policy that matches a ticket applies. A ticket no policy matches has no SLA.",
    "slaset.notify": "Notify the assignee",
    "slaset.raise_priority": "Raise the priority a step",
    "slaset.assign_team": "Assign to a team",
    "slaset.assign_agent": "Assign to an agent",
    "slaset.add_tag": "Add a tag",
    "slaset.webhook": "Call a webhook",
    "slaset.value": "value",
    "slaset.value_team": "team",
    "slaset.value_agent_id": "agent id",
    "slaset.value_tag": "tag",
    "slaset.value_webhook_url": "webhook url (https)",
    "slaset.on_warning": "On warning",
    "slaset.on_breach": "On breach",
    "slaset.on_warning_inline": "on warning",
    "slaset.on_breach_inline": "on breach",
    "slaset.action": "{level} action {n}",
    "slaset.action_value": "{level} action {n} {value}",
    "slaset.remove_action": "Remove {level} action {n}",
    "slaset.add_action": "Add {level} action to {policy}",
    "slaset.new_policy": "New policy",
    "slaset.new_policy_n": "new policy {n}",
    "slaset.id": "Id",
    "slaset.name": "Name",
    "slaset.priorities": "Priorities (none: any)",
    "slaset.channels": "Channels (none: any)",
    "slaset.minutes": "{target} (minutes)",
    "slaset.business_hours": "Count business hours only",
    "slaset.warn_at": "Warn at (% of the target)",
    "slaset.remove_policy": "Remove policy {policy}",
    "slaset.add_policy": "Add policy",
    "slaset.save": "Save SLA policies",
    "slaset.saved": "SLA policies saved.",
    // ---- settings: retention and privacy
    "privacy.retention": "How long closed conversations are kept",
    "privacy.tickets_days": "Closed tickets (mail, web, API), days",
    "privacy.chats_days": "Closed chats (transcripts), days",
    "privacy.hint": "Empty: the deploy's setting ({default}). 0 keeps them. Applies to tickets closed from now on; their files follow the storage rule set at deploy.",
    "privacy.days": { one: "{count} day", other: "{count} days" },
    "privacy.kept": "kept",
    "privacy.save": "Save retention",
    "privacy.saved": "Retention saved.",
    "privacy.requests": "Privacy requests",
    "privacy.requests_help": "Exports and erasures of customers' data (from a customer's profile, or {export} and {erase}).",
    "privacy.none": "No privacy requests yet.",
    "privacy.requested": "Requested",
    "privacy.kind": "Kind",
    "privacy.state": "State",
    "privacy.result": "Result",
    "privacy.erasure": "Erasure",
    "privacy.export": "Export",
    "privacy.completed": "Completed {when}",
    "privacy.in_progress": "In progress (or cut short: run it again)",
    // ---- settings: the chat widget
    "widget.intro": "How the chat looks on your site. The preview shows your changes before you save them.",
    "widget.color": "Colour",
    "widget.position": "Position",
    "widget.bottom_right": "Bottom right",
    "widget.bottom_left": "Bottom left",
    "widget.greeting": "Greeting",
    "widget.greeting_example": "Hi! How can we help?",
    "widget.reply_time": "Expected reply time",
    "widget.reply_unsaid": "Don't say",
    "widget.reply_minutes": "A few minutes",
    "widget.reply_hours": "A few hours",
    "widget.reply_day": "Within a day",
    "widget.languages": "Languages offered",
    "widget.not_asked": "Not asked",
    "widget.optional": "Optional",
    "widget.required": "Required",
    "widget.prechat_name": "Pre-chat form: name",
    "widget.prechat_email": "Pre-chat form: email",
    "widget.origins": "Allowed sites (one per line, e.g. https://shop.example; none: any site)",
    "widget.save": "Save widget",
    "widget.saved": "Widget saved.",
    "widget.preview": "Preview",
    "widget.preview_title": "Widget preview",
    "widget.snippet": "Snippet",
    "widget.snippet_help": "Paste this before {tag} on every page of your site:",
    "widget.copy": "Copy snippet",
    "widget.copied": "Snippet copied.",
    // ---- settings: proactive chat
    "campaigns.intro": "Greet visitors with a message from one of your agents when they match; each visitor sees a campaign at most once.",
    "campaigns.campaign": "Campaign",
    "campaigns.when": "When",
    "campaigns.from": "From",
    "campaigns.shown": "Shown",
    "campaigns.replied": "Replied",
    "campaigns.new": "New campaign",
    "campaigns.name": "Name",
    "campaigns.message": "Message",
    "campaigns.agent": "From (agent)",
    "campaigns.url": "Page address (* for anything, e.g. /lamps*; empty: every page)",
    "campaigns.seconds": "Seconds on the page",
    "campaigns.pages": "Pages seen this visit (at least)",
    "campaigns.visitor": "Visitor",
    "campaigns.visitor_any": "New or returning",
    "campaigns.visitor_new": "New visitors",
    "campaigns.visitor_returning": "Returning visitors",
    "campaigns.business_hours": "Only within business hours",
    "campaigns.languages": "Languages (none ticked: any)",
    "campaigns.save": "Save campaign",
    "campaigns.saved": "Campaign saved.",
    "campaigns.cancel": "Cancel editing",
    "campaigns.none": "No campaigns yet.",
    "campaigns.condition": "{url}, after {seconds} s",
    "campaigns.every_page": "every page",
    "campaigns.off": "(off)",
    "campaigns.an_agent": "An agent",
    "campaigns.removed_agent": "{name} (removed: greets nobody until you choose another agent)",
    "campaigns.delete_confirm": "Delete the campaign {name}?",
    "campaigns.deleted": "Campaign deleted."
  };

  // ------------------------------------------------------------------ choosing the language

  var LANGUAGES = Object.keys(LANGUAGE_NAMES);
  function supported(tag) {
    var code = String(tag || "").toLowerCase().split("-")[0];
    if (code === "iw") code = "he"; // Hebrew's old code, still sent by some systems
    return STRINGS[code] ? code : null;
  }
  // The browser's best match among the six (its list in order of preference), else English.
  function browser() {
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < wanted.length; i++) { if (supported(wanted[i])) return supported(wanted[i]); }
    return "en";
  }
  function stored() { try { return supported(localStorage.getItem(STORE)); } catch (e) { return null; } }

  var lang = stored() || browser();
  // Intl's locale: the browser's own when it speaks this language (en-GB keeps its dates).
  var locale = supported(navigator.language) === lang ? navigator.language : lang;
  var plurals = new Intl.PluralRules(locale);
  var numbers = new Intl.NumberFormat(locale);

  function has(key) { return Object.prototype.hasOwnProperty.call(STRINGS[lang], key) || Object.prototype.hasOwnProperty.call(STRINGS.en, key); }
  function t(key, params) {
    var own = STRINGS[lang], text = Object.prototype.hasOwnProperty.call(own, key) ? own[key] : STRINGS.en[key];
    if (text === undefined) return key; // a key no table has: shown as it is, so it is noticed
    if (typeof text === "object") {
      var count = params && params.count;
      text = text[plurals.select(Number(count))] || text.other;
    }
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      if (!params || params[name] == null) return whole;
      return name === "count" && typeof params[name] === "number" ? numbers.format(params[name]) : String(params[name]);
    });
  }
  // A value the desk sends (a status, a priority, a channel) by its name in this language; one
  // the console does not know is shown as it is.
  function name(prefix, value) { return has(prefix + value) ? t(prefix + value) : String(value).replace(/_/g, " "); }

  // The agent's choice (null: the browser's). True when the page speaks another language and
  // should reload in this one; false when it already does, or when the choice cannot be kept
  // (no localStorage): then the page stays as it is rather than reloading for ever.
  function follow(choice) {
    var wanted = supported(choice) || browser();
    try { localStorage.setItem(STORE, wanted); } catch (e) { return false; }
    return wanted !== lang && stored() === wanted;
  }

  // The page's fixed words.
  function apply(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = t(node.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-i18n-attr]"), function (node) {
      node.getAttribute("data-i18n-attr").split(";").forEach(function (pair) {
        var parts = pair.split(":");
        if (parts.length === 2) node.setAttribute(parts[0].trim(), t(parts[1].trim()));
      });
    });
  }

  var html = document.documentElement;
  html.lang = lang;
  html.dir = RTL[lang] ? "rtl" : "ltr";
  apply(document);

  var displayNames = null;
  try { displayNames = new Intl.DisplayNames([locale], { type: "language" }); } catch (e) { displayNames = null; }

  window.Desk = window.Desk || {};
  window.Desk.t = t;
  window.Desk.i18n = {
    lang: lang,
    locale: locale,
    rtl: function (code) { return !!RTL[code || lang]; },
    languages: LANGUAGES,
    names: LANGUAGE_NAMES,
    // A language's name in the agent's language ("German" in English, "Deutsch" in German).
    languageName: function (code) { return (displayNames && displayNames.of(code)) || LANGUAGE_NAMES[code] || code; },
    strings: STRINGS, // for the completeness test
    has: has,
    name: name,
    status: function (value) { return name("status.", value); },
    priority: function (value) { return name("priority.", value); },
    channel: function (value) { return name("channel.", value); },
    // The desk's error message, in this language where the console knows its code.
    error: function (code, message) {
      return code && lang !== "en" && Object.prototype.hasOwnProperty.call(STRINGS[lang], "error." + code) ? t("error." + code) : message;
    },
    browser: browser,
    follow: follow,
    apply: apply
  };
})();
