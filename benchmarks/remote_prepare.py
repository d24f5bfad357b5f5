"""The front-end's own work per query over a remote store, in process: the text and dataset
that ``RemoteBackend.prepare`` and ``dataset`` make for each query of the lookup mix, with 21
served graphs and no store (nothing is sent).

    python benchmarks/remote_prepare.py              # this checkout
    python benchmarks/remote_prepare.py OTHER/src    # another checkout's code, to compare
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else str(HERE.parent / "src")
    sys.path[:0] = [source, str(HERE)]
    from bpograph.backends.base import QueryRequest
    from bpograph.backends.remote.backend import RemoteBackend
    from mixes import MIXES

    graphs = [f"https://w3id.org/bpograph/graph/module-{i}" for i in range(20)] + ["https://example.org/bench/graph"]
    backend = RemoteBackend(None, lambda: graphs, lambda *args: None)
    requests = [QueryRequest(query=query, base_iri="http://127.0.0.1:8000/sparql")
                for _, query in MIXES["lookup"](31_250, random.Random(11))]
    for request in requests:  # warm up
        backend.prepare(request)
        backend.dataset(request)
    rounds = 20_000
    started = time.perf_counter()
    for index in range(rounds):
        request = requests[index % len(requests)]
        backend.prepare(request)
        backend.dataset(request)
    print(f"{source}: {(time.perf_counter() - started) / rounds * 1e6:.1f} µs per lookup (prepare + dataset)")


if __name__ == "__main__":
    main()
