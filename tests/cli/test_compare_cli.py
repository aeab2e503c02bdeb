"""The command line on the real seed pair: compare (text, --json, --html, stdin), help, config show."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from wiretrace.cli import cli, main
from wiretrace.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    # A developer's own WIRETRACE_* settings must not change what these tests see.
    for name in list(os.environ):
        if name.startswith("WIRETRACE_"):
            monkeypatch.delenv(name)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def seed_json(seed_source_path, seed_rewrite_path) -> dict:
    result = CliRunner().invoke(cli, ["compare", str(seed_source_path), str(seed_rewrite_path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def run_main(argv: list[str], capsys) -> tuple[int, str, str]:
    """``main()`` as the installed command runs it: errors become one line and an exit code."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- compare --------------------------------------------------------------------


def test_default_output_names_the_verdict_and_the_sentence_links(runner, seed_source_path, seed_rewrite_path):
    result = runner.invoke(cli, ["compare", str(seed_source_path), str(seed_rewrite_path)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("REWRITE: b (")
    assert "was written from a" in out
    assert re.search(r"confidence 0\.\d\d", out)
    assert "Sentence links (b ← a), by group:" in out
    assert "\n  B01 ← A00+A10 merged " in out
    assert "Dropped from a:\n  A03  " in out
    assert "\x1b[" not in out


@pytest.mark.parametrize(("flag", "coloured"), [("--color", True), ("--no-color", False)])
def test_colour_flags(runner, seed_source_path, seed_rewrite_path, flag, coloured):
    result = runner.invoke(cli, ["compare", str(seed_source_path), str(seed_rewrite_path), flag])
    assert result.exit_code == 0
    assert ("\x1b[" in result.stdout) is coloured
    assert click.unstyle(result.stdout).startswith("REWRITE: b (")


def test_json_parses_and_has_the_documented_keys(seed_json, schema_doc):
    top = [path for path in schema_doc.fields if "." not in path and "[" not in path]
    assert list(seed_json) == top
    assert schema_doc.problems(seed_json) == []
    assert (seed_json["relation"], seed_json["source"], seed_json["derived"]) == ("rewrite", "a", "b")
    assert seed_json["model"] == "static:minilm-static"
    assert len(seed_json["articles"]["a"]["sentences"]) == 14
    assert len(seed_json["articles"]["b"]["sentences"]) == 10


def test_html_writes_a_page_and_still_prints_the_report(runner, seed_source_path, seed_rewrite_path, tmp_path):
    target = tmp_path / "report.html"
    target.write_text("an older report")
    result = runner.invoke(cli, ["compare", str(seed_source_path), str(seed_rewrite_path), "--html", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {target}\n"
    assert result.stdout.startswith("REWRITE: b (")
    page = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
    assert len(page.select("#side-a p.s")) == 14 and len(page.select("#side-b p.s")) == 10
    assert "static:minilm-static" in page.footer.get_text()
    # Written whole, then renamed into place: no temporary file is left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_html_into_a_missing_folder_is_one_line_and_exit_1(seed_source_path, seed_rewrite_path, tmp_path, capsys):
    target = tmp_path / "missing" / "report.html"
    code, out, err = run_main(["compare", str(seed_source_path), str(seed_rewrite_path), "--html", str(target)], capsys)
    assert code == 1 and out == ""
    assert err.startswith(f"error: {target}: cannot write here") and err.count("\n") == 1
    assert not target.parent.exists()


@pytest.mark.parametrize("spelt", ["as given", "through ..", "through a link"])
def test_html_onto_an_article_compared_is_refused_and_the_article_kept(
    seed_source_path, seed_rewrite_path, tmp_path, capsys, spelt
):
    article = tmp_path / "rewrite.txt"
    article.write_bytes(seed_rewrite_path.read_bytes())
    target = {
        "as given": article,
        "through ..": tmp_path / "sub" / ".." / "rewrite.txt",
        "through a link": tmp_path / "link.txt",
    }[spelt]
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.txt").symlink_to(article)
    code, out, err = run_main(["compare", str(seed_source_path), str(article), "--html", str(target)], capsys)
    assert (code, out) == (1, "")
    assert err == f"error: {target}: is one of the articles compared; choose another file for the page\n"
    assert article.read_bytes() == seed_rewrite_path.read_bytes()


def test_dash_reads_an_article_from_stdin(runner, seed_source_path, seed_rewrite_path):
    text = seed_source_path.read_text(encoding="utf-8")
    result = runner.invoke(cli, ["compare", "-", str(seed_rewrite_path), "--json"], input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["articles"]["a"]["path"] == "<stdin>"
    assert data["articles"]["a"]["published"] == "2025-11-03"
    assert (data["relation"], data["source"]) == ("rewrite", "a")


def test_both_from_stdin_is_a_usage_error(runner, seed_rewrite_path):
    result = runner.invoke(cli, ["compare", "-", "-"], input="x")
    assert result.exit_code == 2
    assert "only one of A and B can be '-'" in result.stderr


def test_settings_reach_the_engine(runner, seed_source_path, seed_rewrite_path, capsys):
    argv = ["compare", str(seed_source_path), str(seed_rewrite_path), "--set", "max_chars=100"]
    code, out, err = run_main(argv, capsys)
    assert code == 1 and out == ""
    size = len(seed_source_path.read_text(encoding="utf-8"))
    assert err == f"error: {seed_source_path}: article has {size:,} characters (limit max_chars=100)\n"


def test_a_missing_file_fails_with_one_line_from_the_installed_command(seed_rewrite_path, tmp_path):
    exe = Path(sys.executable).parent / "wiretrace"
    done = subprocess.run(
        [str(exe), "compare", str(tmp_path / "nope.txt"), str(seed_rewrite_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"error: {tmp_path / 'nope.txt'}: no such file\n"


@pytest.mark.parametrize("module", ["wiretrace", "wiretrace.cli"])
def test_python_dash_m_runs_every_command(module, seed_source_path, seed_rewrite_path):
    # The command modules import wiretrace.cli by name; run as __main__ it must not import itself in a cycle.
    done = subprocess.run(
        [sys.executable, "-m", module, "compare", str(seed_source_path), str(seed_rewrite_path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["relation"] == "rewrite"
    listed = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120)
    commands = set(re.findall(r"^  ([a-z-]+)\s", listed.stdout, re.M))
    assert {"ingest", "scan", "sources", "serve", "spark-scan"} <= commands


# --- help -------------------------------------------------------------------------


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    out = []
    for name, command in sorted(group.commands.items()):
        out.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            out.extend(all_commands(command, (*prefix, name)))
    return out


def test_top_level_help_lists_every_command(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Find news rewrites and prove them" in result.stdout
    for name in cli.commands:
        assert f"  {name} " in result.stdout


@pytest.mark.parametrize("path", [p for p, _ in all_commands(cli)], ids=" ".join)
def test_every_command_has_help_and_documented_options(runner, path):
    command = dict(all_commands(cli))[path]
    assert (command.help or "").strip(), f"wiretrace {' '.join(path)} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"wiretrace {' '.join(path)} {param.opts[0]} has no help"
    result = runner.invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: cli {' '.join(path)} [OPTIONS]")
    assert " ".join(command.help.strip().splitlines()[0].split()) in " ".join(result.stdout.split())


# --- config show ------------------------------------------------------------------


def shown(output: str) -> dict[str, tuple[str, str]]:
    """``name = value  # origin`` lines as {name: (value, origin)}."""
    out = {}
    for line in output.splitlines():
        setting, _, origin = line.partition("  # ")
        name, _, value = setting.partition(" = ")
        out[name] = (value, origin)
    return out


def test_config_show_prints_every_setting_with_its_default(runner):
    result = runner.invoke(cli, ["config", "show"])
    assert result.exit_code == 0
    values = shown(result.stdout)
    defaults = Settings().as_dict()
    assert list(values) == list(defaults)
    assert values == {k: (json.dumps(v), "default") for k, v in defaults.items()}


def test_config_show_output_is_a_valid_config_file(runner, tmp_path):
    result = runner.invoke(cli, ["config", "show"])
    config = tmp_path / "wiretrace.toml"
    config.write_text(result.stdout)
    again = runner.invoke(cli, ["config", "show", "--config", str(config)])
    assert {k: v for k, (v, _) in shown(again.stdout).items()} == {k: v for k, (v, _) in shown(result.stdout).items()}


@pytest.mark.parametrize(
    ("file", "env", "flag", "expected"),
    [
        (None, None, None, ("0.5", "default")),
        ("0.4", None, None, ("0.4", "FILE")),
        ("0.4", "0.6", None, ("0.6", "environment WIRETRACE_LINK_THRESHOLD")),
        (None, "0.6", None, ("0.6", "environment WIRETRACE_LINK_THRESHOLD")),
        ("0.4", "0.6", "0.7", ("0.7", "command line")),
        ("0.4", None, "0.7", ("0.7", "command line")),
    ],
)
def test_precedence_flag_over_env_over_file_over_default(runner, tmp_path, file, env, flag, expected):
    args = ["config", "show"]
    config = tmp_path / "wiretrace.toml"
    if file:
        config.write_text(f"link_threshold = {file}\nmax_merge = 2\n")
        args += ["--config", str(config)]
    if flag:
        args += ["--set", f"link_threshold={flag}"]
    result = runner.invoke(cli, args, env={"WIRETRACE_LINK_THRESHOLD": env} if env else {})
    assert result.exit_code == 0, result.output
    values = shown(result.stdout)
    value, origin = expected
    assert values["link_threshold"] == (value, str(config) if origin == "FILE" else origin)
    assert values["max_merge"] == (("2", str(config)) if file else ("3", "default"))


def test_config_file_from_the_environment(runner, tmp_path):
    config = tmp_path / "wiretrace.toml"
    config.write_text("min_list_lines = 5\n")
    result = runner.invoke(cli, ["config", "show"], env={"WIRETRACE_CONFIG": str(config)})
    assert shown(result.stdout)["min_list_lines"] == ("5", str(config))


def test_layers_are_checked_together(runner, tmp_path):
    # The file lowers the gap, so the environment may lower the link threshold below the default gap (0.2).
    config = tmp_path / "wiretrace.toml"
    config.write_text("gap_threshold = 0.1\n")
    result = runner.invoke(cli, ["config", "show", "--config", str(config)], env={"WIRETRACE_LINK_THRESHOLD": "0.15"})
    assert result.exit_code == 0, result.output
    assert shown(result.stdout)["link_threshold"][0] == "0.15"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--set", "link_threshold=2"],
            {},
            "error: command line: setting link_threshold=2.0 is out of range (between 0 and 1;",
        ),
        (
            [],
            {"WIRETRACE_GAP_THRESHOLD": "0.7"},
            "error: environment: setting gap_threshold=0.7 is out of range (above 0, at most link_threshold;",
        ),
        ([], {"WIRETRACE_MAX_MERGE": "many"}, "error: environment: WIRETRACE_MAX_MERGE='many' is not a whole number"),
        (
            ["--set", "min_candidate_score=inf"],  # had been taken: no article would ever be a candidate
            {},
            "error: command line: setting min_candidate_score=inf is out of range (0 or more, finite;",
        ),
        (["--set", "colour=red"], {}, "error: command line: unknown setting 'colour'"),
        (["--config", "/nonexistent/wiretrace.toml"], {}, "error: /nonexistent/wiretrace.toml: cannot read"),
    ],
)
def test_bad_settings_are_one_line_errors(args, env, message, capsys, monkeypatch):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, out, err = run_main(["config", "show", *args], capsys)
    assert code == 1 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_a_config_file_not_in_utf8_is_one_line_naming_it(tmp_path, capsys):
    config = tmp_path / "agence.toml"
    config.write_bytes("# réglages de l'agence\nwindow_days = 14\n".encode("latin-1"))
    code, out, err = run_main(["config", "show", "--config", str(config)], capsys)
    assert (code, out) == (1, "")
    assert err == f"error: {config}: not UTF-8 text (TOML files must be UTF-8)\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux) to fill the disk at once")
@pytest.mark.parametrize("args", [["--json"], []], ids=["json", "text"])
def test_output_to_a_full_disk_is_one_line_not_a_traceback(seed_source_path, seed_rewrite_path, args):
    exe = str(Path(sys.executable).parent / "wiretrace")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [exe, "compare", str(seed_source_path), str(seed_rewrite_path), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert (proc.returncode, proc.stderr) == (1, "error: cannot write output (No space left on device)\n")


def test_output_into_a_closed_pipe_says_nothing(seed_source_path, seed_rewrite_path):
    """`wiretrace compare A B --json | head -1`: the reader has gone; no error, no traceback."""
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "wiretrace"), "compare", str(seed_source_path), str(seed_rewrite_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before anything is written
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert err == b""


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["ingest", "SEED", "--db", "DIR"], "is a folder, not a file"),
        (["scan", "--db", "DIR/w.db", "--jsonl", "DIR"], "is a folder, not a file"),
        (["compare", "SEED", "SEED", "--html", "DIR"], "is a folder, not a file"),
        (["config", "show", "--config", "DIR"], "is a folder, not a file"),
        (["serve", "--db", "DIR"], "is a folder, not a file"),
        (["scan", "--db", "DIR/w.db", "--graph", "DIR/stories.png"], "use a .graphml or .dot file name for --graph"),
    ],
    ids=["ingest --db", "scan --jsonl", "compare --html", "--config", "serve --db", "scan --graph"],
)
def test_a_path_option_given_a_folder_or_a_wrong_kind_is_one_line_and_exit_1(
    tmp_path, seed_source_path, capsys, args, problem
):
    """These had been Click's usage error: three lines and exit 2, unlike every other bad input."""
    argv = [str(seed_source_path) if a == "SEED" else a.replace("DIR", str(tmp_path)) for a in args]
    bad = next(a for a, given in zip(argv, args, strict=True) if given.startswith("DIR") and given != "DIR/w.db")
    code, out, err = run_main(argv, capsys)
    assert (code, out) == (1, "")
    assert err == f"error: {bad}: {problem}\n"
    assert list(tmp_path.iterdir()) == []  # refused before anything was made


@pytest.mark.parametrize(
    "args",
    [["compare", "SEED", "SEED", "--html", "-"], ["sources", "SEED", "--db", "-"], ["config", "show", "--config", "-"]],
    ids=["compare --html", "sources --db", "--config"],
)
def test_a_dash_where_no_stream_is_taken_is_refused(tmp_path, monkeypatch, seed_source_path, capsys, args):
    """`scan --jsonl -` writes to standard output; `compare --html -` had written a file named "-"."""
    monkeypatch.chdir(tmp_path)
    option = args[args.index("-") - 1]
    code, out, err = run_main([str(seed_source_path) if a == "SEED" else a for a in args], capsys)
    assert (code, out) == (1, "")
    assert err == f"error: {option}: '-' (standard input or output) is not taken here; name a file\n"
    assert list(tmp_path.iterdir()) == []


def test_set_needs_name_equals_value(runner):
    result = runner.invoke(cli, ["config", "show", "--set", "link_threshold"])
    assert result.exit_code == 2
    assert "is not NAME=VALUE" in result.stderr


def test_a_jsonl_file_of_many_lines_is_said_to_be_read_for_its_first(runner, tmp_path, seed_source, seed_rewrite_path):
    feed = tmp_path / "two.jsonl"
    lines = [{"id": "ferry", "text": "The ferry to Eastholm resumes on Monday, the operator said."}]
    lines.append({"id": "wire", "text": seed_source.text})
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = runner.invoke(cli, ["compare", str(feed), str(seed_rewrite_path)])
    assert result.stdout.startswith(f"UNRELATED: a ({feed}:1)")
    assert result.stderr == f"note: {feed} holds 2 JSON lines; compare reads the first\n"
    feed.write_text(json.dumps(lines[1]) + "\n\n", encoding="utf-8")
    assert runner.invoke(cli, ["compare", str(feed), str(seed_rewrite_path)]).stderr == ""


def test_set_model_is_not_undone_by_an_absent_model_flag(runner):
    shown = runner.invoke(cli, ["config", "show", "--set", "model=/no/such/model"])
    assert 'model = "/no/such/model"  # command line' in shown.stdout
    assert (
        'model = "/other"  # command line'
        in runner.invoke(cli, ["config", "show", "--set", "model=/no/such/model", "--model", "/other"]).stdout
    )


def test_a_named_pipe_is_read_once(tmp_path, seed_source_path, seed_rewrite_path):
    """A FIFO holding JSONL is drained by reading it: counting its lines again would wait for ever."""
    import threading

    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    line = json.dumps({"id": "wire", "text": seed_source_path.read_text(encoding="utf-8")}) + "\n"

    def feed() -> None:
        with open(fifo, "w", encoding="utf-8") as f:
            f.write(line * 2)

    threading.Thread(target=feed, daemon=True).start()
    done = subprocess.run(
        [sys.executable, "-m", "wiretrace", "compare", str(fifo), str(seed_rewrite_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.startswith("REWRITE"), done.stderr


# --- WARC files ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "gzip"), [("one.warc", False), ("one.warc.gz", True), ("capture.dat", False)])
def test_a_warc_file_of_one_page_is_read_as_that_page(
    runner, warc, tmp_path, seed_source_path, seed_rewrite_path, name, gzip
):
    """A WARC file had been read as plain text: its record and HTTP header lines became sentences."""
    page = tmp_path / "page.html"
    page.write_bytes(warc.page(seed_source_path))
    warc = warc.write(tmp_path / name, [("https://news.example/hegseth", page.read_bytes())], gzip=gzip)
    as_page = runner.invoke(cli, ["compare", str(page), str(seed_rewrite_path), "--json"])
    as_warc = runner.invoke(cli, ["compare", str(warc), str(seed_rewrite_path), "--json"])
    assert as_warc.exit_code == 0, as_warc.output
    got, want = json.loads(as_warc.stdout), json.loads(as_page.stdout)
    assert got["articles"]["a"]["url"] == "https://news.example/hegseth"
    assert not any("WARC" in s["text"] for s in got["articles"]["a"]["sentences"])
    assert [s["text"] for s in got["articles"]["a"]["sentences"]] == [
        s["text"] for s in want["articles"]["a"]["sentences"]
    ]
    assert got["relation"] == want["relation"] == "rewrite"


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_warc_file_of_many_pages_is_refused_naming_ingest(
    warc, tmp_path, seed_source_path, seed_rewrite_path, capsys, name
):
    pages = [
        ("https://news.example/source", warc.page(seed_source_path)),
        ("https://other.example/rewrite", warc.page(seed_rewrite_path)),
        ("https://news.example/again", warc.page(seed_source_path)),
    ]
    warc = warc.write(tmp_path / name, pages, gzip=name.endswith(".gz"))
    code, out, err = run_main(["compare", str(warc), str(seed_rewrite_path)], capsys)
    assert (code, out) == (1, "")
    reads_one = "compare, sources and copies read one article"
    assert err == f"error: {warc}: a WARC file holds 3 pages; use wiretrace ingest ({reads_one})\n"
