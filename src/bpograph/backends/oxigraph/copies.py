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
from .store import TEMP_PREFIX, sweep_temporary


@dataclass(frozen=True)
class Dump:
    """What a server process loads its in-memory copy from: the store as N-Quads, and the names
    of its named graphs (N-Quads cannot hold a graph that has no triples)."""

    path: str
    graphs: tuple
    kept: bool = False
    """Whether the dump belongs to a persistent store (kept for its next start, not removed)."""


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


#: A persistent store's dump, kept in its folder for the version in the name.
KEPT = "bpograph-store-copy-{version}.nq"


def write_dump(store: StoreInfo) -> Dump:
    """The whole store as one N-Quads file, which each server process loads into memory. A
    persistent store keeps it in its folder, so that the next start of the same version loads
    the file again instead of writing it (a changed store has a new version, and the old file
    goes)."""
    import tempfile

    kept = not store.temporary and store.path is not None
    if kept:
        name = str(store.path / KEPT.format(version=store.version))
        sweep_temporary(str(store.path))  # a dump cut off when its writer was killed
        for old in store.path.glob(KEPT.format(version="*")):
            if str(old) != name:
                old.unlink(missing_ok=True)
    try:
        disk = ox.Store.read_only(str(store.path))
        try:
            graphs = tuple(disk.named_graphs())
            if kept and os.path.exists(name):
                return Dump(name, graphs, kept=True)
            folder = str(store.path) if kept else None  # renamed into place: in the same file system
            handle, temporary = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".nq", dir=folder)
            os.close(handle)
            try:
                disk.dump(temporary, format=ox.RdfFormat.N_QUADS)
                if kept:
                    os.replace(temporary, name)
            except BaseException:
                os.unlink(temporary)
                raise
        finally:
            del disk
    except OSError as exc:
        full = exc.errno == errno.ENOSPC or "No space left on device" in str(exc)
        reason = "no space left on the device" if full else (exc.strerror or str(exc))
        raise InputError(str(store.path), f"cannot write the data for the server processes: {reason}") from None
    return Dump(name if kept else temporary, graphs, kept=kept)
