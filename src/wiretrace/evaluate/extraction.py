"""``wiretrace eval extraction``: how well HTML pages become article text.

Two sets of saved real pages, each scored the way its authors score it, and
each page read twice in the same run: by wiretrace's reader
(:func:`wiretrace.adapters.readers.read_bytes`) and by trafilatura with its
defaults (``trafilatura.extract(html)``), so the margin is visible.

* **Zyte article benchmark** (``ground-truth.json`` with ``articleBody``):
  bag-of-tokens overlap between extracted and gold body, per page normalised
  so long pages do not weigh more, precision and recall averaged over pages
  and F1 from the two averages (scrapinghub/article-extraction-benchmark
  ``evaluate.py``). Reported on single tokens (``\\w+``) and on the
  benchmark's own 4-token shingles.
* **trafilatura evaluation pages** (``tests/evaldata.json``): per page,
  snippets that must be extracted (``with``) and snippets of boilerplate
  that must not (``without``), matched as whitespace-normalised substrings.
  A found ``with`` is a true positive, a found ``without`` a false
  positive; precision, recall and F1 are over all snippets (trafilatura's
  ``tests/eval_common.py``).

A third row, ``wiretrace+clean``, scores the text the engine goes on to
compare: the reader's text with the furniture :func:`find_furniture` cuts.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiretrace.errors import InputError

__all__ = ["EXTRACTORS", "evaluate_extraction", "extraction_table", "find_sets", "shingle_counts", "snippet_counts"]

EXTRACTORS = ("wiretrace", "wiretrace+clean", "trafilatura")
_ZYTE = "zyte"
_TRAF = "trafilatura_eval"
_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Page:
    """One saved page and its gold: a body (Zyte) or with/without snippets (trafilatura)."""

    set_name: str
    key: str
    path: Path
    gold: Any


def find_sets(root: str | Path) -> dict[str, Path]:
    """The extraction sets under ``root``: the folder of both, or either set's folder.

    Args:
        root: ``shared/data/extraction``, ``.../zyte-article-benchmark`` or
            ``.../trafilatura-eval`` (or its ``tests`` folder).

    Returns:
        ``{"zyte": folder, "trafilatura_eval": folder}``, with the sets found.

    Raises:
        InputError: Neither set is there.

    Example:
        >>> sorted(find_sets("../shared/data/extraction"))  # doctest: +SKIP
        ['trafilatura_eval', 'zyte']
    """
    base = Path(root)
    found: dict[str, Path] = {}
    for folder in (base, *sorted(p for p in base.iterdir() if p.is_dir())) if base.is_dir() else ():
        if (folder / "ground-truth.json").is_file() and (folder / "html").is_dir():
            found.setdefault(_ZYTE, folder)
        for tests in (folder / "tests", folder):
            if (tests / "evaldata.json").is_file():
                found.setdefault(_TRAF, tests)
    if not found:
        raise InputError(
            str(root),
            "no extraction set here (expected ground-truth.json and html/, or tests/evaldata.json)",
        )
    return found


def _page_file(folder: Path, name: str) -> Path | None:
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read the gold file ({exc})") from None
    if not isinstance(data, dict) or not data or not all(isinstance(v, dict) for v in data.values()):
        raise InputError(str(path), "not a gold file (an object of one object per page expected)")
    return data


def _load_pages(sets: dict[str, Path]) -> Iterator[_Page]:
    if _ZYTE in sets:
        folder = sets[_ZYTE]
        for key, item in _load_json(folder / "ground-truth.json").items():
            path = _page_file(folder / "html", f"{key}.html")
            if path is None:
                raise InputError(str(folder / "html"), f"page {key}.html(.gz) of ground-truth.json is missing")
            if not isinstance(item.get("articleBody"), str):
                raise InputError(str(folder / "ground-truth.json"), f"page {key}: no articleBody")
            yield _Page(_ZYTE, key, path, item["articleBody"])
    if _TRAF in sets:
        folder = sets[_TRAF]
        for url, item in _load_json(folder / "evaldata.json").items():
            if not all(k in item for k in ("file", "with", "without")):
                raise InputError(str(folder / "evaldata.json"), f"{url}: needs file, with and without")
            path = _page_file(folder / "cache", item["file"]) or _page_file(folder / "eval", item["file"])
            if path is None:
                raise InputError(str(folder), f"page {item['file']} of evaldata.json is in neither cache/ nor eval/")
            yield _Page(_TRAF, url, path, {"with": item["with"], "without": item["without"]})


def _sample(pages: list[_Page], limit: int | None) -> list[_Page]:
    """The first ``limit`` pages of each set in a fixed pseudo-random order (by key digest)."""
    if limit is None:
        return pages
    chosen: list[_Page] = []
    for name in (_ZYTE, _TRAF):
        of_set = [p for p in pages if p.set_name == name]
        chosen += sorted(of_set, key=lambda p: hashlib.sha1(p.key.encode()).hexdigest())[:limit]
    return chosen


def _extract(path: Path) -> tuple[dict[str, str | None], dict[str, float], str | None, str]:
    """Every extractor's text for one page, its seconds, the reader's refusal if any, and the page's digest."""
    import trafilatura

    from wiretrace.adapters.readers import read_bytes
    from wiretrace.core.clean import body_spans, find_furniture
    from wiretrace.settings import Settings

    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
            raise InputError(str(path), f"not a readable gzip file ({exc})") from None
    texts: dict[str, str | None] = {}
    seconds: dict[str, float] = {}
    refused = None
    article = None
    started = time.perf_counter()
    try:
        article = read_bytes(data, path.name, kind="html")
    except InputError as exc:
        refused = exc.problem
        texts["wiretrace"] = texts["wiretrace+clean"] = None
    else:
        texts["wiretrace"] = article.text
    seconds["wiretrace"] = time.perf_counter() - started
    if article is not None:
        spans = body_spans(article.text, 0, find_furniture(article.text, 0, Settings().min_list_lines))
        texts["wiretrace+clean"] = "\n".join(article.text[a:b] for a, b in spans)
    seconds["wiretrace+clean"] = time.perf_counter() - started
    started = time.perf_counter()
    texts["trafilatura"] = trafilatura.extract(data)
    seconds["trafilatura"] = time.perf_counter() - started
    return texts, seconds, refused, hashlib.sha256(data).hexdigest()


