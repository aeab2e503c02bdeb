"""``wiretrace.__all__`` is exactly the public API (as httpx tests/test_exported_members.py)."""

from __future__ import annotations
import __future__

import ast
import inspect
from pathlib import Path

import pytest

import wiretrace


def public_names() -> set[str]:
    """Names bound in the package that are neither private, modules, nor ``from __future__`` flags."""
    return {
        name
        for name, value in vars(wiretrace).items()
        if not name.startswith("_") and not inspect.ismodule(value) and not isinstance(value, __future__._Feature)
    }


def test_all_is_sorted_and_unique():
    assert wiretrace.__all__ == sorted(set(wiretrace.__all__))


def test_every_public_name_is_exported():
    assert sorted(public_names() - set(wiretrace.__all__)) == []


def test_every_exported_name_resolves_and_only_the_readers_load_lazily():
    lazy = set(wiretrace.__all__) - public_names() - {"__version__"}
    # read_article pulls in trafilatura; the package resolves it on first use.
    assert lazy == {"read_article"}
    for name in wiretrace.__all__:
        assert getattr(wiretrace, name) is not None


def test_a_lazily_loaded_name_is_known_to_type_checkers(seed_source_path):
    """``wiretrace.read_article`` resolves through the module's ``__getattr__``, typed ``-> object``: mypy
    --strict refused the README's first line, ``wiretrace.compare(wiretrace.read_article("a.txt"), ...)``, as
    '"object" not callable'. Each lazy name is imported under ``TYPE_CHECKING`` so its signature is seen."""
    tree = ast.parse(Path(wiretrace.__file__).read_text(encoding="utf-8"))
    typed = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        for stmt in node.body
        if isinstance(stmt, ast.ImportFrom)
        for alias in stmt.names
    }
    lazy = set(wiretrace.__all__) - public_names() - {"__version__"}
    assert lazy <= typed
    assert wiretrace.read_article(seed_source_path).published == "2025-11-03"


@pytest.mark.parametrize("name", [n for n in wiretrace.__all__ if n != "__version__"])
def test_exported_members_are_ours_and_documented(name):
    member = getattr(wiretrace, name)
    assert member.__module__.startswith("wiretrace."), member.__module__
    assert (inspect.getdoc(member) or "").strip(), f"wiretrace.{name} has no docstring"


def test_star_import_binds_exactly_all():
    namespace: dict[str, object] = {}
    exec("from wiretrace import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(wiretrace.__all__)


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = wiretrace.nothing_here  # type: ignore[attr-defined]  # the point of the test


def test_version_matches_the_installed_package():
    from importlib.metadata import version

    assert wiretrace.__version__ == version("wiretrace")
