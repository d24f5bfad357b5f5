"""Writing to a remote store: the shipped knowledge graph on first use (each module in its own
named graph), ``bpograph import --backend`` and ``bpograph drop --backend``, and the state record
that follows every change (:mod:`.state`).

A file is checked and read before the store is touched (RDF/XML entities and JSON-LD contexts
by URL are refused, as for the embedded store, so that no file makes the store fetch anything),
then loaded into a staging graph of its own, and only then added to (or put in place of) its
target graph by one update: a file that does not load changes nothing. (A streamed file for a
graph that holds nothing yet is loaded in place, and the graph dropped again if the load fails.) With a Graph Store
endpoint configured, Turtle and N-Triples files are streamed to the store as they are (its own
bulk parser, constant memory in bpograph); otherwise the triples go as SPARQL 1.1 Update
``INSERT DATA`` requests.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ...dataset import FORMATS, QUAD_FORMATS, check_safe, shipped_files, shipped_graph_name
from ...errors import InputError
from ...iri import is_iri
from ...namespaces import MAPPING_PREDICATES
from .connection import Connection, StoreUnavailable
from .state import STATE_GRAPH, StoreError, next_version, now, read_state, select, state_update

#: Triples per INSERT DATA request (files without blank nodes; a blank node's triples must share
#: one request, as a label means one node only within one request).
CHUNK = 500
#: Triples per INSERT template (blank nodes: Virtuoso takes none in INSERT DATA, and compiles a
#: template to SQL of at most 10,000 lines).
TEMPLATE_CHUNK = 50
#: Time limit of each write, in seconds.
WRITE_TIMEOUT = 300.0
#: Bytes per read of a streamed upload (the progress bar moves by it).
PIECE = 1 << 20
#: Most bytes of one upload request: larger N-Triples files go in pieces (Virtuoso 7.2 drops a
#: request of 1.3 GB unanswered, and left one of 268 MB or 64 MB pieces unanswered when loading
#: 10M triples; in 16 MB pieces the 10M load in 104 s).
UPLOAD_LIMIT = 16 << 20
STREAMED = {"turtle": "text/turtle", "nt": "application/n-triples"}

Progress = Callable[[int, int], None]
"""Called with (done, total) as a load goes on: bytes for a streamed file, triples otherwise."""


def shipped_digest() -> str:
    """The shipped files' digest: the embedded store's version for the same files."""
    digest = hashlib.sha256()
    for folder in ("ontology", "data", "shapes"):
        for file in shipped_files(folder):
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:20]


def ensure_shipped(connection: Connection, base: str) -> dict:
    """The store's state, after loading the shipped knowledge graph if the store lacks it (or
    holds another release of it): each file's graph is put in place whole.

    :raise StoreUnavailable, StoreError: the store cannot be read or written.
    """
    state = read_state(connection)
    digest = shipped_digest()
    if state is not None and state.get("shipped") == digest:
        return state
    graphs = dict(state["graphs"]) if state else {}
    for folder in ("ontology", "data", "shapes"):
        for file in shipped_files(folder):
            name = str(shipped_graph_name(file))
            _replace_graph(connection, name, _triples_of(file, name))
            graphs[name] = 0
    fresh = state is None
    state = {"version": digest if fresh else next_version(state, f"shipped:{digest}"), "shipped": digest,
             "graphs": graphs}
    return record(connection, state, base)


def record(connection: Connection, state: dict, base: str) -> dict:
    """Count what the graphs hold, and write ``state`` with the counts as the store's state."""
    state = dict(state, built=now(), **describe(connection, list(state["graphs"]), base))
    _update(connection, state_update(state))
    return state


