"""A :class:`~wiretrace.types.Comparison` as JSON data and as terminal text.

The JSON form is stable: schema ``wiretrace.comparison/1``, documented in
``docs/schema.md``. Fields are only ever added, never renamed or removed.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from wiretrace.types import BASIS_PHRASE, BASIS_WORD, ArticleView, Comparison, Link

__all__ = [
    "SCHEMA",
    "UNDECIDED",
    "comparison_to_dict",
    "comparison_to_text",
    "direction_undecided",
    "edge_undecided",
    "flat",
    "group_links",
    "shown_date",
    "text_disagrees",
    "verdict_summary",
]

SCHEMA = "wiretrace.comparison/1"
# Below this probability a direction read from the text alone is reported as undecided.
UNDECIDED = 0.55


# At or below this, the text alone reads a dated pair the other way round: the reports say so.
TEXT_DISAGREES = 0.1


def shown_date(published: str | None) -> str:
    """A publication time as the pages write it: the ISO day, and the time to the minute only where one is known.

    The terminal reports, the web app's pages and the comparison page all write dates through this,
    one form everywhere (the JSON and the graph files keep the stored ISO 8601). A time
    keeps its zone (``UTC`` or the offset), so no page shows a zoned time as if it were local.

    Args:
        published: An article's ``published``: ISO 8601 day or date-time, as the readers store it.

    Returns:
        ``2025-11-03``, ``2000-06-21 23:56``, ``2025-11-03 09:05 +09:00``; "undated" for None.

    Example:
        >>> shown_date("2025-11-03"), shown_date("2000-06-21T23:56:00"), shown_date("2025-11-03T00:05:30+00:00")
        ('2025-11-03', '2000-06-21 23:56', '2025-11-03 00:05 UTC')
    """
    if not published:
        return "undated"
    if "T" not in published:
        return published
    try:
        when = datetime.fromisoformat(published)
    except ValueError:  # not one the readers wrote: shown as stored
        return published
    offset = when.utcoffset()
    zone = "" if offset is None else " UTC" if not offset else " " + when.isoformat(timespec="minutes")[16:]
    return f"{when:%Y-%m-%d %H:%M}{zone}"


def text_disagrees(result: Comparison) -> float | None:
    """How strongly the text alone reads a rewrite the other way round from its dates, when it does
    (probability at least ``1 - TEXT_DISAGREES``; a backdated copy, or a source updated after its
    copies were made), else None."""
    p = result.probabilities.get("direction_text")
    if result.direction_basis != "published" or p is None or p > TEXT_DISAGREES:
        return None
    return 1.0 - p


def edge_undecided(basis: str | None, direction_p: float) -> bool:
    """Whether a direction is a coin toss: read from the text alone, below :data:`UNDECIDED`."""
    return basis in (None, "text") and direction_p < UNDECIDED


def direction_undecided(result: Comparison) -> bool:
    """Whether a rewrite's direction is a coin toss: read from the text alone, whose two directions' evidence
    is (nearly) the same (identical texts, say); the reports then name no side as the source."""
    return result.direction_basis == "text" and edge_undecided("text", result.probabilities.get("direction", 1.0))


def _article(view: ArticleView) -> dict[str, Any]:
    art = view.article
    return {
        "path": art.path,
        "id": art.id,
        "title": art.title,
        "published": art.published,
        "outlet": art.outlet,
        "url": art.url,
        "removed": [{"start": r.start, "end": r.end, "text": r.text, "reason": r.reason} for r in view.removed],
        "sentences": [{"start": s.start, "end": s.end, "text": s.text} for s in view.sentences],
    }


def comparison_to_dict(result: Comparison, model: str | None = None) -> dict[str, Any]:
    """The comparison as plain JSON-ready data (schema ``wiretrace.comparison/1``).

    Example:
        >>> from wiretrace import compare
        >>> a = ("South Korea will cut its army to 450,000 troops by 2030, the ministry said. "
        ...      "Minister Ahn Gyu-back said it would save 3.2 trillion won.")
        >>> b = ("The army will shrink to 450,000 troops by 2030, the ministry in Seoul said. "
        ...      "Ahn Gyu-back said the plan saves 3.2 trillion won.")
        >>> d = comparison_to_dict(compare(a, b))
        >>> d["relation"], d["source"]
        ('rewrite', 'a')
    """
    derived = result.derived or "b"
    source = result.source or "a"
    return {
        "schema": SCHEMA,
        "relation": result.relation,
        "confidence": result.confidence,
        "source": result.source,
        "derived": result.derived,
        "direction_basis": result.direction_basis,
        "extent": result.extent,
        "articles": {"a": _article(result.a), "b": _article(result.b)},
        "alignment_sides": {"derived": derived, "source": source},
        "alignment": [
            {"derived": list(link.derived), "source": list(link.source), "kind": link.kind, "score": link.score}
            for link in result.alignment
        ],
        "added": list(result.added),
        "dropped": list(result.dropped),
        "carried_facts": [
            {"kind": f.kind, "text": f.text, "derived": f.derived, "source": f.source} for f in result.carried_facts
        ],
        "changed_facts": [
            {"kind": f.kind, "was": f.was, "now": f.now, "derived": f.derived, "source": f.source}
            for f in result.changed_facts
        ],
        "unsourced_figures": [{"text": text, "derived": i} for text, i in result.unsourced_figures],
        "coverage": dict(result.coverage),
        "probabilities": dict(result.probabilities),
        "evidence": dict(result.features),
        "model": model or result.model,
    }


_KIND_COLOUR = {
    "verbatim": "red",
    "near-verbatim": "magenta",
    "paraphrase": "yellow",
    "merged": "cyan",
    "split": "blue",
}
_KINDS = tuple(_KIND_COLOUR)
# Terminal control characters from an article would be obeyed by the
# terminal (colour, cursor moves, hidden text, right-to-left overrides), so
# they are shown as U+FFFD instead.
_CONTROL = dict.fromkeys(
    [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)], "\ufffd"
)


def verdict_summary(result: Comparison) -> str:
    """A one-line verdict for a list of matches (``wiretrace sources``, the web's article page).

    Example:
        ``rewrite 94% · wholly derived · 100% of the derived text · 10 sentence links · direction by text``,
        or ``same event, not shown copied · P(rewrite) 41% · 3 sentence links``.
    """
    links = _plural(len(result.alignment), "sentence link")
    if result.relation != "rewrite":
        verdict = "same event, not shown copied" if result.relation == "same-event" else "unrelated"
        return f"{verdict} · P(rewrite) {result.probabilities.get('rewrite', 0.0):.0%} · {links}"
    direction = (
        "direction undecided (the text alone cannot tell)"
        if direction_undecided(result)
        else f"direction by {BASIS_WORD.get(result.direction_basis or '', 'text')}"
    )
    against = text_disagrees(result)
    if against is not None:
        direction += f" (the text reads the other way, {against:.0%})"
    return (
        f"rewrite {result.confidence:.0%} · {result.extent or ''} derived · "
        f"{result.coverage['derived']:.0%} of the derived text · {links} · {direction}"
    )


def group_links(links: Sequence[Link]) -> list[int]:
    """The alignment group of each link: links that share a sentence are one group.

    A group is the part of the story the derived and the source text tell with
    the same sentences: a source sentence split over two derived ones and merged
    with a third source sentence makes one group of all four. Groups are
    numbered from 1 in the order of their first link.

    Args:
        links: The comparison's alignment.

    Returns:
        One group number per link.

    Example:
        >>> group_links([Link((0,), (0,), "split", 1.0), Link((1,), (0, 3), "merged", 1.0),
        ...              Link((2,), (5,), "paraphrase", 1.0)])
        [1, 1, 2]
    """
    parent = list(range(len(links)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    owner: dict[tuple[str, int], int] = {}
    for n, link in enumerate(links):
        for key in [("d", i) for i in link.derived] + [("s", j) for j in link.source]:
            if key in owner:
                parent[root(n)] = root(owner[key])
            else:
                owner[key] = n
    numbers: dict[int, int] = {}
    return [numbers.setdefault(root(n), len(numbers) + 1) for n in range(len(links))]


def _name(view: ArticleView, side: str) -> str:
    art = view.article
    return flat(art.path or art.id or art.title or side)


def flat(text: str) -> str:
    """``text`` on one line for a terminal: whitespace runs as one space, control characters as U+FFFD."""
    return " ".join(text.split()).translate(_CONTROL)


def _clip(text: str, width: int) -> str:
    line = flat(text)
    width = max(width, 10)
    return line if len(line) <= width else line[: width - 1] + "…"


def _label(side: str, index: int) -> str:
    return f"{side.upper()}{index:02d}"


def _dates(result: Comparison) -> str:
    dates = [f"{side} {shown_date(view.article.published)}" for side, view in (("a", result.a), ("b", result.b))]
    return f" ({', '.join(dates)})" if result.a.article.published or result.b.article.published else ""


def comparison_to_text(result: Comparison, colour: bool = False, width: int = 100) -> str:
    """A compact readable report: verdict, sentence links by group, added, dropped, facts.

    Sentence links are listed by alignment group (see :func:`group_links`):
    the derived sentences of a group, each with its kind and score, then once
    the source sentences they came from. Article text is shown on one line per
    sentence, clipped to ``width``, with control characters neutralised.

    Args:
        result: The comparison.
        colour: Add ANSI colours (verdict, kinds colour-coded, source lines dim).
        width: Longest line, in characters (at least 60 is readable).

    Returns:
        The report, ending with a newline.

    Example:
        >>> from wiretrace import compare
        >>> text = comparison_to_text(compare("Seoul has 450,000 troops. It plans a budget rise.",
        ...                                   "Seoul has 450,000 troops. It plans a budget rise."))
        >>> text.split(":")[0]
        'REWRITE'
    """
    import click

    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if colour else text

    views = {"a": result.a, "b": result.b}
    is_rewrite = result.relation == "rewrite"
    d, s = (result.derived or "b", result.source or "a") if is_rewrite else ("b", "a")
    dv, sv = views[d], views[s]
    head: list[str] = []
    if is_rewrite:
        verdict = "REWRITE"
        undecided = direction_undecided(result)
        if undecided:
            pair = f"a ({_name(result.a, 'a')}) and b ({_name(result.b, 'b')})"
            head.append(f"{verdict}: one of {pair} was written from the other")
        else:
            head.append(f"{verdict}: {d} ({_name(dv, d)}) was written from {s} ({_name(sv, s)})")
        facts = [f"confidence {_probability(result.confidence)}"]
        if result.extent:
            facts.append(f"{result.extent} derived")
        if undecided:
            facts.append(f"direction undecided: the text alone cannot tell{_dates(result)}")
        elif result.direction_basis:
            basis = BASIS_PHRASE.get(result.direction_basis, result.direction_basis)
            sure = ""
            if result.direction_basis == "text":  # dates and agencies are taken as certain; the text is not
                sure = f", probability {_probability(result.probabilities.get('direction', 1.0))}"
            facts.append(f"direction by {basis}{_dates(result)}{sure}")
            against = text_disagrees(result)
            if against is not None:
                facts.append(f"the text alone reads it the other way round ({_probability(against)})")
        head.append(" · ".join(facts))
        head.append(
            f"coverage: {result.coverage['derived']:.0%} of {d} comes from {s}, "
            f"{result.coverage['source']:.0%} of {s} was reused"
        )
    else:
        verdict = "SAME EVENT" if result.relation == "same-event" else "UNRELATED"
        joined = ", reported independently" if result.relation == "same-event" else ""
        head.append(f"{verdict}{joined}: a ({_name(result.a, 'a')}) and b ({_name(result.b, 'b')})")
        shared = f"{result.coverage['derived']:.0%}"
        head.append(f"confidence {_probability(result.confidence)} · shared: {shared} of b is linked to a")
    kinds: Counter[str] = Counter(link.kind for link in result.alignment)
    if is_rewrite:
        counted = "".join(f"{kinds[k]} {k}, " for k in _KINDS if kinds[k])
        head.append(
            f"sentences: {len(dv.sentences)} in {d} ({counted}{len(result.added)} added), "
            f"{len(sv.sentences)} in {s} ({len(result.dropped)} dropped)"
        )
    else:
        head.append(
            f"sentences: {len(dv.sentences)} in {d} ({len(dv.sentences) - len(result.added)} linked to {s}), "
            f"{len(sv.sentences)} in {s}"
        )
    lines: list[str] = []
    for n, line in enumerate(head):
        for k, piece in enumerate(_wrap(line, width)):
            if n == 0 and k == 0:
                # The verdict word stands out; the rest of the line stays plain.
                piece = style(verdict, fg="red" if is_rewrite else "green", bold=True) + piece[len(verdict) :]
            lines.append(piece)
    for side in ("a", "b"):
        if views[side].removed:
            cuts = ", ".join(f"{r.reason} ({_plural(_count_lines(r.text), 'line')})" for r in views[side].removed)
            lines.extend(style(piece, dim=True) for piece in _wrap(f"cut from {side}: {cuts}", width))
    arrow = "←" if is_rewrite else "≈"
    if result.alignment:
        lines.append("")
        heading = (
            f"Sentence links ({d} {arrow} {s}), by group:" if is_rewrite else f"Closest sentences ({d} {arrow} {s}):"
        )
        lines.append(style(heading, bold=True))
        groups = group_links(result.alignment)
        label_width = max(len("+".join(_label(s, j) for j in link.source)) for link in result.alignment)
        for g in sorted(set(groups)):
            members = [link for link, n in zip(result.alignment, groups, strict=True) if n == g]
            for link in members:
                dn = "+".join(_label(d, i) for i in link.derived)
                sn = "+".join(_label(s, j) for j in link.source)
                prefix = f"  {dn} {arrow} {sn:<{label_width}} {link.kind:<13} {link.score:.2f}  "
                kind = style(f"{link.kind:<13}", fg=_KIND_COLOUR.get(link.kind))
                text = _clip(dv.sentences[link.derived[0]].text, width - len(prefix))
                lines.append(f"  {dn} {arrow} {sn:<{label_width}} {kind} {link.score:.2f}  {text}")
            for j in sorted({j for link in members for j in link.source}):
                prefix = f"        {_label(s, j)}  "
                lines.append(style(f"{prefix}{_clip(sv.sentences[j].text, width - len(prefix))}", dim=True))
    # Without a rewrite, what one article lacks of the other is no evidence of
    # anything: the counts above say enough.
    if result.added and is_rewrite:
        lines.append("")
        lines.append(style(f"Added in {d} (no source):", bold=True))
        for i in result.added:
            lines.append(f"  {_label(d, i)}  {_clip(dv.sentences[i].text, width - 7)}")
    if result.dropped and is_rewrite:
        lines.append("")
        lines.append(style(f"Dropped from {s}:", bold=True))
        for j in result.dropped:
            lines.append(f"  {_label(s, j)}  {_clip(sv.sentences[j].text, width - 7)}")
    if result.carried_facts:
        lines.append("")
        title = f"{'Carried' if is_rewrite else 'Shared'} facts ({len(result.carried_facts)}):"
        body = _wrap(f"{title} " + ", ".join(flat(f.text) for f in result.carried_facts), width)
        lines.append(style(title, bold=True) + body[0][len(title) :])
        lines.extend(body[1:])
    if result.changed_facts:
        lines.append("")
        lines.append(style(f"Changed facts ({len(result.changed_facts)}): {s} said otherwise", bold=True))
        for f in result.changed_facts:
            where = f"{_label(d, f.derived)} ← {_label(s, f.source)}"
            # A quote's source sentence is long and shown above: the derived words are what to check.
            told = f'"{flat(f.now)}"' if f.kind == "quote" else f"{flat(f.was)} → {flat(f.now)}"
            lines.append(f"  {where}  {f.kind:<6}  {_clip(told, width - len(where) - 12)}")
    if result.unsourced_figures:
        lines.append("")
        title = f"Figures {s} states nowhere ({len(result.unsourced_figures)}):"
        told = ", ".join(f"{_label(d, i)} {flat(text)}" for text, i in result.unsourced_figures)
        body = _wrap(f"{title} {told}", width)
        lines.append(style(title, bold=True) + body[0][len(title) :])
        lines.extend(body[1:])
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int) -> list[str]:
    # Break at spaces only: a file path or a hyphenated name stays whole.
    return textwrap.wrap(text, width=width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)


def _probability(value: float) -> str:
    # 0.996 is not certainty: never round a probability up to 1.00.
    return f"{min(value, 0.99) if value < 1.0 else value:.2f}"


def _count_lines(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.strip())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"
