"""A standalone HTML page for one comparison: the two articles side by side.

The page is one file with its style and script inline: it opens from a mail
attachment or a USB stick, offline, and fetches nothing (a Content Security
Policy forbids it). When one article is a rewrite of the other, the source is
on the left and the derived text on the right.

What the reader sees:

* the verdict (relation, direction, confidence, coverage) and a legend;
* every sentence of both articles, in their own order. Sentences that tell the
  same part of the story form an *alignment group* (the sentences linked to
  each other, directly or through a shared partner) and share a background
  colour and a group number; the kind of reuse (verbatim, near-verbatim,
  paraphrase, merged, split) is a coloured bar and a label;
* links to each sentence's partners that work without JavaScript (plain
  anchors, highlighted by ``:target``); with JavaScript, hovering or clicking
  a sentence also highlights its partners, and from the keyboard a linked
  sentence is a tab stop that Enter or Space pins and Escape clears;
* added and dropped sentences marked, carried facts highlighted in the text and
  listed, the evidence group by group, and the cut page furniture folded in a
  ``<details>``.

Jinja2 runs with autoescape on and article text is never marked safe: a title
or sentence holding ``<script>`` shows as text. The only markup not escaped is
the page's own script, read from the package.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from wiretrace.adapters.files import write_text_atomic
from wiretrace.core.normalize import fold
from wiretrace.report import comparison_to_dict, direction_undecided, group_links, shown_date
from wiretrace.types import BASIS_PHRASE, ArticleView, Comparison, Fact

__all__ = ["page_context", "render_html", "shown_value", "write_html"]

KIND_MEANING = {
    "verbatim": "same words",
    "near-verbatim": "a few words changed",
    "paraphrase": "one source sentence in new words",
    "merged": "several source sentences in one",
    "split": "one source sentence spread over several",
}
KINDS = tuple(KIND_MEANING)
# Group backgrounds cycle through this many colours (classes c0..c7 in the
# template); eight stay distinguishable as pale tints.
GROUP_COLOURS = 8

# Words of a fact worth marking on their own when the whole fact is not found
# in a sentence (the source may spell "Defence" where the rewrite has "Defense").
_FACT_WORD = re.compile(r"[^\W_][\w'’.-]*[^\W_]|\d")


@dataclass(frozen=True)
class _Ref:
    """A sentence named on the page: ``B03``, anchored at ``#b-s3``."""

    side: str
    index: int

    @property
    def label(self) -> str:
        return f"{self.side.upper()}{self.index:02d}"

    @property
    def anchor(self) -> str:
        return f"{self.side}-s{self.index}"


@dataclass(frozen=True)
class _Use:
    """One link a sentence takes part in, seen from that sentence."""

    kind: str
    score: float
    partners: tuple[_Ref, ...]


@dataclass(frozen=True)
class _SentenceView(_Ref):
    segments: tuple[tuple[str, bool], ...]
    kinds: tuple[str, ...]
    links: tuple[int, ...]
    uses: tuple[_Use, ...]
    group: int | None
    status: str | None
    status_label: str | None


@dataclass(frozen=True)
class _Column:
    side: str
    role: str
    name: str
    title: str | None
    path: str | None
    outlet: str | None
    published: str | None
    url: str | None
    url_is_link: bool
    sentences: tuple[_SentenceView, ...]
    removed: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class _Group:
    number: int
    source: tuple[_SentenceView, ...]
    derived: tuple[_SentenceView, ...]


# Unicode's bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI), and the C0 controls
# but tab and line ends (an id posted with a NUL in it; PA's \x19 paragraph marks): none is text a reader sees.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), *(c for c in range(0x20) if chr(c) not in "\t\n\r"), 0x7F]
)


def shown_value(value: Any) -> Any:
    """What a page prints for a template value: text without bidi embedding, override and isolate controls.

    Nor C0 control characters other than tab and line ends, which HTML has no use for (a NUL is a parse error).

    A title ending in an unclosed right-to-left override reversed the rest of the line it stood in: the
    verdict, the dates and the address beside it. Every value the pages print is passed through this
    (Jinja's ``finalize``), so no text of an article can reorder another's; the templates also isolate each
    name, outlet and address (``<bdi>``) so that right-to-left letters do not pull the text around them.
    Markup the templates build themselves passes unchanged.

    Example:
        >>> shown_value("bidi \u202egnp.exe\u202c title"), shown_value("nul\\x00 id"), shown_value(3)
        ('bidi gnp.exe title', 'nul id', 3)
    """
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return value.translate(_BIDI_CONTROLS)
    return value


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("wiretrace", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown_value,
    )


def _script() -> str:
    return (resources.files("wiretrace") / "templates" / "compare.js").read_text(encoding="utf-8")


