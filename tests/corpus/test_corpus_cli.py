"""Corpus mode end to end through the CLI, on real text: ingest, forget, sources, copies, scan."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wiretrace.cli import cli
from wiretrace.stories import story_key

FIXTURES = Path(__file__).resolve().parents[1] / "data"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wiretrace", *args], capture_output=True, text=True, env=env, timeout=600
    )


@pytest.fixture
def seeds(tmp_path, seed_source_path, seed_rewrite_path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(seed_source_path, folder / seed_source_path.name)
    shutil.copy(seed_rewrite_path, folder / seed_rewrite_path.name)
    return folder


def test_ingest_scan_sources_copies_forget(tmp_path, monkeypatch, seeds, seed_source_path, seed_rewrite_path):
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    out = runner.invoke(cli, ["ingest", str(seeds), "--db", db])
    assert out.exit_code == 0, out.output
    assert "added 2, skipped 0 already stored, rejected 0" in out.stdout

    again = runner.invoke(cli, ["ingest", str(seeds), "--db", db])
    assert "added 0, skipped 2 already stored" in again.stdout

    jsonl, dot, graphml = tmp_path / "s.jsonl", tmp_path / "g.dot", tmp_path / "g.graphml"
    scanned = runner.invoke(cli, ["scan", "--db", db, "--jsonl", str(jsonl), "--graph", str(dot)])
    assert scanned.exit_code == 0, scanned.output
    records = [json.loads(line) for line in jsonl.read_text().splitlines()]
    (story,) = [r for r in records if r["type"] == "story"]
    # the story's lasting key: named by the first article stored (the folder is read in name order)
    assert story["key"] == story_key(str(seeds / seed_source_path.name))
    assert f"Story 1 ({story['key']}): 2 articles, 1 rewrite" in scanned.stdout
    (edge,) = story["edges"]
    assert Path(edge["source"]).name == seed_source_path.name
    assert Path(edge["derived"]).name == seed_rewrite_path.name
    assert "->" in dot.read_text()
    # "-": the JSON lines alone on standard output, piped on as they are; the summary goes to standard error
    monkeypatch.chdir(tmp_path)
    piped = run("scan", "--db", db, "--jsonl", "-")
    assert piped.returncode == 0 and [json.loads(line) for line in piped.stdout.splitlines()] == records
    assert f"Story 1 ({story['key']}): 2 articles, 1 rewrite" in piped.stderr and not (tmp_path / "-").exists()
    runner.invoke(cli, ["scan", "--db", db, "--graph", str(graphml)])
    assert "<graphml" in graphml.read_text()
    # plain text names no title: the body's first line stands in, as in the DOT labels
    assert '<data key="title">U.S. Defense Secretary Pete Hegseth' in graphml.read_text()
    nowhere = tmp_path / "nowhere" / "s.jsonl"
    missing = run("scan", "--db", db, "--jsonl", str(nowhere))
    assert missing.returncode == 1
    # refused before scanning, in one line
    assert missing.stderr.splitlines() == [
        f"error: {nowhere}: cannot write here: folder {nowhere.parent} does not exist"
    ]

    rewrite_id = str(seeds / seed_rewrite_path.name)
    source_id = str(seeds / seed_source_path.name)
    found = runner.invoke(cli, ["sources", rewrite_id, "--db", db, "--json"])
    (match,) = json.loads(found.stdout)
    assert match["id"] == source_id
    assert match["comparison"]["relation"] == "rewrite"

    from_file = runner.invoke(cli, ["sources", str(seed_rewrite_path), "--db", db])
    assert from_file.stdout.startswith(f"1. {source_id}  rewrite 9")
    only = runner.invoke(cli, ["sources", rewrite_id, "--db", db, "--rewrites-only", "--json"])
    assert [m["id"] for m in json.loads(only.stdout)] == [source_id]

    copies = runner.invoke(cli, ["copies", source_id, "--db", db, "--json"])
    assert [m["id"] for m in json.loads(copies.stdout)] == [rewrite_id]

    assert runner.invoke(cli, ["forget", rewrite_id, "--db", db]).exit_code == 0
    assert json.loads(runner.invoke(cli, ["copies", source_id, "--db", db, "--json"]).stdout) == []
    none = runner.invoke(cli, ["copies", source_id, "--db", db])
    assert none.stdout == "" and none.stderr.startswith("no copies found\n")  # nothing on stdout for a pipe
    # A file names the article stored from it, its path spelt otherwise (../shared/seeds, not the copy)
    by_file = runner.invoke(cli, ["forget", str(seed_source_path), "--db", db])
    assert by_file.stdout == f"forgot {source_id} (stored from {seed_source_path})\n", by_file.output
    again = runner.invoke(cli, ["forget", str(seed_source_path), "--db", db])
    assert str(again.exception) == f"{seed_source_path}: no article stored from this file in {db}"


def test_rejected_inputs_are_named_and_the_rest_goes_in(tmp_path, seeds):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "ok-1", "text": "Seoul plans a record defence budget for 2026, officials said on Monday."}\n'
        '{"id": "broken", "text": "unterminated\n'
        '{"id": "no-text"}\n'
        # a key that would set the terminal's title and clear the screen, were it printed as it is
        '{"text": "ok", "\\u001b]0;PWNED\\u0007\\u001b[2Jkey": "\\ud800"}\n'
        '{"id": "cut", "text": "off"\n',  # the fault is at the line's end, not at a "line 2" of its own
        encoding="utf-8",
    )
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    db = tmp_path / "w.db"
    done = run("ingest", str(feed), str(tmp_path / "blob.txt"), str(seeds), "--db", str(db))
    assert done.returncode == 1
    rejected = [line for line in done.stderr.splitlines() if line.startswith("rejected:")]
    assert any(f"{feed}:2: malformed JSON" in line for line in rejected)
    assert any(f'{feed}:3: missing field "text"' in line for line in rejected)
    assert f"rejected: {feed}:5: malformed JSON at column 28: expecting ',' delimiter" in rejected
    assert any("blob.txt: binary data" in line for line in rejected)
    assert any(f"{feed}:4: " in line and "\ufffd]0;PWNED\ufffd\ufffd[2Jkey" in line for line in rejected), rejected
    assert not any(ch in done.stderr for ch in "\x1b\x07")
    assert "Traceback" not in done.stderr
    assert "added 3," in done.stdout


def test_files_a_folder_holds_under_other_names_are_said_not_read(tmp_path, data_dir):
    # METER's Pinochet wire copy holds one file named .sub among its .txt files
    folder = data_dir / "meter" / "PA" / "rawtexts" / "courts" / "26.01.00" / "pinochet"
    copy = tmp_path / "pinochet"
    shutil.copytree(folder, copy)
    (copy / ".hidden").mkdir()
    (copy / ".hidden" / "notes.md").write_text("a hidden folder is not the user's articles", encoding="utf-8")
    (copy / ".DS_Store").write_bytes(b"\x00")
    done = run("ingest", str(copy), "--db", str(tmp_path / "w.db"))
    assert done.returncode == 0, done.stderr
    txt = len(list(copy.glob("*.txt")))
    assert f"added {txt}," in done.stdout
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("not read")]
    assert f"1 file in the folders given: {copy / 'pinochet1mp.sub'} (name a file" in line
    named = run("ingest", str(copy / "pinochet1mp.sub"), "--db", str(tmp_path / "w.db"))
    assert "added 1," in named.stdout and "not read" not in named.stderr


def test_hidden_files_and_folders_are_left_aside_unless_named(tmp_path, seeds, seed_source_path, seed_rewrite_path):
    """A copy under .git/ had been stored first (hidden paths sort first) and named as the source, and a Mac's
    ._name companion (binary) had failed every ingest of a folder copied from a Mac."""
    (seeds / ".git").mkdir()
    shutil.copy(seed_source_path, seeds / ".git" / "notes.txt")
    (seeds / f"._{seed_source_path.name}").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " * 64)
    draft = seeds / ".draft.txt"
    draft.write_text("The harbour board will vote on the new ferry timetable on Thursday, its chair said.\n")
    db = str(tmp_path / "w.db")
    done = run("ingest", str(seeds), "--db", db)
    assert done.returncode == 0, done.stderr
    assert "added 2, skipped 0 already stored, rejected 0" in done.stdout
    assert "same text" not in done.stderr and "not read" not in done.stderr
    found = CliRunner().invoke(cli, ["sources", str(seeds / seed_rewrite_path.name), "--db", db, "--json"])
    assert [m["id"] for m in json.loads(found.stdout)] == [str(seeds / seed_source_path.name)]
    named = run("ingest", str(draft), "--db", db)  # named on its own, a hidden file is read
    assert named.returncode == 0 and "added 1," in named.stdout, named.stderr


def test_a_copy_under_another_id_and_a_date_in_the_future_are_said(tmp_path, seed_source, seed_rewrite):
    """An aggregator's feed: the wire story posted again under a new id, a rewrite dated years ahead."""
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": "wire", "text": seed_source.text, "source": "Reuters", "published": "2025-11-03"},
        {"id": "wire-again", "text": seed_source.text, "source": "Reuters", "published": "2025-11-04"},
        {"id": "late", "text": seed_rewrite.text, "published": "2031-11-03"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    done = run("ingest", str(feed), "--db", str(tmp_path / "w.db"))
    assert done.returncode == 0, done.stderr
    assert "added 2, skipped 1 already stored" in done.stdout
    assert "same text, same outlet, stored under another id: 1 article (wire-again is wire)" in done.stderr
    assert "note: 1 article dated after today (first: late, 2031-11-03): compared only with articles" in done.stderr
    again = run("ingest", str(feed), "--db", str(tmp_path / "w.db"))
    # the same ids again: only the copy under another id is named
    assert "stored under another id: 1 article (wire-again is wire)" in again.stderr


def test_lines_without_an_id_from_a_feed_rewritten_in_place_or_piped_again_are_articles_of_their_own(
    tmp_path, seed_source, seed_rewrite
):
    """A daily feed file with no ids, overwritten each day, then the next day's feed piped in: each row goes in."""
    db, feed = str(tmp_path / "w.db"), tmp_path / "daily.jsonl"
    days = [seed_source.text[seed_source.header :], seed_rewrite.text[seed_rewrite.header :]]
    feed.write_text(json.dumps({"text": days[0]}) + "\n", encoding="utf-8")
    assert "added 1," in run("ingest", str(feed), "--db", db).stdout
    again = run("ingest", str(feed), "--db", db)
    assert again.returncode == 0 and "added 0, skipped 1 already stored" in again.stdout
    feed.write_text(json.dumps({"text": days[1]}) + "\n", encoding="utf-8")
    next_day = run("ingest", str(feed), "--db", db)
    assert next_day.returncode == 0, next_day.stderr
    assert "added 1," in next_day.stdout
    piped = subprocess.run(
        [sys.executable, "-m", "wiretrace", "ingest", "-", "--db", db],
        input=json.dumps({"text": days[1] + "\nThe ministry gave no further details."}) + "\n",
        capture_output=True,
        text=True,
    )
    assert piped.returncode == 0 and "added 1," in piped.stdout, piped.stderr
    with sqlite3.connect(db) as con:
        ids = sorted(row[0] for row in con.execute("SELECT id FROM articles"))
    assert len(ids) == 3 and ids[2].startswith("<stdin>:1#")
    assert all(i.startswith(f"{feed}:1#") for i in ids[:2])


def test_a_copy_given_many_times_under_one_id_is_named_once(tmp_path, seed_source):
    """A feed repeating one row had listed it once a row: 'same is wire, same is wire, same is wire'."""
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": "wire", "text": seed_source.text}] + [{"id": "same", "text": seed_source.text}] * 3
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    done = run("ingest", str(feed), "--db", str(tmp_path / "w.db"))
    assert done.returncode == 0, done.stderr
    assert "added 1, skipped 3 already stored" in done.stdout
    assert "stored under another id: 1 article (same is wire); ask for them by the stored id" in done.stderr


def test_stdin_named_twice_is_said_not_read_as_empty(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "wiretrace", "ingest", "-", "-", "--db", str(tmp_path / "w.db")],
        input="The harbour board will vote on the new ferry timetable on Thursday, its chair said.\n",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "added 1, skipped 0 already stored, rejected 1" in done.stdout
    assert "rejected: <stdin>: '-' given twice (standard input is read once)" in done.stderr.splitlines()


def test_stdin_takes_every_jsonl_line_and_gives_each_plain_text_its_own_id(
    tmp_path, seed_source_path, seed_rewrite_path
):
    db = tmp_path / "w.db"
    feed = (
        '{"id": "ok-1", "text": "Seoul plans a record defence budget for 2026, officials said on Monday."}\n'
        '{"id": "ok-2", "text": "Police in Busan arrested two men after a robbery at a jewellery shop."}\n'
        '{"id": "no-text"}\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "wiretrace", "ingest", "-", "--db", str(db)], input=feed, capture_output=True, text=True
    )
    assert done.returncode == 1  # a line was rejected
    assert "added 2," in done.stdout
    assert '<stdin>:3: missing field "text"' in done.stderr
    for path, added in ((seed_source_path, 1), (seed_rewrite_path, 1), (seed_rewrite_path, 0)):
        done = subprocess.run(
            [sys.executable, "-m", "wiretrace", "ingest", "-", "--db", str(db)],
            input=path.read_text(encoding="utf-8"),
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert f"added {added}," in done.stdout  # the same text piped twice is one article
    with sqlite3.connect(db) as con:
        ids = sorted(row[0] for row in con.execute("SELECT id FROM articles"))
    assert ids[:2] == ["ok-1", "ok-2"]
    assert len(ids) == 4 and all(i.startswith("stdin:") for i in ids[2:])


@pytest.mark.parametrize(
    ("option", "db_name", "target", "what"),
    [
        ("--jsonl", "w.db", "w.db", "the store itself"),
        ("--jsonl", "w.db", "sub/../w.db", "the store itself"),
        ("--jsonl", "w.db", "w.db-wal", "the store's write-ahead log"),
        ("--jsonl", "w.db", "w.db-shm", "the store's shared-memory file"),
        ("--graph", "w.dot", "w.dot", "the store itself"),
    ],
)
def test_scan_output_onto_the_store_is_refused_before_the_scan(tmp_path, seeds, option, db_name, target, what):
    """`scan --jsonl wiretrace.db` (--db forgotten) had written the pairs over the store and exited 0."""
    db = tmp_path / db_name
    assert run("ingest", str(seeds), "--db", str(db)).returncode == 0
    (tmp_path / "sub").mkdir()
    before = db.read_bytes()
    done = run("scan", "--db", str(db), option, str(tmp_path / target))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [f"error: {tmp_path / target}: is {what} ({db}); choose another output file"]
    assert db.read_bytes() == before
    assert run("scan", "--db", str(db)).returncode == 0  # still a store, not yet scanned


def test_scan_output_onto_a_feed_or_page_is_refused_and_its_own_output_rewritten(tmp_path):
    """`scan --jsonl feed.jsonl` (ingest's argument typed into scan) had written over the feed, exit 0, and
    `--jsonl x.dot --graph x.dot` replaced the JSON lines with the graph."""
    feed = tmp_path / "feed.jsonl"
    shutil.copy(FIXTURES / "feed.jsonl", feed)
    page = tmp_path / "page.html"
    shutil.copy(FIXTURES / "news_page.html", page)
    db = tmp_path / "w.db"
    assert run("ingest", str(feed), str(page), "--db", str(db)).returncode == 0
    kept = feed.read_bytes(), page.read_bytes()
    for option, target in (("--jsonl", feed), ("--jsonl", page), ("--graph", tmp_path / "feed.dot")):
        if target.suffix == ".dot":
            shutil.copy(feed, target)
        done = run("scan", "--db", str(db), option, str(target))
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr.splitlines() == [
            f"error: {target}: exists and holds no scan output (a feed or a page?): remove it or choose another file"
        ]
    assert (feed.read_bytes(), page.read_bytes()) == kept
    both = run("scan", "--db", str(db), "--jsonl", str(tmp_path / "x.dot"), "--graph", str(tmp_path / "x.dot"))
    assert both.returncode == 1 and "is the --jsonl file too" in both.stderr
    for _ in range(2):  # a scan's own output is written over
        again = run("scan", "--db", str(db), "--jsonl", str(tmp_path / "out.jsonl"), "--graph", str(tmp_path / "g.dot"))
        assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "out.jsonl").read_text().splitlines()[0])["type"] in ("pair", "story")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_scan_writes_to_a_pipe_and_over_its_own_output_of_long_lines(tmp_path, seeds):
    """The check for a feed in the output's place had read a named pipe (waiting for ever) and parsed the
    first 4 KB of an earlier output as a JSON line (refusing one whose first line was longer)."""
    import threading

    db = tmp_path / "w.db"
    assert run("ingest", str(seeds), "--db", str(db)).returncode == 0
    pipe = tmp_path / "out.fifo"
    os.mkfifo(pipe)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_text()))
    reader.start()
    assert run("scan", "--db", str(db), "--jsonl", str(pipe)).returncode == 0
    reader.join(timeout=60)
    assert json.loads(got[0].splitlines()[0])["type"] == "pair"
    earlier = tmp_path / "out.jsonl"
    earlier.write_text(json.dumps({"type": "pair", "a": "x" * 10_000}) + "\n")
    assert run("scan", "--db", str(db), "--jsonl", str(earlier)).returncode == 0


