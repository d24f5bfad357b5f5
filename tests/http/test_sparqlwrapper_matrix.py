"""SPARQLWrapper's whole matrix: every return-format constant it defines, for every query form,
over GET and POST. Each cell either answers in a format the client can parse, or (only where the
SPARQL specifications define no such serialization) gets a 406 that names the formats there are."""

from __future__ import annotations

import json
import urllib.error
import warnings
from xml.dom.minidom import Document

import pytest
from rdflib import OWL, RDF, RDFS, Graph
from SPARQLWrapper import GET, POST, SPARQLWrapper
from SPARQLWrapper.Wrapper import _allowedFormats

from bpograph.namespaces import BPO
from serving import on_both_backends

#: every test here holds on the embedded store and on Virtuoso
live_server, endpoint = on_both_backends()

QUERIES = {
    "SELECT": "SELECT ?kind ?label WHERE { ?kind skos:inScheme bpo:KindsScheme ; skos:prefLabel ?label } ORDER BY ?kind LIMIT 5",
    "ASK": "ASK { bpo:InboundCallCentre rdfs:subClassOf+ bpo:CallCentre }",
    "CONSTRUCT": "CONSTRUCT { ?c rdfs:subClassOf bpo:CallCentre } WHERE { ?c rdfs:subClassOf bpo:CallCentre }",
    "DESCRIBE": "DESCRIBE bpo:CallCentre",
}

#: What the SPARQL specifications define for each form: results in JSON, XML, CSV, TSV (the
#: CSV/TSV format covers only SELECT); graphs in any RDF syntax. N3 is read as Turtle, its subset;
#: SPARQLWrapper's XML and JSON constants ask graphs for RDF/XML and JSON-LD.
DEFINED = {
    "SELECT": {"json", "xml", "csv", "tsv"},
    "ASK": {"json", "xml"},
    "CONSTRUCT": {"json", "xml", "turtle", "n3", "rdf", "rdf+xml", "json-ld"},
    "DESCRIBE": {"json", "xml", "turtle", "n3", "rdf", "rdf+xml", "json-ld"},
}
RDFLIB_FORMAT = {"json": "json-ld", "json-ld": "json-ld", "xml": "xml", "rdf": "xml", "rdf+xml": "xml", "turtle": "turtle", "n3": "turtle"}

CELLS = [(form, fmt, method) for form in QUERIES for fmt in _allowedFormats for method in (GET, POST)]


def test_the_matrix_is_every_constant_sparqlwrapper_defines():
    assert set(_allowedFormats) == {"json", "xml", "turtle", "n3", "rdf", "rdf+xml", "csv", "tsv", "json-ld"}
    assert len(CELLS) == 72


def _ask(endpoint: str, form: str, fmt: str, method: str):
    client = SPARQLWrapper(endpoint)
    client.setQuery(QUERIES[form])
    client.setReturnFormat(fmt)
    client.setMethod(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper's note that it sends Accept: */*
        return client.query()


def _check_answer(form: str, fmt: str, result) -> None:
    media_type = result.info()["content-type"].split(";")[0]
    body = result.response.read()
    if form == "SELECT":
        if fmt == "json":
            assert media_type == "application/sparql-results+json"
            assert len(json.loads(body)["results"]["bindings"]) == 5
        elif fmt == "xml":
            assert media_type == "application/sparql-results+xml"
            from xml.dom.minidom import parseString

            assert len(parseString(body).getElementsByTagName("result")) == 5
        else:
            separator = "," if fmt == "csv" else "\t"
            lines = body.decode("utf-8").splitlines()
            assert media_type == ("text/csv" if fmt == "csv" else "text/tab-separated-values")
            assert len(lines) == 6 and lines[0].replace("?", "").split(separator) == ["kind", "label"]
    elif form == "ASK":
        if fmt == "json":
            assert json.loads(body)["boolean"] is True
        else:
            from xml.dom.minidom import parseString

            assert parseString(body).getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        graph = Graph().parse(data=body, format=RDFLIB_FORMAT[fmt])
        inbound = (BPO.InboundCallCentre, RDFS.subClassOf, BPO.CallCentre)
        assert inbound in graph if form == "CONSTRUCT" else (BPO.CallCentre, RDF.type, OWL.Class) in graph, body[:300]


@pytest.mark.parametrize(("form", "fmt", "method"), CELLS, ids=[f"{f}-{t}-{m}" for f, t, m in CELLS])
def test_sparqlwrapper_cell(endpoint, form, fmt, method):
    if fmt in DEFINED[form]:
        result = _ask(endpoint, form, fmt, method)
        _check_answer(form, fmt, result)
        # and SPARQLWrapper's own conversion accepts it
        converted = _ask(endpoint, form, fmt, method).convert()
        if fmt in ("json", "json-ld") and form in ("SELECT", "ASK"):
            assert isinstance(converted, dict)
        elif fmt == "xml" and form in ("SELECT", "ASK"):
            assert isinstance(converted, Document)
        elif form in ("CONSTRUCT", "DESCRIBE") and fmt in ("xml", "rdf", "rdf+xml"):
            assert isinstance(converted, Graph) and len(converted) >= 2
        else:
            assert converted
    else:
        with pytest.raises(urllib.error.HTTPError) as refused:
            _ask(endpoint, form, fmt, method)
        assert refused.value.code == 406
        message = refused.value.read().decode("utf-8")
        offered = {"application/sparql-results+json", "application/sparql-results+xml"} if form in ("SELECT", "ASK") \
            else {"text/turtle", "application/rdf+xml", "application/ld+json", "application/n-triples"}
        assert all(t in message for t in offered), message
        assert ("text/csv" in message) == (form == "SELECT"), message
        assert "format=json" in message and "Traceback" not in message


def test_readme_claims_what_the_matrix_shows():
    from pathlib import Path

    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8").split())
    assert "SELECT/ASK answers in SPARQL JSON, XML, CSV or TSV" not in readme
    assert "ASK in SPARQL JSON or XML" in readme

