"""The websocket routes: ``$connect``, every frame (``$default``), ``$disconnect``.

A frame is JSON with an ``action``; it is counted against the connection's rate limit,
validated against its JSON Schema and carried out. Whatever goes wrong, the client gets an
error frame ``{"type": "error", "code", "message", "details", "action", "client_id"}``,
never silence."""

from __future__ import annotations

from typing import Any

from chalice import Response

from ..bootstrap import container
from ..domain.errors import BadRequestError, DeskError, ValidationError
from ..observability import logger
from ..schemas.frames import FRAMES, frame_validator
from .http import check_json, error_body, load_json


def on_connect(event: Any) -> Response | None:
    logger.thread_safe_clear_keys()
    logger.thread_safe_append_keys(connection_id=event.connection_id, route="$connect")
    query = event.to_dict().get("queryStringParameters") or {}
    try:
        if query.get("visitor"):  # a visitor's page must be one of the widget's allowed sites
            headers = event.to_dict().get("headers") or {}
            container().widget.check_origin(next((v for k, v in headers.items() if k.lower() == "origin"), None))
        participant = container().chat.connections.connect(event.connection_id, query)
    except DeskError as error:
        logger.info("websocket connect refused", code=error.code)
        return Response(body=error_body(error.code, error.message, error.details), status_code=error.status)
    logger.info("websocket connected", role=participant.role.value)
    return None


def on_disconnect(event: Any) -> None:
    logger.thread_safe_clear_keys()
    logger.thread_safe_append_keys(connection_id=event.connection_id, route="$disconnect")
    container().chat.connections.disconnect(event.connection_id)
    logger.info("websocket disconnected")


def on_message(event: Any) -> None:
    logger.thread_safe_clear_keys()
    logger.thread_safe_append_keys(connection_id=event.connection_id, route="$default")
    chat = container().chat
    frame: Any = _json(event.body)
    try:
        live = chat.connections.admit(event.connection_id)  # every frame counts, even a malformed one
        frame = _validated(frame)
        chat.conversations.handle(live, frame)
        logger.info("frame", action=frame["action"])
    except DeskError as error:
        logger.info("frame refused", action=_action(frame), code=error.code)
        chat.delivery.reply(event.connection_id, _error_frame(error.code, error.message, error.details, frame))
    except Exception:
        logger.exception("frame failed", action=_action(frame))
        chat.delivery.reply(
            event.connection_id,
            _error_frame("internal_error", "Something went wrong on our side; try again.", None, frame),
        )


_NOT_JSON = object()


def _json(body: Any) -> Any:
    try:
        return load_json(body)
    except (TypeError, ValueError, RecursionError):
        return _NOT_JSON


def _action(frame: Any) -> str | None:
    return frame.get("action") if isinstance(frame, dict) and frame.get("action") in FRAMES else None


def _validated(frame: Any) -> dict[str, Any]:
    if frame is _NOT_JSON:
        raise BadRequestError("A frame must be a JSON object with an 'action'.", code="invalid_json")
    check_json(frame, "frame")  # too deep, or "\ud800": text that can be neither stored nor sent on
    problems = _problems("", frame)
    if not problems:
        problems = _problems(frame["action"], frame)
    if problems:
        raise ValidationError("The frame does not match the expected shape.", details=problems)
    return frame


def _problems(action: str, frame: Any) -> list[dict[str, str]]:
    return [
        {"field": "/".join(str(p) for p in e.absolute_path) or "(frame)", "message": e.message}
        for e in frame_validator(action).iter_errors(frame)
    ]


def _error_frame(code: str, message: str, details: Any, frame: Any) -> dict[str, Any]:
    error = {"type": "error", "code": code, "message": message, "details": details}
    if isinstance(frame, dict):
        if _action(frame):
            error["action"] = frame["action"]
        if isinstance(frame.get("client_id"), str):
            error["client_id"] = frame["client_id"][:64]
    return error
