"""Corpus results as terminal text, JSON lines, GraphML and DOT.

JSON lines carry one object per line with a ``type``: ``pair`` (a decided
pair: ``a``, ``b``, ``relation``, ``confidence``, ``source``, ``derived``,
``direction_basis``, ``coverage``) and ``story`` (``id``, its lasting ``key``, ``articles`` in time
order, ``roots``, ``edges`` source -> derived, each with ``best``: true for the
derived article's best source, false for a further one). Articles are named by
their ids. Every field: ``docs/corpus-output.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from wiretrace.adapters.store.base import PairRecord, Store, StoredArticle
from wiretrace.core.clean import body_spans, find_furniture
from wiretrace.core.provenance import Edge, Story
from wiretrace.report import edge_undecided, flat, shown_date
from wiretrace.types import BASIS_WORD, Article

if TYPE_CHECKING:
    from wiretrace.corpus import Match

# Three words in a row, each from its first letter (the lookbehind): tried from inside a word, the pattern
# costs the word's length at every letter, and a 100,000-letter "word" took minutes.
_WORDS = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,}\W+[^\W\d_]{2,}\W+[^\W\d_]{2,}")

__all__ = [
    "counted",
    "edge_reading",
    "first_line",
    "named_evidence",
    "pairs_to_jsonl",
    "reading_articles",
    "reading_dict",
    "reading_line",
    "stories_to_dot",
    "stories_to_graphml",
    "stories_to_jsonl",
    "stories_to_text",
]


def _name(articles: dict[int, StoredArticle], rowid: int | None) -> str | None:
    if rowid is None:
        return None
    item = articles.get(rowid)
    return str(item.article.id) if item else str(rowid)


def pair_dict(p: PairRecord, articles: dict[int, StoredArticle]) -> dict[str, Any]:
    """One decided pair as JSON-ready data."""
    return {
        "type": "pair",
        "a": _name(articles, p.a),
        "b": _name(articles, p.b),
        "relation": p.relation,
        "confidence": p.confidence,
        "source": _name(articles, p.source),
        "derived": _name(articles, p.derived),
        "direction_basis": p.direction_basis,
        "coverage": {"derived": p.coverage_derived, "source": p.coverage_source},
        "evidence": named_evidence(p.summary, articles),
    }


def reading_dict(match: Match, articles: dict[int, StoredArticle]) -> dict[str, Any] | None:
    """How wire versions read as one show a source or copy (:attr:`Match.versions`), JSON-ready; None without."""
    reading, credit = match.versions, match.credit
    if reading is None or credit is None:
        return None
    c = reading.comparison
    return {
        "versions": [_name(articles, r) if r in articles else "(the query)" for r in reading.versions],
        "relation": c.relation,
        "confidence": c.confidence,
        "extent": c.extent,
        "direction_basis": c.direction_basis,
        "coverage": {"derived": credit.coverage_derived, "source": credit.coverage_source},
        "links": credit.links,
        "kinds": list(credit.kinds),
        "facts": list(credit.facts[:12]),
    }


def reading_articles(store: Store, matches: Sequence[Match]) -> dict[int, StoredArticle]:
    """The stored articles of the wire versions read as one in ``matches``, by rowid (for :func:`reading_dict`)."""
    return {s.rowid: s for s in store.get_many(sorted({r for m in matches if m.versions for r in m.versions.versions}))}


def reading_line(match: Match, role: str) -> str | None:
    """One line on the reading of wire versions behind a source or copy (``role``), or None without one."""
    if match.versions is None or match.credit is None:
        return None
    return (
        f"read as one with {len(match.versions.versions) - 1} other version(s) of the wire story: rewrite "
        f"{match.versions.comparison.confidence:.2f}, this copy accounts for {match.credit.coverage_derived:.0%} "
        f"of the {'article' if role == 'source' else 'copy'}"
    )


def named_evidence(summary: dict[str, Any], articles: dict[int, StoredArticle]) -> dict[str, Any]:
    """A pair's summary with the store's numbers in a wire-versions reading given as article ids."""
    if "versions" not in summary:
        return summary
    own = dict(summary["pair"])
    own["source"], own["derived"] = _name(articles, own.get("source")), _name(articles, own.get("derived"))
    return {**summary, "versions": [_name(articles, r) for r in summary["versions"]], "pair": own}


def story_dict(n: int, story: Story, articles: dict[int, StoredArticle]) -> dict[str, Any]:
    """One story as JSON-ready data (``best``: the edge is the derived article's best source)."""
    further = set(story.further)
    return {
        "type": "story",
        "id": n,
        "key": story.key,
        "articles": [
            {
                "id": _name(articles, r),
                "title": articles[r].article.title if r in articles else None,
                "published": articles[r].article.published if r in articles else None,
                "outlet": articles[r].article.outlet if r in articles else None,
            }
            for r in story.articles
        ],
        "roots": [_name(articles, r) for r in story.roots],
        "edges": [
            {
                "source": _name(articles, e.source),
                "derived": _name(articles, e.derived),
                "confidence": e.confidence,
                "coverage": e.coverage,
                "basis": e.basis,
                "direction_p": e.direction_p,
                "best": e not in further,
                "versions": [_name(articles, r) for r in e.versions] or None,
            }
            for e in story.edges
        ],
    }


def pairs_to_jsonl(pairs: Iterable[PairRecord], articles: dict[int, StoredArticle]) -> Iterable[str]:
    """JSON lines of the pairs."""
    for p in pairs:
        yield json.dumps(pair_dict(p, articles), ensure_ascii=False)


def stories_to_jsonl(stories: Sequence[Story], articles: dict[int, StoredArticle]) -> Iterable[str]:
    """JSON lines of the stories, numbered from 1."""
    for n, story in enumerate(stories, 1):
        yield json.dumps(story_dict(n, story, articles), ensure_ascii=False)


def first_line(article: Article) -> str:
    """The first line of the body with three words in a row (page furniture and wire rules skipped), or ""."""
    spans = body_spans(article.text, article.header, find_furniture(article.text, article.header))
    body = "\n".join(article.text[x:y] for x, y in spans)
    # Old wire copy (PA's, in METER) ends each paragraph with "<" and starts some with a \x19: not part of a label.
    line = next((line for line in body.splitlines() if _WORDS.search(line)), "")
    return "".join(c for c in line if c.isprintable()).strip().rstrip("<").rstrip()


def _label(articles: dict[int, StoredArticle], rowid: int) -> str:
    item = articles.get(rowid)
    if not item:
        return str(rowid)
    a = item.article
    title = a.title or first_line(a)
    return " · ".join(x for x in (shown_date(a.published) if a.published else "", a.outlet, title[:60]) if x)


def _shown(articles: dict[int, StoredArticle], rowid: int | None) -> str:
    """An article's id for the terminal: on one line, control characters shown as U+FFFD."""
    return flat(_name(articles, rowid) or "")


def _direction(e: Edge) -> str:
    if edge_undecided(e.basis, e.direction_p):
        return "direction undecided"
    return f"direction by {BASIS_WORD.get(e.basis or '', 'text')}"


def edge_reading(e: Edge) -> str:
    """How an edge's numbers were found when several wire versions were read as one, or "".

    Example:
        >>> edge_reading(Edge(1, 3, "rewrite", 0.96, 1, 3, versions=(1, 2)))
        'read as one with 1 other version(s) of the wire story'
    """
    if not e.versions:
        return ""
    return f"read as one with {len(e.versions) - 1} other version(s) of the wire story"


def _walk(
    node: int,
    depth: int,
    children: dict[int, list[Edge]],
    also: dict[int, list[Edge]],
    articles: dict[int, StoredArticle],
    lines: list[str],
) -> None:
    for e in children.get(node, []):
        d = e.derived or 0
        lines.append(
            f"  {'   ' * depth}└─ {_shown(articles, d)}  rewrite {e.confidence:.2f}, "
            f"{e.coverage:.0%} from source, {_direction(e)}{_as_one(e)}"
        )
        for f in also.get(d, []):
            lines.append(
                f"  {'   ' * (depth + 1)}+ also from {_shown(articles, f.source)}  rewrite {f.confidence:.2f}, "
                f"{f.coverage:.0%} from it, {_direction(f)}{_as_one(f)}"
            )
        _walk(d, depth + 1, children, also, articles, lines)


def _as_one(e: Edge) -> str:
    return f" ({edge_reading(e)})" if e.versions else ""


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and the word, plural unless ``n`` is 1.

    Example:
        >>> counted(1, "rewrite"), counted(3, "story", "stories")
        ('1 rewrite', '3 stories')
    """
    return f"{n} {word if n == 1 else plural or word + 's'}"


def stories_to_text(stories: Sequence[Story], articles: dict[int, StoredArticle], limit: int = 20) -> str:
    """A terminal summary: each story's originals and who was written from whom.

    Each derived article is shown once, under its best source, with any
    further source it was written from on a ``+ also from`` line.
    """
    lines = [f"{counted(len(stories), 'story', 'stories')} with more than one article"]
    for n, story in enumerate(stories[:limit], 1):
        lines.append("")
        rewritten = len({e.derived for e in story.edges})
        size = f"{counted(len(story.articles), 'article')}, {counted(rewritten, 'rewrite')}"
        lines.append(f"Story {n} ({story.key}): {size}" if story.key else f"Story {n}: {size}")
        children: dict[int, list[Edge]] = {}
        also: dict[int, list[Edge]] = {}
        further = set(story.further)
        for e in story.edges:
            if e in further:
                also.setdefault(e.derived or 0, []).append(e)
            else:
                children.setdefault(e.source or 0, []).append(e)
        for root in story.roots:
            lines.append(f"  ● {_shown(articles, root)}  {flat(_label(articles, root))}")
            _walk(root, 1, children, also, articles, lines)
    if len(stories) > limit:
        lines.append(f"\n… {len(stories) - limit} more (see --jsonl)")
    return "\n".join(lines) + "\n"


def stories_to_graphml(stories: Sequence[Story], articles: dict[int, StoredArticle]) -> str:
    """The provenance graphs of all stories as one GraphML document."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        '  <key id="id" for="node" attr.name="id" attr.type="string"/>',
        '  <key id="story" for="node" attr.name="story" attr.type="int"/>',
        '  <key id="story_key" for="node" attr.name="story_key" attr.type="string"/>',
        '  <key id="title" for="node" attr.name="title" attr.type="string"/>',
        '  <key id="outlet" for="node" attr.name="outlet" attr.type="string"/>',
        '  <key id="published" for="node" attr.name="published" attr.type="string"/>',
        '  <key id="confidence" for="edge" attr.name="confidence" attr.type="double"/>',
        '  <key id="coverage" for="edge" attr.name="coverage" attr.type="double"/>',
        '  <key id="basis" for="edge" attr.name="basis" attr.type="string"/>',
        '  <key id="direction_p" for="edge" attr.name="direction_p" attr.type="double"/>',
        '  <key id="best" for="edge" attr.name="best" attr.type="boolean"/>',
        '  <graph edgedefault="directed">',
    ]
    for n, story in enumerate(stories, 1):
        further = set(story.further)
        for r in story.articles:
            a = articles[r].article if r in articles else None
            name = _name(articles, r) or str(r)
            out.append(f"    <node id={quoteattr(_xml_id(name))}>")
            out.append(f'      <data key="id">{_xml(name)}</data>')  # the store's id, as --jsonl names it
            out.append(f'      <data key="story">{n}</data>')
            if story.key:
                out.append(f'      <data key="story_key">{story.key}</data>')
            title = (a.title or first_line(a)) if a else ""
            if title:  # the title, or the body's first line where the article has none (plain text)
                out.append(f'      <data key="title">{_xml(title)}</data>')
            if a and a.outlet:
                out.append(f'      <data key="outlet">{_xml(a.outlet)}</data>')
            if a and a.published:
                out.append(f'      <data key="published">{_xml(a.published)}</data>')
            out.append("    </node>")
        for e in story.edges:
            s, d = _name(articles, e.source) or "", _name(articles, e.derived) or ""
            out.append(f"    <edge source={quoteattr(_xml_id(s))} target={quoteattr(_xml_id(d))}>")
            out.append(f'      <data key="confidence">{e.confidence:.4f}</data>')
            out.append(f'      <data key="coverage">{e.coverage:.4f}</data>')
            if e.basis:
                out.append(f'      <data key="basis">{escape(e.basis)}</data>')
            out.append(f'      <data key="direction_p">{e.direction_p:.4f}</data>')
            out.append(f'      <data key="best">{"false" if e in further else "true"}</data>')
            out.append("    </edge>")
    out += ["  </graph>", "</graphml>"]
    return "\n".join(out) + "\n"


