"""Every error leaves as a short plain-text message with its status; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from ..query import QueryError

log = logging.getLogger(__name__)


def message_response(status: int, message: str, headers: dict | None = None) -> Response:
    response = Response(f"{status} {message}\n", status=status, mimetype="text/plain")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(QueryError)
    def query_error(error: QueryError) -> Response:
        headers = dict(error.headers)
        if error.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="bpograph updates"'
        return message_response(error.status, error.message, headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
        if error.code == 413:
            description = f"request body too large: the limit is {app.config['MAX_CONTENT_LENGTH']} bytes"
        else:
            description = error.description or error.name
        return message_response(error.code or 500, description, headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        # Our bug, not the user's: log it with its traceback, answer without one.
        log.exception("unexpected error")
        return message_response(500, "internal error; the server log has the details")
