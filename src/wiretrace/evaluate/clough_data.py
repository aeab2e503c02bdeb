"""Read the Clough & Stevenson corpus of plagiarised short answers.

``DIR/file_information.csv`` lists each answer (``g0pA_taska.txt``), its task
(a-e) and its category: ``cut`` (copied), ``light`` and ``heavy`` (revised
copies of the task's Wikipedia source ``orig_task<x>.txt``), or ``non``
(written from the student's own knowledge of the topic).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from wiretrace.errors import InputError
from wiretrace.evaluate.meter_data import read_dataset_text
from wiretrace.types import Article

__all__ = ["CloughAnswer", "CloughCorpus", "load_clough"]

CATEGORIES = ("cut", "light", "heavy", "non")


@dataclass(frozen=True)
class CloughAnswer:
    """One answer: its text, task letter, category and writer (``g0pA``)."""

    article: Article
    task: str
    category: str
    writer: str


@dataclass(frozen=True)
class CloughCorpus:
    """The five source texts by task letter, and the answers."""

    sources: dict[str, Article]
    answers: tuple[CloughAnswer, ...]


def _read(path: Path) -> Article:
    # 24 of the 100 files are UTF-8 (two task sources among them): read as cp1252, ’ became â€™
    return Article(text=read_dataset_text(path), id=path.name, path=str(path))


def load_clough(root: str | Path) -> CloughCorpus:
    """Load the corpus in ``root`` (the folder holding ``file_information.csv``, or its parent).

    Raises:
        InputError: The listing is missing or names a file that is absent.
    """
    root = Path(root)
    if not (root / "file_information.csv").is_file() and (root / "data" / "file_information.csv").is_file():
        root = root / "data"
    listing = root / "file_information.csv"
    if not listing.is_file():
        raise InputError(str(root), "not the Clough & Stevenson corpus (file_information.csv missing)")
    sources: dict[str, Article] = {}
    answers = []
    try:
        text = listing.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(listing), f"undecodable bytes at offset {exc.start} (not UTF-8 CSV)") from None
    for n, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), 2):
        try:
            name, task, category = row["File"], row["Task"], row["Category"]
        except KeyError as exc:
            raise InputError(f"{listing}:{n}", f"missing column {exc}") from None
        if not name or not task or not category:
            raise InputError(f"{listing}:{n}", "a row needs File, Task and Category")
        path = root / name
        if not path.is_file():
            raise InputError(str(path), "listed in file_information.csv but missing")
        if category == "orig":
            sources[task] = _read(path)
        elif category in CATEGORIES:
            answers.append(CloughAnswer(_read(path), task, category, name.split("_", 1)[0]))
        else:
            raise InputError(f"{listing}:{n}", f"unknown category {category!r}")
    for task in {a.task for a in answers} - sources.keys():
        path = root / f"orig_task{task}.txt"
        if path.is_file():
            sources[task] = _read(path)
        else:
            raise InputError(str(path), f"source text of task {task} missing")
    if not answers:
        raise InputError(str(listing), "no answers listed (rows of File, Task, Category)")
    return CloughCorpus(sources, tuple(answers))
