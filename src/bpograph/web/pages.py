"""Blueprint for the Linked Data pages: every bpograph IRI answers at its own path, as HTML for
people and as RDF for programs (same URL, by Accept, or by a suffix such as .ttl)."""

from __future__ import annotations

import json
from collections import Counter

from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import Markup

from ..comparison import read_comparison
from ..diagram import indented_tree, neighbourhood
from ..formats import RDF_SYNTAXES
from ..iri import for_header, is_path_segment
from ..entities import LANGUAGES, class_tree, concept_schemes, defined_term, describe_entity
from ..namespaces import BPO, compact
from ..ontology_documents import OntologyIndex, document_query
from ..query import QueryService
from ..search import LabelIndex
from .ui import STRINGS, ui_language

bp = Blueprint("pages", __name__)

#: suffix -> media type of the entity's RDF (or HTML) representation
SUFFIXES = {".html": "text/html", **{s.page_suffix: s.media_type for s in RDF_SYNTAXES if s.page_suffix}}
OFFERS = list(SUFFIXES.values())
# Our own script files only (search suggestions, a progressive enhancement); nothing inline.
CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

GRAPH_CONTENT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"

DESCRIBE = """
CONSTRUCT { ?this ?p ?o . ?axiom ?ap ?av . ?s ?q ?this }
WHERE {
  { ?this ?p ?o }
  UNION { ?axiom <http://www.w3.org/2002/07/owl#annotatedSource> ?this ; ?ap ?av }
  UNION { ?s ?q ?this . FILTER(isIRI(?s)) }
}"""


def _service() -> QueryService:
    return current_app.extensions["bpograph"]


@bp.after_app_request
def security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/")
def home() -> Response:
    service = _service()
    tree = class_tree(service.select, service.settings.base_iri)
    lang = ui_language()
    diagram = indented_tree(tree, lambda n: n.labels[lang], lambda n: href(n.iri), STRINGS[lang]["diagram_classes"])
    return Response(render_template("pages/home.html", triples=sum(service.store.graphs.values()),
                                    graphs=len(service.store.graphs), base=service.settings.base_iri,
                                    schemes=concept_schemes(service.select), tree=tree, diagram=diagram),
                    mimetype="text/html")


def _index() -> LabelIndex:
    """The label index, built on first use; rebuilt every time when updates may change labels."""
    service = _service()
    index = current_app.extensions.get("bpograph.labels")
    if index is None or service.settings.update:
        index = LabelIndex.build(service.select, service.settings.base_iri)
        current_app.extensions["bpograph.labels"] = index
    return index


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The site's icon, at the path browsers ask for without being told (an SVG: every current
    browser takes one there, and it stays sharp at every size)."""
    response = current_app.send_static_file("favicon.svg")
    response.mimetype = "image/svg+xml"
    response.cache_control.max_age = 86400
    return response


DOWNLOADS = {"trig": "application/trig", "nq": "application/n-quads", "jsonld": "application/ld+json", "ttl": "text/turtle"}


@bp.route("/download/bpograph.<any(trig, nq, jsonld, ttl):ext>")
def download(ext: str) -> Response:
    """The whole served dataset; TriG, N-Quads and JSON-LD keep the named graphs, Turtle is their union."""
    answer = _service().dump(DOWNLOADS[ext])
    response = Response(answer.body, content_type=answer.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="bpograph.{ext}"'
    return response


@bp.route("/graph/<path:name>")
def named_graph(name: str) -> Response:
    """A named graph's IRI: a page with its size and module for people, its triples for programs.

    :raise 404: the store has no such graph
    """
    stem, media_type = _split_suffix(name)
    service = _service()
    iri = service.settings.base_iri + "graph/" + stem
    if iri not in service.store.graphs:
        return Response(render_template("pages/not_found.html", iri=iri), status=404, mimetype="text/html")
    if media_type is None:
        media_type = request.accept_mimetypes.best_match(OFFERS, default="text/html") if request.accept_mimetypes else "text/html"
    if media_type == "text/html":
        response = Response(render_template("pages/graph.html", iri=iri, name=stem, triples=service.store.graphs[iri]),
                            mimetype="text/html")
    else:
        response = Response(service.construct(GRAPH_CONTENT, media_type, {"g": iri}).body, content_type=media_type)
    response.vary.add("Accept")
    return response


@bp.route("/mappings/bpograph.sssom.tsv")
def mapping_set() -> Response:
    """The mapping set's own IRI (its mapping_set_id) serves the SSSOM file."""
    text = current_app.extensions.get("bpograph.sssom")
    if text is None:  # built once per process: it costs a second of CPU
        from ..mappings import as_sssom, evidence, mapping_date
        from ..validate import knowledge_graph

        graph = knowledge_graph()
        text = current_app.extensions["bpograph.sssom"] = as_sssom(graph, evidence(), mapping_date(graph))
    return Response(text, content_type="text/tab-separated-values; charset=utf-8")


