"""Writing output files atomically: a temporary file beside the target, then a rename.

A reader never sees half a file, and a failure leaves any earlier file at the
path as it was. A symbolic link is followed (the file it points to is
replaced, the link stays), and a path that is not a regular file (a named pipe,
``/dev/stdout``, a terminal) is written through as it is: renaming over it
would replace the pipe or device with a file.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from wiretrace.errors import InputError

__all__ = ["write_text_atomic"]


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and :func:`os.replace`.

    Raises:
        InputError: The folder does not exist or cannot be written; names the path.

    Example:
        >>> write_text_atomic("out.txt", "hello\\n")  # doctest: +SKIP
    """
    target = Path(path)
    try:
        mode = os.stat(target).st_mode  # follows links
    except OSError:
        mode = None  # a new file (or a dangling link: created where it points)
    if mode is not None and not stat.S_ISREG(mode):
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


def _write_through(target: Path, text: str) -> None:
    if stat.S_ISDIR(os.stat(target).st_mode):
        raise InputError(str(target), "is a folder; give a file name")
    try:
        with open(target, "w", encoding="utf-8") as fh:
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
