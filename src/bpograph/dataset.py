"""Turns RDF files into an rdflib Dataset: one named graph per file, parse errors with file and line."""

from __future__ import annotations

import json
import os
import xml.sax
from importlib import resources
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError
from .formats import RDF_SYNTAXES
from .namespaces import GRAPH, bind_prefixes
from .safety.jsonld import RemoteContextError, check_contexts
from .safety.rdfxml import EntityError, check_entities

#: File suffix -> rdflib parser name, from the formats registry. Quad formats (TriG, N-Quads)
#: carry their own graphs.
FORMATS: dict[str, str] = {suffix: s.rdflib for s in RDF_SYNTAXES for suffix in s.suffixes}
QUAD_FORMATS = frozenset(s.rdflib for s in RDF_SYNTAXES if s.quads)

#: The folders of the shipped knowledge graph, in load order.
KNOWLEDGE_DIRS = ("ontology", "data")
SHAPES_DIR = "shapes"


def file_iri(path: Path) -> str:
    """The absolute ``file:`` IRI of ``path`` as given: ``..`` folded, symbolic links kept, so
    that a file reached through a link is named by the path its user (or a test manifest) knows."""
    return Path(os.path.abspath(path)).as_uri()


def resource_root() -> Path:
    """The folder that holds ``ontology/``, ``data/`` and ``shapes/``.

    An installed wheel carries them in ``bpograph/resources``; a source checkout (or an editable
    install) has them at the top of the repository.
    """
    packaged = Path(str(resources.files("bpograph"))) / "resources"
    if (packaged / "ontology").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


def shipped_files(folder: str) -> list[Path]:
    """The Turtle files of one shipped folder, sorted by name."""
    return sorted((resource_root() / folder).glob("*.ttl"))


def shipped_graph_name(path: Path) -> URIRef:
    """The named graph of a shipped file: ``graph/<folder>/<stem>``, e.g. ``graph/ontology/core``."""
    return GRAPH[f"{path.parent.name}/{path.stem}"]


def rdf_format(path: Path, declared: str | None = None) -> str:
    """The rdflib parser for ``path``: ``declared`` if given, else chosen by the file suffix.

    :raise InputError: if the suffix is not one bpograph reads.
    """
    if declared:
        return declared
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(str(path), f"unknown RDF file type '{path.suffix}'; use one of {known}")
    return fmt


def check_safe(path: Path, data: bytes, fmt: str) -> None:
    """Refuse what no parser may act on: RDF/XML entities that could expand without bound or reach
    outside the file, and JSON-LD contexts named by URL (which rdflib would fetch).

    :raise InputError: with the file, the reason and, where known, the line.
    """
    if fmt == "xml":
        try:
            check_entities(data)
        except EntityError as exc:
            raise InputError(str(path), exc.reason, exc.line) from None
    elif fmt == "json-ld":
        try:
            check_contexts(data)
        except RemoteContextError as exc:
            raise InputError(str(path), exc.reason) from None
        except json.JSONDecodeError as exc:
            raise InputError(str(path), exc.msg, exc.lineno) from None
        except RecursionError:
            raise InputError(str(path), "the JSON nests too deeply") from None


