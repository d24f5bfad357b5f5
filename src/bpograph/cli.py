"""The ``bpograph`` command: parses arguments, calls the modules that do the work, sets exit codes."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path

import click

from . import __version__
from .client import QUERY_FORMATS
from .config import Settings
from .errors import BpographError, InputError
from .export import EXPORT_FORMATS

# The commands import their heavy modules (pySHACL, rdflib's parsers) when they run: query
# worker processes re-import this module when they start, and should start fast.
REPORT_FORMATS = ("text", "json", "turtle")

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2


def _help(name: str, off: bool = False) -> str:
    """An option's help, from the settings table (one text for --help, the README and the code)."""
    text = dict((n, h) for n, _, h in Settings.table())[name]
    prefix = "Turns off this setting: " if off else ""
    return f"{prefix}{text} [setting {name}; BPOGRAPH_{name.upper()}]"


class _OneLineErrors(click.Group):
    """A bad argument gets one line on standard error (``bpograph import: missing option
    '--graph' (bpograph import --help says more)``) and exit status 2, not click's usage block."""

    def main(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - click's own signature
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:  # bare `bpograph`: the help, as click gives it
            click.echo(exc.ctx.get_help())
            sys.exit(EXIT_BAD_INPUT)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else "bpograph"
            message = exc.format_message().rstrip(".")
            click.echo(f"{command}: {message[:1].lower() + message[1:]} ({command} --help says more)", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("bpograph: aborted", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            click.echo(f"bpograph: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bpograph")
def main() -> None:
    """bpograph: a bilingual knowledge graph of business process outsourcing and call centres."""


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="How to write the report.",
)
@click.option("--engine", type=click.Choice(["auto", "turbo", "pyshacl"]), default="auto", show_default=True,
              help="SHACL engine: pyshacl-turbo (fast; its results equal pySHACL's on bpograph's shapes), pySHACL (the reference), or turbo where installed.")
def validate(files: tuple[Path, ...], fmt: str, engine: str) -> None:
    """Validate the shipped graph, or FILES (Turtle, N-Triples, RDF/XML, JSON-LD, TriG, N-Quads)
    against bpograph's SHACL shapes with its ontology.

    Exit status: 0 conforms (warnings and infos allowed), 1 violations, 2 unreadable input.
    """
    from .reporting import render
    from .validate import validate_files, validate_shipped

    from .validate import engine_name

    try:
        engine_name(engine)
    except ValueError as exc:
        click.echo(f"bpograph validate: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        report = validate_files(list(files), engine=engine) if files else validate_shipped(engine)
    except InputError as exc:
        click.echo(f"bpograph validate: cannot read {exc}", err=True)
        if fmt == "json":  # a program reading the report gets JSON that says what went wrong
            click.echo(json.dumps({"conforms": False, "error": {"file": exc.path, "line": exc.line, "reason": exc.reason}},
                                  ensure_ascii=False, indent=2))
        sys.exit(EXIT_BAD_INPUT)
    click.echo(render(report, fmt), nl=False)
    sys.exit(EXIT_OK if report.conforms else EXIT_VIOLATIONS)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(EXPORT_FORMATS)),
    default="trig",
    show_default=True,
    help="RDF format; trig, nquads and jsonld keep the named graphs.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (replaced only once the export is complete) instead of standard output.",
)
@click.option("--backend", "backend", metavar="URL", default=None,
              help="Dump every graph that bpograph serves from this remote store instead (its SPARQL endpoint).")
def export(fmt: str, output: Path | None, backend: str | None) -> None:
    """Dump the whole shipped dataset: ontology, data and shapes, one named graph per file (or
    every graph a remote store serves)."""
    from .dataset import load_shipped
    from .export import serialize_dataset

    try:
        payload = serialize_dataset(_remote_dataset(backend) if backend else load_shipped(), fmt)
    except BpographError as exc:
        click.echo(f"bpograph export: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    _emit(payload, output)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["sssom", "turtle", "jsonld"]), default="sssom", show_default=True,
              help="SSSOM TSV with its YAML metadata block, or the mapping triples as RDF.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file (replaced only once complete) instead of standard output.")
@click.option("--backend", "backend", metavar="URL", default=None,
              help="Read the mappings from the graphs this remote store serves (its SPARQL endpoint), shapes left out.")
def mappings(fmt: str, output: Path | None, backend: str | None) -> None:
    """Write bpograph's mappings to other vocabularies (the alignments module) as a mapping set."""
    from . import mappings as mapping_set
    from .validate import knowledge_graph

    if backend:
        from rdflib import Graph

        from .namespaces import GRAPH

        try:
            dataset = _remote_dataset(backend)
        except BpographError as exc:
            click.echo(f"bpograph mappings: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        graph = Graph()
        for part in dataset.graphs():
            if not str(part.identifier).startswith(str(GRAPH) + "shapes/"):
                graph += part
    else:
        graph = knowledge_graph()
    if fmt == "sssom":
        payload = mapping_set.as_sssom(graph, mapping_set.evidence(), mapping_set.mapping_date(graph)).encode("utf-8")
    else:
        payload = mapping_set.as_rdf(graph, "turtle" if fmt == "turtle" else "json-ld")
    _emit(payload, output)


@main.command()
@click.argument("query", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(path_type=Path, dir_okay=False), help="Read the query from this file.")
@click.option("--endpoint", "-e", help="A SPARQL endpoint URL; without it the shipped graph is queried in process.")
@click.option("--backend", "backend", metavar="URL", default=None,
              help="A remote store that bpograph serves (its SPARQL endpoint), queried as bpograph serve --backend would.")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True)
def query(query: str | None, query_file: Path | None, endpoint: str | None, backend: str | None, fmt: str) -> None:
    """Run a SPARQL QUERY (or --file) against the shipped graph or any --endpoint.

    Exit status: 0 answered, 1 the query was refused or is not valid SPARQL, 2 unreadable file or
    unreachable endpoint.
    """
    from .client import ClientError, run_backend, run_embedded, run_remote

    if (query is None) == (query_file is None):
        click.echo("bpograph query: give a query or --file, not both and not neither", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if query_file is not None:
        try:
            query = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            click.echo(f"bpograph query: cannot read {query_file}: {getattr(exc, 'strerror', None) or exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
    try:
        if endpoint and backend:
            raise ClientError("give --endpoint or --backend, not both", bad_query=False)
        answer = (run_remote(endpoint, query, fmt) if endpoint else run_backend(backend, query, fmt) if backend
                  else run_embedded(query, fmt))
    except ClientError as exc:
        click.echo(f"bpograph query: {exc}", err=True)
        sys.exit(EXIT_VIOLATIONS if exc.bad_query else EXIT_BAD_INPUT)
    sys.stdout.buffer.write(answer)
    sys.stdout.flush()


@main.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--graph", "graph", required=True, help="The IRI of the named graph to add the file to.")
@click.option("--replace", is_flag=True, help="Replace what the graph held (and any graph a TriG or N-Quads file names) with the file, in one transaction.")
@click.option("--store", "store_dir", type=click.Path(path_type=Path, file_okay=False), default="bpograph-store", show_default=True,
              help="The persistent store folder (made with the shipped graph if new); serve it with bpograph serve --store.")
@click.option("--backend", "backend", metavar="URL", default=None,
              help="Import into this remote store instead (its SPARQL endpoint; see bpograph serve --backend).")
def import_(file: Path, graph: str, replace: bool, store_dir: Path, backend: str | None) -> None:
    """Add an external ontology or dataset FILE (Turtle, RDF/XML, JSON-LD, N-Triples, TriG) to a
    persistent store (or a remote one) as the named graph --graph, and report what was added."""
    from .iri import is_iri

    if not is_iri(graph):
        click.echo(f"bpograph import: --graph '{graph}' is not an absolute IRI (like https://example.org/graph)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        if backend:
            from .backends.remote.loading import import_file as import_remote

            change, total = _remote("import", backend, lambda connection, base, progress: import_remote(
                connection, base, file, graph, replace=replace, progress=progress))
            store_dir = backend
        else:
            from .backends.oxigraph.store import import_file

            with _progress_bar("import") as progress:
                change, total = import_file(store_dir, file, graph, replace=replace, progress=progress)
    except BpographError as exc:
        click.echo(f"bpograph import: cannot import {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if replace:
        click.echo(f"bpograph import: replaced <{graph}> with {file} ({total} triples in the graph now) in {store_dir}")
    else:
        click.echo(f"bpograph import: added {change} triples to <{graph}> ({total} in the graph now) in {store_dir}")


@main.command()
@click.argument("graph")
@click.option("--store", "store_dir", type=click.Path(path_type=Path, file_okay=False), default="bpograph-store", show_default=True,
              help="The persistent store folder.")
@click.option("--backend", "backend", metavar="URL", default=None, help="Drop it from this remote store instead.")
def drop(graph: str, store_dir: Path, backend: str | None) -> None:
    """Remove the named graph GRAPH (an IRI) from a persistent store, in one transaction."""
    from .iri import is_iri

    if not is_iri(graph):
        click.echo(f"bpograph drop: '{graph}' is not an absolute IRI (like https://example.org/graph)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        if backend:
            from .backends.remote.loading import drop_graph as drop_remote

            removed = _remote("drop", backend, lambda connection, base, progress: drop_remote(connection, base, graph))
            store_dir = backend
        else:
            from .backends.oxigraph.store import drop_graph

            removed = drop_graph(store_dir, graph)
    except BpographError as exc:
        click.echo(f"bpograph drop: cannot drop {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"bpograph drop: removed <{graph}> ({removed} triples) from {store_dir}")


def _remote_dataset(url: str):
    """Every graph the remote store at ``url`` serves, as an rdflib Dataset.

    :raise InputError: the store cannot be used or does not answer.
    """
    from .backends import open_remote
    from .backends.base import Answer

    _, backend = open_remote(url)
    try:
        dataset = backend.dataset_of_graphs(Settings.from_env().timeout * 10)
    finally:
        backend.close()
    if isinstance(dataset, Answer):
        raise InputError(url, dataset.message)
    return dataset


def _remote(command: str, backend: str, work):
    """Run ``work(connection, base_iri, progress)`` against the remote store ``backend``, with a
    progress bar on a terminal; the store's failures become one-line InputErrors."""
    from .backends.remote import Connection, StoreError, StoreUnavailable, endpoints

    settings = Settings.from_env(backend=backend)
    connection = Connection(endpoints(settings))
    try:
        with _progress_bar(command) as progress:
            return work(connection, settings.base_iri, progress)
    except StoreUnavailable as exc:
        raise InputError(connection.endpoints.name, exc.message) from None
    except StoreError as exc:
        raise InputError(connection.endpoints.name, str(exc)) from None
    finally:
        connection.close()


def _serving_from(settings: Settings, copying) -> str:
    """How the server processes reach the data, for the start-up line."""
    if settings.backend:
        return ""
    return ", each copying the store into memory" if copying is not None else ", sharing the store on disk"


@contextlib.contextmanager
def _progress_bar(command: str):
    """A ``progress(done, total)`` callback that draws a bar on standard error when it is a
    terminal (and does nothing otherwise)."""
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label=f"bpograph {command}", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _emit(payload: bytes, output: Path | None) -> None:
    """Write ``payload`` to standard output, or whole to ``output``."""
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    else:
        _write_atomically(output, payload)


def _write_atomically(target: Path, payload: bytes) -> None:
    # Write beside the target and rename, so a failed export never leaves a truncated file.
    directory = target.resolve().parent
    try:
        handle, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        click.echo(f"bpograph export: cannot write {target}: {exc.strerror}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(tmp_name, target)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        click.echo(f"bpograph export: cannot write {target}: {exc.strerror}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.option("--host", default=None, help=_help("host"))
@click.option("--port", type=int, default=None, help=_help("port"))
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False),
              help=_help("data"))
@click.option("--named", "named", multiple=True, type=click.Path(dir_okay=False),
              help=_help("named"))
@click.option("--graph", "graphs", multiple=True, nargs=2, type=(str, click.Path(dir_okay=False)),
              metavar="IRI FILE", help=_help("graphs"))
@click.option("--no-default-data", is_flag=True, help=_help("default_data", off=True))
@click.option("--timeout", type=float, default=None, help=_help("timeout"))
@click.option("--max-rows", type=int, default=None, help=_help("max_rows"))
@click.option("--client-budget", type=click.FloatRange(min=0.1), default=None,
              help=_help("client_budget"))
@click.option("--client-concurrency", type=click.IntRange(min=1), default=None,
              help=_help("client_concurrency"))
@click.option("--workers", type=click.IntRange(min=1), default=None, help=_help("workers"))
@click.option("--threads", type=click.IntRange(min=1), default=None, help=_help("threads"))
@click.option("--no-pin-cpus", is_flag=True, help=_help("pin_cpus", off=True))
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help=_help("store_dir"))
@click.option("--update", "allow_update", is_flag=True,
              help=_help("update"))
@click.option("--update-key-file", type=click.Path(dir_okay=False),
              help=_help("update_key_file"))
@click.option("--allow-service", multiple=True, help=_help("allow_service"))
@click.option("--on-disk", is_flag=True,
              help=_help("memory", off=True))
@click.option("--answer-cache", type=click.IntRange(min=0), metavar="MIB", default=None, help=_help("answer_cache"))
@click.option("--backend", "backend", metavar="URL", default=None, help=_help("backend"))
def serve(host, port, data, named, graphs, no_default_data, timeout, max_rows, client_budget, client_concurrency, workers,
          threads, no_pin_cpus, store_dir, allow_update, update_key_file, allow_service, on_disk, answer_cache,
          backend) -> None:
    """Serve the knowledge graph over the SPARQL 1.1 Protocol at /sparql, with waitress."""
    import logging
    import signal

    import contextlib

    from .backends import open_store
    from .backends.oxigraph.store import recover, store_lock
    from .serving.server import Supervisor, listen

    logging.basicConfig(level=logging.WARNING, format="bpograph serve: %(message)s")
    settings = Settings.from_env(
        host=host, port=port, data=tuple(data) or None, named=tuple(named) or None,
        graphs=tuple(tuple(g) for g in graphs) or None,
        default_data=False if no_default_data else None, timeout=timeout, max_rows=max_rows,
        client_budget=client_budget, client_concurrency=client_concurrency,
        workers=workers, threads=threads, pin_cpus=False if no_pin_cpus else None, allow_service=tuple(allow_service) or None,
        update=True if allow_update else None, store_dir=store_dir, memory=False if on_disk else None,
        update_key_file=update_key_file, answer_cache=answer_cache, backend=backend,
    )
    from .safety.allowlist import Allowlist

    if settings.backend and (settings.store_dir or settings.data or settings.named or settings.graphs):
        click.echo("bpograph serve: --backend serves what the remote store holds: load files with bpograph import "
                   "--backend (--store, --data, --named and --graph are for the embedded store)", err=True)
        sys.exit(EXIT_BAD_INPUT)

    try:
        Allowlist.of(settings.allow_service)
    except ValueError as exc:
        click.echo(f"bpograph serve: --allow-service {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        settings = settings.with_update_key()
    except ValueError as exc:
        click.echo(f"bpograph serve: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        sock = listen(settings.host, settings.port)
    except OSError as exc:
        click.echo(f"bpograph serve: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    lock = contextlib.ExitStack()
    try:
        if settings.store_dir:  # held while serving: an import refuses to write under a server
            recover(Path(settings.store_dir))  # an import cut off: undone first, while nobody serves it
            lock.enter_context(store_lock(Path(settings.store_dir), exclusive=False))
        store = open_store(settings)
    except BpographError as exc:
        lock.close()
        sock.close()
        click.echo(f"bpograph serve: cannot load {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    supervisor = Supervisor(settings, store, sock)

    def stop(signum, frame):  # SIGTERM (service managers, tests) shuts down like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        supervisor.start()
        click.echo(
            f"bpograph serve: {sum(store.graphs.values())} triples in {len(store.graphs)} graphs; "
            f"{supervisor.size} server processes with {settings.threads} threads each"
            f"{_serving_from(settings, supervisor.prepared)}; "
            f"SPARQL endpoint at http://{settings.host}:{sock.getsockname()[1]}/sparql",
            err=True,
        )
        supervisor.run()
    except KeyboardInterrupt:
        pass
    except BpographError as exc:
        click.echo(f"bpograph serve: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except RuntimeError as exc:
        click.echo(f"bpograph serve: {exc}", err=True)
        sys.exit(1)
    finally:
        supervisor.stop()
        sock.close()
        store.close()
        lock.close()