def test_a_blank_outlet_names_none_and_a_graph_name_in_capitals_is_taken(tmp_path, seed_source_path):
    db = tmp_path / "w.db"
    assert run("ingest", str(seed_source_path), "--outlet", "   ", "--db", str(db)).returncode == 0
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT outlet FROM articles").fetchall() == [(None,)]
    raw.close()
    done = run("scan", "--db", str(db), "--graph", str(tmp_path / "OUT.GRAPHML"))
    assert done.returncode == 0, done.stderr
    assert "<graphml" in (tmp_path / "OUT.GRAPHML").read_text()


def test_a_missing_store_is_one_line_and_exit_1(tmp_path):
    done = run("scan", "--db", str(tmp_path / "nope.db"))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'nope.db'}: no such store (wiretrace ingest PATH --db FILE creates one)"
    ]


def test_a_store_in_a_missing_folder_is_named_as_such(tmp_path, seed_source_path):
    db = tmp_path / "nowhere" / "w.db"
    done = run("ingest", str(seed_source_path), "--db", str(db))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"error: {db}: folder {db.parent} does not exist"]


@pytest.mark.data
def test_outlet_marks_wire_copy_so_it_is_the_source(tmp_path, data_dir):
    """METER's Bonehead story: newspaper files carry no date, so only --outlet PA lets the agency rule order them."""
    story = "showbiz/09.08.99/oasis"
    pa, papers = data_dir / "meter/PA/rawtexts" / story, data_dir / "meter/newspapers/rawtexts" / story
    edges = {}
    for marked in (False, True):
        db, jsonl = str(tmp_path / f"{marked}.db"), tmp_path / f"{marked}.jsonl"
        runner = CliRunner()
        assert runner.invoke(cli, ["ingest", str(papers), "--db", db]).exit_code == 0
        wire = ["ingest", str(pa), "--db", db] + (["--outlet", "PA"] if marked else [])
        assert runner.invoke(cli, wire).exit_code == 0
        assert runner.invoke(cli, ["scan", "--db", db, "--jsonl", str(jsonl)]).exit_code == 0
        pairs = [r for r in map(json.loads, jsonl.read_text().splitlines()) if r["type"] == "pair"]
        side = {p: Path(p).relative_to(data_dir / "meter").parts[0] for r in pairs for p in (r["a"], r["b"])}
        edges[marked] = [
            (side[r["source"]], r["direction_basis"])
            for r in pairs
            if r["relation"] == "rewrite" and side[r["a"]] != side[r["b"]]
        ]
    assert edges[True] and all(edge == ("PA", "agency") for edge in edges[True])
    assert any(basis == "text" for _, basis in edges[False])


