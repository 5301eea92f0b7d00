"""The Playground widget: TensorFlow Playground's interface on nnkit.

Layout (as the original): a toolbar (play/pause, step, reset, epoch,
learning rate, activation, regularization, its rate, problem type);
below it three columns that wrap when the window is narrow: the data
(data set thumbnails, train ratio, noise, batch size, seed, training
mode, speed), the network diagram (input features with check boxes,
+/- for layers and neurons, a heat map per neuron, a line per weight)
and the output (losses, the output map with the points and a colour
scale, the loss curves, each layer's gradient norm). Below: a second
configuration B to compare, and the network as nnkit and Keras code.

Drawing: the browser draws HTML and SVG that ``_playground_html``
writes, so a frame costs the kernel a few milliseconds (module
docstring there); Play is an ``ipywidgets.Play`` ticking every 1/15 s,
and each tick trains as many epochs as fit in the frame's budget
(``epochs_per_frame=None``) or a fixed number.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

import ipywidgets as widgets
import numpy as np

from ..datasets import playground as _playground_dataset
from . import _playground as choices
from ._base import _bad, _no_null_tooltips, _QuietControls
from ._playground import PlaygroundConfig
from ._playground_code import playground_code
from ._playground_html import (
    CSS,
    FEATURE_LABELS,
    MAP_RESOLUTION,
    NODE,
    PITCH,
    RUN_COLOURS,
    TOP,
    diagram_geometry,
    diagram_html,
    loss_svg,
    norms_svg,
    output_png,
    points_svg,
    scale_svg,
)
from ._playground_training import (
    PlaygroundState,
    _as_config,
    accuracy,
    gradient_norms,
    init_state,
    layer_maps,
    train_epochs,
)
from ._png import png_bytes

FRAME_RATE = 15                  # frames per second while playing
# Kernel time per frame (training + drawing), adapted while playing so
# that frames arrive every 1/FRAME_RATE s: the round trip outside the
# kernel (messages, the browser's drawing) takes the rest. Play ticks a
# little faster than that, so that a kernel with time to spare gets
# more work, and one that falls behind gets less.
FRAME_BUDGET = 0.045             # s: the most (and the start)
MIN_BUDGET = 0.012               # s: the least
TICK_MS = 55                     # Play's interval
MAX_LAYERS, MAX_NEURONS = 6, 8
SPEEDS = (("auto", 0), ("1", 1), ("2", 2), ("5", 5), ("10", 10),
          ("25", 25), ("100", 100))
MODE_NOTES = {
    False: "nnkit default: sigmoid output, cross-entropy, Glorot "
           "weights, reshuffled batches.",
    True: "Playground-exact: tanh output, ½(o − t)², weights "
          "U(−0.5, 0.5), biases 0.1, fixed order.",
}
MAP_SIZE = 240                   # px: the output map
MAP_PAD = (26, 8)                # px: left and top room for the axes
HEADER = 62                      # px: the +/- row above the diagram
DIAGRAM_LEFT = 4                 # px: the check boxes name the features


def _label(text: str, tip: str = "", cls: str = "nnk-lbl"
           ) -> widgets.HTML:
    return widgets.HTML(f'<div class="{cls}" title="{tip}">{text}</div>',
                        layout=widgets.Layout(margin="4px 0 0 0"))


def _labelled(text: str, control: widgets.Widget) -> widgets.VBox:
    return widgets.VBox([_label(text, control.tooltip or ""), control],
                        layout=widgets.Layout(margin="0 6px 0 0",
                                              overflow="visible"))


@lru_cache(maxsize=8)
def dataset_thumbnail(name: str, size: int = 38) -> bytes:
    """A small PNG of a data set's points (noise 0, seed 0)."""
    x, y = _playground_dataset(name, noise=0, seed=0)
    img = np.full((size, size, 3), 255, dtype=np.uint8)
    col = np.clip(((x[:, 0] + 6) / 12 * (size - 1)).round().astype(int),
                  0, size - 1)
    row = np.clip(((6 - x[:, 1]) / 12 * (size - 1)).round().astype(int),
                  0, size - 1)
    if name in choices.REGRESSION_DATASETS:
        t = np.clip((np.asarray(y, float) + 1) / 2, 0, 1)[:, None]
    else:
        t = (np.asarray(y) == 1).astype(float)[:, None]
    orange, blue = np.array([230, 159, 0]), np.array([0, 114, 178])
    img[row, col] = np.round(orange * (1 - t) + blue * t).astype(np.uint8)
    return png_bytes(img)


