"""Missing values: SimpleImputer and impute."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check

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
        self.strategy = check.one_of("SimpleImputer", "strategy",
                                     strategy, self._STRATEGIES)

    @staticmethod
    def _as_2d(x: Any, name: str) -> np.ndarray:
        x = check.array(name, "x", x, ndim=(1, 2)).astype(np.float64)
        if x.ndim == 1:
            x = x[:, None]
        if np.isinf(x).any():
            raise ValueError(f"{name}: x contains inf, which is not a "
                             f"missing value (NaN) and would make a "
                             f"column's statistic inf; clip or drop it "
                             f"first")
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
        x = check.array("SimpleImputer.transform", "x", x, ndim=(1, 2))
        was_1d = x.ndim == 1
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
