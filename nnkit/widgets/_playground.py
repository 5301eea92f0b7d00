"""The Playground's settings, data, input features and network.

The pure, widget-free part of the Playground (see ``nnkit.widgets``
for nnkit default vs Playground-exact): ``PlaygroundConfig`` checks
every setting, ``make_playground_data`` and ``featurize`` prepare the
points, ``build_playground_model`` the compiled ``Sequential``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import (
    _validate,
    activations,
    initializers,
    losses,
    optimizers,
    regularizers,
)
from .. import _validate as check
from ..datasets import playground as _playground_dataset
from ..layers import Dense
from ..models import Sequential
from ._base import _bad

FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
CLASSIFICATION_DATASETS = ("circle", "xor", "gauss", "spiral")
REGRESSION_DATASETS = ("plane", "multi_gauss")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3,
                  1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0,
                        3.0, 10.0)
PLAYGROUND_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
_DOMAIN = 6.0          # the Playground draws the square [-6, 6]^2


@dataclass
class PlaygroundConfig:
    """Every setting of the Playground, with the original's defaults.

    Attributes:
        dataset: ``"circle"``, ``"xor"``, ``"gauss"``, ``"spiral"``
            (classification) or ``"plane"``, ``"multi_gauss"``
            (regression). The problem type follows from it.
        noise: 0-50, the Playground's noise slider.
        train_ratio: percentage of the points used for training (the
            Playground offers 10-90 in steps of 10); the rest is test.
        batch_size: examples per SGD step (Playground: 1-30).
        features: names from ``FEATURES`` fed to the network.
        hidden: neurons per hidden layer, e.g. ``(4, 2)``; ``()`` is a
            network without hidden layers.
        activation: hidden activation, ``"relu"``, ``"tanh"``,
            ``"sigmoid"`` or ``"linear"`` (any nnkit name works).
        learning_rate: SGD step size (the Playground's list is
            ``LEARNING_RATES``).
        regularization: None, ``"l1"`` or ``"l2"``.
        regularization_rate: the penalty's rate (module docstring).
        exact: Playground-exact training (True) or nnkit default.
        seed: seeds the data and the initial weights.
    """

    dataset: str = "circle"
    noise: float = 0
    train_ratio: float = 50
    batch_size: int = 10
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    learning_rate: float = 0.03
    regularization: str | None = None
    regularization_rate: float = 0.0
    exact: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        own = "PlaygroundConfig"
        self.dataset = str(self.dataset).lower()
        known = CLASSIFICATION_DATASETS + REGRESSION_DATASETS
        if self.dataset not in known:
            raise _bad(own, "dataset", f"one of {', '.join(known)}",
                       self.dataset)
        if not 0 <= self.noise <= 50:
            raise _bad(own, "noise", "in [0, 50]", self.noise)
        if not 0 < self.train_ratio < 100:
            raise _bad(own, "train_ratio", "a percentage in (0, 100)",
                       self.train_ratio)
        if int(self.batch_size) != self.batch_size or self.batch_size < 1:
            raise _bad(own, "batch_size", "an integer >= 1",
                       self.batch_size)
        self.batch_size = int(self.batch_size)
        self.features = tuple(_check_features(own, self.features))
        self.hidden = tuple(self.hidden)
        if any(int(h) != h or h < 1 for h in self.hidden):
            raise _bad(own, "hidden", "a sequence of integers >= 1",
                       self.hidden)
        self.hidden = tuple(int(h) for h in self.hidden)
        activations.get(self.activation)      # raises for unknown names
        if not (np.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise _bad(own, "learning_rate", "> 0", self.learning_rate)
        self.regularization, _ = _penalty(own, self.regularization,
                                          self.regularization_rate)
        self.exact = bool(self.exact)

    def model(self) -> Sequential:
        """The compiled network these settings describe (fresh weights
        from ``seed``); the settings were checked when the config was
        made, so this checks nothing again."""
        penalty = (None if self.regularization is None else
                   _PENALTIES[self.regularization](self.regularization_rate))
        return _assemble(len(self.features), self.hidden, self.activation,
                         self.problem == "classification", penalty,
                         self.exact, self.learning_rate, self.seed)

    @property
    def problem(self) -> str:
        """``"classification"`` or ``"regression"``, from the dataset."""
        if self.dataset in REGRESSION_DATASETS:
            return "regression"
        return "classification"


def _check_features(owner: str, features: Any) -> list[str]:
    if isinstance(features, str):
        features = [features]
    features = list(features)
    if not features or any(f not in FEATURES for f in features):
        raise _bad(owner, "features", "a non-empty list of names from "
                   f"{', '.join(FEATURES)}", features)
    return features


# The Playground's penalties as nnkit regularizers: its L2 is
# rate * w**2 / 2, Keras' L2(l2) is l2 * w**2.
_PENALTIES: dict[str, Callable[[float], regularizers.Regularizer]] = {
    "l1": regularizers.L1,
    "l2": lambda rate: regularizers.L2(rate / 2),
}


def _penalty(owner: str, kind: Any, rate: Any
             ) -> tuple[str | None, regularizers.Regularizer | None]:
    """The one check of a regularization setting, and its regularizer.

    Returns ``(kind, regularizer)``: kind normalised to None, ``"l1"``
    or ``"l2"``; the regularizer None for no regularization.
    """
    key = kind.lower() if isinstance(kind, str) else kind
    key = _validate.one_of(owner, "regularization",
                           None if key == "none" else key,
                           (None, *_PENALTIES))
    rate = _validate.non_negative(owner, "regularization_rate", rate)
    return key, (None if key is None else _PENALTIES[key](float(rate)))


@dataclass
class PlaygroundData:
    """One Playground data set split into training and test points.

    Attributes:
        x_train, x_test: float64 points, shapes (N_train, 2), (N_test, 2).
        y_train, y_test: shapes (N_train,), (N_test,): 0/1 int labels
            (1 is the Playground's blue class) or float regression
            targets in [-1, 1] (``plane`` reaches +-1.2).
        dataset: the data set's name.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    dataset: str

    @property
    def regression(self) -> bool:
        """True for the regression data sets (``plane``, ``multi_gauss``).
        """
        return self.dataset in REGRESSION_DATASETS


def make_playground_data(dataset: str = "circle", noise: float = 0,
                         train_ratio: float = 50,
                         seed: int = 0) -> PlaygroundData:
    """Generate a Playground data set and split it, as the original.

    500 points for classification, 1200 for regression (already
    shuffled by the generator); the first ``train_ratio`` percent are
    the training set.

    Args:
        dataset: a name from ``CLASSIFICATION_DATASETS`` or
            ``REGRESSION_DATASETS``.
        noise: 0-50.
        train_ratio: percentage in (0, 100).
        seed: the generator's seed.

    Returns:
        A ``PlaygroundData``.
    """
    if not 0 < train_ratio < 100:
        raise _bad("make_playground_data", "train_ratio",
                   "a percentage in (0, 100)", train_ratio)
    x, y = _playground_dataset(dataset, noise=noise, seed=seed)
    x = x.astype(np.float64)
    n_train = int(round(len(x) * train_ratio / 100))
    n_train = min(max(n_train, 1), len(x) - 1)
    return PlaygroundData(x[:n_train], y[:n_train], x[n_train:],
                          y[n_train:], str(dataset).lower())


def featurize(x: np.ndarray,
              features: Sequence[str] = ("x1", "x2")) -> np.ndarray:
    """The Playground's input features of 2-D points.

    Args:
        x: points, shape (N, 2), columns x1 and x2.
        features: names from ``FEATURES``: ``"x1"``, ``"x2"``,
            ``"x1^2"``, ``"x2^2"``, ``"x1*x2"``, ``"sin(x1)"``,
            ``"sin(x2)"``.

    Returns:
        float64 array (N, F), one column per feature, in the order given.
    """
    x = check.array("featurize", "x", x).astype(np.float64)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"featurize: x must have shape (N, 2), got "
                         f"{x.shape}")
    names = _check_features("featurize", features)
    return np.column_stack([FEATURES[f](x[:, 0], x[:, 1]) for f in names])


