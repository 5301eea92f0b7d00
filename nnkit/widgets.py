"""Interactive widgets: a Playground, an optimizer race, activations.

Three ipywidgets user interfaces for JupyterLab, each a thin layer over
plain functions that a notebook can call without any widget (so the
static book page and the tests exercise the same code):

* ``Playground`` (``playground()``) re-creates the TensorFlow
  Playground (playground.tensorflow.org) on top of nnkit. Plain
  functions: ``make_playground_data``, ``featurize``,
  ``build_playground_model``, ``init_state``, ``train_epochs``,
  ``render``, ``plot_neurons`` and ``run_experiment``.
* ``OptimizerRace`` (``optimizer_race()``) runs nnkit's optimizers on
  2-D test surfaces and animates their paths. Plain functions:
  ``surfaces``, ``race_optimizers``, ``optimize_path``, ``race``,
  ``plot_paths``.
* ``ActivationExplorer`` (``activation_explorer()``) plots an
  activation and its derivative. Plain function: ``plot_activation``.

The widgets draw with matplotlib into a PNG shown by an
``ipywidgets.Image``, so they need no extra JupyterLab extension and
no matplotlib backend magic. They animate with ``ipywidgets.Play``
(the browser sends ticks, the kernel trains a few epochs per tick):
no threads, nothing that outlives the kernel.

**Playground: nnkit default vs Playground-exact.** ``exact=False``
(the default, "nnkit default") trains the way this book recommends:
classification ends in a sigmoid with binary cross-entropy on 0/1
labels, regression in a linear unit with mean squared error; kernels
start Glorot-uniform, biases at 0; the training set is reshuffled
every epoch. ``exact=True`` ("Playground-exact") follows the original:
loss ``0.5 (o - t)**2`` averaged over the batch, labels -1/+1 with a
tanh output unit for classification (linear for regression), weights
uniform in (-0.5, 0.5), biases 0.1, and the training examples visited
in the same order every epoch. Both use plain SGD. The remaining
differences from the original: a last, smaller batch of an epoch is
applied at the end of that epoch (the Playground carries it over into
the next); L1 does not "kill" a weight that crosses zero (the
Playground sets it to exactly 0 for good); the data come from
``nnkit.datasets.playground`` (same recipes, NumPy random numbers); and
everything is seeded, so Reset gives the same start again (change the
seed for a new one).

The regularization rate means what it means in the Playground in both
modes: L1 adds ``rate * sum |w|`` and L2 adds ``rate * sum w**2 / 2``
over the kernels (not the biases), i.e. Keras' ``L1(rate)`` and
``L2(rate / 2)``. The losses shown leave the penalty out, as the
Playground does.
"""

from __future__ import annotations

import copy
import io
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import activations, initializers, losses, optimizers, regularizers
from .datasets import playground as _playground_dataset
from .layers import Dense
from .layers.base import Parameter
from .models import Sequential, TrainingDivergedError
from .plot import OKABE_ITO, ORANGE_BLUE, activation_plot

__all__ = [
    # Playground
    "FEATURES", "CLASSIFICATION_DATASETS", "REGRESSION_DATASETS",
    "LEARNING_RATES", "REGULARIZATION_RATES", "PLAYGROUND_ACTIVATIONS",
    "HalfSquaredError", "PlaygroundConfig", "PlaygroundData",
    "PlaygroundState", "make_playground_data", "featurize",
    "build_playground_model", "init_state", "train_epochs",
    "accuracy", "predict_grid", "render", "plot_neurons",
    "run_experiment", "Playground", "playground",
    # Optimizer race
    "Surface", "surfaces", "SGD_FAMILY", "suggested_learning_rates",
    "race_optimizers", "optimize_path", "race", "plot_paths",
    "OptimizerRace", "optimizer_race",
    # Activations
    "plot_activation", "ActivationExplorer", "activation_explorer",
]

# ==========================================================================
# The Playground: data, features, model
# ==========================================================================

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


def _bad(owner: str, arg: str, valid: str, got: Any) -> ValueError:
    return ValueError(f"{owner}: {arg} must be {valid}, got {got!r}")


class HalfSquaredError(losses.Loss):
    """The Playground's loss ``0.5 (y_pred - y_true)**2``, batch mean.

    Its gradient is ``(y_pred - y_true) / (N d)``: half the gradient of
    ``MeanSquaredError``.
    """

    name = "half_squared_error"

    def per_example(self, y_true, y_pred):
        return 0.5 * np.mean((y_pred - y_true) ** 2, axis=-1)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = self.prepare(y_true, y_pred)
        return (y_pred - y_true) / y_pred.size


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
        self.regularization = _check_regularization(own,
                                                    self.regularization)
        if not (np.isfinite(self.regularization_rate)
                and self.regularization_rate >= 0):
            raise _bad(own, "regularization_rate", ">= 0",
                       self.regularization_rate)
        self.exact = bool(self.exact)

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


def _check_regularization(owner: str, reg: Any) -> str | None:
    key = None if reg is None else str(reg).lower()
    if key in (None, "none"):
        return None
    if key not in ("l1", "l2"):
        raise _bad(owner, "regularization", "None, 'l1' or 'l2'", reg)
    return key


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
    x = np.asarray(x, dtype=np.float64)
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
    classify = problem == "classification"
    if exact:
        kernel_init: Any = initializers.RandomUniform(-0.5, 0.5)
        bias_init: Any = initializers.Constant(0.1)
        out_act = "tanh" if classify else "linear"
        loss: Any = HalfSquaredError()
    else:
        kernel_init, bias_init = "glorot_uniform", "zeros"
        out_act = "sigmoid" if classify else "linear"
        loss = "binary_crossentropy" if classify else "mse"
    reg = _check_regularization(own, regularization)
    penalty = None
    if reg == "l1":
        penalty = regularizers.L1(regularization_rate)
    elif reg == "l2":   # the Playground's L2 is rate * w**2 / 2
        penalty = regularizers.L2(regularization_rate / 2)
    units = [int(h) for h in hidden] + [1]
    acts = [activation] * (len(units) - 1) + [out_act]
    layers = [Dense(u, a, kernel_initializer=kernel_init,
                    bias_initializer=bias_init, kernel_regularizer=penalty,
                    **({"input_shape": (int(n_features),)} if k == 0
                       else {}))
              for k, (u, a) in enumerate(zip(units, acts))]
    model = Sequential(layers, seed=seed, dtype="float64")
    model.compile(optimizers.SGD(learning_rate), loss)
    return model


