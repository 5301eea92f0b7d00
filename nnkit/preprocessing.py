"""Data preparation: splits, scaling, one-hot encoding, missing values.

The rule behind every class here: *fit on the training set only*, then
apply the same transformation to validation and test data, so that no
information from the held-out data leaks into training::

    scaler = StandardScaler().fit(x_train)
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)

Arrays are batch-first: x has shape (N, D), statistics are per column.
A 1-D array is treated as a single feature and keeps its shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "train_test_split", "temporal_split", "time_series_split",
    "StandardScaler", "MinMaxScaler", "SimpleImputer", "impute", "one_hot",
]

Seed = int | np.random.Generator | None


# --------------------------------------------------------------------------
# Splits
# --------------------------------------------------------------------------

def _n_test(test_size: float | int, n: int) -> int:
    if isinstance(test_size, (int, np.integer)) and not isinstance(
            test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, (float, np.floating)) and 0 < test_size < 1:
        n_test = int(np.ceil(test_size * n))
    else:
        raise ValueError("test_size must be a fraction in (0, 1) or a "
                         f"number of examples, got {test_size!r}")
    if not 0 < n_test < n:
        raise ValueError(f"test_size={test_size!r} leaves {n_test} test and "
                         f"{n - n_test} training examples out of {n}; "
                         "both must be at least 1")
    return n_test


def _stratified_test_indices(classes: np.ndarray, n_test: int,
                             rng: np.random.Generator) -> np.ndarray:
    """Pick n_test indices so that every class keeps its share."""
    labels, inverse, counts = np.unique(classes, return_inverse=True,
                                        return_counts=True, axis=0)
    if counts.min() < 2:
        bad = labels[np.argmin(counts)].tolist()
        raise ValueError(f"stratify: class {bad!r} has only 1 example; "
                         "every class needs at least 2 to be split")
    # Largest remainder: floor of each class's share, then hand the
    # leftover test slots to the classes with the largest fractions.
    share = n_test * counts / counts.sum()
    per_class = np.floor(share).astype(int)
    leftover = n_test - per_class.sum()
    order = np.argsort(-(share - per_class), kind="stable")
    per_class[order[:leftover]] += 1
    test = [rng.permutation(np.flatnonzero(inverse.ravel() == c))[:k]
            for c, k in enumerate(per_class)]
    return np.concatenate(test)


def train_test_split(*arrays: Any, test_size: float | int = 0.25,
                     shuffle: bool = True, stratify: Any = None,
                     seed: Seed = None) -> list[np.ndarray]:
    """Split arrays into random train and test parts (scikit-learn order).

    >>> x_tr, x_te, y_tr, y_te = train_test_split(x, y, seed=0)

    Args:
        *arrays: arrays with the same first dimension N.
        test_size: fraction of examples for the test set (rounded up),
            or their number.
        shuffle: if False the last examples form the test set, in order.
        stratify: labels, shape (N,); each class keeps (to within one
            example) the same proportion in both parts. Needs shuffle.
        seed: int or np.random.Generator.

    Returns:
        [a_train, a_test, b_train, b_test, ...] for arrays a, b, ...
    """
    if not arrays:
        raise ValueError("train_test_split needs at least one array")
    arrays = tuple(np.asarray(a) for a in arrays)
    n = arrays[0].shape[0] if arrays[0].ndim else 0
    for i, a in enumerate(arrays):
        if a.ndim == 0 or a.shape[0] != n:
            raise ValueError(
                f"train_test_split: array {i} has shape {a.shape} but "
                f"array 0 has {n} examples; all must have the same length")
    n_test = _n_test(test_size, n)
    if not shuffle:
        if stratify is not None:
            raise ValueError("stratify needs shuffle=True")
        train_idx, test_idx = np.arange(n - n_test), np.arange(n - n_test, n)
    else:
        rng = np.random.default_rng(seed)
        if stratify is None:
            perm = rng.permutation(n)
            test_idx, train_idx = perm[:n_test], perm[n_test:]
        else:
            strat = np.asarray(stratify)
            if strat.shape[0] != n:
                raise ValueError(f"stratify has {strat.shape[0]} labels for "
                                 f"{n} examples")
            test_idx = _stratified_test_indices(strat, n_test, rng)
            mask = np.ones(n, dtype=bool)
            mask[test_idx] = False
            train_idx = rng.permutation(np.flatnonzero(mask))
            test_idx = rng.permutation(test_idx)
    out = []
    for a in arrays:
        out += [a[train_idx], a[test_idx]]
    return out


def temporal_split(x: Any, y: Any = None,
                   test_fraction: float = 0.2) -> list[np.ndarray]:
    """Split in time order: the last ``test_fraction`` is the test set.

    For time series a random split would let the model peek at the
    future (neighbours of a test point sit in the training set), so
    the test set must come after all the training data.

    Returns:
        [x_train, x_test] or [x_train, x_test, y_train, y_test].
    """
    if not 0 < test_fraction < 1:
        raise ValueError("test_fraction must be in (0, 1), got "
                         f"{test_fraction!r}")
    arrays = (x,) if y is None else (x, y)
    return train_test_split(*arrays, test_size=float(test_fraction),
                            shuffle=False)


def time_series_split(n: int, n_splits: int = 5
                      ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Expanding-window folds for time series (scikit-learn's scheme).

    Fold k trains on everything before its test block; test blocks have
    n // (n_splits + 1) examples and tile the end of the series.

    Returns:
        A list of n_splits (train_indices, test_indices) pairs.
    """
    if int(n_splits) != n_splits or n_splits < 1:
        raise ValueError(f"n_splits must be an integer >= 1, got "
                         f"{n_splits!r}")
    size = n // (n_splits + 1)
    if size < 1:
        raise ValueError(f"n={n} examples are too few for n_splits="
                         f"{n_splits} (need at least {n_splits + 1})")
    idx = np.arange(n)
    starts = range(n - n_splits * size, n, size)
    return [(idx[:s], idx[s:s + size]) for s in starts]


