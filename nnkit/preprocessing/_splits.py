"""Train/test splits: random, stratified, temporal, time-series folds."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check

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
        raise (ValueError if isinstance(test_size, (float, np.floating))
               else check.ArgumentTypeError)(
            "train_test_split: test_size must be a fraction in (0, 1) or "
            f"a number of examples, got {test_size!r}")
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
    fn = "train_test_split"
    if not arrays:
        raise ValueError("train_test_split needs at least one array")
    shuffle = check.boolean(fn, "shuffle", shuffle)
    check.generator_seed(fn, "seed", seed)
    arrays = tuple(check.array(fn, f"array {i}", a, kinds="biufcUSOMm")
                   for i, a in enumerate(arrays))
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
    check.number("temporal_split", "test_fraction", test_fraction, 0.0,
                 1.0, low_open=True, high_open=True)
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
    check.positive_int("time_series_split", "n", n)
    check.positive_int("time_series_split", "n_splits", n_splits)
    size = n // (n_splits + 1)
    if size < 1:
        raise ValueError(f"n={n} examples are too few for n_splits="
                         f"{n_splits} (need at least {n_splits + 1})")
    idx = np.arange(n)
    starts = range(n - n_splits * size, n, size)
    return [(idx[:s], idx[s:s + size]) for s in starts]