@pytest.mark.data
def test_scan_shows_each_article_once_under_its_wire_copy(tmp_path, data_dir):
    """METER's showbiz day of 27.01.00: in the Oasis birth story the Mirror retold PA's copy and shares all its
    sentences with the Sun and the Mail; it is shown once, under the wire, not again under each paper."""
    story = "showbiz/27.01.00"
    db, jsonl = str(tmp_path / "w.db"), tmp_path / "s.jsonl"
    runner = CliRunner()
    papers = ["ingest", str(data_dir / "meter/newspapers/rawtexts" / story), "--db", db]
    assert runner.invoke(cli, papers).exit_code == 0
    wire = ["ingest", str(data_dir / "meter/PA/rawtexts" / story), "--outlet", "PA", "--db", db]
    assert runner.invoke(cli, wire).exit_code == 0
    scanned = runner.invoke(cli, ["scan", "--db", db, "--jsonl", str(jsonl)])
    assert scanned.exit_code == 0, scanned.output
    shown = [line.split()[1] for line in scanned.stdout.splitlines() if line.lstrip().startswith(("●", "└─"))]
    assert shown and len(shown) == len(set(shown))
    stories = [r for r in map(json.loads, jsonl.read_text().splitlines()) if r["type"] == "story"]
    best = [e["source"] for st in stories for e in st["edges"] if e["best"] and e["derived"].endswith("125_mirror.txt")]
    assert len(best) == 1 and "/PA/" in best[0]
    parents = [e["source"] for st in stories for e in st["edges"] if e["derived"].endswith("125_mirror.txt")]
    assert all("/PA/" in p for p in parents)