# --------------------------------------------------------------------------
# Scaling
# --------------------------------------------------------------------------

def _as_features(x: Any, name: str) -> np.ndarray:
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name}: expected numbers, got dtype {x.dtype}")
    if x.ndim not in (1, 2):
        raise ValueError(f"{name}: expected shape (N, D) or (N,), got "
                         f"{x.shape}; reshape to 2-D first")
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    if np.isnan(x).any():
        raise ValueError(f"{name}: input contains NaN; fill missing "
                         "values first (nnkit.preprocessing.impute)")
    return x


class _Scaler:
    """Shared fit/transform plumbing: subclasses compute scale_, shift."""

    def _fit_stats(self, x: np.ndarray) -> None:
        raise NotImplementedError

    def fit(self, x: Any) -> _Scaler:
        """Learn the per-column statistics from x, shape (N, D)."""
        x = _as_features(x, type(self).__name__ + ".fit")
        if x.shape[0] == 0:
            raise ValueError(f"{type(self).__name__}.fit: x is empty")
        self._shape = x.shape[1:]
        self._fit_stats(x)
        return self

    def _check(self, x: Any, method: str) -> np.ndarray:
        name = f"{type(self).__name__}.{method}"
        if not hasattr(self, "_shape"):
            raise RuntimeError(f"{name}: call fit(x_train) first")
        x = _as_features(x, name)
        if x.shape[1:] != self._shape:
            raise ValueError(f"{name}: fitted on rows of shape "
                             f"{self._shape}, got {x.shape[1:]}")
        return x

    def fit_transform(self, x: Any) -> np.ndarray:
        """fit(x) then transform(x)."""
        return self.fit(x).transform(x)


def _guard_zero(scale: np.ndarray) -> np.ndarray:
    """Replace (near-)zero scales by 1, so constant columns map to 0."""
    scale = np.array(scale, dtype=np.float64, ndmin=1)
    scale[scale < 10 * np.finfo(np.float64).eps] = 1.0
    return scale