@bp.route("/examples")
def examples() -> Response:
    """The example gallery: the competency questions, each with its query and a link to its answer."""
    from ..examples import load_examples

    return Response(render_template("pages/examples.html", examples=load_examples()), mimetype="text/html")


@bp.route("/examples/<example_id>")
def example(example_id: str) -> Response:
    """One example query, run now, with its answer as a table.

    :raise 404: no example has that id
    """
    from ..examples import load_examples

    found = {e.id: e for e in load_examples()}.get(example_id)
    if found is None:
        abort(404, description=f"there is no example {example_id}")
    rows = _service().select(found.text)
    columns = list(dict.fromkeys(name for row in rows for name in row))
    return Response(render_template("pages/example.html", example=found, rows=rows, columns=columns), mimetype="text/html")


@bp.route("/docs")
def documentation() -> Response:
    """Ontology documentation: module metadata, classes, properties and individuals."""
    from ..docs import document

    return Response(render_template("pages/docs.html", doc=document(_service().select, _service().settings.base_iri)), mimetype="text/html")


@bp.route("/comparison")
def comparison() -> Response:
    """BPO vs call centre: the source's comparison table and main differences, from the graph."""
    select = _service().select
    tables = [read_comparison(select, str(BPO.ComparisonTable)), read_comparison(select, str(BPO.MainDifferences))]
    return Response(render_template("pages/comparison.html", tables=tables), mimetype="text/html")


@bp.route("/search")
def search() -> Response:
    """Search labels in both languages, ignoring case and diacritics; JSON for programs
    (``Accept: application/json``) and autocompletion, HTML otherwise. ``limit`` hits a page
    (20 unless asked, at most 1,000) from ``offset``; the answer gives the true count."""
    query = request.args.get("q", "")
    limit = _count_parameter("limit", 20, 1, 1000)
    offset = _count_parameter("offset", 0, 0, 10**6)
    lang = ui_language()
    index = _index()
    every = index.search(query, prefer=lang)
    hits = [(hit, index.details(hit.iri, lang)) for hit in every[offset:offset + limit]]
    if request.accept_mimetypes.best_match(["text/html", "application/json"], default="text/html") == "application/json":
        payload = {"query": query, "total": len(every), "offset": offset, "limit": limit, "results": [
            {"iri": h.iri, "label": h.label, "lang": h.lang, "href": href(h.iri), "kind": d.kind, "scheme": d.scheme,
             "definition": d.definition, "definitionLang": d.definition_lang} for h, d in hits]}
        response = Response(json.dumps(payload, ensure_ascii=False), mimetype="application/json")
    else:
        pages = {"previous": max(offset - limit, 0) if offset > 0 else None,
                 "next": offset + limit if offset + limit < len(every) else None}
        response = Response(render_template("pages/search.html", q=query, hits=hits, total=len(every), offset=offset,
                                            limit=limit, pages=pages), mimetype="text/html")
    response.vary.add("Accept")
    return response


