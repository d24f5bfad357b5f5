"""Equivalent queries that Oxigraph 0.5 answers faster, written only where the answers are the same.

Two rewrites, both measured in ``benchmarks/queries.py`` and proven in
``tests/unit/test_plans.py`` (the W3C negation and exists suites and randomised queries, each
answered with and without the rewrite):

- **Whole-graph counts.** ``SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }`` over the union default
  graph scans every triple (0.18 s a million). A store that cannot change knows the answer: it
  was counted with the same query when the store was built (:class:`Facts`), so the query
  becomes ``SELECT (N AS ?n) WHERE {}``.
- **NOT EXISTS as MINUS, on the on-disk store.** Oxigraph evaluates ``FILTER NOT EXISTS { B }``
  once per solution, and on its on-disk store each evaluation is a RocksDB seek: 3-8x slower than
  ``MINUS { B }``, which reads B once. (In memory the seek is cheap and MINUS is slower, so the
  in-memory copies keep NOT EXISTS.) The two differ in general; they agree when
    - B is a basic graph pattern (triples and paths over variables, IRIs and literals: no
      filters, blank nodes, nested groups or calls), so that substituting a solution into B and
      joining B with it ask the same;
    - every variable of B that occurs elsewhere in the group is bound in every solution of the
      group (it occurs in one of the group's own triple patterns), and at least one does: MINUS
      removes nothing when the two sides share no variable, NOT EXISTS everything;
    - the group is not the right side of an OPTIONAL (its filters see the left side's
      variables), nor inside EXISTS, NOT EXISTS, MINUS, GRAPH or SERVICE.
  A filter applies to its whole group, so ``MINUS { B }`` goes to the end of the group, and the
  filter's place keeps an empty group ``{}`` (a join with one empty solution: no change).

Anything else is left as written. The rewritten text is parsed by Oxigraph like any query;
:func:`rewrite` returns None when nothing applies, and the caller runs the query as sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...safety import sparql_lexer as lex


@dataclass(frozen=True)
class Facts:
    """What a store that cannot change knows about itself, and which plans pay on it."""

    union_triples: int | None = None
    """``COUNT(*)`` of ``{ ?s ?p ?o }`` over the union default graph, or None if unknown."""
    not_exists_as_minus: bool = False
    """Whether to write NOT EXISTS as MINUS where equivalent (the on-disk store)."""


def rewrite(query: str, facts: Facts, union_default: bool) -> str | None:
    """``query`` rewritten as an equivalent, faster one, or None.

    :param union_default: whether the default graph is the union of all graphs (no dataset in
        the request or the query): the whole-graph count is known for that graph only.
    """
    upper = query.upper()
    count = facts.union_triples is not None and union_default and "COUNT" in upper
    minus = facts.not_exists_as_minus and "EXISTS" in upper
    if not (count or minus):
        return None
    tokens = lex.tokens(query)
    if count:
        counted = _whole_graph_count(query, tokens, facts.union_triples)
        if counted is not None:
            return counted
    return _not_exists_as_minus(query, tokens) if minus else None


def _upper(token: lex.Token) -> str:
    return token.text.upper() if token.kind == "word" else ""


def _whole_graph_count(query: str, tokens: list[lex.Token], total: int) -> str | None:
    """``SELECT (COUNT(*) AS ?n) [WHERE] { ?s ?p ?o [.] }`` with three distinct variables, and
    nothing after it, answered with the count."""
    start = lex.prologue_end(tokens)
    body = tokens[start:]
    shape = [t.kind if t.kind != "word" else t.text.upper() for t in body]
    head = ["SELECT", "(", "COUNT", "(", "*", ")", "AS", "var", ")"]
    if shape[:9] != head:
        return None
    rest = shape[9:]
    if rest[:1] == ["WHERE"]:
        rest = rest[1:]
    if rest not in (["{", "var", "var", "var", "}"], ["{", "var", "var", "var", ".", "}"]):
        return None
    where = [t for t in body[9:] if t.kind == "var"]
    names = {t.text[1:] for t in where}
    projected = body[7].text[1:]
    if len(names) != 3 or projected in names:
        return None
    return query[: body[0].start] + f"SELECT ({int(total)} AS {body[7].text}) WHERE {{}}"


#: Token kinds a basic graph pattern of B may hold (no blank nodes, brackets or calls).
_BGP = {"var", "iri", "pname", "string", "lang", "number", "^^", ".", ";", ",", "/", "|", "^", "*", "+", "?", "-"}
_BGP_WORDS = {"A", "TRUE", "FALSE"}
#: Words before a group whose filters are not its own, or whose evaluation is not a plain group.
_REFUSED_CONTEXTS = {"OPTIONAL", "EXISTS", "MINUS", "GRAPH", "SERVICE", "SILENT"}
#: Words a variable follows when it is not a triple pattern's term.
_NOT_PATTERN = {"GRAPH", "VALUES", "SERVICE", "SILENT", "AS"}
_OPEN = {"{", "(", "[", "<<", "<<(", "{|"}
_CLOSE = {"}", ")", "]", ">>", ")>>", "|}"}


def _brackets(tokens: list[lex.Token]) -> tuple[dict[int, int], dict[int, int]] | None:
    """Index of each opening bracket -> index of its closing one, and index of each token -> index
    of the bracket that holds it; None if the brackets do not nest."""
    pairs: dict[int, int] = {}
    parent: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if stack:
            parent[index] = stack[-1]
        if token.kind in _OPEN:
            stack.append(index)
        elif token.kind in _CLOSE:
            if not stack:
                return None
            pairs[stack.pop()] = index
    return (pairs, parent) if not stack else None


def _not_exists_as_minus(query: str, tokens: list[lex.Token]) -> str | None:
    found = _brackets(tokens)
    if found is None:
        return None
    pairs, parent = found
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in the text
    appended: dict[int, list[str]] = {}  # index of a group's '}' -> MINUS blocks to add before it
    for index in range(len(tokens) - 3):
        if not (_upper(tokens[index]) == "FILTER" and _upper(tokens[index + 1]) == "NOT"
                and _upper(tokens[index + 2]) == "EXISTS" and tokens[index + 3].kind == "{"):
            continue
        group = parent.get(index)
        if group is None or tokens[group].kind != "{" or not _plain_group(tokens, parent, group):
            continue
        inner_open = index + 3
        inner_close = pairs[inner_open]
        inner = tokens[inner_open + 1: inner_close]
        if not inner or any(t.kind not in _BGP and _upper(t) not in _BGP_WORDS for t in inner):
            continue
        inner_vars = {t.text[1:] for t in inner if t.kind == "var"}
        certain, elsewhere = _group_variables(tokens, parent, group, pairs[group], (index, inner_close))
        shared = inner_vars & elsewhere
        if not shared or not shared <= certain:
            continue
        block = query[tokens[inner_open].start: tokens[inner_close].end]
        edits.append((tokens[index].start, tokens[inner_close].end, "{}"))
        appended.setdefault(pairs[group], []).append(f"MINUS {block}")
    if not edits:
        return None
    for close, blocks in appended.items():
        at = tokens[close].start
        edits.append((at, at, " " + " ".join(blocks) + " "))
    text = query
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _plain_group(tokens: list[lex.Token], parent: dict[int, int], group: int) -> bool:
    """Whether the group opened at ``group`` and every group around it is a plain one (not an
    OPTIONAL's, an EXISTS', a MINUS', a GRAPH's or a SERVICE's, nor in an expression)."""
    current: int | None = group
    while current is not None:
        if tokens[current].kind != "{":
            return False  # inside brackets: an expression, a list
        before = current - 1
        if before >= 0 and tokens[before].kind in ("var", "iri", "pname"):
            before -= 1  # GRAPH ?g {, SERVICE <x> {
        if before >= 0 and _upper(tokens[before]) in _REFUSED_CONTEXTS:
            return False
        current = parent.get(current)
    return True


def _group_variables(tokens, parent, group: int, close: int, skip: tuple[int, int]) -> tuple[set[str], set[str]]:
    """The variables bound in every solution of the group (terms of its own triple patterns), and
    every variable that occurs in the group outside the tokens ``skip`` (first, last)."""
    certain: set[str] = set()
    elsewhere: set[str] = set()
    for index in range(group + 1, close):
        token = tokens[index]
        if token.kind != "var" or skip[0] <= index <= skip[1]:
            continue
        name = token.text[1:]
        elsewhere.add(name)
        if parent.get(index) == group and not (index and _upper(tokens[index - 1]) in _NOT_PATTERN):
            certain.add(name)
    return certain, elsewhere
