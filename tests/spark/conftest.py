"""Spark tests need pyspark and Java: without either they fail (CI installs the spark extra), never skip."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def spark_prerequisites() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail("pyspark is not installed: pip install -e '.[spark]' (the spark tests must run, not skip)")
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and (Path(java_home) / "bin" / "java").exists()):
        pytest.fail("no java on PATH or in JAVA_HOME: Spark needs Java 17 or newer")