def import_file(connection: Connection, base: str, file: Path, graph: str, replace: bool = False,
                progress: Progress | None = None) -> tuple[int, int]:
    """Add ``file`` to the graph ``graph`` of the store (or put it in the graph's place); a TriG
    or N-Quads file keeps its own graphs, and its default graph goes to ``graph``.

    :return: (change in the graph's size, triples in the graph now)
    :raise InputError: ``graph`` is not an IRI, the file cannot be read, or the store refused it.
    """
    if not is_iri(graph):
        raise InputError("--graph", f"'{graph}' is not an absolute IRI (like https://example.org/graph)")
    fmt = FORMATS.get(file.suffix.lower())
    if fmt is None:
        raise InputError(str(file), f"unknown RDF file type '{file.suffix}'; use one of {', '.join(sorted(FORMATS))}")
    if not file.is_file():
        raise InputError(str(file), "no such file")
    state = ensure_shipped(connection, base)
    before = state["graphs"].get(graph, 0)
    streamed = fmt in STREAMED and connection.endpoints.graph_store
    if streamed and _empty(connection, graph):
        # a graph that holds nothing yet is loaded in place: a store copies a staging graph in one
        # transaction, which Virtuoso caps (TransactionAfterImageLimit: 10M triples do not fit),
        # and a failed load is undone by dropping the graph (it held nothing before). Front-ends
        # serve it once the state records it, after the load.
        written = [graph]
        with _dropped_on_failure(connection, written):
            _stream(connection, file, STREAMED[fmt], graph, progress)
    else:
        written = _load_staged(connection, file, fmt, graph, replace, bool(streamed), progress)
    graphs = {**state["graphs"], **{target: 0 for target in written if target not in state["graphs"]}}
    change = f"{'replace' if replace else 'add'}:{graph}:{file.resolve()}:{uuid.uuid4()}"
    state = record(connection, {**state, "version": next_version(state, change), "graphs": graphs}, base)
    after = state["graphs"].get(graph, 0)
    return after - before, after


def _load_staged(connection: Connection, file: Path, fmt: str, graph: str, replace: bool, streamed: bool,
                 progress: Progress | None) -> list[str]:
    """Load the file into staging graphs, then add them to (or put them in place of) their
    targets in one update; the staging graphs go whatever happens.

    :return: the target graphs
    """
    staged: dict[str, str] = {}  # target graph -> its staging graph
    with _dropped_on_failure(connection, staged.values()):
        if streamed:
            staged[graph] = _staging()
            _stream(connection, file, STREAMED[fmt], staged[graph], progress)
        else:
            parts = _read(file, fmt, graph)
            total = sum(len(triples) for triples in parts.values())
            done = 0
            for target, triples in parts.items():
                staged[target] = _staging()
                for chunk in _chunks(triples):
                    _update(connection, _insert(staged[target], chunk))
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            staged.setdefault(graph, _staging())
        moves = []
        for target, staging in staged.items():
            if replace:
                moves.append(f"DROP SILENT GRAPH <{target}> ; MOVE SILENT GRAPH <{staging}> TO GRAPH <{target}>")
            else:
                moves.append(f"ADD SILENT GRAPH <{staging}> TO GRAPH <{target}> ; DROP SILENT GRAPH <{staging}>")
        _update(connection, " ;\n".join(moves))
    return list(staged)


@contextmanager
def _dropped_on_failure(connection: Connection, graphs) -> Iterator[None]:
    """Drop ``graphs`` (as they are when it fails) if the block fails, as far as the store lets;
    the block's own error is the one raised."""
    try:
        yield
    except BaseException:
        for name in list(graphs):
            try:
                _update(connection, f"DROP SILENT GRAPH <{name}>")
            except (StoreUnavailable, StoreError, InputError):
                pass
        raise


