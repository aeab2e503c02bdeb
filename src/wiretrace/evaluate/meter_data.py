"""Read a METER split: PA wire copy, labelled newspaper texts, token annotations.

The layout (see ``shared/data/README.md``)::

    DIR/labels.jsonl                       newspaper_file, group, label
    DIR/PA/rawtexts/<group>/*              the wire copy of each group
    DIR/newspapers/rawtexts/<group>/*.txt  the newspaper texts
    DIR/newspapers/annotated/<group>/*.sgml  the same, with <Verbatim> <Rewrite> <New>

A *group* is ``domain/date/catchline``. The texts are Latin-1 (1999-2000).
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path, PurePosixPath

from wiretrace.adapters.readers import article_from_text
from wiretrace.errors import InputError
from wiretrace.types import Article

__all__ = ["AnnotatedText", "MeterSplit", "NewspaperText", "load_meter", "read_annotated", "read_dataset_text"]

LABELS = ("wholly-derived", "partially-derived", "non-derived")


@dataclass(frozen=True)
class NewspaperText:
    """A labelled newspaper text of a METER group."""

    article: Article
    group: str
    label: str


@dataclass(frozen=True)
class AnnotatedText:
    """A newspaper text with the token annotations of its SGML twin.

    Attributes:
        article: The newspaper text (from ``rawtexts``).
        group: Its METER group.
        spans: ``(start, end, derived)`` for every tagged span: ``derived`` is
            True for ``Verbatim`` and ``Rewrite``, False for ``New``.
    """

    article: Article
    group: str
    spans: tuple[tuple[int, int, bool], ...]


@dataclass(frozen=True)
class MeterSplit:
    """A METER split: wire copy by group, labelled newspapers, annotated texts."""

    root: Path
    pa: dict[str, tuple[Article, ...]]
    newspapers: tuple[NewspaperText, ...]
    annotated: tuple[AnnotatedText, ...]
    annotated_unmatched: int = 0


def read_dataset_text(path: Path) -> str:
    """A data set file's text: UTF-8 where it is (a copy re-encoded, part of Clough's corpus), else cp1252, as
    METER was written; line ends made ``\n``."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _article(path: Path, root: Path, text: str, outlet: str) -> Article:
    """The text as the plain-text reader reads it (a PA slug gives the filing time), with METER's id."""
    rel = path.relative_to(root).as_posix()
    try:
        read = article_from_text(text, str(path))
    except InputError:
        read = Article(text=text)
    return dataclasses.replace(read, id=rel, path=str(path), outlet=outlet)


_TAG = re.compile(r"<(Verbatim|Rewrite|New)\b[^>]*>(.*?)</\1\s*>", re.S)
_BODY = re.compile(r"<body>(.*)</body>", re.S)


def read_annotated(path: Path, raw: Article, group: str) -> AnnotatedText | None:
    """Token annotations of the SGML at ``path``, mapped onto the raw text ``raw``.

    The SGML puts every tagged phrase on a line of its own, so its layout is
    not the article's; the labels are carried over character by character,
    matching the two texts on their non-space characters.

    Returns:
        None when the file carries no ``Verbatim``/``Rewrite``/``New`` tags or
        its characters match less than 90% of the raw text's.
    """
    body = _BODY.search(read_dataset_text(path))
    if not body or not _TAG.search(body.group(1)):
        return None
    labels: list[bool | None] = []
    chars: list[str] = []
    cursor = 0
    inner = body.group(1)
    for m in _TAG.finditer(inner):
        for c in re.sub(r"<[^>]+>", "", inner[cursor : m.start()]):
            if not c.isspace():
                chars.append(c)
                labels.append(None)
        for c in m.group(2):
            if not c.isspace():
                chars.append(c)
                labels.append(m.group(1) != "New")
        cursor = m.end()
    positions = [i for i, c in enumerate(raw.text) if not c.isspace()]
    raw_chars = "".join(raw.text[i] for i in positions)
    sgml_chars = "".join(chars)
    if raw_chars == sgml_chars:
        pairs = list(zip(positions, labels, strict=True))
    else:  # a few files differ by some characters: carry labels over the matching runs
        matcher = SequenceMatcher(None, raw_chars, sgml_chars, autojunk=False)
        if matcher.ratio() < 0.9:
            return None
        pairs = [(positions[b.a + k], labels[b.b + k]) for b in matcher.get_matching_blocks() for k in range(b.size)]
    spans: list[tuple[int, int, bool]] = []
    for pos, label in pairs:
        if label is None:
            continue
        if spans and spans[-1][2] == label and not raw.text[spans[-1][1] : pos].strip():
            spans[-1] = (spans[-1][0], pos + 1, label)
        else:
            spans.append((pos, pos + 1, label))
    return AnnotatedText(raw, group, tuple(spans))


