"""Which functions a query may call on a remote store.

A store runs what its function IRIs name, and some name far more than SPARQL's: Virtuoso runs
``<bif:http_get>(url)`` (an HTTP fetch by the store, tried in ``tests/http/test_remote_backend.py``)
and other built-ins of its SQL engine. So a query sent to a remote store may call only the
standard library: SPARQL's own keywords (STRLEN, REGEX...), the XPath functions and XSD casts.
Any other IRI followed by a bracket is refused, in every reading the lexer knows; this also
refuses a list written straight after a predicate outside the well-known vocabularies
(``?s ex:p (1 2)``), which the message explains.
"""

from __future__ import annotations

from . import sparql_lexer as lex
from .query_guard import Refused, _readings, where

#: Namespaces whose IRIs may be called: the functions SPARQL 1.1 names (section 17.5, XSD casts)
#: and the XPath library that stores share.
FUNCTION_NAMESPACES = (
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.w3.org/2005/xpath-functions#",
    "http://www.w3.org/2005/xpath-functions/math#",
)


def check_functions(text: str, predeclared: dict[str, str], vocabularies: tuple[str, ...] = ()) -> None:
    """Refuse a call of any function outside :data:`FUNCTION_NAMESPACES`.

    :param predeclared: prefixes the endpoint declares for every query (a query's own win).
    :param vocabularies: namespaces of well-known vocabularies (RDF, OWL, SKOS...): an IRI from
        one of them before a bracket is a predicate with a list (``owl:unionOf (…)``), never a
        store's function.
    :raise Refused: with the function's IRI and where it is called.
    """
    if "(" not in text:
        return
    allowed = FUNCTION_NAMESPACES + vocabularies
    for reading in _readings(text):
        tokens = lex.tokens(reading)
        prefixes = dict(predeclared)
        for index, token in enumerate(tokens):
            if token.kind == "word" and token.text.upper() == "PREFIX" and index + 2 < len(tokens):
                name, iri = tokens[index + 1], tokens[index + 2]
                if name.kind == "pname" and iri.kind == "iri":
                    prefixes[name.text.rstrip(":")] = lex.unescape(iri.text[1:-1])
            if token.kind not in ("iri", "pname") or index + 1 >= len(tokens) or tokens[index + 1].kind not in ("(", "()"):
                continue
            if index and tokens[index - 1].kind == "word" and tokens[index - 1].text.upper() == "PREFIX":
                continue
            called = _resolve(token, prefixes)
            if called is None or not called.startswith(allowed):
                name = f"<{called}>" if called else token.text
                raise Refused(f"{name} at {where(reading, token.start)} is not a standard function: a query to this "
                              "endpoint's store may call SPARQL's functions, the XPath functions (fn:, math:) and XSD "
                              "casts only. (A list right after a predicate reads like a call: bind the list's "
                              "members with rdf:first and rdf:rest instead.)")


def _resolve(token: lex.Token, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return lex.unescape(token.text[1:-1])
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + local.replace("\\", "")
