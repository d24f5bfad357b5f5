"""What a query or an update must pass before the engine sees it.

- **No network**: SERVICE runs only against an allowlisted endpoint, written as a full IRI; LOAD
  is refused. The keyword is looked for in every reading the engine's parser could make
  (:func:`~bpograph.safety.sparql_lexer.keyword_sites`), not in one.
- **No crash**: nesting deeper than :data:`MAX_DEPTH` (the engine's parser recurses and would
  overflow its stack) and more than :data:`MAX_TOKENS` tokens outside VALUES and DATA blocks (long
  chains of joins, unions or operators are evaluated recursively) are refused.
- **Read-only**: the query operation runs no update.

Each refusal says what was wrong and where (line and column). The cheap cases cost no lexing: a
text that does not contain a keyword's letters cannot contain the keyword, and one with few
brackets and few characters cannot be too deep or too long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import BpographError
from . import sparql_lexer as lex
from .allowlist import Allowlist

#: Deepest nesting of brackets and unary operators a request may have. Real queries stay far
#: below; the engine's parser overflows an 8 MB stack at about 2,000 nested groups.
MAX_DEPTH = 128
#: Most tokens a request may have outside VALUES blocks and INSERT/DELETE DATA blocks.
MAX_TOKENS = 30_000

SERVICE = re.compile("service", re.IGNORECASE)
LOAD = re.compile("load", re.IGNORECASE)
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
#: Any keyword the query checks act on, as letters anywhere: a text without one needs no lexing
#: (plain substring tests on the upper-cased text: a regular expression alternation costs ten times more).
_TRIGGERS = tuple(sorted(UPDATE_KEYWORDS | {"FROM"}))
_OPENERS = {"{": "}", "(": ")", "[": "]", "<<": ">>", "<<(": ")>>", "{|": "|}"}
_CLOSERS = frozenset(_OPENERS.values())
_UNARY = frozenset({"!", "-", "+"})


class Refused(BpographError):
    """The request is refused; ``message`` says why and where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Checked:
    has_from: bool = False
    """The query names its own dataset (FROM / FROM NAMED)."""
    services: tuple[str, ...] = ()
    """The allowlisted endpoints its SERVICE clauses call."""


def where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _readings(text: str) -> list[str]:
    """The text, and (should the engine ever decode ``\\u`` escapes before parsing, as SPARQL 1.1
    once allowed) the text with them decoded."""
    decoded = lex.unescape(text)
    return [text] if decoded == text else [text, decoded]


def _sites(text: str, keyword: re.Pattern[str]) -> list[tuple[str, lex.Site]]:
    letters = keyword.pattern.upper()
    return [(reading, site) for reading in _readings(text) if letters in reading.upper()
            for site in lex.keyword_sites(reading, keyword)]


def _limits(text: str, tokens: list[lex.Token] | None) -> list[lex.Token] | None:
    """Refuse over-deep or over-long requests; return the tokens if they had to be read."""
    brackets = sum(map(text.count, "{([!-+"))
    if brackets <= MAX_DEPTH and len(text) <= MAX_TOKENS:
        return tokens
    tokens = tokens if tokens is not None else lex.tokens(text)
    depth = run = counted = 0
    data_depth: int | None = None  # the depth at which a VALUES or DATA block opened
    for index, token in enumerate(tokens):
        kind = token.kind
        if kind in _OPENERS:
            if data_depth is None and kind == "{" and _opens_data(tokens, index):
                data_depth = depth
            depth += 1
        elif kind in _CLOSERS:
            depth -= 1
            if data_depth is not None and depth <= data_depth:
                data_depth = None
        run = run + 1 if kind in _UNARY else 0
        if depth + run > MAX_DEPTH:
            raise Refused(f"the request nests deeper than {MAX_DEPTH} levels at {where(text, token.start)}; "
                          "flatten the nested groups, brackets or operators")
        if data_depth is None:
            counted += 1
            if counted > MAX_TOKENS:
                raise Refused(f"the request is too long: more than {MAX_TOKENS} terms and operators outside VALUES "
                              f"and DATA blocks (at {where(text, token.start)}); split it or move data into VALUES")
    return tokens


def _opens_data(tokens: list[lex.Token], index: int) -> bool:
    """Whether the brace at ``index`` opens a data block: ``INSERT DATA {``, ``VALUES ?x {`` or
    ``VALUES (?x ?y) {``."""
    back = index - 1
    if back < 0:
        return False
    if tokens[back].kind == "word" and tokens[back].text.upper() == "DATA":
        return True
    if tokens[back].kind == ")":
        back -= 1
        while back >= 0 and tokens[back].kind == "var":
            back -= 1
        if back < 0 or tokens[back].kind != "(":
            return False
    elif tokens[back].kind != "var":
        return False
    back -= 1
    return back >= 0 and tokens[back].kind == "word" and tokens[back].text.upper() == "VALUES"