# ==========================================================================
# The Playground: training state
# ==========================================================================

@dataclass
class PlaygroundState:
    """A Playground run: settings, data, model and loss history.

    Attributes:
        config: the ``PlaygroundConfig``.
        data: the ``PlaygroundData`` (raw 2-D points and labels).
        inputs_train, inputs_test: featurized inputs (N, F).
        targets_train, targets_test: what the model is fitted to,
            (N, 1): -1/+1 (exact classification), 0/1 (default
            classification) or the regression targets.
        model: the nnkit ``Sequential``.
        epoch: epochs trained so far.
        train_loss, test_loss: the loss after 0, 1, ..., ``epoch``
            epochs (penalties excluded), so ``len == epoch + 1``.
        diverged: True once the loss became NaN or infinite; training
            then stops.
    """

    config: PlaygroundConfig
    data: PlaygroundData
    inputs_train: np.ndarray
    inputs_test: np.ndarray
    targets_train: np.ndarray
    targets_test: np.ndarray
    model: Sequential
    epoch: int = 0
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    diverged: bool = False


def _as_config(config: Any, overrides: Mapping[str, Any]
               ) -> PlaygroundConfig:
    if config is None:
        return PlaygroundConfig(**overrides)
    if isinstance(config, PlaygroundConfig):
        return replace(config, **overrides)
    if isinstance(config, Mapping):
        return PlaygroundConfig(**{**config, **overrides})
    raise TypeError("config must be a PlaygroundConfig, a dict or None, "
                    f"got {type(config).__name__}")


