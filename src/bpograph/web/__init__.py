"""The Flask application factory: builds the store and its query workers once, and wires in the
SPARQL protocol blueprint and the error handlers."""

from __future__ import annotations

import atexit

from flask import Flask

from ..config import Settings
from ..query import QueryService
from ..store import build_store
from ..workers import QueryPool


def create_app(settings: Settings | None = None) -> Flask:
    """Create the bpograph web application.

    :param settings: server settings; by default :meth:`Settings.from_env`.
    :raise InputError: a data file cannot be loaded (the message names the file and line).
    """
    settings = settings or Settings.from_env()
    store = build_store(settings)
    try:
        pool = QueryPool(store.path, settings.workers, writable=settings.update)
    except BaseException:
        store.close()
        raise
    service = QueryService(settings=settings, store=store, pool=pool)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["bpograph"] = service

    def shutdown() -> None:
        pool.close()
        store.close()

    app.extensions["bpograph.shutdown"] = shutdown
    atexit.register(shutdown)

    from . import errors, pages, sparql, ui

    errors.init_app(app)
    ui.init_app(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    return app