def _count(db: Path) -> int:
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])


@pytest.mark.data
def test_killed_ingest_and_scan_lose_nothing_committed_and_resume(tmp_path, data_dir):
    folder = data_dir / "bbc" / "bbc" / "entertainment"
    db = tmp_path / "w.db"
    env = {**__import__("os").environ, "WIRETRACE_BATCH_SIZE": "20", "WIRETRACE_SCAN_BATCH": "10"}

    def start(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "wiretrace", *args, "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    kept = []
    for command, marker in ((("ingest", str(folder)), "read: 40\n"), (("scan",), "scanned: 20\n")):
        proc = start(*command)
        assert proc.stderr is not None
        assert marker in iter(proc.stderr.readline, ""), f"no {marker!r} before the end"  # killed half-way
        proc.kill()  # SIGKILL: no chance to clean up
        proc.wait()
        kept.append(_count(db))
        assert kept[-1] >= 40
    with sqlite3.connect(db) as con:
        scanned_before = con.execute("SELECT count(*) FROM articles WHERE scanned = 1").fetchone()[0]
    assert scanned_before >= 20
    assert run("ingest", str(folder), "--db", str(db), env=env).returncode == 0
    total = _count(db)
    assert total > 300 and kept[0] < total  # the first ingest was stopped before its end
    assert run("scan", "--db", str(db), env=env).returncode == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM articles WHERE scanned = 0").fetchone()[0] == 0


class _Run:
    """``ingest`` (or ``scan``) of BBC's entertainment folder in small batches with 2 workers, started and
    read until it is well on: the worker tests stop it there."""

    def __init__(self, tmp_path: Path, data_dir: Path, command: str, **popen: Any) -> None:
        self.command, self.db = command, tmp_path / "w.db"
        folder = data_dir / "bbc" / "bbc" / "entertainment"
        self.env = {**os.environ, "WIRETRACE_BATCH_SIZE": "20", "WIRETRACE_SCAN_BATCH": "10", "WIRETRACE_WORKERS": "2"}
        if command == "scan":
            assert run("ingest", str(folder), "--db", str(self.db), env=self.env).returncode == 0
        self.args = [str(folder)] if command == "ingest" else []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wiretrace", command, *self.args, "--db", str(self.db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
            **popen,
        )
        assert self.proc.stderr is not None
        marker = "read: 40\n" if command == "ingest" else "scanned: 20\n"
        assert marker in iter(self.proc.stderr.readline, ""), f"no {marker!r} before the end"

    def error_line(self, returncode: int, timeout: float) -> str:
        """Its one error line, once it has ended with ``returncode`` and no traceback."""
        _, err = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == returncode
        assert "Traceback" not in err and "KeyboardInterrupt" not in err and "BrokenProcessPool" not in err
        (line,) = [line for line in err.splitlines() if line.startswith("error:")]
        assert line.endswith("run the same command again to go on" if self.command == "ingest" else "articles left")
        return line

    def again(self) -> subprocess.CompletedProcess[str]:
        return run(self.command, *self.args, "--db", str(self.db), env=self.env)


