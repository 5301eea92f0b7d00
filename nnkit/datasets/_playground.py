"""``playground``: a Playground data set by its name."""

from __future__ import annotations

import numpy as np

from .. import _validate as check
from . import _generators as gen
from ._dataset import Seed

__all__ = ["playground", "PLAYGROUND_PROBLEMS"]


_GENERATORS = {"circle": gen.make_circle, "xor": gen.make_xor,
               "gauss": gen.make_gauss, "spiral": gen.make_spiral,
               "plane": gen.make_plane, "multi_gauss": gen.make_multi_gauss}
_PLAYGROUND_ALIASES = {"reg-plane": "plane", "reg-gauss": "multi_gauss",
                       "circles": "circle", "gaussian": "gauss"}
PLAYGROUND_PROBLEMS = tuple(_GENERATORS)


def playground(name: str, n: int | None = None, noise: float = 0,
               seed: Seed = 0,
               signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One of the TensorFlow Playground's data sets by name.

    Args:
        name: ``"circle"``, ``"xor"``, ``"gauss"``, ``"spiral"``
            (classification) or ``"plane"``, ``"multi_gauss"``
            (regression); the Playground's ``"reg-plane"`` and
            ``"reg-gauss"`` also work.
        n: number of points; default as in the Playground, 500 for
            classification and 1200 for regression.
        noise: 0-50, the Playground's slider value.
        seed: int or np.random.Generator.
        signed: classification labels in {-1, +1} instead of {0, 1}.

    Returns:
        x: float32 (n, 2); y: (n,) int labels or float32 targets.
    """
    check.string("playground", "name", name)
    key = _PLAYGROUND_ALIASES.get(name.lower(), name.lower())
    if key not in _GENERATORS:
        raise ValueError(f"playground: unknown Playground data set "
                         f"{name!r}; choose one of "
                         f"{', '.join(PLAYGROUND_PROBLEMS)}")
    regression = key in ("plane", "multi_gauss")
    if n is None:
        n = 1200 if regression else 500
    if regression:
        return _GENERATORS[key](n, noise, seed)
    return _GENERATORS[key](n, noise, seed, signed)
