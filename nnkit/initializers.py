"""Weight initializers, following Keras' definitions.

An initializer is called as ``init(shape, rng, dtype)`` and returns a new
array. Randomness comes only from the ``np.random.Generator`` it is
given (or from its own ``seed``), never from numpy's global state.

The variance-scaling family (Glorot, He, LeCun) draws weights with
variance ``scale / n`` where ``n`` is fan_in, fan_out or their mean:

============  =====  ========  ===========================
name          scale  n         distribution
============  =====  ========  ===========================
glorot_*      1      fan_avg   uniform / truncated normal
he_*          2      fan_in    uniform / truncated normal
lecun_*       1      fan_in    uniform / truncated normal
============  =====  ========  ===========================

The uniform version uses limits ``±sqrt(3 scale / n)``. The "normal"
ones are, as in Keras, a normal truncated at two standard deviations,
with the standard deviation divided by 0.8796... so that the truncated
distribution still has variance ``scale / n``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _validate as check
from ._public import config_repr

__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomUniform",
    "RandomNormal", "TruncatedNormal", "VarianceScaling",
    "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal",
    "LecunUniform", "LecunNormal", "Orthogonal", "compute_fans", "get",
    "for_weight", "serialize",
]

# std of a standard normal truncated to [-2, 2]
_TRUNC_STD = 0.87962566103423978


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """fan_in and fan_out of a kernel, Keras' rule.

    Dense (in, out) -> (in, out); Conv (kh, kw, in, out) ->
    (kh*kw*in, kh*kw*out).
    """
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def _truncated_normal(rng, shape, mean, stddev):
    """Normal samples, redrawn until all lie within 2 stddev."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return mean + stddev * out


class Initializer:
    """Base class: ``init(shape, rng, dtype)`` returns a new array."""

    name = "initializer"

    def __init__(self, seed: int | None = None):
        self.seed = check.seed(type(self).__name__, "seed", seed)

    def _rng(self, rng):
        if self.seed is not None:
            return np.random.default_rng(self.seed)
        return rng if rng is not None else np.random.default_rng()

    def __call__(self, shape, rng: np.random.Generator | None = None,
                 dtype: Any = np.float32) -> np.ndarray:
        return self.sample(tuple(shape), self._rng(rng)).astype(dtype)

    def sample(self, shape, rng) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {} if self.seed is None else {"seed": self.seed}

    __repr__ = config_repr          # Name(arg=value, ...)


class Zeros(Initializer):
    name = "zeros"

    def sample(self, shape, rng):
        return np.zeros(shape)


class Ones(Initializer):
    name = "ones"

    def sample(self, shape, rng):
        return np.ones(shape)


class Constant(Initializer):
    name = "constant"

    def __init__(self, value: float = 0.0):
        super().__init__()
        self.value = check.number("Constant", "value", value)

    def sample(self, shape, rng):
        return np.full(shape, self.value)

    def get_config(self):
        return {"value": self.value}


class RandomUniform(Initializer):
    """Uniform in [minval, maxval) (Keras default ±0.05)."""

    name = "random_uniform"

    def __init__(self, minval: float = -0.05, maxval: float = 0.05,
                 seed: int | None = None):
        super().__init__(seed)
        self.minval = check.number("RandomUniform", "minval", minval)
        self.maxval = check.number("RandomUniform", "maxval", maxval)
        if not self.maxval > self.minval:
            raise ValueError("RandomUniform: maxval must exceed minval, "
                             f"got minval={minval}, maxval={maxval}")

    def sample(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, size=shape)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval,
                **super().get_config()}


class RandomNormal(Initializer):
    """Normal(mean, stddev) (Keras default stddev 0.05)."""

    name = "random_normal"

    def __init__(self, mean: float = 0.0, stddev: float = 0.05,
                 seed: int | None = None):
        super().__init__(seed)
        owner = type(self).__name__
        self.mean = check.number(owner, "mean", mean)
        self.stddev = check.non_negative(owner, "stddev", stddev)

    def sample(self, shape, rng):
        return self.mean + self.stddev * rng.standard_normal(shape)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev,
                **super().get_config()}


class TruncatedNormal(RandomNormal):
    """Normal(mean, stddev) with samples beyond 2 stddev redrawn."""

    name = "truncated_normal"

    def sample(self, shape, rng):
        return _truncated_normal(rng, shape, self.mean, self.stddev)