def _targets(config: PlaygroundConfig, y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if config.problem == "classification" and config.exact:
        y = 2.0 * y - 1.0
    return y[:, None]


def _record(state: PlaygroundState) -> None:
    model = state.model
    for x, t, out in ((state.inputs_train, state.targets_train,
                       state.train_loss),
                      (state.inputs_test, state.targets_test,
                       state.test_loss)):
        with np.errstate(all="ignore"):
            value = model.loss(t, model.predict(x))
        out.append(float(value))


def init_state(config: PlaygroundConfig | Mapping | None = None,
               **overrides: Any) -> PlaygroundState:
    """A fresh, untrained Playground run (epoch 0, losses recorded).

    Args:
        config: a ``PlaygroundConfig``, a dict of its fields, or None
            for the defaults.
        **overrides: fields to change, e.g. ``dataset="xor"``.

    Returns:
        A ``PlaygroundState``.
    """
    cfg = _as_config(config, overrides)
    data = make_playground_data(cfg.dataset, cfg.noise, cfg.train_ratio,
                                cfg.seed)
    model = build_playground_model(
        len(cfg.features), cfg.hidden, cfg.activation, cfg.problem,
        cfg.regularization, cfg.regularization_rate, cfg.exact,
        cfg.learning_rate, cfg.seed)
    state = PlaygroundState(
        cfg, data, featurize(data.x_train, cfg.features),
        featurize(data.x_test, cfg.features),
        _targets(cfg, data.y_train), _targets(cfg, data.y_test), model)
    _record(state)
    return state


def train_epochs(state: PlaygroundState, n: int = 1) -> PlaygroundState:
    """Train ``n`` more epochs of mini-batch SGD; record the losses.

    Stops early (and sets ``state.diverged``) if the loss becomes NaN
    or infinite. Returns the same, updated, state.
    """
    if int(n) != n or n < 0:
        raise _bad("train_epochs", "n", "an integer >= 0", n)
    cfg = state.config
    for _ in range(int(n)):
        if state.diverged:
            break
        try:
            with np.errstate(all="ignore"):
                state.model.fit(state.inputs_train, state.targets_train,
                                epochs=1, batch_size=cfg.batch_size,
                                shuffle=not cfg.exact, verbose=0)
        except TrainingDivergedError:
            state.diverged = True
        state.epoch += 1
        _record(state)
        if not np.isfinite(state.train_loss[-1]):
            state.diverged = True
    return state


def _threshold(config: PlaygroundConfig) -> float:
    """Where the output switches class: 0 for tanh, 0.5 for sigmoid."""
    return 0.0 if config.exact else 0.5


def accuracy(state: PlaygroundState, split: str = "test") -> float:
    """Fraction of ``split`` (``"train"``/``"test"``) points classified
    right; NaN for regression."""
    if state.config.problem == "regression":
        return float("nan")
    x = state.inputs_train if split == "train" else state.inputs_test
    y = state.data.y_train if split == "train" else state.data.y_test
    out = state.model.predict(x)[:, 0]
    return float(np.mean((out > _threshold(state.config)) == (y == 1)))


def predict_grid(state: PlaygroundState, resolution: int = 100
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The network's output over the square [-6, 6]^2.

    Returns:
        ``(ticks, z)``: ticks (R,) the coordinates along each axis and
        z (R, R) the output, ``z[i, j]`` at ``x1 = ticks[j]``,
        ``x2 = ticks[i]``.
    """
    ticks = np.linspace(-_DOMAIN, _DOMAIN, resolution)
    g1, g2 = np.meshgrid(ticks, ticks)
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    with np.errstate(all="ignore"):
        z = state.model.predict(featurize(grid, state.config.features))
    return ticks, z.reshape(resolution, resolution)


def _output_range(config: PlaygroundConfig) -> tuple[float, float]:
    if config.problem == "classification" and not config.exact:
        return 0.0, 1.0
    return -1.0, 1.0


def _scatter(ax: Axes, x: np.ndarray, y: np.ndarray,
             config: PlaygroundConfig, edge: str, label: str) -> None:
    lo, hi = _output_range(config)
    if config.problem == "classification":
        values = np.where(y == 1, hi, lo)
    else:
        values = np.asarray(y, dtype=float)
    ax.scatter(x[:, 0], x[:, 1], c=values, cmap=ORANGE_BLUE,
               vmin=lo, vmax=hi, s=18, edgecolors=edge, linewidths=0.7,
               label=label)


def render(state: PlaygroundState,
           axes: Sequence[Axes] | None = None, show_test: bool = True,
           discretize: bool = False, resolution: int = 100) -> np.ndarray:
    """Draw the output heat map with the data, and the loss curves.

    Left: the network's output over [-6, 6]^2 (orange negative or 0,
    blue positive, as the Playground) with the training points
    (white edge) and, if ``show_test``, the test points (black edge).
    Right: training and test loss per epoch.

    Args:
        state: a ``PlaygroundState``.
        axes: two Axes; a new (9, 4) figure when None.
        show_test: also draw the test points.
        discretize: show the predicted class instead of the output.
        resolution: grid points per axis.

    Returns:
        Array of the two Axes. The heat map is ``axes[0].images[0]``;
        the curves are ``axes[1].lines`` (train, test).
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
    axes = np.asarray(axes).ravel()
    if axes.size != 2:
        raise ValueError(f"render needs 2 axes, got {axes.size}")
    cfg, data = state.config, state.data
    ax, ax_loss = axes
    ticks, z = predict_grid(state, resolution)
    lo, hi = _output_range(cfg)
    if discretize:
        z = np.where(z > (lo + hi) / 2, hi, lo)
    ax.imshow(z, origin="lower", extent=(-_DOMAIN, _DOMAIN) * 2,
              cmap=ORANGE_BLUE, vmin=lo, vmax=hi, alpha=0.85,
              interpolation="bilinear" if not discretize else "nearest")
    _scatter(ax, data.x_train, data.y_train, cfg, "white", "train")
    if show_test:
        _scatter(ax, data.x_test, data.y_test, cfg, "black", "test")
    ax.set_xlim(-_DOMAIN, _DOMAIN)
    ax.set_ylim(-_DOMAIN, _DOMAIN)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    shape = "-".join(str(h) for h in cfg.hidden) or "no hidden layer"
    ax.set_title(f"{cfg.dataset}, {shape}, epoch {state.epoch}",
                 fontsize="medium")
    epochs = np.arange(len(state.train_loss))
    ax_loss.plot(epochs, state.train_loss, color=OKABE_ITO[0],
                 label=f"train {state.train_loss[-1]:.3f}")
    ax_loss.plot(epochs, state.test_loss, "--", color=OKABE_ITO[1],
                 label=f"test {state.test_loss[-1]:.3f}")
    if state.epoch == 0:               # a single point: make it visible
        for line in ax_loss.lines:
            line.set_marker("o")
    ax_loss.set_xlabel("epoch")
    ax_loss.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_loss.set_ylabel(f"loss ({state.model.loss.name})")
    ax_loss.set_ylim(bottom=0)
    ax_loss.grid(alpha=0.3)
    title = "diverged" if state.diverged else "loss"
    ax_loss.set_title(title, fontsize="medium")
    ax_loss.legend(fontsize="small")
    return axes


def plot_neurons(state: PlaygroundState, resolution: int = 40,
                 fig: Figure | None = None) -> Figure:
    """Each neuron's own heat map over [-6, 6]^2, as in the Playground.

    One row per layer (hidden layers, then the output), one small map
    per neuron; a hidden neuron's map is scaled to its own largest
    magnitude, the output's to the output range (orange negative or
    low, blue positive or high).

    Returns:
        The Figure; row k holds ``units[k]`` images (empty axes are
        hidden).
    """
    ticks = np.linspace(-_DOMAIN, _DOMAIN, resolution)
    g1, g2 = np.meshgrid(ticks, ticks)
    out = featurize(np.column_stack([g1.ravel(), g2.ravel()]),
                    state.config.features)
    layers = state.model.layers
    cols = max(layer.units for layer in layers)
    if fig is None:
        fig = plt.figure(figsize=(1.1 * cols + 0.6, 1.1 * len(layers)),
                         layout="constrained")
    grid = fig.subplots(len(layers), cols, squeeze=False)
    for row, layer in enumerate(layers):
        with np.errstate(all="ignore"):
            out = layer.forward(out)
        for j, ax in enumerate(grid[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            if j >= layer.units:
                ax.set_visible(False)
                continue
            z = out[:, j].reshape(resolution, resolution)
            scale = float(np.nanmax(np.abs(z))) or 1.0
            lo, hi = ((-scale, scale) if row < len(layers) - 1
                      else _output_range(state.config))
            ax.imshow(z, origin="lower", cmap=ORANGE_BLUE, vmin=lo,
                      vmax=hi, extent=(-_DOMAIN, _DOMAIN) * 2)
        name = "output" if row == len(layers) - 1 else f"hidden {row + 1}"
        grid[row][0].set_ylabel(name, fontsize="small")
    return fig


def run_experiment(config: PlaygroundConfig | Mapping | None = None,
                   epochs: int = 100, **overrides: Any) -> dict[str, Any]:
    """Train one Playground configuration without any widget.

    >>> r = run_experiment(dict(dataset="xor", hidden=(4, 4)), 200)
    >>> r["test_loss"][-1], r["test_accuracy"]          # doctest: +SKIP

    Args:
        config: a ``PlaygroundConfig``, a dict of its fields or None.
        epochs: epochs to train.
        **overrides: fields to change, e.g. ``train_ratio=70``.

    Returns:
        A dict: ``train_loss`` and ``test_loss`` (float arrays of
        length epochs + 1, entry k after k epochs), ``train_accuracy``
        and ``test_accuracy`` (floats; NaN for regression),
        ``epochs`` (trained, fewer if it diverged), ``diverged``,
        ``model``, ``config`` and ``state`` (for ``render``).
    """
    state = train_epochs(init_state(config, **overrides), epochs)
    return {
        "train_loss": np.array(state.train_loss),
        "test_loss": np.array(state.test_loss),
        "train_accuracy": accuracy(state, "train"),
        "test_accuracy": accuracy(state, "test"),
        "epochs": state.epoch, "diverged": state.diverged,
        "model": state.model, "config": state.config, "state": state,
    }


# ==========================================================================
# Widget plumbing shared by the three UIs
# ==========================================================================

class _FigureWidget:
    """A matplotlib Figure shown as a PNG in an ``ipywidgets.Image``."""

    widget: widgets.Widget

    def __init__(self, figsize: tuple[float, float], dpi: int = 90):
        # Fixed margins (set by each widget): a constrained layout would
        # double the cost of every frame.
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.image = widgets.Image(format="png")

    def _show(self) -> None:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png")
        self.image.value = buf.getvalue()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _dropdown(options: Any, value: Any, description: str
              ) -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=value,
                            description=description,
                            style={"description_width": "initial"})


# ==========================================================================
# The Playground widget
# ==========================================================================

class Playground(_FigureWidget):
    """The TensorFlow Playground, live in JupyterLab, driven by nnkit.

    Controls: problem type and data set, noise, train ratio, batch
    size, input features, hidden layers (0-6) and neurons per layer
    (1-8), activation, learning rate, regularization and its rate,
    nnkit default vs Playground-exact (module docstring), seed; Play/
    Pause, Step (one epoch), Reset; show test data, discretize output,
    show each neuron. As in the original, changing the learning rate
    keeps training going; any other change starts a new run.

    Args:
        config: the starting ``PlaygroundConfig`` (or dict, or None).
        epochs_per_tick: epochs trained per tick of Play.
        **overrides: fields of the config to change.

    Attributes:
        state: the current ``PlaygroundState``.
        widget: the ipywidgets box to display (the object itself
            displays as it).
        play, step_button, reset_button: the run controls.
    """

    def __init__(self, config: PlaygroundConfig | Mapping | None = None,
                 epochs_per_tick: int = 5, **overrides: Any):
        super().__init__((9, 4))
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.12,
                                    top=0.92, wspace=0.22)
        cfg = _as_config(config, overrides)
        self.neuron_figure = Figure(dpi=70)
        self.neuron_image = widgets.Image(format="png")
        self._quiet = False
        self._drawn_at = 0.0
        self._make_controls(cfg, epochs_per_tick)
        self.state = init_state(cfg)
        self.redraw()

    # ----- controls -------------------------------------------------------
    def _make_controls(self, cfg: PlaygroundConfig, per_tick: int) -> None:
        w = widgets
        self.problem = _dropdown(
            [("Classification", "classification"),
             ("Regression", "regression")], cfg.problem, "Problem")
        self.dataset = _dropdown(self._datasets(cfg.problem), cfg.dataset,
                                 "Data")
        self.noise = w.IntSlider(int(cfg.noise), 0, 50, 5,
                                 description="Noise")
        self.train_ratio = w.IntSlider(int(cfg.train_ratio), 10, 90, 10,
                                       description="Train %")
        self.batch_size = w.IntSlider(cfg.batch_size, 1, 30,
                                      description="Batch size")
        self.features = {f: w.Checkbox(f in cfg.features, description=f,
                                       indent=False)
                         for f in FEATURES}
        self.n_layers = w.IntSlider(len(cfg.hidden), 0, 6,
                                    description="Hidden layers")
        sizes = list(cfg.hidden) + [4] * (6 - len(cfg.hidden))
        self.neurons = [w.IntSlider(min(s, 8), 1, 8,
                                    description=f"Layer {k + 1}")
                        for k, s in enumerate(sizes)]
        names = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid",
                 "linear": "Linear"}
        self.activation = _dropdown([(v, k) for k, v in names.items()],
                                    cfg.activation, "Activation")
        self.learning_rate = _dropdown(
            sorted(set(LEARNING_RATES) | {cfg.learning_rate}),
            cfg.learning_rate, "Learning rate")
        self.regularization = _dropdown(
            [("None", None), ("L1", "l1"), ("L2", "l2")],
            cfg.regularization, "Regularization")
        self.regularization_rate = _dropdown(
            sorted(set(REGULARIZATION_RATES) | {cfg.regularization_rate}),
            cfg.regularization_rate, "Reg. rate")
        self.exact = _dropdown([("nnkit default", False),
                                ("Playground-exact", True)], cfg.exact,
                               "Training")
        self.seed = w.BoundedIntText(cfg.seed, 0, 2**31 - 1,
                                     description="Seed")
        self.show_test = w.Checkbox(True, description="Show test data")
        self.discretize = w.Checkbox(False, description="Discretize output")
        self.show_neurons = w.Checkbox(False, description="Show neurons")
        self.epochs_per_tick = w.BoundedIntText(
            per_tick, 1, 1000, description="Epochs/tick",
            style={"description_width": "initial"},
            layout=w.Layout(width="140px"))
        self.play = w.Play(value=0, min=0, max=10**9, interval=250,
                           show_repeat=False, description="Play")
        self.step_button = w.Button(description="Step",
                                    tooltip="train one epoch")
        self.reset_button = w.Button(description="Reset")
        self.status = w.HTML()

        restart = [self.dataset, self.noise, self.train_ratio,
                   self.batch_size, self.n_layers, self.activation,
                   self.regularization, self.regularization_rate,
                   self.exact, self.seed, *self.features.values(),
                   *self.neurons]
        for control in restart:
            control.observe(self._on_setting, names="value")
        self.problem.observe(self._on_problem, names="value")
        self.learning_rate.observe(self._on_learning_rate, names="value")
        for control in (self.show_test, self.discretize,
                        self.show_neurons):
            control.observe(lambda _: self.redraw(), names="value")
        self.play.observe(self._on_tick, names="value")
        self.play.observe(self._on_pause, names="playing")
        self.step_button.on_click(lambda _: self.step(1))
        self.reset_button.on_click(lambda _: self.reset())
        self._show_layers()

        box = w.VBox
        left = box([
            w.HTML("<b>Data</b>"), self.problem, self.dataset, self.noise,
            self.train_ratio, self.batch_size, w.HTML("<b>Features</b>"),
            w.GridBox(list(self.features.values()), layout=w.Layout(
                grid_template_columns="repeat(2, 110px)")),
            w.HTML("<b>Network</b>"), self.n_layers, *self.neurons,
            self.activation, w.HTML("<b>Training</b>"),
            self.learning_rate, self.regularization,
            self.regularization_rate, self.exact, self.seed],
            layout=w.Layout(width="330px"))
        run = w.HBox([self.play, self.step_button, self.reset_button,
                      self.epochs_per_tick])
        view = w.HBox([self.show_test, self.discretize, self.show_neurons])
        right = box([run, self.status, self.image, view,
                     self.neuron_image])
        self.widget = w.HBox([left, right])

    @staticmethod
    def _datasets(problem: str) -> list[str]:
        if problem == "regression":
            return list(REGRESSION_DATASETS)
        return list(CLASSIFICATION_DATASETS)

    def _show_layers(self) -> None:
        for k, slider in enumerate(self.neurons):
            shown = k < self.n_layers.value
            slider.layout.display = None if shown else "none"

    def config_from_controls(self) -> PlaygroundConfig:
        """The ``PlaygroundConfig`` the controls currently describe."""
        return PlaygroundConfig(
            dataset=self.dataset.value, noise=self.noise.value,
            train_ratio=self.train_ratio.value,
            batch_size=self.batch_size.value,
            features=tuple(f for f, box in self.features.items()
                           if box.value) or ("x1",),
            hidden=tuple(s.value for s in
                         self.neurons[:self.n_layers.value]),
            activation=self.activation.value,
            learning_rate=self.learning_rate.value,
            regularization=self.regularization.value,
            regularization_rate=self.regularization_rate.value,
            exact=self.exact.value, seed=self.seed.value)

    # ----- callbacks ------------------------------------------------------
    def _on_problem(self, change: Any) -> None:
        self._quiet = True          # one reset, not one per option change
        try:
            self.dataset.options = self._datasets(change["new"])
            self.dataset.value = self.dataset.options[0]
        finally:
            self._quiet = False
        self.reset()

    def _on_setting(self, change: Any) -> None:
        if change["owner"] is self.n_layers:
            self._show_layers()
        if not self._quiet:
            self.reset()

    def _on_learning_rate(self, change: Any) -> None:
        self.state.config = replace(self.state.config,
                                    learning_rate=change["new"])
        self.state.model.optimizer.learning_rate = change["new"]

    def _on_tick(self, change: Any) -> None:
        if self._quiet or change["new"] <= change["old"]:
            return
        train_epochs(self.state, self.epochs_per_tick.value)
        if self.state.diverged:
            self._pause()
            self.redraw()
            return
        # Ticks that queued up while the last frame was being drawn
        # arrive back to back: train on each, draw only after a pause.
        if time.monotonic() - self._drawn_at > 0.05:
            self.redraw()
        else:
            self._update_status()

    def _on_pause(self, change: Any) -> None:
        if not change["new"] and not self._quiet:
            self.redraw()              # show the last skipped frame

    def _pause(self) -> None:
        self._quiet = True
        try:
            self.play.playing = False
        finally:
            self._quiet = False

    # ----- actions --------------------------------------------------------
    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs and redraw."""
        train_epochs(self.state, epochs)
        if self.state.diverged:
            self._pause()
        self.redraw()

    def reset(self) -> None:
        """Pause, rebuild data and network from the controls, redraw."""
        self._quiet = True
        try:
            self.play.playing = False
            self.play.value = 0
        finally:
            self._quiet = False
        self.state = init_state(self.config_from_controls())
        self.redraw()

    def redraw(self) -> None:
        """Re-render the figure (and the neurons) from ``state``."""
        for ax in self.figure.axes:
            ax.remove()
        axes = self.figure.subplots(1, 2)
        render(self.state, axes, show_test=self.show_test.value,
               discretize=self.discretize.value)
        self._show()
        self._update_status()
        if self.show_neurons.value:
            self._show_neurons()
        else:
            self.neuron_image.layout.display = "none"
        self._drawn_at = time.monotonic()

    def _update_status(self) -> None:
        s = self.state
        text = (f"<b>Epoch {s.epoch:,}</b> &nbsp; train loss "
                f"{s.train_loss[-1]:.4f} &nbsp; test loss "
                f"{s.test_loss[-1]:.4f}")
        if s.config.problem == "classification":
            text += f" &nbsp; test accuracy {accuracy(s):.1%}"
        if s.diverged:
            text += " &nbsp; <b>diverged</b>: lower the learning rate"
        self.status.value = text

    def _show_neurons(self) -> None:
        fig, layers = self.neuron_figure, self.state.model.layers
        fig.clear()
        cols = max(layer.units for layer in layers)
        fig.set_size_inches(1.1 * cols + 0.6, 1.1 * len(layers))
        plot_neurons(self.state, fig=fig)
        fig.subplots_adjust(left=0.5 / fig.get_figwidth(), right=0.98,
                            bottom=0.02, top=0.98, wspace=0.1, hspace=0.1)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        self.neuron_image.value = buf.getvalue()
        self.neuron_image.layout.display = None


def playground(config: PlaygroundConfig | Mapping | None = None,
               **overrides: Any) -> Playground:
    """A ``Playground`` widget; display it as a cell's last value."""
    return Playground(config, **overrides)