@pytest.mark.data
@pytest.mark.parametrize("command", ["ingest", "scan"])
def test_ctrl_c_stops_ingest_and_scan_in_one_line(tmp_path, data_dir, command):
    """Ctrl-C reaches the whole process group, workers too: one line says what the store keeps, no traceback."""
    import signal

    started = _Run(
        tmp_path,
        data_dir,
        command,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        # As a terminal starts it: a test run in the background (nohup, `&`) passes Ctrl-C down ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.killpg(started.proc.pid, signal.SIGINT)
    assert started.error_line(130, timeout=120).startswith(f"error: aborted; {started.db} keeps the ")
    assert started.again().returncode == 0  # and it goes on


def _workers_of(pid: int) -> list[int]:
    """The worker processes ``pid`` spawned (not multiprocessing's resource tracker), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read()
        except (OSError, ValueError):  # not a process, or one that has just ended
            continue
        if ppid == pid and b"spawn_main" in cmdline:
            found.append(int(entry))
    return found


@pytest.mark.data
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc (Linux)")
@pytest.mark.parametrize("command", ["ingest", "scan"])
def test_a_worker_killed_is_one_line_and_the_same_command_goes_on(tmp_path, data_dir, command):
    """A worker killed (as the out-of-memory killer does) had ended the run in a BrokenProcessPool traceback."""
    import signal

    started = _Run(tmp_path, data_dir, command)
    workers = _workers_of(started.proc.pid)
    assert workers, "no worker process found"
    os.kill(workers[0], signal.SIGKILL)
    line = started.error_line(1, timeout=300)
    assert line.startswith(f"error: a worker process died (killed, or out of memory?); {started.db} keeps the ")
    kept = _count(started.db)  # and the store is whole
    again = started.again()
    assert again.returncode == 0, again.stderr  # and it goes on
    assert _count(started.db) >= kept
    with sqlite3.connect(started.db) as con:
        assert con.execute("SELECT count(*) FROM articles WHERE scanned = 0").fetchone()[0] == (
            0 if command == "scan" else _count(started.db)
        )


@pytest.mark.data
def test_two_processes_ingesting_at_once_do_not_corrupt_the_store(tmp_path, data_dir):
    db = tmp_path / "w.db"
    env = {**__import__("os").environ, "WIRETRACE_BATCH_SIZE": "25"}
    folders = [data_dir / "bbc" / "bbc" / "tech", data_dir / "bbc" / "bbc" / "politics"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "wiretrace", "ingest", str(f), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for f in folders
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-500:] for o in outs]
    added = sum(int(o[0].split("added ")[1].split(",")[0]) for o in outs)
    assert _count(db) == added
    assert added > 700


def test_graph_files_and_the_summary_hold_odd_ids_and_titles(tmp_path, seed_source, seed_rewrite):
    import xml.etree.ElementTree as ET

    feed = tmp_path / "odd.jsonl"
    rows = [
        # 16:00 UTC on 3 November, written in Seoul's time: earlier than the rewrite, though its text sorts later
        {"id": "hegseth\nwire", "text": seed_source.text, "title": "Hegseth\x19 in <Seoul> & \"talks\"",
         "published": "2025-11-04T01:00+09:00", "source": "Reuters"},
        {"id": "hegseth wire", "text": seed_rewrite.text, "title": "Rewrite\n     └─ fake-original  rewrite 0.99",
         "published": "2025-11-03T20:00+00:00"},
    ]  # fmt: skip
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db, graphml, dot, jsonl = (str(tmp_path / n) for n in ("w.db", "g.graphml", "g.dot", "s.jsonl"))
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(feed), "--db", db]).exit_code == 0
    out = runner.invoke(cli, ["scan", "--db", db, "--graph", graphml, "--jsonl", jsonl])
    assert out.exit_code == 0, out.output
    key = story_key("hegseth\nwire")  # stored first
    assert f"Story 1 ({key}): 2 articles, 1 rewrite" in out.stdout
    assert not any("fake-original" in line for line in out.stdout.splitlines() if "Rewrite" not in line)
    assert "└─ hegseth wire  rewrite" in out.stdout  # the id on one line, the newline shown as a space

    root = ET.parse(graphml).getroot()  # well-formed, though a title held a character XML forbids
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    titles = [d.text for d in root.iterfind(".//g:node/g:data[@key='title']", ns)]
    assert 'Hegseth\ufffd in <Seoul> & "talks"' in titles
    (edge,) = root.iterfind(".//g:edge", ns)
    assert edge.get("source") == "hegseth\nwire"
    assert {d.get("key"): d.text for d in edge} | {"confidence": None, "coverage": None, "direction_p": None} == {
        "confidence": None, "coverage": None, "direction_p": None, "basis": "published", "best": "true",
    }  # fmt: skip

    runner.invoke(cli, ["scan", "--db", db, "--graph", dot])
    text = Path(dot).read_text()
    assert '"hegseth\\nwire" -> "hegseth wire"' in text  # two ids, two nodes

    (story,) = [json.loads(x) for x in Path(jsonl).read_text().splitlines() if '"type": "story"' in x]
    assert [a["id"] for a in story["articles"]] == ["hegseth\nwire", "hegseth wire"]  # by instant, not by text


def test_a_store_damaged_past_its_header_gives_one_line(tmp_path, seeds, data_dir):
    db = tmp_path / "w.db"
    runner = CliRunner()
    papers = data_dir / "meter" / "newspapers" / "rawtexts" / "showbiz"
    assert runner.invoke(cli, ["ingest", str(seeds), str(papers), "--db", str(db)]).exit_code == 0
    with sqlite3.connect(db) as con:
        con.execute("pragma wal_checkpoint(truncate)")
    with db.open("r+b") as fh:  # the header stays whole: the store opens, and fails when a page is read
        fh.seek(20_000)
        fh.write(b"\xff" * 3_000)
    for args in (["sources", "x"], ["forget", "x"], ["scan"]):
        out = run(*args, "--db", str(db))
        assert out.returncode == 1
        assert out.stderr.splitlines()[-1:] == [
            f"error: {db}: cannot read the store (database disk image is malformed); it may be damaged: "
            "restore a copy or ingest again"
        ], out.stderr
        assert "Traceback" not in out.stderr


def test_sources_say_when_the_time_window_may_be_why_nothing_was_found(tmp_path, seed_source, seed_rewrite):
    feed, late = tmp_path / "wire.jsonl", tmp_path / "late.jsonl"
    feed.write_text(json.dumps({"id": "wire", "text": seed_source.text, "published": "2025-11-03"}) + "\n")
    late.write_text(json.dumps({"id": "late", "text": seed_rewrite.text, "published": "2026-03-01"}) + "\n")
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(feed), "--db", db]).exit_code == 0
    out = runner.invoke(cli, ["sources", str(late), "--db", db])
    assert out.exit_code == 0
    assert out.stdout == ""
    assert out.stderr == "no sources found\n" + (
        "(only articles published within 30 days of it, 2026-03-01, were searched; "
        "WIRETRACE_WINDOW_DAYS=0 searches them all)\n"
    )
    wide = runner.invoke(cli, ["sources", str(late), "--db", db], env={"WIRETRACE_WINDOW_DAYS": "0"})
    assert wide.stdout.startswith("1. wire  rewrite 9"), wide.output
    # every command that reads settings takes --set, as compare does
    flag = runner.invoke(cli, ["sources", str(late), "--db", db, "--set", "window_days=0"])
    assert flag.stdout == wide.stdout


def test_a_scan_says_when_settings_that_decide_pairs_changed_and_rescan_decides_again(tmp_path, seeds):
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(seeds), "--db", db]).exit_code == 0
    first = runner.invoke(cli, ["scan", "--db", db])
    assert "warning" not in first.stderr
    changed = {"WIRETRACE_AGENCY_RULE": "false", "WIRETRACE_WORKERS": "1"}  # workers only set the pace
    later = runner.invoke(cli, ["scan", "--db", db], env=changed)
    assert later.exit_code == 0
    assert (
        "warning: the store's earlier pairs were decided with other settings (agency_rule True -> False); "
        "they stay as decided, and articles scanned from now on"
    ) in later.stderr
    again = runner.invoke(cli, ["scan", "--db", db, "--rescan"], env=changed)
    assert "scanned 2 new articles, compared 1 candidate pair" in again.stderr
    assert "warning" not in again.stderr
    assert "warning" not in runner.invoke(cli, ["scan", "--db", db], env=changed).stderr


def test_a_file_ingested_with_an_outlet_is_itself_however_its_path_is_spelt(
    tmp_path, seeds, seed_source_path, monkeypatch
):
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["ingest", "seeds", "--outlet", "Reuters", "--db", db]).exit_code == 0
    runner.invoke(cli, ["scan", "--db", db])
    name = seed_source_path.name
    for spelt in (f"seeds/{name}", f"./seeds/{name}", str(seeds / name)):
        assert runner.invoke(cli, ["sources", spelt, "--db", db]).stderr.startswith("no sources found\n"), spelt
    monkeypatch.chdir(seeds)  # stored as seeds/…: from inside the folder the file name says it
    assert runner.invoke(cli, ["sources", name, "--db", db]).stderr.startswith("no sources found\n")
    # The same files again with another outlet: refused, saying what differs.
    monkeypatch.chdir(tmp_path)
    again = runner.invoke(cli, ["ingest", "seeds", "--outlet", "Yonhap", "--db", db])
    assert again.exit_code == 1
    assert (
        f"rejected: seeds/{name}: id 'seeds/{name}' is already stored with outlet 'Reuters', not 'Yonhap'"
        in again.stderr
    )
    assert "note: ingest --update stores an article given again with another text in place of the old" in again.stderr
    # Asked to, the files given again replace what was stored from them
    updated = runner.invoke(cli, ["ingest", "seeds", "--outlet", "Yonhap", "--update", "--db", db])
    assert updated.exit_code == 0, updated.stderr
    assert updated.stdout.startswith("added 0, updated 2, skipped 0 already stored, rejected 0 ")


def test_a_store_scanned_before_settings_were_recorded_says_they_are_unknown(tmp_path, seeds):
    db = tmp_path / "w.db"
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(seeds), "--db", str(db)])
    runner.invoke(cli, ["scan", "--db", str(db)])
    with sqlite3.connect(db) as con:  # as a store of an earlier version holds it
        con.execute("delete from meta where key = 'scan_settings'")
    out = runner.invoke(cli, ["scan", "--db", str(db)])
    assert "warning: the store's earlier pairs were decided before stores recorded their settings;" in out.stderr
    assert "warning" not in runner.invoke(cli, ["scan", "--rescan", "--db", str(db)]).stderr


def test_a_write_kept_waiting_by_another_process_says_busy_not_damaged():
    from wiretrace.cli_corpus import _damaged

    busy = _damaged("w.db", sqlite3.OperationalError("database is locked"))
    assert str(busy) == "w.db: the store is busy (another process kept it locked too long); try again when it is done"
    assert "may be damaged" in str(_damaged("w.db", sqlite3.DatabaseError("database disk image is malformed")))


def test_sources_and_the_scan_name_a_changed_figure(tmp_path, seed_source_path, seed_rewrite_path):
    """The seed rewrite with its 28,500 troops made 25,800: sources says so, and the scan's pair records it."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_source_path, folder / seed_source_path.name)
    altered = folder / "altered.txt"
    altered.write_text(seed_rewrite_path.read_text(encoding="utf-8").replace("28,500", "25,800"), encoding="utf-8")
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(folder), "--db", db]).exit_code == 0
    found = runner.invoke(cli, ["sources", str(altered), "--db", db])
    assert found.exit_code == 0
    assert "   changed: 28,500 → 25,800" in found.stdout.splitlines()
    jsonl = tmp_path / "out.jsonl"
    assert runner.invoke(cli, ["scan", "--db", db, "--jsonl", str(jsonl)]).exit_code == 0
    (pair,) = [r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines()) if r["type"] == "pair"]
    assert pair["evidence"]["changed"] == ["28,500 → 25,800"]


