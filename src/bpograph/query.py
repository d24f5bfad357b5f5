"""Runs one SPARQL protocol request against the store: read-only and SERVICE checks, the time
limit and the row cap. Raises QueryError with a message for the user; knows nothing of HTTP
frameworks."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .config import Settings
from .backends.base import Answer, Backend, DumpRequest, QueryRequest, StoreInfo, UpdateRequest
from .errors import BpographError
from .formats import Preferences
from .safety.allowlist import Allowlist
from .safety.query_guard import Refused, add_using, check_query, check_update


#: bpograph's own queries (pages, the label index) are bounded by their time limit, not by the
#: public row cap, which would silently cut a page or the search index short.
INTERNAL_MAX_ROWS = 1_000_000


class QueryError(BpographError):
    """A request the endpoint refuses; ``status`` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class QueryService:
    """The store, the backend that queries it and the settings that bound every query."""

    settings: Settings
    store: StoreInfo
    pool: Backend

    def time_limit(self, requested: str | None) -> float:
        """The time limit for one request: the server's, or the request's ``timeout`` if lower.

        :raise QueryError: ``requested`` is not a positive number of seconds.
        """
        if requested is None or requested == "":
            return self.settings.timeout
        try:
            seconds = float(requested)
        except ValueError:
            raise QueryError(f"timeout must be a number of seconds, like 2.5; got '{requested}'") from None
        if not math.isfinite(seconds) or seconds <= 0:
            raise QueryError(f"timeout must be a positive number of seconds; got '{requested}'")
        # a floor: every query stopped at its limit costs a thread, and in time a process
        return min(max(seconds, self.settings.min_timeout), self.settings.timeout)

    def __post_init__(self) -> None:
        self.allowlist = Allowlist.of(self.settings.allow_service)

    def check(self, query: str) -> bool:
        """Refuse what a read-only endpoint without network access must not run
        (:mod:`bpograph.safety.query_guard`).

        :return: whether the query brings its own dataset (FROM / FROM NAMED).
        :raise QueryError: an update, a SERVICE not allowlisted, or a query too deep or too long.
        """
        try:
            return check_query(query, self.allowlist).has_from
        except Refused as exc:
            raise QueryError(exc.message) from None

    def answer(
        self,
        query: str,
        preferences: Preferences,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
        timeout: str | None = None,
        base_iri: str | None = None,
        has_dataset: bool | None = None,
    ) -> Answer:
        """Run ``query``; the answer carries either the body or a 4xx/503 status and message.

        :param has_dataset: what :meth:`check` returned, if the caller checked the query already.
        :raise QueryError: the request is refused before it reaches the engine.
        """
        limit = self.time_limit(timeout)
        if has_dataset is None:
            has_dataset = self.check(query)
        request = QueryRequest(
            query=query,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            tabular=preferences.tabular.media_type if preferences.tabular else None,
            graph=preferences.graph.media_type if preferences.graph else None,
            max_rows=self.settings.max_rows,
            base_iri=base_iri,
            query_has_dataset=has_dataset,
        )
        return self.pool.run(request, limit)

    def apply_update(
        self,
        update: str,
        using_graphs: tuple[str, ...] = (),
        using_named_graphs: tuple[str, ...] = (),
        timeout: str | None = None,
        base_iri: str | None = None,
    ) -> Answer:
        """Apply an update on a server started with updates allowed.

        :raise QueryError: 403 when updates are off; 400 for LOAD, SERVICE or a dataset conflict.
        """
        if not self.settings.update:
            raise QueryError("this endpoint is read-only: updates are not accepted", 403)
        limit = self.time_limit(timeout)
        try:
            check_update(update)
            update = add_using(update, using_graphs, using_named_graphs)
        except Refused as exc:
            raise QueryError(exc.message) from None
        return self.pool.run(UpdateRequest(update, base_iri), limit)

    def select(self, query: str, bindings: dict[str, str] | None = None) -> list[dict[str, dict]]:
        """Run one of bpograph's own SELECT queries (pages, descriptions) and return its rows as
        SPARQL-JSON binding objects. Same workers, time limit and row cap as any query.

        :raise QueryError: the query failed or timed out.
        """
        import json

        from .formats import TABULAR

        answer = self._internal(QueryRequest(query=query, tabular=TABULAR[0].media_type, graph=None,
                                             max_rows=INTERNAL_MAX_ROWS, bindings=tuple((bindings or {}).items())))
        return json.loads(answer.body)["results"]["bindings"]

    def construct(self, query: str, media_type: str, bindings: dict[str, str] | None = None) -> Answer:
        """Run one of bpograph's own CONSTRUCT queries, serialised as ``media_type``."""
        return self._internal(QueryRequest(query=query, tabular=None, graph=media_type,
                                           max_rows=INTERNAL_MAX_ROWS, bindings=tuple((bindings or {}).items())))

    def dump(self, media_type: str) -> Answer:
        """The whole served dataset in ``media_type`` (TriG, N-Quads, JSON-LD, Turtle...)."""
        return self._internal(DumpRequest(media_type))

    def _internal(self, request: QueryRequest | DumpRequest) -> Answer:
        """Run one of bpograph's own requests within the server's time limit.

        :raise QueryError: it failed or timed out (with the answer's status and message).
        """
        answer = self.pool.run(request, self.settings.timeout)
        if answer.status != 200:
            raise QueryError(answer.message, answer.status)
        return answer
