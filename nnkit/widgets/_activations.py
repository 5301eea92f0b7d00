"""The activation explorer: an activation f and its derivative f'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes

from .. import activations
from ..plot import activation_plot
from ._base import _dropdown, _FigureWidget


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
        self._on_name({"new": name})

    def _on_name(self, change: Any) -> None:
        tunable = _tunable(change["new"])
        self.alpha.layout.display = None if tunable else "none"
        if tunable is not None:
            with self._quietly():  # one redraw, not two
                self.alpha.description = tunable[0]
                # a leaky slope lives in [0, 1]; ELU's alpha is larger
                self.alpha.max = 1.0 if "slope" in tunable[0] else 3.0
                self.alpha.value = tunable[1]
        self.redraw()

    def redraw(self) -> None:
        """Plot the selected activation with the current alpha."""
        if self._quiet:
            return
        self._clear()
        axes = self.figure.subplots(1, 2)
        has_alpha = _tunable(self.name.value) is not None
        plot_activation(self.name.value,
                        self.alpha.value if has_alpha else None, axes=axes)
        self._show()


def activation_explorer(name: str = "relu") -> ActivationExplorer:
    """An ``ActivationExplorer`` widget."""
    return ActivationExplorer(name)