def _empty(connection: Connection, graph: str) -> bool:
    """Whether the store holds no triple in ``graph``."""
    rows = _select(connection, f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1", {})
    return not rows


def drop_graph(connection: Connection, base: str, graph: str) -> int:
    """Remove ``graph`` from the store and from what bpograph serves.

    :return: the triples it held
    :raise InputError: ``graph`` is not an IRI or bpograph does not serve it.
    """
    if not is_iri(graph):
        raise InputError("--graph", f"'{graph}' is not an absolute IRI (like https://example.org/graph)")
    state = read_state(connection)
    if state is None or graph not in state["graphs"]:
        raise InputError(connection.endpoints.name, f"the store has no graph <{graph}> that bpograph serves")
    size = state["graphs"][graph]
    _update(connection, f"DROP SILENT GRAPH <{graph}>")
    graphs = {name: n for name, n in state["graphs"].items() if name != graph}
    record(connection, {**state, "version": next_version(state, f"drop:{graph}:{uuid.uuid4()}"), "graphs": graphs}, base)
    return size


# ---------------------------------------------------------------- reading files


def _read(file: Path, fmt: str, graph: str) -> dict[str, list[str]]:
    """The file's triples as N-Triples lines, by target graph."""
    from rdflib import Dataset, Graph

    from ...dataset import parse_into

    data = file.read_bytes()
    check_safe(file, data, fmt)
    if fmt in QUAD_FORMATS:
        dataset = Dataset()
        parse_into(dataset, file, fmt)
        parts: dict[str, list[str]] = {}
        for context in dataset.graphs():
            name = graph if context.identifier == dataset.default_graph.identifier or \
                str(context.identifier).startswith("urn:x-rdflib:") else str(context.identifier)
            lines = [_line(t) for t in context]
            if lines or name == graph:
                parts.setdefault(name, []).extend(lines)
        return parts
    parsed = Graph()
    parse_into(parsed, file, fmt)
    return {graph: [_line(t) for t in parsed]}


def _triples_of(file: Path, name: str) -> list[str]:
    return _read(file, FORMATS[file.suffix.lower()], name)[name]


def _line(triple) -> str:
    return " ".join(term.n3() for term in triple) + " ."


def _chunks(lines: list[str]) -> Iterator[list[str]]:
    """The lines in requests of at most :data:`CHUNK` triples; the triples that share blank nodes
    go together, at most :data:`TEMPLATE_CHUNK` of them per request (a blank node label names one
    node only within one request)."""
    plain = [line for line in lines if "_:" not in line]
    for start in range(0, len(plain), CHUNK):
        yield plain[start:start + CHUNK]
    batch: list[str] = []
    for component in _components([line for line in lines if "_:" in line]):
        if batch and len(batch) + len(component) > TEMPLATE_CHUNK:
            yield batch
            batch = []
        batch.extend(component)
    if batch:
        yield batch


_LABEL = re.compile(r"(?<![\w\"])_:[A-Za-z0-9_.\-]+")


def _components(lines: list[str]) -> list[list[str]]:
    """Triples grouped so that two triples with one blank node label share a group."""
    parent: dict[str, str] = {}

    def find(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    labelled = []
    for line in lines:
        labels = _LABEL.findall(_outside_literals(line))
        for other in labels[1:]:
            parent[find(other)] = find(labels[0])
        labelled.append((labels[0] if labels else "", line))
    groups: dict[str, list[str]] = {}
    for label, line in labelled:
        groups.setdefault(find(label) if label else "", []).append(line)
    return list(groups.values())


def _outside_literals(line: str) -> str:
    """The N-Triples line with its literal's text blanked (a literal may contain '_:')."""
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)


# ---------------------------------------------------------------- writing


def _staging() -> str:
    return f"urn:bpograph:staging:{uuid.uuid4()}"


def _insert(graph: str, lines: list[str]) -> str:
    body = f"{{ GRAPH <{graph}> {{\n" + "\n".join(lines) + "\n} }"
    if any("_:" in line for line in lines):
        # a template, not INSERT DATA: some stores (Virtuoso) take no blank node in DATA, and a
        # template's blank nodes are one set of fresh nodes for its one solution
        return f"INSERT {body} WHERE {{ }}"
    return f"INSERT DATA {body}"


def _replace_graph(connection: Connection, graph: str, lines: list[str]) -> None:
    staging = _staging()
    with _dropped_on_failure(connection, [staging]):
        for chunk in _chunks(lines):
            _update(connection, _insert(staging, chunk))
        _update(connection, f"DROP SILENT GRAPH <{graph}> ; MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>")


def _update(connection: Connection, update: str) -> None:
    response = connection.post(connection.endpoints.update, WRITE_TIMEOUT, data={"update": update.encode("utf-8")},
                               auth=True)
    if response.status_code == 401:
        raise StoreError(f"the store at {connection.endpoints.name} refused the credentials "
                         "(set BPOGRAPH_BACKEND_USER and BPOGRAPH_BACKEND_PASSWORD)")
    if response.status_code >= 300:
        from .backend import _first_line

        raise StoreError(f"the store refused an update (HTTP {response.status_code}): {_first_line(response.text)}")


def _stream(connection: Connection, file: Path, media_type: str, graph: str, progress: Progress | None) -> None:
    """POST the file to the Graph Store endpoint as it is on disk, each request with its length
    (Virtuoso reads no chunked body), reporting the bytes sent. An N-Triples file larger than
    :data:`UPLOAD_LIMIT` goes in pieces cut at line ends (Virtuoso drops a request of 1.3 GB
    without an answer), unless it has blank nodes, whose labels hold within one request only."""
    total = file.stat().st_size
    pieces = _pieces(file, total) if media_type == "application/n-triples" and total > UPLOAD_LIMIT else [(0, total)]
    sent = 0

    class Reading:
        def __init__(self, stream, start: int, length: int) -> None:
            self.stream, self.start, self.length, self.done = stream, start, length, 0
            stream.seek(start)

        def __len__(self) -> int:
            return self.length

        def tell(self) -> int:  # (requests rewinds the body to answer an authentication challenge)
            return self.done

        def seek(self, offset: int, whence: int = 0) -> int:
            self.done = offset if whence == 0 else self.done + offset
            self.stream.seek(self.start + self.done)
            return self.done

        def read(self, size: int = -1) -> bytes:
            wanted = self.length - self.done if size is None or size < 0 else min(size, self.length - self.done)
            piece = self.stream.read(min(wanted, PIECE))
            self.done += len(piece)
            if progress:
                progress(sent + self.done, total)
            return piece

    # answer the store's authentication challenge on a small request first, so that no upload
    # is sent twice (a challenge to it makes the client send the body again)
    connection.post(connection.endpoints.graph_store, WRITE_TIMEOUT, method="GET", params={"graph": STATE_GRAPH},
                    auth=True).close()
    with open(file, "rb") as stream:
        for start, length in pieces:
            # the store parses as it reads and answers at the end: allow it half a megabyte a second
            limit = WRITE_TIMEOUT + 2 * length / 1e6
            response = connection.post(connection.endpoints.graph_store, limit, data=Reading(stream, start, length),
                                       params={"graph": graph}, headers={"Content-Type": media_type}, auth=True)
            if response.status_code >= 300:
                from .backend import _first_line

                raise InputError(str(file), f"the store did not load it (HTTP {response.status_code}): "
                                            f"{_first_line(response.text)}")
            sent += length


def _pieces(file: Path, total: int) -> list[tuple[int, int]]:
    """(offset, length) pieces of at most :data:`UPLOAD_LIMIT` bytes, cut after a line end; the
    whole file as one piece if it has blank nodes (or a literal that looks like one)."""
    pieces = []
    start = 0
    with open(file, "rb") as stream:
        while start < total:
            stream.seek(start)
            block = stream.read(UPLOAD_LIMIT)
            if b"_:" in block:
                return [(0, total)]
            if start + len(block) >= total:
                pieces.append((start, total - start))
                break
            end = block.rfind(b"\n")
            if end < 0:
                return [(0, total)]  # a line longer than a piece: send it whole
            pieces.append((start, end + 1))
            start += end + 1
    return pieces


# ---------------------------------------------------------------- counting


def describe(connection: Connection, graphs: list[str], base: str) -> dict:
    """Triples per graph, distinct classes and properties, and linksets (as the embedded store
    counts them), over the graphs bpograph serves."""
    from ...namespaces import BASE, with_base

    dataset = {"default-graph-uri": graphs, "named-graph-uri": graphs}
    counts = {name: 0 for name in graphs}
    if graphs:
        for row in _select(connection, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", dataset):
            counts[row["g"]["value"]] = int(row["n"]["value"])
    classes = properties = 0
    linksets = []
    if graphs:
        classes = int(_select(connection, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }", dataset)[0]["n"]["value"])
        properties = int(_select(connection, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }", dataset)[0]["n"]["value"])
        values = " ".join(f"<{p}>" for p in MAPPING_PREDICATES)
        query = f"""SELECT ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o .
            FILTER(isIRI(?o) && !STRSTARTS(STR(?o), "{BASE}")
                   && !REGEX(STR(?o), "^http://www.w3.org/(1999/02/22-rdf|2000/01/rdf-schema|2002/07/owl|2001/XMLSchema|2004/02/skos)")) }}"""
        found: dict[tuple[str, str], int] = {}
        for row in _select(connection, with_base(query, base), dataset):
            target = row["o"]["value"]
            key = (row["p"]["value"], target[: max(target.rfind("/"), target.rfind("#")) + 1])
            found[key] = found.get(key, 0) + 1
        linksets = [[p, ns, n] for (p, ns), n in sorted(found.items())]
    return {"graphs": counts, "classes": classes, "properties": properties, "linksets": linksets}


def _select(connection: Connection, query: str, dataset: dict) -> list[dict]:
    return select(connection, query, dataset, WRITE_TIMEOUT, doing="count the data")
