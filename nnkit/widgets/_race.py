"""The optimizer race: real nnkit optimizers on a 2-D surface.

``optimize_path`` follows one optimizer, ``race`` several from the same
start, ``plot_paths`` draws them on the surface's contours, and the
``OptimizerRace`` widget animates them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from .. import optimizers
from ..layers.base import Parameter
from ..plot import OKABE_ITO
from ._base import _bad, _dropdown, _FigureWidget
from ._surfaces import Surface, _surface, surfaces

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
        with self._quietly():  # recompute once, not per control
            self.start_x.value, self.start_y.value = surf.start
            self.sgd_rate.value = surf.learning_rate
            self.adaptive_rate.value = surf.adaptive_learning_rate
        self.recompute()

    def recompute(self) -> None:
        """Run the race for the current settings; show the full paths."""
        if self._quiet:
            return
        self.paths = race(self.surface.value, list(self.names.value),
                          self.learning_rates(), self.steps.value,
                          (self.start_x.value, self.start_y.value))
        n = self.steps.value
        with self._quietly():
            self.play.playing = False
            self.step_slider.max = self.play.max = n
            self.step_slider.value = self.play.value = n
        self.redraw()

    def redraw(self) -> None:
        """Draw the paths up to the step slider's value."""
        if self._quiet:
            return
        self._clear()
        ax = self.figure.add_subplot()
        k = self.step_slider.value
        plot_paths(self.surface.value, self.paths, k, ax,
                   title=f"{self.surface.value}, step {k}")
        self._show()


def optimizer_race(surface: str = "rosenbrock", **kwargs: Any
                   ) -> OptimizerRace:
    """An ``OptimizerRace`` widget (arguments as its constructor)."""
    return OptimizerRace(surface, **kwargs)
