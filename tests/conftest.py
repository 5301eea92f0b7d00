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


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