class VarianceScaling(Initializer):
    """Variance ``scale / n``; n from ``mode`` (fan_in, fan_out, fan_avg).

    ``distribution`` is ``"uniform"``, ``"truncated_normal"`` or
    ``"untruncated_normal"``.
    """

    name = "variance_scaling"

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal",
                 seed: int | None = None):
        super().__init__(seed)
        owner = "VarianceScaling"
        self.scale = check.positive(owner, "scale", scale)
        self.mode = check.one_of(owner, "mode", mode,
                                 ("fan_in", "fan_out", "fan_avg"))
        self.distribution = check.one_of(
            owner, "distribution", distribution,
            ("uniform", "truncated_normal", "untruncated_normal"))

    def variance(self, shape) -> float:
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out,
             "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return self.scale / max(1.0, n)

    def sample(self, shape, rng):
        var = self.variance(shape)
        if self.distribution == "uniform":
            limit = np.sqrt(3.0 * var)
            return rng.uniform(-limit, limit, size=shape)
        if self.distribution == "untruncated_normal":
            return np.sqrt(var) * rng.standard_normal(shape)
        return _truncated_normal(rng, shape, 0.0, np.sqrt(var) / _TRUNC_STD)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, **super().get_config()}


def _preset(cls_name, key, scale, mode, distribution, doc):
    def __init__(self, seed: int | None = None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return Initializer.get_config(self)

    return type(cls_name, (VarianceScaling,),
                {"__init__": __init__, "get_config": get_config,
                 "name": key, "__doc__": doc})


GlorotUniform = _preset("GlorotUniform", "glorot_uniform", 1.0, "fan_avg",
                        "uniform", "Glorot/Xavier uniform: limit "
                        "sqrt(6 / (fan_in + fan_out)). Keras' default.")
GlorotNormal = _preset("GlorotNormal", "glorot_normal", 1.0, "fan_avg",
                       "truncated_normal", "Glorot/Xavier normal: "
                       "variance 2 / (fan_in + fan_out), truncated.")
HeUniform = _preset("HeUniform", "he_uniform", 2.0, "fan_in", "uniform",
                    "He uniform: limit sqrt(6 / fan_in), for ReLU.")
HeNormal = _preset("HeNormal", "he_normal", 2.0, "fan_in",
                   "truncated_normal", "He normal: variance 2 / fan_in, "
                   "truncated, for ReLU.")
LecunUniform = _preset("LecunUniform", "lecun_uniform", 1.0, "fan_in",
                       "uniform", "LeCun uniform: limit sqrt(3 / fan_in).")
LecunNormal = _preset("LecunNormal", "lecun_normal", 1.0, "fan_in",
                      "truncated_normal", "LeCun normal: variance "
                      "1 / fan_in, truncated; pairs with SELU.")


class Orthogonal(Initializer):
    """A (scaled) random orthogonal matrix, via QR of a normal matrix.

    Used by Keras for recurrent kernels. Shapes with more than two
    dimensions are flattened to (prod(shape[:-1]), shape[-1]).
    """

    name = "orthogonal"

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        super().__init__(seed)
        self.gain = check.number("Orthogonal", "gain", gain)

    def sample(self, shape, rng):
        rows = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
        cols = shape[-1]
        a = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))       # make the factorisation unique
        if rows < cols:
            q = q.T
        return self.gain * q[:rows, :cols].reshape(shape)

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}


_REGISTRY: dict[str, type[Initializer]] = {
    cls.name: cls
    for cls in (Zeros, Ones, Constant, RandomUniform, RandomNormal,
                TruncatedNormal, VarianceScaling, GlorotUniform,
                GlorotNormal, HeUniform, HeNormal, LecunUniform,
                LecunNormal, Orthogonal)
}
_ALIASES = {"uniform": "random_uniform", "normal": "random_normal",
            "xavier_uniform": "glorot_uniform",
            "xavier_normal": "glorot_normal"}


def get(identifier: Any) -> Initializer | None:
    """Initializer from a name, a config dict or an instance.

    None gives None, as ``keras.initializers.get(None)`` does; a layer
    given None for one of its initializers uses ``for_weight``'s
    default instead.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, dict):
        return check.from_config("initializer", identifier, _REGISTRY)
    if isinstance(identifier, str):
        return check.by_name("initializer", identifier, _REGISTRY,
                             _ALIASES)()
    raise check.not_an_identifier(
        "an initializer", "a name such as 'glorot_uniform', a config "
        "dict or an Initializer", identifier)


def for_weight(identifier: Any) -> Initializer:
    """The initializer a layer uses for a weight: ``get``'s, except that
    None means Glorot uniform, what Keras' ``add_weight`` falls back to
    for a float weight created with ``initializer=None``.
    """
    init = get(identifier)
    return GlorotUniform() if init is None else init


def serialize(init: Initializer) -> Any:
    cfg = init.get_config()
    return {"name": init.name, **cfg} if cfg else init.name
