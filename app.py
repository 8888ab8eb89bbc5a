"""The desk's Chalice app: routes only. Each body is one call into ``chalicelib``."""

from chalice import Chalice, Rate

from chalicelib.entrypoints import headers, http, mail, schedules, stream, websocket

app = Chalice(app_name="desk")
app.experimental_feature_flags.update(["WEBSOCKETS"])
app.register_middleware(http.middleware, "http")
# Browsers' preflight requests are answered by the gateway: from the stage's DESK_CORS_ORIGINS.
app.api.cors = headers.gateway_cors()


@app.on_ws_connect()
def ws_connect(event):
    return websocket.on_connect(event)


@app.on_ws_message()
def ws_message(event):
    return websocket.on_message(event)


@app.on_ws_disconnect()
def ws_disconnect(event):
    return websocket.on_disconnect(event)


@app.lambda_function(name="mail_inbound")
def mail_inbound(event, context):
    return mail.on_ses_receipt(event)


@app.on_sns_message(topic="desk-mail-feedback")
def mail_feedback(event):
    return mail.on_feedback(event.message)


@app.schedule(Rate(1, unit=Rate.MINUTES))
def sla_tick(event):
    return schedules.sla_tick(event)


@app.on_dynamodb_record(stream_arn=stream.STREAM_ARN, batch_size=stream.BATCH_SIZE, starting_position="TRIM_HORIZON",
                        name="table_events")
def table_events(event):
    return stream.on_table_records(event)


@app.route("/health", methods=["GET"])
def health():
    return http.health(app.current_request)


@app.route("/openapi.json", methods=["GET"])
def openapi():
    return http.openapi(app.current_request)


@app.route("/auth/login", methods=["POST"], content_types=http.JSON)
def login():
    return http.login(app.current_request)


@app.route("/auth/refresh", methods=["POST"], content_types=http.JSON)
def refresh():
    return http.refresh(app.current_request)


@app.route("/widget.js", methods=["GET"])
def widget_script():
    return http.widget_script(app.current_request)


@app.route("/console", methods=["GET"])
def console_page():
    return http.console_page(app.current_request)


@app.route("/console/app.js", methods=["GET"])
def console_script():
    return http.console_script(app.current_request)


@app.route("/console/app.css", methods=["GET"])
def console_styles():
    return http.console_styles(app.current_request)


@app.route("/widget/sessions", methods=["POST"], content_types=http.JSON, cors=True)
def start_widget_session():
    return http.start_widget_session(app.current_request)


@app.route("/agents/me", methods=["GET"])
def me():
    return http.me(app.current_request)


@app.route("/agents", methods=["GET"])
def list_agents():
    return http.list_agents(app.current_request)


@app.route("/agents", methods=["POST"], content_types=http.JSON)
def create_agent():
    return http.create_agent(app.current_request)


@app.route("/customers", methods=["GET"])
def find_customer():
    return http.find_customer(app.current_request)


@app.route("/customers/{customer_id}", methods=["GET"])
def get_customer(customer_id):
    return http.get_customer(app.current_request, customer_id=customer_id)


@app.route("/tickets", methods=["GET"])
def list_tickets():
    return http.list_tickets(app.current_request)


@app.route("/tickets", methods=["POST"], content_types=http.JSON)
def create_ticket():
    return http.create_ticket(app.current_request)


@app.route("/tickets/{ticket_id}", methods=["GET"])
def get_ticket(ticket_id):
    return http.get_ticket(app.current_request, ticket_id=ticket_id)


@app.route("/tickets/{ticket_id}", methods=["PATCH"], content_types=http.JSON)
def update_ticket(ticket_id):
    return http.update_ticket(app.current_request, ticket_id=ticket_id)


@app.route("/tickets/{ticket_id}/messages", methods=["GET"])
def list_messages(ticket_id):
    return http.list_messages(app.current_request, ticket_id=ticket_id)


@app.route("/tickets/{ticket_id}/messages", methods=["POST"], content_types=http.JSON)
def post_message(ticket_id):
    return http.post_message(app.current_request, ticket_id=ticket_id)


@app.route("/tickets/{ticket_id}/messages/{seq}/html", methods=["GET"])
def message_html(ticket_id, seq):
    return http.message_html(app.current_request, ticket_id=ticket_id, seq=seq)


@app.route("/calendars", methods=["GET"])
def list_calendars():
    return http.list_calendars(app.current_request)


@app.route("/calendars/{calendar_id}", methods=["GET"])
def get_calendar(calendar_id):
    return http.get_calendar(app.current_request, calendar_id=calendar_id)


@app.route("/calendars/{calendar_id}", methods=["PUT"], content_types=http.JSON)
def put_calendar(calendar_id):
    return http.put_calendar(app.current_request, calendar_id=calendar_id)


@app.route("/calendars/{calendar_id}", methods=["DELETE"])
def delete_calendar(calendar_id):
    return http.delete_calendar(app.current_request, calendar_id=calendar_id)


@app.route("/sla/policies", methods=["GET"])
def get_sla_policies():
    return http.get_sla_policies(app.current_request)


@app.route("/sla/policies", methods=["PUT"], content_types=http.JSON)
def put_sla_policies():
    return http.put_sla_policies(app.current_request)


@app.route("/agents/me", methods=["PATCH"], content_types=http.JSON)
def update_me():
    return http.update_me(app.current_request)


@app.route("/canned-responses", methods=["GET"])
def list_canned_responses():
    return http.list_canned_responses(app.current_request)


@app.route("/canned-responses/{canned_id}", methods=["PUT"], content_types=http.JSON)
def put_canned_response(canned_id):
    return http.put_canned_response(app.current_request, canned_id=canned_id)


@app.route("/canned-responses/{canned_id}", methods=["DELETE"])
def delete_canned_response(canned_id):
    return http.delete_canned_response(app.current_request, canned_id=canned_id)


@app.route("/tickets/{ticket_id}/canned-responses/{canned_id}", methods=["GET"])
def render_canned_response(ticket_id, canned_id):
    return http.render_canned_response(app.current_request, ticket_id=ticket_id, canned_id=canned_id)


@app.route("/widget/config", methods=["GET"], cors=True)
def widget_config():
    return http.widget_config(app.current_request)


@app.route("/customers/{customer_id}/export", methods=["GET"])
def export_customer(customer_id):
    return http.export_customer(app.current_request, customer_id=customer_id)


@app.route("/customers/{customer_id}/erase", methods=["POST"], content_types=http.JSON)
def erase_customer(customer_id):
    return http.erase_customer(app.current_request, customer_id=customer_id)


@app.route("/audit", methods=["GET"])
def audit_log():
    return http.audit_log(app.current_request)


@app.route("/events/failed", methods=["GET"])
def list_failed_events():
    return http.list_failed_events(app.current_request)


@app.route("/events/failed/{failure_id}/replay", methods=["POST"])
def replay_failed_event(failure_id):
    return http.replay_failed_event(app.current_request, failure_id=failure_id)


@app.route("/events/failed/{failure_id}", methods=["DELETE"])
def dismiss_failed_event(failure_id):
    return http.dismiss_failed_event(app.current_request, failure_id=failure_id)