class Playground(_QuietControls):
    """The TensorFlow Playground, live in JupyterLab, driven by nnkit.

    Everything the original offers (data sets, noise, train ratio,
    batch size, the seven input features, 0-6 hidden layers of 1-8
    neurons with +/- on the diagram, activation, learning rate, L1/L2
    and their rate, play/pause, step, reset, show test data, discretize
    output), its network diagram (a heat map per neuron, a line per
    weight coloured by sign and sized by magnitude; hover or click a
    neuron to enlarge it), and more: the loss curves, each layer's
    gradient norm, a second configuration B trained beside the first
    on the same data, and the current network as nnkit and Keras code.

    As in the original, changing the learning rate keeps training
    going; any other change of the network or the data starts a new
    run. ``picture()`` draws the widget as a static figure.

    Args:
        config: the starting ``PlaygroundConfig`` (or dict, or None).
        epochs_per_frame: epochs trained per frame while playing; None
            adapts it to keep about 15 frames per second.
        **overrides: fields of the config to change.

    Attributes:
        state: the current ``PlaygroundState`` (run A).
        compare_state: run B's state, or None.
        widget: the ipywidgets box to display (the object itself
            displays as it).
        play_button: the play/pause toggle; play: the hidden
            ``ipywidgets.Play`` that ticks while it is pressed.
        step_button, reset_button, code_button, pin_button: buttons.
        diagram, output_image, loss_chart, norms_chart, code_view:
            what the widget shows.
    """

    def __init__(self, config: PlaygroundConfig | Mapping | None = None,
                 epochs_per_frame: int | None = None, **overrides: Any):
        cfg = _as_config(config, overrides)
        if epochs_per_frame is not None and (
                int(epochs_per_frame) != epochs_per_frame
                or epochs_per_frame < 1):
            raise _bad("Playground", "epochs_per_frame",
                       "None or an integer >= 1", epochs_per_frame)
        self._hidden = list(cfg.hidden)
        self._epoch_cost = 0.0       # s per epoch (A and B), running mean
        self._draw_cost = 0.0        # s per redraw, running mean
        self._budget = FRAME_BUDGET  # s of kernel work per frame
        self.frame_times: list[float] = []   # s per frame while playing
        self.compare_state: PlaygroundState | None = None
        self._compare_config: PlaygroundConfig | None = None
        self._make_controls(cfg, epochs_per_frame)
        self.state = init_state(cfg)
        self._rebuild_header()
        self._redraw_points()
        self.redraw()
        self._say("Press Play to train, Step for one epoch; hover over a "
                  "neuron to enlarge its map.")

    # ----- controls -----
    def _make_controls(self, cfg: PlaygroundConfig,
                       per_frame: int | None) -> None:
        w, lay = widgets, widgets.Layout
        dd = dict(layout=lay(width="98px"))
        self.play_button = w.ToggleButton(
            False, description="Play", icon="play",
            tooltip="Play / pause: train continuously, redrawing about "
                    f"{FRAME_RATE} times a second", layout=lay(width="84px"))
        self.play = w.Play(value=0, min=0, max=10**9, step=1,
                           interval=TICK_MS,
                           layout=lay(display="none"))
        w.jslink((self.play_button, "value"), (self.play, "playing"))
        self.step_button = w.Button(description="Step",
                                    icon="step-forward",
                                    tooltip="Train one epoch",
                                    layout=lay(width="76px"))
        self.reset_button = w.Button(
            description="Reset", icon="undo",
            tooltip="Start again from epoch 0 with new weights from the "
                    "seed", layout=lay(width="80px"))
        self.epoch_label = w.HTML(layout=lay(width="86px"))
        self.learning_rate = w.Dropdown(
            options=sorted(set(choices.LEARNING_RATES) | {cfg.learning_rate}),
            value=cfg.learning_rate,
            tooltip="SGD's step size; changing it keeps training going",
            **dd)
        names = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid",
                 "linear": "Linear"}
        acts = [(names.get(a, a), a) for a in choices.PLAYGROUND_ACTIVATIONS]
        if cfg.activation not in choices.PLAYGROUND_ACTIVATIONS:
            acts.append((cfg.activation, cfg.activation))
        self.activation = w.Dropdown(
            options=acts, value=cfg.activation,
            tooltip="Activation of every hidden neuron", **dd)
        self.regularization = w.Dropdown(
            options=[("None", "none"), ("L1", "l1"), ("L2", "l2")],
            value=cfg.regularization or "none",
            tooltip="Penalty on the weights: L1 adds rate·Σ|w|, "
                    "L2 adds rate·Σw²/2", **dd)
        self.regularization_rate = w.Dropdown(
            options=sorted(set(choices.REGULARIZATION_RATES)
                           | {cfg.regularization_rate}),
            value=cfg.regularization_rate,
            tooltip="How strongly the penalty pulls weights to 0", **dd)
        self.problem = w.Dropdown(
            options=[("Classification", "classification"),
                     ("Regression", "regression")], value=cfg.problem,
            tooltip="Classify points into two classes, or fit a "
                    "value", layout=lay(width="124px"))
        toolbar = w.HBox(
            [self.play_button, self.step_button, self.reset_button,
             self.epoch_label, self.play,
             _labelled("Learning rate", self.learning_rate),
             _labelled("Activation", self.activation),
             _labelled("Regularization", self.regularization),
             _labelled("Reg. rate", self.regularization_rate),
             _labelled("Problem type", self.problem)],
            layout=lay(flex_flow="row wrap", align_items="flex-end",
                       overflow="visible"))

        # data column
        self.dataset = w.ToggleButtons(
            options=self._datasets(cfg.problem), value=cfg.dataset,
            style={"button_width": "46px"},
            tooltips=[f"Data set: {d}" for d in self._datasets(
                cfg.problem)])
        self.dataset.add_class("nnk-ds")
        self.css = w.HTML(layout=lay(display="block", height="0px",
                                     margin="0"))
        slider = dict(layout=lay(width="186px"),
                      style={"description_width": "0px"})
        self.train_ratio = w.IntSlider(
            int(cfg.train_ratio), 10, 90, 10,
            tooltip="Percentage of the points used for training; the "
                    "rest are test points", **slider)
        self.noise = w.IntSlider(
            int(cfg.noise), 0, 50, 5,
            tooltip="Noise in the data (the Playground's 0-50 scale)",
            **slider)
        self.batch_size = w.IntSlider(
            cfg.batch_size, 1, 30,
            tooltip="Examples per SGD step", **slider)
        self.seed = w.BoundedIntText(
            cfg.seed, 0, 2**31 - 1, layout=lay(width="100px"),
            tooltip="Seeds the data and the initial weights")
        self.exact = w.Dropdown(
            options=[("nnkit default", False),
                     ("Playground-exact", True)], value=cfg.exact,
            tooltip="Train as this book recommends, or exactly as the "
                    "TensorFlow Playground does",
            layout=lay(width="150px"))
        self.mode_note = w.HTML(layout=lay(width="186px"))
        self.speed = w.Dropdown(
            options=list(SPEEDS) + (
                [(str(per_frame), per_frame)] if per_frame
                and per_frame not in dict(SPEEDS).values() else []),
            value=per_frame or 0,
            tooltip="Epochs trained per frame while playing; auto keeps "
                    f"about {FRAME_RATE} frames per second",
            layout=lay(width="100px"))
        self.pin_button = w.Button(
            description="Compare: pin as B", icon="thumb-tack",
            tooltip="Keep this configuration as B and train it beside "
                    "the one you change next, on the same data",
            layout=lay(width="186px"))
        self.unpin_button = w.Button(
            description="Stop comparing", icon="times",
            tooltip="Forget configuration B", layout=lay(width="186px",
                                                           display="none"))
        self.code_button = w.ToggleButton(
            False, description="Show as code", icon="code",
            tooltip="Show the current network as nnkit and Keras code "
                    "to paste into a notebook", layout=lay(width="186px"))
        data_col = w.VBox(
            [self.css, _label("Data", cls="nnk-h"),
             _label("Which data set?"), self.dataset,
             _label("Ratio of training data (%)", self.train_ratio.tooltip),
             self.train_ratio, _label("Noise", self.noise.tooltip),
             self.noise, _label("Batch size", self.batch_size.tooltip),
             self.batch_size, _label("Training", cls="nnk-h"),
             _label("Mode", self.exact.tooltip), self.exact, self.mode_note,
             _label("Seed", self.seed.tooltip), self.seed,
             _label("Epochs per frame", self.speed.tooltip), self.speed,
             _label("More", cls="nnk-h"), self.pin_button,
             self.unpin_button, self.code_button],
            layout=lay(width="200px", margin="0 10px 0 0",
                       overflow="visible"))

        # network column: feature check boxes | header over the diagram
        self.features = {
            f: w.Checkbox(f in cfg.features, description=FEATURE_LABELS[f],
                          indent=False,
                          tooltip=f"Feed the feature {FEATURE_LABELS[f]} "
                                  "to the network",
                          layout=lay(width="66px", height="28px",
                                     margin=f"{(PITCH - 28) // 2}px 0"))
            for f in choices.FEATURES}
        self.feature_note = w.HTML(layout=lay(max_width="400px"))
        top = HEADER + TOP + NODE // 2 - PITCH // 2
        feature_col = w.VBox(
            [w.HTML('<div class="nnk-h">Features</div>',
                    layout=lay(height=f"{top}px", margin="0")),
             *self.features.values()],
            layout=lay(width="70px", overflow="visible"))
        self.layer_plus = w.Button(icon="plus", tooltip="Add a hidden layer",
                                   layout=lay(width="28px", height="24px",
                                              margin="0 2px 0 0"))
        self.layer_minus = w.Button(icon="minus",
                                    tooltip="Remove the last hidden layer",
                                    layout=lay(width="28px", height="24px",
                                               margin="0"))
        for b in (self.layer_plus, self.layer_minus):
            b.add_class("nnk-pm")
        self.layers_label = w.HTML()
        self.header = w.HBox(layout=lay(height=f"{HEADER - 26}px",
                                        margin="0", overflow="visible"))
        self.diagram = w.HTML(layout=lay(margin="0", overflow="visible"))
        net_col = w.VBox(
            [w.HBox([self.layer_plus, self.layer_minus, self.layers_label],
                    layout=lay(height="26px", margin="0",
                               overflow="visible", align_items="center")),
             self.header, self.diagram],
            layout=lay(overflow="visible", margin="0"))
        network = w.VBox(
            [_label("Network", cls="nnk-h"),
             w.HBox([feature_col, net_col],
                    layout=lay(overflow="visible")),
             self.feature_note],
            layout=lay(margin="0 10px 0 0", overflow="visible"))

        # output column
        self.stats = w.HTML(layout=lay(width="270px"))
        self.output_image = w.Image(
            format="png", layout=lay(
                width=f"{MAP_SIZE}px", height=f"{MAP_SIZE}px",
                margin=f"{MAP_PAD[1]}px 0 0 {MAP_PAD[0]}px",
                grid_area="map", object_fit="fill"))
        self.points = w.HTML(layout=lay(grid_area="map", margin="0"))
        output_map = w.GridBox(
            [self.output_image, self.points],
            layout=lay(grid_template_areas='"map"', overflow="visible",
                       width=f"{MAP_SIZE + MAP_PAD[0] + 6}px"))
        self.scale = w.HTML()
        self.show_test = w.Checkbox(
            True, description="Show test data", indent=False,
            tooltip="Also draw the test points (black edge); training "
                    "points have a white edge", layout=lay(width="130px"))
        self.discretize = w.Checkbox(
            False, description="Discretize output", indent=False,
            tooltip="Colour the map by predicted class instead of the "
                    "output value", layout=lay(width="140px"))
        self.compare_image = w.Image(
            format="png", layout=lay(width="120px", height="120px",
                                     margin="0", display="none"))
        self.compare_label = w.HTML(layout=lay(display="none",
                                               width="130px"))
        self.loss_chart = w.HTML()
        self.norms_chart = w.HTML()
        out_col = w.VBox(
            [_label("Output", cls="nnk-h"), self.stats, output_map,
             self.scale, w.HBox([self.show_test, self.discretize]),
             _label("Loss per epoch", cls="nnk-h"), self.loss_chart,
             _label("Gradient norm per layer", cls="nnk-h"),
             self.norms_chart,
             w.HBox([self.compare_image, self.compare_label],
                    layout=lay(overflow="visible"))],
            layout=lay(width="280px", overflow="visible"))
        self.message = w.HTML()
        self.code_view = w.HTML(layout=lay(display="none"))
        self.widget = w.VBox(
            [toolbar, self.message,
             w.HBox([data_col, network, out_col],
                    layout=lay(flex_flow="row wrap", overflow="visible")),
             self.code_view],
            layout=lay(overflow="visible"))
        self.widget.add_class("nnk-pg")

        restart = [self.noise, self.train_ratio, self.batch_size,
                   self.activation, self.regularization,
                   self.regularization_rate, self.exact, self.seed]
        for control in restart:
            control.observe(self._on_setting, names="value")
        self.dataset.observe(self._on_setting, names="value")
        for box in self.features.values():
            box.observe(self._on_features, names="value")
        self.problem.observe(self._on_problem, names="value")
        self.learning_rate.observe(self._on_learning_rate, names="value")
        self.show_test.observe(self._on_view, names="value")
        self.discretize.observe(self._on_view, names="value")
        self.speed.observe(self._on_speed, names="value")
        self.play.observe(self._on_tick, names="value")
        self.play_button.observe(self._on_play_button, names="value")
        self.step_button.on_click(lambda _: self.step(1))
        self.reset_button.on_click(lambda _: self.reset())
        self.layer_plus.on_click(lambda _: self.add_layer())
        self.layer_minus.on_click(lambda _: self.remove_layer())
        self.pin_button.on_click(lambda _: self.pin())
        self.unpin_button.on_click(lambda _: self.unpin())
        self.code_button.observe(lambda _: self._update_code(),
                                 names="value")
        _no_null_tooltips(self.widget)
        self._update_css()
        self.mode_note.value = (f'<div class="nnk-small">'
                                f'{MODE_NOTES[cfg.exact]}</div>')

    @staticmethod
    def _datasets(problem: str) -> list[str]:
        if problem == "regression":
            return list(choices.REGRESSION_DATASETS)
        return list(choices.CLASSIFICATION_DATASETS)

    def _update_css(self) -> None:
        from ._png import data_uri
        rules = [
            f".nnk-pg .nnk-ds button:nth-of-type({k + 1}) "
            f"{{ background-image: url({data_uri(dataset_thumbnail(d))}) }}"
            for k, d in enumerate(self.dataset.options)]
        self.css.value = CSS + "<style>" + "\n".join(rules) + "</style>"

    def _rebuild_header(self) -> None:
        """The +/- buttons and neuron counts above each hidden layer:
        updated in place when only neuron counts changed, built anew
        when the number of layers did (new widgets cost a round trip)."""
        n = len(self._hidden)
        self.layers_label.value = (
            f'<div class="nnk-lbl">&nbsp;{n} hidden layer'
            f'{"" if n == 1 else "s"}</div>')
        self.layer_plus.disabled = n >= MAX_LAYERS
        self.layer_minus.disabled = n == 0
        if len(getattr(self, "neuron_plus", ())) == n and n > 0:
            for k, units in enumerate(self._hidden):
                self.neuron_plus[k].disabled = units >= MAX_NEURONS
                self.neuron_minus[k].disabled = units <= 1
                self._neuron_counts[k].value = self._count_html(units)
            return
        w, lay = widgets, widgets.Layout
        geom = diagram_geometry(self._hidden, DIAGRAM_LEFT)
        self.neuron_plus, self.neuron_minus = [], []
        self._neuron_counts = []
        first = geom.x(1) + NODE / 2 - geom.spacing / 2
        children: list[widgets.Widget] = [
            w.HTML(layout=lay(width=f"{first:.0f}px", margin="0"))]
        for k, n in enumerate(self._hidden):
            plus = w.Button(icon="plus", tooltip=f"Add a neuron to hidden "
                            f"layer {k + 1}", layout=lay(
                                width="24px", height="22px", margin="0"),
                            disabled=n >= MAX_NEURONS)
            minus = w.Button(icon="minus", tooltip=f"Remove a neuron from "
                             f"hidden layer {k + 1}", layout=lay(
                                 width="24px", height="22px", margin="0"),
                             disabled=n <= 1)
            plus.add_class("nnk-pm")
            minus.add_class("nnk-pm")
            plus.on_click(lambda _, k=k: self.add_neuron(k))
            minus.on_click(lambda _, k=k: self.remove_neuron(k))
            self.neuron_plus.append(plus)
            self.neuron_minus.append(minus)
            count = w.HTML(self._count_html(n),
                           layout=lay(margin="0", width="100%"))
            self._neuron_counts.append(count)
            children.append(w.VBox(
                [w.HBox([plus, minus], layout=lay(
                    justify_content="center", margin="0",
                    overflow="visible")), count],
                layout=lay(width=f"{geom.spacing:.0f}px", margin="0",
                           overflow="visible")))
        children.append(w.HTML(
            '<div class="nnk-small" style="text-align:center">output'
            '</div>', layout=lay(width=f"{geom.spacing:.0f}px",
                                 margin="14px 0 0 0")))
        self.header.children = children
        _no_null_tooltips(self.header)

    @staticmethod
    def _count_html(units: int) -> str:
        return (f'<div class="nnk-small" style="text-align:center">'
                f'{units} neuron{"s" if units > 1 else ""}</div>')

    def config_from_controls(self) -> PlaygroundConfig:
        """The ``PlaygroundConfig`` the controls describe (with no
        feature ticked: the current run's features)."""
        features = tuple(f for f, box in self.features.items() if box.value)
        return PlaygroundConfig(
            dataset=self.dataset.value, noise=self.noise.value,
            train_ratio=self.train_ratio.value,
            batch_size=self.batch_size.value,
            features=features or self.state.config.features,
            hidden=tuple(self._hidden), activation=self.activation.value,
            learning_rate=self.learning_rate.value,
            regularization=self.regularization.value,
            regularization_rate=self.regularization_rate.value,
            exact=self.exact.value, seed=self.seed.value)

    # ----- the network's shape -----
    def _reshape(self, what: str) -> None:
        self._rebuild_header()
        self.reset(message=what)

    def add_layer(self) -> None:
        """Add a hidden layer of 2 neurons (at most 6 layers)."""
        if len(self._hidden) < MAX_LAYERS:
            self._hidden.append(2)
            self._reshape(f"Added hidden layer {len(self._hidden)}")

    def remove_layer(self) -> None:
        """Remove the last hidden layer."""
        if self._hidden:
            self._hidden.pop()
            self._reshape(f"Removed hidden layer {len(self._hidden) + 1}")

    def add_neuron(self, layer: int) -> None:
        """Add a neuron to hidden layer ``layer`` (0-based; at most 8)."""
        if self._hidden[layer] < MAX_NEURONS:
            self._hidden[layer] += 1
            self._reshape(f"Hidden layer {layer + 1}: "
                          f"{self._hidden[layer]} neurons")

    def remove_neuron(self, layer: int) -> None:
        """Remove a neuron from hidden layer ``layer`` (at least 1)."""
        if self._hidden[layer] > 1:
            self._hidden[layer] -= 1
            self._reshape(f"Hidden layer {layer + 1}: "
                          f"{self._hidden[layer]} neurons")

    # ----- callbacks -----
    def _describe(self, owner: widgets.Widget) -> str:
        names = {id(self.noise): "Noise", id(self.train_ratio):
                 "Training data", id(self.batch_size): "Batch size",
                 id(self.activation): "Activation",
                 id(self.regularization): "Regularization",
                 id(self.regularization_rate): "Regularization rate",
                 id(self.exact): "Training mode", id(self.seed): "Seed",
                 id(self.dataset): "Data set"}
        label = getattr(owner, "label", None) or owner.value
        return f"{names.get(id(owner), 'Setting')}: {label}"

    def _on_setting(self, change: Any) -> None:
        if change["owner"] is self.exact:
            self.mode_note.value = (f'<div class="nnk-small">'
                                    f'{MODE_NOTES[change["new"]]}</div>')
        if not self._quiet:
            self.reset(message=self._describe(change["owner"]))

    def _on_features(self, change: Any) -> None:
        if self._quiet:
            return
        if not any(box.value for box in self.features.values()):
            self._pause()
            self.step_button.disabled = self.play_button.disabled = True
            self.feature_note.value = (
                '<div class="nnk-note">No input feature is selected: the '
                'network has no input. Tick at least one feature to train '
                '(the picture shows the last network).</div>')
            return
        self.step_button.disabled = self.play_button.disabled = False
        self.feature_note.value = ""
        name = FEATURE_LABELS[next(f for f, b in self.features.items()
                                   if b is change["owner"])]
        self.reset(message=f"Feature {name} "
                           f"{'on' if change['new'] else 'off'}")

    def _on_problem(self, change: Any) -> None:
        with self._quietly():           # one reset, not one per option
            options = self._datasets(change["new"])
            self.dataset.options = options
            self.dataset.tooltips = [f"Data set: {d}" for d in options]
            self.dataset.value = options[0]
        self._update_css()
        self.reset(message=f"Problem type: {change['new']}")

    def _on_learning_rate(self, change: Any) -> None:
        self.state.config = replace(self.state.config,
                                    learning_rate=change["new"])
        self.state.model.optimizer.learning_rate = change["new"]
        self._say(f"Learning rate: {change['new']:g} (training goes on "
                  f"from epoch {self.state.epoch})")
        self._update_code()

    def _on_view(self, change: Any) -> None:
        self._redraw_points()
        self.redraw()
        what = "Show test data" if change["owner"] is self.show_test \
            else "Discretize output"
        self._say(f"{what}: {'on' if change['new'] else 'off'}")

    def _on_speed(self, change: Any) -> None:
        self._say("Epochs per frame: "
                  + (str(change["new"]) if change["new"] else "auto"))

    def _on_play_button(self, change: Any) -> None:
        b = self.play_button
        b.description, b.icon = (("Pause", "pause") if change["new"]
                                 else ("Play", "play"))
        if not change["new"]:
            self.redraw()

    def _on_tick(self, change: Any) -> None:
        if self._quiet or change["new"] <= change["old"]:
            return
        if not self.play_button.value:
            return
        start = time.perf_counter()
        last = getattr(self, "_last_tick", None)
        if last is not None and start - last < 1.0:
            self.adapt_budget(start - last)
        self._last_tick = start
        self.train(self.epochs_this_frame(), draw=True)
        self.frame_times.append(time.perf_counter() - start)

    def _pause(self) -> None:
        with self._quietly():
            self.play_button.value = False
            self.play.playing = False
        self.play_button.description, self.play_button.icon = "Play", "play"

    def _say(self, text: str) -> None:
        self.message.value = f'<div class="nnk-msg">{text}</div>'

    # ----- actions -----
    def adapt_budget(self, period: float) -> float:
        """Adapt the kernel time per frame to the time ``period`` (s)
        between the last two frames: frames too far apart get less
        work, frames closer than 1/15 s more, within
        [``MIN_BUDGET``, ``FRAME_BUDGET``]. Returns the new budget."""
        self._budget = float(np.clip(
            self._budget + 0.5 * (1 / FRAME_RATE - period), MIN_BUDGET,
            FRAME_BUDGET))
        return self._budget

    def epochs_this_frame(self) -> int:
        """Epochs to train in the next frame: the speed control's value,
        or (auto) as many as fit in the frame's budget after drawing, by
        the running costs measured so far (the budget adapts while
        playing so that frames arrive 15 times a second).
        """
        if self.speed.value:
            return int(self.speed.value)
        if self._epoch_cost <= 0:
            return 1
        left = self._budget - self._draw_cost
        return int(np.clip(left / self._epoch_cost, 1, 500))

    def train(self, epochs: int = 1, draw: bool = True) -> None:
        """Train run A (and B, if pinned) ``epochs`` more epochs; redraw.
        """
        if epochs < 1:
            return
        start = time.perf_counter()
        train_epochs(self.state, epochs)
        if self.compare_state is not None:
            train_epochs(self.compare_state, epochs)
        cost = (time.perf_counter() - start) / epochs
        self._epoch_cost = cost if self._epoch_cost == 0 else \
            0.7 * self._epoch_cost + 0.3 * cost
        if self.state.diverged:
            self._pause()
            self._say("Training diverged: lower the learning rate and "
                      "press Reset")
        if draw:
            self.redraw()

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs and redraw."""
        self.train(epochs)
        self._say(f"Trained {epochs} epoch{'s' if epochs > 1 else ''}")

    def reset(self, message: str | None = None) -> None:
        """Pause, rebuild data and network from the controls (and B on
        the same data), redraw."""
        self._pause()
        with self._quietly():
            self.play.value = 0
        self.state = init_state(self.config_from_controls())
        self._reset_compare()
        self._redraw_points()
        self.redraw()
        self._say((message + ": " if message else "")
                  + "new run from epoch 0")

    # ----- compare -----
    def pin(self) -> None:
        """Keep the current configuration as B; both restart at epoch 0
        and train side by side on the same data from now on."""
        self._compare_config = self.state.config
        self.pin_button.description = "Pin again as B"
        self.unpin_button.layout.display = None
        self.reset(message="Pinned this configuration as B")

    def unpin(self) -> None:
        """Stop comparing: forget configuration B."""
        self._compare_config = None
        self.compare_state = None
        self.pin_button.description = "Compare: pin as B"
        self.unpin_button.layout.display = "none"
        self.compare_image.layout.display = "none"
        self.compare_label.layout.display = "none"
        self.redraw()
        self._say("Stopped comparing")

    def _reset_compare(self) -> None:
        if self._compare_config is None:
            self.compare_state = None
            return
        a = self.state.config
        self.compare_state = init_state(replace(
            self._compare_config, dataset=a.dataset, noise=a.noise,
            train_ratio=a.train_ratio, seed=a.seed))
        self.compare_image.layout.display = None
        self.compare_label.layout.display = None

    # ----- drawing -----
    def _redraw_points(self) -> None:
        s = self.state
        key = (s.config.dataset, s.config.noise, s.config.train_ratio,
               s.config.seed, s.config.exact, self.show_test.value)
        if key == getattr(self, "_points_key", None):
            return                         # same points: nothing to send
        self._points_key = key
        test = (s.data.x_test, s.data.y_test) if self.show_test.value \
            else None
        self.points.value = points_svg(s.data.x_train, s.data.y_train,
                                       s.config, MAP_SIZE, test, MAP_PAD)
        self.scale.value = scale_svg(s.config, MAP_SIZE + MAP_PAD[0])

    def redraw(self) -> None:
        """Redraw the diagram, the output map, the charts and the status
        from the current state(s)."""
        start = time.perf_counter()
        s = self.state
        maps = layer_maps(s, MAP_RESOLUTION)
        self.diagram.value = diagram_html(s.config, s.model.get_weights(),
                                          maps, feature_names=False)
        self.output_image.value = output_png(maps, s.config,
                                             self.discretize.value)
        ca, cb = RUN_COLOURS["A"], RUN_COLOURS["B"]
        curves = [("train", s.train_loss, ca[0], ""),
                  ("test", s.test_loss, ca[1], "4 3")]
        b = self.compare_state
        if b is not None:
            curves = [("A train", s.train_loss, ca[0], ""),
                      ("A test", s.test_loss, ca[1], "4 3"),
                      ("B train", b.train_loss, cb[0], ""),
                      ("B test", b.test_loss, cb[1], "4 3")]
            bmaps = layer_maps(b, MAP_RESOLUTION)
            self.compare_image.value = output_png(bmaps, b.config,
                                                  self.discretize.value)
            self.compare_label.value = self._compare_text()
        self.loss_chart.value = loss_svg(curves, 270, 130)
        names = [f"hidden {k + 1}" for k in range(len(s.config.hidden))]
        self.norms_chart.value = norms_svg(gradient_norms(s),
                                           names + ["output"], 270)
        self._update_status()
        self._update_code()
        cost = time.perf_counter() - start
        self._draw_cost = cost if self._draw_cost == 0 else \
            0.7 * self._draw_cost + 0.3 * cost

    def _compare_text(self) -> str:
        a, b = self.state.config, self.compare_state.config
        diff = [f"{k}: {getattr(b, k)}" for k in (
            "features", "hidden", "activation", "learning_rate",
            "regularization", "regularization_rate", "batch_size", "exact")
            if getattr(a, k) != getattr(b, k)]
        acc = ""
        if b.problem == "classification":
            acc = f"<br>test accuracy {accuracy(self.compare_state):.0%}"
        return ('<div class="nnk-small"><b>B</b> (left), same data: '
                + ("; ".join(map(str, diff)) or "same settings as A")
                + f"<br>test loss {self.compare_state.test_loss[-1]:.3f}"
                + acc + "</div>")

    def _update_status(self) -> None:
        s = self.state
        self.epoch_label.value = (
            f'<div class="nnk-lbl">Epoch</div><div style="font-size:17px;'
            f'font-variant-numeric:tabular-nums">{s.epoch:06,d}</div>')
        text = (f"Test loss <b>{s.test_loss[-1]:.3f}</b> &nbsp; "
                f"Training loss <b>{s.train_loss[-1]:.3f}</b>")
        if s.config.problem == "classification":
            text += f"<br>Test accuracy <b>{accuracy(s):.1%}</b>"
        if s.diverged:
            text += " &nbsp; <b>diverged</b>: lower the learning rate"
        self.stats.value = f'<div class="nnk-lbl">{text}</div>'

    def code(self, framework: str = "nnkit") -> str:
        """The current network as code (``playground_code``); ``epochs``
        is the epoch count reached, or 100 at epoch 0."""
        return playground_code(self.state.config, framework,
                               epochs=self.state.epoch or 100)

    def _update_code(self) -> None:
        import html
        shown = self.code_button.value
        self.code_view.layout.display = None if shown else "none"
        if not shown:
            return
        blocks = "".join(
            f'<div style="flex:1 1 420px;min-width:0;margin:0 8px 8px 0">'
            f'<div class="nnk-h">{title}</div><pre class="nnk-code" '
            f'data-framework="{fw}">{html.escape(self.code(fw))}</pre></div>'
            for fw, title in (("nnkit", "nnkit"), ("keras", "Keras")))
        self.code_view.value = (
            '<div style="display:flex;flex-wrap:wrap">' + blocks + "</div>")

    # ----- the static picture -----
    def picture(self, width: float = 9.0, side: str = "left") -> Any:
        """The widget as a static matplotlib figure: the control panel
        (beside the plots, or above them with ``side="top"``), the
        network diagram and the output, from the current state."""
        from ._playground_view import playground_picture
        return playground_picture(self, width, side)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def playground(config: PlaygroundConfig | Mapping | None = None,
               **overrides: Any) -> Playground:
    """A ``Playground`` widget; display it as a cell's last value."""
    return Playground(config, **overrides)
