"""Data preparation: splits, scaling, one-hot encoding, missing values.

The rule behind every class here: *fit on the training set only*, then
apply the same transformation to validation and test data, so that no
information from the held-out data leaks into training::

    scaler = StandardScaler().fit(x_train)
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)

Arrays are batch-first: x has shape (N, D), statistics are per column.
A 1-D array is treated as a single feature and keeps its shape.
"""

# One private module per concept; this package is the public home of
# every name (the API reference documents them here, as
# nnkit.preprocessing.X):
#   _splits.py    train_test_split, temporal_split, time_series_split
#   _scaling.py   StandardScaler, MinMaxScaler
#   _impute.py    SimpleImputer, impute
#   _one_hot.py   one_hot

from .._public import set_public_module
from ._impute import SimpleImputer, impute
from ._one_hot import one_hot
from ._scaling import MinMaxScaler, StandardScaler
from ._splits import (
    Seed,  # noqa: F401  (nnkit.preprocessing.Seed)
    temporal_split,
    time_series_split,
    train_test_split,
)

__all__ = [
    "train_test_split", "temporal_split", "time_series_split",
    "StandardScaler", "MinMaxScaler", "SimpleImputer", "impute", "one_hot",
]

set_public_module(__name__, __all__)
