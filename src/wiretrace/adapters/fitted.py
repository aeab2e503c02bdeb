"""Load the fitted model coefficients shipped in ``wiretrace/data/models.json``.

``tools/fit_models.py`` writes that file from METER's dev split; it records
what it was fitted on beside the coefficients.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from wiretrace.core.align import PAIR_FEATURES, LinkModel
from wiretrace.core.decide import CopiedRule, DirectionModel, ExtentModel, RelationModel, RetellingRule
from wiretrace.errors import ModelError

__all__ = ["Fitted", "load_fitted"]


@dataclass(frozen=True)
class Fitted:
    """The fitted models and a note on what they were fitted on."""

    link: LinkModel
    relation: RelationModel
    extent: ExtentModel
    direction: DirectionModel
    fitted_on: str
    retelling: RetellingRule | None = None
    copied: CopiedRule | None = None


def _tuple(value: Any) -> Any:
    return tuple(_tuple(v) for v in value) if isinstance(value, list) else value


def load_fitted(path: str | Path | None = None) -> Fitted:
    """Read fitted coefficients (the bundled file by default).

    Raises:
        ModelError: The file is missing or does not match this version's features.
    """
    where = Path(path) if path else Path(str(resources.files("wiretrace") / "data" / "models.json"))
    try:
        raw = json.loads(where.read_text(encoding="utf-8"))
        link = raw["link"]
        if tuple(link["features"]) != PAIR_FEATURES:
            raise ModelError(f"{where}: link model features {link['features']} do not match {list(PAIR_FEATURES)}")
        rel, ext, dirn = raw["relation"], raw["extent"], raw["direction"]
        binary = ("features", "mean", "scale", "intercept", "coef")
        return Fitted(
            link=LinkModel(float(link["intercept"]), _tuple(link["coef"])),
            relation=RelationModel(
                *(_tuple(rel[k]) for k in ("features", "classes", "mean", "scale", "intercept", "coef"))
            ),
            extent=ExtentModel(*(_tuple(ext[k]) for k in binary)),
            direction=DirectionModel(*(_tuple(dirn[k]) for k in binary)),
            fitted_on=str(raw.get("fitted_on", "")),
            retelling=RetellingRule(**raw["retelling"]) if "retelling" in raw else None,
            copied=CopiedRule(**raw["copied"]) if "copied" in raw else None,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{where}: cannot read fitted models ({exc}); reinstall wiretrace") from exc
