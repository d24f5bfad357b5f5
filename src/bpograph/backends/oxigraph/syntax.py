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
