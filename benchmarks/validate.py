"""Validating a researcher's small file: `bpograph validate FILE` against its peers, in one run.

    python benchmarks/validate.py --runs 5 > validate.md

Each row is a fresh process (what a user waits for), median of --runs:
- floor: `python -c pass` and `python -c "import bpograph.cli, pyshacl"` (interpreter and imports);
- bpograph: `bpograph validate FILE` with its default engine (pyshacl-turbo), and with
  `--engine pyshacl` (shapes' targets found by Oxigraph, pySHACL on those nodes);
- full pySHACL: the same data (shipped graph + FILE) and shapes through pySHACL alone, which
  finds every shape's targets over the whole graph (what bpograph validate did before);
- pyshacl-turbo: the same data and shapes through pyshacl-turbo's pySHACL-compatible API
  (pip install pyshacl-turbo; the row is left out when it is not installed or refuses the shapes).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
SMALL = """@prefix bpo: <https://w3id.org/bpograph/def/> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:acme a bpo:Organisation ; rdfs:label "Acme" .
ex:helpdesk-co a bpo:Organisation ; rdfs:label "Helpdesk Co" .
ex:deal a bpo:FrontOfficeBPO ; bpo:client ex:acme ; bpo:provider ex:helpdesk-co ;
    bpo:outsourcedActivity bpo:CustomerSupport ; bpo:deliveryModel bpo:Nearshore ;
    bpo:startDate "2025-01-01T00:00:00"^^xsd:dateTime .
ex:centre a bpo:CallCenter ; bpo:callDirecton bpo:Inbound ; bpo:hasSite ex:tartu ; bpo:operatedBy ex:helpdesk-co .
ex:tartu a bpo:Site ; bpo:countryCode "EE" .
"""

PEER = """
import sys
from pathlib import Path
from bpograph.dataset import load_graph
from bpograph.validate import knowledge_graph, shapes_graph
engine = sys.argv[1]
data = knowledge_graph() + load_graph([Path(sys.argv[2])])
if engine == "pyshacl":
    from pyshacl import validate
else:
    from pyshacl_turbo import validate
validate(data, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_infos=True, allow_warnings=True)
"""


def timed(command: list[str], runs: int) -> float | None:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if result.returncode not in (0, 1):
            print(f"<!-- {' '.join(command[:4])}: exit {result.returncode}: {result.stderr.strip()[-300:]} -->")
            return None
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "mine.ttl"
        small.write_text(SMALL, encoding="utf-8")
        rows = {
            "floor: python -c pass": timed([sys.executable, "-c", "pass"], args.runs),
            "floor: import bpograph.cli, pyshacl": timed([sys.executable, "-c", "import bpograph.cli, pyshacl"], args.runs),
            "bpograph validate FILE": timed([sys.executable, "-m", "bpograph", "validate", str(small)], args.runs),
            "bpograph validate FILE --engine pyshacl": timed([sys.executable, "-m", "bpograph", "validate", str(small), "--engine", "pyshacl"], args.runs),
            "full pySHACL (shipped graph + FILE)": timed([sys.executable, "-c", PEER, "pyshacl", str(small)], args.runs),
            "pyshacl-turbo (shipped graph + FILE)": timed([sys.executable, "-c", PEER, "turbo", str(small)], args.runs),
        }
    ours = rows["bpograph validate FILE"]
    print(f"Median of {args.runs} fresh processes; a small file of one's own ({len(SMALL.splitlines())} lines).\n")
    print("| run | seconds | bpograph's time ÷ this |")
    print("|---|---:|---:|")
    for name, seconds in rows.items():
        if seconds is None:
            print(f"| {name} | (did not run) | |")
        else:
            print(f"| {name} | {seconds:.2f} | {ours / seconds:.2f} |")


if __name__ == "__main__":
    main()
