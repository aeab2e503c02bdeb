"""Corpus commands of the ``wiretrace`` CLI: ingest, forget, sources, copies, scan.

Each opens the store named by ``--db`` (default ``wiretrace.db`` in the working
directory, or ``WIRETRACE_DB``), calls :class:`wiretrace.corpus.Corpus` and
prints. Progress goes to stderr, results to stdout.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from wiretrace.adapters.files import is_same_file, write_text_atomic
from wiretrace.cli_settings import FileName, settings_options
from wiretrace.errors import InputError, StoreError
from wiretrace.report import flat
from wiretrace.settings import Settings
from wiretrace.types import Article

__all__ = ["register"]

DEFAULT_DB = "wiretrace.db"
# A worker process killed from outside (the kernel's out-of-memory killer, say) breaks the whole pool.
WORKER_DIED = "a worker process died (killed, or out of memory?)"


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--db FILE``, shared by every corpus command."""
    return click.option(
        "--db",
        default=DEFAULT_DB,
        envvar="WIRETRACE_DB",
        show_default=True,
        type=FileName(),
        help="The SQLite store.",
    )(func)


def _damaged(db: str, exc: sqlite3.DatabaseError) -> StoreError:
    from wiretrace.adapters.store.sqlite import busy_error, is_busy, is_read_only, read_only_error

    if is_busy(exc):  # a write waited too long for another process's lock: nothing is wrong with the store
        return busy_error(db)
    if is_read_only(exc):
        return read_only_error(db)
    return StoreError(f"{db}: cannot read the store ({exc}); it may be damaged: restore a copy or ingest again")


def _an_existing_store(db: str, hint: str = "") -> None:
    """Refuse a store that is not there, for a command that does not make one.

    An empty file is none either: SQLite would take it for a new database, and a command that only reads
    (``sources``, ``copies``) or a mistyped ``--db`` would have written a store into the user's file.
    """
    path = Path(db)
    if not path.exists():
        raise InputError(db, "no such store" + (f" ({hint})" if hint else ""))
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(db, "file is empty, not a store" + (f" ({hint})" if hint else ""))


@contextmanager
def open_corpus(db: str, settings: Settings, create: bool, reads_only: bool = False) -> Iterator[Any]:
    """A :class:`~wiretrace.corpus.Corpus` on the store ``db``, closed afterwards.

    ``reads_only``: the command only reads, so a store that may not be
    written (on a read-only share) is opened for reading.
    """
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint
    from wiretrace.errors import ReadOnlyStore
    from wiretrace.pipeline import Engine

    if not create:
        _an_existing_store(db, "wiretrace ingest PATH --db FILE creates one")
    try:
        store = SQLiteStore(db, store_fingerprint(settings))
    except ReadOnlyStore:
        if not reads_only:
            raise
        store = SQLiteStore(db, store_fingerprint(settings), read_only=True)
    try:
        yield Corpus(store, Engine(settings))
    except sqlite3.DatabaseError as exc:  # a page damaged after the header, found only when read
        raise _damaged(db, exc) from exc
    finally:
        store.close()


def _progress(label: str) -> Callable[[int], None]:
    count = [0]
    tty = sys.stderr.isatty()

    def step(n: int) -> None:
        count[0] += n
        end = "\r" if tty else "\n"
        click.echo(f"{label}: {count[0]:,}", err=True, nl=False)
        click.echo(end, err=True, nl=False)

    return step


def _watch_dates(items: Iterable[Article | Any], future: list[Article]) -> Iterator[Article | Any]:
    """``items`` as they come; the articles dated after today (a typo, a wrong time zone) go to ``future``."""
    from datetime import UTC, datetime

    from wiretrace.corpus import publication_day

    tomorrow = datetime.now(UTC).toordinal() + 1
    for item in items:
        if isinstance(item, Article) and (publication_day(item.published) or 0) > tomorrow:
            future.append(item)
        yield item