def test_outlet_given_on_the_command_line_beats_one_read_off_a_byline(tmp_path, data_dir):
    """METER's soldier1.txt signs "By Lisa Salmon, PA News": read as PA's, unless --outlet says otherwise."""
    wire = data_dir / "meter" / "PA/rawtexts/courts/07.01.00/soldier/soldier1.txt"
    runner = CliRunner()
    for outlet, expected in ((None, "PA"), ("Press Association", "Press Association")):
        db = str(tmp_path / f"{expected}.db")
        args = ["ingest", str(wire), "--db", db] + (["--outlet", outlet] if outlet else [])
        assert runner.invoke(cli, args).exit_code == 0
        stored = json.loads(runner.invoke(cli, ["sources", str(wire), "--db", db, "--json"]).stdout)
        assert stored == []  # alone in its store
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT outlet FROM articles").fetchall() == [(expected,)]


def test_outlet_marks_a_queried_wire_file_as_ingest_marked_it(tmp_path, seed_source, seed_rewrite_path):
    """Wire copy queried by path names no outlet; `--outlet` makes it the agency's, as `ingest --outlet` did."""
    wire = tmp_path / "wire.txt"  # the Reuters story, undated and unsigned
    wire.write_text(seed_source.text[seed_source.header :], encoding="utf-8")
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(seed_rewrite_path), "--db", db]).exit_code == 0

    def copies(*extra: str) -> list[tuple[str, str]]:
        out = runner.invoke(cli, ["copies", str(wire), "--db", db, "--json", *extra])
        return [(m["comparison"]["relation"], m["comparison"]["direction_basis"]) for m in json.loads(out.stdout)]

    assert copies() == [("rewrite", "text")]
    assert copies("--outlet", "Reuters") == [("rewrite", "agency")]
    stored_id = run("copies", "some-stored-id", "--db", db, "--outlet", "PA")
    assert stored_id.returncode == 2
    assert "'some-stored-id' is no file but a stored id, which keeps the outlet it was stored with" in stored_id.stderr


