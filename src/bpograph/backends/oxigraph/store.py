"""The embedded default store: the shipped graph (and any extra files) in an on-disk Oxigraph
store, built once per server; the server processes then copy it into memory or open it
read-only (and query workers, under another WSGI server, open it read-only)."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from ...config import Settings
from ...dataset import FORMATS, QUAD_FORMATS, check_safe, file_iri, shipped_files, shipped_graph_name
from ...errors import InputError
from ...formats import RDF_SYNTAXES
from ...namespaces import BASE, MAPPING_PREDICATES, with_base
from ..base import StoreInfo
from .formats import rdf_format

#: rdflib parser name (dataset.FORMATS) -> Oxigraph format, from the formats registry.
OX_FORMATS = {s.rdflib: rdf_format(s.name) for s in RDF_SYNTAXES}


def _load(store: ox.Store, path: Path, to_graph, digest) -> None:
    fmt_name = FORMATS.get(path.suffix.lower())
    if fmt_name is None:
        raise InputError(str(path), f"unknown RDF file type '{path.suffix}'; use one of {', '.join(sorted(FORMATS))}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), exc.strerror or str(exc)) from None
    check_safe(path, data, fmt_name)
    digest.update(path.name.encode() + b"\0" + data)
    target = None if fmt_name in QUAD_FORMATS else to_graph
    if isinstance(target, ox.NamedNode):
        # an empty file still makes a (empty) named graph that GRAPH ?g can find
        store.add_graph(target)
    try:
        store.bulk_load(data, format=OX_FORMATS[fmt_name], base_iri=file_iri(path), to_graph=target)
    except SyntaxError as exc:
        raise InputError(str(path), *_position(str(exc))) from None


def _clear(path: Path) -> None:
    """Undo a failed first build of a persistent store folder (bpograph made everything in it)."""
    for child in path.iterdir():
        shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)


#: Formats whose files Oxigraph reads as a stream with nothing to check first (RDF/XML and
#: JSON-LD are read whole: their entities and contexts are checked before any parser sees them).
STREAMED = frozenset({"nt", "nquads", "turtle", "trig"})

Progress = Callable[[int, int], None]


def import_file(store_dir: Path, file: Path, graph: str, replace: bool = False,
                progress: Progress | None = None) -> tuple[int, int]:
    """Add ``file`` to the named graph ``graph`` of the persistent store at ``store_dir`` (made with
    the shipped graph if it does not exist yet); with ``replace``, the file's triples take the
    place of what the graphs it writes to held.

    Unreadable input changes nothing. Into graphs that are new or empty, a file in a streamed
    format goes as a stream to Oxigraph's bulk loader (bpograph keeps no copy of the file: the
    memory is the loader's own; a TriG or N-Quads file is read once before, to know its graphs):
    if it turns out broken, the graphs it filled are dropped at once, and if the import is cut
    off, when the store is next opened (they were empty). Into graphs that hold triples, the file
    is parsed into memory first and the store changes in one transaction: all of the file or
    none of it.

    :param progress: called with (bytes read, bytes to read) as the file is read.
    :return: (triples added, or the change in size when replacing; triples in the graph now)
    :raise InputError: ``graph`` is not an IRI, the file is unreadable, or the store is in use
        by a running server.
    """
    target = _graph_node(graph)
    fmt_name = FORMATS.get(file.suffix.lower())
    if fmt_name in STREAMED:
        if not file.is_file():
            raise InputError(str(file), "No such file or directory" if not file.exists() else "not a file")
        # the graphs a TriG or N-Quads file writes to are known once it is read: a first pass finds
        # them (and any error); a triple file writes to ``target`` alone and is read once
        quads = fmt_name in QUAD_FORMATS
        graphs = _graphs_of(file, fmt_name, target, progress) if quads else {target}
        existed = store_dir.exists()
        created = _read_marker(store_dir) is None
        if created:
            build_store(Settings(store_dir=str(store_dir)))
        try:
            return _bulk_import(store_dir, file, fmt_name, target, sorted(graphs, key=str), progress,
                                passes=1 + quads)
        except _NotEmpty:  # a graph holds triples (looked at under the store's lock): one transaction
            pass
        except InputError:
            if created:  # the store was made for this file: a broken file leaves no store either
                shutil.rmtree(store_dir, ignore_errors=True) if not existed else _clear(store_dir)
            raise
    return _transactional_import(store_dir, file, target, graph, replace)


class _NotEmpty(Exception):
    """A graph a bulk import was to fill holds triples (seen once the import has the store's
    lock): its undo (dropping the graph) would lose them, so the import goes as one transaction."""


def _graphs_of(file: Path, fmt_name: str, target: ox.NamedNode, progress: Progress | None) -> set:
    """Parse a dataset file as a stream (nothing kept) and return the graphs it writes to.

    :raise InputError: the file is unreadable or not valid RDF (with the line)."""
    graphs = {target}
    try:
        with _Reading(file, progress, passes=2) as stream:
            for quad in ox.parse(stream, format=OX_FORMATS[fmt_name], base_iri=file_iri(file)):
                if quad.graph_name != ox.DefaultGraph():
                    graphs.add(quad.graph_name)
    except SyntaxError as exc:
        raise InputError(str(file), *_position(str(exc))) from None
    except OSError as exc:
        raise InputError(str(file), exc.strerror or str(exc)) from None
    return graphs


def _bulk_import(store_dir: Path, file: Path, fmt_name: str, target: ox.NamedNode, graphs: list,
                 progress: Progress | None, passes: int) -> tuple[int, int]:
    size = file.stat().st_size
    change = f"bulk:{target.value}:{file.resolve()}:{size}"
    counted: dict = {}
    with _writing(store_dir, change, undo=[g.value for g in graphs], counted=counted, only_if_empty=graphs) as store:
        for named in graphs:
            store.add_graph(named)  # an empty file still makes its (empty) graph
        failure = None
        try:
            with _Reading(file, progress, passes=passes, first=size * (passes - 1)) as stream:
                if fmt_name in QUAD_FORMATS:
                    store.bulk_extend(_into(ox.parse(stream, format=OX_FORMATS[fmt_name], base_iri=file_iri(file)), target))
                else:
                    store.bulk_load(stream, format=OX_FORMATS[fmt_name], base_iri=file_iri(file), to_graph=target)
        except SyntaxError as exc:  # the graphs were empty: undone by _writing
            failure = InputError(str(file), *_position(str(exc)))
        except OSError as exc:
            if exc.errno == errno.ENOSPC or "No space left on device" in str(exc):
                raise
            failure = InputError(str(file), exc.strerror or str(exc))
        if failure is not None:
            del store  # no frame of the traceback may keep the store open (it would write on closing)
            raise failure
    after = counted["graphs"].get(target.value, 0)  # an empty file leaves its graph empty (and uncounted)
    return after, after


def _into(quads, target: ox.NamedNode) -> Iterator[ox.Quad]:
    """``quads`` with those of the default graph moved to ``target``: a TriG or N-Quads file keeps
    its own named graphs, and its default graph goes to the graph it is imported into."""
    default = ox.DefaultGraph()
    for quad in quads:
        yield quad if quad.graph_name != default else ox.Quad(quad.subject, quad.predicate, quad.object, target)


class _Reading:
    """A file opened for reading that reports how far it has been read (over ``passes`` reads
    of it, ``first`` bytes already read in earlier passes)."""

    def __init__(self, path: Path, progress: Progress | None, passes: int = 1, first: int = 0) -> None:
        self._path, self._progress = path, progress
        self._total = path.stat().st_size * passes
        self._done = first

    def __enter__(self) -> _Reading:
        self._file = open(self._path, "rb")
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._done += len(data)
        if self._progress is not None:
            self._progress(self._done, self._total)
        return data

    def readable(self) -> bool:
        return True


def _transactional_import(store_dir: Path, file: Path, target: ox.NamedNode, graph: str, replace: bool) -> tuple[int, int]:
    staging = ox.Store()
    _load(staging, file, target, hashlib.sha256())  # raises before the store is opened
    quads = list(_into(staging.quads_for_pattern(None, None, None, None), target))
    if _read_marker(store_dir) is None:
        build_store(Settings(store_dir=str(store_dir)))
    touched = sorted({target, *(q.graph_name for q in quads)}, key=str)
    with _writing(store_dir, f"{'replace' if replace else 'add'}:{graph}:{len(quads)}:{file.resolve()}") as store:
        before = _size(store, target)
        if replace:
            # one update is one transaction: the old graphs go and the new triples come together
            drops = " ; ".join(f"DROP SILENT GRAPH {g}" for g in touched)
            store.update(f"{drops} ; CREATE SILENT GRAPH {target} ; {_insert_data(quads)}")
        else:
            store.add_graph(target)
            store.extend(quads)  # one transaction: all of the file or none of it
        after = _size(store, target)
    return after - before, after


def drop_graph(store_dir: Path, graph: str) -> int:
    """Remove the named graph ``graph`` from the persistent store at ``store_dir``, in one
    transaction.

    :return: the number of triples it held
    :raise InputError: ``graph`` is not an IRI, the store or the graph does not exist, or a
        server is serving the store.
    """
    target = _graph_node(graph)
    if _read_marker(store_dir) is None:
        raise InputError(str(store_dir), "there is no bpograph store here (bpograph import makes one)")
    with _writing(store_dir, f"drop:{graph}") as store:
        if not any(True for _ in store.named_graphs() if _ == target):
            raise InputError(str(store_dir), f"the store has no graph <{graph}>")
        size = _size(store, target)
        store.update(f"DROP GRAPH {target}")
    return size


def _graph_node(graph: str) -> ox.NamedNode:
    from ...iri import is_iri

    if not is_iri(graph):
        raise InputError("--graph", f"'{graph}' is not an absolute IRI (like https://example.org/graph)")
    return ox.NamedNode(graph)


def _size(store: ox.Store, graph: ox.NamedNode) -> int:
    [row] = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return int(row["n"].value)


def _insert_data(quads: list[ox.Quad]) -> str:
    """An INSERT DATA for ``quads``, terms written in N-Triples syntax (which SPARQL reads)."""
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        by_graph.setdefault(str(quad.graph_name), []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
    blocks = " ".join(f"GRAPH {name} {{ {' '.join(lines)} }}" for name, lines in by_graph.items())
    return f"INSERT DATA {{ {blocks} }}"


@contextmanager
def _writing(store_dir: Path, change: str, undo: list[str] | None = None,
             counted: dict | None = None, only_if_empty: list | None = None) -> Iterator[ox.Store]:
    """The store opened for writing under its exclusive lock, with a pending marker written
    before the data may change and the final one after (see :func:`_write_marker`). ``undo``
    names graphs that are empty now and that the change fills outside a transaction: if the
    change raises InputError they are dropped at once, and if it is cut off, at the next opening
    (:func:`recover`); either way the store is as it was, with its version. ``counted`` receives
    the store's figures as counted after the change.

    :raise _NotEmpty: a graph of ``only_if_empty`` holds triples (checked under the lock, before
        anything is written; the store is closed again).
    """
    with store_lock(store_dir, exclusive=True):
        _undo(store_dir)  # a bulk import cut off before this change
        try:
            store = ox.Store(str(store_dir))
        except OSError as exc:
            raise InputError(str(store_dir), f"the store cannot be opened for writing: {exc}") from None
        if only_if_empty and any(next(store.quads_for_pattern(None, None, None, g), None) is not None
                                 for g in only_if_empty):
            del store  # closed before anyone opens it again
            raise _NotEmpty
        before = _read_marker(store_dir)
        old = before["version"]
        version = hashlib.sha256(f"{old}:{change}".encode()).hexdigest()[:20]
        try:  # from here the data may change (the pending marker keeps the old version's date)
            _write_marker(store_dir, old, pending=version, undo=undo, built=before["built"])
            yield store
            store.flush()
            # counted now, so that the next start need not (the figures carry the new version)
            figures = _statistics(store, BASE)
            _write_statistics(store_dir, version, BASE, figures)
            if counted is not None:
                counted.update(figures)
        except OSError as exc:
            raise _no_space(store_dir, exc) from None
        except InputError:
            if undo:
                for graph in undo:
                    store.remove_graph(ox.NamedNode(graph))
                store.flush()
                _write_marker(store_dir, old, built=before["built"])
            raise
        finally:
            del store
        _write_marker(store_dir, version)


def _position(message: str) -> tuple[str, int | None]:
    # Oxigraph says "Parser error at line 3 between columns 11 and 17: <reason>" or "error at 3:10: <reason>"
    first = message.strip().splitlines()[0] if message.strip() else "not valid RDF"
    match = re.search(r"line (\d+)", first) or re.search(r"at (\d+):\d+", first)
    reason = re.sub(r"^(Parser )?error (at|between) [^:]*: ", "", first)
    reason = re.sub(r" \(line \d+\)$", "", reason)
    return (reason, int(match.group(1)) if match else None)


MARKER = "bpograph-store.json"
LOCK = "bpograph-store.lock"
#: Prefix of the temporary stores and dumps bpograph makes; the owner's process id follows it.
TEMP_PREFIX = "bpograph-"


def _read_marker(path: Path) -> dict | None:
    try:
        return json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_marker(path: Path, version: str, pending: str | None = None, undo: list[str] | None = None,
                  built: str | None = None) -> None:
    """Write the marker whole or not at all (a temporary file renamed over it). With ``pending``,
    the data may be changing to that version: a store opened while the marker says so cannot
    know which of the two it holds, and takes a version neither had (:func:`open_existing`)."""
    record = {"version": version, "built": built or datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if pending:
        record["pending"] = pending
    if pending and undo:
        record["undo"] = undo
    temporary = path / (MARKER + ".tmp")
    with open(temporary, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(record))
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path / MARKER)


@contextmanager
def store_lock(path: Path, exclusive: bool) -> Iterator[None]:
    """Hold the store's lock: shared while a server serves it, exclusive while an import writes
    it. The operating system releases it when the process ends, however it ends.

    :raise InputError: someone holds it the other way.
    """
    path.mkdir(parents=True, exist_ok=True)
    handle = os.open(path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            doing = "a server is serving it; stop the server first" if exclusive else "an import is writing it; wait for it to finish"
            raise InputError(str(path), f"the store is in use: {doing}") from None
        yield
    finally:
        os.close(handle)


def _no_space(path: Path, exc: OSError) -> InputError:
    if exc.errno == errno.ENOSPC or "No space left on device" in str(exc):  # (RocksDB's errors carry no errno)
        return InputError(str(path), "no space left on the device; nothing was changed")
    return InputError(str(path), exc.strerror or str(exc))


def sweep_temporary(folder: str | None = None) -> None:
    """Remove the temporary stores and dumps of bpograph processes that are gone (a supervisor
    killed with SIGKILL cannot remove its own)."""
    root = Path(folder or tempfile.gettempdir())
    for entry in root.glob(TEMP_PREFIX + "*"):
        match = re.match(re.escape(TEMP_PREFIX) + r"(?:store-)?(\d+)-", entry.name)
        if not match or entry.owner() != _user():
            continue
        try:
            os.kill(int(match.group(1)), 0)
            continue  # its owner runs
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)


def _user() -> str:
    import getpass

    return getpass.getuser()


def open_existing(path: Path, base: str = BASE) -> StoreInfo:
    """A persistent store made earlier by bpograph (serve --store or import), opened as it is.

    If an import was cut off (its marker still says "pending"), the data may or may not hold its
    change: the store takes a version of its own then, so that no cached answer of either state
    is revalidated against it."""
    recover(path)
    marker = _read_marker(path)
    if marker.get("undo"):
        raise InputError(str(path), "an import into it was cut off and cannot be undone while the store is in use; "
                                    "stop what uses it and start again")
    if marker.get("pending"):
        version = hashlib.sha256(f"{marker['version']}:{marker['pending']}:recovered".encode()).hexdigest()[:20]
        _write_marker(path, version)
        marker = _read_marker(path)
    figures = _read_statistics(path, marker["version"], base)
    if figures is None:
        store = ox.Store.read_only(str(path))
        try:
            figures = _statistics(store, base)
        finally:
            del store
        _write_statistics(path, marker["version"], base, figures)
    return StoreInfo(path=path, version=marker["version"], built=datetime.fromisoformat(marker["built"]),
                     temporary=False, **figures)


def recover(path: Path) -> None:
    """Undo a bulk import that was cut off (its marker lists the graphs it was filling, which
    were empty before it): the store is then as it was, with its version. Needs the store alone;
    left for later if anyone uses it meanwhile."""
    marker = _read_marker(path)
    if not (marker and marker.get("pending") and marker.get("undo")):
        return
    try:
        with store_lock(path, exclusive=True):
            _undo(path)
    except (InputError, OSError):
        pass


def _undo(path: Path) -> None:
    """Under the exclusive lock: drop the graphs of a cut-off bulk import, if one was."""
    marker = _read_marker(path)
    if not (marker and marker.get("pending") and marker.get("undo")):
        return
    store = ox.Store(str(path))
    try:
        for graph in marker["undo"]:
            store.remove_graph(ox.NamedNode(graph))
        store.flush()
    finally:
        del store
    _write_marker(path, marker["version"], built=marker["built"])


def build_store(settings: Settings) -> StoreInfo:
    """Load the shipped graph (unless ``default_data`` is off) and the settings' extra files into a
    new store: a temporary one, or the persistent ``store_dir``. A ``store_dir`` that bpograph
    filled before is opened as it is (its extra files were loaded when it was made).

    :raise InputError: a file is missing or does not parse; no store is left behind.
    """
    temporary = settings.store_dir is None
    if temporary:
        sweep_temporary()
    path = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}store-{os.getpid()}-")) if temporary else Path(settings.store_dir)
    if not temporary and _read_marker(path) is not None:
        return open_existing(path, settings.base_iri)
    if not temporary and path.exists() and any(child.name != LOCK for child in path.iterdir()):
        raise InputError(str(path), "the folder is neither empty nor a bpograph store; give an empty or new folder")
    digest = hashlib.sha256()
    try:
        store = ox.Store(str(path))
        if settings.default_data:
            for folder in ("ontology", "data", "shapes"):
                for file in shipped_files(folder):
                    _load(store, file, ox.NamedNode(str(shipped_graph_name(file))), digest)
        for name in settings.data:
            _load(store, Path(name), ox.DefaultGraph(), digest)
        for name in settings.named:
            file = Path(name)
            _load(store, file, ox.NamedNode(file_iri(file)), digest)
        for iri, name in settings.graphs:
            _load(store, Path(name), ox.NamedNode(iri), digest)
        store.flush()
        figures = _statistics(store, settings.base_iri)
        del store  # release the write lock so that workers can open the store read-only
        if not temporary:
            _write_marker(path, digest.hexdigest()[:20])
            _write_statistics(path, digest.hexdigest()[:20], settings.base_iri, figures)
    except OSError as exc:
        shutil.rmtree(path, ignore_errors=True) if temporary else _clear(path)
        raise _no_space(path, exc) from None
    except BaseException:
        shutil.rmtree(path, ignore_errors=True) if temporary else _clear(path)
        raise
    return StoreInfo(
        path=path,
        version=digest.hexdigest()[:20],
        built=datetime.now(timezone.utc).replace(microsecond=0),
        temporary=temporary,
        **figures,
    )


STATISTICS = "bpograph-store-statistics.json"


def _statistics(store: ox.Store, base: str) -> dict:
    """The figures a server states about the store (StoreInfo's fields): triples per graph and in
    the union, distinct classes and properties, linksets. They take whole-store scans (seconds
    at 10M triples), so a persistent store keeps them beside its marker."""
    classes, linksets = _describe(store, base)
    graphs: dict[str, int] = {}
    properties: set[str] = set()
    # one scan gives the triples per graph and the distinct properties
    for row in store.query("SELECT ?g ?p (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } } "
                           "GROUP BY ?g ?p"):
        key = row["g"].value if row["g"] is not None else ""
        graphs[key] = graphs.get(key, 0) + int(row["n"].value)
        properties.add(row["p"].value)
    # Oxigraph's union default graph holds a triple once per graph that holds it (a bag of the
    # graphs' triples), so COUNT(*) over it is the sum of the graphs' counts (tests/unit/test_plans.py)
    return {"graphs": graphs, "classes": classes, "properties": len(properties), "linksets": linksets,
            "union_triples": sum(graphs.values())}


def _write_statistics(path: Path, version: str, base: str, figures: dict) -> None:
    record = {"version": version, "base": base, **figures,
              "linksets": [[p, namespace, n] for (p, namespace), n in figures["linksets"].items()]}
    temporary = path / (STATISTICS + ".tmp")
    try:
        temporary.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temporary, path / STATISTICS)
    except OSError:
        pass  # a read-only folder: the figures are counted again next time


def _read_statistics(path: Path, version: str, base: str) -> dict | None:
    """The kept figures, if they are this version's (an import changes the version)."""
    try:
        record = json.loads((path / STATISTICS).read_text(encoding="utf-8"))
        if record.pop("version") != version or record.pop("base") != base:
            return None
        record["linksets"] = {(p, namespace): n for p, namespace, n in record["linksets"]}
        return record
    except (OSError, ValueError, KeyError, TypeError):
        return None


#: VoID linksets count the links made with the mapping predicates (the namespaces module's list).
LINK_PREDICATES = tuple(str(p) for p in MAPPING_PREDICATES)


def _describe(store: ox.Store, base: str = BASE) -> tuple[int, dict[tuple[str, str], int]]:
    """VoID figures: distinct classes, and links to other datasets' namespaces."""
    union = {"use_default_graph_as_union": True}
    classes = int(next(iter(store.query("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }", **union)))["n"].value)
    values = " ".join(f"<{p}>" for p in LINK_PREDICATES)
    linksets: dict[tuple[str, str], int] = {}
    query = f"""SELECT ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o .
        FILTER(isIRI(?o) && !STRSTARTS(STR(?o), "{BASE}")
               && !REGEX(STR(?o), "^http://www.w3.org/(1999/02/22-rdf|2000/01/rdf-schema|2002/07/owl|2001/XMLSchema|2004/02/skos)")) }}"""
    for solution in store.query(with_base(query, base), **union):
        target = solution["o"].value
        namespace = target[: max(target.rfind("/"), target.rfind("#")) + 1]
        key = (solution["p"].value, namespace)
        linksets[key] = linksets.get(key, 0) + 1
    return classes, linksets
