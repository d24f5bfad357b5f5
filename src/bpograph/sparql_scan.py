"""Finds the few SPARQL keywords the endpoint must act on before running a query: FROM and
FROM NAMED (the query brings its own dataset), SERVICE (a network call) and the update
operations. It skips strings, IRIs and comments; it is a lexer, not a parser, and the engine's
own parser still judges the syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""
      (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<comment>\#[^\n]*)
    | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
    | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()<>;,]*)?|:[^\s{}()<>;,]*)
    | (?P<other>\S)
    """,
    re.VERBOSE,
)

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})


@dataclass
class Scan:
    """What a query text contains, outside strings, IRIs and comments."""

    has_from: bool = False
    services: list[str] = field(default_factory=list)
    """The endpoint of each SERVICE clause: an IRI, or '?var' when it is a variable."""
    update_keywords: set[str] = field(default_factory=set)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    return [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text) if m.lastgroup != "comment"]


def add_using(update: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...]) -> str:
    """Give each DELETE/INSERT ... WHERE operation of ``update`` the protocol's dataset, as the
    USING / USING NAMED clauses the SPARQL 1.1 Protocol (2.2.3) says the parameters stand for.

    :raise ValueError: the update names its own dataset (WITH, USING), which the protocol forbids
        together with using-graph-uri / using-named-graph-uri.
    """
    if not default_graphs and not named_graphs:
        return update
    tokens = _tokens(update)
    words = [(v.upper(), start) for kind, v, start in tokens if kind == "word" and ":" not in v]
    if any(word in ("WITH", "USING") for word, _ in words):
        raise ValueError("the update names its own dataset (WITH or USING) and the request gives using-graph-uri or using-named-graph-uri")
    clauses = "".join(f"USING <{g}> " for g in default_graphs) + "".join(f"USING NAMED <{g}> " for g in named_graphs)
    depth = 0
    inserts: list[int] = []
    previous = ""
    for kind, value, start in tokens:
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
        elif kind == "word" and value.upper() == "WHERE" and depth == 0 and previous != "DELETE":
            inserts.append(start)
        if kind == "word":
            previous = value.upper()
    for start in reversed(inserts):
        update = update[:start] + clauses + update[start:]
    return update


#: Every keyword scan() acts on: a text without one of them anywhere needs no lexing.
_KEYWORDS = tuple(sorted(UPDATE_KEYWORDS | {"FROM", "SERVICE"}))


def scan(text: str) -> Scan:
    result = Scan()
    upper = text.upper()
    if not any(keyword in upper for keyword in _KEYWORDS):  # most queries: not even as substrings
        return result
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup != "comment"]
    for index, (kind, value) in enumerate(tokens):
        if kind != "word" or ":" in value:
            continue
        word = value.upper()
        if word == "FROM":
            result.has_from = True
        elif word == "SERVICE":
            following = [v for k, v in tokens[index + 1 : index + 3] if not (k == "word" and v.upper() == "SILENT")]
            target = following[0] if following else ""
            result.services.append(target[1:-1] if target.startswith("<") else target)
        elif word in UPDATE_KEYWORDS:
            result.update_keywords.add(word)
    return result
