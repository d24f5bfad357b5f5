"""What the server processes of one endpoint share in memory: each client's fair share of query
time, the counters of ``/metrics`` and the connection count of each process slot."""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from typing import Any

from .config import Settings
from .metrics import Metrics
from .safety.fairshare import FairShare

#: What a load slot reads while no process serves from it: higher than any real count.
IDLE_SLOT = 2**31 - 1


@dataclass
class SharedState:
    fairshare: FairShare
    metrics: Metrics
    loads: Any
    """Connections per process slot (a shared array); :data:`IDLE_SLOT` where no process serves."""

    @classmethod
    def create(cls, settings: Settings, slots: int) -> SharedState:
        context = multiprocessing.get_context("spawn")
        return cls(FairShare(settings.client_budget, settings.client_concurrency, slots, context),
                   Metrics(slots + 1, context), context.RawArray("i", [IDLE_SLOT] * slots))

    def serving(self) -> int:
        return sum(1 for load in self.loads if load != IDLE_SLOT)
