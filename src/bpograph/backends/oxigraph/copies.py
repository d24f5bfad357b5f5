"""What each server process of ``bpograph serve`` queries: its own in-memory copy of the store,
loaded from one N-Quads dump that the supervisor writes, or the on-disk store opened read-only
(read-write for the one writer when updates are on)."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

import pyoxigraph as ox

from ...config import Settings
from ...errors import InputError
from ..base import StoreInfo
from .store import TEMP_PREFIX


@dataclass(frozen=True)
class Dump:
    """What a server process loads its in-memory copy from: the store as N-Quads, and the names
    of its named graphs (N-Quads cannot hold a graph that has no triples)."""

    path: str
    graphs: tuple


def open_for_process(settings: Settings, store: StoreInfo, dump: Dump | None) -> ox.Store:
    """This process's store: the on-disk one (read-write with updates on; read-only without a
    dump), or an in-memory copy of the supervisor's dump."""
    if settings.update:
        return ox.Store(str(store.path))
    if dump is None:
        return ox.Store.read_only(str(store.path))
    memory = ox.Store()
    memory.bulk_load(path=dump.path, format=ox.RdfFormat.N_QUADS)
    for graph in dump.graphs:
        memory.add_graph(graph)
    return memory


def write_dump(store: StoreInfo) -> Dump:
    """The whole store as one N-Quads file, which each server process loads into memory."""
    import tempfile

    handle, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".nq")  # swept if we are killed
    os.close(handle)
    try:
        disk = ox.Store.read_only(str(store.path))
        try:
            disk.dump(name, format=ox.RdfFormat.N_QUADS)
            graphs = tuple(disk.named_graphs())
        finally:
            del disk
    except OSError as exc:
        os.unlink(name)
        full = exc.errno == errno.ENOSPC or "No space left on device" in str(exc)
        reason = "no space left on the device" if full else (exc.strerror or str(exc))
        raise InputError(name, f"cannot write the data for the server processes: {reason}") from None
    return Dump(name, graphs)
