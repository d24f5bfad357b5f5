"""A SPARQL 1.1 update for a remote store, rewritten so that it touches only bpograph's graphs.

A remote store holds more than bpograph serves (Virtuoso: its own system graphs), has no default
graph of its own for bpograph (Virtuoso refuses ``INSERT DATA`` without a graph), and reads an
operation's WHERE over the whole store unless told otherwise. The update the embedded store
would apply is therefore rewritten, operation by operation, before it is sent:

- the default graph is :data:`DEFAULT_GRAPH`, a named graph of the store that the served
  dataset's default graph includes: a template's triples outside GRAPH go into it (or into the
  operation's WITH graph) by an explicit ``GRAPH``, and ``DEFAULT`` in graph management names it;
- an operation with a WHERE reads the dataset the embedded store would give it: its own USING
  clauses (or the protocol's ``using-graph-uri``) if it has them, else the default graph (or its
  WITH graph) with the graphs bpograph serves as its named graphs, as USING clauses (WITH itself
  is not sent: Virtuoso reads a WHERE over WITH's graph and USING's together);
- ``INSERT DATA`` / ``DELETE DATA`` become the equivalent templates with an empty WHERE (Virtuoso
  takes no blank node in ``INSERT DATA``), and ``DELETE WHERE`` the equivalent ``DELETE … WHERE``;
- ``CLEAR`` / ``DROP`` ``ALL`` / ``NAMED`` / ``DEFAULT`` name the served graphs one by one (on
  Virtuoso ``DROP ALL`` would take its system graphs too);
- a graph a WHERE names (``GRAPH <g>``) that its dataset does not hold is named :data:`NO_GRAPH`
  (Virtuoso reads any graph named so, and answers as if it had one empty solution when the graph
  is absent);
- graph management goes ``SILENT`` (Virtuoso refuses to drop a graph that holds triples unless a
  ``CREATE`` made it), and the errors the embedded store raises are raised here: a non-silent
  ``CLEAR``, ``DROP`` or ``MOVE`` of a graph that does not exist, a ``CREATE`` of one that does.
  Which graphs exist is followed operation by operation (yes, no, or maybe: a template's, ADD's,
  COPY's or MOVE's target exists if it got a triple, which the store is asked right after);
- each operation goes as a request of its own (Virtuoso lets one operation's USING reach the
  next in the same request).

What the rewrite refuses (:class:`Unsupported`, with a message): bpograph's own record as a
target; a template whose graph is a variable in an INSERT (it could name any graph of the
store); and a non-silent graph management operation on a graph that exists or not depending on
what an earlier operation of the update wrote (only the store would know, once part of the
update is applied). The backend refuses a target the store holds that bpograph does not serve
(:attr:`Plan.touched`: it asks the store).

The update has had a real parse before it gets here; this module reads its tokens only to find
the operations and their targets, in the one reading the parse accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ...namespaces import SPARQL_PREFIXES
from ...safety import sparql_lexer as lex
from .state import STATE_GRAPH

#: The remote store's graph for what the embedded store keeps in its default graph.
DEFAULT_GRAPH = "urn:bpograph:default-graph"
#: A graph no one writes: a dataset with it as its only named graph has no named graphs (a store
#: given no named graphs reads all of its own).
NO_GRAPH = "urn:bpograph:no-graph"

_MANAGEMENT = ("CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
YES, NO, MAYBE = "yes", "no", "maybe"


class Unsupported(Exception):
    """The update cannot be applied to the remote store as it is; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Plan:
    """What to send, and what it changes."""

    requests: list[tuple[str, list[tuple[str, bool]]]] = field(default_factory=list)
    """The rewritten update, in one or more requests (none when nothing is left to send, as for
    CLEAR NAMED with no graphs), each with the graphs to probe after it: whether it wrote a
    triple to them decides whether they exist (with True: or whether they existed before)."""
    touched: list[str] = field(default_factory=list)
    """The graphs the update writes to or manages, by name (in order, once each)."""
    graphs: list[str] = field(default_factory=list)
    """The graphs that exist after the update, as the embedded store counts them (a graph
    exists once a triple was put in it or CREATE made it, until DROP or MOVE removes it)."""
    maybe: list[str] = field(default_factory=list)
    """Those of :attr:`graphs` that exist only if the update wrote a triple to them (a
    template's, ADD's, COPY's or MOVE's target): the store is asked (:attr:`requests`)."""
    missing: list[str] = field(default_factory=list)
    """Graphs a CLEAR, DROP or MOVE without SILENT needs that do not exist (the update must fail)."""

    def served(self, written: dict[str, bool]) -> list[str]:
        """The graphs to serve once every request is applied, ``written`` saying which of the
        :attr:`maybe` graphs got a triple (:func:`note_written`)."""
        return [g for g in self.graphs if g not in self.maybe or written.get(g, False)]


