"""nnkit.preprocessing: splits, scalers, imputation, one-hot."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn import impute as skimpute
from sklearn import model_selection as skms
from sklearn import preprocessing as skp

from nnkit import preprocessing as pp

matrices = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=12),
    elements=st.floats(-1e4, 1e4, allow_nan=False))


# -- scalers -----------------------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(matrices)
def test_standard_scaler_inverts_and_matches_sklearn(x):
    scaler = pp.StandardScaler()
    z = scaler.fit_transform(x)
    np.testing.assert_allclose(scaler.inverse_transform(z), x,
                               rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(z, skp.StandardScaler().fit_transform(x),
                               rtol=1e-7, atol=1e-7)


@settings(max_examples=50, deadline=None)
@given(matrices, st.sampled_from([(0.0, 1.0), (-1.0, 1.0), (2.0, 5.0)]))
def test_minmax_scaler_inverts_and_matches_sklearn(x, feature_range):
    scaler = pp.MinMaxScaler(feature_range)
    z = scaler.fit_transform(x)
    np.testing.assert_allclose(scaler.inverse_transform(z), x,
                               rtol=1e-9, atol=1e-6)
    expected = skp.MinMaxScaler(feature_range=feature_range).fit_transform(x)
    np.testing.assert_allclose(z, expected, rtol=1e-7, atol=1e-7)


def test_standard_scaler_gives_zero_mean_unit_population_std():
    x = np.random.default_rng(0).normal(3.0, 7.0, (200, 3))
    z = pp.StandardScaler().fit_transform(x)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0, ddof=0), 1.0)


def test_constant_column_is_centred_not_divided_by_zero():
    x = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    with np.errstate(all="raise"):
        z = pp.StandardScaler().fit_transform(x)
        m = pp.MinMaxScaler().fit_transform(x)
    np.testing.assert_array_equal(z[:, 1], 0.0)
    np.testing.assert_array_equal(m[:, 1], 0.0)


def test_scaler_uses_training_statistics_on_new_data():
    scaler = pp.MinMaxScaler().fit(np.array([[0.0], [10.0]]))
    np.testing.assert_allclose(scaler.transform(np.array([[5.0], [20.0]])),
                               [[0.5], [2.0]])


def test_scaler_errors_name_the_problem():
    with pytest.raises(RuntimeError, match="call fit"):
        pp.StandardScaler().transform(np.ones((2, 2)))
    scaler = pp.StandardScaler().fit(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"fitted on rows of shape \(2,\)"):
        scaler.transform(np.ones((3, 3)))
    with pytest.raises(ValueError, match="contains NaN"):
        pp.StandardScaler().fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="feature_range"):
        pp.MinMaxScaler((1, 0))


# -- splits ----------------------------------------------------------------

def test_split_sizes_match_sklearn_and_rows_stay_paired():
    x = np.arange(103)[:, None] * 10
    y = np.arange(103)
    for test_size in (0.25, 0.3, 0.1, 17):
        x_tr, x_te, y_tr, y_te = pp.train_test_split(
            x, y, test_size=test_size, seed=0)
        sk = skms.train_test_split(x, y, test_size=test_size,
                                   random_state=0)
        assert (len(x_tr), len(x_te)) == (len(sk[0]), len(sk[1]))
        np.testing.assert_array_equal(x_tr[:, 0], y_tr * 10)
        np.testing.assert_array_equal(x_te[:, 0], y_te * 10)
        assert sorted(np.r_[y_tr, y_te]) == list(range(103))


def test_split_is_deterministic_for_a_seed_and_varies_across_seeds():
    y = np.arange(50)
    a = pp.train_test_split(y, seed=3)
    b = pp.train_test_split(y, seed=3)
    c = pp.train_test_split(y, seed=4)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_stratified_split_keeps_class_ratios():
    rng = np.random.default_rng(0)
    y = rng.permutation(np.r_[np.zeros(90), np.ones(30), np.full(30, 2)])
    x = rng.normal(size=(150, 2))
    _, _, y_tr, y_te = pp.train_test_split(x, y, test_size=0.2,
                                           stratify=y, seed=1)
    assert len(y_te) == 30
    np.testing.assert_array_equal(np.bincount(y_te.astype(int)),
                                  [18, 6, 6])
    np.testing.assert_array_equal(np.bincount(y_tr.astype(int)),
                                  [72, 24, 24])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=10, max_size=80),
       st.floats(0.1, 0.5), st.integers(0, 1000))
def test_stratified_split_is_within_one_example_per_class(labels, size,
                                                          seed):
    y = np.array(labels)
    counts = np.bincount(y, minlength=4)
    if counts[counts > 0].min() < 2:
        with pytest.raises(ValueError, match="only 1 example"):
            pp.train_test_split(y, test_size=size, stratify=y, seed=seed)
        return
    y_tr, y_te = pp.train_test_split(y, test_size=size, stratify=y,
                                     seed=seed)
    share = len(y_te) * counts / len(y)
    assert np.all(np.abs(np.bincount(y_te, minlength=4) - share) < 1)
    assert len(y_te) == int(np.ceil(size * len(y)))


def test_split_without_shuffle_takes_the_tail():
    x_tr, x_te = pp.train_test_split(np.arange(10), test_size=0.3,
                                     shuffle=False)
    np.testing.assert_array_equal(x_tr, np.arange(7))
    np.testing.assert_array_equal(x_te, [7, 8, 9])


def test_split_errors_name_the_argument():
    with pytest.raises(ValueError, match="test_size must be"):
        pp.train_test_split(np.arange(10), test_size=1.5)
    with pytest.raises(ValueError, match="array 1 has shape"):
        pp.train_test_split(np.arange(10), np.arange(9))
    with pytest.raises(ValueError, match="stratify needs shuffle"):
        pp.train_test_split(np.arange(10), shuffle=False,
                            stratify=np.arange(10) % 2)
    with pytest.raises(ValueError, match="4 test and 0 training"):
        pp.train_test_split(np.arange(4), test_size=4)


def test_temporal_split_keeps_time_order():
    t = np.arange(20)
    x_tr, x_te, y_tr, y_te = pp.temporal_split(t, t * 2, test_fraction=0.25)
    np.testing.assert_array_equal(x_tr, np.arange(15))
    np.testing.assert_array_equal(y_te, np.arange(15, 20) * 2)
    assert x_tr.max() < x_te.min()


@pytest.mark.parametrize("n, k", [(20, 3), (100, 5), (7, 6)])
def test_time_series_split_matches_sklearn(n, k):
    ours = pp.time_series_split(n, k)
    theirs = list(skms.TimeSeriesSplit(n_splits=k).split(np.zeros(n)))
    assert len(ours) == len(theirs)
    for (a_tr, a_te), (b_tr, b_te) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a_tr, b_tr)
        np.testing.assert_array_equal(a_te, b_te)


def test_time_series_split_rejects_too_few_examples():
    with pytest.raises(ValueError, match="too few"):
        pp.time_series_split(4, n_splits=5)


# -- imputation --------------------------------------------------------------

@pytest.mark.parametrize("strategy", ["mean", "median", "most_frequent"])
def test_impute_matches_sklearn(strategy):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, (40, 3)).astype(float)
    x[rng.random(x.shape) < 0.2] = np.nan
    ours = pp.impute(x, strategy)
    theirs = skimpute.SimpleImputer(strategy=strategy).fit_transform(x)
    np.testing.assert_allclose(ours, theirs)
    assert not np.isnan(ours).any()
    assert np.isnan(x).any()          # the input is left untouched


def test_imputer_fills_test_data_with_training_statistics():
    imp = pp.SimpleImputer("mean").fit(np.array([[1.0], [3.0]]))
    np.testing.assert_array_equal(imp.transform(np.array([[np.nan], [7.0]])),
                                  [[2.0], [7.0]])


def test_impute_errors():
    with pytest.raises(ValueError, match="strategy must be one of"):
        pp.impute(np.ones((2, 2)), "mode")
    with pytest.raises(ValueError, match="column 1 has no values"):
        pp.impute(np.array([[1.0, np.nan], [2.0, np.nan]]))


# -- one-hot -----------------------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=40))
def test_one_hot_round_trips_through_argmax(labels):
    y = np.array(labels)
    oh = pp.one_hot(y, num_classes=10)
    assert oh.shape == (len(y), 10)
    assert oh.dtype == np.float32
    np.testing.assert_array_equal(oh.sum(axis=1), 1)
    np.testing.assert_array_equal(oh.argmax(axis=1), y)


def test_one_hot_infers_classes_and_accepts_column_vectors():
    np.testing.assert_array_equal(pp.one_hot(np.array([[2], [0]])),
                                  [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(pp.one_hot([1.0, 0.0]), [[0, 1], [1, 0]])


@pytest.mark.parametrize("labels, kwargs, exc, match", [
    ([0, -1, 2], {}, ValueError, "must be >= 0, got -1"),
    ([0, 1.5], {}, ValueError, "must be integers, got 1.5"),
    ([0, 3], {"num_classes": 3}, ValueError, "label 3 is out of range"),
    (["a", "b"], {}, TypeError, "must be integers"),
    ([0, 1], {"num_classes": 0}, ValueError, "num_classes must be"),
])
def test_one_hot_rejects_bad_labels(labels, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        pp.one_hot(labels, **kwargs)
