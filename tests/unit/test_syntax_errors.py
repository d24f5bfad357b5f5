"""Syntax errors read as sentences: where, what surrounds the place, what would fit there; never
the parser's character classes or token names, never an empty list."""

import pyoxigraph as ox
import pytest

from bpograph.backends.base import QueryRequest, UpdateRequest
from bpograph.backends.oxigraph.engine import execute

BAD = {
    "LIMIT 10^26": ("SELECT * WHERE { ?s ?p ?o } LIMIT 10^26", "LIMIT 10^26"),
    "an unfinished pattern": ("SELECT * WHERE { ?s ?p ", "at the end of the text"),
    "a typo in a keyword": ("SELEC * WHERE {}", "SELEC"),
    "an unclosed string": ('SELECT * WHERE { ?s ?p "abc }', "expected"),
    "an IRI with a space": ("SELECT * WHERE { ?s <a b> ?o }", "an IRI that is not valid"),
    "a limit too large": ("SELECT ?x WHERE { ?s ?p ?o } LIMIT 99999999999999999999999999", "LIMIT must be a non-negative integer"),
    "GROUP BY with nothing": ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY", "expected one of"),
    "an unclosed FILTER": ("SELECT * WHERE {\n  ?s ?p ?o\n  FILTER(?o > 3\n}", "line 4"),
}


@pytest.mark.parametrize("name", BAD)
def test_syntax_errors_say_where_and_what_in_sparql_words(name):
    query, words = BAD[name]
    message = execute(ox.Store(), QueryRequest(query)).message
    assert message.startswith("SPARQL syntax error at line "), message
    assert words in message, message
    for raw in ("..=", "\\u{", "[_]", "['", "expected one of ,", "expected one of )", "FFF"):
        assert raw not in message, message
    assert len(message) < 400


@pytest.mark.parametrize("query", ["SELECT * WHERE { foo:x ?p ?o }", "SELECT * WHERE { ?s ?p foo:x }",
                                   "PREFIX bar: <http://e/> SELECT * WHERE { ?s bar:p foo:x }"])
def test_an_unknown_prefix_is_named(query):
    message = execute(ox.Store(), QueryRequest(query)).message
    assert "unknown prefix 'foo:' at line 1, column" in message, message


def test_update_errors_say_update():
    message = execute(ox.Store(), UpdateRequest("INSERT DATA { <a> <b> }")).message
    assert message.startswith("SPARQL update syntax error"), message