def note_written(written: dict[str, bool], probes: list[tuple[str, bool]], holding) -> None:
    """Fold into ``written`` what the store said after one request: a probed graph exists if it
    holds triples now (``holding``), or, where its probe says so, if it existed before."""
    for graph, before in probes:
        written[graph] = graph in holding or (before and written.get(graph, False))


def named_graphs(served: list[str]) -> list[str]:
    """The named graphs of the served dataset: the served graphs but the default one, and
    :data:`NO_GRAPH` (a graph a pattern names outside the dataset is renamed to it, and a
    dataset of no named graphs must still name one)."""
    return [g for g in served if g != DEFAULT_GRAPH] + [NO_GRAPH]


def plan(update: str, base: str | None, served: list[str]) -> Plan:
    """Rewrite ``update`` (a valid SPARQL 1.1 update) for a store whose served graphs are ``served``.

    :raise Unsupported: see the module's docstring.
    """
    tokens = lex.tokens(update)
    rewriter = _Rewriter(update, base, served)
    at = rewriter.read_prologue(tokens)
    done: list[tuple[str, list[tuple[str, bool]]]] = []
    for operation in _operations(tokens[at:]):
        rewriter.probes = []
        text = rewriter.operation(operation)
        if text:  # one request per operation: Virtuoso lets one operation's USING reach the next
            done.append((text, rewriter.probes))
    rewriter.finish()
    plan = rewriter.plan
    head = rewriter.head(tokens)
    plan.requests = [(head + text, probes) for text, probes in done]
    return plan


def outside_graphs(tokens: list, start: int, end: int, named: set[str], name_of) -> list:
    """The tokens between ``start`` and ``end`` that name a graph in a pattern (``GRAPH <g>``)
    that is not one of ``named``. SPARQL gives such a pattern no solution; Virtuoso reads the
    graph whatever the dataset says, and when it is not there answers ASK with true, COUNT(*)
    with 1 and an INSERT with its constant triples, as if it had one empty solution."""
    found = []
    for index in range(start, end - 1):
        if lex.is_word(tokens[index], "GRAPH") and tokens[index + 1].kind in ("iri", "pname"):
            if name_of(tokens[index + 1]) not in named:
                found.append(tokens[index + 1])
    return found


def replace_tokens(text: str, tokens: list, replacement: str, offset: int = 0) -> str:
    """``text`` with each of ``tokens`` (in text order) replaced by ``replacement``; ``text``
    starts at character ``offset`` of the text the tokens were read from."""
    for token in reversed(tokens):
        text = text[:token.start - offset] + replacement + text[token.end - offset:]
    return text


def resolve(base: str | None, iri: str) -> str:
    """``iri`` resolved against ``base`` (RFC 3986); an absolute IRI as it is (urljoin would drop
    an empty fragment: ``…/virtrdf#`` is not ``…/virtrdf``)."""
    if base is None or re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", iri):
        return iri
    resolved = urljoin(base, iri)
    return resolved + "#" if iri.endswith("#") and not resolved.endswith("#") else resolved


def _operations(tokens: list) -> list[list]:
    """The update's operations: its tokens split at each ``;`` outside braces."""
    cuts = [index for index in lex.top_level(tokens) if tokens[index].kind == ";"]
    pieces = zip([-1] + cuts, cuts + [len(tokens)])
    return [tokens[first + 1:last] for first, last in pieces if last > first + 1]


