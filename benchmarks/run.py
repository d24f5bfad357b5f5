"""Load test over HTTP: bpograph, rdflib-endpoint (the Python peer) and a hello-world floor on
the same WSGI server, in the same run, at concurrency 1 and 8, with wrk.

    python benchmarks/run.py --triples 1000000 --duration 10 > results.md

Needs: wrk (Debian package), rdflib-endpoint and uvicorn (pip install -e '.[bench]').
Each system runs alone while it is measured (2 cores: wrk and the server share them).
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


def start(system: str, port: int, data: str) -> subprocess.Popen:
    if system == "bpograph":
        cmd = [sys.executable, "-m", "bpograph", "serve", "--port", str(port), "--data", data,
               "--timeout", "60", "--max-rows", "10000", "--threads", "8", "--workers", "2"]
    elif system == "rdflib-endpoint":
        cmd = [sys.executable, "-m", "rdflib_endpoint", "serve", "--host", "127.0.0.1", "--port", str(port), *SHIPPED, data]
    else:
        cmd = [sys.executable, str(HERE / "floor.py"), str(port)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


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
ENDPOINT_PATH = {"bpograph": "/sparql", "floor": "/sparql", "rdflib-endpoint": "/"}


def paths_for(mix: str, units: int, endpoint_path: str, count: int = 400) -> str:
    handle, name = tempfile.mkstemp(suffix=".paths")
    with os.fdopen(handle, "w") as stream:
        for _, query in requests(mix, units, count):
            stream.write(endpoint_path + "?" + urllib.parse.urlencode({"query": query}) + "\n")
    return name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--systems", default="floor,bpograph,rdflib-endpoint")
    parser.add_argument("--port", type=int, default=18080)
    args = parser.parse_args()

    data = tempfile.mktemp(suffix=".nt")
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(args.triples), "-o", data], check=True)
    units = max(1, args.triples // PER_UNIT)
    rows = []
    for system in args.systems.split(","):
        path = ENDPOINT_PATH[system]
        paths = {mix: paths_for(mix, units, path) for mix in ("lookup", "analytic")}
        process = start(system, args.port, data)
        try:
            load = wait(f"http://127.0.0.1:{args.port}{path}?query=ASK%7B%7D", process)
            for mix in ("lookup", "analytic"):
                for concurrency in (1, 8):
                    paths_file = paths[mix]
                    result = run_wrk(f"http://127.0.0.1:{args.port}", paths_file, concurrency, args.duration)
                    rows.append({"system": system, "mix": mix, "c": concurrency, "load_s": load, **result})
                    print(f"{system:16} {mix:9} c={concurrency} {result}", file=sys.stderr)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # rdflib-endpoint ignores SIGTERM while a query runs
                process.kill()
                process.wait()
    print(report(rows, args))


def report(rows: list[dict], args) -> str:
    lines = [f"Data: {args.triples:,} generated triples plus the shipped graph; {args.duration} s per cell; wrk, GET.", "",
             "| system | start-up s | mix | concurrency | requests/s | p50 ms | p99 ms | non-2xx |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['system']} | {r['load_s']:.0f} | {r['mix']} | {r['c']} | {r['rps']:.1f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} |")
    lines += ["", "| mix | concurrency | bpograph / rdflib-endpoint | bpograph / floor |", "|---|---|---|---|"]
    by = {(r["system"], r["mix"], r["c"]): r for r in rows}
    for mix in ("lookup", "analytic"):
        for c in (1, 8):
            ours, peer, floor = by.get(("bpograph", mix, c)), by.get(("rdflib-endpoint", mix, c)), by.get(("floor", mix, c))
            vs_peer = f"{ours['rps'] / peer['rps']:.1f}x" if ours and peer and peer["rps"] else "n/a"
            vs_floor = f"{100 * ours['rps'] / floor['rps']:.0f}%" if ours and floor else "n/a"
            lines.append(f"| {mix} | {c} | {vs_peer} | {vs_floor} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
