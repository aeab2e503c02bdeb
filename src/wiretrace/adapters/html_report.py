"""A standalone HTML page for one comparison: the two articles side by side.

Aligned sentences share a colour and link to their partners; kinds are
colour-coded; added and dropped sentences are marked; furniture that was cut
is shown folded. Jinja2 runs with autoescape on: article text is never
trusted as markup.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from wiretrace.errors import InputError
from wiretrace.report import comparison_to_dict
from wiretrace.types import Comparison

__all__ = ["render_html", "write_html"]


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("wiretrace", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _side(
    data: dict[str, Any], side: str, role: str, links: dict[int, list[int]], kinds: dict[int, str]
) -> dict[str, Any]:
    art = data["articles"][side]
    sentences = []
    for k, s in enumerate(art["sentences"]):
        sentences.append({"index": k, "text": s["text"], "links": links.get(k, []), "kind": kinds.get(k)})
    return {"side": side, "role": role, "article": art, "sentences": sentences}


def render_html(result: Comparison, model: str | None = None) -> str:
    """The page as a string."""
    data = comparison_to_dict(result, model)
    d, s = data["alignment_sides"]["derived"], data["alignment_sides"]["source"]
    d_links: dict[int, list[int]] = {}
    s_links: dict[int, list[int]] = {}
    d_kind: dict[int, str] = {}
    s_kind: dict[int, str] = {}
    for n, link in enumerate(data["alignment"]):
        for i in link["derived"]:
            d_links.setdefault(i, []).append(n)
            d_kind[i] = link["kind"]
        for j in link["source"]:
            s_links.setdefault(j, []).append(n)
            s_kind.setdefault(j, link["kind"])
    role = {d: "derived" if data["relation"] == "rewrite" else "", s: "source" if data["relation"] == "rewrite" else ""}
    sides = {d: _side(data, d, role[d], d_links, d_kind), s: _side(data, s, role[s], s_links, s_kind)}
    return (
        _environment()
        .get_template("compare.html")
        .render(
            data=data,
            left=sides["a"],
            right=sides["b"],
            derived=d,
            source=s,
            added=set(data["added"]),
            dropped=set(data["dropped"]),
        )
    )


def write_html(result: Comparison, path: str | os.PathLike[str], model: str | None = None) -> None:
    """Write the page to ``path`` atomically (temp file, then rename).

    Raises:
        InputError: The folder does not exist or cannot be written.
    """
    target = Path(path)
    page = render_html(result, model)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", suffix=".tmp")
    except OSError as exc:
        raise InputError(str(path), f"cannot write here ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(page)
    os.replace(tmp, target)