def _mark(text: str, facts: list[Fact], exact: bool) -> tuple[tuple[str, bool], ...]:
    """``text`` cut into ``(piece, is_fact)`` runs, the facts marked.

    Matching runs on folded text (curly quotes and dashes made plain; the same
    length, so offsets carry over). In the derived sentence a fact is found as
    written. In the source its wording may differ, so a number is also tried
    without separators, a quote with any punctuation between its words, and a
    name word by word.
    """
    marked = [False] * len(text)
    folded = fold(text)

    def paint(pattern: str, flags: int = 0, first: bool = False) -> bool:
        found = False
        for m in re.finditer(pattern, folded, flags):
            if m.end() > m.start():
                marked[m.start() : m.end()] = [True] * (m.end() - m.start())
                found = True
                if first:
                    break
        return found

    for fact in facts:
        wanted = fold(fact.text)
        if fact.kind == "quote":
            # A quote fact is its words, lowercased, without the punctuation.
            paint(r"(?<!\w)" + r"\W+".join(map(re.escape, wanted.split())) + r"(?!\w)", re.IGNORECASE)
        elif paint(re.escape(wanted)) or exact:
            continue
        elif fact.kind == "number":
            digits = re.sub(r"\D", "", wanted)
            paint(r"(?<![\d.,])" + r"[,.\u00a0\u202f ]?".join(map(re.escape, digits)) + r"(?!\d)")
        else:
            # Word by word, only each word's first use: "South" of "South Korea"
            # should not light up "the South's ministry" later in the sentence.
            for word in _FACT_WORD.findall(wanted):
                if len(word) > 1:
                    paint(r"(?<!\w)" + re.escape(word) + r"(?!\w)", first=True)
    runs: list[tuple[str, bool]] = []
    start = 0
    for k in range(1, len(text) + 1):
        if k == len(text) or marked[k] != marked[start]:
            runs.append((text[start:k], marked[start]))
            start = k
    return tuple(runs)


def _display_name(view: ArticleView, side: str) -> str:
    art = view.article
    if art.title:
        return art.title
    if art.path and art.path != "-":
        return PurePath(art.path).name
    return art.id or ("stdin" if art.path == "-" else side.upper())


def _is_web_address(url: str | None) -> bool:
    # Only http(s) becomes a link: a "javascript:" or "data:" address from an
    # article's metadata must stay inert text.
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def _column(
    result: Comparison,
    side: str,
    role: str,
    own: str,
    partner_side: str,
    group_of: list[int],
    status: dict[int, tuple[str, str]],
    name: str | None = None,
) -> _Column:
    view = result.a if side == "a" else result.b
    facts: dict[int, list[Fact]] = {}
    for fact in result.carried_facts:
        facts.setdefault(fact.derived if own == "derived" else fact.source, []).append(fact)
    sentences = []
    for s in view.sentences:
        links = [
            n
            for n, link in enumerate(result.alignment)
            if s.index in (link.derived if own == "derived" else link.source)
        ]
        uses = []
        for n in links:
            link = result.alignment[n]
            others = link.source if own == "derived" else link.derived
            uses.append(_Use(link.kind, link.score, tuple(_Ref(partner_side, k) for k in others)))
        kinds = tuple(dict.fromkeys(result.alignment[n].kind for n in links))
        sentences.append(
            _SentenceView(
                side=side,
                index=s.index,
                segments=_mark(s.text, facts.get(s.index, []), exact=own == "derived"),
                kinds=kinds,
                links=tuple(links),
                uses=tuple(uses),
                group=group_of[links[0]] if links else None,
                status=status[s.index][0] if s.index in status else None,
                status_label=status[s.index][1] if s.index in status else None,
            )
        )
    art = view.article
    return _Column(
        side=side,
        role=role,
        name=name or _display_name(view, side),
        title=art.title,
        path=art.path,
        outlet=art.outlet,
        published=shown_date(art.published) if art.published else None,
        url=art.url,
        url_is_link=_is_web_address(art.url),
        sentences=tuple(sentences),
        removed=tuple({"reason": r.reason, "text": r.text, "lines": _count_lines(r.text)} for r in view.removed),
    )


def _count_lines(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.strip())


def _percent(value: float) -> str:
    # 0.996 is not certainty: never round a probability up to 100%.
    if 0.995 <= value < 1.0:
        return ">99%"
    return f"{value:.0%}"


