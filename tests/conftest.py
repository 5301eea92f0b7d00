"""Shared fixtures: a quiet Keras, float64 switching, seeded generators."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import settings

# Property tests draw their examples from a fixed seed: every run of the
# suite (a developer's, CI's) tries the same cases, so a failure is
# reproducible. NNBOOK_HYPOTHESIS=explore draws fresh examples instead.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("NNBOOK_HYPOTHESIS", "repeatable"))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def keras():
    """Keras with TensorFlow, imported once per test session."""
    from nnkit.interop import import_keras
    return import_keras()


def _use_floatx(keras, floatx):
    """Set Keras' floatx *and* its global dtype policy; return the old.

    Keras fixes its default dtype policy the first time a layer is made
    without an explicit dtype, after which set_floatx alone no longer
    changes new layers, so both must be set.
    """
    old = (keras.config.floatx(), keras.config.dtype_policy())
    keras.config.set_floatx(floatx)
    keras.config.set_dtype_policy(floatx)
    return old


def _restore(keras, old):
    keras.config.set_floatx(old[0])
    keras.config.set_dtype_policy(old[1])


@pytest.fixture(params=["float64", "float32"])
def floatx(request, keras):
    """Run a test in both precisions, with Keras' floatx to match.

    Keras keeps the learning rate in a floatx variable, so float64
    parity needs floatx float64, exactly as nnkit computes in the
    parameter's dtype.
    """
    old = _use_floatx(keras, request.param)
    yield request.param
    _restore(keras, old)


@pytest.fixture
def keras64(keras):
    """Keras with floatx float64 for the duration of one test."""
    old = _use_floatx(keras, "float64")
    yield keras
    _restore(keras, old)


# Parity tolerances of the project's standards.
TOL = {"float64": 1e-10, "float32": 1e-5}


def close(a, b, dtype: str = "float64", what: str = "",
          tol: float | None = None) -> float:
    """Assert that ``a`` matches the reference ``b`` (Keras' result).

    The measure of every parity test: max |a - b| / max(1, max |b|), at
    most ``TOL[dtype]`` (or ``tol``); the shapes must be equal. ``what``
    names the compared quantity in the failure message. Returns the
    measured difference.
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    err = np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b)))
    label = f"{what}: " if what else ""
    assert err <= (tol or TOL[dtype]), (
        f"{label}max scaled difference {err:.3g}")
    return err


def summary_text(model) -> str:
    """The table ``model.summary`` prints, caught through ``print_fn``."""
    lines: list[str] = []
    assert model.summary(print_fn=lines.append) is None
    return "\n".join(lines)


def in_batches(x, y, size: int, steps: int | None = None):
    """``steps`` consecutive batches (x, y) of ``size`` examples, starting
    over from the first when the data run out (default: one pass)."""
    per_pass = len(x) // size
    for step in range(per_pass if steps is None else steps):
        start = step % per_pass * size
        yield x[start:start + size], y[start:start + size]


def train_alike(ours, theirs, batches, dtype: str) -> None:
    """``train_on_batch`` an nnkit model and its Keras twin on the same
    batches; assert that every loss and the final weights agree."""
    for xb, yb in batches:
        close(ours.train_on_batch(xb, yb), theirs.train_on_batch(xb, yb),
              dtype, "loss")
    w1, w2 = ours.get_weights(), theirs.get_weights()
    assert len(w1) == len(w2), (len(w1), len(w2))
    for a, b in zip(w1, w2):
        close(a, b, dtype, "weight")


def fit_alike(ours, theirs, x, y, dtype: str, weights: bool = True,
              **fit) -> tuple[dict, dict]:
    """Train an nnkit model and its Keras twin with the same ``fit``
    arguments (``shuffle=False, verbose=0`` unless given) and assert
    that they agree: the same history keys, every entry within
    ``TOL[dtype]`` and, with ``weights``, the same final weights.

    Returns:
        the two histories, nnkit's first.
    """
    fit = {"shuffle": False, "verbose": 0, **fit}
    h1 = ours.fit(x, y, **fit).history
    h2 = theirs.fit(x, y, **fit).history
    assert set(h1) == set(h2), (sorted(h1), sorted(h2))
    for key in h2:
        close(h1[key], h2[key], dtype, key)
    if weights:
        w1, w2 = ours.get_weights(), theirs.get_weights()
        assert len(w1) == len(w2), (len(w1), len(w2))
        for a, b in zip(w1, w2):
            close(a, b, dtype, "weight")
    return h1, h2


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
