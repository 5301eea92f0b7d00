"""Feature scaling fitted on the training set: standard and min-max."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check

# --------------------------------------------------------------------------
# Scaling
# --------------------------------------------------------------------------

def _as_features(x: Any, name: str) -> np.ndarray:
    x = check.array(name, "x", x)
    if x.ndim not in (1, 2):
        raise ValueError(f"{name}: expected shape (N, D) or (N,), got "
                         f"{x.shape}; reshape to 2-D first")
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    if np.isnan(x).any():
        raise ValueError(f"{name}: input contains NaN; fill missing "
                         "values first (nnkit.preprocessing.impute)")
    if np.isinf(x).any():
        # one inf makes its column's mean and std inf or NaN, and the
        # whole column would become NaN
        col = np.argwhere(np.isinf(x))[0]
        where = f"column {col[1]}, row {col[0]}" if x.ndim == 2 else \
            f"index {col[0]}"
        raise ValueError(f"{name}: input contains inf ({where}), which "
                         f"would turn its whole column into NaN; clip, "
                         f"drop or impute it first")
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
        owner = "MinMaxScaler"
        if not isinstance(feature_range, (tuple, list)) or \
                len(feature_range) != 2:
            raise check.ArgumentTypeError(
                f"{owner}: feature_range must be a pair (lo, hi), got "
                f"{check.show(feature_range)}")
        lo = check.number(owner, "feature_range", feature_range[0])
        hi = check.number(owner, "feature_range", feature_range[1])
        if not lo < hi:
            raise ValueError("MinMaxScaler: feature_range must be (lo, hi) "
                             f"with lo < hi, got {feature_range!r}")
        self.feature_range = (lo, hi)

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
