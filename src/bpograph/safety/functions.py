"""Which functions a query may call on a remote store.

A store runs what its function IRIs name, and some name far more than SPARQL's: Virtuoso runs
``<bif:http_get>(url)`` (an HTTP fetch by the store, tried in ``tests/http/test_remote_backend.py``)
and other built-ins of its SQL engine. So a query sent to a remote store may call only the
standard library: SPARQL's own keywords (STRLEN, REGEX...), the XPath functions and XSD casts.
Any other IRI followed by a bracket is refused, in every reading the lexer knows, unless it
stands where the grammar allows only a predicate with a list as its object (``?s ex:p (1 2)``:
in a group, after a subject or ';', not in a FILTER, BIND or solution modifier). Where that is
unclear the call is refused: a false refusal costs a rewrite, a missed call a fetch.
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


def check_functions(text: str, predeclared: dict[str, str], vocabularies: tuple[str, ...] = (),
                    tokens: list[lex.Token] | None = None) -> None:
    """Refuse a call of any function outside :data:`FUNCTION_NAMESPACES`.

    :param predeclared: prefixes the endpoint declares for every query (a query's own win).
    :param vocabularies: namespaces of well-known vocabularies (RDF, OWL, SKOS...): an IRI from
        one of them before a bracket is a predicate with a list (``owl:unionOf (…)``), never a
        store's function.
    :param tokens: the text's tokens, if the caller read them already (the other reading, with
        ``\\u`` escapes decoded, is read here).
    :raise Refused: with the function's IRI and where it is called.
    """
    if "(" not in text:
        return
    allowed = FUNCTION_NAMESPACES + vocabularies
    given = tokens
    for reading in _readings(text):
        tokens = given if given is not None and reading is text else lex.tokens(reading)
        prefixes = dict(predeclared)
        open_brackets: list[str] = []
        for index, token in enumerate(tokens):
            if token.kind in _OPENING:
                open_brackets.append(token.kind)
            elif token.kind in _CLOSING and open_brackets:
                open_brackets.pop()
            if token.kind == "word" and token.text.upper() == "PREFIX" and index + 2 < len(tokens):
                name, iri = tokens[index + 1], tokens[index + 2]
                if name.kind == "pname" and iri.kind == "iri":
                    prefixes[name.text.rstrip(":")] = lex.unescape(iri.text[1:-1])
            if token.kind not in ("iri", "pname") or index + 1 >= len(tokens) or tokens[index + 1].kind not in ("(", "()"):
                continue
            if index and tokens[index - 1].kind == "word" and tokens[index - 1].text.upper() == "PREFIX":
                continue
            if _predicate_before_list(tokens, index, open_brackets):
                continue
            called = _resolve(token, prefixes)
            if called is None or not called.startswith(allowed):
                name = f"<{called}>" if called else token.text
                raise Refused(f"{name} at {where(reading, token.start)} is not a standard function: a query to this "
                              "endpoint's store may call SPARQL's functions, the XPath functions (fn:, math:) and XSD "
                              "casts only")


_OPENING = {"{", "(", "[", "<<", "<<(", "{|"}
_CLOSING = {"}", ")", "]", ">>", ")>>", "|}"}
#: Tokens that a subject or a predicate can follow in a triple pattern: the start of a group or
#: a statement ('{', '.'), a subject, the end of a path step or group, or the ';' that starts the
#: next predicate. (A subject before a bracket starts a path: ``:a (:p)* ?x``.)
_BEFORE_PREDICATE = {"{", ".", "var", "iri", "pname", "bnode", "]", ")", ";", "/", "|", "^", "["}
#: Keywords after which, in the same clause, an IRI before a bracket is a call.
_EXPRESSION_KEYWORDS = {"FILTER", "BIND", "ORDER", "GROUP", "HAVING", "BY", "SELECT", "AS", "ASC", "DESC"}


def _predicate_before_list(tokens: list[lex.Token], index: int, open_brackets: list[str]) -> bool:
    """Whether the IRI at ``index`` is a term of a triple pattern followed by a bracket: a
    predicate with a list as its object (``?s ex:p (1 2)``) or a subject with a path group
    (``:a (:p)* ?x``). So: inside a group or a blank node's property list, outside any bracket
    of an expression, at a statement's start or after a subject or ';', and not in a FILTER,
    BIND or solution modifier."""
    if not open_brackets or open_brackets[-1] not in ("{", "[") or "{" not in open_brackets:
        return False
    if index == 0 or tokens[index - 1].kind not in _BEFORE_PREDICATE:
        return False
    depth = 0
    for back in range(index - 1, -1, -1):  # back to the start of this statement, nested groups skipped
        kind = tokens[back].kind
        if kind in _CLOSING:
            if kind == "}" and depth == 0:
                return True
            depth += 1
        elif kind in _OPENING:
            if depth == 0:
                return True
            depth -= 1
        elif depth == 0 and kind == ".":
            return True
        elif depth == 0 and kind == "word" and tokens[back].text.upper() in _EXPRESSION_KEYWORDS:
            return False
    return True


def _resolve(token: lex.Token, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return lex.unescape(token.text[1:-1])
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + local.replace("\\", "")
