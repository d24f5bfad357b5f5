"""bpograph over a real triple store, against that store's own endpoint, in one run:

- load time: ``bpograph import --backend`` (streamed to Virtuoso's Graph Store endpoint, staged,
  then added) vs Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run``), each into a fresh
  scratch database;
- the front-end with its default dataset (the graphs it serves, sent with each query) and with
  ``BPOGRAPH_BACKEND_UNION=store`` (none sent);
- the lookup and analytic mixes (benchmarks/mixes.py) with wrk at concurrency 1 and 8, on
  Virtuoso's own /sparql and on a ``bpograph serve --backend`` front-end over the same store,
  and on the embedded on-disk store (``bpograph serve --store DIR --on-disk``);
- the front-end's memory (RSS of the whole process tree), which must not grow with the data.

    python benchmarks/remote.py --triples 10000000 --duration 10 > remote.md

Needs wrk and virtuoso-opensource from Debian (installed here with apt-get when absent, as root)
and the generator's pyoxigraph. Everything listens on loopback only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from generate import PER_UNIT  # noqa: E402
from run import paths_for, run_wrk, wait  # noqa: E402

GRAPH = "https://example.org/bench/graph"


def ensure_installed() -> None:
    missing = [p for p, binary in (("virtuoso-opensource", "virtuoso-t"), ("wrk", "wrk")) if not shutil.which(binary)]
    if missing:
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)


def rss_of_tree(pid: int) -> int:
    """Resident bytes of ``pid`` and every process below it."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pids.extend(int(c) for c in children)
        except OSError:
            continue
    return total


def isql(virtuoso, *statements: str, timeout: float = 7200) -> float:
    started = time.monotonic()
    script = "".join(s.rstrip(";") + ";\n" for s in statements)
    subprocess.run(["isql-vt", str(virtuoso.sql), "dba", "dba"], input=script, text=True, check=True,
                   stdout=subprocess.DEVNULL, timeout=timeout)
    return time.monotonic() - started


def bpograph(*args: str, env: dict[str, str] | None = None, timeout: float = 7200) -> float:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bpograph", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    if done.returncode:
        raise SystemExit(f"bpograph {' '.join(args)} failed: {done.stderr}")
    return time.monotonic() - started