def shingle_counts(gold: str, pred: str, n: int = 1) -> tuple[float, float, float]:
    """True positives, false positives and false negatives of ``n``-token shingles, summing to 1.

    Counts are of the multiset of shingles (a repeated paragraph counts
    twice) and are normalised by their sum, so every page weighs the same.

    Example:
        >>> shingle_counts("Seoul agrees to the plan", "Seoul agrees")
        (0.4, 0.0, 0.6)
    """
    g, p = _TOKEN.findall(gold), _TOKEN.findall(pred)
    gs = Counter(tuple(g[i : i + n]) for i in range(max(1, len(g) - n + 1)) if g[i : i + n])
    ps = Counter(tuple(p[i : i + n]) for i in range(max(1, len(p) - n + 1)) if p[i : i + n])
    tp = sum((gs & ps).values())
    fp, fn = sum(ps.values()) - tp, sum(gs.values()) - tp
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _body_scores(rows: Sequence[tuple[float, float, float]]) -> dict[str, float]:
    # As the benchmark: a page with nothing predicted has no precision, a page
    # with nothing to find no recall; a perfect page scores 1 on both.
    precisions = [1.0 if fp == fn == 0 else tp / (tp + fp) for tp, fp, fn in rows if tp + fp > 0]
    recalls = [1.0 if fp == fn == 0 else tp / (tp + fn) for tp, fp, fn in rows if tp + fn > 0]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def snippet_counts(gold: dict[str, list[str]], text: str | None) -> tuple[int, int, int, int]:
    """``with`` found, ``without`` found, ``with`` missed, ``without`` absent, in ``text``.

    Example:
        >>> snippet_counts({"with": ["Seoul  agrees"], "without": ["Read more"]}, "Seoul agrees.\\nRead more")
        (1, 1, 0, 0)
    """
    norm = _SPACE.sub(" ", text or "").strip()
    found = sum(_SPACE.sub(" ", s).strip() in norm for s in gold["with"]) if norm else 0
    leaked = sum(_SPACE.sub(" ", s).strip() in norm for s in gold["without"]) if norm else 0
    return found, leaked, len(gold["with"]) - found, len(gold["without"]) - leaked


def _snippet_scores(rows: Sequence[tuple[int, int, int, int]]) -> dict[str, Any]:
    tp, fp, fn, tn = (sum(r[i] for r in rows) for i in range(4))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "with_found": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "without_absent": round(tn / (tn + fp), 4) if tn + fp else 0.0,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
    }


def _score(set_name: str, pairs: list[tuple[Any, str | None]]) -> dict[str, Any]:
    """One extractor's scores on one set, from (gold, extracted text) pairs."""
    scores: dict[str, Any]
    if set_name == _ZYTE:
        scores = {
            "tokens": _body_scores([shingle_counts(gold, text or "", 1) for gold, text in pairs]),
            "shingles4": _body_scores([shingle_counts(gold, text or "", 4) for gold, text in pairs]),
        }
    else:
        scores = _snippet_scores([snippet_counts(gold, text) for gold, text in pairs])
    scores["no_text"] = sum(not text for _, text in pairs)
    return scores


def _run(pages: list[_Page], workers: int, progress: Callable[[str], None]) -> list[Any]:
    paths = [p.path for p in pages]
    if workers <= 1:
        return [_extract(path) for path in paths]
    import multiprocessing

    results: list[Any] = []
    with multiprocessing.Pool(workers) as pool:
        for i, result in enumerate(pool.imap(_extract, paths, chunksize=4), 1):
            results.append(result)
            if i % 200 == 0:
                progress(f"{i}/{len(paths)} pages")
    return results