# Characters XML 1.0 does not allow in a document at all, not even escaped (METER has a \x19 in a title).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """``text`` with the characters XML cannot carry shown as U+FFFD, escaped as element text.

    A carriage return becomes a reference: a parser reads a literal one as a newline.
    """
    return escape(_NOT_XML.sub("\ufffd", text), {"\r": "&#13;"})


def _xml_escape(m: re.Match[str]) -> str:
    return f"\\x{ord(m.group()):02x}"


def _xml_id(text: str) -> str:
    r"""An id XML can carry; no two ids give the same one (``\`` doubled, a forbidden character ``\xNN``)."""
    return _NOT_XML.sub(_xml_escape, text.replace("\\", "\\\\"))


def _dot_escape(m: re.Match[str]) -> str:
    return "\\n" if m.group() == "\n" else f"\\x{ord(m.group()):02x}"


def _dot_id(text: str) -> str:
    r"""A DOT quoted string; no two texts give the same one (a newline is ``\n``, other controls ``\xNN``)."""
    return '"' + re.sub(r"[\x00-\x1f\x7f]", _dot_escape, text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def stories_to_dot(stories: Sequence[Story], articles: dict[int, StoredArticle]) -> str:
    """The provenance graphs as Graphviz DOT, one cluster per story, time left to right."""
    out = ["digraph provenance {", "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
    for n, story in enumerate(stories, 1):
        out.append(f"  subgraph cluster_{n} {{")
        out.append(f"    label={_dot_id(f'story {n} ({story.key})' if story.key else f'story {n}')};")
        for r in story.articles:
            out.append(f"    {_dot_id(_name(articles, r) or str(r))} [label={_dot_id(flat(_label(articles, r)))}];")
        further = set(story.further)
        for e in story.edges:
            s, d = _name(articles, e.source) or "", _name(articles, e.derived) or ""
            style = ", style=dashed" if e in further else ""  # a further source, not the best one
            out.append(f"    {_dot_id(s)} -> {_dot_id(d)} [label={_dot_id(f'{e.confidence:.2f}')}{style}];")
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"