def _count_parameter(name: str, default: int, lowest: int, highest: int) -> int:
    """A whole-number request parameter, kept within bounds; anything else is the default."""
    asked = request.args.get(name, "")
    if not (asked.isascii() and asked.isdigit() and len(asked) <= 7):
        return default
    return min(max(int(asked), lowest), highest)


@bp.route("/index/<any(et, en):lang>")
def alphabetical(lang: str) -> Response:
    """A-Z index of preferred labels in one language, in that language's alphabetical order."""
    index = _index()
    groups = index.alphabetical(lang)
    counts = Counter(hit.label for _, hits in groups for hit in hits)
    ui_lang = ui_language()

    def telling(hit) -> str:
        """What tells entries with the same label apart: kind and scheme, and the name if need be."""
        if counts[hit.label] == 1:
            return ""
        details = index.details(hit.iri, ui_lang)
        return " · ".join(part for part in (details.kind, details.scheme) if part)

    annotated = []
    for letter, hits in groups:
        told = [(hit, telling(hit)) for hit in hits]
        same = Counter((hit.label, text) for hit, text in told)
        annotated.append((letter, [(hit, text if same[(hit.label, text)] == 1 else " · ".join(filter(None, (text, compact(hit.iri)))))
                                   for hit, text in told]))
    return Response(render_template("pages/index.html", lang=lang, groups=annotated), mimetype="text/html")


@bp.route("/<any(def, claim, source, example, agent, shapes):kind>/<name>")
def entity(kind: str, name: str) -> Response:
    """One IRI's page or data.

    :raise 404: the graph says nothing about the IRI
    :raise 406: the Accept header allows none of the offered representations
    """
    return _serve(f"{kind}/{name}")


@bp.route("/ontology")
@bp.route("/ontology<any('.html', '.ttl', '.jsonld', '.rdf', '.nt'):suffix>")
@bp.route("/ontology/<path:name>")
def ontology(name: str = "", suffix: str = "") -> Response:
    """The ontology's IRI, its modules' IRIs (``ontology/core``) and their version IRIs
    (``ontology/core/0.1.0``): a page for browsers, the whole ontology document for OWL tools."""
    return _serve("ontology" + (f"/{name}" if name else suffix))


def _serve(requested: str) -> Response:
    path, media_type = _split_suffix(requested)
    iri = _service().settings.base_iri + path
    if not all(is_path_segment(part) and part for part in path.split("/")):  # no IRI of this dataset has such a path
        return Response(render_template("pages/not_found.html", iri=iri), status=404, mimetype="text/html")
    ontology = _ontologies().ontology_of(iri) if path.startswith("ontology") else None
    if media_type is None:
        if ontology is not None and "Accept" not in request.headers:
            # An OWL tool that does not negotiate (owlready2, Python's urllib) gets RDF/XML, the
            # one syntax every OWL tool reads; browsers always send Accept.
            media_type = "application/rdf+xml"
        else:
            media_type = request.accept_mimetypes.best_match(OFFERS, default="text/html") if request.accept_mimetypes else "text/html"
            if media_type is None or (request.headers.get("Accept") and request.accept_mimetypes[media_type] == 0):
                return _not_acceptable()
    if media_type == "text/html":
        if ontology is not None and ontology != iri:  # a version IRI: the page of the ontology it versions
            response = _html(ontology, ontology[len(_service().settings.base_iri):])
        else:
            response = _html(iri, path)
    elif ontology is not None:
        response = _ontology_document(ontology, media_type)
    else:
        response = _rdf(iri, media_type)
    response.vary.add("Accept")
    base = request.script_root + "/" + path
    links = [f'<{for_header(iri)}>; rel="canonical"'] + [
        f'<{for_header(base)}{suffix}>; rel="alternate"; type="{mt}"' for suffix, mt in SUFFIXES.items()
    ]
    response.headers["Link"] = ", ".join(links)
    response.headers["Content-Location"] = for_header(base) + next(s for s, mt in SUFFIXES.items() if mt == media_type)
    return response


