"""Runs pySHACL over the shipped graph or over a user's files and returns a report; prints nothing."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from .dataset import KNOWLEDGE_DIRS, SHAPES_DIR, load_graph, shipped_folder_graph
from .namespaces import BPO, SHAPES, bind_prefixes

SEVERITY_ORDER = (SH.Violation, SH.Warning, SH.Info)


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, reduced to what a person needs to act on it."""

    focus: Node
    severity: URIRef
    message: str
    shape: Node
    path: Node | None = None
    value: Node | None = None
    node_shape: Node | None = None
    """The named node shape the result comes from (property shapes are usually blank nodes)."""
    node: Node | None = None
    """The sh:ValidationResult node in the report graph."""

    @property
    def severity_name(self) -> str:
        return str(self.severity).rsplit("#", 1)[-1]


@dataclass
class Report:
    """The outcome of a validation: the results and the pySHACL report graph they came from."""

    results: list[Result] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)

    def count(self, severity: URIRef) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def conforms(self) -> bool:
        """True when there is no sh:Violation; warnings and infos do not fail a validation."""
        return self.count(SH.Violation) == 0

    def by_focus(self) -> dict[Node, list[Result]]:
        """Results grouped by focus node, groups and results in a stable order."""
        groups: dict[Node, list[Result]] = {}
        for result in sorted(self.results, key=_sort_key):
            groups.setdefault(result.focus, []).append(result)
        return groups


def _sort_key(result: Result) -> tuple:
    return (
        str(result.focus),
        SEVERITY_ORDER.index(result.severity) if result.severity in SEVERITY_ORDER else 9,
        result.message,
        str(result.value),
    )


def shapes_graph() -> Graph:
    """The shipped SHACL shapes, all files of ``shapes/`` in one graph."""
    return shipped_folder_graph(SHAPES_DIR)


def knowledge_graph() -> Graph:
    """The shipped ontology and data in one graph (what ``bpograph validate`` checks by default)."""
    return shipped_folder_graph(*KNOWLEDGE_DIRS)


#: The SHACL engines bpograph runs. ``turbo`` is pyshacl-turbo, a Rust engine with pySHACL's API:
#: on bpograph's shapes it gives pySHACL's results (every shape fixture, the shipped graph and the
#: example data; tests/ontology/test_shacl_engines.py) 25 to 36 times faster. ``pyshacl`` is the
#: reference implementation and the fallback; ``auto`` takes turbo where it is installed.
ENGINES = ("auto", "turbo", "pyshacl")


def engine_name(engine: str = "auto") -> str:
    """The engine ``engine`` resolves to: 'turbo' or 'pyshacl'.

    :raise ValueError: 'turbo' asked for and not installed, or an unknown name.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine '{engine}'; use one of {', '.join(ENGINES)}")
    if engine == "pyshacl":
        return "pyshacl"
    try:
        import pyshacl_turbo  # noqa: F401
    except ImportError:
        if engine == "turbo":
            raise ValueError("the SHACL engine 'turbo' needs the package pyshacl-turbo (pip install pyshacl-turbo)") from None
        return "pyshacl"
    return "turbo"


def shacl_validate(data: Graph, engine: str = "pyshacl", **options):
    """pySHACL's ``validate`` with the engine named (its result: conforms, report graph, text)."""
    if engine_name(engine) == "turbo":
        from pyshacl_turbo import validate
    else:
        from pyshacl import validate
    return validate(data, **options)


def validate_graph(data: Graph, shapes: Graph, focus: list[URIRef] | None = None, engine: str = "pyshacl") -> Report:
    """Validate ``data`` against ``shapes``; with ``focus`` (pySHACL's option), results only for
    those nodes.

    SHACL Advanced Features are on because the quality shapes select their targets with SPARQL.
    """
    _conforms, report_graph, _text = shacl_validate(
        data,
        engine,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_infos=True,
        allow_warnings=True,
        **({"focus_nodes": focus} if focus else {}),
    )
    return Report(results=_read_results(report_graph, shapes), graph=report_graph)


def validate_shipped(engine: str = "auto") -> Report:
    """Validate the shipped ontology and example data against the shipped shapes."""
    return validate_graph(knowledge_graph(), shapes_graph(), engine=engine)


