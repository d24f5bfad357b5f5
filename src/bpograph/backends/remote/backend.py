"""Answers requests from a remote SPARQL 1.1 store, within their time limits.

Each query is checked first, in the front-end: a real parse (standard SPARQL 1.1 only; the
parser is handed in, so that this package imports no engine) and the function guard
(:mod:`bpograph.safety.functions`). It then goes to the store with

- a prologue: one BASE (the request's, resolved with the query's own), and the predeclared
  prefixes the query uses;
- its bindings as a VALUES block opening the WHERE group (a trailing VALUES clause, SPARQL 1.1
  section 10.2.2, where the query writes no WHERE);
- its dataset: the protocol's graphs if the request gives any, the query's own FROM if it has
  one, else the graphs bpograph serves (so a store's own system graphs never join the union),
  or nothing with ``backend_union = "store"``;
- the time limit, both as the store's own parameter (Virtuoso's ``timeout``, milliseconds) and
  as a bound on the HTTP call.

An update (on a front-end started with ``--update``) is rewritten to touch only the graphs
bpograph serves, with a graph of the store standing for the default graph (:mod:`.updates`), and
the store's state is recorded again after it.

A slow store gives 503, a store that is down 503, a store's own error 400 (the request) or 502
(the store); never a hung worker, and never the store's stack or grammar dump.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable

from ...namespaces import SPARQL_PREFIXES
from ...safety import sparql_lexer as lex
from ...safety.functions import check_functions
from ...safety.query_guard import Refused
from ..base import Answer, DumpRequest, QueryRequest, Request, UpdateRequest
from . import results, updates
from .connection import GRACE, Connection, StoreUnavailable
from .state import StoreError, next_version, read_state
from .updates import DEFAULT_GRAPH, NO_GRAPH, named_graphs

MAX_MESSAGE = 300
#: How a time limit is passed to the store: a query parameter and its value from the limit in
#: milliseconds (``ms``) or seconds (``s``). Virtuoso: ``timeout={ms}``.
DEFAULT_LIMIT_PARAMETER = "timeout={ms}"
#: Longest a front-end waits for the store to finish an update, past the request's time limit.
UPDATE_WAIT = 3600.0
#: Time limit of the question which graphs an update wrote to.
WRITE_CHECK = 30.0


class RemoteBackend:
    """A :class:`~bpograph.backends.base.Backend` over a remote store; thread-safe.

    :param graphs: the graphs bpograph serves (called for each request: they follow the store).
    :param syntax_error: a real SPARQL parser: the error message for a query (with its base, and
        where its ASK keyword is if it is an ASK), or None.
    """

    def __init__(self, connection: Connection, graphs: Callable[[], list[str]],
                 syntax_error: Callable[[str, str | None, tuple[int, int] | None], str | None],
                 limit_parameter: str = DEFAULT_LIMIT_PARAMETER, union: str = "served",
                 update_syntax_error: Callable[[str, str | None], str | None] | None = None,
                 base_iri: str = "", written: Callable[[], None] = lambda: None) -> None:
        self.connection = connection
        self._store_union = union == "store"
        self._graphs = graphs
        self._syntax_error = syntax_error
        self._update_syntax_error = update_syntax_error
        self._base_iri = base_iri
        self._written = written
        self._writing = threading.Lock()
        self._limit = limit_parameter.split("=", 1) if limit_parameter else None
        self.stopped = 0
        """Queries stopped at their time limit, by the store or by the bound on the call."""

    def run(self, request: Request, timeout: float) -> Answer:
        try:
            if isinstance(request, QueryRequest):
                return self._query(request, timeout)
            if isinstance(request, DumpRequest):
                return self._dump(request, timeout)
            if isinstance(request, UpdateRequest):
                return self._update(request, timeout)
        except StoreUnavailable as exc:
            if exc.timed_out:
                self.stopped += 1
                return Answer(503, message=f"the query ran longer than its time limit of {timeout:g} s and was stopped "
                                           f"({exc.message})")
            return Answer(503, message=f"{exc.message}; try again later")
        except results.BadAnswer as exc:
            return Answer(502, message=str(exc))
        except StoreError as exc:
            return Answer(502, message=str(exc))
        raise TypeError(f"not a request: {request!r}")

    # ---------------------------------------------------------------- queries

    def _query(self, request: QueryRequest, timeout: float) -> Answer:
        tokens = lex.tokens(request.query)  # read once, for the form, the prologue and the bindings
        form, form_token = _form(tokens)
        error = self._syntax_error(request.query, request.base_iri,
                                   (form_token.start, form_token.end) if form == "ASK" else None)
        if error:
            return Answer(400, message=error)
        try:
            check_functions(request.query, SPARQL_PREFIXES, tuple(SPARQL_PREFIXES.values()), tokens)
        except Refused as exc:
            return Answer(400, message=exc.message)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        accept = results.NTRIPLES if graph_form else results.JSON_RESULTS
        if graph_form and request.graph is None or not graph_form and request.tabular is None:
            return Answer(406, kind="graph" if graph_form else ("boolean" if form == "ASK" else "tabular"),
                          message="no acceptable media type for this kind of result")
        response = self._send(self.prepare(request, tokens), self.dataset(request), accept, timeout)
        if isinstance(response, Answer):
            return response
        if graph_form:
            return results.graph(response, request.graph, request.max_rows)
        return results.tabular(response, form == "ASK", request.tabular, request.max_rows)

    def prepare(self, request: QueryRequest, tokens: list | None = None) -> str:
        """The text the store gets: a prologue with the base and the predeclared prefixes the
        query uses, the query, and its bindings as VALUES."""
        query = request.query
        tokens = lex.tokens(query) if tokens is None else tokens
        # BASE first: Virtuoso takes no BASE after a PREFIX (SPARQL allows any order; the
        # predeclared prefixes are absolute, so a base before them changes nothing)
        base, start = _leading_bases(tokens, request.base_iri)
        head = (f"BASE <{base}>\n" if base else "") + _prefixes_used(tokens)
        words = {w.upper() for w in _DATASET_WORDS.findall(query)}  # most queries have neither
        outside = self._outside_graphs(request, tokens, base) if "GRAPH" in words else []
        if outside:  # a graph the dataset does not hold is named NO_GRAPH, which it holds, empty
            query = updates.replace_tokens(query, outside, f"<{NO_GRAPH}>")
            tokens = lex.tokens(query)
        completed = _complete_dataset(tokens, bool(outside)) \
            if not (request.default_graphs or request.named_graphs) and "FROM" in words else None
        if completed is not None:  # (after the leading BASEs, before any WHERE group)
            at, clause = completed
            query = query[:at] + clause + query[at:]
            tokens = lex.tokens(query)
        query = query[start:]
        if not request.bindings:
            return head + query
        names = " ".join(f"?{name}" for name, _ in request.bindings)
        values = " ".join(f"<{iri}>" for _, iri in request.bindings)
        block = f" VALUES ({names}) {{ ({values}) }} "
        at = _where_group(tokens)
        if at is None:  # a trailing VALUES clause (SPARQL 1.1, 10.2.2), which some stores take for SELECT only
            return head + query + "\n" + block
        # the bindings open the query's WHERE group: each binding is joined before anything else
        at -= start
        return head + query[:at] + block + query[at:]

    def _outside_graphs(self, request: QueryRequest, tokens: list, base: str | None) -> list:
        """The tokens of the query that name, in a GRAPH pattern, a graph its dataset does not
        hold (see :func:`.updates.outside_graphs`: Virtuoso reads it anyway, and answers as if
        it gave one empty solution when it is not there)."""
        names = updates.Names(base)
        names.read_prologue(tokens)
        if request.default_graphs or request.named_graphs:
            named = set(request.named_graphs)
        elif request.query_has_dataset:
            named = {names.iri(tokens[i + 2]) for i in range(len(tokens) - 2)
                     if lex.is_word(tokens[i], "FROM") and lex.is_word(tokens[i + 1], "NAMED")}
        elif self._store_union:
            return []  # no dataset: the store's own graphs, all of them
        else:
            named = set(named_graphs(self._graphs()))
        return updates.outside_graphs(tokens, 0, len(tokens), named, names.iri)

    def dataset(self, request: QueryRequest) -> dict[str, list[str]]:
        """The protocol's dataset parameters for ``request``."""
        if request.default_graphs or request.named_graphs:
            # a part the request leaves out is empty (SPARQL 1.1, 13.2): a store given none reads its own
            return {"default-graph-uri": list(request.default_graphs) or [NO_GRAPH],
                    "named-graph-uri": list(request.named_graphs) + [NO_GRAPH]}
        if request.query_has_dataset or self._store_union:
            return {}
        graphs = self._graphs()
        # the default graph of bpograph's updates joins the union; a store given no named graphs
        # would read all of its own
        return {"default-graph-uri": graphs + [DEFAULT_GRAPH] * (DEFAULT_GRAPH not in graphs),
                "named-graph-uri": named_graphs(graphs)}

    def _send(self, text: str, dataset: dict[str, list[str]], accept: str, timeout: float) -> bytes | Answer:
        data: dict[str, object] = {"query": text, **dataset}
        if self._limit:
            name, template = self._limit
            data[name] = template.format(ms=max(1, int(timeout * 1000)), s=max(1, int(round(timeout))))
        status, headers, body = self.connection.query(data, accept, timeout)
        if (headers.get("X-SQL-State") or "").startswith("S1TAT"):
            # Virtuoso's "anytime" answer: what it found before the limit, which is not the answer
            self.stopped += 1
            return Answer(503, message=f"the query ran longer than its time limit of {timeout:g} s and was stopped")
        if status == 200:
            return body
        return self.store_error(status, body.decode("utf-8", "replace"), timeout)

    def store_error(self, status: int, text: str, timeout: float, what: str = "query") -> Answer:
        """The store's refusal as an answer: its first line, without the query it repeats."""
        message = _first_line(text)
        if re.search(r"estimated execution time", message, re.I):  # refused before it ran
            return Answer(503, message=f"the store refused the {what}: it estimates that it would run longer than "
                                       f"its own limit, so past the time limit of {timeout:g} s (the store says: "
                                       f"{message})")
        if re.search(r"timeout|time limit|exceeds the limit", message, re.I):
            self.stopped += 1
            return Answer(503, message=f"the store stopped the {what} at its time limit of {timeout:g} s "
                                       f"(the store says: {message})")
        if 400 <= status < 500 or _query_fault(message):
            return Answer(400, message=f"the store refused the {what}: {message}")
        return Answer(502, message=f"the store failed on the {what} (HTTP {status}): {message}")

    # ---------------------------------------------------------------- updates

    def _update(self, request: UpdateRequest, timeout: float) -> Answer:
        """Apply an update as the embedded store would (see :mod:`.updates`), then record the
        store's new state: the version, the graphs served, their counts.

        The store gets the update on a thread of its own, which waits for the store's answer
        however long the update takes (up to :data:`UPDATE_WAIT`): Virtuoso keeps part of an
        operation whose client goes away (160,000 of 600,000 triples, in the tests). At the time
        limit the request gets 503 and the thread goes on; it records the state once the store
        has applied the update, and until then it holds this front-end's one write turn.
        """
        if self._update_syntax_error is not None:
            error = self._update_syntax_error(request.update, request.base_iri)
            if error:
                return Answer(400, message=error)
        if not self._writing.acquire(timeout=timeout):  # one writer per front-end: read, then write the state
            return Answer(503, message=f"an earlier update is still running in the store after {timeout:g} s; "
                                       "try again later")
        handed_over = False
        try:
            state = read_state(self.connection)
            if state is None:
                return Answer(503, message="bpograph's record of the store is gone; restart bpograph serve --backend")
            served = list(state["graphs"])
            try:
                plan = updates.plan(request.update, request.base_iri, served)
            except updates.Unsupported as exc:
                return Answer(400, message=exc.message)
            foreign = self._holding([g for g in plan.touched if g not in served], timeout)
            if isinstance(foreign, Answer):
                return foreign
            if foreign:
                return Answer(403, message=f"the store holds a graph <{foreign[0]}> that bpograph does not serve; "
                                           "an update may change only the graphs bpograph serves, or new ones")
            if plan.missing:  # as the embedded store says it
                return Answer(400, message=f"the update could not be applied: The graph <{plan.missing[0]}> does "
                                           "not exist")
            if not plan.requests:
                self._record(state, plan, {})
                return Answer(204)
            outcome: dict[str, object] = {}
            done = threading.Event()

            def apply() -> None:
                try:
                    written: dict[str, bool] = {}
                    answer = None
                    for number, (text, probes) in enumerate(plan.requests):
                        answer = self._send_update(text, UPDATE_WAIT, timeout)
                        if answer is not None:
                            if number:  # the operations before it stay applied in the store
                                self._record_part(state, plan)
                            break
                        if probes:
                            holding = self._holding([g for g, _ in probes], WRITE_CHECK)
                            if isinstance(holding, Answer):
                                raise StoreError(f"the store did not say which graphs the update wrote: "
                                                 f"{holding.message}")
                            updates.note_written(written, probes, holding)
                    if answer is None:
                        self._record(state, plan, written)
                    outcome["answer"] = answer or Answer(204)
                except Exception as exc:  # handed to the request, if it still waits
                    outcome["error"] = exc
                finally:
                    done.set()
                    self._writing.release()

            threading.Thread(target=apply, name="bpograph-update", daemon=True).start()
            handed_over = True
            if not done.wait(timeout + GRACE):
                self.stopped += 1
                return Answer(503, message=f"the update ran longer than its time limit of {timeout:g} s; the store "
                                           "goes on with it and applies each of its operations whole or not at "
                                           "all, and bpograph serves what it wrote once it is done")
            if "error" in outcome:
                raise outcome["error"]
            return outcome["answer"]
        finally:
            if not handed_over:
                self._writing.release()

    def _record(self, state: dict, plan: updates.Plan, written: dict[str, bool]) -> None:
        """Record the store's state after ``plan``: a new version, and the graphs served (those
        that exist, as the embedded store counts them; ``written`` says which of the graphs that
        the update may have written to it did)."""
        self._write_state(state, plan.served(written))

    def _record_part(self, state: dict, plan: updates.Plan) -> None:
        """Record the state after an update that the store applied in part: the graphs served
        before, and those of the update's graphs that now hold triples."""
        new = [g for g in plan.graphs if g not in state["graphs"]]
        holding = self._holding(new, WRITE_CHECK)
        if isinstance(holding, Answer):
            holding = new  # an empty graph served does no harm; a graph not served hides triples
        self._write_state(state, list(state["graphs"]) + [g for g in new if g in holding])

    def _write_state(self, state: dict, graphs: list[str]) -> None:
        """Record a new version of the store's state, serving ``graphs`` (counted again), and
        have this front-end read it at once."""
        from .loading import record

        record(self.connection, {**state, "version": next_version(state, f"update:{uuid.uuid4()}"),
                                 "graphs": dict.fromkeys(graphs, 0)}, self._base_iri)
        self._written()

    def _holding(self, graphs: list[str], timeout: float) -> list[str] | Answer:
        """Those of ``graphs`` that hold triples in the store, asked over all of its graphs (the
        ones bpograph does not serve included), or the answer that says why not."""
        if not graphs:
            return []
        values = " ".join(f"<{g}>" for g in graphs)
        body = self._send(f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} }}",
                          {}, results.JSON_RESULTS, timeout)
        if isinstance(body, Answer):
            return body
        import json

        return [row["g"]["value"] for row in json.loads(body)["results"]["bindings"]]

    def _send_update(self, text: str, wait: float, limit: float) -> Answer | None:
        """Send an update to the store's update endpoint; None when it took it, else the answer.

        The store gets no time limit of its own: given one, Virtuoso stops an update part-way
        and keeps what it wrote ("incomplete results", SQL state S1TAT), where without one it
        applies each operation whole or not at all. The HTTP call is bounded by ``wait``;
        ``limit`` is the request's time limit, for messages.

        :raise StoreUnavailable: the store is down, or did not answer within the limit.
        """
        data: dict[str, object] = {"update": text.encode("utf-8")}
        response = self.connection.post(self.connection.endpoints.update, wait, data=data, auth=True)
        if response.status_code in (401, 403):
            return Answer(502, message=f"the store at {self.connection.endpoints.name} refused bpograph's "
                                       "credentials for updates (set BPOGRAPH_BACKEND_USER and "
                                       "BPOGRAPH_BACKEND_PASSWORD, and BPOGRAPH_BACKEND_UPDATE if the store "
                                       "takes updates elsewhere)")
        if response.status_code >= 300:
            return self.store_error(response.status_code, response.text, limit, what="update")
        return None

    # ---------------------------------------------------------------- dumps

    def _dump(self, request: DumpRequest, timeout: float) -> Answer:
        from ...export import serialize_dataset
        from ...formats import GRAPH_BY_TYPE

        fmt = GRAPH_BY_TYPE[request.media_type]
        dataset = self.dataset_of_graphs(timeout)
        if isinstance(dataset, Answer):
            return dataset
        return Answer(200, body=serialize_dataset(dataset, fmt.name), media_type=fmt.media_type)

    def dataset_of_graphs(self, timeout: float):
        """Every graph bpograph serves, as an rdflib Dataset whose default graph is their union
        (as :func:`bpograph.dataset.load_shipped` makes it), one CONSTRUCT per graph; or the
        answer that says why not."""
        from rdflib import Dataset, URIRef

        dataset = Dataset(default_union=True)
        for name in self._graphs():
            body = self._send("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                              {"named-graph-uri": [name]}, results.NTRIPLES, timeout)
            if isinstance(body, Answer):
                return body
            # what bpograph's updates wrote to the default graph is the dump's default graph
            graph = dataset.default_context if name == DEFAULT_GRAPH else dataset.graph(URIRef(name))
            graph.parse(data=body, format="nt")
        return dataset

    def close(self) -> None:
        self.connection.close()


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first keyword after the prologue."""
    return _form(lex.tokens(text))[0]


def _form(tokens: list) -> tuple[str, object]:
    for token in tokens:
        if token.kind == "word" and token.text.upper() not in ("BASE", "PREFIX"):
            return token.text.upper(), token
    return "SELECT", None


def _prefixes_used(tokens: list) -> str:
    """PREFIX lines for the predeclared prefixes the query uses and does not declare itself."""
    declared: set[str] = set()
    used: list[str] = []
    for index, token in enumerate(tokens):
        if token.kind != "pname":
            continue
        prefix = token.text.partition(":")[0]
        if index and lex.is_word(tokens[index - 1], "PREFIX"):
            declared.add(prefix)
        elif prefix in SPARQL_PREFIXES and prefix not in used:
            used.append(prefix)
    return "".join(f"PREFIX {p}: <{SPARQL_PREFIXES[p]}>\n" for p in used if p not in declared)


def _leading_bases(tokens: list, base: str | None) -> tuple[str | None, int]:
    """The base in effect after the BASE declarations that open the query (each resolved
    against the one before, the first against ``base``), and where the rest of the query
    starts: Virtuoso takes one BASE only, and none after a PREFIX."""
    from urllib.parse import urljoin

    end = index = 0
    while index + 1 < len(tokens) and lex.is_word(tokens[index], "BASE") and tokens[index + 1].kind == "iri":
        declared = lex.unescape(tokens[index + 1].text[1:-1])
        base = urljoin(base, declared) if base else declared
        end = tokens[index + 1].end
        index += 2
    return base, end


#: A quick look at a query's text before its tokens are walked for its dataset (a match may be in
#: a string or an IRI: the walk decides).
_DATASET_WORDS = re.compile(r"\b(graph|from)\b", re.I)


def _complete_dataset(tokens: list, no_graph: bool = False) -> tuple[int, str] | None:
    """A query with FROM but no FROM NAMED has no named graphs, and one with FROM NAMED but no
    FROM an empty default graph (SPARQL 1.1, 13.2); Virtuoso fills a missing part with all of its
    graphs. Where to put the clause that names :data:`NO_GRAPH` for the missing part (and, with
    ``no_graph``, among the named graphs), and the clause; None if none is needed."""
    default = named = False
    end = None
    for index in lex.top_level(tokens):
        if lex.is_word(tokens[index], "FROM"):
            following = _after(tokens, index)
            if lex.is_word(following, "NAMED"):
                named = True
                following = _after(tokens, index + 1)
            else:
                default = True
            if following is not None:
                end = following.end
    if end is None or default == named and not no_graph:
        return None
    clauses = f" FROM NAMED <{NO_GRAPH}>" if default and not named or no_graph else ""
    return end, clauses + (f" FROM <{NO_GRAPH}>" if named and not default else "")


def _where_group(tokens: list) -> int | None:
    """Where the body of the query's WHERE group starts (just after its brace), if the query
    writes WHERE."""
    for index in lex.top_level(tokens):
        if lex.is_word(tokens[index], "WHERE"):
            following = _after(tokens, index)
            return following.end if following is not None and following.kind == "{" else None
    return None


def _after(tokens: list, index: int):
    """The token after ``tokens[index]``, or None at the end."""
    return tokens[index + 1] if index + 1 < len(tokens) else None


#: SQLSTATE classes that put an error on the query, not the store (ISO SQL): 07 dynamic SQL
#: (an argument missing), 22 data exception (division by zero, a value of the wrong type), 37
#: and 42 syntax or access rule. A store that reports SQLSTATEs answers them with HTTP 500
#: (Virtuoso: "Virtuoso 22012 Error SR084: Division by 0"), which is the query's fault.
_QUERY_SQLSTATE = re.compile(r"^\S+ (?:07|22|37|42)[0-9A-Z]{3} Error\b")


def _query_fault(message: str) -> bool:
    return _QUERY_SQLSTATE.match(message) is not None


def _first_line(text: str) -> str:
    text = (text or "").strip()
    quoted = re.search(r"<xmp>(.*?)</xmp>", text, re.S)  # Virtuoso's HTML error pages quote the reason
    if quoted:
        text = quoted.group(1).strip()
    # Virtuoso repeats the query after "SPARQL query:"; the client has it already
    text = re.split(r"\n\s*SPARQL query:", text, maxsplit=1)[0]
    line = " ".join(text.split())
    return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE] + "…"
