"""A real parse of a query, without evaluating it: what the remote backend checks every query
with before it reaches the store, so that only standard SPARQL 1.1 does (a store's own syntax,
such as Virtuoso's ``DEFINE`` pragmas, is refused), and syntax errors read as they do on the
embedded store."""

from __future__ import annotations

import pyoxigraph as ox

from ...namespaces import SPARQL_PREFIXES
from ...syntax_errors import describe

_EMPTY = ox.Store()


def syntax_error(query: str, base_iri: str | None, ask: tuple[int, int] | None) -> str | None:
    """The error message for ``query`` if it is not SPARQL 1.1, else None.

    Oxigraph evaluates SELECT, CONSTRUCT and DESCRIBE lazily (nothing runs until the answer is
    read) but ASK at once; an ASK (``ask``: where its keyword is) is checked as the SELECT with
    the same body, so that the check never evaluates anything.
    """
    checked = query if ask is None else query[: ask[0]] + "SELECT (1 AS ?bpograph_ask)" + query[ask[1]:]
    try:
        _EMPTY.query(checked, base_iri=base_iri, prefixes=SPARQL_PREFIXES)
    except SyntaxError as exc:
        return describe(str(exc), query, declared=SPARQL_PREFIXES)
    except (OSError, ValueError, RuntimeError):
        return None  # parsed; the empty store had nothing to say about it
    return None


#: An operation that fails when it runs, put after an update's prologue (Oxigraph 0.5 takes no
#: prologue after a ";"): Oxigraph parses the whole update before it runs the first operation,
#: so the update is read but nothing of it is evaluated.
_FAILS_FIRST = " DROP GRAPH <urn:bpograph:parse-only> ; "


def update_syntax_error(update: str, base_iri: str | None) -> str | None:
    """The error message for ``update`` if it is not a SPARQL 1.1 update, else None. Nothing of
    it runs (see :data:`_FAILS_FIRST`), so an update that would be slow costs only its parse."""
    import re

    from ...safety import sparql_lexer as lex
    from ...syntax_errors import _offset

    found = lex.tokens(update)
    declarations = lex.prologue_end(found)
    at = found[declarations - 1].end if declarations else 0
    checked = update[:at] + _FAILS_FIRST + update[at:]
    try:
        ox.Store().update(checked, base_iri=base_iri, prefixes=SPARQL_PREFIXES)
    except SyntaxError as exc:
        def position(match: re.Match) -> str:  # where the error is in the update as the user wrote it
            offset = _offset(checked, int(match.group(1)), int(match.group(2)))
            offset = offset - len(_FAILS_FIRST) if offset >= at + len(_FAILS_FIRST) else min(offset, at)
            line = update.count("\n", 0, offset) + 1
            return f"error at {line}:{offset - (update.rfind(chr(10), 0, offset) + 1) + 1}:"

        error = re.sub(r"^error at (\d+):(\d+):", position, str(exc).strip())
        return describe(error, update, "SPARQL update", declared=SPARQL_PREFIXES)
    except (OSError, ValueError, RuntimeError):
        return None  # parsed; the first operation failed, as it always does
    return None

