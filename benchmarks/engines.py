"""In-process comparison of the two SPARQL engines bpograph could use: rdflib's own and
Oxigraph (pyoxigraph), on the benchmark query mixes, over the same data. This is the measurement
behind the choice of Oxigraph as the query engine (docs/benchmarks.md).

    python benchmarks/engines.py --triples 100000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import PER_UNIT  # noqa: E402
from mixes import MIXES  # noqa: E402

import random  # noqa: E402


def timed(run, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = tempfile.mktemp(suffix=".nt")
    import subprocess

    subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(args.triples), "-o", data], check=True)
    units = args.triples // PER_UNIT

    started = time.perf_counter()
    rdflib_graph = Dataset(default_union=True)
    rdflib_graph.parse(data, format="nt")
    rdflib_load = time.perf_counter() - started
    started = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES)
    ox_load = time.perf_counter() - started

    print(f"{args.triples:,} triples; load: rdflib {rdflib_load:.1f} s, Oxigraph {ox_load:.2f} s; median of {args.repeat} runs, ms\n")
    print("| mix | query | rdflib | Oxigraph | ratio |")
    print("|---|---|---|---|---|")
    for mix, make in MIXES.items():
        for name, query in make(units, random.Random(5)):
            r = timed(lambda: list(rdflib_graph.query(query)), args.repeat)
            o = timed(lambda: list(store.query(query)), args.repeat)
            print(f"| {mix} | {name} | {r:.1f} | {o:.2f} | {r / o:.0f}x |")


if __name__ == "__main__":
    main()
