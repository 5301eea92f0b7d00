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


@pytest.fixture(params=["float64", "float32"])
def floatx(request, keras):
    """Run a test in both precisions, with Keras' floatx to match.

    Keras keeps the learning rate in a floatx variable, so float64
    parity needs floatx float64, exactly as nnkit computes in the
    parameter's dtype.
    """
    old = keras.config.floatx()
    keras.config.set_floatx(request.param)
    yield request.param
    keras.config.set_floatx(old)


@pytest.fixture
def keras64(keras):
    """Keras with floatx float64 for the duration of one test."""
    old = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield keras
    keras.config.set_floatx(old)


# Parity tolerances of the project's standards.
TOL = {"float64": 1e-10, "float32": 1e-5}


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
