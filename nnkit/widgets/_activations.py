"""The activation explorer: an activation f and its derivative f'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes

from .. import _validate as check
from .. import activations
from ..plot import activation_plot
from ._base import _FigureWidget, _no_null_tooltips, _with_label


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
                    axes: Sequence[Axes] | None = None,
                    overlay: Sequence[str] = ()) -> np.ndarray:
    """Plot an activation f and its derivative f', with others to
    compare.

    Args:
        name: an nnkit activation name (elementwise ones).
        alpha: its parameter where it has one: the slope for
            ``"leaky_relu"`` (``negative_slope``), alpha for ``"elu"``;
            None keeps the default.
        x: inputs, default ``np.linspace(-5, 5, 401)``.
        axes: two Axes; a new figure when None.
        overlay: more activation names drawn on the same axes (with
            their default parameters, dotted), after ``name``.

    Returns:
        Array of the two Axes (f, f'): one line for ``name`` first,
        then one per overlaid activation, each in its own colour.
    """
    act = check.lookup("plot_activation", "name", name, activations.get)
    if alpha is not None:
        tunable = _tunable(name)
        if tunable is None:
            raise ValueError(f"plot_activation: {name!r} has no parameter "
                             f"alpha, got alpha={alpha!r}")
        alpha = check.number("plot_activation", "alpha", alpha)
        act = type(act)(**{tunable[0]: alpha})
    if x is not None:
        x = check.array("plot_activation", "x", x, finite=True)
    others = [activations.get(n) for n in overlay if n != name]
    axes = activation_plot([act, *others], x=x, axes=axes)
    label = name if alpha is None else \
        f"{name} ({_tunable(name)[0]}={float(alpha):g})"
    for ax in axes:
        ax.lines[0].set_label(label)
        ax.lines[0].set_linewidth(2.4)
        for line, other in zip(ax.lines[1:], [n for n in overlay
                                              if n != name]):
            line.set_label(other)
            line.set_linestyle(":")        # the others: for reference
        ax.legend(fontsize="small")
    return axes


class ActivationExplorer(_FigureWidget):
    """Pick an activation and its alpha; see f and f', and overlay
    others to compare.

    Args:
        name: the activation shown first.
        overlay: activations drawn with it from the start.

    Attributes:
        name: the activation dropdown.
        alpha: the parameter slider (shown when the activation has
            one: ``leaky_relu``'s slope, ``elu``'s alpha).
        overlay: the multiple selection of activations to compare.
        widget: the ipywidgets box (the object itself displays as it).
    """

    def __init__(self, name: str = "relu", overlay: Sequence[str] = ()):
        check.lookup("ActivationExplorer", "name", name, activations.get)
        super().__init__((9, 3.5))
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.14,
                                    top=0.9, wspace=0.18)
        w, lay = widgets, widgets.Layout
        names = [n for n in activations.names()
                 if activations.get(n).elementwise]
        style = {"description_width": "80px"}
        self.name = w.Dropdown(options=names, value=name,
                               description="Activation", style=style,
                               tooltip="The activation to study",
                               layout=lay(width="250px"))
        self.alpha = w.FloatSlider(
            1.0, min=0.0, max=3.0, step=0.05, description="alpha",
            style=style, layout=lay(width="300px"),
            tooltip="The activation's parameter")
        self.overlay = w.SelectMultiple(
            options=names, value=tuple(overlay), rows=4,
            description="Overlay", style=style, layout=lay(width="250px"),
            tooltip="Activations drawn with it, to compare "
                    "(Ctrl- or Shift-click to pick several)")
        self.name.observe(self._on_name, names="value")
        self.alpha.observe(lambda _: self.redraw(), names="value")
        self.overlay.observe(lambda _: self.redraw(), names="value")
        self.image.layout = lay(width="810px", height="315px")
        self.alpha_row = _with_label(self.alpha, "alpha", "110px", "200px")
        self.widget = w.VBox([
            w.HBox([w.VBox([_with_label(self.name, "Activation", "110px",
                                        "170px"), self.alpha_row]),
                    _with_label(self.overlay, "Overlay", "70px", "170px")],
                   layout=lay(flex_flow="row wrap")), self.image])
        _no_null_tooltips(self.widget)
        self._on_name({"new": name})

    def _on_name(self, change: Any) -> None:
        tunable = _tunable(change["new"])
        self.alpha_row.layout.display = None if tunable else "none"
        self.alpha.layout.display = None if tunable else "none"
        if tunable is not None:
            with self._quietly():  # one redraw, not two
                self.alpha_row.children[0].value = (
                    f'<div class="nnk-lbl" title="{self.alpha.tooltip}">'
                    f"{tunable[0]}</div>")
                self.alpha.description = ""
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
                        self.alpha.value if has_alpha else None, axes=axes,
                        overlay=self.overlay.value)
        self._show()

    def picture(self) -> Any:
        """The widget as a static figure: its controls beside f and f'.
        """
        from ._picture import control_rows, picture_figure
        # Narrow enough to be shown unscaled in the book's column, so
        # the panel's small text stays legible (nnkit.book.MIN_TEXT_PX).
        fig, (left, bottom, right, top) = picture_figure(
            control_rows(self.widget), 1, (5.9, 3.3))
        grid = fig.add_gridspec(1, 2, left=left, bottom=bottom,
                                right=right, top=top, wspace=0.25)
        has_alpha = _tunable(self.name.value) is not None
        f_ax, d_ax = plot_activation(
            self.name.value, self.alpha.value if has_alpha else None,
            axes=[fig.add_subplot(grid[0]), fig.add_subplot(grid[1])],
            overlay=self.overlay.value)
        d_ax.get_legend().remove()          # one legend, where f is low
        for text in f_ax.legend(fontsize="small",
                                loc="upper left").get_texts():
            text.set_text(text.get_text().replace(" (", "\n("))
        return fig


def activation_explorer(name: str = "relu", overlay: Sequence[str] = ()
                        ) -> ActivationExplorer:
    """An ``ActivationExplorer`` widget (arguments as its constructor).
    """
    return ActivationExplorer(name, overlay)
