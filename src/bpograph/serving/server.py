"""``bpograph serve``: a supervisor and pre-forked server processes.

The supervisor builds the store once, binds the listening socket and starts ``workers`` server
processes. Each one opens the on-disk store read-only, serves from it at once and copies it into
memory in the background (unless ``memory`` is off or the store is above ``memory_limit``;
:mod:`~bpograph.backends.oxigraph.copies`), and runs waitress
with the Flask app on the shared socket, so requests are spread over every core and no request
crosses to another process. The processes balance connections among themselves through a small
shared array of connection counts.

Queries run on threads of the server process (:class:`~bpograph.backends.oxigraph.runner.ThreadRunner`). When a
query outlives its time limit, its client gets a 503 at once, its thread drops to the idle
scheduling class, and the process *retires*, make-before-break: it says so, and the supervisor
starts a successor; meanwhile the process goes on serving, answering with ``Connection: close``;
once the successor serves, the process stops accepting, answers every request it has accepted
(each within its own time limit), closes each connection as it falls idle and exits, which ends
the runaway query. So the endpoint never has fewer serving processes than it should. The
supervisor replaces any process that dies. (With updates on, the one writer must release the
store first: it stops at once and its successor waits for the lock.)
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from ..backends import prepare_processes
from ..backends.base import StoreInfo
from ..config import Settings
from ..metrics import REPLACED
from ..processes import cpu_groups, die_with_parent, pin, restore_priority
from ..shared_state import IDLE_SLOT, SharedState

log = logging.getLogger(__name__)

#: Longest a retiring process waits for its requests in flight, beyond the time limit.
RETIRE_GRACE = 5.0
#: Longest a process's accept loop sleeps before it asks again whether it should accept.
ACCEPT_RECHECK = 0.02
#: Longest a retiring process waits for its successor before it stops accepting anyway.
SUCCESSOR_WAIT = 60.0
#: How long a retiring process waits for the first request of connections that have sent none.
FIRST_REQUEST_WAIT = 1.0
#: How often a retiring process looks for connections that fell idle.
SWEEP_INTERVAL = 0.02
#: A process that dies younger than this is restarted only after this pause.
CRASH_PAUSE = 2.0
READY, RETIRING, GO = "ready", "retiring", "go"


def listen(host: str, port: int) -> socket.socket:
    """The socket every server process accepts from, bound at once (so that a port in use is
    reported before the store is built) and listening once the first server process runs.

    :raise OSError: the address cannot be bound (port taken, unknown host).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


# ---------------------------------------------------------------- the server process