# ==========================================================================
# Optimizer race
# ==========================================================================

class Surface(NamedTuple):
    """A 2-D test function for optimizers.

    Its fields (documented here once; autodoc lists them too):

    - ``f``: ``f(x, y)``, vectorised over arrays.
    - ``grad``: ``grad(x, y)`` -> array ``[df/dx, df/dy]``.
    - ``start``: the default starting point.
    - ``bounds``: ``((x_min, x_max), (y_min, y_max))`` to plot.
    - ``minimum``: the global minimum's location, or None.
    - ``learning_rate``: the race's default rate for SGD, Momentum and
      Nesterov (about the largest at which they stay stable).
    - ``adaptive_learning_rate``: the race's default rate for the
      adaptive methods (Adagrad, RMSprop, Adam...).
    """

    f: Callable[[Any, Any], Any]
    grad: Callable[[float, float], np.ndarray]
    start: tuple[float, float]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    minimum: tuple[float, float] | None
    learning_rate: float
    adaptive_learning_rate: float


def _beale_terms(x, y):
    return (1.5 - x + x * y, 2.25 - x + x * y ** 2,
            2.625 - x + x * y ** 3)


def _beale(x, y):
    a, b, c = _beale_terms(x, y)
    return a ** 2 + b ** 2 + c ** 2