class StandardScaler(_Scaler):
    """z-score: z = (x - mean) / std per column.

    ``std`` is the population standard deviation (ddof=0), as in
    scikit-learn; a constant column has std 0 and is only centred.

    Attributes:
        mean_: column means, shape (D,), set by ``fit``.
        scale_: column standard deviations (1 where constant), (D,).
        var_: column variances, shape (D,).
    """

    def _fit_stats(self, x):
        self.mean_ = x.mean(axis=0)
        self.var_ = x.var(axis=0)
        # A constant column's variance is only rounding error, which
        # grows with N and |mean| (Chan, Golub & LeVeque's bound, the
        # test scikit-learn uses); dividing by its root would blow the
        # noise up to +-1, so such columns keep scale 1.
        n, eps = x.shape[0], np.finfo(np.float64).eps
        constant = self.var_ <= n * eps * self.var_ + (n * eps
                                                       * self.mean_) ** 2
        self.scale_ = np.where(constant, 1.0, np.sqrt(self.var_))

    def transform(self, x: Any) -> np.ndarray:
        """``(x - mean_) / scale_``, same shape as x."""
        x = self._check(x, "transform")
        return (x - self.mean_) / self.scale_

    def inverse_transform(self, z: Any) -> np.ndarray:
        """``z * scale_ + mean_``: back to the original units."""
        z = self._check(z, "inverse_transform")
        return z * self.scale_ + self.mean_


class MinMaxScaler(_Scaler):
    """Rescale each column linearly so that [min, max] -> feature_range.

    x' = lo + (x - min) (hi - lo) / (max - min). A constant column maps
    to lo. Sensitive to outliers (one extreme value squeezes the rest),
    which is when StandardScaler is the better choice.

    Attributes:
        data_min_: column minima, shape (D,), set by ``fit``.
        data_max_: column maxima, shape (D,).
        scale_: ``(hi - lo) / (max - min)`` per column, shape (D,).
        min_: ``lo - min * scale_`` per column, shape (D,); then
            ``transform(x) = x * scale_ + min_``.
    """

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)):
        lo, hi = feature_range
        if not lo < hi:
            raise ValueError("MinMaxScaler: feature_range must be (lo, hi) "
                             f"with lo < hi, got {feature_range!r}")
        self.feature_range = (float(lo), float(hi))

    def _fit_stats(self, x):
        lo, hi = self.feature_range
        self.data_min_ = x.min(axis=0)
        self.data_max_ = x.max(axis=0)
        rng = _guard_zero(self.data_max_ - self.data_min_).reshape(
            self.data_min_.shape)
        self.scale_ = (hi - lo) / rng
        self.min_ = lo - self.data_min_ * self.scale_

    def transform(self, x: Any) -> np.ndarray:
        """``x * scale_ + min_``, same shape as x."""
        x = self._check(x, "transform")
        return x * self.scale_ + self.min_

    def inverse_transform(self, z: Any) -> np.ndarray:
        """``(z - min_) / scale_``: back to the original units."""
        z = self._check(z, "inverse_transform")
        return (z - self.min_) / self.scale_


# --------------------------------------------------------------------------
# Missing values
# --------------------------------------------------------------------------

def _most_frequent(col: np.ndarray) -> float:
    values, counts = np.unique(col, return_counts=True)
    return values[np.argmax(counts)]     # ties: the smallest value


