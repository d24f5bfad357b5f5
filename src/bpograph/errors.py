"""Exceptions whose messages are written for the people who use bpograph.

The CLI maps them to exit codes and the web layer to 4xx responses; neither shows a traceback.
"""

from __future__ import annotations


class BpographError(Exception):
    """Base class: the message says what was wrong and where."""


class InputError(BpographError):
    """A file could not be read or parsed.

    :param path: the file that failed.
    :param line: the 1-based line of the error, when the parser reports one.
    :param reason: what was wrong, in the parser's words.
    """

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {reason}")
