"""The floor: a hello-world Flask app on the same WSGI server (waitress) as bpograph.

    python benchmarks/floor.py PORT                  # one process, 8 threads
    python benchmarks/floor.py PORT --processes 2 --threads 4
                                                     # pre-forked on one socket, as bpograph serve runs
"""

import argparse
import multiprocessing
import signal
import socket
import sys

from flask import Flask
from waitress import serve

app = Flask(__name__)


@app.route("/sparql")
def hello():
    return '{"head": {"vars": []}, "results": {"bindings": []}}', 200, {"Content-Type": "application/sparql-results+json"}


def _serve(sock: socket.socket, threads: int) -> None:
    serve(app, sockets=[sock], threads=threads, ident="floor")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if args.processes == 1:
        serve(app, host="127.0.0.1", port=args.port, threads=args.threads, ident="floor")
        return
    prefork(args.port, args.processes, _serve, args.threads)


def prefork(port: int, processes: int, target, *args) -> None:
    """Run ``target(sock, *args)`` in ``processes`` spawned processes that accept on one loopback
    socket bound to ``port`` (the way bpograph serve runs); return when they end."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    # exit normally on SIGTERM, so that multiprocessing ends the daemon children with us
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=target, args=(sock, *args), daemon=True) for _ in range(processes)]
    for child in children:
        child.start()
    for child in children:
        child.join()


if __name__ == "__main__":
    main()
