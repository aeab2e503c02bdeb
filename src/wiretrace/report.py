"""A :class:`~wiretrace.types.Comparison` as JSON data and as terminal text.

The JSON form is stable: schema ``wiretrace.comparison/1``, documented in
``docs/schema.md``. Fields are only ever added, never renamed or removed.
"""

from __future__ import annotations

from typing import Any

from wiretrace.types import ArticleView, Comparison

__all__ = ["SCHEMA", "comparison_to_dict", "comparison_to_text"]

SCHEMA = "wiretrace.comparison/1"


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
        >>> comparison_to_dict(compare("Seoul has 450,000 troops.", "Seoul has 450,000 troops."))["relation"]
        'rewrite'
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
        "coverage": dict(result.coverage),
        "probabilities": dict(result.probabilities),
        "evidence": dict(result.features),
        "model": model,
    }


_KIND_COLOUR = {
    "verbatim": "red",
    "near-verbatim": "magenta",
    "paraphrase": "yellow",
    "merged": "cyan",
    "split": "blue",
}


def _name(view: ArticleView, side: str) -> str:
    art = view.article
    return art.path or art.id or side


def _clip(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def comparison_to_text(result: Comparison, colour: bool = False, width: int = 100) -> str:
    """A readable report: verdict line, sentence links, added, dropped, facts.

    Args:
        result: The comparison.
        colour: Add ANSI colours (kinds colour-coded).
        width: Longest line for quoted sentences.

    Returns:
        The report, ending with a newline.
    """
    import click

    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if colour else text

    views = {"a": result.a, "b": result.b}
    lines = []
    if result.relation == "rewrite":
        d, s = result.derived or "b", result.source or "a"
        verdict = (
            f"{style('REWRITE', fg='red', bold=True)}: {d} ({_name(views[d], d)}) was written from "
            f"{s} ({_name(views[s], s)})"
        )
        lines.append(verdict)
        basis = "publication dates" if result.direction_basis == "published" else "textual evidence"
        lines.append(
            f"confidence {result.confidence:.2f} · {result.extent or ''} derived · direction by {basis} · "
            f"coverage: {result.coverage['derived']:.0%} of {d}, {result.coverage['source']:.0%} of {s}"
        )
    else:
        label = "SAME EVENT, reported independently" if result.relation == "same-event" else "UNRELATED"
        lines.append(
            f"{style(label, fg='green', bold=True)}: a ({_name(result.a, 'a')}) and b ({_name(result.b, 'b')})"
        )
        lines.append(
            f"confidence {result.confidence:.2f} · shared: {result.coverage['derived']:.0%} of b is linked to a"
        )
        d, s = "b", "a"
    for side in ("a", "b"):
        for r in views[side].removed:
            n = len([x for x in r.text.split("\n") if x.strip()])
            lines.append(style(f"cut from {side}: {r.reason} ({n} line{'s' * (n != 1)})", dim=True))
    dv, sv = views[d], views[s]
    if result.alignment:
        lines.append("")
        lines.append(style(f"Sentence links ({d} ← {s}):", bold=True))
        for link in result.alignment:
            dn = "+".join(f"{d.upper()}{i:02d}" for i in link.derived)
            sn = "+".join(f"{s.upper()}{j:02d}" for j in link.source)
            kind = style(f"{link.kind:<13}", fg=_KIND_COLOUR.get(link.kind))
            lines.append(
                f"  {dn} ← {sn:<12} {kind} {link.score:.2f}  {_clip(dv.sentences[link.derived[0]].text, width)}"
            )
            for j in link.source:
                lines.append(
                    style(f"  {'':>{len(dn)}}   {s.upper()}{j:02d}: {_clip(sv.sentences[j].text, width)}", dim=True)
                )
    if result.added:
        lines.append("")
        lines.append(style(f"Added in {d} (no source):", bold=True))
        for i in result.added:
            lines.append(f"  {d.upper()}{i:02d}  {_clip(dv.sentences[i].text, width)}")
    if result.dropped:
        lines.append("")
        lines.append(style(f"Dropped from {s}:", bold=True))
        for j in result.dropped:
            lines.append(f"  {s.upper()}{j:02d}  {_clip(sv.sentences[j].text, width)}")
    if result.carried_facts:
        lines.append("")
        facts = ", ".join(f"{f.text}" for f in result.carried_facts)
        lines.append(f"{style('Carried facts:', bold=True)} {_clip(facts, 4 * width)}")
    return "\n".join(lines) + "\n"
