"""Initializers: the variances Keras defines, seeded and reproducible."""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit.initializers import compute_fans


@pytest.mark.parametrize("name,scale,mode", [
    ("glorot_uniform", 1, "avg"), ("glorot_normal", 1, "avg"),
    ("he_uniform", 2, "in"), ("he_normal", 2, "in"),
    ("lecun_uniform", 1, "in"), ("lecun_normal", 1, "in"),
])
def test_variance_scaling_family_has_the_promised_variance(name, scale,
                                                           mode):
    fan_in, fan_out = 300, 200
    w = nnkit.initializers.get(name)((fan_in, fan_out),
                                     np.random.default_rng(0), np.float64)
    n = fan_in if mode == "in" else (fan_in + fan_out) / 2
    assert abs(w.var() / (scale / n) - 1) < 0.03
    assert abs(w.mean()) < 0.01
    if name.endswith("uniform"):
        assert np.max(np.abs(w)) <= np.sqrt(3 * scale / n)
    else:       # truncated at two (pre-scaling) standard deviations
        bound = 2 * np.sqrt(scale / n) / 0.87962566103423978
        assert np.max(np.abs(w)) <= bound
        assert np.max(np.abs(w)) > 0.9 * bound


def test_conv_kernels_use_the_receptive_field_in_fans():
    assert compute_fans((3, 3, 16, 32)) == (144, 288)
    assert compute_fans((5, 7)) == (5, 7)


def test_same_generator_state_same_weights_and_explicit_seed_wins():
    init = nnkit.initializers.GlorotUniform()
    a = init((4, 3), np.random.default_rng(1))
    b = init((4, 3), np.random.default_rng(1))
    assert np.array_equal(a, b)
    seeded = nnkit.initializers.HeNormal(seed=7)
    assert np.array_equal(seeded((4, 3), np.random.default_rng(1)),
                          seeded((4, 3), np.random.default_rng(2)))


def test_orthogonal_is_orthogonal():
    w = nnkit.initializers.Orthogonal()((6, 6), np.random.default_rng(0),
                                        np.float64)
    assert np.allclose(w @ w.T, np.eye(6))
    tall = nnkit.initializers.Orthogonal()((8, 3), np.random.default_rng(0),
                                           np.float64)
    assert np.allclose(tall.T @ tall, np.eye(3))


def test_constant_zeros_ones_and_dtype():
    rng = np.random.default_rng(0)
    assert np.all(nnkit.initializers.get("zeros")((2, 2), rng) == 0)
    assert np.all(nnkit.initializers.get("ones")((2, 2), rng) == 1)
    c = nnkit.initializers.Constant(0.1)((3,), rng, np.float64)
    assert c.dtype == np.float64 and np.all(c == 0.1)
    assert nnkit.initializers.get("random_normal")((2,), rng).dtype == \
        np.float32


def test_bad_initializer_arguments():
    with pytest.raises(ValueError, match="maxval must exceed minval"):
        nnkit.initializers.RandomUniform(1, 0)
    with pytest.raises(ValueError, match="mode must be"):
        nnkit.initializers.VarianceScaling(mode="fan_sum")


def test_config_round_trip():
    for init in (nnkit.initializers.RandomNormal(0.5, 2.0),
                 nnkit.initializers.VarianceScaling(2.0, "fan_out",
                                                    "uniform"),
                 nnkit.initializers.HeNormal()):
        back = nnkit.initializers.get(nnkit.initializers.serialize(init))
        assert type(back) is type(init)
        assert back.get_config() == init.get_config()