def parse_into(target: Graph, path: Path, fmt: str | None = None) -> None:
    """Parse one file into ``target`` (a Graph, or a Dataset for quad formats).

    Nothing is added to ``target`` when the file is unreadable: it is parsed into a scratch
    graph first and merged only once the whole file has parsed.

    :raise InputError: the file is missing, unreadable or not valid RDF (with the line where known).
    """
    fmt = rdf_format(path, fmt)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), exc.strerror or str(exc)) from None
    check_safe(path, data, fmt)
    scratch: Graph = Dataset() if fmt in QUAD_FORMATS else Graph()
    try:
        scratch.parse(data=data, format=fmt, publicID=file_iri(path))
    except BadSyntax as exc:
        raise _syntax_error(path, data, _bad_syntax_reason(exc), exc.lines + 1) from None
    except xml.sax.SAXParseException as exc:
        raise _syntax_error(path, data, exc.getMessage(), exc.getLineNumber()) from None
    except json.JSONDecodeError as exc:
        raise _syntax_error(path, data, exc.msg, exc.lineno) from None
    except (ParserError, ValueError, UnicodeDecodeError) as exc:
        raise _syntax_error(path, data, _parser_reason(exc, fmt), _first_bad_line(data, fmt)) from None
    except IndexError:  # rdflib's Turtle parser reads past the end of a file cut short
        raise _syntax_error(path, data, "the file ends in the middle of a statement", _line_count(data)) from None
    except Exception as exc:  # noqa: BLE001 - whatever else a parser raises, the file is what was wrong
        raise _syntax_error(path, data, f"not valid RDF: {_parser_reason(exc, fmt)}", _first_bad_line(data, fmt)) from None
    if isinstance(scratch, Dataset):
        if isinstance(target, Dataset):
            for quad in scratch.quads((None, None, None, None)):
                target.add(quad)
        else:
            target += scratch.triples((None, None, None))
    else:
        target += scratch


def _syntax_error(path: Path, data: bytes, reason: str, line: int | None) -> InputError:
    """The error for a file that does not parse, with a line number that is a line of the file:
    parsers that meet the end of the input count the line after the last newline, which an editor
    does not show; such an error is put on the last line, saying so."""
    lines = _line_count(data)
    if line is not None and line > max(lines, 1):
        line, reason = max(lines, 1), f"{reason} (at the end of the file)"
    if line is not None and line < 1:
        line = 1
    return InputError(str(path), reason, line)


def _line_count(data: bytes) -> int:
    """The lines an editor shows (a last line without a newline counts)."""
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def _bad_syntax_reason(exc: BadSyntax) -> str:
    # BadSyntax keeps the parser's own words in its message between "Bad syntax (" and ")".
    text = str(exc)
    start = text.find("Bad syntax (")
    if start == -1:
        return text.strip()
    end = text.find(") at ^", start)
    return text[start + len("Bad syntax (") : end if end != -1 else None].strip()


def _parser_reason(exc: Exception, fmt: str) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start} cannot be decoded)"
    if fmt in ("nt", "nquads"):
        # The line parser's message quotes its own regular expressions; the line number says more.
        name = "N-Triples" if fmt == "nt" else "N-Quads"
        return f"not a valid {name} statement"
    return str(exc).strip().splitlines()[0]


def _first_bad_line(data: bytes, fmt: str) -> int | None:
    """For line-based formats the parser names no line; find the first line that fails alone."""
    if fmt not in ("nt", "nquads"):
        return None
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            (Graph() if fmt == "nt" else Dataset()).parse(data=line, format=fmt)
        except Exception:  # noqa: BLE001 - any failure of a single line marks the culprit
            return number
    return None


def load_shipped(include_shapes: bool = True) -> Dataset:
    """The shipped knowledge graph: one named graph per file of ``ontology/`` and ``data/``
    (and ``shapes/`` unless ``include_shapes`` is false); the default graph is their union.

    :raise InputError: a shipped file does not parse (a packaging bug, reported like user input).
    """
    folders = KNOWLEDGE_DIRS + ((SHAPES_DIR,) if include_shapes else ())
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    for folder in folders:
        for path in shipped_files(folder):
            parse_into(dataset.graph(shipped_graph_name(path)), path)
    return dataset


def load_graph(paths: list[Path]) -> Graph:
    """Parse ``paths`` into one Graph (quads from TriG/N-Quads are merged into it).

    :raise InputError: for the first file that cannot be read; the others are not kept.
    """
    graph = Graph()
    bind_prefixes(graph)
    for path in paths:
        parse_into(graph, Path(path))
    return graph


def shipped_folder_graph(*folders: str) -> Graph:
    """All Turtle files of the given shipped folders merged into one Graph."""
    return load_graph([path for folder in folders for path in shipped_files(folder)])