def _some(names: list[str]) -> str:
    """The first three of ``names`` (flattened for the terminal), and an ellipsis for the rest."""
    return ", ".join(flat(name) for name in names[:3]) + (", …" if len(names) > 3 else "")


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--outlet",
    help="Outlet of the articles that do not name their own (a plain text file names it in a ' source NAME' "
    "header line; one whose byline or dateline credits a news agency is that agency's unless this says otherwise), "
    "e.g. --outlet PA for a folder of wire copy: a news agency's copy is then the source when dates cannot say.",
)
@click.option(
    "--update",
    is_flag=True,
    help="An id already stored with another text (an article updated since) replaces the stored version, "
    "forgotten with its pairs; without it, such an article is rejected.",
)
@settings_options
def ingest(paths: tuple[str, ...], db: str, outlet: str | None, update: bool, settings: Settings) -> None:
    """Add articles to the store: folders of .txt/.html, JSONL, WARC, files; '-' for stdin.

    Re-ingesting the same text from the same outlet is a no-op (another
    outlet's copy is stored). Each rejected file or line is named with its
    reason; the rest goes in. Exits 1 if anything was rejected.
    """
    from wiretrace.adapters.inputs import iter_articles
    from wiretrace.corpus_report import counted

    others: list[Path] = []
    passed: list[tuple[str, str]] = []
    items = iter_articles(paths, on_other=others.append, on_passed=lambda where, why: passed.append((where, why)))
    outlet = (outlet or "").strip() or None  # "   " names no outlet, as "" does not
    if outlet:
        items = (dataclasses.replace(a, outlet=outlet) if isinstance(a, Article) and _unnamed(a) else a for a in items)
    future: list[Article] = []
    items = _watch_dates(items, future)
    with open_corpus(db, settings, create=True) as corpus:
        workers = corpus.settings.workers or os.cpu_count() or 1
        try:
            report = corpus.ingest(
                items,
                progress=_progress("read"),
                workers=workers,
                # Said as found, not at the end: an ingest stopped half-way has named what it refused.
                on_rejected=lambda r: click.echo(f"rejected: {flat(r.where)}: {flat(r.reason)}", err=True),
                update=update,
            )
        except (KeyboardInterrupt, BrokenProcessPool) as exc:
            _stopped(
                exc,
                f"{db} keeps the {counted(corpus.store.count(), 'article')} stored so far "
                "(each batch whole or not at all): run the same command again to go on",
            )
        total = corpus.store.count()
    click.echo(
        f"added {report.added}, "
        + (f"updated {report.updated}, " if report.updated else "")
        + f"skipped {report.duplicates} already stored, rejected {len(report.rejected)} "
        f"({counted(total, 'article')} in {db}, {report.wall_s:.1f} s)"
    )
    if report.same_as:
        shown = _some([f"{given} is {kept}" for given, kept in report.same_as])
        click.echo(
            f"same text, same outlet, stored under another id: {counted(len(report.same_as), 'article')} "
            f"({shown}); ask for them by the stored id",
            err=True,
        )
    if future:
        first, days = future[0], settings.window_days
        window = f": compared only with articles within {days} days of that date" if days else ""
        click.echo(
            f"note: {counted(len(future), 'article')} dated after today "
            f"(first: {flat(str(first.id))}, {first.published}){window}",
            err=True,
        )
    if others:
        click.echo(
            "not read (not named .txt, .htm(l), .jsonl, .ndjson or .warc(.gz)): "
            f"{counted(len(others), 'file')} in the folders given: {_some([str(p) for p in others])} "
            "(name a file to read it as an article)",
            err=True,
        )
    if passed:
        kinds = Counter(why.split(" (")[0] for _, why in passed)
        click.echo(
            f"passed over: {counted(len(passed), 'WARC record')} of pages holding no article "
            f"({', '.join(f'{n} {why}' for why, n in kinds.most_common())}): {_some([w for w, _ in passed])}",
            err=True,
        )
    if not update and any("is already stored with" in r.reason for r in report.rejected):
        click.echo(
            "note: ingest --update stores an article given again with another text in place of the old", err=True
        )
    if report.rejected:
        raise SystemExit(1)


@click.command()
@click.argument("article_id")
@db_option
def forget(article_id: str, db: str) -> None:
    """Remove one article (and its index keys and pairs) from the store.

    ARTICLE_ID is a stored id, or a file: the article stored from it (as
    `sources FILE` finds it, though its path be spelt otherwise).
    """
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint
    from wiretrace.pipeline import Engine
    from wiretrace.settings import Settings

    if not article_id:
        raise InputError("''", "empty id")
    _an_existing_store(db)
    store = SQLiteStore(db, store_fingerprint(Settings()))
    try:
        if store.forget(article_id):
            click.echo(f"forgot {flat(article_id)}")
            return
        if not Path(article_id).is_file():
            raise InputError(article_id, f"no article with this id in {db}")
        forgot = Corpus(store, Engine(Settings())).forget(Path(article_id))
        if forgot is None:
            raise InputError(article_id, f"no article stored from this file in {db}")
        click.echo(f"forgot {flat(forgot)} (stored from {flat(article_id)})")
    except sqlite3.DatabaseError as exc:
        raise _damaged(db, exc) from exc
    finally:
        store.close()