def measure(name: str, base: str, paths: dict[str, str], duration: int, repeat: int, rows: list) -> None:
    run_wrk(base, paths["lookup"], 8, 5)  # warm-up, not recorded
    for mix in ("lookup", "analytic"):
        for concurrency in (1, 8):
            runs = sorted((run_wrk(base, paths[mix], concurrency, duration) for _ in range(repeat)), key=lambda r: r["rps"])
            result = runs[len(runs) // 2]
            rows.append({"system": name, "mix": mix, "c": concurrency, **result})
            print(f"{name:22} {mix:9} c={concurrency} {result}", file=sys.stderr)


def main() -> None:
    from virtuoso import running_virtuoso

    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=10_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--buffers", type=int, default=680_000, help="Virtuoso's page cache, 8 KB pages (680k: 5.2 GiB)")
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--port", type=int, default=18090)
    args = parser.parse_args()
    ensure_installed()

    work = Path(tempfile.mkdtemp(prefix="bpograph-bench-remote-"))
    data = work / "data" / "bench.nt"
    data.parent.mkdir()
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(args.triples), "-o", str(data)], check=True)
    units = max(1, args.triples // PER_UNIT)
    paths = {mix: paths_for(mix, units, "/sparql") for mix in ("lookup", "analytic")}
    rows: list[dict] = []
    facts: dict[str, float] = {}
    try:
        # 1. Virtuoso's own bulk loader, into a scratch database of its own
        with running_virtuoso(work / "bulk", buffers=args.buffers, allowed=(str(data.parent),)) as store:
            facts["virtuoso bulk load s"] = isql(
                store, f"ld_dir('{data.parent}', 'bench.nt', '{GRAPH}')", "rdf_loader_run()", "checkpoint")
        # 2. bpograph import --backend into another, then the mixes on both endpoints of that store
        with running_virtuoso(work / "front", buffers=args.buffers) as store:
            env = store.environment
            port = args.port
            front = subprocess.Popen([sys.executable, "-m", "bpograph", "serve", "--port", str(port), "--backend", store.sparql,
                                      "--timeout", "60", "--max-rows", "10000", "--client-concurrency", "1000",
                                      "--client-budget", "1000000"], env={**os.environ, **env},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                facts["front-end start-up s (loads the shipped graph)"] = wait(f"http://127.0.0.1:{port}/healthz", front)
                facts["front-end RSS before import MiB"] = rss_of_tree(front.pid) / 2**20
                facts["bpograph import --backend s"] = bpograph("import", str(data), "--graph", GRAPH, "--backend",
                                                                store.sparql, env=env)
                time.sleep(2)
                measure("virtuoso /sparql", f"http://127.0.0.1:{store.http}", paths, args.duration, args.repeat, rows)
                measure("bpograph --backend", f"http://127.0.0.1:{port}", paths, args.duration, args.repeat, rows)
                facts["front-end RSS after the mixes MiB"] = rss_of_tree(front.pid) / 2**20
            finally:
                front.terminate()
                front.wait(timeout=30)
            # the same front-end with the store's own default graph (no dataset sent with each query)
            union = subprocess.Popen([sys.executable, "-m", "bpograph", "serve", "--port", str(port), "--backend", store.sparql,
                                      "--timeout", "60", "--max-rows", "10000", "--client-concurrency", "1000",
                                      "--client-budget", "1000000"],
                                     env={**os.environ, **env, "BPOGRAPH_BACKEND_UNION": "store"},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait(f"http://127.0.0.1:{port}/healthz", union)
                measure("bpograph --backend, store union", f"http://127.0.0.1:{port}", paths, args.duration, args.repeat, rows)
            finally:
                union.terminate()
                union.wait(timeout=30)
        # 3. the embedded on-disk store with the same data
        if not args.skip_embedded:
            store_dir = work / "embedded"
            # built by serve --data (Oxigraph's bulk loader), not bpograph import, whose memory grows
            # with the file (issue 11): 10M triples would not fit beside Virtuoso
            embedded = subprocess.Popen([sys.executable, "-m", "bpograph", "serve", "--port", str(args.port + 1),
                                         "--store", str(store_dir), "--data", str(data), "--on-disk", "--timeout", "60",
                                         "--max-rows", "10000", "--client-concurrency", "1000", "--client-budget", "1000000"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                facts["embedded on-disk build and start-up s"] = wait(f"http://127.0.0.1:{args.port + 1}/healthz", embedded, 7200)
                measure("bpograph embedded on-disk", f"http://127.0.0.1:{args.port + 1}", paths, args.duration,
                        args.repeat, rows)
                facts["embedded RSS after the mixes MiB"] = rss_of_tree(embedded.pid) / 2**20
            finally:
                embedded.terminate()
                embedded.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(report(rows, facts, args))


def report(rows: list[dict], facts: dict[str, float], args) -> str:
    lines = [f"Data: {args.triples:,} generated triples (plus the shipped graph for bpograph); {args.duration} s per "
             f"run, median of {args.repeat} runs per cell; wrk, GET; Virtuoso 7 from Debian, "
             f"{args.buffers * 8 // 1024} MiB page cache.", "",
             "| measure | value |", "|---|---|"]
    lines += [f"| {name} | {value:,.1f} |" for name, value in facts.items()]
    if "virtuoso bulk load s" in facts and "bpograph import --backend s" in facts:
        lines.append(f"| import / bulk loader | {facts['bpograph import --backend s'] / facts['virtuoso bulk load s']:.2f}x |")
    lines += ["", "| system | mix | concurrency | requests/s | p50 ms | p99 ms | non-2xx |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['system']} | {r['mix']} | {r['c']} | {r['rps']:.1f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} |")
    by = {(r["system"], r["mix"], r["c"]): r for r in rows}
    lines += ["", "| mix | concurrency | Virtuoso / bpograph --backend (front-end overhead) | same, store union | "
              "embedded on-disk / Virtuoso |", "|---|---|---|---|---|"]
    for mix in ("lookup", "analytic"):
        for c in (1, 8):
            direct, front, union, embedded = (by.get((s, mix, c)) for s in (
                "virtuoso /sparql", "bpograph --backend", "bpograph --backend, store union", "bpograph embedded on-disk"))
            overhead = f"{direct['rps'] / front['rps']:.2f}x" if direct and front and front["rps"] else "n/a"
            overhead_union = f"{direct['rps'] / union['rps']:.2f}x" if direct and union and union["rps"] else "n/a"
            local = f"{embedded['rps'] / direct['rps']:.2f}x" if embedded and direct and direct["rps"] else "n/a"
            lines.append(f"| {mix} | {c} | {overhead} | {overhead_union} | {local} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