def evaluate_extraction(
    root: str | Path,
    progress: Callable[[str], None] = lambda _msg: None,
    limit: int | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Extraction figures for wiretrace's reader and trafilatura's defaults on the sets under ``root``.

    Args:
        root: A folder holding one or both sets (see :func:`find_sets`).
        progress: Called with a short message now and then.
        limit: Score only this many pages of each set (a fixed sample), or all when None.
        workers: Processes to read pages with; by default one per CPU.

    Returns:
        Per set: page and snippet counts, a digest of the pages and gold
        scored, and per extractor its scores, how many pages it returned no
        text for, and its extraction seconds (summed over pages); plus the
        run's wall time.

    Raises:
        InputError: No set under ``root``, or a page named by a gold file is missing.

    Example:
        >>> report = evaluate_extraction("../shared/data/extraction", limit=20)  # doctest: +SKIP
        >>> report["zyte"]["wiretrace"]["tokens"]["f1"]  # doctest: +SKIP
        0.97
    """
    started = time.perf_counter()
    sets = find_sets(root)
    pages = _sample(list(_load_pages(sets)), limit)
    progress(f"reading {len(pages)} pages ({', '.join(sorted(sets))}) with {', '.join(EXTRACTORS)}")
    results = _run(pages, workers or os.cpu_count() or 1, progress)
    report: dict[str, Any] = {"data": str(root)}
    for name in (_ZYTE, _TRAF):
        of_set = [(page, res) for page, res in zip(pages, results, strict=True) if page.set_name == name]
        if not of_set:
            continue
        section: dict[str, Any] = {"folder": str(sets[name]), "pages": len(of_set)}
        if name == _TRAF:
            section["with_snippets"] = sum(len(p.gold["with"]) for p, _ in of_set)
            section["without_snippets"] = sum(len(p.gold["without"]) for p, _ in of_set)
        for extractor in EXTRACTORS:
            section[extractor] = _score(name, [(page.gold, res[0][extractor]) for page, res in of_set])
            section[extractor]["extract_s"] = round(sum(res[1][extractor] for _, res in of_set), 1)
        # Pins the inputs: pages (their bytes) and gold, so a floor is only compared on the data it was measured on.
        digest = hashlib.sha256()
        for page, res in of_set:
            digest.update(json.dumps([page.key, res[3], page.gold], sort_keys=True).encode())
        section["digest"] = digest.hexdigest()[:16]
        refusals = Counter(res[2] for _, res in of_set if res[2])
        section["wiretrace_refused"] = dict(refusals)
        report[name] = section
    report["wall_s"] = round(time.perf_counter() - started, 1)
    return report


def extraction_table(report: dict[str, Any]) -> str:
    """The report of :func:`evaluate_extraction` as a plain-text table.

    Example:
        >>> print(extraction_table(report))  # doctest: +SKIP
        set                       extractor        precision  recall      f1  with  without  no text  extract s
        zyte tokens               wiretrace           0.9469  0.9827  0.9645     -        -        0       30.1
    """
    lines = [
        f"{'set':<26}{'extractor':<17}{'precision':>9}{'recall':>8}{'f1':>8}"
        f"{'with':>8}{'without':>9}{'no text':>9}{'extract s':>11}"
    ]
    for name, metrics in ((_ZYTE, ("tokens", "shingles4")), (_TRAF, ("snippets",))):
        section = report.get(name)
        if not section:
            continue
        for metric in metrics:
            for extractor in EXTRACTORS:
                row = section[extractor]
                s = row.get(metric, row)
                snippets = (
                    f"{s['with_found']:>8.4f}{s['without_absent']:>9.4f}" if "with_found" in s else f"{'-':>8}{'-':>9}"
                )
                lines.append(
                    f"{name + ' ' + metric:<26}{extractor:<17}{s['precision']:>9.4f}{s['recall']:>8.4f}{s['f1']:>8.4f}"
                    f"{snippets}{row['no_text']:>9}{row['extract_s']:>11.1f}"
                )
    lines.append("with: share of 'with' snippets found; without: share of 'without' snippets absent")
    for name in (_ZYTE, _TRAF):
        section = report.get(name)
        if not section:
            continue
        counts = f"{section['pages']} pages"
        if name == _TRAF:
            counts += f", {section['with_snippets']} 'with' and {section['without_snippets']} 'without' snippets"
        refused = section["wiretrace_refused"]
        if refused:
            counts += "; wiretrace refused " + ", ".join(f"{n} ({why})" for why, n in refused.items())
        lines.append(f"{name}: {counts}")
    lines.append(f"wall time: {report['wall_s']} s")
    return "\n".join(lines) + "\n"
