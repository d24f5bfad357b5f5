"""The Flask application factory: the store, the backend that runs its queries, the SPARQL
protocol and page blueprints and the error handlers."""

from __future__ import annotations

import atexit

from flask import Flask

from ..config import Settings
from ..backends.base import Backend, StoreInfo
from ..query import QueryService
from ..shared_state import SharedState


def create_app(settings: Settings | None = None, *, store: StoreInfo | None = None,
               backend: Backend | None = None, shared: SharedState | None = None) -> Flask:
    """Create the bpograph web application.

    :param settings: server settings; by default :meth:`Settings.from_env`.
    :param store: a store built already (``bpograph serve`` builds it once for all its server
        processes); by default the app builds its own and removes it at exit.
    :param backend: what runs the queries; by default a :class:`~bpograph.backends.oxigraph.workers.QueryPool`,
        which keeps every query in a worker process so that any WSGI server can host the app.
    :param shared: the fair share table and counters the server processes share; by default this
        process's own.
    :raise InputError: a data file cannot be loaded (the message names the file and line).
    :raise ValueError: updates are on and no update key is given.
    """
    settings = (settings or Settings.from_env()).with_update_key()
    owned = store is None
    if store is None or backend is None:
        from ..backends import open_backend

        store, backend = open_backend(settings, store)
    service = QueryService(settings=settings, store=store, pool=backend)
    if shared is None:
        shared = SharedState.create(settings, 1)
        shared.loads[0] = 0

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["bpograph"] = service
    app.extensions["bpograph.shared"] = shared
    # answers replayed only where the data cannot change under its version (see answer_cache)
    app.extensions["bpograph.answers"] = None
    if settings.answer_cache > 0 and not settings.update and not settings.backend:
        from ..metrics import CACHED
        from .answer_cache import AnswerCache, CachingMiddleware

        def replayed() -> None:
            shared.metrics.count_status(200)
            shared.metrics.add(CACHED)

        answers = app.extensions["bpograph.answers"] = AnswerCache(settings.answer_cache * 2**20)
        app.wsgi_app = CachingMiddleware(app.wsgi_app, answers, replayed)

    def shutdown() -> None:
        backend.close()
        if owned:
            store.close()

    app.extensions["bpograph.shutdown"] = shutdown
    atexit.register(shutdown)

    from . import errors, pages, sparql, ui

    errors.init_app(app)
    ui.init_app(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    return app
