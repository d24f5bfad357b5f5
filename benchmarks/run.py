"""Load test over HTTP: bpograph, rdflib-endpoint (the Python peer) and a hello-world floor on
the same WSGI server, in the same run, at concurrency 1 and 8, with wrk.

    python benchmarks/run.py --triples 1000000 --duration 10 > results.md
    python benchmarks/run.py --systems floor,floor-prefork,bpograph --peers > results.md   # issue 11's figures
    python benchmarks/run.py --systems floor,floor-prefork,minimal,bpograph,bpograph-unpinned --interleave
    python benchmarks/run.py --systems floor,floor-prefork,minimal,bpograph,bpograph-uncached --interleave --peers

Needs: wrk (Debian package), rdflib-endpoint and uvicorn (pip install -e '.[bench]').
Each system runs alone while it is measured (2 cores: wrk and the server share them); with
--interleave all run at once, idle but for the one measured.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import PER_UNIT  # noqa: E402
from mixes import requests  # noqa: E402

SHIPPED = sorted(str(p) for folder in ("ontology", "data", "shapes") for p in (ROOT / folder).glob("*.ttl"))


def wait(url: str, process: subprocess.Popen, seconds: float = 900) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process.poll() is not None:
            raise SystemExit(f"server exited early: {process.args}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return time.monotonic() - started
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


#: bpograph serve's defaults (2 processes x 4 threads) with the time limit and row cap on. wrk
#: sends everything from one address, which the fair share would throttle (4 queries at once, 60 s
#: of query time a minute): the benchmark measures speed, so it lifts those two limits.
BPOGRAPH = ["-m", "bpograph", "serve", "--timeout", "60", "--max-rows", "10000",
            "--client-concurrency", "1000", "--client-budget", "1000000"]

SYSTEMS = {
    # the floor as the issue defines it: hello world on waitress, one process, 8 threads
    "floor": lambda port, data: [str(HERE / "floor.py"), str(port)],
    # the same hello world pre-forked exactly as bpograph serve runs (2 processes x 4 threads)
    "floor-prefork": lambda port, data: [str(HERE / "floor.py"), str(port), "--processes", "2", "--threads", "4"],
    "bpograph": lambda port, data: [*BPOGRAPH, "--port", str(port), "--data", data],
    # one thread per process: less contention for the GIL, but a long query holds up its process
    "bpograph-1thread": lambda port, data: [*BPOGRAPH, "--port", str(port), "--data", data, "--threads", "1"],
    # every process may run on every CPU (bpograph serve --no-pin-cpus): the A/B of the CPU shares
    "bpograph-unpinned": lambda port, data: [*BPOGRAPH, "--port", str(port), "--data", data, "--no-pin-cpus"],
    # every query run again (bpograph serve --answer-cache 0): the engine's own speed, with no
    # answer kept between requests (wrk cycles through 400 distinct queries)
    "bpograph-uncached": lambda port, data: [*BPOGRAPH, "--port", str(port), "--data", data, "--answer-cache", "0"],
    # the minimal Flask + pyoxigraph endpoint on the same pre-forked waitress (benchmarks/minimal.py)
    "minimal": lambda port, data: [str(HERE / "minimal.py"), str(port), data, *SHIPPED],
    "rdflib-endpoint": lambda port, data: ["-m", "rdflib_endpoint", "serve", "--host", "127.0.0.1", "--port", str(port), *SHIPPED, data],
}


def start(system: str, port: int, data: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *SYSTEMS[system](port, data)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_wrk(url: str, paths_file: str, concurrency: int, duration: int) -> dict:
    env = {**os.environ, "BENCH_PATHS": paths_file}
    out = subprocess.run(
        ["wrk", f"-t{min(concurrency, 2)}", f"-c{concurrency}", f"-d{duration}s", "--timeout", "60s", "--latency",
         "-s", str(HERE / "mix.lua"), url],
        capture_output=True, text=True, env=env, timeout=duration + 120,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(pct: str) -> float:
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "errors": int(errors.group(1)) if errors else 0}


#: Where each system answers SPARQL (rdflib-endpoint serves it at the root).
ENDPOINT_PATH = {"rdflib-endpoint": "/"}


def paths_for(mix: str, units: int, endpoint_path: str, count: int = 400) -> str:
    handle, name = tempfile.mkstemp(suffix=".paths")
    with os.fdopen(handle, "w") as stream:
        for _, query in requests(mix, units, count):
            stream.write(endpoint_path + "?" + urllib.parse.urlencode({"query": query}) + "\n")
    return name


def per_query(base: str, endpoint_path: str, units: int) -> dict[str, float]:
    """Seconds for each analytic query alone (concurrency 1, one run each, after the warm-up):
    a ratio that does not depend on how many slow queries fit into a wrk window."""
    seconds = {}
    for name, query in requests("analytic", units, 5):
        url = base + endpoint_path + "?" + urllib.parse.urlencode({"query": query})
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
        seconds[name] = time.monotonic() - started
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell; the median (by requests/s) is reported")
    parser.add_argument("--peers", action="store_true",
                        help="also each query alone against Virtuoso (installed with apt-get when absent), and the "
                             "store's import, start-up and memory against pyoxigraph's loader (benchmarks/queries.py, store.py)")
    parser.add_argument("--large", type=int, default=10_000_000, help="with --peers: the larger store of the start-up figures")
    parser.add_argument("--interleave", action="store_true",
                        help="start every system at once (each on its own port) and take the runs of each cell in "
                             "rounds, one run of every system per round: ratios from the same minutes of the VM")
    parser.add_argument("--per-query", action="store_true",
                        help="instead of the wrk mixes, time each analytic query alone on each system")
    args = parser.parse_args()

    data = tempfile.mktemp(suffix=".nt")
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(args.triples), "-o", data], check=True)
    units = max(1, args.triples // PER_UNIT)
    rows = []
    timings: dict[str, dict[str, float]] = {}
    if args.interleave:
        rows = interleaved(args.systems.split(","), args, data, units)
    for system in [] if args.interleave else args.systems.split(","):
        path = ENDPOINT_PATH.get(system, "/sparql")
        paths = {mix: paths_for(mix, units, path) for mix in ("lookup", "analytic")}
        started = time.monotonic()
        process = start(system, args.port, data)
        try:
            load = wait(f"http://127.0.0.1:{args.port}{path}?query=ASK%7B%7D", process)
            if system.startswith("bpograph"):  # measured once every process serves its in-memory copy
                from store import serving_from_memory

                serving_from_memory(args.port)
                load = time.monotonic() - started
            # warm-up, not recorded: every server process up, caches filled, for every system alike
            run_wrk(f"http://127.0.0.1:{args.port}", paths["lookup"], 8, 5)
            if args.per_query:
                timings[system] = per_query(f"http://127.0.0.1:{args.port}", path, units)
                print(f"{system:16} per query {timings[system]}", file=sys.stderr)
                continue
            for mix in ("lookup", "analytic"):
                for concurrency in (1, 8):
                    paths_file = paths[mix]
                    runs = sorted((run_wrk(f"http://127.0.0.1:{args.port}", paths_file, concurrency, args.duration)
                                   for _ in range(args.repeat)), key=lambda r: r["rps"])
                    result = runs[len(runs) // 2]
                    rows.append({"system": system, "mix": mix, "c": concurrency, "load_s": load, **result})
                    print(f"{system:16} {mix:9} c={concurrency} {result}", file=sys.stderr)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # rdflib-endpoint ignores SIGTERM while a query runs
                process.kill()
                process.wait()
    print(per_query_report(timings) if args.per_query else report(rows, args))
    if args.peers:
        from queries import compare
        from store import measure_sizes
        from store import report as store_report

        os.unlink(data)
        print("\n## Each query against Virtuoso\n")
        print(compare(args.triples))
        print("\n## Import, start-up and memory\n")
        print(store_report(measure_sizes((args.triples, args.large), args.port + 7)))


def interleaved(systems: list[str], args, data: str, units: int) -> list[dict]:
    """Every system up at once; each cell's runs in rounds of one run per system, so that a slower
    or faster minute of the VM falls on all of them alike."""
    ports = {system: args.port + 10 * i for i, system in enumerate(systems)}
    processes, loads = {}, {}
    try:
        for system in systems:
            started = time.monotonic()
            processes[system] = start(system, ports[system], data)
            wait(f"http://127.0.0.1:{ports[system]}{ENDPOINT_PATH.get(system, '/sparql')}?query=ASK%7B%7D", processes[system])
            if system.startswith("bpograph"):
                from store import serving_from_memory

                serving_from_memory(ports[system])
            loads[system] = time.monotonic() - started
        paths = {(system, mix): paths_for(mix, units, ENDPOINT_PATH.get(system, "/sparql"))
                 for system in systems for mix in ("lookup", "analytic")}
        for system in systems:  # warm-up, not recorded
            run_wrk(f"http://127.0.0.1:{ports[system]}", paths[system, "lookup"], 8, 5)
        rows = []
        for mix in ("lookup", "analytic"):
            for concurrency in (1, 8):
                runs: dict[str, list[dict]] = {system: [] for system in systems}
                for _ in range(args.repeat):
                    for system in systems:
                        runs[system].append(run_wrk(f"http://127.0.0.1:{ports[system]}", paths[system, mix],
                                                    concurrency, args.duration))
                for system in systems:
                    result = sorted(runs[system], key=lambda r: r["rps"])[args.repeat // 2]
                    rows.append({"system": system, "mix": mix, "c": concurrency, "load_s": loads[system], **result})
                    print(f"{system:18} {mix:9} c={concurrency} {result}", file=sys.stderr)
        return rows
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def per_query_report(timings: dict[str, dict[str, float]]) -> str:
    systems = list(timings)
    lines = ["| query | " + " | ".join(f"{s} s" for s in systems) + " | ratio |", "|---|" + "---|" * (len(systems) + 1)]
    names = list(next(iter(timings.values())))
    for name in [*names, "all five"]:
        values = [sum(t.values()) if name == "all five" else t[name] for t in timings.values()]
        ratio = f"{values[-1] / values[0]:.1f}x" if len(values) > 1 and values[0] else "n/a"
        lines.append(f"| {name} | " + " | ".join(f"{v:.2f}" for v in values) + f" | {ratio} |")
    return "\n".join(lines)


def report(rows: list[dict], args) -> str:
    lines = [f"Data: {args.triples:,} generated triples plus the shipped graph; {args.duration} s per run, "
             f"median of {args.repeat} runs per cell; wrk, GET.", "",
             "| system | start-up s | mix | concurrency | requests/s | p50 ms | p99 ms | non-2xx |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        latency = f"{r['p50']:.2f} | {r['p99']:.2f}" if r["rps"] else "– | –"  # nothing finished in the window
        lines.append(f"| {r['system']} | {r['load_s']:.0f} | {r['mix']} | {r['c']} | {r['rps']:.1f} | {latency} | {r['errors']} |")
    lines += ["", "| system | mix | concurrency | / rdflib-endpoint | / floor | / floor-prefork | / minimal |", "|---|---|---|---|---|---|---|"]
    by = {(r["system"], r["mix"], r["c"]): r for r in rows}

    def ratio(ours, other, percent=False):
        if not ours or not other or not other["rps"]:
            return "n/a"
        if percent and ours["mix"] != "lookup":  # the floor answers no query: only lookups compare
            return "–"
        return f"{100 * ours['rps'] / other['rps']:.0f}%" if percent else f"{ours['rps'] / other['rps']:.2f}x"

    for system in ("bpograph", "bpograph-uncached", "bpograph-1thread", "bpograph-unpinned", "minimal"):
        for mix in ("lookup", "analytic"):
            for c in (1, 8):
                ours = by.get((system, mix, c))
                if ours:
                    lines.append(f"| {system} | {mix} | {c} | {ratio(ours, by.get(('rdflib-endpoint', mix, c)))} | "
                                 f"{ratio(ours, by.get(('floor', mix, c)), True)} | {ratio(ours, by.get(('floor-prefork', mix, c)), True)} | "
                                 f"{ratio(ours, by.get(('minimal', mix, c)))} |")
    floor = [(system, c, by.get((system, "lookup", c)), by.get(("floor", "lookup", c)))
             for system in ("bpograph", "bpograph-uncached") for c in (1, 8)]
    if any(ours and other for _, _, ours, other in floor):
        lines += ["", "| issue 11 target | measured | met |", "|---|---:|---|"]
        for system, c, ours, other in floor:
            if ours and other and other["rps"]:
                target = 0.8 if c == 1 else 1.2
                value = ours["rps"] / other["rps"]
                lines.append(f"| {system} lookups at concurrency {c} >= {target}x the floor | {value:.2f}x | "
                             f"{'yes' if value >= target else 'no'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
