"""Distributed engines: the corpus scan run on a cluster, built from the same stages as the local scan.

Each engine lives in its own module and imports its framework lazily, so
``import wiretrace`` never needs it: :mod:`wiretrace.engines.spark` (extra
``spark``).
"""