def _beale_grad(x, y):
    a, b, c = _beale_terms(x, y)
    return np.array([2 * a * (y - 1) + 2 * b * (y ** 2 - 1)
                     + 2 * c * (y ** 3 - 1),
                     2 * a * x + 4 * b * x * y + 6 * c * x * y ** 2])


def surfaces() -> dict[str, Surface]:
    """The race's test functions by name.

    * ``"rosenbrock"``: ``(1 - x)**2 + 100 (y - x**2)**2``, a curved
      valley with its minimum at (1, 1);
    * ``"beale"``: Beale's function, minimum at (3, 0.5), flat
      plateaus and steep walls;
    * ``"saddle"``: ``x**2 - y**2``, a saddle point at the origin
      (unbounded below: a good optimizer leaves it);
    * ``"quadratic"``: ``(x**2 + 10 y**2) / 2``, an elongated bowl
      (condition number 10), minimum at the origin.
    """
    return {
        "rosenbrock": Surface(
            lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
            lambda x, y: np.array([-2 * (1 - x) - 400 * x * (y - x ** 2),
                                   200 * (y - x ** 2)]),
            (-1.5, 2.0), ((-2.0, 2.0), (-1.0, 3.0)), (1.0, 1.0), 0.001,
            0.1),
        "beale": Surface(_beale, _beale_grad, (1.0, 1.5),
                         ((-4.5, 4.5), (-4.5, 4.5)), (3.0, 0.5), 0.003,
                         0.1),
        "saddle": Surface(
            lambda x, y: x ** 2 - y ** 2,
            lambda x, y: np.array([2 * x, -2 * y]),
            (-1.5, 0.001), ((-2.0, 2.0), (-2.0, 2.0)), None, 0.01, 0.01),
        "quadratic": Surface(
            lambda x, y: (x ** 2 + 10 * y ** 2) / 2,
            lambda x, y: np.array([x, 10 * y]),
            (-4.0, 1.5), ((-5.0, 5.0), (-2.5, 2.5)), (0.0, 0.0), 0.12,
            0.3),
    }


