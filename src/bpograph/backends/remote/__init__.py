"""A remote triple store behind one SPARQL 1.1 endpoint: bpograph's pages, protocol layer and
CLI over a store built for more data than one machine's memory, with as many front-ends as needed.

- :mod:`.connection`: HTTP to the store (pooled, bounded in time, credentials from the settings);
- :mod:`.backend`: answers requests (:class:`.backend.RemoteBackend`);
- :mod:`.results`: the store's answers capped and rewritten in the negotiated format (rdflib);
- :mod:`.state`: what bpograph records in the store (version, graphs, counts), read by every
  front-end, so that front-ends are stateless;
- :mod:`.loading`: the shipped graph on first use, imports and drops;
- :mod:`.updates`: SPARQL updates rewritten to touch only the graphs bpograph serves.

Nothing here imports pyoxigraph (``tests/unit/test_package_layout.py``): the one real parse each query
gets before it is sent is handed in by :func:`bpograph.backends.open_backend`.
"""

from __future__ import annotations

from collections.abc import Callable

from ...config import Settings
from ...errors import InputError
from .backend import RemoteBackend
from .connection import Connection, Endpoints, StoreUnavailable
from .state import LiveInfo, StoreError


def endpoints(settings: Settings) -> Endpoints:
    """The store's endpoints and credentials from the settings.

    :raise InputError: the backend URL is not an http(s) URL.
    """
    from urllib.parse import urlsplit

    for name in ("backend", "backend_update", "backend_graph_store"):
        url = getattr(settings, name)
        if url is not None and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
            raise InputError(f"--{name.replace('_', '-')}", f"'{url}' is not an http(s) URL of a SPARQL endpoint")
        if url is not None and urlsplit(url).password:
            raise InputError(f"--{name.replace('_', '-')}", "give credentials in BPOGRAPH_BACKEND_USER and "
                                                             "BPOGRAPH_BACKEND_PASSWORD, not in the URL")
    return Endpoints(query=settings.backend, update=settings.backend_update or settings.backend,
                     graph_store=settings.backend_graph_store, user=settings.backend_user,
                     password=settings.backend_password)


def connect(settings: Settings, syntax_error: Callable[[str, str | None, tuple[int, int] | None], str | None],
            load: bool = True,
            update_syntax_error: Callable[[str, str | None], str | None] | None = None) -> tuple[LiveInfo, RemoteBackend]:
    """A view of the store's state and a backend over it; with ``load``, the shipped graph is
    loaded first if the store lacks it.

    :raise InputError: the store cannot be reached, read or written (the message says which).
    """
    from .loading import ensure_shipped
    from .state import read_state

    if settings.backend_union not in ("served", "store"):
        raise InputError("BPOGRAPH_BACKEND_UNION", f"'{settings.backend_union}' is neither 'served' nor 'store'")
    connection = Connection(endpoints(settings))
    try:
        state = ensure_shipped(connection, settings.base_iri) if load else read_state(connection)
    except (StoreUnavailable, StoreError) as exc:
        connection.close()
        raise InputError(connection.endpoints.name, exc.message if isinstance(exc, StoreUnavailable) else str(exc)) from None
    if state is None:
        connection.close()
        raise InputError(connection.endpoints.name, "bpograph has not loaded this store yet (bpograph serve --backend does)")
    info = LiveInfo(connection, state)
    backend = RemoteBackend(connection, lambda: list(info.graphs), syntax_error,
                            limit_parameter=settings.backend_limit_parameter, union=settings.backend_union,
                            update_syntax_error=update_syntax_error, base_iri=settings.base_iri,
                            written=info.refresh)
    return info, backend
