"""Weight penalties added to the loss, with Keras' convention.

Keras adds ``l1 * sum|w|`` and ``l2 * sum w^2`` to the *mean* data loss,
with no division by the number of examples and no factor 1/2. So the
gradient of the L2 penalty is ``2 * l2 * w`` (note the 2: Keras' l2 is
half of the "weight decay" coefficient λ of ``λ/2 ||w||^2``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _validate as check
from ._public import config_repr

__all__ = ["Regularizer", "L1", "L2", "L1L2", "get", "serialize"]


class Regularizer:
    """penalty(w) -> float and gradient(w) -> dpenalty/dw."""

    name = "regularizer"

    def __call__(self, w: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {}

    __repr__ = config_repr          # Name(arg=value, ...)


class L1L2(Regularizer):
    """l1 * sum|w| + l2 * sum w^2;  gradient l1 sign(w) + 2 l2 w."""

    name = "l1_l2"

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        owner = type(self).__name__
        self.l1 = check.non_negative(owner, "l1", l1)
        self.l2 = check.non_negative(owner, "l2", l2)

    def __call__(self, w):
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.sum(np.abs(w)))
        if self.l2:
            total += self.l2 * float(np.sum(np.square(w)))
        return total

    def gradient(self, w):
        g = np.zeros_like(w)
        if self.l1:
            g += self.l1 * np.sign(w)
        if self.l2:
            g += 2.0 * self.l2 * w
        return g

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """l1 * sum|w| (Keras default l1=0.01): pushes weights to exactly 0."""

    name = "l1"

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """l2 * sum w^2 (Keras default l2=0.01): shrinks weights smoothly."""

    name = "l2"

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


_REGISTRY = {cls.name: cls for cls in (L1, L2, L1L2)}
# Keras 3 knows the class L1L2 as "l1l2" (its snake-case name) and not
# as "l1_l2"; nnkit accepts both.
_ALIASES = {"l1l2": "l1_l2"}


def get(identifier: Any) -> Regularizer | None:
    """None, a name (``"l1"``, ``"l2"``, ``"l1l2"``...), a dict or instance."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, dict):
        return check.from_config("regularizer", identifier, _REGISTRY)
    if isinstance(identifier, str):
        return check.by_name("regularizer", identifier, _REGISTRY,
                             _ALIASES, set(_REGISTRY) | set(_ALIASES))()
    raise check.not_an_identifier(
        "a regularizer", "None, a name such as 'l2', a config dict or a "
        "Regularizer (e.g. nnkit.regularizers.L2(1e-4))", identifier)


def serialize(reg: Regularizer | None) -> Any:
    if reg is None:
        return None
    return {"name": reg.name, **reg.get_config()}