def build_playground_model(n_features: int,
                           hidden: Sequence[int] = (4, 2),
                           activation: str = "tanh",
                           problem: str = "classification",
                           regularization: str | None = None,
                           regularization_rate: float = 0.0,
                           exact: bool = False,
                           learning_rate: float = 0.03,
                           seed: int = 0) -> Sequential:
    """A compiled float64 ``Sequential`` with the Playground's shape.

    ``Dense`` layers of ``hidden`` units with ``activation``, then one
    output unit, trained by plain ``SGD(learning_rate)``.

    Args:
        n_features: number of input columns F.
        hidden: neurons per hidden layer; ``()`` for none.
        activation: the hidden layers' activation.
        problem: ``"classification"`` or ``"regression"``.
        regularization: None, ``"l1"`` or ``"l2"`` (module docstring).
        regularization_rate: the penalty's rate.
        exact: Playground-exact (tanh or linear output, loss
            ``HalfSquaredError``, kernels uniform(-0.5, 0.5), biases
            0.1) or nnkit default (sigmoid output with binary
            cross-entropy, or linear with MSE; Glorot-uniform kernels,
            zero biases).
        learning_rate: SGD step size.
        seed: seeds the initial weights and the shuffling.

    Returns:
        The model; input shape (N, F), output shape (N, 1).
    """
    own = "build_playground_model"
    if problem not in ("classification", "regression"):
        raise _bad(own, "problem", "'classification' or 'regression'",
                   problem)
    if int(n_features) != n_features or n_features < 1:
        raise _bad(own, "n_features", "an integer >= 1", n_features)
    _, penalty = _penalty(own, regularization, regularization_rate)
    return _assemble(int(n_features), hidden, activation,
                     problem == "classification", penalty, exact,
                     learning_rate, seed)


def _assemble(n_features: int, hidden: Sequence[int], activation: str,
              classify: bool, penalty: regularizers.Regularizer | None,
              exact: bool, learning_rate: float, seed: int) -> Sequential:
    """``build_playground_model`` on arguments already checked."""
    if exact:
        kernel_init: Any = initializers.RandomUniform(-0.5, 0.5)
        bias_init: Any = initializers.Constant(0.1)
        out_act = "tanh" if classify else "linear"
        loss: Any = losses.HalfSquaredError()
    else:
        kernel_init, bias_init = "glorot_uniform", "zeros"
        out_act = "sigmoid" if classify else "linear"
        loss = "binary_crossentropy" if classify else "mse"
    units = [int(h) for h in hidden] + [1]
    acts = [activation] * (len(units) - 1) + [out_act]
    layers = [Dense(u, a, kernel_initializer=kernel_init,
                    bias_initializer=bias_init, kernel_regularizer=penalty,
                    **({"input_shape": (n_features,)} if k == 0
                       else {}))
              for k, (u, a) in enumerate(zip(units, acts))]
    model = Sequential(layers, seed=seed, dtype="float64")
    model.compile(optimizers.SGD(learning_rate), loss)
    return model