def _query(article: str, outlet: str | None = None) -> Any:
    from wiretrace.adapters.readers import read_article

    outlet = (outlet or "").strip() or None
    if article == "-" or Path(article).is_file():
        query = read_article(article)
        # As `ingest --outlet` marks it: wire copy read from a file is the agency's again.
        return dataclasses.replace(query, outlet=outlet) if outlet and _unnamed(query) else query
    if outlet:
        raise click.BadParameter(
            f"{article!r} is no file but a stored id, "
            "which keeps the outlet it was stored with; --outlet is for a file",
            param_hint="--outlet",
        )
    return article


_QUERY_OUTLET = click.option(
    "--outlet",
    help="Outlet of ARTICLE when it is a file that does not name its own (as `ingest --outlet` gave it).",
)


def _print_matches(matches: list[Any], as_json: bool, role: str, corpus: Any) -> None:
    from wiretrace.corpus_report import reading_articles, reading_dict, reading_line
    from wiretrace.report import comparison_to_dict, verdict_summary

    articles = reading_articles(corpus.store, matches)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": m.article.article.id,
                        "role": role,
                        "comparison": comparison_to_dict(m.comparison),
                        "versions": reading_dict(m, articles),
                    }
                    for m in matches
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    if not matches:
        click.echo(f"no {'copies' if role == 'copy' else role + 's'} found", err=True)  # stdout stays empty
        return
    for n, m in enumerate(matches, 1):
        c = m.comparison
        a = m.article.article
        reading = reading_line(m, role)
        # A copy a reading of wire versions credits is listed for the reading: its own verdict is the pair's alone.
        alone = "on its own: " if reading and c.relation != "rewrite" else ""
        click.echo(f"{n}. {flat(str(a.id))}  {alone}{verdict_summary(c)}")
        if reading:
            click.echo(f"   {reading}")
        facts = ", ".join(flat(f.text) for f in c.carried_facts[:8])
        if facts:
            click.echo(f"   carried: {facts}")
        changed = ", ".join([f"{flat(f.was)} → {flat(f.now)}" for f in c.changed_facts if f.kind != "quote"][:8])
        quotes = sum(f.kind == "quote" for f in c.changed_facts)
        if changed or quotes:
            told = changed + (", " if changed and quotes else "") + (_plural_quotes(quotes) if quotes else "")
            click.echo(f"   changed: {told}")


def _unnamed(article: Article) -> bool:
    """An article that names no outlet of its own, or only one read off its byline (``--outlet`` says better)."""
    from wiretrace.adapters.readers import agency_credit

    return not article.outlet or article.outlet == agency_credit(article.text[article.header :])


def _plural_quotes(n: int) -> str:
    return f"{n} quote{'s' if n > 1 else ''} worded otherwise (compare shows which)"


@click.command()
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: each source with its full comparison.")
@click.option(
    "--rewrites-only",
    is_flag=True,
    help="Only articles the comparison shows ARTICLE was rewritten from (not those on the same event).",
)
@_QUERY_OUTLET
@db_option
@settings_options
def sources(
    article: str,
    as_json: bool,
    rewrites_only: bool,
    outlet: str | None,
    db: str,
    settings: Settings,
) -> None:
    """The stored articles ARTICLE may have been written from (a file, '-', or a stored id), most likely first.

    Each with its verdict: a rewrite (ARTICLE was written from it) or the same
    event (a possible source the comparison could not show copied). A news
    agency's copy comes first: papers that retold one wire story read as
    rewrites of each other.
    """
    query = _query(article, outlet)
    with open_corpus(db, settings, create=False, reads_only=True) as corpus:
        _stored_outlet_note(corpus, query, outlet)
        matches = corpus.sources(query, rewrites_only=rewrites_only)
        _print_matches(matches, as_json, "source", corpus)
        _window_note(corpus, query, matches)


