"""The embedded store's own work, against pyoxigraph's loader, in one run:

- ``bpograph import`` of the generated file into a new persistent store, against pyoxigraph's
  on-disk ``Store.bulk_load`` of the same file (wall time and peak memory of each, a fresh
  process each), at two sizes, to show whether memory grows with the file;
- start-up to the first answer of ``bpograph serve --store DIR`` on the store the import built:
  the first start (which may write the dump for the in-memory copies) and a restart; and a
  floor, a bare Python process that opens the same store read-only and answers one ASK;
- resident memory of the largest server process after the start, per million triples.

    python benchmarks/store.py --triples 1000000 --large 10000000 > store.md
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from remote import rss_of_tree  # noqa: E402

BULK_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("https://example.org/bench/graph"))
store.flush()
"""
OPEN_ONLY = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
print(bool(store.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True)))
"""


def peak_of(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident GiB of ``command`` (a fresh process), the peak measured by
    GNU time."""
    started = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode:
        raise SystemExit(f"{command} failed: {done.stderr[-2000:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 2**20


def largest_process(pid: int) -> int:
    """Resident bytes of the largest process in the tree below ``pid`` (a server process)."""
    largest, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            largest = max(largest, rss_of_tree(current) - sum(
                rss_of_tree(int(c)) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()))
            pids.extend(int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split())
        except OSError:
            continue
    return largest


def serving_from_memory(port: int, seconds: float = 600) -> bool:
    """Wait until the server's processes answer from their in-memory copies (False: they stay
    on disk, above ``memory_limit``)."""
    import json

    deadline, seen = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and seen < 10:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            where = json.loads(response.read())["serving"]
        seen = seen + 1 if where == "in-memory copy" else 0
        time.sleep(0.05)
    return seen >= 10


def first_answer(store: Path, port: int, extra: tuple[str, ...] = ()) -> tuple[float, int, subprocess.Popen]:
    """Seconds from ``bpograph serve --store`` to its first SPARQL answer; the memory of its
    largest process."""
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "bpograph", "serve", "--port", str(port), "--store", str(store), *extra],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"
    while True:
        if process.poll() is not None:
            raise SystemExit("bpograph serve exited early")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                break
        except OSError:
            time.sleep(0.05)
    seconds = time.monotonic() - started
    return seconds, largest_process(process.pid), process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=60)


def measure(data: Path, work: Path, triples: int, port: int) -> dict[str, float]:
    facts: dict[str, float] = {}
    label = f"{triples / 1e6:g}M"
    store = work / f"import-{label}"
    facts[f"{label}: bpograph import s"], facts[f"{label}: bpograph import peak GiB"] = peak_of(
        [sys.executable, "-m", "bpograph", "import", str(data), "--graph", "https://example.org/bench/graph", "--store", str(store)])
    bulk = work / f"bulk-{label}"
    facts[f"{label}: pyoxigraph bulk_load s"], facts[f"{label}: pyoxigraph bulk_load peak GiB"] = peak_of(
        [sys.executable, "-c", BULK_LOAD, str(data), str(bulk)])
    shutil.rmtree(bulk, ignore_errors=True)
    facts[f"{label}: floor, open the store read-only s"] = peak_of([sys.executable, "-c", OPEN_ONLY, str(store)])[0]
    for start in ("first start", "restart"):
        started = time.monotonic()
        seconds, rss, process = first_answer(store, port)
        facts[f"{label}: serve --store, {start}, s to first answer"] = seconds
        if triples <= 2_000_000 and serving_from_memory(port):  # below memory_limit: the copies take over
            facts[f"{label}: serve --store, {start}, s until every process serves its in-memory copy"] = \
                time.monotonic() - started
            rss = largest_process(process.pid)
        stop(process)
        facts[f"{label}: serve --store, {start}, largest process RSS GiB"] = rss / 2**30
        facts[f"{label}: serve --store, {start}, largest process RSS GiB per million triples"] = rss / 2**30 / (triples / 1e6)
    return facts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--large", type=int, default=0, help="also a larger store (e.g. 10000000)")
    parser.add_argument("--port", type=int, default=18097)
    args = parser.parse_args()
    print(report(measure_sizes((args.triples, args.large), args.port)))


def measure_sizes(sizes, port: int = 18097) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="bpograph-bench-store-"))
    facts: dict[str, float] = {}
    try:
        for triples in (t for t in sizes if t):
            data = work / f"bench-{triples}.nt"
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(triples), "-o", str(data)], check=True)
            facts.update(measure(data, work, triples, port))
            data.unlink()
            for name, value in facts.items():
                print(f"{name}: {value:.2f}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return facts


def report(facts: dict[str, float]) -> str:
    lines = ["| measure | value |", "|---|---:|"]
    lines += [f"| {name} | {value:.2f} |" for name, value in facts.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
