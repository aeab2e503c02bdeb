"""Writing output files atomically: a temporary file beside the target, then a rename.

A reader never sees half a file, and a failure leaves any earlier file at the
path as it was. A symbolic link is followed (the file it points to is
replaced, the link stays). A path that is not a regular file (a named pipe, a
terminal) or lies under ``/dev`` or ``/proc`` is written through, appending:
renaming over it would replace the pipe or device with a file. A path that is
this process's standard output or error (``/dev/stdout``, even when the shell
sent it to a file) is written through that stream.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
from pathlib import Path
from typing import TextIO

from wiretrace.errors import InputError

__all__ = ["is_same_file", "write_text_atomic"]


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and :func:`os.replace`.

    Raises:
        InputError: The folder does not exist or cannot be written; names the path.

    Example:
        >>> write_text_atomic("out.txt", "hello\\n")  # doctest: +SKIP
    """
    target = Path(path)
    try:
        st = os.stat(target)  # follows links
    except OSError:
        st = None  # a new file (or a dangling link: created where it points)
    if st is not None:
        stream = _own_stream(st)
        if stream is not None:  # /dev/stdout and the like, even when the shell sent it to a file
            stream.flush()
            stream.write(text)
            stream.flush()
            return
        if not stat.S_ISREG(st.st_mode) or os.path.abspath(target).startswith(("/dev/", "/proc/")):
            _write_through(target, text)
            return
    target = Path(os.path.realpath(target))
    folder = target.parent
    try:
        fd, tmp = _create_temp(folder, target.name)
    except OSError as exc:
        raise InputError(str(path), f"cannot write here ({exc.strerror}); check that the folder exists") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(str(path), f"cannot write the file ({exc.strerror})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def is_same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether ``a`` and ``b`` name one file: the same file on disk (through links and hard links), or, where
    either is not there yet, the same path once links and ``..`` are resolved.

    Example:
        >>> is_same_file("out/../wiretrace.db", "wiretrace.db")
        True
    """
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _own_stream(st: os.stat_result) -> TextIO | None:
    """This process's standard output or error, when ``st`` is the file behind it."""
    for fd, stream in ((1, sys.stdout), (2, sys.stderr)):
        try:
            own = os.fstat(fd)
        except OSError:
            continue
        if (own.st_dev, own.st_ino) == (st.st_dev, st.st_ino):
            return stream
    return None


def _write_through(target: Path, text: str) -> None:
    if stat.S_ISDIR(os.stat(target).st_mode):
        raise InputError(str(target), "is a folder; give a file name")
    try:
        # Appending: a /dev/fd/N behind a regular file keeps what the shell put there.
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise InputError(str(target), f"cannot write here ({exc.strerror})") from None


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    # Not tempfile.mkstemp: its file is readable by the owner only, and an
    # output file should get the permissions any new file gets (0666 less the umask).
    for _ in range(100):
        tmp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name")
