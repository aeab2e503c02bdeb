"""Bad input through the command line: one line naming the file and the problem, exit 1, no traceback.

The bad files are made in tmp_path (binary and broken bytes never sit in the
repository). `CliRunner` checks the messages in-process; `main()` checks the
one-line rendering; a few runs of the installed `wiretrace` executable check
the real exit code and stderr.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wiretrace.cli import cli, main
from wiretrace.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "data"

# name -> (file content, or None for "no file"; the problem the user is told)
BAD = {
    "missing.txt": (None, "no such file"),
    "empty.txt": (b"", "file is empty"),
    "blank.txt": (b"  \n\n\t\r\n", "file holds only whitespace, no text"),
    "binary.bin": (
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        "binary data, not text (NUL bytes found)",
    ),
    "page.html.gz": (
        gzip.compress(b"<html><body><p>A story.</p></body></html>"),
        "gzip-compressed data, not text (decompress it first, e.g. with gunzip)",
    ),
    "undecodable.txt": (
        bytes(range(128, 256)) * 4,
        "undecodable bytes at offset 0 (not UTF-8, and no other encoding fits)",
    ),
    "menu.html": ((DATA / "menu_only.html").read_bytes(), "no article text found in the HTML page"),
    "empty-body.html": (b"<!doctype html><html><body></body></html>", "no article text found in the HTML page"),
    "metadata-only.txt": (b" date 2024-03-14\n title A headline\n", "no article text (empty, or only metadata lines)"),
    # the article is there, under more wrappers than libxml2 reads even for a huge tree: said so, not "no text"
    "deep.html": (
        (DATA / "news_page.html")
        .read_bytes()
        .replace(b"<body>", b"<body>" + b"<div>" * 2100)
        .replace(b"</body>", b"</div>" * 2100 + b"</body>"),
        "page nested deeper than 2,048 elements; not read",
    ),
}
# JSONL problems are reported at file:line.
BAD_JSONL = {
    "truncated.jsonl": (
        b'{"text": "The board approved the plan."}\n{"text": "The bo',
        2,
        "malformed JSON at column 10: unterminated string",
    ),
    "no-text.jsonl": (b'{"id": "a1", "title": "Ferry terminal"}\n', 1, 'missing field "text"'),
}


@pytest.fixture(scope="module")
def good(seed_source_path: Path) -> str:
    return str(seed_source_path)


def _make(tmp_path: Path, name: str, content: bytes | None) -> Path:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    return path


def _message_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize("side", ["a", "b"])
def test_clirunner_reports_the_file_and_the_problem(tmp_path, good, name, side):
    content, problem = BAD[name]
    bad = _make(tmp_path, name, content)
    args = ["compare", str(bad), good] if side == "a" else ["compare", good, str(bad)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert isinstance(result.exception, InputError)
    assert str(result.exception) == f"{bad}: {problem}"
    assert result.stdout == ""


@pytest.mark.parametrize("name", sorted(BAD_JSONL))
def test_clirunner_reports_jsonl_file_and_line(tmp_path, good, name):
    content, line, problem = BAD_JSONL[name]
    bad = _make(tmp_path, name, content)
    result = CliRunner().invoke(cli, ["compare", good, str(bad)])
    assert result.exit_code == 1
    assert isinstance(result.exception, InputError)
    assert str(result.exception).startswith(f"{bad}:{line}: {problem}")


def test_clirunner_directory(tmp_path, good):
    result = CliRunner().invoke(cli, ["compare", str(tmp_path), good])
    assert result.exit_code == 1
    assert str(result.exception) == f"{tmp_path}: is a directory, not an article file"


def test_clirunner_empty_stdin(good):
    result = CliRunner().invoke(cli, ["compare", good, "-"], input=b"")
    assert result.exit_code == 1
    assert str(result.exception) == "<stdin>: file is empty"


def test_clirunner_two_stdins_is_a_usage_error(good):
    result = CliRunner().invoke(cli, ["compare", "-", "-"], input=b"text")
    assert result.exit_code == 2
    assert "only one of A and B can be '-'" in result.output


@pytest.mark.parametrize("name", sorted(BAD) + sorted(BAD_JSONL))
def test_main_prints_one_error_line_and_returns_1(tmp_path, good, capsys, name):
    content = BAD[name][0] if name in BAD else BAD_JSONL[name][0]
    bad = _make(tmp_path, name, content)
    assert main(["compare", good, str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = _message_lines(err)
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {bad}")


def test_stdin_holds_an_article(seed_source_path, seed_rewrite_path):
    result = CliRunner().invoke(
        cli, ["compare", "--json", str(seed_source_path), "-"], input=seed_rewrite_path.read_bytes()
    )
    assert result.exit_code == 0, result.output
    assert '"relation": "rewrite"' in result.stdout
    assert '"path": "<stdin>"' in result.stdout


def _wiretrace() -> str:
    exe = Path(sys.executable).parent / "wiretrace"
    if not exe.exists():
        pytest.fail(f"{exe} not found: install the package (pip install -e .) so its console script exists")
    return str(exe)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("binary.bin", BAD["binary.bin"][0], BAD["binary.bin"][1]),
        ("menu.html", BAD["menu.html"][0], BAD["menu.html"][1]),
        ("truncated.jsonl", BAD_JSONL["truncated.jsonl"][0], "2: malformed JSON at column 10: unterminated string"),
        ("missing.txt", None, "no such file"),
    ],
)
def test_installed_executable_exits_1_with_one_line(tmp_path, good, name, content, problem):
    bad = _make(tmp_path, name, content)
    proc = subprocess.run(
        [_wiretrace(), "compare", good, str(bad)], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(f"error: {bad}")
    assert proc.stderr.rstrip("\n").endswith(problem)


def test_installed_executable_reads_empty_stdin(good):
    proc = subprocess.run(
        [_wiretrace(), "compare", good, "-"], input="", capture_output=True, text=True, timeout=120, check=False
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", "error: <stdin>: file is empty\n")


def test_an_article_over_max_sentences_is_one_line_naming_it(seed_source_path, seed_rewrite_path, capsys, monkeypatch):
    # The seed source has 14 sentences; memory grows with the product of the two counts, so a limit holds it.
    monkeypatch.setenv("WIRETRACE_MAX_SENTENCES", "12")
    assert main(["compare", str(seed_source_path), str(seed_rewrite_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"error: {seed_source_path}: article has 14 sentences (limit max_sentences=12; "
        "a pair's memory grows with the product of the two counts)"
    ]


@pytest.mark.parametrize("model", ["/nonexistent/model", "./my-model", "~/no-such-model"])
def test_a_model_path_that_is_not_there_says_so_not_install_torch(seed_source_path, seed_rewrite_path, capsys, model):
    code = main(["compare", str(seed_source_path), str(seed_rewrite_path), "--model", model])
    assert code == 1
    assert capsys.readouterr().err == f"error: {model}: no such model folder\n"


def test_a_warc_of_one_page_and_a_cut_record_is_said_cut_not_two_pages(
    tmp_path, warc, seed_source_path, seed_rewrite_path
):
    """compare reads a WARC file of one page; a record cut short after it had been counted as a second page
    ("holds 2 pages; use wiretrace ingest"), which sent the user to ingest a file that is damaged."""
    whole = warc.write(
        tmp_path / "whole.warc",
        [("https://x.test/source", warc.page(seed_source_path)), ("https://x.test/index", b"<html>" + b"x" * 900)],
    ).read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole[:-400])  # inside the second record's body
    result = CliRunner().invoke(cli, ["compare", str(cut), str(seed_rewrite_path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, InputError)
    assert str(result.exception) == f"{cut}#2 (https://x.test/index): truncated record (396 bytes of it missing)"
