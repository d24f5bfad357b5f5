"""What each server process of ``bpograph serve`` queries: the on-disk store, opened read-only
(read-write for the one writer when updates are on), from its first request on; and, unless
``memory`` is off or the store holds more than ``memory_limit`` triples, an in-memory copy of it
that a background thread fills at low priority and then puts in the disk store's place.

So a server answers within a second of its start whatever the store's size, and runs at the
in-memory copy's speed (2-8x the on-disk store on analytic queries) a few seconds per million
triples later. The answers are the same before and after: the copy holds the same quads and
graphs, and the plans of :mod:`~bpograph.backends.oxigraph.plans` are equivalences on either.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from ...config import Settings
from ..base import StoreInfo

log = logging.getLogger(__name__)

#: The copying thread's scheduling priority (nice): queries get the CPU first.
COPY_NICE = 10


@dataclass(frozen=True)
class Copying:
    """The supervisor's decision that each server process copies the store into memory."""


def plan_copies(settings: Settings, store: StoreInfo) -> Copying | None:
    """Whether the server processes copy the embedded store into memory (see the module)."""
    if settings.memory and not settings.update and (store.union_triples or 0) <= settings.memory_limit:
        return Copying()
    return None


def open_for_process(settings: Settings, store: StoreInfo) -> ox.Store:
    """This process's on-disk store: read-write with updates on, read-only otherwise."""
    if settings.update:
        return ox.Store(str(store.path))
    return ox.Store.read_only(str(store.path))


def copy_in_background(disk: ox.Store, use: Callable[[ox.Store], None]) -> threading.Thread:
    """Copy ``disk`` into a new in-memory store on a low-priority thread, then call ``use`` with it.
    A copy that fails (memory runs out) leaves the process on the on-disk store, and says so."""

    def copy() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), COPY_NICE)
        except OSError:
            pass
        try:
            # as N-Quads through Rust: Oxigraph releases the GIL while it writes and loads them, so
            # requests go on meanwhile (bulk_extend over an iterator of quads held it throughout)
            dumped = disk.dump(format=ox.RdfFormat.N_QUADS)
            memory = ox.Store()
            memory.bulk_load(dumped, format=ox.RdfFormat.N_QUADS)
            del dumped
            for graph in disk.named_graphs():  # graphs without triples too (GRAPH ?g finds them)
                memory.add_graph(graph)
        except (OSError, MemoryError, RuntimeError) as exc:
            log.warning("the in-memory copy failed; this process keeps serving the on-disk store: %s", exc)
            return
        use(memory)

    thread = threading.Thread(target=copy, name="bpograph-copy", daemon=True)
    thread.start()
    return thread
