"""Wire versions read as one (wiretrace.wire), on METER's story of Bonehead leaving Oasis (showbiz, 9 August 1999).

PA sent the story in three versions; METER labels the Guardian's text wholly derived and the Express's
partially derived. Against any one version alone some of their pairs are only ``same-event``: read
together, the versions account for them.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from wiretrace.adapters.inputs import iter_articles
from wiretrace.adapters.store import MemoryStore
from wiretrace.corpus import Corpus
from wiretrace.pipeline import Engine
from wiretrace.wire import own_verdict

pytestmark = pytest.mark.data

STORY = "showbiz/09.08.99/oasis"
PAPERS = ("oasis31_guardian.txt", "oasis28_express.txt")
WIRE = ("oasis1.txt", "oasis2.txt", "oasis3.txt")


@pytest.fixture(scope="module")
def articles(data_dir):
    papers = {a.id.rsplit("/", 1)[-1]: a for a in iter_articles([data_dir / "meter/newspapers/rawtexts" / STORY])}
    wire = {a.id.rsplit("/", 1)[-1]: a for a in iter_articles([data_dir / "meter/PA/rawtexts" / STORY])}
    assert set(PAPERS) <= set(papers) and set(WIRE) <= set(wire), f"METER dev's {STORY} story is missing"
    return {**{n: papers[n] for n in PAPERS}, **{n: dataclasses.replace(wire[n], outlet="PA") for n in WIRE}}


def _scanned(engine, articles, names):
    corpus = Corpus(MemoryStore(), engine)
    corpus.ingest([articles[n] for n in names])
    report = corpus.scan()
    return corpus, report


def _pairs_with(corpus, name):
    rowid = corpus.store.get(next(s.article.id for s in _all(corpus) if s.article.id.endswith(name))).rowid
    names = {s.rowid: s.article.id.rsplit("/", 1)[-1] for s in _all(corpus)}
    return {names[p.b if p.a == rowid else p.a]: p for p in corpus.store.pairs_of([rowid])}, names


def _all(corpus):
    return corpus.store.get_many(corpus.store.iter_rowids())


def test_the_versions_read_as_one_make_same_event_pairs_rewrites(engine, articles):
    corpus, report = _scanned(engine, articles, PAPERS + WIRE)
    assert report.read_as_versions == 2  # each paper, against the three PA versions
    upgraded = []
    for paper in PAPERS:
        pairs, names = _pairs_with(corpus, paper)
        for wire, p in pairs.items():
            if "versions" not in p.summary:
                continue
            assert own_verdict(p).relation == "same-event"
            assert (p.relation, names[p.source], names[p.derived], p.direction_basis) == (
                "rewrite",
                wire,
                paper,
                "agency",
            )
            versions = {names[r] for r in p.summary["versions"]}
            assert wire in versions and len(versions) >= 2 and versions <= set(WIRE)
            assert p.summary["links"] >= 1 and 0 < p.coverage_derived <= 1
            upgraded.append((paper, wire))
    assert ("oasis31_guardian.txt", "oasis3.txt") in upgraded
    assert report.from_versions == len(upgraded)
    # Each paper's provenance now credits PA only: every edge into a paper comes from a wire version.
    (story,) = corpus.stories()
    names = {s.rowid: s.article.id.rsplit("/", 1)[-1] for s in _all(corpus)}
    into = {(names[e.source], names[e.derived]) for e in story.edges if names[e.derived] in PAPERS}
    assert {d for _, d in into} == set(PAPERS)
    assert all(s in WIRE for s, _ in into)


def test_without_the_setting_the_pairs_keep_their_own_verdicts(articles):
    engine = Engine(Engine().settings.replace(wire_versions=False))
    corpus, report = _scanned(engine, articles, PAPERS + WIRE)
    assert report.read_as_versions == 0
    pairs, _ = _pairs_with(corpus, "oasis31_guardian.txt")
    assert pairs["oasis3.txt"].relation == "same-event"
    assert not any("versions" in p.summary for p in corpus.store.pairs())


def test_a_new_version_is_read_with_the_old_ones_and_forgetting_one_undoes_its_reading(engine, articles):
    corpus, report = _scanned(engine, articles, ("oasis31_guardian.txt", "oasis1.txt"))
    assert report.read_as_versions == 0  # one version: the pair's own comparison says it all
    corpus.ingest([articles["oasis2.txt"], articles["oasis3.txt"]])
    again = corpus.scan()
    assert again.scanned == 2 and again.read_as_versions == 1  # the Guardian, read again with the new copies
    pairs, names = _pairs_with(corpus, "oasis31_guardian.txt")
    assert pairs["oasis3.txt"].relation == "rewrite" and "versions" in pairs["oasis3.txt"].summary
    third = corpus.store.get(articles["oasis3.txt"].id).rowid

    corpus.store.forget(articles["oasis3.txt"].id)
    assert [names[r] for r in corpus.store.unscanned()] == ["oasis31_guardian.txt"]
    after = corpus.scan()
    assert after.scanned == 1 and after.read_as_versions == 1
    pairs, _ = _pairs_with(corpus, "oasis31_guardian.txt")
    assert set(pairs) == {"oasis1.txt", "oasis2.txt"}
    assert all(third not in p.summary.get("versions", ()) for p in pairs.values())


def test_sources_and_copies_read_the_versions_as_one_too(engine, articles):
    corpus, _ = _scanned(engine, articles, PAPERS + WIRE)
    guardian, third = articles["oasis31_guardian.txt"].id, articles["oasis3.txt"].id
    alone = {m.article.article.id: m for m in corpus._compared(*corpus._query_document(guardian))}
    assert alone[third].comparison.relation == "same-event"  # the pair alone shows no copying

    found = {m.article.article.id: m for m in corpus.sources(guardian, rewrites_only=True)}
    assert third in found
    m = found[third]
    assert m.versions is not None and m.credit is not None and m.credit.links >= 1
    assert m.versions.comparison.relation == "rewrite" and m.versions.comparison.source == "a"
    assert corpus.store.get(third).rowid in m.versions.versions
    assert {r.article.article.outlet for r in corpus.sources(guardian)[:3]} == {"PA"}

    copies = {m.article.article.id: m for m in corpus.copies(third)}
    assert guardian in copies and copies[guardian].versions is not None

    plain = Corpus(corpus.store, Engine(engine.settings.replace(wire_versions=False)))
    assert third not in {m.article.article.id for m in plain.sources(guardian, rewrites_only=True)}
    assert guardian not in {m.article.article.id for m in plain.copies(third)}


def test_the_cli_shows_the_reading(tmp_path, data_dir):
    from click.testing import CliRunner

    from wiretrace.cli import cli

    db = str(tmp_path / "w.db")
    runner = CliRunner()
    papers, wire = data_dir / "meter/newspapers/rawtexts" / STORY, data_dir / "meter/PA/rawtexts" / STORY
    assert runner.invoke(cli, ["ingest", str(papers / PAPERS[0]), "--db", db]).exit_code == 0
    assert runner.invoke(cli, ["ingest", *[str(wire / n) for n in WIRE], "--outlet", "PA", "--db", db]).exit_code == 0
    scanned = runner.invoke(cli, ["scan", "--db", db])
    assert scanned.exit_code == 0
    assert "wire versions read as one for 1 article (2 pairs made rewrites)" in scanned.output
    guardian = str(papers / PAPERS[0])
    shown = runner.invoke(cli, ["sources", guardian, "--db", db, "--rewrites-only"])
    assert shown.exit_code == 0 and "read as one with 2 other version(s) of the wire story" in shown.output
    listed = json.loads(runner.invoke(cli, ["sources", guardian, "--db", db, "--json"]).output)
    reading = next(x["versions"] for x in listed if x["id"].endswith("oasis3.txt"))
    assert reading["relation"] == "rewrite" and len(reading["versions"]) == 3
    assert all(v.endswith(WIRE) for v in reading["versions"])


def test_the_web_page_and_api_show_the_reading(tmp_path, data_dir, engine):
    from urllib.parse import quote

    from bs4 import BeautifulSoup
    from fastapi.testclient import TestClient

    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import store_fingerprint
    from wiretrace.web import WebConfig, create_app

    db = tmp_path / "w.db"
    papers, wire = data_dir / "meter/newspapers/rawtexts" / STORY, data_dir / "meter/PA/rawtexts" / STORY
    store = SQLiteStore(db, store_fingerprint(engine.settings))
    corpus = Corpus(store, engine)
    corpus.ingest(
        [
            *iter_articles([papers / PAPERS[0]]),
            *[dataclasses.replace(a, outlet="PA") for a in iter_articles([wire / n for n in WIRE])],
        ]
    )
    corpus.scan()
    store.close()
    client = TestClient(create_app(WebConfig(db=str(db)), engine))
    guardian = str(papers / PAPERS[0])
    doc = BeautifulSoup(client.get("/articles/" + quote(guardian, safe="")).text, "html.parser")
    cells = [" ".join(c.text.split()) for c in doc.select("#sources .verdict-cell")]
    assert any("read as one with 2 other version(s) of the wire story" in c for c in cells), cells
    listed = client.get("/api/articles/" + quote(guardian, safe="") + "/sources").json()
    readings = [m["versions"] for m in listed if m["versions"]]
    assert readings and all(r["relation"] == "rewrite" and len(r["versions"]) == 3 for r in readings)


def test_a_version_filed_after_the_paper_is_never_its_source(engine, articles):
    """The papers dated the morning after; one PA version dated a day later still. Read with the others, it
    had been credited as their source "by dates", dated by the reading's first version."""
    dated = {n: dataclasses.replace(articles[n], published="1999-08-10T06:00:00") for n in PAPERS}
    late = dataclasses.replace(articles["oasis3.txt"], published="1999-08-11T12:00:00")
    corpus, _ = _scanned(engine, {**articles, **dated, "oasis3.txt": late}, PAPERS + WIRE)
    for paper in PAPERS:
        pairs, names = _pairs_with(corpus, paper)
        late_pair = pairs.get("oasis3.txt")
        assert late_pair is None or late_pair.source is None or names[late_pair.source] != "oasis3.txt"
        versions = {names[r] for p in pairs.values() for r in p.summary.get("versions", ())}
        assert "oasis3.txt" not in versions


def test_versions_read_as_one_are_no_page_reprinting_the_paper(data_dir):
    """METER's Campbell story, text alone: the Guardian stands whole in PA's four versions read as one, after
    the first versions' sentences. That makes the versions no page reprinting it: they are still its source."""
    from wiretrace.settings import Settings
    from wiretrace.wire import read_as_one

    engine = Engine(Settings(agency_rule=False))
    story = "rawtexts/courts/21.06.00/campbell"
    wire = [data_dir / "meter/PA" / story / f"campbell{n}.txt" for n in ("1", "1nl", "2", "2nl")]
    paper = engine.prepare(next(iter_articles([data_dir / "meter/newspapers" / story / "campbell795_guardian.txt"])))
    versions = [(rowid, engine.prepare(a)) for rowid, a in enumerate(iter_articles(wire), 1)]
    reading = read_as_one(engine, paper, versions)
    assert reading is not None
    assert (reading.comparison.relation, reading.comparison.source) == ("rewrite", "a")