def _ontologies() -> OntologyIndex:
    """The ontologies the store declares, found on first use (every time when updates are on)."""
    service = _service()
    index = current_app.extensions.get("bpograph.ontologies")
    if index is None or service.settings.update:
        index = current_app.extensions["bpograph.ontologies"] = OntologyIndex.build(service.select)
    return index


def _ontology_document(ontology: str, media_type: str) -> Response:
    """The module's triples and those of every module it imports, in one document."""
    index = _ontologies()
    modules = index.closure(ontology)
    answer = _service().construct(document_query(ontology, index.graphs(modules), modules), media_type)
    return Response(answer.body, content_type=media_type + ("; charset=utf-8" if media_type.startswith("text/") else ""))


def _split_suffix(name: str) -> tuple[str, str | None]:
    for suffix, media_type in SUFFIXES.items():
        if name.endswith(suffix):
            return name[: -len(suffix)], media_type
    return name, None


def _not_acceptable() -> Response:
    return Response("406 no acceptable representation; offered: " + ", ".join(OFFERS) + "\n", status=406, mimetype="text/plain")


def _rdf(iri: str, media_type: str) -> Response:
    service = _service()
    if not service.select("SELECT ?this WHERE { { ?this ?p ?o } UNION { ?s ?q ?this } } LIMIT 1", {"this": iri}):
        abort(404, description=f"nothing is known about <{iri}>")
    answer = service.construct(DESCRIBE, media_type, {"this": iri})
    return Response(answer.body, content_type=media_type + ("; charset=utf-8" if media_type.startswith("text/") else ""))


def _script_json(text: str) -> Markup:
    """JSON for a <script> element: the HTML parser sees raw text there, so escape what could close it."""
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _html(iri: str, path: str) -> Response:
    service = _service()
    model = describe_entity(service.select, iri, service.settings.base_iri)
    if model is None:
        return Response(render_template("pages/not_found.html", iri=iri), status=404, mimetype="text/html")
    data = _script_json(service.construct(DESCRIBE, "application/ld+json", {"this": iri}).body.decode("utf-8"))
    schema_org = _script_json(json.dumps(defined_term(model), ensure_ascii=False))
    lang = ui_language()
    diagram = neighbourhood(model.title(lang), "/" + path,
                            [(p.display(lang), href(p.iri)) for p in model.parents],
                            [(c.label(lang), href(c.iri)) for c in model.children],
                            STRINGS[lang]["diagram_neighbourhood"].format(label=model.title(lang)))
    return Response(
        render_template("pages/entity.html", e=model, languages=LANGUAGES, path=path, jsonld=data,
                        schema_org=schema_org, diagram=diagram, base=service.settings.base_iri),
        mimetype="text/html",
    )


@bp.app_template_filter("href")
def href(iri: str) -> str:
    """The link for an IRI: a path on this server for bpograph's own IRIs, the IRI itself otherwise."""
    base = _service().settings.base_iri
    if iri.startswith(base):
        return "/" + iri[len(base):]
    return iri if linkable(iri) else "#"


@bp.app_template_filter("compact")
def compact_filter(iri: str) -> str:
    """An IRI as a prefixed name where the prefix map has one (``bpo:CallCentre``)."""
    return compact(iri)


@bp.app_template_filter("linkable")
def linkable(iri: str) -> bool:
    """Whether a link to ``iri`` is safe to offer: http and https only (never javascript:, data:,
    file: or the like, which data may hold)."""
    return iri.lower().startswith(("http://", "https://"))


@bp.app_template_filter("is_local")
def is_local(iri: str) -> bool:
    return iri.startswith(_service().settings.base_iri)