@click.command()
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: each copy with its full comparison.")
@_QUERY_OUTLET
@db_option
@settings_options
def copies(article: str, as_json: bool, outlet: str | None, db: str, settings: Settings) -> None:
    """The stored articles written from ARTICLE (a stored id, a file or '-'), best first."""
    query = _query(article, outlet)
    with open_corpus(db, settings, create=False, reads_only=True) as corpus:
        _stored_outlet_note(corpus, query, outlet)
        matches = corpus.copies(query)
        _print_matches(matches, as_json, "copy", corpus)
        _window_note(corpus, query, matches)


def _stored_outlet_note(corpus: Any, query: Any, outlet: str | None) -> None:
    """Say so when ``--outlet`` names another outlet than the stored article the file is, which answers."""
    if not outlet or isinstance(query, str):
        return
    stored = corpus.stored_as(query)
    if stored is not None and stored.article.outlet != outlet:
        had = f"outlet {flat(stored.article.outlet)}" if stored.article.outlet else "no outlet"
        click.echo(
            f"note: {flat(str(query.path or query.id))} is stored as {flat(stored.article.id or '')} with {had}, "
            "which answers: --outlet is not used (forget it and ingest it again with --outlet to change that)",
            err=True,
        )


def _stopped(exc: BaseException, kept: str) -> NoReturn:
    """End a run stopped by Ctrl-C (exit 130, on a line of its own after the progress) or by a worker
    process dying (exit 1) with one line saying why and what the store ``kept``."""
    if isinstance(exc, KeyboardInterrupt):
        click.echo(f"\nerror: aborted; {kept}", err=True)
        raise SystemExit(130) from None
    click.echo(f"error: {WORKER_DIED}; {kept}", err=True)
    raise SystemExit(1) from None


def _window_note(corpus: Any, query: Any, matches: list[Any]) -> None:
    """Say so when nothing was found and the time window may be why (a late re-spin of an old story)."""
    days = corpus.settings.window_days
    if matches or not days:  # said on stderr, so --json output stays as it is
        return
    stored = corpus.store.get(query) if isinstance(query, str) else None
    published = stored.article.published if stored else getattr(query, "published", None)
    if published:
        click.echo(
            f"(only articles published within {days} days of it, {published}, were searched; "
            "WIRETRACE_WINDOW_DAYS=0 searches them all)",
            err=True,
        )


def _refuse_the_store(out: str, db: str) -> None:
    """Refuse an output path that is the store or one of SQLite's files beside it: written there, the output
    would take the store's place (``scan --jsonl wiretrace.db``, ``--db`` forgotten)."""
    for suffix, what in (
        ("", "the store itself"),
        ("-wal", "the store's write-ahead log"),
        ("-shm", "the store's shared-memory file"),
    ):
        if is_same_file(out, db + suffix):
            raise InputError(out, f"is {what} ({db}); choose another output file")