def _serve(settings: Settings, store: StoreInfo, prepared: object | None, sock: socket.socket, status: Connection,
           shared: SharedState, slot: int, cpus: frozenset[int] | None = None) -> None:
    """Entry point of one server process; ``shared.loads[slot]`` is where it posts its connection
    count and metrics row ``slot`` is where it counts; it runs on ``cpus`` (all, if None)."""
    die_with_parent()
    pin(cpus)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the supervisor, which stops us
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    logging.basicConfig(level=logging.WARNING, format="bpograph serve [%(process)d]: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    from waitress.server import create_server

    from ..backends import process_backend
    from ..web import create_app

    if not settings.allow_service and not settings.backend:  # (a remote store is reached over the network)
        _forbid_network()
    closing = threading.Event()  # from the first overrun: every answer says Connection: close
    stopping = threading.Event()  # once the successor serves: accept nothing more, drain, exit
    long_requests = _LongRequests(settings.threads)
    store, backend = process_backend(settings, store, prepared, on_overrun=closing.set, on_long=long_requests.change)
    shared.metrics.use_row(slot)
    shared.fairshare.use_row(slot)
    app = create_app(settings, store=store, backend=backend, shared=shared)
    server = create_server(app, sockets=[sock], threads=settings.threads, ident="bpograph")
    # a process that stopped accepting (the balance, below) polls again within ACCEPT_RECHECK, not
    # waitress's default second, so a connection never waits long for someone to accept it
    server.adj.asyncore_loop_timeout = ACCEPT_RECHECK  # (waitress's own option takes whole seconds only)
    long_requests.dispatcher = server.task_dispatcher
    server.channel_class = _channel_class(closing)
    _balance(server, shared.loads, slot, stopping)
    drain = settings.timeout + RETIRE_GRACE
    threading.Thread(target=_retire_when_asked, args=(closing, stopping, server, status, drain), daemon=True,
                     name="bpograph-retire").start()
    status.send(READY)
    after_start = getattr(backend, "after_start", None)
    if after_start is not None:  # the in-memory copy, made while the process already answers
        after_start()
    server.run()


class _LongRequests:
    """Gives each long query's request a request thread of its own while it lasts, so that the
    ``threads`` request threads stay free for short requests (more threads all the time cost a
    third of the throughput: the GIL changes hands more often)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.long = 0
        self.dispatcher = None
        self._lock = threading.Lock()

    def change(self, delta: int) -> None:
        with self._lock:
            self.long = max(0, self.long + delta)
            if self.dispatcher is not None:
                self.dispatcher.set_thread_count(self.threads + self.long)


def _forbid_network() -> None:
    """No network sockets for this process from now on (the listening socket is inherited):
    the second barrier behind the query guard, for servers with no SERVICE allowlist."""
    from ..safety import sandbox

    if not sandbox.available():
        log.warning("this system has no seccomp network filter: only the query guard keeps queries off the network")
        return
    sandbox.forbid_network()


def _balance(server, loads, slot: int, stopping: threading.Event) -> None:
    """Accept a connection only while this process holds no more than one connection above the
    least loaded process (least connections, as a proxy would balance). All processes poll one
    socket, and keep-alive clients stay with the process that accepted them: without this, one
    process could take every connection of a burst while the others idle."""
    readable = server.readable

    def balanced_readable() -> bool:  # waitress's loop asks before each poll
        if stopping.is_set():
            return False
        mine = len(server.active_channels)
        loads[slot] = mine
        return readable() and mine <= min(loads) + 1

    server.readable = balanced_readable


def _channel_class(retire: threading.Event):
    """waitress's connection class, changed in two ways for retiring: once ``retire`` (closing) is set,
    each response says ``Connection: close`` (and the connection closes after it); and each
    connection counts the requests it has served, so that the sweep can give one that has not
    asked anything yet the time to ask (its client may have connected a moment before)."""
    from waitress.channel import HTTPChannel
    from waitress.task import WSGITask

    class Task(WSGITask):
        def build_response_header(self):
            if retire.is_set():  # answer as if the client had asked to close, in HTTP/1.0 or 1.1
                self.request.headers["CONNECTION"] = "close"
            return super().build_response_header()

    class Channel(HTTPChannel):
        task_class = Task
        served = 0

        def service(self):
            super().service()
            self.served += 1

    return Channel


def _idle(channel, *, wait_for_first: bool) -> bool:
    """Whether nothing is asked of a connection: no request in progress or queued, nothing to
    send, and no bytes that the kernel holds for waitress to read (a request on its way is
    answered). While ``wait_for_first``, a connection that has served nothing yet does not count
    as idle: its client may have connected just before the retirement and be about to ask."""
    if channel.requests or channel.request is not None or channel.total_outbufs_len:
        return False
    if wait_for_first and channel.served == 0:
        return False
    try:
        return not channel.socket.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)  # b"": the client left
    except OSError:  # nothing to read (BlockingIOError), or the connection is broken
        return True


def _retire_when_asked(closing: threading.Event, stopping: threading.Event, server, status: Connection,
                       drain: float) -> None:
    """Wait for an overrun; ask for a successor; once the supervisor says it serves (or after
    :data:`SUCCESSOR_WAIT`), stop accepting, answer what was accepted (``drain`` seconds at
    most) and exit."""
    closing.wait()
    try:
        status.send(RETIRING)
        status.poll(SUCCESSOR_WAIT)  # the supervisor's GO: the successor serves
    except (OSError, EOFError):
        pass
    stopping.set()

    patience = time.monotonic() + FIRST_REQUEST_WAIT

    def sweep() -> None:  # runs on waitress's loop thread, between its reads and writes
        server.accepting = False
        wait_for_first = time.monotonic() < patience
        for channel in list(server.active_channels.values()):
            if _idle(channel, wait_for_first=wait_for_first):
                channel.will_close = True  # what waitress does to timed-out channels

    deadline = time.monotonic() + drain
    while time.monotonic() < deadline:
        server.trigger.pull_trigger(sweep)
        time.sleep(SWEEP_INTERVAL)
        if not server.active_channels:
            break
    os._exit(0)  # ends the runaway query's thread with the process


# ---------------------------------------------------------------- the supervisor


@dataclass(eq=False)
class _Process:
    process: multiprocessing.process.BaseProcess
    status: Connection
    slot: int
    group: int | None = None
    """Which of :attr:`Supervisor.groups` it runs on (None: on every CPU)."""
    retiring: bool = False
    listening: bool = True
    """Whether its status pipe is still read (until it says it retires, or closes)."""
    started: float = field(default_factory=time.monotonic)
    predecessor: _Process | None = None
    """The retiring process this one succeeds: told to stop once this one serves."""


class Supervisor:
    """Starts ``settings.workers`` server processes on ``sock`` and keeps that many serving."""

    def __init__(self, settings: Settings, store: StoreInfo, sock: socket.socket) -> None:
        self.settings = settings
        self.store = store
        self.sock = sock
        self.size = 1 if settings.update else settings.workers  # a store has one writer
        self.prepared: object | None = None
        """What the server processes open their store from (:func:`~bpograph.backends.prepare_processes`)."""
        self._context = multiprocessing.get_context("spawn")
        # connections per process slot, in shared memory (IDLE_SLOT while nobody serves from it, so
        # that nobody waits for it); a successor needs a slot of its own while its predecessor
        # drains, and may retire in turn
        self.shared = SharedState.create(settings, 4 * self.size)
        self._waiting: list[_Process] = []
        """Retiring processes whose successor waits for a free slot."""
        self.loads = self.shared.loads
        self._processes: list[_Process] = []
        self.groups = cpu_groups(self.size) if settings.pin_cpus else []
        """The CPUs of each server process: a successor takes its predecessor's, a new process the
        group fewest serving processes use."""
        self._stopping = False
        self._starting = True

    def _free_slot(self) -> int | None:
        used = {entry.slot for entry in self._processes}
        return next((slot for slot in range(len(self.loads)) if slot not in used), None)

    def _group_for(self, predecessor: _Process | None) -> int | None:
        if not self.groups:
            return None
        if predecessor is not None and predecessor.group is not None:
            return predecessor.group
        serving = [entry.group for entry in self._processes if not entry.retiring]
        return min(range(len(self.groups)), key=serving.count)

    def _spawn(self, slot: int | None = None, predecessor: _Process | None = None) -> _Process | None:
        slot = self._free_slot() if slot is None else slot
        if slot is None:  # every slot holds a process that serves or drains: start it when one ends
            if predecessor is not None:
                self._waiting.append(predecessor)
            return None
        # while the first processes start, their slots read 0, so that the first one ready does not
        # take every early connection; a successor's slot stays idle until it serves (else the
        # others, thinking it empty, would stop accepting while it starts)
        self.loads[slot] = 0 if self._starting else IDLE_SLOT
        group = self._group_for(predecessor)
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(self.settings, self.store, self.prepared, self.sock, child, self.shared, slot,
                                 None if group is None else self.groups[group]),
            name="bpograph-server", daemon=True)
        process.start()
        child.close()
        entry = _Process(process, parent, slot, group, predecessor=predecessor)
        if self._processes and not self._starting:
            self.shared.metrics.add(REPLACED)
        self._processes.append(entry)
        return entry

    def start(self, timeout: float = 120) -> None:
        """Start the processes and wait until each serves.

        :raise RuntimeError: a process exited or did not get ready in time.
        """
        self.prepared = prepare_processes(self.settings, self.store)
        entries = [self._spawn() for _ in range(self.size)]
        self._starting = False
        deadline = time.monotonic() + timeout
        for entry in entries:
            try:
                ready = entry.status.poll(max(deadline - time.monotonic(), 0)) and entry.status.recv() == READY
            except (EOFError, OSError):  # it exited before it was ready
                ready = False
            if not ready:
                self.stop()
                raise RuntimeError("a server process did not start; its error is above")

    def run(self) -> None:
        """Keep ``size`` processes serving until :meth:`stop` (or a signal) ends the loop."""
        while not self._stopping:
            waitables = {}
            for entry in self._processes:
                waitables[entry.process.sentinel] = entry
                if entry.listening:
                    waitables[entry.status] = entry
            for ready in wait(list(waitables), timeout=1.0):
                entry = waitables[ready]
                if self._stopping or entry not in self._processes:
                    continue
                if ready is entry.status:
                    self._read_status(entry)
                else:
                    self._exited(entry)

    def _exited(self, entry: _Process) -> None:
        entry.process.join()
        entry.status.close()
        self._processes.remove(entry)
        self.loads[entry.slot] = IDLE_SLOT
        while self._waiting:
            waiting = self._waiting.pop(0)
            if waiting in self._processes:
                self._spawn(predecessor=waiting)
                break
        if entry.retiring:
            if self.settings.update:
                self._spawn()  # a writer's successor had to wait for the store's lock
            return
        log.warning("server process %s exited with %s; starting another", entry.process.pid, entry.process.exitcode)
        if time.monotonic() - entry.started < CRASH_PAUSE:
            time.sleep(CRASH_PAUSE)  # it died young: do not restart in a tight loop
        self._spawn(predecessor=entry.predecessor)  # a successor that died still owes its predecessor a GO

    def _read_status(self, entry: _Process) -> None:
        try:
            message = entry.status.recv()
        except (EOFError, OSError):  # the process is gone; its sentinel says so too
            entry.listening = False
            return
        if message == READY:  # a replacement (the first processes' READY is read by start())
            log.warning("server process %s serves", entry.process.pid)
            if entry.predecessor is not None:
                self._tell_to_stop(entry.predecessor)
                entry.predecessor = None
        elif message == RETIRING and not entry.retiring:
            entry.retiring = True
            log.warning("server process %s retires after a runaway query; starting another", entry.process.pid)
            if self.settings.update:  # the store's one writer stops first; its successor follows
                self._tell_to_stop(entry)
            else:
                self._spawn(predecessor=entry)

    def _tell_to_stop(self, entry: _Process) -> None:
        entry.listening = False
        self.loads[entry.slot] = IDLE_SLOT
        try:
            entry.status.send(GO)
        except (OSError, EOFError):
            pass

    def stop(self) -> None:
        """Stop every server process (at once: a runaway query does not delay shutdown)."""
        self._stopping = True
        for entry in self._processes:
            if entry.process.is_alive():
                restore_priority(entry.process.pid)  # a thread on the idle class would die slowly
                entry.process.kill()
        for entry in self._processes:
            entry.process.join(timeout=5)
            entry.status.close()
        self._processes.clear()
        self.prepared = None