def _group_end(tokens: list, at: int) -> int:
    """The index of the brace that closes the group opened at ``tokens[at]``."""
    depth = 0
    for index in range(at, len(tokens)):
        if tokens[index].kind == "{":
            depth += 1
        elif tokens[index].kind == "}":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError("unbalanced braces")  # the update parsed: not reached


class Names:
    """The IRIs a text's IRI and prefixed-name tokens stand for, after its prologue."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.prefixes = dict(SPARQL_PREFIXES)
        self.declared: dict[str, str] = {}
        """The prefixes the text declares itself."""

    def read_prologue(self, tokens: list) -> int:
        """Read the declarations that open the text (BASE and PREFIX, in any order, each IRI
        resolved against the base declared before it); the index of the first token after them.
        (Oxigraph 0.5 takes no declaration after an update's ";", so these are its only ones.)"""
        end = lex.prologue_end(tokens)
        at = 0
        while at < end:
            if lex.is_word(tokens[at], "BASE"):
                self.base = self.iri(tokens[at + 1])
                at += 2
            else:
                name = tokens[at + 1].text.partition(":")[0]
                self.prefixes[name] = self.declared[name] = self.iri(tokens[at + 2])
                at += 3
        return end

    def iri(self, token) -> str:
        """The absolute IRI a token names (an IRI, or a prefixed name with its prefix declared)."""
        if token.kind == "iri":
            return resolve(self.base, lex.unescape(token.text[1:-1]))
        prefix, _, local = token.text.partition(":")
        return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)  # PN_LOCAL_ESC: the character itself