def load_meter(root: str | Path) -> MeterSplit:
    """Load the METER split in folder ``root``.

    Raises:
        InputError: ``labels.jsonl`` is missing or malformed, or a listed file is absent.
    """
    root = Path(root)
    labels_path = root / "labels.jsonl"
    if not labels_path.is_file():
        raise InputError(str(root), "not a METER split (labels.jsonl missing)")
    newspapers = []
    groups: set[str] = set()
    seen: dict[str, tuple[str, str]] = {}
    try:
        lines = labels_path.read_bytes().decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(str(labels_path), f"undecodable bytes at offset {exc.start} (not UTF-8 JSONL)") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            rel, group, label = row["newspaper_file"], row["group"], row["label"]
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{labels_path}:{n}", f"bad label row ({exc})") from None
        if label not in LABELS:
            raise InputError(f"{labels_path}:{n}", f"unknown label {label!r} (one of {', '.join(LABELS)})")
        if not isinstance(rel, str):
            raise InputError(f"{labels_path}:{n}", f"bad label row (newspaper_file {rel!r} is no path)")
        # "courts/12.07.99/arm/" is "courts/12.07.99/arm" (was a second group holding the same wire copy)
        named, group = group, str(PurePosixPath(group)) if isinstance(group, str) else None
        if group is None or group == "." or PurePosixPath(group).is_absolute() or ".." in PurePosixPath(group).parts:
            raise InputError(f"{labels_path}:{n}", f"bad label row (group {named!r} is no domain/date/catchline)")
        spelt, rel = rel, str(PurePosixPath(rel))  # "./newspapers/…" is "newspapers/…"
        if ".." in PurePosixPath(rel).parts or not PurePosixPath(rel).is_relative_to("newspapers/rawtexts"):
            raise InputError(f"{labels_path}:{n}", f"{spelt!r} is not under newspapers/rawtexts/")
        if rel in seen:  # a row given twice counts once; given twice otherwise, it is no label
            if seen[rel] != (group, label):
                raise InputError(f"{labels_path}:{n}", f"{rel} is labelled twice, otherwise: {seen[rel]}")
            continue
        seen[rel] = (group, label)
        path = root / rel
        if not path.is_file():
            raise InputError(str(path), "listed in labels.jsonl but missing")
        outlet = path.stem.rsplit("_", 1)[-1]
        newspapers.append(NewspaperText(_article(path, root, read_dataset_text(path), outlet), group, label))
        groups.add(group)
    pa: dict[str, tuple[Article, ...]] = {}
    pa_root = root / "PA" / "rawtexts"
    # Every story's wire copy, labelled papers or not: retrieval ranks every PA text of the split.
    folders = {p.relative_to(pa_root).as_posix() for p in pa_root.glob("*/*/*") if p.is_dir()}
    for group in sorted(groups | {g for g in folders if not any(part.startswith(".") for part in g.split("/"))}):
        folder = pa_root / group
        files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
        files = [p for p in files if not p.name.startswith(".")]  # .DS_Store is no wire copy
        pa[group] = tuple(_article(p, root, read_dataset_text(p), "PA") for p in files)
    if not newspapers:
        raise InputError(str(labels_path), "no labelled newspaper texts")
    if not any(pa.values()):
        raise InputError(str(pa_root), "no PA texts (expected PA/rawtexts/<domain>/<date>/<catchline>/ folders)")
    annotated = []
    unmatched = 0
    for text in newspapers:
        rel = Path(text.article.id or "").relative_to("newspapers/rawtexts")
        sgml = root / "newspapers" / "annotated" / rel.with_suffix(".sgml")
        if sgml.is_file() and (item := read_annotated(sgml, text.article, text.group)):
            annotated.append(item)
        elif sgml.is_file() and _TAG.search(read_dataset_text(sgml)):
            unmatched += 1  # tagged, but another text than its raw file's
    return MeterSplit(root, pa, tuple(newspapers), tuple(annotated), unmatched)
