"""Quality floors: pinned a little below measured dev figures, with a digest of the inputs.

A figure that drops below its floor fails the suite. A floor is lowered only
on purpose, in ``floors.json``, in the same commit as the change that lowers
the figure, with the reason in the commit message. When the digest of the
input data changes, the floors no longer apply: the test fails and says so.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

FLOORS = Path(__file__).with_name("floors.json")


def digest(root: Path, pattern: str = "**/*") -> str:
    """sha256 over the relative paths and bytes of the files under ``root``."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.glob(pattern) if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def floors(name: str) -> dict[str, Any]:
    """The floors recorded for data set ``name``."""
    return json.loads(FLOORS.read_text(encoding="utf-8"))[name]


def lookup(report: dict[str, Any], dotted: str) -> float:
    """``report["a"]["b"]`` for ``"a.b"``."""
    value: Any = report
    for key in dotted.split("."):
        value = value[key]
    return float(value)


def check(report: dict[str, Any], name: str, root: Path) -> list[str]:
    """Failures of ``report`` against the floors of ``name`` (empty when all hold)."""
    spec = floors(name)
    if spec["digest"] != digest(root):
        return [f"{name}: input data changed (digest differs); re-measure and re-pin the floors"]
    return [
        f"{name}: {key} = {lookup(report, key):.4f} fell below its floor {floor}"
        for key, floor in spec["floors"].items()
        if lookup(report, key) < floor
    ]
