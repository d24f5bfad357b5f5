"""Entity declarations in RDF/XML, bounded before any RDF/XML parser sees the file.

Ontology editors write entities such as ``<!ENTITY owl "http://www.w3.org/2002/07/owl#">`` and
use ``&owl;`` in attributes, so entities cannot simply be refused. What makes them dangerous is
nesting (a 1 KB "billion laughs" file expands to gigabytes) and external or parameter entities.
:func:`check_entities` reads the document type declaration with expat (a real XML parser, which
stops at the root element) and refuses entities that refer to other entities, external and
parameter entities, and declarations whose use would expand the file by more than
:data:`MAX_EXPANSION` characters.
"""

from __future__ import annotations

import re
import xml.parsers.expat

#: Most characters that entity references may add to a file.
MAX_EXPANSION = 16 * 1024 * 1024


class EntityError(ValueError):
    """The file's entities are refused; ``line`` is where (1-based), when known."""

    def __init__(self, reason: str, line: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class _RootReached(Exception):
    pass


def check_entities(data: bytes) -> None:
    """:raise EntityError: the file declares entities that could blow up or reach outside it."""
    if b"<!DOCTYPE" not in data and b"<!ENTITY" not in data:
        return
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    declared: dict[str, int] = {}
    problems: list[tuple[str, int]] = []

    def entity(name, is_parameter, value, base, system_id, public_id, notation) -> None:
        line = parser.CurrentLineNumber
        if is_parameter:
            problems.append((f"parameter entity '%{name};' is refused", line))
        elif value is None:
            problems.append((f"external entity '&{name};' is refused: bpograph reads nothing from outside the file", line))
        elif "&" in value or "%" in value:
            problems.append((f"entity '&{name};' refers to other entities, which could expand without bound", line))
        else:
            declared[name] = len(value)

    def root(*_) -> None:
        raise _RootReached

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = root
    try:
        parser.Parse(data, True)
    except _RootReached:
        pass
    except xml.parsers.expat.ExpatError as exc:
        raise EntityError(f"the document type declaration cannot be read: {xml.parsers.expat.errors.messages[exc.code]}",
                          exc.lineno) from None
    if problems:
        raise EntityError(*problems[0])
    text = data.decode("utf-8", "replace")
    growth = sum(size * len(re.findall(f"&{re.escape(name)};", text)) for name, size in declared.items())
    if growth > MAX_EXPANSION:
        raise EntityError(f"entity references would add {growth} characters (at most {MAX_EXPANSION} are allowed)", None)
