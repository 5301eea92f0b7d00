"""The TensorFlow Playground's six data sets, generated from a seed."""

from __future__ import annotations

import numpy as np

from .. import _validate as check
from ._dataset import Seed

__all__ = ["make_circle", "make_xor", "make_gauss", "make_spiral",
           "make_plane", "make_multi_gauss"]


# --------------------------------------------------------------------------
# TensorFlow Playground generators
# --------------------------------------------------------------------------

def _check(fn: str, n: int, noise: float, seed: Seed,
           signed: bool | None = None) -> float:
    """Check a generator's arguments; return noise as a fraction."""
    check.integer(fn, "n", n, 2)
    check.number(fn, "noise", noise, 0.0, 50.0,
                 hint=" (noise is on the Playground's 0-50 slider scale)")
    check.generator_seed(fn, "seed", seed)
    if signed is not None:
        check.boolean(fn, "signed", signed)
    return noise / 100.0


def _finish(x: np.ndarray, y: np.ndarray, rng: np.random.Generator,
            signed: bool | None) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle, cast, and map labels from +-1 to 0/1 unless signed."""
    perm = rng.permutation(len(x))
    x, y = x[perm].astype(np.float32), y[perm]
    if signed is None:                       # regression target
        return x, y.astype(np.float32)
    if signed:
        return x, y.astype(np.int64)
    return x, (y > 0).astype(np.int64)


def _ring(rng, n, r_lo, r_hi):
    r = rng.uniform(r_lo, r_hi, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


def make_circle(n: int = 500, noise: float = 0, seed: Seed = 0,
                signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A disc of positives (radius < 2.5) inside a ring (3.5 to 5).

    Each point is labelled by whether a randomly displaced copy of it
    (by up to 5 * noise/100 per coordinate) lies inside radius 2.5.

    Returns:
        x: float32 (n, 2); y: int (n,) in {0, 1} ({-1, 1} if signed).
    """
    noise = _check("make_circle", n, noise, seed, signed)
    rng = np.random.default_rng(seed)
    radius = 5.0
    x = np.vstack([_ring(rng, n // 2, 0, radius * 0.5),
                   _ring(rng, n - n // 2, radius * 0.7, radius)])
    shift = rng.uniform(-radius, radius, x.shape) * noise
    y = np.where(np.hypot(*(x + shift).T) < radius * 0.5, 1, -1)
    return _finish(x, y, rng, signed)


def make_xor(n: int = 500, noise: float = 0, seed: Seed = 0,
             signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Four squares: positive where x1 * x2 >= 0 (quadrants I and III).

    Coordinates are pushed 0.3 away from the axes, so at noise 0 there
    is a visible gap between the squares.

    Returns:
        x: float32 (n, 2); y: int (n,) in {0, 1} ({-1, 1} if signed).
    """
    noise = _check("make_xor", n, noise, seed, signed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)
    shift = rng.uniform(-5, 5, x.shape) * noise
    xs = x + shift
    y = np.where(xs[:, 0] * xs[:, 1] >= 0, 1, -1)
    return _finish(x, y, rng, signed)


def make_gauss(n: int = 500, noise: float = 0, seed: Seed = 0,
               signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clusters, positives at (2, 2), negatives at (-2, -2).

    The variance grows linearly with noise: 0.5 at noise 0, 4 at 50.

    Returns:
        x: float32 (n, 2); y: int (n,) in {0, 1} ({-1, 1} if signed).
    """
    noise = _check("make_gauss", n, noise, seed, signed)
    rng = np.random.default_rng(seed)
    std = np.sqrt(0.5 + 7.0 * noise)
    n_pos = n // 2
    x = np.vstack([rng.normal(2.0, std, (n_pos, 2)),
                   rng.normal(-2.0, std, (n - n_pos, 2))])
    y = np.r_[np.ones(n_pos), -np.ones(n - n_pos)]
    return _finish(x, y, rng, signed)


def make_spiral(n: int = 500, noise: float = 0, seed: Seed = 0,
                signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals of 1.75 turns and radius up to 5.

    Noise moves each point by up to noise/100 per coordinate.

    Returns:
        x: float32 (n, 2); y: int (n,) in {0, 1} ({-1, 1} if signed).
    """
    noise = _check("make_spiral", n, noise, seed, signed)
    rng = np.random.default_rng(seed)

    def arm(m, delta):
        t = np.arange(m) / m
        r = 5.0 * t
        angle = 1.75 * 2 * np.pi * t + delta
        pts = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
        return pts + rng.uniform(-1, 1, pts.shape) * noise

    n_pos = n // 2
    x = np.vstack([arm(n_pos, 0.0), arm(n - n_pos, np.pi)])
    y = np.r_[np.ones(n_pos), -np.ones(n - n_pos)]
    return _finish(x, y, rng, signed)


def make_plane(n: int = 1200, noise: float = 0,
               seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Regression on a tilted plane: y = (x1 + x2) / 10, in [-1.2, 1.2].

    The target is computed at a randomly displaced copy of each point
    (by up to 6 * noise/100 per coordinate).

    Returns:
        x: float32 (n, 2) uniform on [-6, 6]^2; y: float32 (n,).
    """
    noise = _check("make_plane", n, noise, seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-6, 6, (n, 2))
    xs = x + rng.uniform(-6, 6, x.shape) * noise
    return _finish(x, xs.sum(axis=1) / 10.0, rng, signed=None)


# (center x, center y, sign) of the six bumps of "multi_gauss".
_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                   [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], float)


def make_multi_gauss(n: int = 1200, noise: float = 0,
                     seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Regression on six alternating +1/-1 cone-shaped bumps.

    Each bump is sign * max(0, 1 - d / 2) at distance d from its centre
    (a linear fall-off, despite the name); the target is the bump of
    largest magnitude, computed at a randomly displaced copy of each
    point (by up to 6 * noise/100 per coordinate).

    Returns:
        x: float32 (n, 2) uniform on [-6, 6]^2; y: float32 (n,) in
        [-1, 1].
    """
    noise = _check("make_multi_gauss", n, noise, seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-6, 6, (n, 2))
    xs = x + rng.uniform(-6, 6, x.shape) * noise
    d = np.linalg.norm(xs[:, None, :] - _BUMPS[None, :, :2], axis=-1)
    bumps = _BUMPS[:, 2] * np.clip(1 - d / 2, 0, 1)           # (n, 6)
    y = bumps[np.arange(n), np.argmax(np.abs(bumps), axis=1)]
    return _finish(x, y, rng, signed=None)
