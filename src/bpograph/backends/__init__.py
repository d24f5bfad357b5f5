"""Where the data lives and how queries reach it: one interface (:mod:`.base`), two backends.

- :mod:`.oxigraph`: the embedded default store (Oxigraph, in process or in worker processes).
  It is the only package that imports pyoxigraph.
- :mod:`.remote`: any SPARQL 1.1 endpoint (queries over the SPARQL 1.1 Protocol; loading over
  SPARQL 1.1 Update or the Graph Store HTTP Protocol), proven against Virtuoso 7. It imports
  no pyoxigraph: answers are rewritten with rdflib.

Everything above (the web app, pages, search, the CLI) talks to a :class:`.base.Backend` and
reads a :class:`.base.StoreInfo`; ``tests/unit/test_package_layout.py`` walks the imports to hold this.
"""

from __future__ import annotations

from ..config import Settings
from .base import Backend, StoreInfo


def _connect(settings: Settings, load: bool = True) -> tuple[StoreInfo, Backend]:
    """The remote store's state and a backend over it, with the embedded engine's parser as the
    real parse each query gets (see :func:`bpograph.backends.remote.connect`)."""
    from .oxigraph.syntax import syntax_error, update_syntax_error
    from .remote import connect

    return connect(settings, syntax_error, load=load, update_syntax_error=update_syntax_error)


def open_backend(settings: Settings, store: StoreInfo | None = None) -> tuple[StoreInfo, Backend]:
    """The store the settings name and a backend over it, for an app that runs under any WSGI
    server: over the embedded store, a pool of query worker processes (made and filled first,
    unless ``store`` is one built already).

    :raise InputError: a data file cannot be loaded, or the remote store cannot be used.
    """
    if settings.backend:
        return _connect(settings)
    from .oxigraph.plans import Facts
    from .oxigraph.store import build_store
    from .oxigraph.workers import QueryPool

    owned = store is None
    store = build_store(settings) if store is None else store
    # the workers read the on-disk store: NOT EXISTS as MINUS pays there; the count only holds
    # while the store cannot change
    facts = Facts(union_triples=None if settings.update else store.union_triples, not_exists_as_minus=True)
    try:
        return store, QueryPool(store.path, settings.workers, writable=settings.update,
                                network=bool(settings.allow_service), facts=facts)
    except BaseException:
        if owned:
            store.close()
        raise


def open_remote(url: str) -> tuple[StoreInfo, Backend]:
    """A backend over the remote store at ``url`` (its SPARQL endpoint) for one command of the
    CLI, with the other ``BPOGRAPH_BACKEND_*`` settings from the environment; the store must
    hold bpograph's data already (``bpograph serve --backend`` or ``import --backend`` loads it).

    :raise InputError: the store cannot be reached or holds no bpograph data.
    """
    return _connect(Settings.from_env(backend=url), load=False)


def prepare_processes(settings: Settings, store: StoreInfo) -> object | None:
    """What ``bpograph serve``'s supervisor decides once for all its server processes: over the
    embedded store, whether each copies it into memory (:func:`~bpograph.backends.oxigraph.copies.plan_copies`)."""
    if settings.backend:
        return None
    from .oxigraph.copies import plan_copies

    return plan_copies(settings, store)


def open_store(settings: Settings) -> StoreInfo:
    """What ``bpograph serve``'s supervisor opens once: the embedded store, built (or opened) on
    disk; or the remote store's state, after loading the shipped graph into it if it lacks it.

    :raise InputError: a data file cannot be loaded, or the remote store cannot be used.
    """
    if settings.backend:
        info, backend = _connect(settings)
        backend.close()
        return info.snapshot()
    from .oxigraph.store import build_store

    return build_store(settings)


def process_backend(settings: Settings, store: StoreInfo, prepared: object | None, on_overrun,
                    on_long) -> tuple[StoreInfo, Backend]:
    """The store view and backend of one server process of ``bpograph serve``: query threads
    over its own copy of the embedded store (see
    :class:`~bpograph.backends.oxigraph.runner.ThreadRunner` for ``on_overrun`` and
    ``on_long``), or a connection pool to the remote store (whose state it follows)."""
    if settings.backend:
        return _connect(settings, load=False)
    from .oxigraph.copies import copy_in_background, open_for_process
    from .oxigraph.plans import Facts
    from .oxigraph.runner import ThreadRunner

    figure = None if settings.update else store.union_triples
    runner = ThreadRunner(open_for_process(settings, store), settings.threads, on_overrun=on_overrun, on_long=on_long,
                          facts=Facts(union_triples=figure, not_exists_as_minus=True))  # the on-disk store
    if prepared is not None:  # started by the caller once the process serves (see ThreadRunner.after_start)
        runner.after_start = lambda: copy_in_background(runner.store,
                                                        lambda memory: runner.use(memory, Facts(union_triples=figure)))
    return store, runner