def _surface(surface: str | Surface) -> Surface:
    if isinstance(surface, Surface):
        return surface
    table = surfaces()
    if surface not in table:
        raise ValueError(f"unknown surface {surface!r}; choose one of "
                         f"{', '.join(table)}")
    return table[surface]


# The race's names for SGD's three forms; every other optimizer counts
# as adaptive.
SGD_FAMILY = ("SGD", "Momentum", "Nesterov")


def suggested_learning_rates(surface: str | Surface,
                             names: Sequence[str] | None = None
                             ) -> dict[str, float]:
    """The surface's default rate for each optimizer (default: all):
    ``learning_rate`` for ``SGD_FAMILY``, ``adaptive_learning_rate``
    for the rest."""
    surf = _surface(surface)
    names = list(race_optimizers()) if names is None else names
    return {n: surf.learning_rate if n in SGD_FAMILY
            else surf.adaptive_learning_rate for n in names}


def race_optimizers(learning_rate: float | Mapping[str, float] = 0.01
                    ) -> dict[str, optimizers.Optimizer]:
    """One fresh instance of every optimizer nnkit has, by display name.

    ``"SGD"``, ``"Momentum"`` (SGD, momentum 0.9), ``"Nesterov"``
    (SGD, Nesterov momentum 0.9), then every other ``Optimizer``
    subclass that ``nnkit.optimizers`` exports when called (Adagrad,
    RMSprop, Adam...), each with Keras' default hyperparameters.

    Adadelta in Keras' form multiplies its step by the learning rate
    (default 0.001): give it 1.0 to get Zeiler's method.

    Args:
        learning_rate: one rate for all, or a dict from display name to
            rate (names missing from it get 0.01).
    """
    def lr(name: str) -> float:
        if isinstance(learning_rate, Mapping):
            return float(learning_rate.get(name, 0.01))
        return float(learning_rate)

    sgd = optimizers.SGD
    out: dict[str, optimizers.Optimizer] = {
        "SGD": sgd(lr("SGD")),
        "Momentum": sgd(lr("Momentum"), momentum=0.9),
        "Nesterov": sgd(lr("Nesterov"), momentum=0.9, nesterov=True),
    }
    for name in getattr(optimizers, "__all__", []):
        cls = getattr(optimizers, name, None)
        if (isinstance(cls, type) and issubclass(cls, optimizers.Optimizer)
                and cls not in (optimizers.Optimizer, sgd)):
            try:
                out[name] = cls(learning_rate=lr(name))
            except (TypeError, ValueError):
                continue           # needs arguments we cannot guess
    return out


def optimize_path(surface: str | Surface,
                  optimizer: optimizers.Optimizer | str,
                  start: Sequence[float] | None = None, steps: int = 100,
                  learning_rate: float | None = None) -> np.ndarray:
    """The points a real nnkit optimizer visits on a surface.

    The point is a float64 ``Parameter`` of shape (2,); each step puts
    the exact gradient into ``grad`` and calls ``optimizer.apply``, so
    the path follows nnkit's update rule. A copy of the optimizer is
    used (reset), so the one passed in is left untouched.

    Args:
        surface: a name from ``surfaces()`` or a ``Surface``.
        optimizer: an nnkit optimizer, or a display name from
            ``race_optimizers`` (e.g. ``"Momentum"``, ``"Adam"``).
        start: the starting point; default the surface's.
        steps: number of updates.
        learning_rate: with a name: the rate (default: the surface's
            suggestion, ``suggested_learning_rates``).

    Returns:
        Array (steps + 1, 2): the start, then the point after each step.
        If the point leaves every sensible range (non-finite or beyond
        1e6), the remaining rows are NaN.
    """
    surf = _surface(surface)
    if int(steps) != steps or steps < 0:
        raise _bad("optimize_path", "steps", "an integer >= 0", steps)
    if isinstance(optimizer, str):
        table = race_optimizers(0.01)
        if optimizer not in table:
            raise ValueError(f"unknown optimizer {optimizer!r}; choose one "
                             f"of {', '.join(table)}")
        rate = (suggested_learning_rates(surf, [optimizer])[optimizer]
                if learning_rate is None else learning_rate)
        opt = race_optimizers({optimizer: rate})[optimizer]
    else:
        opt = copy.deepcopy(optimizer)
        opt.reset_state()
    point = np.array(surf.start if start is None else start, np.float64)
    if point.shape != (2,):
        raise _bad("optimize_path", "start", "a point (x, y)", start)
    p = Parameter(point, "xy")
    path = np.full((int(steps) + 1, 2), np.nan)
    path[0] = p.data
    with np.errstate(all="ignore"):
        for k in range(1, int(steps) + 1):
            p.grad[...] = surf.grad(*p.data)
            opt.apply([p])
            if not (np.all(np.isfinite(p.data))
                    and np.abs(p.data).max() < 1e6):
                break
            path[k] = p.data
    return path


