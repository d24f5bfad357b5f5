"""Each query of the mixes alone, on bpograph and on Virtuoso, in one run, with ratios.

    python benchmarks/queries.py --triples 1000000 > queries.md

The same generated data goes to Virtuoso 7 (Debian's virtuoso-opensource, installed with
apt-get when absent, bulk-loaded with ``ld_dir`` + ``rdf_loader_run``) and to ``bpograph serve``
(in-memory copies; and ``--store DIR --on-disk``, the shared on-disk store), each with its answer
cache off (``--answer-cache 0``) so that every run evaluates the query; and with its defaults,
where every run after the warm-up is the same request again, replayed from the answer cache.
Each query runs over HTTP at concurrency 1: one warm-up, then ``--repeat`` timed runs, the
median reported. Virtuoso answers in its own default graph (everything it holds); bpograph in
its union default graph. Both must give the same count or row total, or the run stops.
Everything listens on loopback only.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from generate import PER_UNIT  # noqa: E402
from mixes import MIXES  # noqa: E402
from remote import GRAPH, ensure_installed, isql  # noqa: E402
from run import BPOGRAPH, wait  # noqa: E402
from store import serving_from_memory  # noqa: E402


def timed(endpoint: str, query: str, repeat: int) -> tuple[float, list]:
    """Median seconds of ``repeat`` runs (after one warm-up), and the answer's rows."""
    url = endpoint + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
    seconds = []
    rows: list = []
    for run in range(repeat + 1):
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=600) as response:
            body = response.read()
        if run:
            seconds.append(time.monotonic() - started)
        if "json" in response.headers.get("Content-Type", ""):
            rows = json.loads(body)["results"]["bindings"]
        else:  # N-Triples: one triple per line
            rows = [line for line in body.splitlines() if line.strip()]
    return statistics.median(seconds), rows


def answer_of(rows: list) -> str:
    """What two stores must agree on: a single count's value, else the number of rows."""
    if len(rows) == 1 and len(rows[0]) == 1:
        return next(iter(rows[0].values()))["value"]
    return f"{len(rows)} rows"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--buffers", type=int, default=340_000, help="Virtuoso's page cache, 8 KB pages")
    parser.add_argument("--port", type=int, default=18095)
    parser.add_argument("--data", help="an N-Triples file made by generate.py (default: generate one)")
    args = parser.parse_args()
    print(compare(args.triples, args.repeat, args.buffers, args.port, args.data))


def compare(triples: int, repeat: int = 5, buffers: int = 340_000, port: int = 18095, given: str | None = None) -> str:
    """The per-query table (Markdown) for ``triples`` generated triples (or the file ``given``)."""
    from virtuoso import running_virtuoso

    ensure_installed()
    work = Path(tempfile.mkdtemp(prefix="bpograph-bench-queries-"))
    data = work / "data" / "bench.nt"
    data.parent.mkdir()
    for folder in ("ontology", "data", "shapes"):  # Virtuoso gets the shipped graph too
        for shipped in (HERE.parent / folder).glob("*.ttl"):
            shutil.copyfile(shipped, data.parent / f"{folder}-{shipped.name}")
    if given:
        shutil.copyfile(given, data)
    else:
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(triples), "-o", str(data)], check=True)
    units = max(1, triples // PER_UNIT)
    queries = [(mix, name, query) for mix, make in MIXES.items() for name, query in make(units, random.Random(11))]
    results: dict[str, dict[str, float]] = {}
    answers: dict[str, dict[str, str]] = {}
    systems = {
        "bpograph": ["--data", str(data), "--answer-cache", "0"],
        "bpograph, asked again": ["--data", str(data)],
        "bpograph --on-disk": ["--store", str(work / "store"), "--data", str(data), "--on-disk", "--answer-cache", "0"],
    }
    try:
        with running_virtuoso(work / "virtuoso", buffers=buffers, allowed=(str(data.parent),)) as store:
            isql(store, f"ld_dir('{data.parent}', 'bench.nt', '{GRAPH}')", f"ld_dir('{data.parent}', '*.ttl', '{GRAPH}/shipped')",
                 "rdf_loader_run()", "checkpoint")
            for mix, name, query in queries:
                seconds, rows = timed(store.sparql, query, repeat)
                results.setdefault(name, {})["virtuoso"] = seconds
                answers.setdefault(name, {})["virtuoso"] = answer_of(rows)
                print(f"virtuoso {name}: {seconds * 1000:.1f} ms", file=sys.stderr)
        for system, extra in systems.items():
            process = subprocess.Popen([sys.executable, *BPOGRAPH, "--port", str(port), *extra],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait(f"http://127.0.0.1:{port}/healthz", process, 3600)
                if "--on-disk" not in extra:
                    serving_from_memory(port)  # timed once every process serves its in-memory copy
                for mix, name, query in queries:
                    seconds, rows = timed(f"http://127.0.0.1:{port}/sparql", query, repeat)
                    results[name][system] = seconds
                    answers[name][system] = answer_of(rows)
                    print(f"{system} {name}: {seconds * 1000:.1f} ms", file=sys.stderr)
            finally:
                process.terminate()
                process.wait(timeout=60)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report(queries, results, answers, triples, repeat)


def report(queries, results, answers, triples: int, repeat: int) -> str:
    lines = [f"Each query alone over HTTP, {triples:,} generated triples, median of {repeat} runs after a warm-up.", "",
             "| mix | query | Virtuoso ms | bpograph ms | ratio | asked again (answer cache) ms | ratio "
             "| bpograph --on-disk ms | ratio | answers |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for mix, name, _ in queries:
        cells = results[name]
        virtuoso = cells["virtuoso"]
        same = "same" if len(set(answers[name].values())) == 1 else " / ".join(f"{k}: {v}" for k, v in answers[name].items())
        lines.append(f"| {mix} | {name} | {virtuoso * 1000:.1f} | {cells['bpograph'] * 1000:.1f} | "
                     f"{cells['bpograph'] / virtuoso:.2f}x | {cells['bpograph, asked again'] * 1000:.1f} | "
                     f"{cells['bpograph, asked again'] / virtuoso:.2f}x | {cells['bpograph --on-disk'] * 1000:.1f} | "
                     f"{cells['bpograph --on-disk'] / virtuoso:.2f}x | {same} |")
    lines.append("")
    lines.append("A ratio is bpograph's time over Virtuoso's: below 1 bpograph is faster. Virtuoso's COUNT(*) "
                 "also counts its own system graphs. The bpograph and --on-disk columns evaluate the query on "
                 "every run (--answer-cache 0); \"asked again\" is bpograph's defaults, where each timed run "
                 "repeats the warm-up's request and is replayed from the answer cache (Virtuoso evaluates "
                 "every run).")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