def _as_nobody() -> list[str] | None:
    """A command prefix that drops root (whom file permissions do not stop), or None where that cannot be done."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import wiretrace"], capture_output=True)
    return prefix if probe.returncode == 0 else None


def test_a_store_on_a_read_only_share_answers_queries_and_says_why_it_cannot_be_written(seeds, seed_rewrite_path):
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("cannot run as a user file permissions apply to")
    share = Path(tempfile.mkdtemp(prefix="wiretrace-ro-"))  # outside pytest's tmp folder, which only root can enter
    try:
        db = share / "news.db"
        assert run("ingest", str(seeds), "--db", str(db)).returncode == 0
        db.chmod(0o444)
        share.chmod(0o555)

        def as_reader(*args: str) -> subprocess.CompletedProcess[str]:
            cmd = [*prefix, sys.executable, "-m", "wiretrace", *args]
            return subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=share)

        found = as_reader("sources", str(seed_rewrite_path), "--db", str(db), "--json")
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)[0]["comparison"]["relation"] == "rewrite"
        scan = as_reader("scan", "--db", str(db))
        assert (scan.returncode, scan.stderr) == (
            1,
            f"error: {db}: the store file is read-only: ingest, scan and forget need to write it\n",
        )
        new = as_reader("ingest", str(seeds), "--db", str(share / "other.db"))
        assert new.stderr == f"error: {share / 'other.db'}: cannot create the store: folder {share} is not writable\n"
        assert sorted(p.name for p in share.iterdir()) == ["news.db"]  # nothing left beside it
    finally:
        share.chmod(0o755)
        shutil.rmtree(share)


def test_outlet_given_for_a_file_stored_with_another_is_named_as_not_used(tmp_path, seeds, seed_rewrite_path):
    db = str(tmp_path / "w.db")
    assert run("ingest", str(seeds), "--db", db).returncode == 0
    stored = seeds / seed_rewrite_path.name
    found = run("sources", str(stored), "--outlet", "Reuters", "--db", db)
    assert found.returncode == 0, found.stderr
    assert found.stderr.startswith(
        f"note: {stored} is stored as {stored} with no outlet, which answers: --outlet is not used"
    )
    elsewhere = tmp_path / "copy.txt"  # the same text elsewhere is no stored article: --outlet holds
    elsewhere.write_bytes(stored.read_bytes())
    assert "note:" not in run("copies", str(elsewhere), "--outlet", "Reuters", "--db", db).stderr


def test_sources_reads_a_warc_file_of_one_page_and_ingest_reads_any_warc_file(
    tmp_path, warc, seed_source_path, seed_rewrite_path
):
    """sources/copies read a WARC capture of one page as that page; ingest reads a WARC file however named."""
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(seed_source_path), "--db", db]).exit_code == 0
    one = warc.write(tmp_path / "rewrite.warc.gz", [("https://other.example/rewrite", warc.page(seed_rewrite_path))])
    found = runner.invoke(cli, ["sources", str(one), "--db", db, "--json"])
    assert found.exit_code == 0, found.output
    (match,) = json.loads(found.stdout)
    assert (match["id"], match["comparison"]["relation"]) == (str(seed_source_path), "rewrite")
    # a page without article text beside it is passed over, as ingest passes it over: one article page
    rewrite = ("https://other.example/rewrite", warc.page(seed_rewrite_path))
    empty = ("https://other.example/index", b"<html><body><nav>Home | World</nav></body></html>")
    two = warc.write(tmp_path / "two.warc", [rewrite, empty])
    assert json.loads(runner.invoke(cli, ["sources", str(two), "--db", db, "--json"]).stdout)[0]["id"] == match["id"]
    crawl = warc.write(
        tmp_path / "crawl.bin",  # named otherwise: the bytes say WARC
        [("https://news.example/source", warc.page(seed_source_path)), rewrite, empty],
    )
    refused = runner.invoke(cli, ["copies", str(crawl), "--db", db])
    assert refused.exit_code == 1
    assert str(refused.exception) == (
        f"{crawl}: a WARC file holds 3 pages; use wiretrace ingest (compare, sources and copies read one article)"
    )
    done = run("ingest", str(crawl), "--db", db)
    assert done.returncode == 0, done.stderr
    assert "rejected 0" in done.stdout and "passed over: 1 WARC record" in done.stderr
    piped = subprocess.run(
        [sys.executable, "-m", "wiretrace", "ingest", "-", "--db", db],
        input=one.read_bytes(),
        capture_output=True,
    )
    assert piped.returncode == 0, piped.stderr
    assert b"added 0, skipped 1 already stored" in piped.stdout  # the same page, under the same URL


def test_a_negative_scan_limit_is_refused_before_the_scan(tmp_path, seeds):
    """--limit -1 had sliced from the end: the seeds' one story went unshown under "… 2 more (see --jsonl)"."""
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(seeds), "--db", db]).exit_code == 0
    refused = runner.invoke(cli, ["scan", "--db", db, "--limit", "-1"])
    assert refused.exit_code == 1
    assert str(refused.exception) == "--limit: -1 is below 0 (the number of stories to show: 0 or more)"
    done = runner.invoke(cli, ["scan", "--db", db, "--limit", "0"])
    assert done.exit_code == 0, done.output
    assert "scanned 2 new articles" in done.stderr  # the refused run scanned nothing
    assert done.stdout == "1 story with more than one article\n\n… 1 more (see --jsonl)\n"
    shown = runner.invoke(cli, ["scan", "--db", db, "--limit", "1"]).stdout
    assert "Story 1 (" in shown and "more (see --jsonl)" not in shown


def test_an_empty_file_named_as_the_store_is_refused_and_left_empty(tmp_path, seed_source_path):
    """SQLite takes an empty file for a new database: sources and copies, which only read, and scan and
    forget had written a store into it (53 kB) where a file that is not there is refused."""
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    runner = CliRunner()
    for command in (["sources", str(seed_source_path)], ["copies", "x"], ["scan"], ["forget", "x"]):
        refused = runner.invoke(cli, [*command, "--db", str(db)])
        assert refused.exit_code == 1, command
        assert str(refused.exception).startswith(f"{db}: file is empty, not a store"), command
        assert db.stat().st_size == 0, command
    assert runner.invoke(cli, ["ingest", str(seed_source_path), "--db", str(db)]).exit_code == 0  # makes one
    assert runner.invoke(cli, ["sources", str(seed_source_path), "--db", str(db)]).exit_code == 0