def race(surface: str | Surface = "rosenbrock",
         names: Sequence[str] | None = None,
         learning_rate: float | Mapping[str, float] | None = None,
         steps: int = 300, start: Sequence[float] | None = None
         ) -> dict[str, np.ndarray]:
    """Paths of several optimizers from the same start.

    Args:
        surface: a name from ``surfaces()`` or a ``Surface``.
        names: display names from ``race_optimizers``; default all.
        learning_rate: one rate for all, a dict name -> rate, or None:
            the surface's suggestions (``suggested_learning_rates``),
            which also fill in names a dict leaves out.
        steps: updates per optimizer.
        start: the starting point; default the surface's.

    Returns:
        Dict name -> path, each (steps + 1, 2) (see ``optimize_path``).
    """
    surf = _surface(surface)
    rates: Any = suggested_learning_rates(surf)
    if isinstance(learning_rate, Mapping):
        rates.update(learning_rate)
    elif learning_rate is not None:
        rates = float(learning_rate)
    table = race_optimizers(rates)
    names = list(table) if names is None else list(names)
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ValueError(f"unknown optimizer {unknown[0]!r}; choose from "
                         f"{', '.join(table)}")
    return {n: optimize_path(surf, table[n], start, steps) for n in names}


def _levels(z: np.ndarray) -> np.ndarray:
    if z.min() >= 0:     # log-spaced: the valleys get most of the lines
        low = max(float(np.percentile(z, 0.5)), 1e-3)
        return np.geomspace(low, float(z.max()), 25)
    return np.linspace(float(z.min()), float(z.max()), 25)


