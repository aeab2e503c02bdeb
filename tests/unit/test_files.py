"""Output files: written whole or not at all, and never in place of a link, a pipe or a device."""

from __future__ import annotations

import os
import threading

import pytest

from wiretrace.adapters.files import write_text_atomic
from wiretrace.errors import InputError


def test_a_file_is_replaced_whole_and_no_temporary_file_is_left(tmp_path):
    out = tmp_path / "pairs.jsonl"
    out.write_text("old\n", encoding="utf-8")
    write_text_atomic(out, "new\n")
    assert out.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pairs.jsonl"]


def test_a_link_is_followed_and_stays_a_link(tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_text("", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    write_text_atomic(link, "through the link\n")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "through the link\n"


def test_a_named_pipe_is_written_to_not_replaced(tmp_path):
    fifo = tmp_path / "pairs.fifo"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    write_text_atomic(fifo, '{"type": "pair"}\n')
    reader.join(30)
    assert got == ['{"type": "pair"}\n']
    assert not fifo.is_file() and fifo.exists()  # still the pipe


@pytest.mark.parametrize(("name", "problem"), [("missing/out.jsonl", "cannot write here"), (".", "is a folder")])
def test_an_unwritable_path_is_one_error_naming_it(tmp_path, name, problem):
    with pytest.raises(InputError) as err:
        write_text_atomic(tmp_path / name, "x")
    assert str(tmp_path) in str(err.value) and problem in str(err.value)


def test_dev_stdout_sent_to_a_file_is_written_through_not_replaced(tmp_path):
    """`scan --jsonl /dev/stdout >> log`: Linux shows /dev/stdout as the log file itself; it is kept."""
    import subprocess
    import sys

    log = tmp_path / "log.txt"
    log.write_text("previous line\n", encoding="utf-8")
    code = (
        "import sys; from wiretrace.adapters.files import write_text_atomic as w; "
        "print('summary', flush=True); w('/dev/stdout', 'json line\\n')"
    )
    with open(log, "a", encoding="utf-8") as out:
        subprocess.run([sys.executable, "-c", code], stdout=out, check=True, timeout=120)
    assert log.read_text(encoding="utf-8") == "previous line\nsummary\njson line\n"
