"""Boston housing, bundled with mlxtend (imported when called)."""

from __future__ import annotations

import numpy as np

from ._dataset import Dataset

__all__ = ["load_boston_housing"]


_BOSTON_FEATURES = ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE",
                    "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT"]


def load_boston_housing() -> Dataset:
    """Boston house prices (Harrison & Rubinfeld, 1978): 506 tracts.

    Source: ``mlxtend.data.boston_housing_data()`` (bundled). The
    target is the median home value MEDV in thousands of dollars. The
    data set is kept for comparison with the source's case study; note
    that its feature ``B`` encodes the proportion of Black residents,
    the reason scikit-learn removed it.

    Returns:
        Dataset with x float64 (506, 13), y float64 (506,).
    """
    from mlxtend.data import boston_housing_data

    x, y = boston_housing_data()
    return Dataset(x=np.asarray(x, np.float64), y=np.asarray(y, np.float64),
                   feature_names=list(_BOSTON_FEATURES),
                   description="Boston housing, 506 x 13, from mlxtend; "
                               "target MEDV in thousands of dollars")
