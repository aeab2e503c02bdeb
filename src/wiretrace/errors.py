"""Errors a user can act on.

Every error that reaches the command line is a :class:`WiretraceError`; its
message is one line that names the thing, the problem and, where there is one,
the fix. Anything else escaping the library is a bug and keeps its traceback.

    WiretraceError
    ├── InputError     an article file or stream cannot be read or holds no text
    ├── ConfigError    a setting, flag or config file has a bad value
    ├── StoreError     the article store cannot be opened or written
    │   └── ReadOnlyStore  ... as it may not be written (file or folder)
    └── ModelError     an embedding model cannot be found or loaded offline
"""

from __future__ import annotations

import os
import sys

__all__ = ["ConfigError", "InputError", "ModelError", "ReadOnlyStore", "StoreError", "WiretraceError"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def user_stacklevel() -> int:
    """The ``stacklevel`` for :func:`warnings.warn` that names the first caller outside wiretrace (internal)."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


class WiretraceError(Exception):
    """Base class of every error the user can fix."""


class InputError(WiretraceError):
    """An input file, stream or value is unreadable, empty or malformed.

    The message starts with the place (``path`` or ``path:line``).
    """

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # Pickled as its two parts (a worker process raising it hands it to the parent; the default would
        # rebuild it from the one-string message and fail, leaving a multiprocessing pool waiting forever).
        return (type(self), (self.where, self.problem))


class ConfigError(WiretraceError):
    """A setting has a value outside its allowed range or of the wrong type."""


class StoreError(WiretraceError):
    """The article store cannot be opened, read or written."""


class ReadOnlyStore(StoreError):
    """The store may not be written: its file, or the folder SQLite keeps its journal in, is read-only."""


class ModelError(WiretraceError):
    """An embedding model is missing or cannot be loaded offline."""
