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
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    # exit normally on SIGTERM, so that multiprocessing ends the daemon children with us
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_serve, args=(sock, args.threads), daemon=True) for _ in range(args.processes)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()


if __name__ == "__main__":
    main()