class _Rewriter(Names):
    def __init__(self, text: str, base: str | None, served: list[str]) -> None:
        super().__init__(base)
        self.text = text
        self.state: dict[str, str] = {g: YES for g in served}
        """Whether each graph exists as the operations run (YES, NO or MAYBE), in order."""
        self.state[DEFAULT_GRAPH] = YES  # the default graph always exists
        self.plan = Plan()
        self.probes: list[tuple[str, bool]] = []
        """The graphs the current operation may or may not have written to."""

    # ------------------------------------------------------------ names

    def span(self, tokens: list, first: int, last: int) -> str:
        """The update's own text from ``tokens[first]`` to ``tokens[last]``, both included."""
        return self.text[tokens[first].start:tokens[last].end]

    def touch(self, graph: str) -> None:
        if graph == STATE_GRAPH:
            raise Unsupported(f"<{graph}> is bpograph's own record of the store; an update may not write to it")
        if graph != DEFAULT_GRAPH and graph not in self.plan.touched:
            self.plan.touched.append(graph)

    @property
    def graphs(self) -> list[str]:
        """The graphs that exist, or may, as the operations run."""
        return [g for g, state in self.state.items() if state != NO]

    def create(self, graph: str, surely: bool = True) -> None:
        """``graph`` exists after the operation: ``surely`` (INSERT DATA, CREATE), or if the
        operation writes a triple to it (a template, ADD, COPY, MOVE)."""
        before = self.state.get(graph, NO)
        if surely or before == YES:
            self.state[graph] = YES
        else:
            self.state[graph] = MAYBE
            self.probes.append((graph, before == MAYBE))

    def drop(self, graph: str) -> None:
        if graph != DEFAULT_GRAPH:
            self.state[graph] = NO

    def needs(self, keyword: str, graph: str) -> None:
        """A CLEAR, DROP or MOVE without SILENT needs ``graph`` to exist, a CREATE needs it not to."""
        state = self.state.get(graph, NO)
        if state == MAYBE:
            raise Unsupported(f"over a remote store, whether the graph <{graph}> exists when {keyword} comes "
                              "depends on what an earlier operation of the update wrote; write "
                              f"{keyword} SILENT, or send the operations as updates of their own")
        if keyword == "CREATE" and state == YES:
            raise Unsupported(f"the graph <{graph}> already exists")
        if keyword != "CREATE" and state == NO:
            self.plan.missing.append(graph)  # said once the store is asked whether it holds it

    def finish(self) -> None:
        self.plan.graphs = self.graphs
        self.plan.maybe = [g for g, state in self.state.items() if state == MAYBE]

    # ------------------------------------------------------------ operations

    def head(self, tokens: list) -> str:
        """The prologue the store gets: one BASE first (Virtuoso takes one, and none after a
        PREFIX), then every prefix the update (``tokens``) declares or uses, with absolute IRIs."""
        used = {t.text.partition(":")[0] for t in tokens if t.kind == "pname"}
        prefixes = {**{p: iri for p, iri in SPARQL_PREFIXES.items() if p in used}, **self.declared}
        return (f"BASE <{self.base}>\n" if self.base else "") + "".join(
            f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items())

    def operation(self, tokens: list) -> str:
        keyword = tokens[0].text.upper()
        if keyword in _MANAGEMENT:
            return self.management(keyword, tokens)
        if keyword in ("INSERT", "DELETE") and len(tokens) > 1 and lex.is_word(tokens[1], "DATA"):
            return self.data(keyword, tokens)
        if keyword == "DELETE" and len(tokens) > 1 and lex.is_word(tokens[1], "WHERE"):
            end = _group_end(tokens, 2)
            using = self.using(DEFAULT_GRAPH)
            where = self.where(tokens, 2, end, None, self.graphs)
            template = self.template(tokens, 2, end, inserting=False, default=DEFAULT_GRAPH)
            return f"DELETE {template} {using} WHERE {where}"
        return self.modify(tokens)

    def data(self, keyword: str, tokens: list) -> str:
        end = _group_end(tokens, 2)
        return f"{keyword} {self.template(tokens, 2, end, keyword == 'INSERT', DEFAULT_GRAPH, surely=True)} WHERE {{ }}"

    def modify(self, tokens: list) -> str:
        """``[WITH g] DELETE {…} INSERT {…} USING … WHERE {…}`` with every template quad in a named
        graph and the WHERE's dataset given by USING (no WITH: stores differ on WITH with USING)."""
        at, default = 0, DEFAULT_GRAPH
        if lex.is_word(tokens[0], "WITH"):
            default = self.iri(tokens[1])
            self.touch(default)
            at = 2
        pieces: list[str] = []
        usings = [i for i in range(at, len(tokens) - 1) if lex.is_word(tokens[i], "USING")]
        named_at = [i + 2 for i in usings if lex.is_word(tokens[i + 1], "NAMED")]
        using_named = [self.iri(tokens[i]) for i in named_at] if usings else None  # None: the served graphs
        before = list(self.graphs)  # the WHERE reads the graphs as they are before the templates
        index = at
        while index < len(tokens):
            token = tokens[index]
            if token.kind == "{":
                end = _group_end(tokens, index)
                keyword = tokens[index - 1].text.upper() if tokens[index - 1].kind == "word" else ""
                if keyword in ("INSERT", "DELETE"):
                    pieces.append(self.template(tokens, index, end, keyword == "INSERT", default))
                else:  # the WHERE group
                    pieces.append(self.where(tokens, index, end, using_named, before))
                index = end + 1
                continue
            if token.kind in ("iri", "pname") and (lex.is_word(tokens[index - 1], "USING") or lex.is_word(tokens[index - 1], "NAMED")):
                self.touch(self.iri(token))  # read, and (through GRAPH ?g) perhaps written
            if lex.is_word(token, "WHERE"):
                if not usings:
                    pieces.append(self.using(default, before))
                else:  # SPARQL 1.1 Update, 3.1.3: USING alone gives no named graphs, USING NAMED
                    # alone an empty default graph; a store given none reads all of its own
                    pieces.append(f"USING NAMED <{NO_GRAPH}>")
                    if len(named_at) == len(usings):
                        pieces.append(f"USING <{NO_GRAPH}>")
            pieces.append(token.text if token.kind != "iri" else self.span(tokens, index, index))
            index += 1
        return " ".join(pieces)

    def using(self, default: str, graphs: list[str] | None = None) -> str:
        """USING clauses for the dataset the embedded store reads a WHERE over: ``default`` and,
        as named graphs, ``graphs`` (those that exist now), with :data:`NO_GRAPH`."""
        graphs = self.graphs if graphs is None else graphs
        return f"USING <{default}> " + " ".join(f"USING NAMED <{g}>" for g in named_graphs(graphs))

    def where(self, tokens: list, start: int, end: int, using_named: list[str] | None, graphs: list[str]) -> str:
        """The WHERE group between ``start`` and ``end``, each graph it names outside the dataset
        (:func:`outside_graphs`) named :data:`NO_GRAPH`, which is in the dataset and empty."""
        named = set(using_named) if using_named is not None else set(named_graphs(graphs))
        outside = outside_graphs(tokens, start, end, named, self.iri)
        return replace_tokens(self.span(tokens, start, end), outside, f"<{NO_GRAPH}>", tokens[start].start)

    def template(self, tokens: list, start: int, end: int, inserting: bool, default: str, surely: bool = False) -> str:
        """The template (or quad data) between the braces at ``start`` and ``end``, with its
        triples outside GRAPH put in the graph ``default``; the graphs it writes noted."""
        pieces: list[str] = []
        run: list[int] = []  # a run of tokens outside any GRAPH block

        def close_run() -> None:
            while run and tokens[run[0]].kind == ".":  # the optional "." after a GRAPH block
                run.pop(0)  # (Virtuoso takes none between two)
            if run:
                pieces.append(f"GRAPH <{default}> {{ {self.span(tokens, run[0], run[-1])} }}")
                if inserting:
                    self.create(default, surely)
                else:
                    self.touch(default)
            run.clear()

        index = start + 1
        while index < end:
            if lex.is_word(tokens[index], "GRAPH"):
                close_run()
                target = tokens[index + 1]
                if target.kind == "var":
                    if inserting:
                        raise Unsupported(f"over a remote store an INSERT template must name its graphs: GRAPH "
                                          f"{target.text} at character {target.start + 1} could name any graph "
                                          "of the store")
                else:
                    graph = self.iri(target)
                    self.touch(graph)
                    if inserting:
                        self.create(graph, surely)
                close = _group_end(tokens, index + 2)
                pieces.append(self.span(tokens, index, close))
                index = close + 1
                continue
            run.append(index)
            index += 1
        close_run()
        return "{ " + " ".join(pieces) + " }"

    def management(self, keyword: str, tokens: list) -> str:
        at = 1
        silent = len(tokens) > 1 and lex.is_word(tokens[1], "SILENT")
        if silent:
            at = 2
        if keyword in ("CLEAR", "DROP", "CREATE"):
            target = tokens[at]
            if lex.is_word(target, "DEFAULT"):
                graphs = [DEFAULT_GRAPH]
            elif lex.is_word(target, "NAMED"):
                graphs = [g for g in self.graphs if g != DEFAULT_GRAPH]
            elif lex.is_word(target, "ALL"):
                graphs = [g for g in self.graphs if g != DEFAULT_GRAPH] + [DEFAULT_GRAPH]
            else:
                graph = self.iri(tokens[at + 1])
                self.touch(graph)
                if not silent:
                    self.needs(keyword, graph)
                graphs = [graph]
            for graph in graphs:
                if keyword == "DROP":
                    self.drop(graph)
                elif keyword == "CREATE":
                    self.create(graph)
            return " ;\n".join(f"{keyword} SILENT GRAPH <{g}>" for g in graphs)
        # ADD, MOVE, COPY: (DEFAULT | GRAPH? iri) TO (DEFAULT | GRAPH? iri)
        operands = []
        index = at
        while index < len(tokens):
            token = tokens[index]
            if lex.is_word(token, "DEFAULT"):
                operands.append(DEFAULT_GRAPH)
            elif token.kind in ("iri", "pname"):
                operands.append(self.iri(token))
            index += 1
        source, target = operands
        for graph in (source, target):
            self.touch(graph)
        if source == target:  # nothing to do, and nothing checked
            return f"{keyword} SILENT <{source}> TO <{target}>"
        if keyword == "MOVE" and not silent:
            self.needs(keyword, source)
        filled = self.state.get(source, NO) != NO  # a source that does not exist adds nothing
        if keyword in ("COPY", "MOVE"):
            self.drop(target)  # emptied first: it exists after only if the source held triples
        if keyword == "MOVE":
            self.drop(source)
        if filled:
            self.create(target, surely=False)
        return f"{keyword} SILENT <{source}> TO <{target}>"
