"""Iris, digits and breast cancer, bundled with scikit-learn.

scikit-learn is imported inside ``_sklearn``, when a loader is called.
"""

from __future__ import annotations

import numpy as np

from ._dataset import Dataset

__all__ = ["load_iris", "load_digits", "load_breast_cancer"]


# --------------------------------------------------------------------------
# Loaders for data bundled with Python packages
# --------------------------------------------------------------------------

def _sklearn(name: str, description: str) -> Dataset:
    from sklearn import datasets as skd

    bunch = getattr(skd, name)()
    return Dataset(
        x=np.asarray(bunch.data, dtype=np.float64),
        y=np.asarray(bunch.target, dtype=np.int64),
        feature_names=[str(f) for f in bunch.feature_names],
        target_names=[str(t) for t in bunch.target_names],
        description=description)


def load_iris() -> Dataset:
    """Fisher's iris: 150 flowers, 4 measurements (cm), 3 species.

    Source: ``sklearn.datasets.load_iris`` (bundled with scikit-learn).

    Returns:
        Dataset with x float64 (150, 4), y int (150,) in {0, 1, 2}.
    """
    return _sklearn("load_iris", "Iris (Fisher, 1936), from scikit-learn")


def load_digits() -> Dataset:
    """Handwritten digits as 8x8 images with grey levels 0-16.

    Source: ``sklearn.datasets.load_digits`` (UCI optical digits,
    bundled with scikit-learn).

    Returns:
        Dataset with x float64 (1797, 64), y int (1797,) in 0..9.
    """
    data = _sklearn("load_digits",
                    "Digits 8x8 (UCI optical recognition), from "
                    "scikit-learn; pixel values 0-16")
    data.target_names = [str(t) for t in range(10)]
    return data


def load_breast_cancer() -> Dataset:
    """Wisconsin diagnostic breast cancer: 569 tumours, 30 features.

    Source: ``sklearn.datasets.load_breast_cancer`` (UCI, bundled with
    scikit-learn). Label 1 is *benign*, 0 malignant.

    Returns:
        Dataset with x float64 (569, 30), y int (569,) in {0, 1}.
    """
    return _sklearn("load_breast_cancer",
                    "Breast cancer Wisconsin (diagnostic), from "
                    "scikit-learn; 0 = malignant, 1 = benign")
