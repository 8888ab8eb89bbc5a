"""The desk's Chalice app: its handlers only. Each body is one call into ``chalicelib``; the
HTTP routes are declared in ``chalicelib/routes/``, one Blueprint per area, registered here."""

from chalice import Chalice, Rate

from chalicelib import routes
from chalicelib.entrypoints import headers, http, mail, schedules, stream, websocket

app = Chalice(app_name="desk")
app.experimental_feature_flags.update(["WEBSOCKETS"])
app.register_middleware(http.middleware, "http")
# Browsers' preflight requests are answered by the gateway: from the stage's DESK_CORS_ORIGINS.
app.api.cors = headers.gateway_cors()
for area in routes.AREAS:  # after the CORS default, which each route takes when registered
    app.register_blueprint(area.bp)


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

