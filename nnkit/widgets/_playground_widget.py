"""The Playground widget: controls around ``render`` and training.

Every control maps to a field of ``PlaygroundConfig``; Play trains a
few epochs per tick of an ``ipywidgets.Play`` (``train_epochs``) and
redraws with ``render`` and ``plot_neurons``.
"""

from __future__ import annotations

import io
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from ._base import _dropdown, _FigureWidget
from ._playground import (
    CLASSIFICATION_DATASETS,
    FEATURES,
    LEARNING_RATES,
    REGRESSION_DATASETS,
    REGULARIZATION_RATES,
    PlaygroundConfig,
)
from ._playground_training import (
    _as_config,
    accuracy,
    init_state,
    train_epochs,
)
from ._playground_view import plot_neurons, render


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
        with self._quietly():  # one reset, not one per option change
            self.dataset.options = self._datasets(change["new"])
            self.dataset.value = self.dataset.options[0]
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
        with self._quietly():
            self.play.playing = False

    # ----- actions --------------------------------------------------------
    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs and redraw."""
        train_epochs(self.state, epochs)
        if self.state.diverged:
            self._pause()
        self.redraw()

    def reset(self) -> None:
        """Pause, rebuild data and network from the controls, redraw."""
        with self._quietly():
            self.play.playing = False
            self.play.value = 0
        self.state = init_state(self.config_from_controls())
        self.redraw()

    def redraw(self) -> None:
        """Re-render the figure (and the neurons) from ``state``."""
        self._clear()
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
