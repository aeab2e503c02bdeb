"""Shared fixtures: the real seed pair from ../shared/seeds, one engine per session, the JSON schema doc."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from wiretrace.adapters.readers import read_article
from wiretrace.pipeline import Engine
from wiretrace.types import Article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


def _seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.fail(f"seed {prefix}_*.txt not found in {SEEDS}: the shared folder must sit beside the checkout")
    return found[0]


@pytest.fixture(scope="session")
def seed_source_path() -> Path:
    """The Reuters story (000_*.txt)."""
    return _seed("000")


@pytest.fixture(scope="session")
def seed_rewrite_path() -> Path:
    """The other site's rewrite of it, with a pasted headline list (002_*.txt)."""
    return _seed("002")


@pytest.fixture(scope="session")
def seed_source(seed_source_path: Path) -> Article:
    return read_article(seed_source_path)


@pytest.fixture(scope="session")
def seed_rewrite(seed_rewrite_path: Path) -> Article:
    return read_article(seed_rewrite_path)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"{DATA} missing: the shared data sets must sit beside the checkout")
    return DATA


# --- WARC files, as a crawler writes them -------------------------------------


def news_page(path: Path) -> bytes:
    """A plain-text article file as a simple news page: a title and a paragraph per line."""
    import html

    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return (
        f"<!doctype html><html><head><title>{html.escape(lines[0][:60])}</title></head>"
        f"<body><nav>Home | World | Business</nav><article>{body}</article></body></html>"
    ).encode()


def write_warc(path: Path, pages: list[tuple[str, bytes]], gzip: bool = False) -> Path:
    """A WARC file of HTML response records, (URL, page) each; returns ``path``."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for url, page in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(page), http_headers=headers)
            )
    return path


@pytest.fixture(scope="session")
def warc() -> SimpleNamespace:
    """``warc.page(article_file)``: the article as a news page; ``warc.write(path, [(url, page)], gzip)``."""
    return SimpleNamespace(page=news_page, write=write_warc)


# --- The JSON schema as documented in docs/schema.md --------------------------

SCHEMA_DOC = ROOT / "docs" / "schema.md"
_DOC_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|")


def documented_fields() -> dict[str, set[str]]:
    """Field path -> allowed JSON types, from the tables of docs/schema.md."""
    fields: dict[str, set[str]] = {}
    for line in SCHEMA_DOC.read_text(encoding="utf-8").splitlines():
        m = _DOC_ROW.match(line)
        if m:
            fields[m.group(1)] = {t.strip() for t in m.group(2).split(" or ")}
    return fields


def emitted_fields(data: Any, path: str = "") -> dict[str, set[str]]:
    """Field path -> JSON types seen, in the notation of docs/schema.md.

    ``articles.a`` and ``articles.b`` are ``articles.<side>``, list items are
    ``[]`` (objects in lists by their fields only), and the keys under an
    ``evidence`` direction are ``*``.
    """
    seen: dict[str, set[str]] = {}

    def walk(value: Any, where: str) -> None:
        # An object in a list is described by its fields; a number or string
        # in a list by the list's path and ``[]``.
        if where and not (where.endswith("[]") and isinstance(value, dict)):
            seen.setdefault(where, set()).add(_json_type(value))
        if isinstance(value, dict):
            for key, child in value.items():
                if where == "articles":
                    key = "<side>"
                elif where.startswith("evidence."):
                    key = "*"
                walk(child, f"{where}.{key}" if where else key)
        elif isinstance(value, list):
            for item in value:
                walk(item, f"{where}[]")

    walk(data, path)
    return seen


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}[type(value)]


class SchemaDoc:
    """docs/schema.md read as data: the documented fields and a checker for emitted JSON."""

    def __init__(self) -> None:
        self.fields = documented_fields()

    def emitted(self, data: Any) -> dict[str, set[str]]:
        return emitted_fields(data)

    def problems(self, data: Any) -> list[str]:
        """Emitted fields the doc does not list, or with a type it does not allow."""
        out = []
        for path, types in sorted(emitted_fields(data).items()):
            allowed = self.fields.get(path)
            if allowed is None:
                out.append(f"{path}: not documented")
                continue
            for seen in types:
                # An integer is a number too (0.0 may be written 0).
                if seen not in allowed and not (seen == "integer" and "number" in allowed):
                    out.append(f"{path}: emitted {seen}, documented {' or '.join(sorted(allowed))}")
        return out


@pytest.fixture(scope="session")
def schema_doc() -> SchemaDoc:
    return SchemaDoc()