def validate_files(paths: list[Path], full: bool = False, engine: str = "auto") -> Report:
    """Validate a user's files against the shipped shapes, together with the shipped graph.

    The user's data is validated in one graph with bpograph's ontology, so that class
    hierarchies, code lists and labels resolve. The report keeps only results about nodes that
    occur in the user's files (as subject, predicate or object): the shipped graph's own state
    is the business of ``bpograph validate`` without files. Every format of the report (text,
    JSON, the SHACL report graph) holds exactly these results.

    :param full: with pySHACL, let it find every shape's targets over the whole graph, as a
        plain pySHACL run would (seconds slower; the tests compare the two ways). pyshacl-turbo
        always validates the whole graph: it takes a fifth of a second.
    :param engine: one of :data:`ENGINES`.
    :raise InputError: a file cannot be read or parsed; nothing is validated then.
    """
    user = load_graph(paths)
    shipped = knowledge_graph()
    described = set(shipped.subjects())
    data = shipped + user
    # The user's subjects, and any other node of theirs that the shipped graph does not describe
    # (an undeclared property, say); results about untouched bpograph terms are left out.
    mentioned = set(user.subjects()) | ({node for triple in user for node in triple} - described)
    if full or engine_name(engine) == "turbo":
        report = validate_graph(data, shapes_graph(), engine=engine)
    else:
        report = _validate_targeted(data, shapes_graph(), mentioned)
    results = [r for r in report.results if r.focus in mentioned]
    undefined = {r.value for r in results if r.node_shape == SHAPES.DefinedTermShape}
    # a mistyped bpo: term is reported once, as a violation on the node that uses it, not also
    # as an undeclared class or property of its own (OOPS! P34, P35)
    results = [_suggest(r, shipped) if r.node_shape == SHAPES.DefinedTermShape else r
               for r in results if not (r.focus in undefined and r.node_shape in (SHAPES.P34, SHAPES.P35))]
    return Report(results=results, graph=_report_graph(report.graph, results))


def _validate_targeted(data: Graph, shapes: Graph, mentioned: set[Node]) -> Report:
    """Check the nodes of ``mentioned`` against the shapes that target them, and nothing else
    (:mod:`bpograph.backends.oxigraph.shacl_targets`); in full where that module cannot tell the targets."""
    from .backends.oxigraph.shacl_targets import Unsupported, oxigraph_copy, targeted

    if any(isinstance(node, BNode) for node in mentioned):
        return validate_graph(data, shapes)
    try:
        plan = targeted(shapes, oxigraph_copy(data), {n for n in mentioned if isinstance(n, URIRef)})
    except Unsupported:
        return validate_graph(data, shapes)
    merged = Report()
    for shape, nodes in sorted(plan.items()):
        _conforms, graph, _text = shacl_validate(
            data, "pyshacl", shacl_graph=shapes, inference="none", advanced=True, allow_infos=True, allow_warnings=True,
            use_shapes=[shape], focus_nodes=sorted(nodes),
        )
        merged.results += _read_results(graph, shapes)
        merged.graph += graph
    return merged


def _suggest(result: Result, shipped: Graph) -> Result:
    """The result's message with the defined bpo: name nearest to the one used, if one is near."""
    names = _defined_names(shipped)
    used = str(result.value)[len(str(BPO._NS)):]
    near = difflib.get_close_matches(used, names, n=1, cutoff=0.75) or \
        [n for n in names if n.lower() == used.lower()]
    message = f"bpo:{used} is not a term of bpograph"
    message += f"; did you mean bpo:{near[0]}?" if near else " (see /docs for the terms there are)"
    return replace(result, message=message)


def _defined_names(shipped: Graph) -> list[str]:
    """The local names of every bpo: term (every term bpograph defines has an rdfs:label)."""
    namespace = str(BPO._NS)
    return sorted({str(s)[len(namespace):] for s in shipped.subjects(RDFS.label) if str(s).startswith(namespace)})


def _report_graph(source: Graph, results: list[Result]) -> Graph:
    """A SHACL validation report graph that holds exactly ``results``: each result node of the
    pySHACL report kept (with the blank nodes it points to), its message as the report gives it."""
    graph = Graph()
    bind_prefixes(graph)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not any(r.severity == SH.Violation for r in results))))
    for result in results:
        graph.add((report, SH.result, result.node))
        todo, seen = [result.node], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for _, predicate, value in source.triples((node, None, None)):
                if predicate == SH.resultMessage:
                    continue
                graph.add((node, predicate, value))
                if isinstance(value, BNode):
                    todo.append(value)
        graph.add((result.node, SH.resultMessage, Literal(result.message)))
    return graph


def _read_results(report: Graph, shapes: Graph) -> list[Result]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        message = report.value(node, SH.resultMessage)
        shape = report.value(node, SH.sourceShape)
        results.append(
            Result(
                focus=report.value(node, SH.focusNode),
                severity=report.value(node, SH.resultSeverity),
                message=str(message) if isinstance(message, Literal) else _default_message(report, node),
                shape=shape,
                path=_path_of(report, node),
                value=report.value(node, SH.value),
                node_shape=_owning_node_shape(shapes, shape),
                node=node,
            )
        )
    return results


def _owning_node_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """``shape`` itself when it is a named shape, else the node shape that declares it as sh:property."""
    if shape is None or isinstance(shape, URIRef):
        return shape
    return shapes.value(predicate=SH.property, object=shape) or shape


def _path_of(report: Graph, node: Node) -> Node | None:
    path = report.value(node, SH.resultPath)
    # Complex paths are blank nodes; for a person the raw node says nothing, so leave it out.
    return None if isinstance(path, BNode) else path


def _default_message(report: Graph, node: Node) -> str:
    component = report.value(node, SH.sourceConstraintComponent)
    name = str(component).rsplit("#", 1)[-1] if component else "constraint"
    return f"{name} not satisfied"
