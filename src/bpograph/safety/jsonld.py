"""Remote contexts in JSON-LD, refused before rdflib would fetch them.

rdflib's JSON-LD parser fetches every context named by a URL (``"@context": "https://…"``,
``@import``), and reads ``file:`` ones from disk. bpograph reads only the file it was given:
:func:`check_contexts` walks the parsed JSON and refuses any context that is not written inline.
(Oxigraph's parser, which ``import`` and ``serve`` use, refuses them by itself.)
"""

from __future__ import annotations

import json


class RemoteContextError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_contexts(data: bytes) -> None:
    """:raise RemoteContextError: the document names a context by reference.
    :raise json.JSONDecodeError: it is not JSON.
    """
    if b"@context" not in data and b"@import" not in data:
        return
    stack = [json.loads(data)]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for context in value if isinstance(value, list) else [value]:
                        if isinstance(context, str):
                            raise RemoteContextError(
                                f"the JSON-LD context '{context}' is a reference; bpograph fetches nothing a file "
                                "names, so write the context inline")
                stack.append(value)