def plot_paths(surface: str | Surface, paths: Mapping[str, np.ndarray],
               step: int | None = None, ax: Axes | None = None,
               title: str | None = None) -> Axes:
    """Optimizer paths on the contour plot of a surface.

    Args:
        surface: a name from ``surfaces()`` or a ``Surface``.
        paths: name -> (T, 2) points, e.g. from ``race``.
        step: draw each path up to this step only (for animation).
        ax: the Axes; a new figure when None.
        title: default the surface's name (or "surface").

    Returns:
        The Axes: one contour set, then per path a line (label
        ``name``, with "(left the plot)" appended if the path ends
        outside the bounds or ran away, i.e. has NaN rows) and a dot
        at its current point; the start is a black cross, the minimum
        a star. The legend sits to the right of the plot.
    """
    name = surface if isinstance(surface, str) else "surface"
    surf = _surface(surface)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    (x0, x1), (y0, y1) = surf.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    z = surf.f(gx, gy)
    ax.contour(gx, gy, z, levels=_levels(z), cmap="Greys_r",
               linewidths=0.7, alpha=0.8)
    for k, (label, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        shown = path if step is None else path[:int(step) + 1]
        shown = shown[np.all(np.isfinite(shown), axis=1)]
        end = path[-1]
        if not (x0 <= end[0] <= x1 and y0 <= end[1] <= y1):
            label = f"{label} (left the plot)"      # also NaN: ran away
        color = OKABE_ITO[k % len(OKABE_ITO)]
        style = ("-", "--", "-.", ":")[k // len(OKABE_ITO) % 4]
        ax.plot(shown[:, 0], shown[:, 1], style, color=color,
                linewidth=1.5, label=label)
        ax.plot(shown[-1:, 0], shown[-1:, 1], "o", color=color,
                markersize=6, markeredgecolor="black")
    first = next(iter(paths.values()), None)
    if first is not None:
        ax.plot(first[0, 0], first[0, 1], "kx", markersize=9)
    if surf.minimum is not None:
        ax.plot(*surf.minimum, "*", color="black", markersize=12)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title(title or name, fontsize="medium")
    if paths:
        ax.legend(fontsize="small", loc="upper left",
                  bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    return ax


class OptimizerRace(_FigureWidget):
    """Race nnkit's optimizers on a 2-D surface; animate the paths.

    Controls: surface, optimizers (multiple selection), two learning
    rates (log sliders: one for SGD, Momentum and Nesterov, one for the
    adaptive methods; both reset to the surface's suggestions when the
    surface changes), number of steps, start point, and a step slider
    driven by a Play button. Paths are computed once per setting
    (``race``); the animation only redraws (``plot_paths`` with
    ``step``).

    Args:
        surface: a name from ``surfaces()``.
        names: optimizers to show; default SGD, Momentum, Nesterov,
            RMSprop and Adam (those that exist).
        steps: updates per optimizer.

    Attributes:
        paths: the current dict name -> path.
        widget: the ipywidgets box (the object itself displays as it).
    """

    def __init__(self, surface: str = "rosenbrock",
                 names: Sequence[str] | None = None, steps: int = 300):
        super().__init__((7.5, 4.8))
        self.figure.subplots_adjust(left=0.09, right=0.7, bottom=0.1,
                                    top=0.93)
        w = widgets
        surf = _surface(surface)
        available = list(race_optimizers())
        if names is None:
            names = [n for n in ("SGD", "Momentum", "Nesterov", "RMSprop",
                                 "Adam") if n in available]
        wide = {"description_width": "initial"}
        self.surface = _dropdown(list(surfaces()), surface, "Surface")
        self.names = w.SelectMultiple(options=available, value=list(names),
                                      rows=min(len(available), 10),
                                      description="Optimizers")
        self.sgd_rate = w.FloatLogSlider(
            surf.learning_rate, base=10, min=-4, max=0, step=0.05,
            description="SGD-family lr", readout_format=".4f", style=wide)
        self.adaptive_rate = w.FloatLogSlider(
            surf.adaptive_learning_rate, base=10, min=-4, max=0.5,
            step=0.05, description="Adaptive lr", readout_format=".4f",
            style=wide)
        self.steps = w.IntSlider(steps, 10, 1000, 10, description="Steps")
        self.start_x = w.FloatText(surf.start[0], description="Start x")
        self.start_y = w.FloatText(surf.start[1], description="Start y")
        self.step_slider = w.IntSlider(steps, 0, steps, description="Step")
        self.play = w.Play(value=steps, min=0, max=steps, step=2,
                           interval=80, show_repeat=False)
        w.link((self.play, "value"), (self.step_slider, "value"))
        self._quiet = False
        self.surface.observe(self._on_surface, names="value")
        for control in (self.names, self.sgd_rate, self.adaptive_rate,
                        self.steps, self.start_x, self.start_y):
            control.observe(lambda _: self.recompute(), names="value")
        self.step_slider.observe(lambda _: self.redraw(), names="value")
        controls = w.VBox([self.surface, self.names, self.sgd_rate,
                           self.adaptive_rate, self.steps, self.start_x,
                           self.start_y,
                           w.HBox([self.play, self.step_slider])])
        self.widget = w.HBox([controls, self.image])
        self.recompute()

    def learning_rates(self) -> dict[str, float]:
        """The rate each selected optimizer gets from the sliders."""
        return {n: self.sgd_rate.value if n in SGD_FAMILY
                else self.adaptive_rate.value for n in self.names.value}

    def _on_surface(self, change: Any) -> None:
        surf = _surface(change["new"])
        self._quiet = True             # recompute once, not per control
        try:
            self.start_x.value, self.start_y.value = surf.start
            self.sgd_rate.value = surf.learning_rate
            self.adaptive_rate.value = surf.adaptive_learning_rate
        finally:
            self._quiet = False
        self.recompute()

    def recompute(self) -> None:
        """Run the race for the current settings; show the full paths."""
        if self._quiet:
            return
        self.paths = race(self.surface.value, list(self.names.value),
                          self.learning_rates(), self.steps.value,
                          (self.start_x.value, self.start_y.value))
        n = self.steps.value
        self._quiet = True
        try:
            self.play.playing = False
            self.step_slider.max = self.play.max = n
            self.step_slider.value = self.play.value = n
        finally:
            self._quiet = False
        self.redraw()

    def redraw(self) -> None:
        """Draw the paths up to the step slider's value."""
        if self._quiet:
            return
        for ax in self.figure.axes:
            ax.remove()
        ax = self.figure.add_subplot()
        k = self.step_slider.value
        plot_paths(self.surface.value, self.paths, k, ax,
                   title=f"{self.surface.value}, step {k}")
        self._show()


def optimizer_race(surface: str = "rosenbrock", **kwargs: Any
                   ) -> OptimizerRace:
    """An ``OptimizerRace`` widget (arguments as its constructor)."""
    return OptimizerRace(surface, **kwargs)


# ==========================================================================
# Activation explorer
# ==========================================================================

def _tunable(name: str) -> tuple[str, float] | None:
    """(argument, default) of an activation's one float parameter."""
    cfg = activations.get(name).get_config()
    if len(cfg) == 1:
        (arg, value), = cfg.items()
        if isinstance(value, float):
            return arg, value
    return None


def plot_activation(name: str = "relu", alpha: float | None = None,
                    x: np.ndarray | None = None,
                    axes: Sequence[Axes] | None = None) -> np.ndarray:
    """Plot an activation f and its derivative f'.

    Args:
        name: an nnkit activation name (elementwise ones).
        alpha: its parameter where it has one: the slope for
            ``"leaky_relu"`` (``negative_slope``), alpha for ``"elu"``;
            None keeps the default.
        x: inputs, default ``np.linspace(-5, 5, 401)``.
        axes: two Axes; a new figure when None.

    Returns:
        Array of the two Axes (f, f'), one line each.
    """
    act = activations.get(name)
    if alpha is not None:
        tunable = _tunable(name)
        if tunable is None:
            raise ValueError(f"plot_activation: {name!r} has no parameter "
                             f"alpha, got alpha={alpha!r}")
        act = type(act)(**{tunable[0]: float(alpha)})
    return activation_plot([act], x=x, axes=axes)


class ActivationExplorer(_FigureWidget):
    """Pick an activation and its alpha; see f and f'.

    Attributes:
        name: the activation dropdown.
        alpha: the parameter slider (shown when the activation has
            one: ``leaky_relu``'s slope, ``elu``'s alpha).
        widget: the ipywidgets box (the object itself displays as it).
    """

    def __init__(self, name: str = "relu"):
        super().__init__((9, 3.5))
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.14,
                                    top=0.9, wspace=0.18)
        w = widgets
        names = [n for n in activations.names()
                 if activations.get(n).elementwise]
        self.name = _dropdown(names, name, "Activation")
        self.alpha = w.FloatSlider(1.0, min=0.0, max=3.0, step=0.05,
                                   description="alpha")
        self.name.observe(self._on_name, names="value")
        self.alpha.observe(lambda _: self.redraw(), names="value")
        self.widget = w.VBox([w.HBox([self.name, self.alpha]), self.image])
        self._quiet = False
        self._on_name({"new": name})

    def _on_name(self, change: Any) -> None:
        tunable = _tunable(change["new"])
        self.alpha.layout.display = None if tunable else "none"
        if tunable is not None:
            self._quiet = True       # one redraw, not two
            try:
                self.alpha.description = tunable[0]
                # a leaky slope lives in [0, 1]; ELU's alpha is larger
                self.alpha.max = 1.0 if "slope" in tunable[0] else 3.0
                self.alpha.value = tunable[1]
            finally:
                self._quiet = False
        self.redraw()

    def redraw(self) -> None:
        """Plot the selected activation with the current alpha."""
        if self._quiet:
            return
        for ax in self.figure.axes:
            ax.remove()
        axes = self.figure.subplots(1, 2)
        has_alpha = _tunable(self.name.value) is not None
        plot_activation(self.name.value,
                        self.alpha.value if has_alpha else None, axes=axes)
        self._show()


def activation_explorer(name: str = "relu") -> ActivationExplorer:
    """An ``ActivationExplorer`` widget."""
    return ActivationExplorer(name)
