"""A Playground run: its state, training, accuracy and predictions.

``init_state`` builds a run from a ``PlaygroundConfig``,
``train_epochs`` advances it, ``run_experiment`` does both in one call
for a notebook; no widget and no plotting here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .. import _validate as check
from ..models import Sequential, TrainingDivergedError
from ._playground import (
    _DOMAIN,
    PlaygroundConfig,
    PlaygroundData,
    featurize,
    make_playground_data,
)


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
    check.known_arguments("Playground settings", PlaygroundConfig,
                          dict(overrides))
    if isinstance(config, Mapping):
        check.known_arguments("Playground settings", PlaygroundConfig,
                              dict(config))
    if config is None:
        return PlaygroundConfig(**overrides)
    if isinstance(config, PlaygroundConfig):
        return replace(config, **overrides)
    if isinstance(config, Mapping):
        return PlaygroundConfig(**{**config, **overrides})
    raise TypeError("config must be a PlaygroundConfig, a dict or None, "
                    f"got {type(config).__name__}")


def _check_state(fn: str, state: Any) -> None:
    check.instance(fn, "state", state, PlaygroundState,
                   "a PlaygroundState (from init_state)")


def check_resolution(fn: str, resolution: Any) -> int:
    """Grid points per axis: an integer >= 2."""
    return check.integer(fn, "resolution", resolution, 2)


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
    model = cfg.model()
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
    _check_state("train_epochs", state)
    check.non_negative_int("train_epochs", "n", n)
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
    _check_state("accuracy", state)
    check.one_of("accuracy", "split", split, ("train", "test"))
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
    _check_state("predict_grid", state)
    resolution = check_resolution("predict_grid", resolution)
    ticks = np.linspace(-_DOMAIN, _DOMAIN, resolution)
    g1, g2 = np.meshgrid(ticks, ticks)
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    with np.errstate(all="ignore"):
        z = state.model.predict(featurize(grid, state.config.features))
    return ticks, z.reshape(resolution, resolution)


def layer_maps(state: PlaygroundState, resolution: int = 80
               ) -> list[np.ndarray]:
    """What every node of the network computes over [-6, 6]^2.

    One forward pass over a ``resolution`` x ``resolution`` grid.

    Returns:
        A list: the selected input features (F, R, R), then each
        Dense layer's outputs (units, R, R), hidden layers first and
        the output unit last. ``maps[k][j, i, l]`` is node j of column
        k at ``x1 = ticks[l]``, ``x2 = ticks[i]``, as ``predict_grid``.
    """
    _check_state("layer_maps", state)
    r = check_resolution("layer_maps", resolution)
    ticks = np.linspace(-_DOMAIN, _DOMAIN, r)
    g1, g2 = np.meshgrid(ticks, ticks)
    out = featurize(np.column_stack([g1.ravel(), g2.ravel()]),
                    state.config.features)
    maps = [out.T.reshape(-1, r, r)]
    with np.errstate(all="ignore"):
        for layer in state.model.layers:
            out = layer.forward(out)
            maps.append(out.T.reshape(-1, r, r))
    return maps


def gradient_norms(state: PlaygroundState) -> np.ndarray:
    """The norm of the loss gradient each layer's kernel receives.

    One forward and backward pass over the whole training set (the
    loss as trained, penalties included), no update: chapter 5's
    diagnosis of vanishing and exploding gradients, for the current
    weights.

    Returns:
        float array, one ``||dL/dW||`` (Frobenius norm) per Dense
        layer, the output layer last; NaN once the run has diverged.
    """
    _check_state("gradient_norms", state)
    layers = state.model.layers
    if state.diverged:
        return np.full(len(layers), np.nan)
    with np.errstate(all="ignore"):
        state.model.forward_backward(state.inputs_train,
                                     state.targets_train)
    return np.array([float(np.linalg.norm(layer.kernel.grad))
                     for layer in layers])


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