def page_context(
    result: Comparison, model: str | None = None, names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Everything the template shows, as plain values (article text unescaped).

    Args:
        result: The comparison.
        model: The embedding model's name, shown in the footer.
        names: Names to show by side (``a``, ``b``) in place of each article's title or file name
            (the web app names a pasted text); the JSON form keeps the articles' own.

    Returns:
        The template's variables: ``verdict``, ``left``, ``right``, ``groups``,
        ``facts``, ``kinds``, ``data`` (the JSON form) and the script.

    Example:
        >>> from wiretrace import compare
        >>> a = ("South Korea will cut its army to 450,000 troops by 2030, the ministry said. "
        ...      "Minister Ahn Gyu-back said it would save 3.2 trillion won.")
        >>> b = ("The army will shrink to 450,000 troops by 2030, the ministry in Seoul said. "
        ...      "Ahn Gyu-back said the plan saves 3.2 trillion won.")
        >>> ctx = page_context(compare(a, b))
        >>> ctx["left"].role, ctx["right"].role
        ('source', 'derived')
    """
    data = comparison_to_dict(result, model)
    d, s = data["alignment_sides"]["derived"], data["alignment_sides"]["source"]
    is_rewrite = result.relation == "rewrite"
    group_of = group_links(result.alignment)
    if is_rewrite:
        d_status, s_status = ("added", "added"), ("dropped", "dropped")
    else:
        # Without a rewrite nothing was added or dropped: each text just has
        # sentences the other lacks.
        d_status, s_status = ("unshared", f"only in {d.upper()}"), ("unshared", f"only in {s.upper()}")
    names = names or {}
    derived_col, source_col = (
        _column(result, side, role if is_rewrite else "", role, other, group_of, status, names.get(side))
        for side, role, other, status in (
            (d, "derived", s, dict.fromkeys(result.added, d_status)),
            (s, "source", d, dict.fromkeys(result.dropped, s_status)),
        )
    )
    # Source on the left, as a reader compares "from" with "to"; without a
    # rewrite, a on the left as given.
    left, right = (source_col, derived_col) if is_rewrite or s == "a" else (derived_col, source_col)
    groups = []
    for number in sorted(set(group_of)):
        members = [link for link, g in zip(result.alignment, group_of, strict=True) if g == number]
        d_idx = sorted({i for link in members for i in link.derived})
        s_idx = sorted({j for link in members for j in link.source})
        groups.append(
            _Group(
                number=number,
                source=tuple(source_col.sentences[j] for j in s_idx),
                derived=tuple(derived_col.sentences[i] for i in d_idx),
            )
        )
    kind_counts: Counter[str] = Counter(link.kind for link in result.alignment)
    script = _script()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    verdict = {
        "relation": result.relation,
        "confidence": _percent(result.confidence),
        "extent": result.extent,
        "basis": BASIS_PHRASE.get(result.direction_basis or ""),
        "undecided": direction_undecided(result),
        "derived": derived_col,
        "source": source_col,
        "coverage_derived": _percent(result.coverage.get("derived", 0.0)),
        "coverage_source": _percent(result.coverage.get("source", 0.0)),
        "kind_counts": [(k, kind_counts[k]) for k in KINDS if kind_counts[k]],
        "n_added": len(result.added),
        "n_dropped": len(result.dropped),
        "probabilities": {k: _percent(v) for k, v in result.probabilities.items()},
    }
    return {
        "data": data,
        "verdict": verdict,
        "left": left,
        "right": right,
        "groups": groups,
        "group_colours": GROUP_COLOURS,
        "facts": [
            {
                "kind": f.kind,
                "text": f.text,
                "derived": derived_col.sentences[f.derived],
                "source": source_col.sentences[f.source],
            }
            for f in result.carried_facts
        ],
        "changed": [
            {
                "kind": f.kind,
                "was": f.was,
                "now": f.now,
                "derived": derived_col.sentences[f.derived],
                "source": source_col.sentences[f.source],
            }
            for f in result.changed_facts
        ],
        "unsourced": [{"text": text, "derived": derived_col.sentences[i]} for text, i in result.unsourced_figures],
        "kinds": [(k, KIND_MEANING[k]) for k in KINDS],
        "model": model,
        "script": script,
        "script_hash": f"sha256-{digest}",
    }


def render_html(result: Comparison, model: str | None = None) -> str:
    """The page as a string: one standalone HTML document.

    Args:
        result: The comparison.
        model: The embedding model's name, shown on the page.

    Returns:
        The HTML document.

    Example:
        >>> from wiretrace import compare
        >>> page = render_html(compare("Seoul has 450,000 troops.", "Seoul has 450,000 troops."))
        >>> page.startswith("<!doctype html>")
        True
    """
    from markupsafe import Markup

    context = page_context(result, model)
    # Our own packaged script is the one thing not escaped; its hash is in the
    # page's Content Security Policy, so no other script can run.
    context["script"] = Markup(context["script"])
    return str(_environment().get_template("compare.html").render(**context))


def write_html(result: Comparison, path: str | os.PathLike[str], model: str | None = None) -> None:
    """Write the page to ``path`` atomically: a temporary file, then a rename.

    A reader never sees half a page, and a failure leaves any earlier file at
    ``path`` as it was.

    Args:
        result: The comparison.
        path: The file to write.
        model: The embedding model's name, shown on the page.

    Raises:
        InputError: The folder does not exist or cannot be written.

    Example:
        >>> from wiretrace import compare
        >>> write_html(compare("Seoul has 450,000 troops.", "Seoul has 450,000 troops."), "out.html")  # doctest: +SKIP
    """
    write_text_atomic(path, render_html(result, model))