def _refuse_other_files(out: str) -> None:
    """Refuse to write over a file that holds something other than an earlier scan's output of its kind (a
    feed or a saved page given by mistake: the store may keep their text, but the file would be lost)."""
    if not Path(out).is_file():
        return  # not there, or a pipe or a device: nothing to lose (and a pipe would not answer a read)
    try:
        with open(out, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return  # unreadable: writing says why
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if not text:
        return
    suffix = Path(out).suffix.lower()
    if suffix == ".graphml":
        ours = text.startswith("<?xml") and "<graphml" in text
    elif suffix == ".dot":
        ours = text.startswith(("digraph", "strict digraph"))
    else:  # the JSON lines of pairs_to_jsonl and stories_to_jsonl, whose lines start with their type
        ours = text.startswith(('{"type": "pair"', '{"type": "story"'))
    if not ours:
        raise InputError(out, "exists and holds no scan output (a feed or a page?): remove it or choose another file")


@click.command()
@click.option(
    "--jsonl",
    "jsonl_path",
    type=FileName(allow_dash=True),
    help="Write pairs and stories as JSON lines ('-': to standard output, the summary then to standard error).",
)
@click.option(
    "--graph",
    "graph_path",
    type=FileName(suffixes=(".graphml", ".dot")),
    help="Write the provenance graphs: GraphML (.graphml) or Graphviz DOT (.dot).",
)
@click.option("--limit", default=20, show_default=True, help="Stories shown in the terminal summary.")
@click.option(
    "--rescan",
    is_flag=True,
    help="Drop every decided pair and decide them all again (after changing settings that decide pairs).",
)
@db_option
@settings_options
def scan(
    jsonl_path: str | None,
    graph_path: str | None,
    limit: int,
    rescan: bool,
    db: str,
    settings: Settings,
) -> None:
    """Find every rewrite in the store, group articles into stories, trace provenance.

    Incremental: only articles not scanned before are examined (against the
    whole store), so after an ingest a scan costs what the new articles cost.
    The store keeps the settings its pairs were decided with; when they have
    changed since, the scan says so (--rescan decides every pair again).
    """
    from wiretrace.corpus_report import (
        counted,
        pairs_to_jsonl,
        stories_to_dot,
        stories_to_graphml,
        stories_to_jsonl,
        stories_to_text,
    )

    if limit < 0:  # a slice from the end: all but the last stories shown, and more said left than there are
        raise InputError("--limit", f"{limit} is below 0 (the number of stories to show: 0 or more)")
    to_stdout = jsonl_path == "-"
    if jsonl_path and graph_path and jsonl_path != "-" and is_same_file(jsonl_path, graph_path):
        raise InputError(graph_path, "is the --jsonl file too: the graph would replace the JSON lines")
    for out in (None if to_stdout else jsonl_path, graph_path):
        # Checked before the scan, not after it: a long scan should not end on a path that was never writable.
        if out and not Path(out).resolve().parent.is_dir():
            raise InputError(out, f"cannot write here: folder {Path(out).parent} does not exist")
        if out:
            _refuse_the_store(out, db)
            _refuse_other_files(out)
    with open_corpus(db, settings, create=False) as corpus:
        workers = corpus.settings.workers or os.cpu_count() or 1
        if rescan:
            corpus.store.restart_scan()
        try:
            report = corpus.scan(progress=_progress("scanned"), workers=workers)
        except (KeyboardInterrupt, BrokenProcessPool) as exc:
            left = counted(len(corpus.store.unscanned()), "article")
            _stopped(
                exc,
                f"{db} keeps the pairs of the articles scanned so far: run the same command again to scan the "
                f"{left} left",
            )
        stories = corpus.stories()
        pairs = corpus.store.pairs()
        rowids = sorted({r for s in stories for r in s.articles} | {p.a for p in pairs} | {p.b for p in pairs})
        articles = {s.rowid: s for s in corpus.store.get_many(rowids)}
    click.echo(
        f"scanned {counted(report.scanned, 'new article')}, compared {counted(report.compared, 'candidate pair')} "
        f"in {report.wall_s:.1f} s; {counted(len(pairs), 'related pair')} in the store"
        + (
            f"; wire versions read as one for {counted(report.read_as_versions, 'article')} "
            f"({counted(report.from_versions, 'pair')} made rewrites)"
            if report.read_as_versions
            else ""
        ),
        err=True,
    )
    if report.settings_changed:
        changed = ", ".join(f"{k} {then!r} -> {now!r}" for k, (then, now) in report.settings_changed.items())
        decided = (
            "were decided before stores recorded their settings"
            if "?" in report.settings_changed
            else f"were decided with other settings ({changed})"
        )
        click.echo(
            f"warning: the store's earlier pairs {decided}; they stay as decided, and articles scanned from now "
            "on are decided with these (wiretrace scan --rescan decides every pair again)",
            err=True,
        )
    click.echo(stories_to_text(stories, articles, limit), nl=False, err=to_stdout)
    if jsonl_path:
        lines = list(pairs_to_jsonl(pairs, articles)) + list(stories_to_jsonl(stories, articles))
        if to_stdout:
            for line in lines:
                click.echo(line)
        else:
            write_text_atomic(jsonl_path, "\n".join(lines) + ("\n" if lines else ""))
            click.echo(f"wrote {jsonl_path}", err=True)
    if graph_path:
        render = stories_to_graphml if graph_path.lower().endswith(".graphml") else stories_to_dot
        write_text_atomic(graph_path, render(stories, articles))
        click.echo(f"wrote {graph_path}", err=True)


def register(group: click.Group) -> None:
    """Add the corpus commands to the ``wiretrace`` group."""
    for command in (ingest, forget, sources, copies, scan):
        group.add_command(command)