def check_query(text: str, allowlist: Allowlist = Allowlist()) -> Checked:
    """Check a query for the query operation.

    :raise Refused: an update, a SERVICE not allowed, or a request too deep or too long.
    """
    tokens = _limits(text, None)
    words: list[lex.Token] | None = None
    upper = text.upper()
    if any(keyword in upper for keyword in _TRIGGERS):
        tokens = tokens if tokens is not None else lex.tokens(text)
        words = [t for t in tokens if t.kind == "word"]
        found = sorted({t.text.upper() for t in words} & UPDATE_KEYWORDS)
        if found:
            raise Refused(f"this endpoint is read-only: the query operation does not run updates ({', '.join(found)})")
    services: list[str] = []
    for reading, site in _sites(text, SERVICE):
        services.append(_allowed_endpoint(reading, site, allowlist))
    has_from = words is not None and any(t.text.upper() == "FROM" for t in words)
    return Checked(has_from=has_from, services=tuple(services))


def _allowed_endpoint(text: str, site: lex.Site, allowlist: Allowlist) -> str:
    """The endpoint a SERVICE site calls, if it is written plainly and allowlisted.

    :raise Refused: otherwise.
    """
    at = where(text, site.start)
    if not allowlist:
        target = _plain_target(text, site)
        named = f"SERVICE <{target}>" if target else "SERVICE"
        raise Refused(f"{named} is not allowed ({at}): this endpoint calls no other endpoint unless its operator "
                      "allowlists it (bpograph serve --allow-service URL)")
    target = _plain_target(text, site)
    if target is None:
        raise Refused(f"'{site.text}' at {at} could be read as SERVICE; with an allowlist, write SERVICE [SILENT] "
                      "<https://…> with the endpoint's full IRI, apart from other words")
    if not allowlist.allows(target):
        raise Refused(f"SERVICE <{target}> is not allowed ({at}): it is not on this endpoint's allowlist")
    return target


def _plain_target(text: str, site: lex.Site) -> str | None:
    """The IRI of ``SERVICE [SILENT] <iri>`` written plainly at ``site``, else None."""
    if not site.main or site.text.upper() != "SERVICE":
        return None
    pos = lex.skip_space(text, site.start + len("SERVICE"))
    token = lex.token_at(text, pos) if pos < len(text) else None
    if token is not None and token.kind == "word" and token.text.upper() == "SILENT":
        pos = lex.skip_space(text, token.end)
        token = lex.token_at(text, pos) if pos < len(text) else None
    if token is None or token.kind != "iri":
        return None
    return lex.unescape(token.text[1:-1])


def check_update(text: str) -> None:
    """Check an update (on a server that accepts updates).

    :raise Refused: LOAD or SERVICE anywhere, or a request too deep or too long.
    """
    _limits(text, None)
    for reading, site in _sites(text, LOAD):
        raise Refused(f"LOAD is refused ({where(reading, site.start)}): an update may not fetch data from the network")
    for reading, site in _sites(text, SERVICE):
        raise Refused(f"SERVICE is refused inside updates ({where(reading, site.start)})")


def add_using(update: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...]) -> str:
    """Give each DELETE/INSERT ... WHERE operation of ``update`` the protocol's dataset, as the
    USING / USING NAMED clauses the SPARQL 1.1 Protocol (2.2.3) says the parameters stand for.

    :raise Refused: the update names its own dataset (WITH, USING), which the protocol forbids
        together with using-graph-uri / using-named-graph-uri.
    """
    if not default_graphs and not named_graphs:
        return update
    tokens = lex.tokens(update)
    if any(t.kind == "word" and t.text.upper() in ("WITH", "USING") for t in tokens):
        raise Refused("the update names its own dataset (WITH or USING) and the request gives using-graph-uri or using-named-graph-uri")
    clauses = "".join(f"USING <{g}> " for g in default_graphs) + "".join(f"USING NAMED <{g}> " for g in named_graphs)
    depth = 0
    inserts: list[int] = []
    previous = ""
    for token in tokens:
        if token.kind == "{":
            depth += 1
        elif token.kind == "}":
            depth -= 1
        elif token.kind == "word" and token.text.upper() == "WHERE" and depth == 0 and previous != "DELETE":
            inserts.append(token.start)
        if token.kind == "word":
            previous = token.text.upper()
    for start in reversed(inserts):
        update = update[:start] + clauses + update[start:]
    return update
