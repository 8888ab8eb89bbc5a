"""The embedded local stack behind ``make dev``: emulated AWS over its real wire protocols,
the Chalice app over HTTP, and (as the channels land) the websocket gateway, the SMTP inbound
and the scheduler, in one process. Never packaged into the Lambda functions."""