class SimpleImputer:
    """Fill NaNs with a per-column statistic learnt from training data.

    Args:
        strategy: ``"mean"``, ``"median"`` or ``"most_frequent"`` (the
            mode; ties go to the smallest value, as in scikit-learn).

    Attributes:
        statistics_: set by ``fit``, the fill value of each column, shape (D,).
    """

    _STRATEGIES = ("mean", "median", "most_frequent")

    def __init__(self, strategy: str = "mean"):
        if strategy not in self._STRATEGIES:
            raise ValueError(f"SimpleImputer: strategy must be one of "
                             f"{self._STRATEGIES}, got {strategy!r}")
        self.strategy = strategy

    @staticmethod
    def _as_2d(x: Any, name: str) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2:
            raise ValueError(f"{name}: expected shape (N, D), got {x.shape}")
        return x

    def fit(self, x: Any) -> SimpleImputer:
        """Compute the fill value of each column, ignoring NaNs."""
        x = self._as_2d(x, "SimpleImputer.fit")
        stats = []
        for j in range(x.shape[1]):
            col = x[~np.isnan(x[:, j]), j]
            if col.size == 0:
                raise ValueError(f"SimpleImputer.fit: column {j} has no "
                                 "values (all NaN); drop it first")
            if self.strategy == "mean":
                stats.append(col.mean())
            elif self.strategy == "median":
                stats.append(np.median(col))
            else:
                stats.append(_most_frequent(col))
        self.statistics_ = np.array(stats)
        return self

    def transform(self, x: Any) -> np.ndarray:
        """A copy of x with each NaN replaced by its column's statistic."""
        if not hasattr(self, "statistics_"):
            raise RuntimeError("SimpleImputer.transform: call fit first")
        was_1d = np.ndim(x) == 1
        x = self._as_2d(x, "SimpleImputer.transform").copy()
        if x.shape[1] != self.statistics_.size:
            raise ValueError(f"SimpleImputer.transform: fitted on "
                             f"{self.statistics_.size} columns, got "
                             f"{x.shape[1]}")
        rows, cols = np.nonzero(np.isnan(x))
        x[rows, cols] = self.statistics_[cols]
        return x[:, 0] if was_1d else x

    def fit_transform(self, x: Any) -> np.ndarray:
        """fit(x) then transform(x)."""
        return self.fit(x).transform(x)


def impute(x: Any, strategy: str = "mean") -> np.ndarray:
    """Fill NaNs column by column: ``SimpleImputer(strategy)``.

    Statistics come from x itself; to fill a test set with training
    statistics use ``SimpleImputer(strategy).fit(x_train)``.
    """
    return SimpleImputer(strategy).fit_transform(x)


# --------------------------------------------------------------------------
# Categorical targets
# --------------------------------------------------------------------------

def one_hot(labels: Any, num_classes: int | None = None,
            dtype: Any = np.float32) -> np.ndarray:
    """Integer class labels -> one-hot rows (Keras' to_categorical).

    Args:
        labels: integers in [0, num_classes), shape (N,) or (N, 1).
        num_classes: C; default max(labels) + 1.
        dtype: of the result.

    Returns:
        Array of shape (N, C) with a single 1 per row.
    """
    y = np.asarray(labels)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"one_hot: labels must have shape (N,) or (N, 1), "
                         f"got {y.shape}")
    if y.dtype.kind == "f":
        frac = y[~np.isfinite(y) | (y != np.round(y))]
        if frac.size:
            raise ValueError(f"one_hot: labels must be integers, got "
                             f"{frac[0].item()!r}")
        y = y.astype(np.int64)
    elif y.dtype.kind not in "biu":
        raise TypeError(f"one_hot: labels must be integers, got dtype "
                        f"{y.dtype} (map names to 0..C-1 first)")
    y = y.astype(np.int64)
    if y.size and y.min() < 0:
        raise ValueError(f"one_hot: labels must be >= 0, got "
                         f"{y.min().item()}")
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    elif int(num_classes) != num_classes or num_classes < 1:
        raise ValueError(f"one_hot: num_classes must be a positive integer,"
                         f" got {num_classes!r}")
    if y.size and y.max() >= num_classes:
        raise ValueError(f"one_hot: label {y.max()} is out of range for "
                         f"num_classes={num_classes} (labels must be in "
                         f"0..{int(num_classes) - 1})")
    out = np.zeros((y.size, int(num_classes)), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out
